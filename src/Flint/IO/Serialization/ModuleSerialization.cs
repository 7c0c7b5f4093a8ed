namespace Flint;

/// <summary>
/// Lets a state dict read by <c>torch.load</c> go straight into a module:
/// <c>model.load_state_dict((Dictionary&lt;string, object?&gt;)torch.load(path)!)</c>, as in PyTorch.
/// </summary>
public static class ModuleSerializationExtensions
{
    /// <summary>
    /// <see cref="torch.nn.Module.load_state_dict(IReadOnlyDictionary{string, Tensor}, bool)"/> for a dictionary
    /// whose values are tensors held as objects (what <c>torch.load</c> returns).
    /// </summary>
    /// <exception cref="ArgumentException">A value under one of the module's keys is not a tensor, or the keys or
    /// shapes do not match the module (PyTorch's texts).</exception>
    public static (List<string> missing_keys, List<string> unexpected_keys) load_state_dict(
        this torch.nn.Module module, IReadOnlyDictionary<string, object?> state_dict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(state_dict);
        return module.LoadStateDict(state_dict, strict);
    }
}

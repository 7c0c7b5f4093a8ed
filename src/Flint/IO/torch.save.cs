namespace Flint;

public static partial class torch
{
    /// <summary>
    /// Saves tensors by name in the safetensors format (readable by Python's safetensors), atomically: a crash never
    /// leaves a torn file. Use it for a model's <c>state_dict()</c>.
    /// </summary>
    public static void save(IReadOnlyDictionary<string, Tensor> tensors, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        IO.SafeTensors.Save(tensors, path, metadata);

    /// <summary>Saves one tensor in the safetensors format under the name "tensor".</summary>
    public static void save(Tensor tensor, string path) =>
        IO.SafeTensors.Save(new Dictionary<string, Tensor> { ["tensor"] = tensor }, path);

    /// <summary>Loads a safetensors file: the tensors by name, in the file's order.</summary>
    public static Dictionary<string, Tensor> load_safetensors(string path) => IO.SafeTensors.Load(path);
}

namespace Flint.Autograd;

/// <summary>The checks ops ask of autograd before they write (out= targets, in-place on leaves).</summary>
internal static class AutogradHooks
{
    internal static void CheckOut(Tensor @out)
    {
        if (@out.requires_grad && GradMode.IsEnabled)
            throw new InvalidOperationException("functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.");
    }

    internal static void CheckOutInputs(params Tensor[] inputs)
    {
        if (GradMode.IsEnabled && inputs.Any(t => t.requires_grad))
            throw new InvalidOperationException("functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.");
    }

    /// <summary>
    /// A tensor hook may replace a gradient only with one of the same type, device and size: PyTorch's checks, in
    /// its order and words, naming the hook as Python would (a lambda is '&lt;lambda&gt;').
    /// </summary>
    internal static void CheckHookResult(Tensor original, Tensor result, Delegate hook)
    {
        if (result.dtype != original.dtype || result.is_cuda != original.is_cuda)
        {
            string was = TypeName(original), got = TypeName(result);
            if (result.dtype != original.dtype)
                throw new InvalidOperationException($"hook '{HookName(hook)}' has changed the type of value (was {was} got {got})");
            throw new InvalidOperationException($"hook '{HookName(hook)}' has changed the type of value (was {(original.is_cuda ? "CUDA tensor got CPU tensor" : "CPU tensor got CUDA tensor")})");
        }
        if (!result.shape.Equals(original.shape))
            throw new InvalidOperationException($"hook '{HookName(hook)}' has changed the size of value");
    }

    private static string TypeName(Tensor t) => $"torch.{(t.is_cuda ? "cuda." : "")}{t.dtype.LegacyName}Tensor";

    /// <summary>A method's own name; a lambda's compiler-made name is '&lt;lambda&gt;', a local function's is its declared name.</summary>
    internal static string HookName(Delegate hook)
    {
        string name = hook.Method.Name;
        if (!name.StartsWith('<')) return name;
        int local = name.IndexOf("g__", StringComparison.Ordinal);
        if (local >= 0)
        {
            int end = name.IndexOf('|', local);
            return end > local ? name[(local + 3)..end] : name[(local + 3)..];
        }
        return "<lambda>";
    }

    internal static void CheckInPlace(Tensor self)
    {
        if (self._storage.IsInference && !GradMode.IsInference)
            throw new InvalidOperationException("Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details.");
        if (self.requires_grad && self.is_leaf && GradMode.IsEnabled)
            throw new InvalidOperationException("a leaf Variable that requires grad is being used in an in-place operation.");
    }
}

/// <summary>Whether operations record history (PyTorch's grad mode), per thread.</summary>
internal static class GradMode
{
    [ThreadStatic] private static bool disabled;
    [ThreadStatic] private static bool inference;
    internal static bool IsEnabled { get => !disabled; set => disabled = !value; }
    internal static bool IsInference { get => inference; set => inference = value; }
}

/// <summary>Restores the previous grad mode when disposed: <c>using (torch.no_grad()) { ... }</c>.</summary>
public sealed class GradModeScope : IDisposable
{
    private readonly bool previous;
    private readonly bool previousInference;
    private bool disposed;

    /// <param name="inference">null keeps the inference mode; inference_mode(mode) sets it to mode.</param>
    internal GradModeScope(bool enabled, bool? inference = null)
    {
        previous = GradMode.IsEnabled; previousInference = GradMode.IsInference;
        GradMode.IsEnabled = enabled;
        if (inference is { } inf) GradMode.IsInference = inf;
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        GradMode.IsEnabled = previous;
        GradMode.IsInference = previousInference;
    }
}

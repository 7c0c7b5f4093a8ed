namespace Flint.Autograd;

/// <summary>How the engine fits a custom Function's returned gradients to its inputs (PyTorch's rules).</summary>
internal static class FunctionGradients
{
    /// <summary>
    /// A custom Function's gradients, one per input (another count is an error): a broadcast gradient is summed back
    /// to the input's shape, another dtype is converted; a shape that cannot broadcast to the input's is an error.
    /// </summary>
    internal static Tensor?[] ValidateAll(string name, Tensor?[] grads, long[][] shapes, DType[] dtypes)
    {
        if (grads.Length != shapes.Length)
            throw new InvalidOperationException($"function {name} returned an incorrect number of gradients (expected {shapes.Length}, got {grads.Length})");
        for (int i = 0; i < grads.Length; i++)
            if (grads[i] is { } gi)
            {
                // user code made (and may keep) these: they are never stolen into a .grad
                GradOwnership.Escape(gi);
                grads[i] = Validate(name, i, gi, shapes[i], dtypes[i]);
                GradOwnership.Escape(grads[i]!);
            }
        return grads;
    }

    /// <summary>One gradient of a custom Function checked as <see cref="ValidateAll"/> does.</summary>
    internal static Tensor Validate(string name, int i, Tensor g, long[] shape, DType dtype)
    {
        if (!g._shape.AsSpan().SequenceEqual(shape))
        {
            if (!Expandable(shape, g._shape))
                throw new ArgumentException($"Function {name} returned an invalid gradient at index {i} - got {Shape.Str(g._shape)} but expected shape compatible with {Shape.Str(shape)}");
            g = Recording.SumToShape(g, shape);
        }
        return g.dtype == dtype ? g : g.to(dtype);
    }

    /// <summary>Whether <paramref name="shape"/> broadcasts to <paramref name="target"/>.</summary>
    private static bool Expandable(long[] shape, long[] target)
    {
        if (shape.Length > target.Length) return false;
        for (int k = 1; k <= shape.Length; k++)
        {
            long s = shape[^k], t = target[^k];
            if (s != t && s != 1) return false;
        }
        return true;
    }
}

namespace Flint.Ops;

/// <summary>
/// How an out= tensor receives a result, in one place: autograd refuses an out= that requires grad, a tensor of
/// another shape is resized (fresh contiguous memory, as PyTorch resizes it), and the delivered result counts as
/// a write (the version counter moves).
/// </summary>
internal static class OutArgument
{
    /// <summary>Resizes out to shape when its shape differs.</summary>
    internal static Tensor Resize(Tensor @out, long[] shape)
    {
        if (!@out._shape.AsSpan().SequenceEqual(shape)) @out.ResizeForOut(shape);
        return @out;
    }

    /// <summary>Makes out ready for a kernel to write a result of shape into: checked against autograd, then resized.</summary>
    internal static Tensor Prepare(Tensor @out, long[] shape)
    {
        Autograd.AutogradHooks.CheckOut(@out);
        return Resize(@out, shape);
    }

    /// <summary>Copies a computed result into out (converting to out's dtype), prepared as <see cref="Prepare"/> does.</summary>
    internal static Tensor Deliver(Tensor result, Tensor @out)
    {
        Prepare(@out, result._shape);
        @out.Backend.Copy(@out, result);
        @out.BumpVersion();
        return @out;
    }

    /// <summary>The out= rule of the kernels that do not cast into out (scalar clamp and pow, the float-only unary ops): out must already have the result dtype.</summary>
    internal static void CheckExactDType(Tensor? @out, DType result)
    {
        if (@out is not null && @out.dtype != result)
            throw new InvalidOperationException($"Found dtype {@out.dtype.LegacyName} but expected {result.LegacyName}");
    }
}

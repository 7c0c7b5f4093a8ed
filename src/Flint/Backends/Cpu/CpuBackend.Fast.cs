namespace Flint.Backends.Cpu;

// Shape tests that let elementwise kernels skip the strided loop: when the output is contiguous and every
// input is either laid out exactly like it or a single broadcast element, the whole op is one flat run.
internal sealed partial class CpuBackend
{
    /// <summary>True when y is contiguous and x is contiguous with y's shape (and not a shifted view of y's data).</summary>
    private static bool FlatUnary(in TensorLayout x, in TensorLayout y) =>
        y.IsContiguous && SameLayout(x, y) && !PartialOverlap(x, y);

    /// <summary>
    /// True when y is contiguous and each input is either contiguous with y's shape (step 1) or one element
    /// broadcast to it (step 0).
    /// </summary>
    private static bool FlatBinary(in TensorLayout a, in TensorLayout b, in TensorLayout y, out int fa, out int fb)
    {
        fa = fb = 0;
        if (!y.IsContiguous) return false;
        if (!FlatOperand(a, y, out fa) || !FlatOperand(b, y, out fb)) return false;
        return !PartialOverlap(a, y) && !PartialOverlap(b, y);
    }

    private static bool FlatOperand(in TensorLayout t, in TensorLayout y, out int step)
    {
        step = 1;
        if (SameLayout(t, y)) return true;
        step = 0;
        foreach (var d in t.Shape) if (d != 1) return false;
        return true;
    }

    private static bool SameLayout(in TensorLayout t, in TensorLayout y)
    {
        if (!ReferenceEquals(t.Shape, y.Shape) && !t.Shape.AsSpan().SequenceEqual(y.Shape)) return false;
        return ReferenceEquals(t.Strides, y.Strides) || t.IsContiguous;
    }

    /// <summary>An input that reads y's own array from another offset: such ops keep the strided route's behaviour.</summary>
    private static bool PartialOverlap(in TensorLayout t, in TensorLayout y) =>
        ReferenceEquals(t.Storage, y.Storage) && (t.Offset != y.Offset || !SameLayout(t, y));
}

/// <summary>Runs a flat range either inline or on the worker pool, by the grain size.</summary>
internal static class Flat
{
    internal static void Run(long n, WorkerPool.RangeBody body)
    {
        if (n <= 0) return;
        WorkerPool.For(n, KernelOptions.Grain(), body);
    }
}

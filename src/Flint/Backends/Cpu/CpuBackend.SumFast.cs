using System.Numerics;
using System.Runtime.InteropServices;

namespace Flint.Backends.Cpu;

// Fast float sums and means over contiguous inputs: the whole tensor, trailing dims (each output reads one
// contiguous run), leading dims (outputs are column sums of contiguous rows) or both around a kept middle
// block (a bias gradient, NCHW to C). Runs of a float sum add short
// stretches in float lanes and fold them into double (VectorKernels.SumF), the rest accumulates in double, as
// the general route does; block partials are added in a fixed order, so results do not depend on thread count.
internal sealed partial class CpuBackend
{
    /// <summary>Elements per block of a full reduction (partials are summed in block order).</summary>
    internal const int SumBlock = 1 << 14;

    private static bool TrySumFast<T>(in TensorLayout x, int[] dims, in TensorLayout y, bool mean) where T : unmanaged, INumber<T>
    {
        int nd = x.Rank;
        if (dims.Length == 0 || nd > 64 || !x.IsContiguous) return false;
        // the reduced dims as a bit set (a repeated dim takes the general route)
        ulong set = 0;
        foreach (var d in dims)
        {
            if ((uint)d >= (uint)nd || (set & (1UL << d)) != 0) return false;
            set |= 1UL << d;
        }
        long numel = x.Numel;
        if (numel == 0) return false;
        ulong low = dims.Length == 64 ? ulong.MaxValue : (1UL << dims.Length) - 1;
        bool leading = set == low;
        bool trailing = set == low << (nd - dims.Length);
        if (!trailing && !leading)
        {
            var sorted = (int[])dims.Clone();
            Array.Sort(sorted);
            return TrySumOuter<T>(x, sorted, y, mean);
        }
        long inner = 1;
        foreach (var d in dims) inner *= x.Shape[d];
        long outer = numel / inner;
        // the output's element order follows the kept dims, which are contiguous in y only when y is
        if (!y.IsContiguous || y.Numel != outer) return false;
        var path = KernelOptions.Resolve();
        var xa = Arr<T>(x); var ya = Arr<T>(y);
        if (trailing)
        {
            if (outer == 1) At(ya, y.Offset) = Finish<T>(BlockedSum(path, xa, x.Offset, inner), inner, mean);
            else SumTrailing(path, xa, x.Offset, ya, y.Offset, outer, inner, mean);
        }
        else SumLeading(path, xa, x.Offset, ya, y.Offset, inner, outer, mean);
        return true;
    }

    // (the parallel loops sit in methods of their own: a lambda's captures are allocated where its method starts)
    private static void SumTrailing<T>(VectorPath path, T[] xa, long o0, T[] ya, long oy, long outer, long inner, bool mean)
        where T : unmanaged, INumber<T> =>
        WorkerPool.For(outer, Math.Max(1, KernelOptions.Grain() / Math.Max(1, inner)), (b, e) =>
        {
            for (long o = b; o < e; o++)
                At(ya, oy + o) = Finish<T>(VectorKernels.SumDouble(path, ref At(xa, o0 + o * inner), (nint)inner), inner, mean);
        });

    /// <summary>Leading dims reduced: y[j] = sum over r of x[r, j], rows of length <paramref name="cols"/>.</summary>
    private static void SumLeading<T>(VectorPath path, T[] xa, long xo, T[] ya, long yo, long rows, long cols, bool mean)
        where T : unmanaged, INumber<T> =>
        WorkerPool.For(cols, Math.Max(64, KernelOptions.Grain() / Math.Max(1, rows)), (b, e) =>
        {
            int w = (int)(e - b);
            var acc = new double[w];
            for (long r = 0; r < rows; r++)
                VectorKernels.AccumulateDouble(path, ref At(xa, xo + r * cols + b), acc.AsSpan());
            for (int j = 0; j < w; j++) At(ya, yo + b + j) = Finish<T>(acc[j], rows, mean);
        });

    /// <summary>
    /// Leading and trailing dims reduced around a kept middle block (a bias gradient: NCHW summed to C): x is
    /// [L, K, T] and y[k] sums the L contiguous runs of length T that belong to k.
    /// </summary>
    private static bool TrySumOuter<T>(TensorLayout x, int[] sorted, TensorLayout y, bool mean) where T : unmanaged, INumber<T>
    {
        int nd = x.Rank, a = 0;
        while (a < sorted.Length && sorted[a] == a) a++;
        if (a == 0 || a == sorted.Length) return false;
        for (int i = a; i < sorted.Length; i++) if (sorted[i] != nd - (sorted.Length - i)) return false;
        int b = sorted[a];   // kept dims are [a, b)
        long l = 1, k = 1, t = 1;
        for (int d = 0; d < a; d++) l *= x.Shape[d];
        for (int d = a; d < b; d++) k *= x.Shape[d];
        for (int d = b; d < nd; d++) t *= x.Shape[d];
        if (!y.IsContiguous || y.Numel != k) return false;
        var path = KernelOptions.Resolve();
        var xa = Arr<T>(x); var ya = Arr<T>(y);
        long xo = x.Offset, yo = y.Offset;
        WorkerPool.For(k, Math.Max(1, KernelOptions.Grain() / Math.Max(1, l * t)), (k0, k1) =>
        {
            for (long kk = k0; kk < k1; kk++)
            {
                double acc = 0;
                for (long li = 0; li < l; li++) acc += VectorKernels.SumDouble(path, ref At(xa, xo + (li * k + kk) * t), (nint)t);
                At(ya, yo + kk) = Finish<T>(acc, l * t, mean);
            }
        });
        return true;
    }

    private static T Finish<T>(double s, long n, bool mean) where T : INumber<T> => T.CreateTruncating(mean ? s / n : s);

    /// <summary>A long contiguous sum: fixed blocks, each summed on some worker, partials added in order.</summary>
    private static double BlockedSum<T>(VectorPath path, T[] xa, long off, long n) where T : unmanaged, INumber<T> =>
        n <= SumBlock ? VectorKernels.SumDouble(path, ref At(xa, off), (nint)n) : BlockedSumLong(path, xa, off, n);

    private static double BlockedSumLong<T>(VectorPath path, T[] xa, long off, long n) where T : unmanaged, INumber<T>
    {
        long blocks = (n + SumBlock - 1) / SumBlock;
        var partial = new double[blocks];
        long grainBlocks = Math.Max(1, KernelOptions.Grain() == long.MaxValue ? long.MaxValue : KernelOptions.Grain() / SumBlock);
        WorkerPool.For(blocks, grainBlocks, (b, e) =>
        {
            for (long k = b; k < e; k++)
            {
                long s = k * SumBlock, len = Math.Min(SumBlock, n - s);
                partial[k] = VectorKernels.SumDouble(path, ref At(xa, off + s), (nint)len);
            }
        });
        double total = 0;
        foreach (var p in partial) total += p;
        return total;
    }
}

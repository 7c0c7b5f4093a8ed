using System.Buffers;
using Flint.Ops.Kernels;

namespace Flint.Backends.Cpu;

/// <summary>What a slice walk does with one slice: its values gathered in order, and the slice's row-major index.</summary>
internal interface ISliceFn<T> where T : unmanaged
{
    void Run(Span<T> values, long slice);
}

// The walk of reductions, index reductions and scans over a contiguous input whose reduced dims are one adjacent
// run: x is [outer, r, inner] and each of the outer · inner slices holds r values. Without trailing dims a slice is
// a contiguous run, copied to per-thread scratch; otherwise tiles of columns are gathered from whole rows of the
// block (every read walks memory forward) and handed over column by column. Each slice sees exactly the values,
// in the order, of the offset-table walk, so results equal it bit for bit, on any thread split.
internal sealed partial class CpuBackend
{
    /// <summary>Columns gathered per tile of a walk with trailing dims.</summary>
    internal const int SliceTile = 16;

    /// <summary>x as [outer, r, inner] around the reduced dims (sorted): false unless x is contiguous, non-empty and they are adjacent.</summary>
    private static bool Grouped(in TensorLayout x, ReadOnlySpan<int> dims, out long outer, out long r, out long inner)
    {
        outer = r = inner = 1;
        if (dims.Length == 0 || !x.IsContiguous || x.Numel == 0 || KernelOptions.Resolve() == VectorPath.Scalar) return false;
        for (int i = 1; i < dims.Length; i++) if (dims[i] != dims[i - 1] + 1) return false;
        for (int d = 0; d < x.Rank; d++)
        {
            if (d < dims[0]) outer *= x.Shape[d];
            else if (d <= dims[^1]) r *= x.Shape[d];
            else inner *= x.Shape[d];
        }
        return r * Math.Min(inner, SliceTile) <= int.MaxValue;
    }

    /// <summary>Whether an output of <paramref name="n"/> elements can be written at slice index (contiguous).</summary>
    private static bool Flat(in TensorLayout y, long n) => y.IsContiguous && y.Numel == n;

    private static void WalkSlices<T, TFn>(T[] xa, long xo, long outer, long r, long inner, TFn fn)
        where T : unmanaged where TFn : struct, ISliceFn<T>
    {
        if (inner == 1) WalkRuns(xa, xo, outer, r, fn);
        else WalkTiles(xa, xo, outer, r, inner, fn);
    }

    // (the parallel loops sit in methods of their own: a lambda's captures are allocated where its method starts)
    private static void WalkRuns<T, TFn>(T[] xa, long xo, long outer, long r, TFn fn) where T : unmanaged where TFn : struct, ISliceFn<T> =>
        WorkerPool.For(outer, Math.Max(1, KernelOptions.Grain() / r), (b, e) =>
        {
            var buf = ArrayPool<T>.Shared.Rent((int)r);
            var s = buf.AsSpan(0, (int)r);
            for (long o = b; o < e; o++)
            {
                xa.AsSpan((int)(xo + o * r), (int)r).CopyTo(s);
                fn.Run(s, o);
            }
            ArrayPool<T>.Shared.Return(buf);
        });

    private static void WalkTiles<T, TFn>(T[] xa, long xo, long outer, long r, long inner, TFn fn) where T : unmanaged where TFn : struct, ISliceFn<T>
    {
        long w = Math.Min(inner, SliceTile), tiles = (inner + w - 1) / w;
        WorkerPool.For(outer * tiles, Math.Max(1, KernelOptions.Grain() / (r * w)), (b, e) =>
        {
            var buf = ArrayPool<T>.Shared.Rent((int)(r * w));
            for (long k = b; k < e; k++)
            {
                long o = k / tiles, t0 = k % tiles * w;
                int cw = (int)Math.Min(w, inner - t0), rn = (int)r;
                for (int rr = 0; rr < rn; rr++)
                {
                    ref T src = ref At(xa, xo + (o * r + rr) * inner + t0);
                    for (int j = 0; j < cw; j++) buf[j * rn + rr] = System.Runtime.CompilerServices.Unsafe.Add(ref src, j);
                }
                for (int j = 0; j < cw; j++) fn.Run(buf.AsSpan(j * rn, rn), o * inner + t0 + j);
            }
            ArrayPool<T>.Shared.Return(buf);
        });
    }

    /// <summary>y[slice] = op over the slice (y contiguous, keepdim form).</summary>
    private readonly struct ReduceSlice<T, TOp>(T[] ya, long yo, double arg) : ISliceFn<T> where T : unmanaged, System.Numerics.INumber<T> where TOp : IReduceOp
    {
        public void Run(Span<T> values, long slice) => At(ya, yo + slice) = TOp.Reduce<T>(values, arg);
    }

    /// <summary>The picked element's index (and value) of each slice (outputs contiguous, keepdim form).</summary>
    private readonly struct IndexReduceSlice<T, TOp>(long[] ia, long io, T[]? va, long vo, long arg) : ISliceFn<T>
        where T : unmanaged, System.Numerics.INumber<T> where TOp : IIndexReduceOp
    {
        public void Run(Span<T> values, long slice)
        {
            int k = TOp.Select<T>(values, arg);
            At(ia, io + slice) = k;
            if (va is not null) At(va, vo + slice) = values[k];
        }
    }

    /// <summary>The running op of each slice written back along the dim of a contiguous y of x's shape.</summary>
    private readonly struct ScanSlice<T, TOp>(T[] ya, long yo, long r, long inner) : ISliceFn<T> where T : unmanaged, System.Numerics.INumber<T> where TOp : IScanOp
    {
        public void Run(Span<T> values, long slice)
        {
            TOp.Scan<T>(values);
            long o = slice / inner, t = slice % inner, at = yo + o * r * inner + t;
            for (int i = 0; i < values.Length; i++) At(ya, at + i * inner) = values[i];
        }
    }
}

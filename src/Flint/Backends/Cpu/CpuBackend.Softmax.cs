using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Flint.Backends.Cpu;

// Vectorized softmax and log_softmax, forward and backward, over contiguous inputs, computed in the tensor's own
// dtype as PyTorch's CPU kernels do. Along the last dim each output row is one contiguous run (threaded over rows;
// float32 rows take the three-pass kernel of Reductions/SoftmaxRows.cs and its two-pass softmax backward, float64
// ones TensorPrimitives); every backward may add into an existing gradient instead of writing it (accumulate);
// along an earlier dim the reduction runs across rows of the trailing block, with every step vectorized along that
// block. Other layouts take the reference walks in CpuBackend.Reductions.cs, which accumulate in double.
internal sealed partial class CpuBackend
{
    private static bool TrySoftmaxFast<T>(TensorLayout x, int dim, TensorLayout y, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Rank == 0 || !x.IsContiguous || !y.IsContiguous || KernelOptions.Resolve() == VectorPath.Scalar) return false;
        if (!x.Shape.AsSpan().SequenceEqual(y.Shape)) return false;
        if (ReferenceEquals(x.Storage, y.Storage) && x.Offset != y.Offset) return false;
        long n = x.Numel;
        if (n == 0) return true;
        long d = x.Shape[dim], inner = 1;
        for (int k = dim + 1; k < x.Rank; k++) inner *= x.Shape[k];
        long outer = n / (d * inner);
        if (d * inner > int.MaxValue) return false;
        var xa = Arr<T>(x); var ya = Arr<T>(y);
        long xo = x.Offset, yo = y.Offset, block = d * inner;
        long grain = Math.Max(1, KernelOptions.Grain() == long.MaxValue ? long.MaxValue : KernelOptions.Grain() / block);
        if (inner == 1 && typeof(T) == typeof(float))
        {
            var xf = (float[])(object)xa; var yf = (float[])(object)ya;
            bool wide = KernelOptions.Resolve() == VectorPath.Vector512;
            WorkerPool.For(outer, grain, (b, e) =>
            {
                for (long o = b; o < e; o++)
                {
                    ref float xr = ref xf[xo + o * d]; ref float yr = ref yf[yo + o * d];
                    // the next row of this task is fetched while this one's exponentials are made
                    nint ahead = o + 1 < e ? (nint)d : 0;
                    ref float nx = ref ahead > 0 ? ref xf[xo + (o + 1) * d] : ref xr;
                    if (wide)
                    {
                        if (log) SoftmaxRows<Vector512<float>, FloatLanes512>.LogSoftmax(ref xr, ref yr, (nint)d, ref nx, ahead);
                        else SoftmaxRows<Vector512<float>, FloatLanes512>.Softmax(ref xr, ref yr, (nint)d, ref nx, ahead);
                    }
                    else if (log) SoftmaxRows<Vector256<float>, FloatLanes256>.LogSoftmax(ref xr, ref yr, (nint)d, ref nx, ahead);
                    else SoftmaxRows<Vector256<float>, FloatLanes256>.Softmax(ref xr, ref yr, (nint)d, ref nx, ahead);
                }
            });
        }
        else if (inner == 1)
            WorkerPool.For(outer, grain, (b, e) =>
            {
                T[]? scratch = log ? ArrayPool<T>.Shared.Rent((int)d) : null;
                for (long o = b; o < e; o++)
                    SoftmaxRow(xa.AsSpan((int)(xo + o * d), (int)d), ya.AsSpan((int)(yo + o * d), (int)d), scratch, log);
                if (scratch is not null) ArrayPool<T>.Shared.Return(scratch);
            });
        else
            WorkerPool.For(outer, grain, (b, e) =>
            {
                var buf = ArrayPool<T>.Shared.Rent((int)inner * 3);
                for (long o = b; o < e; o++)
                    SoftmaxColumns(xa.AsSpan((int)(xo + o * block), (int)block), ya.AsSpan((int)(yo + o * block), (int)block),
                        (int)d, (int)inner, buf, log);
                ArrayPool<T>.Shared.Return(buf);
            });
        return true;
    }

    /// <summary>Softmax of one contiguous row (x and y may be the same memory).</summary>
    private static void SoftmaxRow<T>(ReadOnlySpan<T> x, Span<T> y, T[]? scratch, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = TensorPrimitives.Max(x);   // NaN when any element is NaN
        if (log)
        {
            var e = scratch.AsSpan(0, x.Length);
            TensorPrimitives.Subtract(x, max, e);
            TensorPrimitives.Exp(e, e);
            T lse = T.Log(TensorPrimitives.Sum<T>(e));
            TensorPrimitives.Subtract(x, max, y);
            TensorPrimitives.Subtract(y, lse, y);
        }
        else
        {
            TensorPrimitives.Subtract(x, max, y);
            TensorPrimitives.Exp(y, y);
            T sum = TensorPrimitives.Sum<T>(y);
            TensorPrimitives.Divide(y, sum, y);
        }
    }

    /// <summary>Softmax over the rows of a [d, inner] block, vectorized along inner.</summary>
    private static void SoftmaxColumns<T>(ReadOnlySpan<T> x, Span<T> y, int d, int inner, T[] buf, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var max = buf.AsSpan(0, inner); var sum = buf.AsSpan(inner, inner); var tmp = buf.AsSpan(2 * inner, inner);
        x[..inner].CopyTo(max);
        for (int r = 1; r < d; r++) TensorPrimitives.Max(max, x.Slice(r * inner, inner), max);
        sum.Clear();
        for (int r = 0; r < d; r++)
        {
            // under log the input is still needed afterwards (y may be x), so exponentials go to scratch
            var dst = log ? tmp : y.Slice(r * inner, inner);
            TensorPrimitives.Subtract(x.Slice(r * inner, inner), max, dst);
            TensorPrimitives.Exp(dst, dst);
            TensorPrimitives.Add(sum, dst, sum);
        }
        if (log)
        {
            TensorPrimitives.Log(sum, sum);
            for (int r = 0; r < d; r++)
            {
                var yr = y.Slice(r * inner, inner);
                TensorPrimitives.Subtract(x.Slice(r * inner, inner), max, yr);
                TensorPrimitives.Subtract(yr, sum, yr);
            }
        }
        else
            for (int r = 0; r < d; r++)
            {
                var yr = y.Slice(r * inner, inner);
                TensorPrimitives.Divide(yr, sum, yr);
            }
    }

    public void SoftmaxBackward(TensorLayout grad, TensorLayout y, int dim, TensorLayout gx, bool log, bool accumulate) =>
        DTypeDispatch.Floating(y.DType, log ? "log_softmax_backward" : "softmax_backward", new SoftmaxBackwardV(grad, y, dim, gx, log, accumulate));

    private readonly struct SoftmaxBackwardV(TensorLayout g, TensorLayout y, int dim, TensorLayout gx, bool log, bool accumulate) : IFloatVisitor
    {
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (!TrySoftmaxBackwardFast<T>(g, y, dim, gx, log, accumulate)) SoftmaxBackwardReference<T>(g, y, dim, gx, log, accumulate);
        }
    }

    /// <summary>
    /// The backward of one softmax along dim as [outer, d, inner] blocks of contiguous grad, y and gx; under
    /// accumulate each row's gradient is made in scratch (in cache) and added into gx.
    /// </summary>
    private static bool TrySoftmaxBackwardFast<T>(TensorLayout g, TensorLayout y, int dim, TensorLayout gx, bool log, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (y.Rank == 0 || !g.IsContiguous || !y.IsContiguous || !gx.IsContiguous || KernelOptions.Resolve() == VectorPath.Scalar) return false;
        // the result is written while grad and y are still read: shared storage takes the element-wise reference
        if (ReferenceEquals(gx.Storage, g.Storage) || ReferenceEquals(gx.Storage, y.Storage)) return false;
        long n = y.Numel;
        if (n == 0) return true;
        long d = y.Shape[dim], inner = 1;
        for (int k = dim + 1; k < y.Rank; k++) inner *= y.Shape[k];
        long outer = n / (d * inner), block = d * inner;
        if (block > int.MaxValue) return false;
        var ga = Arr<T>(g); var ya = Arr<T>(y); var xa = Arr<T>(gx);
        long go = g.Offset, yo = y.Offset, xo = gx.Offset;
        long grain = Math.Max(1, KernelOptions.Grain() == long.MaxValue ? long.MaxValue : KernelOptions.Grain() / block);
        if (inner == 1 && typeof(T) == typeof(float) && !log)
        {
            var gf = (float[])(object)ga; var yf = (float[])(object)ya; var xf = (float[])(object)xa;
            bool wide = KernelOptions.Resolve() == VectorPath.Vector512;
            WorkerPool.For(outer, grain, (b, e) =>
            {
                for (long o = b; o < e; o++)
                {
                    nint ahead = o + 1 < e ? (nint)d : 0;
                    ref float gr = ref gf[go + o * d]; ref float yr = ref yf[yo + o * d];
                    ref float ng = ref ahead > 0 ? ref gf[go + (o + 1) * d] : ref gr;
                    ref float ny = ref ahead > 0 ? ref yf[yo + (o + 1) * d] : ref yr;
                    if (wide) SoftmaxRows<Vector512<float>, FloatLanes512>.Backward(ref gr, ref yr, ref xf[xo + o * d], (nint)d, accumulate, ref ng, ref ny, ahead);
                    else SoftmaxRows<Vector256<float>, FloatLanes256>.Backward(ref gr, ref yr, ref xf[xo + o * d], (nint)d, accumulate, ref ng, ref ny, ahead);
                }
            });
        }
        else if (inner == 1)
            WorkerPool.For(outer, grain, (b, e) =>
            {
                T[]? tmp = accumulate ? ArrayPool<T>.Shared.Rent((int)d) : null;
                for (long o = b; o < e; o++)
                {
                    var dst = xa.AsSpan((int)(xo + o * d), (int)d);
                    SoftmaxBackwardRow<T>(ga.AsSpan((int)(go + o * d), (int)d), ya.AsSpan((int)(yo + o * d), (int)d),
                        tmp is null ? dst : tmp.AsSpan(0, (int)d), log);
                    if (tmp is not null) TensorPrimitives.Add(dst, tmp.AsSpan(0, (int)d), dst);
                }
                if (tmp is not null) ArrayPool<T>.Shared.Return(tmp);
            });
        else
            WorkerPool.For(outer, grain, (b, e) =>
            {
                var acc = ArrayPool<T>.Shared.Rent((int)inner * (accumulate ? 2 : 1));
                for (long o = b; o < e; o++)
                    SoftmaxBackwardColumns<T>(ga.AsSpan((int)(go + o * block), (int)block), ya.AsSpan((int)(yo + o * block), (int)block),
                        xa.AsSpan((int)(xo + o * block), (int)block), (int)d, (int)inner, acc.AsSpan(0, (int)inner),
                        accumulate ? acc.AsSpan((int)inner, (int)inner) : default, log);
                ArrayPool<T>.Shared.Return(acc);
            });
        return true;
    }

    /// <summary>One row: gx = y · (g - g·y), or under log gx = g - exp(y) · sum(g).</summary>
    private static void SoftmaxBackwardRow<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> gx, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (log)
        {
            T s = TensorPrimitives.Sum(g);
            TensorPrimitives.Exp(y, gx);
            TensorPrimitives.MultiplyAdd(gx, -s, g, gx);
        }
        else
            TensorPrimitives.AddMultiply(g, -TensorPrimitives.Dot(g, y), y, gx);
    }

    /// <summary>
    /// The backward over the rows of a [d, inner] block, vectorized along inner (acc: inner scratch); with
    /// scratch <paramref name="add"/> (inner long) each row is made there and added into gx.
    /// </summary>
    private static void SoftmaxBackwardColumns<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> gx, int d, int inner, Span<T> acc, Span<T> add, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        acc.Clear();
        for (int r = 0; r < d; r++)
        {
            var gr = g.Slice(r * inner, inner);
            if (log) TensorPrimitives.Add(acc, gr, acc);
            else TensorPrimitives.MultiplyAdd(gr, y.Slice(r * inner, inner), acc, acc);
        }
        for (int r = 0; r < d; r++)
        {
            var gr = g.Slice(r * inner, inner); var yr = y.Slice(r * inner, inner);
            var xr = add.IsEmpty ? gx.Slice(r * inner, inner) : add;
            if (log)
            {
                TensorPrimitives.Exp(yr, xr);
                TensorPrimitives.Multiply(xr, acc, xr);
                TensorPrimitives.Subtract(gr, xr, xr);
            }
            else
            {
                TensorPrimitives.Subtract(gr, acc, xr);
                TensorPrimitives.Multiply(xr, yr, xr);
            }
            if (!add.IsEmpty) TensorPrimitives.Add(gx.Slice(r * inner, inner), add, gx.Slice(r * inner, inner));
        }
    }

    /// <summary>The backward on any layouts (the reference the vector paths are tested against): sums in double.</summary>
    private static void SoftmaxBackwardReference<T>(TensorLayout g, TensorLayout y, int dim, TensorLayout gx, bool log, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var ga = Arr<T>(g); var ya = Arr<T>(y); var xa = Arr<T>(gx);
        var s = Slices.Along(y, dim, g, gx);
        var iy = s.InnerX; var ig = s.InnerOut[0]; var ix = s.InnerOut[1];
        for (int o = 0; o < s.OuterX.Length; o++)
        {
            long by = s.OuterX[o], bg = s.OuterOut[0][o], bx = s.OuterOut[1][o];
            double acc = 0;
            for (int i = 0; i < iy.Length; i++)
            {
                double gi = double.CreateTruncating(At(ga, bg + ig[i]));
                acc += log ? gi : gi * double.CreateTruncating(At(ya, by + iy[i]));
            }
            // under accumulate gx may share memory with grad or y: the row is made first, then added
            var row = accumulate ? new T[iy.Length] : null;
            for (int i = 0; i < iy.Length; i++)
            {
                double gi = double.CreateTruncating(At(ga, bg + ig[i])), yi = double.CreateTruncating(At(ya, by + iy[i]));
                T v = T.CreateTruncating(log ? gi - Math.Exp(yi) * acc : yi * (gi - acc));
                if (row is null) At(xa, bx + ix[i]) = v;
                else row[i] = v;
            }
            if (row is not null)
                for (int i = 0; i < iy.Length; i++) At(xa, bx + ix[i]) += row[i];
        }
    }
}

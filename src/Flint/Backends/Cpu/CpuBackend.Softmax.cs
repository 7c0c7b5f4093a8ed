using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace Flint.Backends.Cpu;

// Vectorized softmax and log_softmax over contiguous inputs, computed in the tensor's own dtype as PyTorch's CPU
// kernels do. Along the last dim each output row is one contiguous run; along an earlier dim the reduction runs
// across rows of the trailing block, with every step vectorized along that block.
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
        if (inner == 1)
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
}

using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace Flint.Backends.Cpu;

// Vectorized logsumexp over trailing dims of a contiguous float input: per output one contiguous run, its maximum,
// then the exponentials of the shifted run (in the input's dtype, as PyTorch's kernel) summed in double, threaded
// over outputs. A NaN anywhere gives NaN; an infinite maximum shifts by 0, as the reference does.
internal sealed partial class CpuBackend
{
    private static bool TryLogSumExpFast<T>(in TensorLayout x, int[] dims, in TensorLayout y) where T : unmanaged, INumber<T>
    {
        if (!Grouped(x, dims, out long outer, out long r, out long inner) || inner != 1 || !Flat(y, outer)) return false;
        if (typeof(T) == typeof(float)) LogSumExpRows<float>(x, y, outer, r);
        else if (typeof(T) == typeof(double)) LogSumExpRows<double>(x, y, outer, r);
        else return false;
        return true;
    }

    private static void LogSumExpRows<T>(TensorLayout x, TensorLayout y, long outer, long r) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xa = Arr<T>(x); var ya = Arr<T>(y);
        long xo = x.Offset, yo = y.Offset;
        var path = KernelOptions.Resolve();
        WorkerPool.For(outer, Math.Max(1, KernelOptions.Grain() / r), (b, e) =>
        {
            var buf = ArrayPool<T>.Shared.Rent((int)r);
            var tmp = buf.AsSpan(0, (int)r);
            for (long o = b; o < e; o++)
            {
                var row = xa.AsSpan((int)(xo + o * r), (int)r);
                T m = TensorPrimitives.Max<T>(row);
                if (T.IsNaN(m)) { At(ya, yo + o) = m; continue; }
                if (T.IsInfinity(m)) m = T.Zero;
                TensorPrimitives.Subtract(row, m, tmp);
                TensorPrimitives.Exp(tmp, tmp);
                double s = VectorKernels.SumDouble(path, ref tmp[0], (nint)r);
                At(ya, yo + o) = T.CreateTruncating(Math.Log(s) + double.CreateTruncating(m));
            }
            ArrayPool<T>.Shared.Return(buf);
        });
    }
}

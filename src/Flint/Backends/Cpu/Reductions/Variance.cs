using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Flint.Backends.Cpu;

// Vectorized var and std over one adjacent run of dims of a contiguous float input viewed as [outer, r, inner]: two
// passes (the mean, then the squared deviations from it), threaded over output elements. Over trailing dims each
// output reads one contiguous run; over leading or middle dims a tile of columns accumulates across the rows of
// its block, vectorized along the columns. The mean is summed in double as the sum kernels do; the squared
// deviations add short runs in the input's lanes, folded into double.
internal sealed partial class CpuBackend
{
    /// <summary>Columns a tile of the across-rows variance keeps in its double accumulators.</summary>
    private const int VarianceTile = 256;

    private static bool TryVarianceFast<T>(in TensorLayout x, int[] dims, in TensorLayout y, double correction, bool std) where T : unmanaged, INumber<T>
    {
        if (!Grouped(x, dims, out long outer, out long r, out long inner) || !Flat(y, outer * inner)) return false;
        if (typeof(T) == typeof(float)) VarianceF<float>(x, y, outer, r, inner, correction, std);
        else if (typeof(T) == typeof(double)) VarianceF<double>(x, y, outer, r, inner, correction, std);
        else return false;
        return true;
    }

    private static void VarianceF<T>(TensorLayout x, TensorLayout y, long outer, long r, long inner, double correction, bool std)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xa = Arr<T>(x); var ya = Arr<T>(y);
        long xo = x.Offset, yo = y.Offset;
        var path = KernelOptions.Resolve();
        double denom = Math.Max(0, r - correction);
        if (inner == 1)
            WorkerPool.For(outer, Math.Max(1, KernelOptions.Grain() / r), (b, e) =>
            {
                for (long o = b; o < e; o++)
                {
                    ref T row = ref At(xa, xo + o * r);
                    double mean = VectorKernels.SumDouble(path, ref row, (nint)r) / r;
                    At(ya, yo + o) = T.CreateTruncating(Spread(SquaredDeviations(ref row, (nint)r, mean) / denom, std));
                }
            });
        else
        {
            long w = Math.Min(inner, VarianceTile), tiles = (inner + w - 1) / w;
            WorkerPool.For(outer * tiles, Math.Max(1, KernelOptions.Grain() / (r * w)), (b, e) =>
            {
                var mean = new double[w]; var m2 = new double[w];
                for (long k = b; k < e; k++)
                {
                    long o = k / tiles, t0 = k % tiles * w;
                    int cw = (int)Math.Min(w, inner - t0);
                    var ms = mean.AsSpan(0, cw); var vs = m2.AsSpan(0, cw);
                    ms.Clear(); vs.Clear();
                    long at = xo + o * r * inner + t0;
                    for (long rr = 0; rr < r; rr++) VectorKernels.AccumulateDouble(path, ref At(xa, at + rr * inner), ms);
                    for (int j = 0; j < cw; j++) ms[j] /= r;
                    for (long rr = 0; rr < r; rr++) AccumulateSquaredDeviations(ref At(xa, at + rr * inner), ms, vs);
                    for (int j = 0; j < cw; j++) At(ya, yo + o * inner + t0 + j) = T.CreateTruncating(Spread(vs[j] / denom, std));
                }
            });
        }
    }

    private static double Spread(double var, bool std) => std ? Math.Sqrt(var) : var;

    /// <summary>
    /// The sum of (x - mean)² over a run: runs of <see cref="VectorKernels.FloatRun"/> elements add in the input's
    /// vector lanes (two accumulators), each run's lanes are folded into double.
    /// </summary>
    private static double SquaredDeviations<T>(ref T x, nint n, double mean) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T mt = T.CreateTruncating(mean);
        var m = new Vector<T>(mt);
        nint i = 0, c = Vector<T>.Count;
        double total = 0;
        while (i + c <= n)
        {
            nint end = Math.Min(n, i + VectorKernels.FloatRun);
            Vector<T> a0 = Vector<T>.Zero, a1 = Vector<T>.Zero;
            for (; i + 2 * c <= end; i += 2 * c)
            {
                var d0 = Vector.LoadUnsafe(ref x, (nuint)i) - m;
                var d1 = Vector.LoadUnsafe(ref x, (nuint)(i + c)) - m;
                a0 += d0 * d0; a1 += d1 * d1;
            }
            for (; i + c <= end; i += c)
            {
                var d0 = Vector.LoadUnsafe(ref x, (nuint)i) - m;
                a0 += d0 * d0;
            }
            total += double.CreateTruncating(Vector.Sum(a0 + a1));
        }
        for (; i < n; i++)
        {
            double d = double.CreateTruncating(Unsafe.Add(ref x, i) - mt);
            total += d * d;
        }
        return total;
    }

    /// <summary>acc[j] += (x[j] - mean[j])² for a run, in double (the across-rows variance).</summary>
    private static void AccumulateSquaredDeviations<T>(ref T x, ReadOnlySpan<double> mean, Span<double> acc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint n = acc.Length, i = 0, c = Vector<double>.Count;
        ref double m = ref MemoryMarshal.GetReference(mean);
        ref double a = ref MemoryMarshal.GetReference(acc);
        if (typeof(T) == typeof(float))
        {
            ref float xf = ref Unsafe.As<T, float>(ref x);
            for (; i + 2 * c <= n; i += 2 * c)
            {
                Vector.Widen(Vector.LoadUnsafe(ref xf, (nuint)i), out var l, out var h);
                var d0 = l - Vector.LoadUnsafe(ref m, (nuint)i);
                var d1 = h - Vector.LoadUnsafe(ref m, (nuint)(i + c));
                (Vector.LoadUnsafe(ref a, (nuint)i) + d0 * d0).StoreUnsafe(ref a, (nuint)i);
                (Vector.LoadUnsafe(ref a, (nuint)(i + c)) + d1 * d1).StoreUnsafe(ref a, (nuint)(i + c));
            }
        }
        else if (typeof(T) == typeof(double))
        {
            ref double xd = ref Unsafe.As<T, double>(ref x);
            for (; i + c <= n; i += c)
            {
                var d0 = Vector.LoadUnsafe(ref xd, (nuint)i) - Vector.LoadUnsafe(ref m, (nuint)i);
                (Vector.LoadUnsafe(ref a, (nuint)i) + d0 * d0).StoreUnsafe(ref a, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            double d = double.CreateTruncating(Unsafe.Add(ref x, i)) - Unsafe.Add(ref m, i);
            Unsafe.Add(ref a, i) += d * d;
        }
    }
}

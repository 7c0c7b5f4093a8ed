using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Flint.Ops.Kernels;

namespace Flint.Backends.Cpu;

/// <summary>A binary op with explicit vector forms (the CPU fast paths for the most common arithmetic).</summary>
internal interface IVecBinary
{
    static abstract T Scalar<T>(T a, T b) where T : unmanaged, INumber<T>;
    static abstract Vector512<T> V512<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, INumber<T>;
    static abstract Vector256<T> V256<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T>;
}

internal struct VAdd : IVecBinary
{
    public static T Scalar<T>(T a, T b) where T : unmanaged, INumber<T> => a + b;
    public static Vector512<T> V512<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, INumber<T> => a + b;
    public static Vector256<T> V256<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T> => a + b;
}

internal struct VSub : IVecBinary
{
    public static T Scalar<T>(T a, T b) where T : unmanaged, INumber<T> => a - b;
    public static Vector512<T> V512<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, INumber<T> => a - b;
    public static Vector256<T> V256<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T> => a - b;
}

internal struct VMul : IVecBinary
{
    public static T Scalar<T>(T a, T b) where T : unmanaged, INumber<T> => a * b;
    public static Vector512<T> V512<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, INumber<T> => a * b;
    public static Vector256<T> V256<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T> => a * b;
}

/// <summary>Division; only used for float types (integer division has its own rules).</summary>
internal struct VDiv : IVecBinary
{
    public static T Scalar<T>(T a, T b) where T : unmanaged, INumber<T> => a / b;
    public static Vector512<T> V512<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, INumber<T> => a / b;
    public static Vector256<T> V256<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T> => a / b;
}

/// <summary>
/// Vector loops over contiguous runs: y[i] = op(a[i*sa], b[i*sb]) where each of sa, sb is 1 (a contiguous run)
/// or 0 (one value broadcast along the run), with Vector512, Vector256 or scalar code picked by
/// <see cref="KernelOptions"/>; tails shorter than a vector run scalar.
/// </summary>
internal static class VectorKernels
{
    /// <summary>The vector op for an op's kernel identity, or 0 where there is none (then the op's own code runs).</summary>
    internal static int Kind(KernelId id) => id switch
    {
        KernelId.Add => 1,
        KernelId.Sub => 2,
        KernelId.Mul => 3,
        KernelId.Div => 4,
        _ => 0,
    };

    /// <summary>Runs the vector form of op <paramref name="kind"/> (see <see cref="Kind"/>) over a run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Binary<T>(int kind, VectorPath path, ref T a, int sa, ref T b, int sb, ref T y, nint n) where T : unmanaged, INumber<T>
    {
        if (n >= PrimitivesRun && sa == 1 && sb == 1 && path == VectorPath.Vector512 && PrimitivesBinary(kind, ref a, ref b, ref y, n)) return;
        switch (kind)
        {
            case 1: Binary<T, VAdd>(path, ref a, sa, ref b, sb, ref y, n); break;
            case 2: Binary<T, VSub>(path, ref a, sa, ref b, sb, ref y, n); break;
            case 3: Binary<T, VMul>(path, ref a, sa, ref b, sb, ref y, n); break;
            default: Binary<T, VDiv>(path, ref a, sa, ref b, sb, ref y, n); break;
        }
    }

    /// <summary>
    /// Runs this long go through System.Numerics.Tensors.TensorPrimitives: in an interleaved single-thread
    /// comparison on 10M floats its in-place add took about 10 % less time than our Vector512 loop.
    /// </summary>
    internal const int PrimitivesRun = 1 << 16;

    private static bool PrimitivesBinary<T>(int kind, ref T a, ref T b, ref T y, nint n) where T : unmanaged, INumber<T>
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double)) return false;
        int len = checked((int)n);
        var x1 = MemoryMarshal.CreateReadOnlySpan(ref a, len);
        var x2 = MemoryMarshal.CreateReadOnlySpan(ref b, len);
        var d = MemoryMarshal.CreateSpan(ref y, len);
        switch (kind)
        {
            case 1: TensorPrimitives.Add(x1, x2, d); break;
            case 2: TensorPrimitives.Subtract(x1, x2, d); break;
            case 3: TensorPrimitives.Multiply(x1, x2, d); break;
            default: TensorPrimitives.Divide(x1, x2, d); break;
        }
        return true;
    }

    internal static void Binary<T, TV>(VectorPath path, ref T a0, int sa, ref T b0, int sb, ref T y, nint n)
        where T : unmanaged, INumber<T> where TV : IVecBinary
    {
        // a broadcast value is read once (it may live in the output being written)
        T av0 = a0, bv0 = b0;
        ref T a = ref sa == 0 ? ref av0 : ref a0;
        ref T b = ref sb == 0 ? ref bv0 : ref b0;
        nint i = 0;
        if (path == VectorPath.Vector512 && Vector512.IsHardwareAccelerated)
        {
            nint w = Vector512<T>.Count;
            if (sa == 1 && sb == 1)
            {
                if (n >= 1024)
                {
                    // scalar head until the output is 64-byte aligned (no stores split across cache lines), then
                    // four vectors a step, each stored before the next is read (the same order as one at a time)
                    nint head = AlignHead<T>(ref y, ref a, ref b, n);
                    for (; i < head; i++) Unsafe.Add(ref y, i) = TV.Scalar(Unsafe.Add(ref a, i), Unsafe.Add(ref b, i));
                    for (; i + 4 * w <= n; i += 4 * w)
                    {
                        TV.V512(Vector512.LoadUnsafe(ref a, (nuint)i), Vector512.LoadUnsafe(ref b, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
                        TV.V512(Vector512.LoadUnsafe(ref a, (nuint)(i + w)), Vector512.LoadUnsafe(ref b, (nuint)(i + w))).StoreUnsafe(ref y, (nuint)(i + w));
                        TV.V512(Vector512.LoadUnsafe(ref a, (nuint)(i + 2 * w)), Vector512.LoadUnsafe(ref b, (nuint)(i + 2 * w))).StoreUnsafe(ref y, (nuint)(i + 2 * w));
                        TV.V512(Vector512.LoadUnsafe(ref a, (nuint)(i + 3 * w)), Vector512.LoadUnsafe(ref b, (nuint)(i + 3 * w))).StoreUnsafe(ref y, (nuint)(i + 3 * w));
                    }
                }
                for (; i + w <= n; i += w)
                    TV.V512(Vector512.LoadUnsafe(ref a, (nuint)i), Vector512.LoadUnsafe(ref b, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
            else if (sa == 1)
            {
                var bv = Vector512.Create(b);
                for (; i + w <= n; i += w) TV.V512(Vector512.LoadUnsafe(ref a, (nuint)i), bv).StoreUnsafe(ref y, (nuint)i);
            }
            else if (sb == 1)
            {
                var av = Vector512.Create(a);
                for (; i + w <= n; i += w) TV.V512(av, Vector512.LoadUnsafe(ref b, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }
        else if (path == VectorPath.Vector256 && Vector256.IsHardwareAccelerated)
        {
            nint w = Vector256<T>.Count;
            if (sa == 1 && sb == 1)
                for (; i + w <= n; i += w)
                    TV.V256(Vector256.LoadUnsafe(ref a, (nuint)i), Vector256.LoadUnsafe(ref b, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            else if (sa == 1)
            {
                var bv = Vector256.Create(b);
                for (; i + w <= n; i += w) TV.V256(Vector256.LoadUnsafe(ref a, (nuint)i), bv).StoreUnsafe(ref y, (nuint)i);
            }
            else if (sb == 1)
            {
                var av = Vector256.Create(a);
                for (; i + w <= n; i += w) TV.V256(av, Vector256.LoadUnsafe(ref b, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }
        for (; i < n; i++) Unsafe.Add(ref y, i) = TV.Scalar(Unsafe.Add(ref a, i * sa), Unsafe.Add(ref b, i * sb));
    }

    /// <summary>
    /// Scalar elements to run before the output y is 64-byte aligned; 0 where an input shares memory with y at
    /// another position (then the order of reads and writes must stay exactly that of a one-vector loop).
    /// </summary>
    private static unsafe nint AlignHead<T>(ref T y, ref T a, ref T b, nint n) where T : unmanaged
    {
        nuint py = (nuint)Unsafe.AsPointer(ref y), size = (nuint)sizeof(T), span = (nuint)n * size;
        if (!Apart(py, (nuint)Unsafe.AsPointer(ref a), span) || !Apart(py, (nuint)Unsafe.AsPointer(ref b), span)) return 0;
        if ((py & (size - 1)) != 0 || (size & (size - 1)) != 0) return 0;
        return (nint)(((64 - (py & 63)) & 63) / size);
    }

    private static bool Apart(nuint p, nuint q, nuint span) => p == q || (p > q ? p - q : q - p) >= span;

    /// <summary>
    /// The sum of a contiguous run accumulated in double (as the reference sum does), in fixed-size blocks whose
    /// partial sums are added in order, so the result does not depend on the vector width's thread split.
    /// </summary>
    internal static double SumDouble<T>(VectorPath path, ref T x, nint n) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float)) return SumF(path, ref Unsafe.As<T, float>(ref x), n);
        if (typeof(T) == typeof(double)) return SumD(path, ref Unsafe.As<T, double>(ref x), n);
        double s = 0;
        for (nint i = 0; i < n; i++) s += double.CreateTruncating(Unsafe.Add(ref x, i));
        return s;
    }

    /// <summary>Elements a float sum adds in float lanes before folding them into double (see <see cref="SumF"/>).</summary>
    internal const int FloatRun = 1024;

    /// <summary>
    /// A float sum: each run of <see cref="FloatRun"/> elements is added in float vector lanes (four independent
    /// accumulators, so each lane adds only a handful of values), then the run's lanes are widened into double
    /// accumulators. The float adds keep full bandwidth; the double fold keeps the error far below the
    /// reference's own cascade-sum error. Runs start at fixed positions, so results do not depend on threading.
    /// </summary>
    private static double SumF(VectorPath path, ref float x, nint n)
    {
        nint i = 0;
        double s = 0;
        if (path == VectorPath.Vector512 && Vector512.IsHardwareAccelerated)
        {
            Vector512<double> d0 = default, d1 = default;
            for (; i + FloatRun <= n; i += FloatRun)
            {
                ref float p = ref Unsafe.Add(ref x, i);
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                for (nuint j = 0; j < FloatRun; j += 64)
                {
                    a0 += Vector512.LoadUnsafe(ref p, j); a1 += Vector512.LoadUnsafe(ref p, j + 16);
                    a2 += Vector512.LoadUnsafe(ref p, j + 32); a3 += Vector512.LoadUnsafe(ref p, j + 48);
                }
                var (l, h) = Vector512.Widen((a0 + a1) + (a2 + a3));
                d0 += l; d1 += h;
            }
            for (; i + 16 <= n; i += 16)
            {
                var (l, h) = Vector512.Widen(Vector512.LoadUnsafe(ref x, (nuint)i));
                d0 += l; d1 += h;
            }
            s = Vector512.Sum(d0 + d1);
        }
        else if (path == VectorPath.Vector256 && Vector256.IsHardwareAccelerated)
        {
            Vector256<double> d0 = default, d1 = default;
            for (; i + FloatRun <= n; i += FloatRun)
            {
                ref float p = ref Unsafe.Add(ref x, i);
                Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                for (nuint j = 0; j < FloatRun; j += 32)
                {
                    a0 += Vector256.LoadUnsafe(ref p, j); a1 += Vector256.LoadUnsafe(ref p, j + 8);
                    a2 += Vector256.LoadUnsafe(ref p, j + 16); a3 += Vector256.LoadUnsafe(ref p, j + 24);
                }
                var (l, h) = Vector256.Widen((a0 + a1) + (a2 + a3));
                d0 += l; d1 += h;
            }
            for (; i + 8 <= n; i += 8)
            {
                var (l, h) = Vector256.Widen(Vector256.LoadUnsafe(ref x, (nuint)i));
                d0 += l; d1 += h;
            }
            s = Vector256.Sum(d0 + d1);
        }
        for (; i < n; i++) s += Unsafe.Add(ref x, i);
        return s;
    }

    private static double SumD(VectorPath path, ref double x, nint n)
    {
        nint i = 0;
        double s = 0;
        if (path == VectorPath.Vector512 && Vector512.IsHardwareAccelerated)
        {
            Vector512<double> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i + 32 <= n; i += 32)
            {
                a0 += Vector512.LoadUnsafe(ref x, (nuint)i); a1 += Vector512.LoadUnsafe(ref x, (nuint)(i + 8));
                a2 += Vector512.LoadUnsafe(ref x, (nuint)(i + 16)); a3 += Vector512.LoadUnsafe(ref x, (nuint)(i + 24));
            }
            s = Vector512.Sum((a0 + a1) + (a2 + a3));
        }
        else if (path == VectorPath.Vector256 && Vector256.IsHardwareAccelerated)
        {
            Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i + 16 <= n; i += 16)
            {
                a0 += Vector256.LoadUnsafe(ref x, (nuint)i); a1 += Vector256.LoadUnsafe(ref x, (nuint)(i + 4));
                a2 += Vector256.LoadUnsafe(ref x, (nuint)(i + 8)); a3 += Vector256.LoadUnsafe(ref x, (nuint)(i + 12));
            }
            s = Vector256.Sum((a0 + a1) + (a2 + a3));
        }
        for (; i < n; i++) s += Unsafe.Add(ref x, i);
        return s;
    }

    /// <summary>acc[j] += x[j] for a run, accumulating in double (column sums of a reduction over leading dims).</summary>
    internal static void AccumulateDouble<T>(VectorPath path, ref T x, Span<double> acc) where T : unmanaged, INumber<T>
    {
        nint n = acc.Length, i = 0;
        ref double d = ref MemoryMarshal.GetReference(acc);
        if (typeof(T) == typeof(float))
        {
            ref float xf = ref Unsafe.As<T, float>(ref x);
            if (path == VectorPath.Vector512 && Vector512.IsHardwareAccelerated)
                for (; i + 16 <= n; i += 16)
                {
                    var (l, h) = Vector512.Widen(Vector512.LoadUnsafe(ref xf, (nuint)i));
                    (Vector512.LoadUnsafe(ref d, (nuint)i) + l).StoreUnsafe(ref d, (nuint)i);
                    (Vector512.LoadUnsafe(ref d, (nuint)(i + 8)) + h).StoreUnsafe(ref d, (nuint)(i + 8));
                }
            else if (path == VectorPath.Vector256 && Vector256.IsHardwareAccelerated)
                for (; i + 8 <= n; i += 8)
                {
                    var (l, h) = Vector256.Widen(Vector256.LoadUnsafe(ref xf, (nuint)i));
                    (Vector256.LoadUnsafe(ref d, (nuint)i) + l).StoreUnsafe(ref d, (nuint)i);
                    (Vector256.LoadUnsafe(ref d, (nuint)(i + 4)) + h).StoreUnsafe(ref d, (nuint)(i + 4));
                }
            for (; i < n; i++) Unsafe.Add(ref d, i) += Unsafe.Add(ref xf, i);
            return;
        }
        if (typeof(T) == typeof(double))
        {
            ref double xd = ref Unsafe.As<T, double>(ref x);
            if (path == VectorPath.Vector512 && Vector512.IsHardwareAccelerated)
                for (; i + 8 <= n; i += 8)
                    (Vector512.LoadUnsafe(ref d, (nuint)i) + Vector512.LoadUnsafe(ref xd, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            else if (path == VectorPath.Vector256 && Vector256.IsHardwareAccelerated)
                for (; i + 4 <= n; i += 4)
                    (Vector256.LoadUnsafe(ref d, (nuint)i) + Vector256.LoadUnsafe(ref xd, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            for (; i < n; i++) Unsafe.Add(ref d, i) += Unsafe.Add(ref xd, i);
            return;
        }
        for (; i < n; i++) Unsafe.Add(ref d, i) += double.CreateTruncating(Unsafe.Add(ref x, i));
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Flint.Ops.Kernels;

namespace Flint.Backends.Cpu;

/// <summary>
/// Vector forms of float32 special functions that .NET's TensorPrimitives lacks (erf, erfc, GELU in both
/// forms), evaluated in float lanes (see <see cref="FloatForm"/>). GELU of negative inputs and erfc never subtract
/// nearly equal numbers (PyTorch's float kernels lose bits to 1 + erf(x) cancelling there). float64 keeps the
/// scalar double-precision code.
/// </summary>
internal static class VectorMath
{
    /// <summary>Runs the vector form of <typeparamref name="TOp"/> over a float run; false when it has none.</summary>
    internal static bool TryUnary<T, TOp>(VectorPath path, ref T x, ref T y, nint n) where TOp : IFloatUnaryKernel
    {
        if (typeof(T) != typeof(float) || path == VectorPath.Scalar) return false;
        int kind = TOp.Kernel switch { KernelId.Gelu => 1, KernelId.GeluTanh => 2, KernelId.Erf => 3, KernelId.Erfc => 4, _ => 0 };
        if (kind == 0) return false;
        ref float xf = ref Unsafe.As<T, float>(ref x);
        ref float yf = ref Unsafe.As<T, float>(ref y);
        if (path == VectorPath.Vector512 && Vector512.IsHardwareAccelerated) { FloatForm(kind, wide: true, ref xf, ref yf, n); return true; }
        if (Vector256.IsHardwareAccelerated) { FloatForm(kind, wide: false, ref xf, ref yf, n); return true; }
        return false;
    }

    // The float forms, Vector512 and Vector256, one pass in registers: the exponent's argument (and t), its
    // exponential (FloatExp's, as the softmax rows take it), then the finish. erfc(z) for z >= 0 is t * exp(P(t) - z^2),
    // t = 1 / (1 + z/2), with the degree-9 Chebyshev-fitted P of the double forms; erf near 0 is its Maclaurin
    // series; GELU's exact form is x * (1 - E/2) for x >= 0 and x * E/2 below (E = erfc(|x|/sqrt2)), its tanh form
    // x / (1 + exp(-2u)). Float rounding of the exponent's argument keeps results within about 1e-5 absolute and a
    // few ulps elsewhere; a ragged end of a run goes through one zero-padded vector, so every element gets the same
    // formula.

    /// <summary>Runs kind over a float run, in Vector512 lanes when <paramref name="wide"/>, else Vector256.</summary>
    private static void FloatForm(int kind, bool wide, ref float x, ref float y, nint n)
    {
        int lanes = wide ? 16 : 8;
        nint full = n / lanes * lanes, k = 0;
        for (; k < full; k += lanes)
        {
            if (wide) One(kind, Vector512.LoadUnsafe(ref x, (nuint)k)).StoreUnsafe(ref y, (nuint)k);
            else One(kind, Vector256.LoadUnsafe(ref x, (nuint)k)).StoreUnsafe(ref y, (nuint)k);
        }
        if (k == n) return;
        Span<float> pad = stackalloc float[16];
        pad.Clear();
        int rest = (int)(n - k);
        for (int j = 0; j < rest; j++) pad[j] = Unsafe.Add(ref x, k + j);
        if (wide) One(kind, Vector512.LoadUnsafe(ref pad[0])).StoreUnsafe(ref pad[0]);
        else One(kind, Vector256.LoadUnsafe(ref pad[0])).StoreUnsafe(ref pad[0]);
        for (int j = 0; j < rest; j++) Unsafe.Add(ref y, k + j) = pad[j];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> One(int kind, Vector512<float> v)
    {
        var e = FloatLanes512.Exp(Args(kind, v, out var t));
        return Finish(kind, v, t, e);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> One(int kind, Vector256<float> v)
    {
        var e = FloatLanes256.Exp(Args(kind, v, out var t));
        return Finish(kind, v, t, e);
    }

    // kind: 1 GELU, 2 GELU tanh form, 3 erf, 4 erfc
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Args(int kind, Vector512<float> v, out Vector512<float> t)
    {
        if (kind == 2)
        {
            var u = v * (float)SqrtTwoOverPi * Vector512.FusedMultiplyAdd(v * v, Vector512.Create(0.044715f), Vector512<float>.One);
            t = default;
            return u * -2f;
        }
        var z = kind == 1 ? Vector512.Abs(v) * (float)InvSqrt2 : Vector512.Abs(v);
        t = Vector512<float>.One / Vector512.FusedMultiplyAdd(z, Vector512.Create(0.5f), Vector512<float>.One);
        var p = Vector512.Create(0.17087277f);
        p = Vector512.FusedMultiplyAdd(p, t, Vector512.Create(-0.82215223f));
        p = Vector512.FusedMultiplyAdd(p, t, Vector512.Create(1.48851587f));
        p = Vector512.FusedMultiplyAdd(p, t, Vector512.Create(-1.13520398f));
        p = Vector512.FusedMultiplyAdd(p, t, Vector512.Create(0.27886807f));
        p = Vector512.FusedMultiplyAdd(p, t, Vector512.Create(-0.18628806f));
        p = Vector512.FusedMultiplyAdd(p, t, Vector512.Create(0.09678418f));
        p = Vector512.FusedMultiplyAdd(p, t, Vector512.Create(0.37409196f));
        p = Vector512.FusedMultiplyAdd(p, t, Vector512.Create(1.00002368f));
        p = Vector512.FusedMultiplyAdd(p, t, Vector512.Create(-1.26551223f));
        return Vector512.FusedMultiplyAdd(-z, z, p);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Args(int kind, Vector256<float> v, out Vector256<float> t)
    {
        if (kind == 2)
        {
            var u = v * (float)SqrtTwoOverPi * Vector256.FusedMultiplyAdd(v * v, Vector256.Create(0.044715f), Vector256<float>.One);
            t = default;
            return u * -2f;
        }
        var z = kind == 1 ? Vector256.Abs(v) * (float)InvSqrt2 : Vector256.Abs(v);
        t = Vector256<float>.One / Vector256.FusedMultiplyAdd(z, Vector256.Create(0.5f), Vector256<float>.One);
        var p = Vector256.Create(0.17087277f);
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(-0.82215223f));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(1.48851587f));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(-1.13520398f));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(0.27886807f));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(-0.18628806f));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(0.09678418f));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(0.37409196f));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(1.00002368f));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(-1.26551223f));
        return Vector256.FusedMultiplyAdd(-z, z, p);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Finish(int kind, Vector512<float> v, Vector512<float> t, Vector512<float> e)
    {
        if (kind == 2) return v / (Vector512<float>.One + e);
        var big = t * e;   // erfc(z)
        var neg = Vector512.LessThan(v, Vector512<float>.Zero);
        if (kind == 1)
        {
            var half = big * 0.5f;
            return v * Vector512.ConditionalSelect(neg, half, Vector512<float>.One - half);
        }
        // near 0 the series is the accurate form (NaN fails the comparison of the other branch and stays NaN)
        var small = Vector512.LessThan(Vector512.Abs(v), Vector512.Create(0.5f));
        var series = ErfSeries(v);
        if (kind == 3) return Vector512.ConditionalSelect(small, series, Vector512.CopySign(Vector512<float>.One - big, v));
        var r = Vector512.ConditionalSelect(neg, Vector512.Create(2f) - big, big);
        r = Vector512.ConditionalSelect(small, Vector512<float>.One - series, r);
        return Vector512.ConditionalSelect(Vector512.Equals(v, v), r, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Finish(int kind, Vector256<float> v, Vector256<float> t, Vector256<float> e)
    {
        if (kind == 2) return v / (Vector256<float>.One + e);
        var big = t * e;
        var neg = Vector256.LessThan(v, Vector256<float>.Zero);
        if (kind == 1)
        {
            var half = big * 0.5f;
            return v * Vector256.ConditionalSelect(neg, half, Vector256<float>.One - half);
        }
        var small = Vector256.LessThan(Vector256.Abs(v), Vector256.Create(0.5f));
        var series = ErfSeries(v);
        if (kind == 3) return Vector256.ConditionalSelect(small, series, Vector256.CopySign(Vector256<float>.One - big, v));
        var r = Vector256.ConditionalSelect(neg, Vector256.Create(2f) - big, big);
        r = Vector256.ConditionalSelect(small, Vector256<float>.One - series, r);
        return Vector256.ConditionalSelect(Vector256.Equals(v, v), r, v);
    }

    // erf(x) for |x| < 0.5 from its Maclaurin series (float: the terms past x^15 are below float rounding)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ErfSeries(Vector512<float> x)
    {
        var x2 = x * x;
        var p = Vector512.Create(1f / 75600);
        p = Vector512.FusedMultiplyAdd(p, -x2, Vector512.Create(1f / 9360));
        p = Vector512.FusedMultiplyAdd(p, -x2, Vector512.Create(1f / 1320));
        p = Vector512.FusedMultiplyAdd(p, -x2, Vector512.Create(1f / 216));
        p = Vector512.FusedMultiplyAdd(p, -x2, Vector512.Create(1f / 42));
        p = Vector512.FusedMultiplyAdd(p, -x2, Vector512.Create(1f / 10));
        p = Vector512.FusedMultiplyAdd(p, -x2, Vector512.Create(1f / 3));
        p = Vector512.FusedMultiplyAdd(p, -x2, Vector512<float>.One);
        return x * p * 1.1283791670955126f;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ErfSeries(Vector256<float> x)
    {
        var x2 = x * x;
        var p = Vector256.Create(1f / 75600);
        p = Vector256.FusedMultiplyAdd(p, -x2, Vector256.Create(1f / 9360));
        p = Vector256.FusedMultiplyAdd(p, -x2, Vector256.Create(1f / 1320));
        p = Vector256.FusedMultiplyAdd(p, -x2, Vector256.Create(1f / 216));
        p = Vector256.FusedMultiplyAdd(p, -x2, Vector256.Create(1f / 42));
        p = Vector256.FusedMultiplyAdd(p, -x2, Vector256.Create(1f / 10));
        p = Vector256.FusedMultiplyAdd(p, -x2, Vector256.Create(1f / 3));
        p = Vector256.FusedMultiplyAdd(p, -x2, Vector256<float>.One);
        return x * p * 1.1283791670955126f;
    }

    private const double InvSqrt2 = 0.70710678118654752440;
    private const double SqrtTwoOverPi = 0.79788456080286535588;
}

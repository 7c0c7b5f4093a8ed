using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Flint.Ops.Kernels;

namespace Flint.Backends.Cpu;

/// <summary>
/// Vector forms of float32 special functions that .NET's TensorPrimitives lacks (erf, erfc, GELU in both
/// forms). Each float is widened to double, evaluated there and rounded once, so the result stays within a
/// few float ulps of the exact value (closer than PyTorch's float kernels, which lose bits to 1 + erf(x)
/// cancelling for negative x). float64 keeps the scalar double-precision code.
/// </summary>
internal static class VectorMath
{
    /// <summary>Runs the vector form of <typeparamref name="TOp"/> over a float run; false when it has none.</summary>
    internal static bool TryUnary<T, TOp>(VectorPath path, ref T x, ref T y, nint n) where TOp : IFloatUnary
    {
        if (typeof(T) != typeof(float) || path == VectorPath.Scalar) return false;
        int kind = typeof(TOp) == typeof(GeluOp) ? 1
            : typeof(TOp) == typeof(GeluTanhOp) ? 2
            : typeof(TOp) == typeof(ErfOp) ? 3
            : typeof(TOp) == typeof(ErfcOp) ? 4 : 0;
        if (kind == 0) return false;
        ref float xf = ref Unsafe.As<T, float>(ref x);
        ref float yf = ref Unsafe.As<T, float>(ref y);
        if (kind <= 2 && path == VectorPath.Vector512 && Vector512.IsHardwareAccelerated)
        {
            GeluFloat(kind == 2, ref xf, ref yf, n);
            return true;
        }
        nint i = 0;
        if (path == VectorPath.Vector512 && Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref xf, (nuint)i));
                Vector512.Narrow(Eval512(kind, lo), Eval512(kind, hi)).StoreUnsafe(ref yf, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref xf, (nuint)i));
                Vector256.Narrow(Eval256(kind, lo), Eval256(kind, hi)).StoreUnsafe(ref yf, (nuint)i);
            }
        }
        // the tail goes through one padded vector, so every element gets the same formula
        if (i < n)
        {
            Span<float> bx = stackalloc float[16];
            Span<float> by = stackalloc float[16];
            int rest = (int)(n - i);
            for (int k = 0; k < rest; k++) bx[k] = Unsafe.Add(ref xf, i + k);
            var (lo, hi) = Vector256.Widen(Vector256.Create((ReadOnlySpan<float>)bx[..8]));
            var (lo2, hi2) = Vector256.Widen(Vector256.Create((ReadOnlySpan<float>)bx[8..]));
            Vector256.Narrow(Eval256(kind, lo), Eval256(kind, hi)).CopyTo(by);
            Vector256.Narrow(Eval256(kind, lo2), Eval256(kind, hi2)).CopyTo(by[8..]);
            for (int k = 0; k < rest; k++) Unsafe.Add(ref yf, i + k) = by[k];
        }
        return true;
    }

    /// <summary>Elements per block of the float GELU (its exponentials go through TensorPrimitives a block at a time).</summary>
    private const int GeluBlock = 512;

    /// <summary>
    /// GELU over float lanes: the polynomial parts in Vector512 FMAs, the exponential a block at a time through
    /// TensorPrimitives.Exp (Vector512.Exp is not vectorized in this runtime). Exact form: gelu(x) = x * (1 - E/2)
    /// for x >= 0 and x * E/2 below, E = erfc(|x|/sqrt2) = t * exp(P(t) - z^2); tanh form: x / (1 + exp(-2u)).
    /// Float rounding of the exponent's argument keeps the result within a few ulps (about 4e-6 relative at
    /// |x| = 10, where the exact-form result of negative x is below 1e-22).
    /// </summary>
    private static void GeluFloat(bool tanhForm, ref float x, ref float y, nint n)
    {
        Span<float> tBuf = stackalloc float[GeluBlock];
        Span<float> eBuf = stackalloc float[GeluBlock];
        Span<float> pad = stackalloc float[16];
        ref float t0 = ref tBuf[0];
        ref float e0 = ref eBuf[0];
        for (nint b = 0; b < n; b += GeluBlock)
        {
            int len = (int)Math.Min(GeluBlock, n - b), full = len & ~15;
            ref float xb = ref Unsafe.Add(ref x, b);
            ref float yb = ref Unsafe.Add(ref y, b);
            // pass 1: exponent arguments (and t for the exact form); a ragged tail runs as one zero-padded vector
            for (int k = 0; k < full; k += 16)
                GeluArgs(tanhForm, Vector512.LoadUnsafe(ref xb, (nuint)k), ref t0, ref e0, k);
            if (full < len)
            {
                pad.Clear();
                for (int j = full; j < len; j++) pad[j - full] = Unsafe.Add(ref xb, j);
                GeluArgs(tanhForm, Vector512.Create((ReadOnlySpan<float>)pad), ref t0, ref e0, full);
            }
            int padded = full < len ? full + 16 : full;
            System.Numerics.Tensors.TensorPrimitives.Exp(eBuf[..padded], eBuf[..padded]);
            // pass 2: finish and store
            for (int k = 0; k < full; k += 16)
                GeluFinish(tanhForm, Vector512.LoadUnsafe(ref xb, (nuint)k), ref t0, ref e0, k).StoreUnsafe(ref yb, (nuint)k);
            if (full < len)
            {
                var r = GeluFinish(tanhForm, Vector512.Create((ReadOnlySpan<float>)pad), ref t0, ref e0, full);
                r.CopyTo(pad);
                for (int j = full; j < len; j++) Unsafe.Add(ref yb, j) = pad[j - full];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GeluArgs(bool tanhForm, Vector512<float> v, ref float t0, ref float e0, int k)
    {
        if (tanhForm)
        {
            var u = v * (float)SqrtTwoOverPi * Vector512.FusedMultiplyAdd(v * v, Vector512.Create(0.044715f), Vector512<float>.One);
            (u * -2f).StoreUnsafe(ref e0, (nuint)k);
            return;
        }
        var z = Vector512.Abs(v) * (float)InvSqrt2;
        var t = Vector512<float>.One / Vector512.FusedMultiplyAdd(z, Vector512.Create(0.5f), Vector512<float>.One);
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
        t.StoreUnsafe(ref t0, (nuint)k);
        Vector512.FusedMultiplyAdd(-z, z, p).StoreUnsafe(ref e0, (nuint)k);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> GeluFinish(bool tanhForm, Vector512<float> v, ref float t0, ref float e0, int k)
    {
        var e = Vector512.LoadUnsafe(ref e0, (nuint)k);
        if (tanhForm) return v / (Vector512<float>.One + e);
        var half = Vector512.LoadUnsafe(ref t0, (nuint)k) * e * 0.5f;
        return v * Vector512.ConditionalSelect(Vector512.LessThan(v, Vector512<float>.Zero), half, Vector512<float>.One - half);
    }

    private const double InvSqrt2 = 0.70710678118654752440;
    private const double SqrtTwoOverPi = 0.79788456080286535588;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Eval512(int kind, Vector512<double> x) => kind switch
    {
        1 => Gelu(x),
        2 => GeluTanh(x),
        3 => Erf(x),
        _ => Erfc(x),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Eval256(int kind, Vector256<double> x) => kind switch
    {
        1 => Gelu(x),
        2 => GeluTanh(x),
        3 => Erf(x),
        _ => Erfc(x),
    };

    // erfc(z) for z >= 0 as t * exp(-z^2 + P(t)), t = 1 / (1 + z/2), with a degree-9 Chebyshev-fitted P
    // (relative error below 1.2e-7 for every z >= 0; exact limits 1 at 0 and 0 at +inf).
    private static Vector512<double> ErfcPos(Vector512<double> z)
    {
        var t = Vector512<double>.One / (Vector512<double>.One + z * 0.5);
        var p = Vector512.Create(0.17087277);
        p = Vector512.FusedMultiplyAdd(p, t, Vector512.Create(-0.82215223));
        p = Vector512.FusedMultiplyAdd(p, t, Vector512.Create(1.48851587));
        p = Vector512.FusedMultiplyAdd(p, t, Vector512.Create(-1.13520398));
        p = Vector512.FusedMultiplyAdd(p, t, Vector512.Create(0.27886807));
        p = Vector512.FusedMultiplyAdd(p, t, Vector512.Create(-0.18628806));
        p = Vector512.FusedMultiplyAdd(p, t, Vector512.Create(0.09678418));
        p = Vector512.FusedMultiplyAdd(p, t, Vector512.Create(0.37409196));
        p = Vector512.FusedMultiplyAdd(p, t, Vector512.Create(1.00002368));
        p = Vector512.FusedMultiplyAdd(p, t, Vector512.Create(-1.26551223));
        return t * Vector512.Exp(p - z * z);
    }

    private static Vector256<double> ErfcPos(Vector256<double> z)
    {
        var t = Vector256<double>.One / (Vector256<double>.One + z * 0.5);
        var p = Vector256.Create(0.17087277);
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(-0.82215223));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(1.48851587));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(-1.13520398));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(0.27886807));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(-0.18628806));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(0.09678418));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(0.37409196));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(1.00002368));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(-1.26551223));
        return t * Vector256.Exp(p - z * z);
    }

    // erf(x) near 0 from its Maclaurin series (|x| < 0.5: the last term left out is below 1e-10 relative).
    private static Vector512<double> ErfSmall(Vector512<double> x)
    {
        var x2 = x * x;
        var p = Vector512.Create(1.0 / 75600);
        p = Vector512.FusedMultiplyAdd(p, -x2, Vector512.Create(1.0 / 9360));
        p = Vector512.FusedMultiplyAdd(p, -x2, Vector512.Create(1.0 / 1320));
        p = Vector512.FusedMultiplyAdd(p, -x2, Vector512.Create(1.0 / 216));
        p = Vector512.FusedMultiplyAdd(p, -x2, Vector512.Create(1.0 / 42));
        p = Vector512.FusedMultiplyAdd(p, -x2, Vector512.Create(1.0 / 10));
        p = Vector512.FusedMultiplyAdd(p, -x2, Vector512.Create(1.0 / 3));
        p = Vector512.FusedMultiplyAdd(p, -x2, Vector512<double>.One);
        return x * p * 1.1283791670955126;
    }

    private static Vector256<double> ErfSmall(Vector256<double> x)
    {
        var x2 = x * x;
        var p = Vector256.Create(1.0 / 75600);
        p = Vector256.FusedMultiplyAdd(p, -x2, Vector256.Create(1.0 / 9360));
        p = Vector256.FusedMultiplyAdd(p, -x2, Vector256.Create(1.0 / 1320));
        p = Vector256.FusedMultiplyAdd(p, -x2, Vector256.Create(1.0 / 216));
        p = Vector256.FusedMultiplyAdd(p, -x2, Vector256.Create(1.0 / 42));
        p = Vector256.FusedMultiplyAdd(p, -x2, Vector256.Create(1.0 / 10));
        p = Vector256.FusedMultiplyAdd(p, -x2, Vector256.Create(1.0 / 3));
        p = Vector256.FusedMultiplyAdd(p, -x2, Vector256<double>.One);
        return x * p * 1.1283791670955126;
    }

    private static Vector512<double> Erf(Vector512<double> x)
    {
        var ax = Vector512.Abs(x);
        var big = Vector512.CopySign(Vector512<double>.One - ErfcPos(ax), x);
        // NaN fails the comparison and takes the series branch, which keeps it NaN
        return Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(ax, Vector512.Create(0.5)), big, ErfSmall(x));
    }

    private static Vector256<double> Erf(Vector256<double> x)
    {
        var ax = Vector256.Abs(x);
        var big = Vector256.CopySign(Vector256<double>.One - ErfcPos(ax), x);
        return Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(ax, Vector256.Create(0.5)), big, ErfSmall(x));
    }

    private static Vector512<double> Erfc(Vector512<double> x)
    {
        var e = ErfcPos(Vector512.Abs(x));
        var neg = Vector512.LessThan(x, Vector512<double>.Zero);
        var r = Vector512.ConditionalSelect(neg, Vector512.Create(2.0) - e, e);
        // near 0, 1 - erf is the accurate form
        var small = Vector512.LessThan(Vector512.Abs(x), Vector512.Create(0.5));
        r = Vector512.ConditionalSelect(small, Vector512<double>.One - ErfSmall(x), r);
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), r, x);   // NaN in, NaN out
    }

    private static Vector256<double> Erfc(Vector256<double> x)
    {
        var e = ErfcPos(Vector256.Abs(x));
        var neg = Vector256.LessThan(x, Vector256<double>.Zero);
        var r = Vector256.ConditionalSelect(neg, Vector256.Create(2.0) - e, e);
        var small = Vector256.LessThan(Vector256.Abs(x), Vector256.Create(0.5));
        r = Vector256.ConditionalSelect(small, Vector256<double>.One - ErfSmall(x), r);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), r, x);
    }

    // gelu(x) = x/2 * erfc(-x/sqrt2): with E = erfc(|x|/sqrt2), x * (1 - E/2) for x >= 0 and x * E/2 below,
    // so negative inputs never subtract nearly equal numbers.
    private static Vector512<double> Gelu(Vector512<double> x)
    {
        var half = ErfcPos(Vector512.Abs(x) * InvSqrt2) * 0.5;
        var f = Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<double>.Zero), half, Vector512<double>.One - half);
        return x * f;
    }

    private static Vector256<double> Gelu(Vector256<double> x)
    {
        var half = ErfcPos(Vector256.Abs(x) * InvSqrt2) * 0.5;
        var f = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<double>.Zero), half, Vector256<double>.One - half);
        return x * f;
    }

    // tanh form: x/2 * (1 + tanh(u)) = x / (1 + exp(-2u)), u = sqrt(2/pi) * (x + 0.044715 x^3)
    private static Vector512<double> GeluTanh(Vector512<double> x)
    {
        var u = x * SqrtTwoOverPi * Vector512.FusedMultiplyAdd(x * x, Vector512.Create(0.044715), Vector512<double>.One);
        return x / (Vector512<double>.One + Vector512.Exp(u * -2.0));
    }

    private static Vector256<double> GeluTanh(Vector256<double> x)
    {
        var u = x * SqrtTwoOverPi * Vector256.FusedMultiplyAdd(x * x, Vector256.Create(0.044715), Vector256<double>.One);
        return x / (Vector256<double>.One + Vector256.Exp(u * -2.0));
    }
}

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

    /// <summary>Elements per block of the float forms (their exponentials go through TensorPrimitives a block at a time).</summary>
    private const int Block = 512;

    // The float forms, Vector512 and Vector256: each block computes the exponent's argument (and t) in vector lanes, takes all the
    // exponentials with one TensorPrimitives.Exp call (Vector512.Exp/Vector256.Exp run element by element in this
    // runtime), then finishes. erfc(z) for z >= 0 is t * exp(P(t) - z^2), t = 1 / (1 + z/2), with the degree-9
    // Chebyshev-fitted P of the double forms; erf near 0 is its Maclaurin series; GELU's exact form is
    // x * (1 - E/2) for x >= 0 and x * E/2 below (E = erfc(|x|/sqrt2)), its tanh form x / (1 + exp(-2u)). Float
    // rounding of the exponent's argument keeps results within about 1e-5 absolute and a few ulps elsewhere;
    // a ragged end of a run goes through one zero-padded vector, so every element gets the same formula.

    /// <summary>Runs kind over a float run in blocks, in Vector512 lanes when <paramref name="wide"/>, else Vector256.</summary>
    private static void FloatForm(int kind, bool wide, ref float x, ref float y, nint n)
    {
        int lanes = wide ? 16 : 8;
        Span<float> tBuf = stackalloc float[Block];
        Span<float> eBuf = stackalloc float[Block];
        Span<float> pad = stackalloc float[16];
        ref float t0 = ref tBuf[0];
        ref float e0 = ref eBuf[0];
        for (nint b = 0; b < n; b += Block)
        {
            int len = (int)Math.Min(Block, n - b), full = len / lanes * lanes;
            ref float xb = ref Unsafe.Add(ref x, b);
            ref float yb = ref Unsafe.Add(ref y, b);
            if (full < len)
            {
                pad.Clear();
                for (int j = full; j < len; j++) pad[j - full] = Unsafe.Add(ref xb, j);
            }
            int used = full < len ? full + lanes : full;
            // pass 1: the exponent's argument (and t); the ragged end from the zero-padded copy
            for (int k = 0; k < used; k += lanes)
            {
                ref float src = ref k < full ? ref Unsafe.Add(ref xb, k) : ref pad[0];
                if (wide) Args(kind, Vector512.LoadUnsafe(ref src), ref t0, ref e0, k);
                else Args(kind, Vector256.LoadUnsafe(ref src), ref t0, ref e0, k);
            }
            System.Numerics.Tensors.TensorPrimitives.Exp(eBuf[..used], eBuf[..used]);
            // pass 2: finish; the ragged end goes back through the padded copy
            for (int k = 0; k < used; k += lanes)
            {
                bool inside = k < full;
                ref float src = ref inside ? ref Unsafe.Add(ref xb, k) : ref pad[0];
                ref float dst = ref inside ? ref Unsafe.Add(ref yb, k) : ref pad[0];
                if (wide) Finish(kind, Vector512.LoadUnsafe(ref src), ref t0, ref e0, k).StoreUnsafe(ref dst);
                else Finish(kind, Vector256.LoadUnsafe(ref src), ref t0, ref e0, k).StoreUnsafe(ref dst);
            }
            for (int j = full; j < len; j++) Unsafe.Add(ref yb, j) = pad[j - full];
        }
    }

    // kind: 1 GELU, 2 GELU tanh form, 3 erf, 4 erfc
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Args(int kind, Vector512<float> v, ref float t0, ref float e0, int k)
    {
        if (kind == 2)
        {
            var u = v * (float)SqrtTwoOverPi * Vector512.FusedMultiplyAdd(v * v, Vector512.Create(0.044715f), Vector512<float>.One);
            (u * -2f).StoreUnsafe(ref e0, (nuint)k);
            return;
        }
        var z = kind == 1 ? Vector512.Abs(v) * (float)InvSqrt2 : Vector512.Abs(v);
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
    private static void Args(int kind, Vector256<float> v, ref float t0, ref float e0, int k)
    {
        if (kind == 2)
        {
            var u = v * (float)SqrtTwoOverPi * Vector256.FusedMultiplyAdd(v * v, Vector256.Create(0.044715f), Vector256<float>.One);
            (u * -2f).StoreUnsafe(ref e0, (nuint)k);
            return;
        }
        var z = kind == 1 ? Vector256.Abs(v) * (float)InvSqrt2 : Vector256.Abs(v);
        var t = Vector256<float>.One / Vector256.FusedMultiplyAdd(z, Vector256.Create(0.5f), Vector256<float>.One);
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
        t.StoreUnsafe(ref t0, (nuint)k);
        Vector256.FusedMultiplyAdd(-z, z, p).StoreUnsafe(ref e0, (nuint)k);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Finish(int kind, Vector512<float> v, ref float t0, ref float e0, int k)
    {
        var e = Vector512.LoadUnsafe(ref e0, (nuint)k);
        if (kind == 2) return v / (Vector512<float>.One + e);
        var big = Vector512.LoadUnsafe(ref t0, (nuint)k) * e;   // erfc(z)
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
    private static Vector256<float> Finish(int kind, Vector256<float> v, ref float t0, ref float e0, int k)
    {
        var e = Vector256.LoadUnsafe(ref e0, (nuint)k);
        if (kind == 2) return v / (Vector256<float>.One + e);
        var big = Vector256.LoadUnsafe(ref t0, (nuint)k) * e;
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

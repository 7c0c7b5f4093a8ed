using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Flint.Backends.Cpu;

/// <summary>
/// The float32 rows of softmax and log_softmax along a contiguous last dim in three passes over the row (as
/// PyTorch's vectorized kernel): the maximum; the exponentials of the shifted row (stored for softmax) summed as
/// they are made; then the scaling by 1 / sum (softmax) or the shift by max and log(sum) (log_softmax). The
/// exponential is <see cref="FloatExp"/>'s, evaluated in the vector lanes of <typeparamref name="L"/>; a ragged
/// end goes through one padded vector so every element gets the same formula. Sums add vectors of floats per
/// block of <see cref="Block"/> elements, the blocks in double.
/// </summary>
internal static class SoftmaxRows<TV, L> where TV : struct where L : struct, IFloatLanes<TV>
{
    internal const int Block = 2048;

    /// <summary>
    /// y = softmax(x) (x and y may be the same memory); while the exponentials are made, the first
    /// <paramref name="ahead"/> elements of the next row's input (<paramref name="nx"/>) are fetched into cache, so
    /// the memory's latency hides behind the arithmetic.
    /// </summary>
    internal static void Softmax(ref float x, ref float y, nint n, ref float nx, nint ahead)
    {
        float max = Max(ref x, n, out float min);
        double sum = ExpSum(ref x, ref y, n, max, Usual(max, min), store: true, ref nx, ahead);
        float inv = (float)(1 / sum);
        int w = L.Count;
        TV vi = L.Splat(inv);
        nint i = 0;
        for (; i + w <= n; i += w) L.Store(L.Mul(L.Load(ref y, i), vi), ref y, i);
        for (; i < n; i++) Unsafe.Add(ref y, i) *= inv;
    }

    /// <summary>y = log_softmax(x) = (x - max) - log(Σ exp(x - max)) (x and y may be the same memory); prefetching as <see cref="Softmax"/>.</summary>
    internal static void LogSoftmax(ref float x, ref float y, nint n, ref float nx, nint ahead)
    {
        float max = Max(ref x, n, out float min);
        float lse = (float)Math.Log(ExpSum(ref x, ref y, n, max, Usual(max, min), store: false, ref nx, ahead));
        int w = L.Count;
        TV vm = L.Splat(max), vl = L.Splat(lse);
        nint i = 0;
        for (; i + w <= n; i += w) L.Store(L.Sub(L.Sub(L.Load(ref x, i), vm), vl), ref y, i);
        for (; i < n; i++) Unsafe.Add(ref y, i) = Unsafe.Add(ref x, i) - max - lse;
    }

    /// <summary>
    /// The input gradient of softmax from the output gradient g and the output y of one row: y · (g - Σ g·y), written
    /// to gx or, under <paramref name="accumulate"/>, added into it. Two passes: the dot product (fetching gx's row
    /// meanwhile when it is added into), then the row, fetching the first <paramref name="ahead"/> elements of the
    /// next row's g and y (<paramref name="ng"/>, <paramref name="ny"/>). gx shares no memory with g or y.
    /// </summary>
    internal static void Backward(ref float g, ref float y, ref float gx, nint n, bool accumulate, ref float ng, ref float ny, nint ahead)
    {
        int w = L.Count;
        double total = 0;
        nint i = 0;
        for (nint start = 0; start < n; start += Block)
        {
            nint end = Math.Min(n, start + Block);
            TV a0 = L.Splat(0f), a1 = a0;
            for (; i + 2 * w <= end; i += 2 * w)
            {
                if (accumulate)
                {
                    Gemm.Prefetch.L1(ref Unsafe.Add(ref gx, i));
                    if (w == 16) Gemm.Prefetch.L1(ref Unsafe.Add(ref gx, i + 16));
                }
                a0 = L.Fma(L.Load(ref g, i), L.Load(ref y, i), a0);
                a1 = L.Fma(L.Load(ref g, i + w), L.Load(ref y, i + w), a1);
            }
            float part = L.Sum(L.Add(a0, a1));
            for (; i < end; i++) part = MathF.FusedMultiplyAdd(Unsafe.Add(ref g, i), Unsafe.Add(ref y, i), part);
            total += part;
        }
        float dot = (float)total;
        TV vd = L.Splat(dot);
        i = 0;
        for (; i + w <= n; i += w)
        {
            if (i < ahead && (i & 15) == 0)
            {
                Gemm.Prefetch.L1(ref Unsafe.Add(ref ng, i));
                Gemm.Prefetch.L1(ref Unsafe.Add(ref ny, i));
            }
            TV v = L.Mul(L.Sub(L.Load(ref g, i), vd), L.Load(ref y, i));
            L.Store(accumulate ? L.Add(L.Load(ref gx, i), v) : v, ref gx, i);
        }
        for (; i < n; i++)
        {
            float v = (Unsafe.Add(ref g, i) - dot) * Unsafe.Add(ref y, i);
            Unsafe.Add(ref gx, i) = accumulate ? Unsafe.Add(ref gx, i) + v : v;
        }
    }

    /// <summary>
    /// Whether every x - max of a row with this maximum and minimum lies in the exponential's usual range (no NaN,
    /// no infinity, no result below the normal floats), so no vector of the row needs the range check.
    /// </summary>
    private static bool Usual(float max, float min) => float.IsFinite(max) && min - max >= FloatExp.FastLowest;

    /// <summary>The row's maximum (NaN when any element is NaN) and its minimum (of the other elements).</summary>
    private static float Max(ref float x, nint n, out float min)
    {
        int w = L.Count;
        nint i = 0;
        float m = float.NegativeInfinity;
        min = float.PositiveInfinity;
        bool nan = false;
        if (n >= w)
        {
            TV a = L.Load(ref x, 0), b = a, nanSeen = L.IsNaN(a);
            for (i = w; i + w <= n; i += w)
            {
                TV v = L.Load(ref x, i);
                a = L.Max(a, v); b = L.Min(b, v); nanSeen = L.Or(nanSeen, L.IsNaN(v));
            }
            m = L.MaxAcross(a);
            min = L.MinAcross(b);
            nan = L.Any(nanSeen);
        }
        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref x, i);
            if (float.IsNaN(v)) nan = true;
            else { if (v > m) m = v; if (v < min) min = v; }
        }
        return nan ? float.NaN : m;
    }

    /// <summary>
    /// Σ exp(x - max), with y = exp(x - max) when <paramref name="store"/>; <paramref name="usual"/>: every argument is
    /// in the exponential's usual range (the same bits, without the per-vector check).
    /// </summary>
    private static double ExpSum(ref float x, ref float y, nint n, float max, bool usual, bool store, ref float nx, nint ahead)
    {
        int w = L.Count;
        TV vm = L.Splat(max);
        double total = 0;
        nint i = 0;
        for (nint start = 0; start < n; start += Block)
        {
            nint end = Math.Min(n, start + Block);
            TV a0 = L.Splat(0f), a1 = a0;
            for (; i + 2 * w <= end; i += 2 * w)
            {
                if (i < ahead)
                {
                    // one cache line per 16 floats
                    Gemm.Prefetch.L1(ref Unsafe.Add(ref nx, i));
                    if (w == 16) Gemm.Prefetch.L1(ref Unsafe.Add(ref nx, i + 16));
                }
                TV s0 = L.Sub(L.Load(ref x, i), vm), s1 = L.Sub(L.Load(ref x, i + w), vm);
                TV e0 = usual ? L.ExpUsual(s0) : L.Exp(s0), e1 = usual ? L.ExpUsual(s1) : L.Exp(s1);
                if (store) { L.Store(e0, ref y, i); L.Store(e1, ref y, i + w); }
                a0 = L.Add(a0, e0); a1 = L.Add(a1, e1);
            }
            for (; i + w <= end; i += w)
            {
                TV s0 = L.Sub(L.Load(ref x, i), vm);
                TV e0 = usual ? L.ExpUsual(s0) : L.Exp(s0);
                if (store) L.Store(e0, ref y, i);
                a0 = L.Add(a0, e0);
            }
            total += L.Sum(L.Add(a0, a1));
        }
        if (i < n)
        {
            // the ragged end through one padded vector (the padding's exponentials are dropped)
            Span<float> pad = stackalloc float[L.Count];
            pad.Clear();
            int rest = (int)(n - i);
            for (int j = 0; j < rest; j++) pad[j] = Unsafe.Add(ref x, i + j) - max;
            L.Store(L.Exp(L.Load(ref pad[0], 0)), ref pad[0], 0);
            for (int j = 0; j < rest; j++)
            {
                if (store) Unsafe.Add(ref y, i + j) = pad[j];
                total += pad[j];
            }
        }
        return total;
    }
}

/// <summary>The float vector operations of <see cref="SoftmaxRows{TV, L}"/> at one width.</summary>
internal interface IFloatLanes<TV> where TV : struct
{
    static abstract int Count { get; }
    static abstract TV Load(ref float p, nint i);
    static abstract void Store(TV v, ref float p, nint i);
    static abstract TV Splat(float x);
    static abstract TV Add(TV a, TV b);
    static abstract TV Sub(TV a, TV b);
    static abstract TV Mul(TV a, TV b);
    static abstract TV Fma(TV a, TV b, TV c);
    static abstract TV Max(TV a, TV b);
    static abstract TV Min(TV a, TV b);
    static abstract TV Or(TV a, TV b);
    static abstract TV IsNaN(TV a);
    static abstract bool Any(TV mask);
    static abstract float MaxAcross(TV a);
    static abstract float MinAcross(TV a);
    static abstract float Sum(TV a);
    /// <summary>exp in every lane (<see cref="FloatExp"/>).</summary>
    static abstract TV Exp(TV a);
    /// <summary>exp of arguments known to lie in [<see cref="FloatExp.FastLowest"/>, <see cref="FloatExp.FastHighest"/>]: the same bits without the check.</summary>
    static abstract TV ExpUsual(TV a);
}

internal struct FloatLanes512 : IFloatLanes<Vector512<float>>
{
    public static int Count => 16;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Load(ref float p, nint i) => Vector512.LoadUnsafe(ref p, (nuint)i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector512<float> v, ref float p, nint i) => v.StoreUnsafe(ref p, (nuint)i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Splat(float x) => Vector512.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Sub(Vector512<float> a, Vector512<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Mul(Vector512<float> a, Vector512<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.MaxNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Min(Vector512<float> a, Vector512<float> b) => Vector512.MinNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Or(Vector512<float> a, Vector512<float> b) => a | b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> IsNaN(Vector512<float> a) => ~Vector512.Equals(a, a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Any(Vector512<float> mask) => mask.ExtractMostSignificantBits() != 0;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float MaxAcross(Vector512<float> a) => FloatLanes256.MaxAcross(Vector256.MaxNative(a.GetLower(), a.GetUpper()));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float MinAcross(Vector512<float> a) => FloatLanes256.MinAcross(Vector256.MinNative(a.GetLower(), a.GetUpper()));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector512<float> a) => Vector512.Sum(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        // the usual case: 2^n and the result are normal floats, so one scaling suffices
        var ok = Vector512.GreaterThanOrEqual(x, Vector512.Create(FloatExp.FastLowest)) & Vector512.LessThanOrEqual(x, Vector512.Create(FloatExp.FastHighest));
        return ok.ExtractMostSignificantBits() != 0xFFFFUL ? ExpEdges(x) : ExpUsual(x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ExpUsual(Vector512<float> x)
    {
        var t = Vector512.FusedMultiplyAdd(x, Vector512.Create(FloatExp.Log2E), Vector512.Create(FloatExp.Shifter));
        var p = ExpReduced(x, t - Vector512.Create(FloatExp.Shifter));
        // p · 2^n by adding n to p's exponent field (t's low bits are n; the shift drops the rest)
        return (p.AsInt32() + Vector512.ShiftLeft(t.AsInt32(), 23)).AsSingle();
    }

    /// <summary>exp(r) for r = x - n · ln 2, n = round(x · log2 e) (the same for both paths).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ExpReduced(Vector512<float> x, Vector512<float> n)
    {
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-FloatExp.Ln2Hi), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-FloatExp.Ln2Lo), r);
        var p = Vector512.Create(FloatExp.C6);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(FloatExp.C5));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(FloatExp.C4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(FloatExp.C3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(FloatExp.C2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1f));
        return Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1f));
    }

    /// <summary>
    /// A vector with a lane outside the usual range: clamped arguments, and 2^n as two normal powers
    /// 2^(n/2) · 2^(n - n/2), so results in the subnormal range round once at the end; NaN passes through.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector512<float> ExpEdges(Vector512<float> x)
    {
        var c = Vector512.ClampNative(x, Vector512.Create(FloatExp.Lowest), Vector512.Create(FloatExp.Highest));
        var t = Vector512.FusedMultiplyAdd(c, Vector512.Create(FloatExp.Log2E), Vector512.Create(FloatExp.Shifter));
        var p = ExpReduced(c, t - Vector512.Create(FloatExp.Shifter));
        var ni = t.AsInt32() - Vector512.Create(FloatExp.Shifter).AsInt32();
        var h = Vector512.ShiftRightArithmetic(ni, 1);
        var s1 = Vector512.ShiftLeft(h + Vector512.Create(127), 23).AsSingle();
        var s2 = Vector512.ShiftLeft(ni - h + Vector512.Create(127), 23).AsSingle();
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), p * s1 * s2, x);
    }
}

internal struct FloatLanes256 : IFloatLanes<Vector256<float>>
{
    public static int Count => 8;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(ref float p, nint i) => Vector256.LoadUnsafe(ref p, (nuint)i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<float> v, ref float p, nint i) => v.StoreUnsafe(ref p, (nuint)i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Splat(float x) => Vector256.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Sub(Vector256<float> a, Vector256<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Mul(Vector256<float> a, Vector256<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.MaxNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Min(Vector256<float> a, Vector256<float> b) => Vector256.MinNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Or(Vector256<float> a, Vector256<float> b) => a | b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> IsNaN(Vector256<float> a) => ~Vector256.Equals(a, a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Any(Vector256<float> mask) => mask.ExtractMostSignificantBits() != 0;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Vector256<float> a)
    {
        float m = a.GetElement(0);
        for (int k = 1; k < 8; k++) m = Math.Max(m, a.GetElement(k));
        return m;
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MinAcross(Vector256<float> a)
    {
        float m = a.GetElement(0);
        for (int k = 1; k < 8; k++) m = Math.Min(m, a.GetElement(k));
        return m;
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector256<float> a) => Vector256.Sum(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        // the usual case: 2^n and the result are normal floats, so one scaling suffices
        var ok = Vector256.GreaterThanOrEqual(x, Vector256.Create(FloatExp.FastLowest)) & Vector256.LessThanOrEqual(x, Vector256.Create(FloatExp.FastHighest));
        return ok.ExtractMostSignificantBits() != 0xFFu ? ExpEdges(x) : ExpUsual(x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpUsual(Vector256<float> x)
    {
        var t = Vector256.FusedMultiplyAdd(x, Vector256.Create(FloatExp.Log2E), Vector256.Create(FloatExp.Shifter));
        var p = ExpReduced(x, t - Vector256.Create(FloatExp.Shifter));
        // p · 2^n by adding n to p's exponent field (t's low bits are n; the shift drops the rest)
        return (p.AsInt32() + Vector256.ShiftLeft(t.AsInt32(), 23)).AsSingle();
    }

    /// <summary>exp(r) for r = x - n · ln 2, n = round(x · log2 e) (the same for both paths).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ExpReduced(Vector256<float> x, Vector256<float> n)
    {
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-FloatExp.Ln2Hi), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-FloatExp.Ln2Lo), r);
        var p = Vector256.Create(FloatExp.C6);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(FloatExp.C5));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(FloatExp.C4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(FloatExp.C3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(FloatExp.C2));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1f));
        return Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1f));
    }

    /// <summary>
    /// A vector with a lane outside the usual range: clamped arguments, and 2^n as two normal powers
    /// 2^(n/2) · 2^(n - n/2), so results in the subnormal range round once at the end; NaN passes through.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector256<float> ExpEdges(Vector256<float> x)
    {
        var c = Vector256.ClampNative(x, Vector256.Create(FloatExp.Lowest), Vector256.Create(FloatExp.Highest));
        var t = Vector256.FusedMultiplyAdd(c, Vector256.Create(FloatExp.Log2E), Vector256.Create(FloatExp.Shifter));
        var p = ExpReduced(c, t - Vector256.Create(FloatExp.Shifter));
        var ni = t.AsInt32() - Vector256.Create(FloatExp.Shifter).AsInt32();
        var h = Vector256.ShiftRightArithmetic(ni, 1);
        var s1 = Vector256.ShiftLeft(h + Vector256.Create(127), 23).AsSingle();
        var s2 = Vector256.ShiftLeft(ni - h + Vector256.Create(127), 23).AsSingle();
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), p * s1 * s2, x);
    }
}

/// <summary>
/// The constants of the float exponential: exp(x) = 2^n · exp(r) with n = round(x · log2 e) and
/// r = x - n · ln 2 (ln 2 split in two floats, so r is exact to float precision), |r| ≤ ln 2 / 2, and exp(r) by
/// 1 + r + r² · (C2 + C3 r + ... + C6 r⁴), whose coefficients minimize the largest relative error on that interval
/// (3e-9 before rounding them to floats; the whole function stays under one ulp). n comes from one fused
/// x · log2 e + 1.5 · 2^23 (the shifter), whose low bits are then n itself. Within
/// [<see cref="FastLowest"/>, <see cref="FastHighest"/>] the result is a normal float and 2^n is applied by adding
/// n to the exponent field; a vector with a lane outside (or NaN) takes the edge path, where arguments are clamped
/// to [-105, 89] first (below, exp rounds to 0; above, to +inf) and NaN passes through.
/// </summary>
internal static class FloatExp
{
    internal const float Lowest = -105f, Highest = 89f;
    internal const float FastLowest = -86.5f, FastHighest = 88.3f;
    internal const float Shifter = 12582912f;
    internal const float Log2E = 1.44269504088896341f;
    internal const float Ln2Hi = 0.693359375f, Ln2Lo = -2.12194440e-4f;
    internal const float C2 = 0.49999994f, C3 = 0.16666521f, C4 = 0.041668389f, C5 = 0.0083687101f, C6 = 0.0013814613f;
}

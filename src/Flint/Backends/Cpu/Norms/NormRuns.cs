using System.Numerics;
using System.Runtime.CompilerServices;

namespace Flint.Backends.Cpu.Norms;

/// <summary>Count, mean and sum of squared deviations of a set of values, combined across sets by Chan's formula.</summary>
internal struct Moments
{
    public double Count, Mean, M2;
    /// <summary>The plain sum of the values (what the mean is when a value is infinite: the deviations are NaN then).</summary>
    public double Sum;

    public void Add(in Moments o)
    {
        if (o.Count == 0) return;
        if (Count == 0) { this = o; return; }
        double n = Count + o.Count, delta = o.Mean - Mean;
        Mean += delta * (o.Count / n);
        M2 += o.M2 + delta * delta * (Count * o.Count / n);
        Count = n;
        Sum += o.Sum;
    }

    /// <summary>The mean: the combined one, or sum / count when the values hold an infinity or NaN.</summary>
    public readonly double Average => double.IsFinite(Mean) ? Mean : Sum / Count;

    /// <summary>The biased variance.</summary>
    public readonly double Variance => M2 / Count;
}

/// <summary>
/// The loops over one contiguous run that the normalization kernels are built from: statistics, the affine
/// normalization and the gradient sums and formulas. A value's deviation from the mean is taken against the mean
/// split in two values of <typeparamref name="T"/> (hi + lo), so inputs far from zero keep their precision in float.
/// Sums accumulate in vectors of <typeparamref name="T"/> over blocks of <see cref="Block"/> elements, added up in double.
/// </summary>
internal static class NormRuns<T, TV, L> where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where L : struct, ILanes<T, TV>
{
    /// <summary>The elements summed in vectors of T before the partial sums go to double (a block stays in L1).</summary>
    internal const int Block = 2048;

    /// <summary>The mean as hi + lo, both in T.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (T hi, T lo) Split(double mean)
    {
        T hi = T.CreateTruncating(mean);
        T lo = double.IsFinite(mean) ? T.CreateTruncating(mean - double.CreateTruncating(hi)) : T.Zero;
        return (hi, lo);
    }

    /// <summary>The moments of x[0, n): per block, a sum to centre on, then the deviations' sum and sum of squares.</summary>
    internal static Moments Stats(ref T x, nint n)
    {
        var m = default(Moments);
        for (nint start = 0; start < n; start += Block)
        {
            nint len = Math.Min(Block, n - start);
            ref T xb = ref Unsafe.Add(ref x, start);
            T s = Sum(ref xb, len);
            T c = T.CreateTruncating(double.CreateTruncating(s) / len);
            if (!T.IsFinite(c)) c = T.Zero;
            var (sd, sdd) = Deviations(ref xb, len, c);
            double d = double.CreateTruncating(sd);
            m.Add(new Moments
            {
                Count = len, Sum = double.CreateTruncating(s),
                Mean = double.CreateTruncating(c) + d / len,
                M2 = double.CreateTruncating(sdd) - d * d / len,
            });
        }
        return m;
    }

    private static T Sum(ref T x, nint n)
    {
        int w = L.Count;
        TV a0 = L.Splat(T.Zero), a1 = a0;
        nint i = 0;
        for (; i + 2 * w <= n; i += 2 * w) { a0 = L.Add(a0, L.Load(ref x, i)); a1 = L.Add(a1, L.Load(ref x, i + w)); }
        for (; i + w <= n; i += w) a0 = L.Add(a0, L.Load(ref x, i));
        T s = L.Sum(L.Add(a0, a1));
        for (; i < n; i++) s += Unsafe.Add(ref x, i);
        return s;
    }

    /// <summary>Σ (x - c) and Σ (x - c)².</summary>
    private static (T sd, T sdd) Deviations(ref T x, nint n, T c)
    {
        int w = L.Count;
        TV vc = L.Splat(c), s0 = L.Splat(T.Zero), s1 = s0, q0 = s0, q1 = s0;
        nint i = 0;
        for (; i + 2 * w <= n; i += 2 * w)
        {
            TV d0 = L.Sub(L.Load(ref x, i), vc), d1 = L.Sub(L.Load(ref x, i + w), vc);
            s0 = L.Add(s0, d0); s1 = L.Add(s1, d1);
            q0 = L.Fma(d0, d0, q0); q1 = L.Fma(d1, d1, q1);
        }
        for (; i + w <= n; i += w)
        {
            TV d0 = L.Sub(L.Load(ref x, i), vc);
            s0 = L.Add(s0, d0); q0 = L.Fma(d0, d0, q0);
        }
        T sd = L.Sum(L.Add(s0, s1)), sdd = L.Sum(L.Add(q0, q1));
        for (; i < n; i++) { T d = Unsafe.Add(ref x, i) - c; sd += d; sdd += d * d; }
        return (sd, sdd);
    }

    /// <summary>y = ((x - hi) - lo) · a + b.</summary>
    internal static void Normalize(ref T x, ref T y, nint n, T hi, T lo, T a, T b)
    {
        int w = L.Count;
        TV vh = L.Splat(hi), vl = L.Splat(lo), va = L.Splat(a), vb = L.Splat(b);
        nint i = 0;
        for (; i + w <= n; i += w) L.Store(L.Fma(L.Sub(L.Sub(L.Load(ref x, i), vh), vl), va, vb), ref y, i);
        for (; i < n; i++) Unsafe.Add(ref y, i) = T.FusedMultiplyAdd(Unsafe.Add(ref x, i) - hi - lo, a, b);
    }

    /// <summary>y[j] = ((x[j] - hi) - lo) · rstd · w[j] + b[j].</summary>
    internal static void NormalizeColumns(ref T x, ref T y, ref T wt, ref T bs, nint n, T hi, T lo, T rstd)
    {
        int w = L.Count;
        TV vh = L.Splat(hi), vl = L.Splat(lo), vr = L.Splat(rstd);
        nint i = 0;
        for (; i + w <= n; i += w)
            L.Store(L.Fma(L.Mul(L.Sub(L.Sub(L.Load(ref x, i), vh), vl), vr), L.Load(ref wt, i), L.Load(ref bs, i)), ref y, i);
        for (; i < n; i++) Unsafe.Add(ref y, i) = T.FusedMultiplyAdd((Unsafe.Add(ref x, i) - hi - lo) * rstd, Unsafe.Add(ref wt, i), Unsafe.Add(ref bs, i));
    }

    /// <summary>Σ g and Σ g · (x - mean), in double.</summary>
    internal static (double sg, double sgd) GradSums(ref T g, ref T x, nint n, T hi, T lo)
    {
        double sg = 0, sgd = 0;
        int w = L.Count;
        TV vh = L.Splat(hi), vl = L.Splat(lo);
        for (nint start = 0; start < n; start += Block)
        {
            nint len = Math.Min(Block, n - start), i = 0;
            ref T gb = ref Unsafe.Add(ref g, start);
            ref T xb = ref Unsafe.Add(ref x, start);
            TV a0 = L.Splat(T.Zero), a1 = a0;
            for (; i + w <= len; i += w)
            {
                TV gv = L.Load(ref gb, i);
                a0 = L.Add(a0, gv);
                a1 = L.Fma(gv, L.Sub(L.Sub(L.Load(ref xb, i), vh), vl), a1);
            }
            T s0 = L.Sum(a0), s1 = L.Sum(a1);
            for (; i < len; i++) { T gv = Unsafe.Add(ref gb, i); s0 += gv; s1 += gv * (Unsafe.Add(ref xb, i) - hi - lo); }
            sg += double.CreateTruncating(s0); sgd += double.CreateTruncating(s1);
        }
        return (sg, sgd);
    }

    /// <summary>
    /// gx = (g · w - m) · r + (x - mean) · b. The product g · w is rounded before m is taken from it, so where the
    /// two cancel exactly (a row of one element) the gradient is exactly zero.
    /// </summary>
    internal static void GradApply(ref T g, ref T x, ref T gx, nint n, T hi, T lo, T wc, T m, T r, T b)
    {
        int w = L.Count;
        TV vh = L.Splat(hi), vl = L.Splat(lo), vw = L.Splat(wc), vm = L.Splat(m), vr = L.Splat(r), vb = L.Splat(b);
        nint i = 0;
        for (; i + w <= n; i += w)
            L.Store(L.Fma(L.Sub(L.Mul(L.Load(ref g, i), vw), vm), vr, L.Mul(L.Sub(L.Sub(L.Load(ref x, i), vh), vl), vb)), ref gx, i);
        for (; i < n; i++)
            Unsafe.Add(ref gx, i) = T.FusedMultiplyAdd(Unsafe.Add(ref g, i) * wc - m, r, (Unsafe.Add(ref x, i) - hi - lo) * b);
    }

    /// <summary>
    /// One row of a layer norm's backward: returns Σ g·w and Σ g·w·(x - mean), and adds g·x̂ to gw and g to gb
    /// (the columns' partial sums).
    /// </summary>
    internal static (double sgw, double sgwd) RowGradSums(ref T g, ref T x, ref T wt, ref T gw, ref T gb, nint n, T hi, T lo, T rstd)
    {
        double sgw = 0, sgwd = 0;
        int w = L.Count;
        TV vh = L.Splat(hi), vl = L.Splat(lo), vr = L.Splat(rstd);
        for (nint start = 0; start < n; start += Block)
        {
            nint len = Math.Min(Block, n - start), i = 0;
            ref T gr = ref Unsafe.Add(ref g, start);
            ref T xr = ref Unsafe.Add(ref x, start);
            ref T wr = ref Unsafe.Add(ref wt, start);
            ref T gwr = ref Unsafe.Add(ref gw, start);
            ref T gbr = ref Unsafe.Add(ref gb, start);
            TV a0 = L.Splat(T.Zero), a1 = a0;
            for (; i + w <= len; i += w)
            {
                TV gv = L.Load(ref gr, i), d = L.Sub(L.Sub(L.Load(ref xr, i), vh), vl), gwv = L.Mul(gv, L.Load(ref wr, i));
                a0 = L.Add(a0, gwv);
                a1 = L.Fma(gwv, d, a1);
                L.Store(L.Fma(L.Mul(gv, d), vr, L.Load(ref gwr, i)), ref gwr, i);
                L.Store(L.Add(L.Load(ref gbr, i), gv), ref gbr, i);
            }
            T s0 = L.Sum(a0), s1 = L.Sum(a1);
            for (; i < len; i++)
            {
                T gv = Unsafe.Add(ref gr, i), d = Unsafe.Add(ref xr, i) - hi - lo, gwv = gv * Unsafe.Add(ref wr, i);
                s0 += gwv; s1 += gwv * d;
                Unsafe.Add(ref gwr, i) = T.FusedMultiplyAdd(gv * d, rstd, Unsafe.Add(ref gwr, i));
                Unsafe.Add(ref gbr, i) += gv;
            }
            sgw += double.CreateTruncating(s0); sgwd += double.CreateTruncating(s1);
        }
        return (sgw, sgwd);
    }

    /// <summary>
    /// gx[j] = (g[j] · w[j] - m) · r + (x[j] - mean) · b (see <see cref="GradApply"/>); with
    /// <paramref name="accumulate"/> that value is added into gx[j].
    /// </summary>
    internal static void RowGradApply(ref T g, ref T x, ref T wt, ref T gx, nint n, T hi, T lo, T m, T r, T b, bool accumulate = false)
    {
        int w = L.Count;
        TV vh = L.Splat(hi), vl = L.Splat(lo), vm = L.Splat(m), vr = L.Splat(r), vb = L.Splat(b);
        nint i = 0;
        if (accumulate)
            for (; i + w <= n; i += w)
                L.Store(L.Add(L.Load(ref gx, i), L.Fma(L.Sub(L.Mul(L.Load(ref g, i), L.Load(ref wt, i)), vm), vr, L.Mul(L.Sub(L.Sub(L.Load(ref x, i), vh), vl), vb))), ref gx, i);
        else
            for (; i + w <= n; i += w)
                L.Store(L.Fma(L.Sub(L.Mul(L.Load(ref g, i), L.Load(ref wt, i)), vm), vr, L.Mul(L.Sub(L.Sub(L.Load(ref x, i), vh), vl), vb)), ref gx, i);
        for (; i < n; i++)
        {
            T v = T.FusedMultiplyAdd(Unsafe.Add(ref g, i) * Unsafe.Add(ref wt, i) - m, r, (Unsafe.Add(ref x, i) - hi - lo) * b);
            Unsafe.Add(ref gx, i) = accumulate ? Unsafe.Add(ref gx, i) + v : v;
        }
    }

    /// <summary>Σ x², summed in vectors of T per block of <see cref="Block"/> elements, the blocks added in double.</summary>
    internal static double SumSquares(ref T x, nint n)
    {
        double ss = 0;
        int w = L.Count;
        for (nint start = 0; start < n; start += Block)
        {
            nint len = Math.Min(Block, n - start), i = 0;
            ref T xb = ref Unsafe.Add(ref x, start);
            TV a0 = L.Splat(T.Zero), a1 = a0;
            for (; i + 2 * w <= len; i += 2 * w)
            {
                TV v0 = L.Load(ref xb, i), v1 = L.Load(ref xb, i + w);
                a0 = L.Fma(v0, v0, a0); a1 = L.Fma(v1, v1, a1);
            }
            for (; i + w <= len; i += w) { TV v0 = L.Load(ref xb, i); a0 = L.Fma(v0, v0, a0); }
            T s = L.Sum(L.Add(a0, a1));
            for (; i < len; i++) { T v = Unsafe.Add(ref xb, i); s = T.FusedMultiplyAdd(v, v, s); }
            ss += double.CreateTruncating(s);
        }
        return ss;
    }

    /// <summary>y[j] = (x[j] · r) · w[j]: rounded after each product, as x · rstd then · weight.</summary>
    internal static void ScaleColumns(ref T x, ref T y, ref T wt, nint n, T r)
    {
        int w = L.Count;
        TV vr = L.Splat(r);
        nint i = 0;
        for (; i + w <= n; i += w) L.Store(L.Mul(L.Mul(L.Load(ref x, i), vr), L.Load(ref wt, i)), ref y, i);
        for (; i < n; i++) Unsafe.Add(ref y, i) = Unsafe.Add(ref x, i) * r * Unsafe.Add(ref wt, i);
    }

    /// <summary>y[j] = x[j] · r.</summary>
    internal static void Scale(ref T x, ref T y, nint n, T r)
    {
        int w = L.Count;
        TV vr = L.Splat(r);
        nint i = 0;
        for (; i + w <= n; i += w) L.Store(L.Mul(L.Load(ref x, i), vr), ref y, i);
        for (; i < n; i++) Unsafe.Add(ref y, i) = Unsafe.Add(ref x, i) * r;
    }

    /// <summary>
    /// One row of an rms norm's backward: returns Σ g·w·x, and adds g·x·r to gw (the columns' partial sums).
    /// </summary>
    internal static double RmsRowGradSums(ref T g, ref T x, ref T wt, ref T gw, nint n, T r)
    {
        double s = 0;
        int w = L.Count;
        TV vr = L.Splat(r);
        for (nint start = 0; start < n; start += Block)
        {
            nint len = Math.Min(Block, n - start), i = 0;
            ref T gr = ref Unsafe.Add(ref g, start);
            ref T xr = ref Unsafe.Add(ref x, start);
            ref T wr = ref Unsafe.Add(ref wt, start);
            ref T gwr = ref Unsafe.Add(ref gw, start);
            TV a0 = L.Splat(T.Zero);
            for (; i + w <= len; i += w)
            {
                TV gv = L.Load(ref gr, i), xv = L.Load(ref xr, i);
                a0 = L.Fma(L.Mul(gv, L.Load(ref wr, i)), xv, a0);
                L.Store(L.Fma(L.Mul(gv, xv), vr, L.Load(ref gwr, i)), ref gwr, i);
            }
            T s0 = L.Sum(a0);
            for (; i < len; i++)
            {
                T gv = Unsafe.Add(ref gr, i), xv = Unsafe.Add(ref xr, i);
                s0 = T.FusedMultiplyAdd(gv * Unsafe.Add(ref wr, i), xv, s0);
                Unsafe.Add(ref gwr, i) = T.FusedMultiplyAdd(gv * xv, r, Unsafe.Add(ref gwr, i));
            }
            s += double.CreateTruncating(s0);
        }
        return s;
    }

    /// <summary>gx[j] = (g[j] · w[j]) · r - x[j] · c.</summary>
    internal static void RmsRowGradApply(ref T g, ref T x, ref T wt, ref T gx, nint n, T r, T c)
    {
        int w = L.Count;
        TV vr = L.Splat(r), vc = L.Splat(-c);
        nint i = 0;
        for (; i + w <= n; i += w)
            L.Store(L.Fma(L.Mul(L.Load(ref g, i), L.Load(ref wt, i)), vr, L.Mul(L.Load(ref x, i), vc)), ref gx, i);
        for (; i < n; i++)
            Unsafe.Add(ref gx, i) = T.FusedMultiplyAdd(Unsafe.Add(ref g, i) * Unsafe.Add(ref wt, i), r, Unsafe.Add(ref x, i) * -c);
    }

    /// <summary>acc[j] += part[j] (in double), then part[j] = 0.</summary>
    internal static void Flush(ref T part, double[] acc, nint n)
    {
        for (nint j = 0; j < n; j++) { acc[j] += double.CreateTruncating(Unsafe.Add(ref part, j)); Unsafe.Add(ref part, j) = T.Zero; }
    }
}

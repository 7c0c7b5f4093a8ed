using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Backends.Cpu.Conv;

/// <summary>Pooling kernels over P contiguous planes (or volumes); each plane is an independent task.</summary>
internal static class Pool
{
    internal static void Max<T>(T[] x, long xOff, T[] y, long yOff, long[] idx, long iOff, int planes, WindowGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = g.Plane, l = g.OutPlane;
        bool twoByTwo = g.Flat && g.KH == 2 && g.KW == 2 && g.SH == 2 && g.SW == 2 && g.PH == 0 && g.PW == 0 && g.DH == 1 && g.DW == 1
            && 2 * g.OH <= g.H && 2 * g.OW <= g.W;
        Par.For(planes, (long)l * g.Taps, p =>
        {
            var src = x.AsSpan((int)(xOff + (long)p * plane), plane);
            var dst = y.AsSpan((int)(yOff + (long)p * l), l);
            var ind = idx.AsSpan((int)(iOff + (long)p * l), l);
            if (twoByTwo)
            {
                if (typeof(T) == typeof(float) && Avx2.IsSupported)
                    Max2x2Avx2(MemoryMarshal.Cast<T, float>(src), MemoryMarshal.Cast<T, float>(dst), ind, g);
                else Max2x2(src, dst, ind, g);
                return;
            }
            int o = 0, slice = g.H * g.W;
            for (int od = 0; od < g.OD; od++)
            {
                int d0 = od * g.SD - g.PD, d1 = Math.Min(d0 + (g.KD - 1) * g.DD + 1, g.D);
                while (d0 < 0) d0 += g.DD;
                for (int oh = 0; oh < g.OH; oh++)
                {
                    int h0 = oh * g.SH - g.PH, h1 = Math.Min(h0 + (g.KH - 1) * g.DH + 1, g.H);
                    while (h0 < 0) h0 += g.DH;
                    for (int ow = 0; ow < g.OW; ow++, o++)
                    {
                        int w0 = ow * g.SW - g.PW, w1 = Math.Min(w0 + (g.KW - 1) * g.DW + 1, g.W);
                        while (w0 < 0) w0 += g.DW;
                        T best = T.NegativeInfinity;
                        int at = d0 * slice + h0 * g.W + w0;
                        for (int id = d0; id < d1; id += g.DD)
                            for (int ih = h0; ih < h1; ih += g.DH)
                            {
                                int row = id * slice + ih * g.W;
                                for (int iw = w0; iw < w1; iw += g.DW)
                                {
                                    T v = src[row + iw];
                                    if (v > best || T.IsNaN(v)) { best = v; at = row + iw; }
                                }
                            }
                        dst[o] = best;
                        ind[o] = at;
                    }
                }
            }
        });
    }

    /// <summary>
    /// The common 2×2 window with stride 2 and no padding: every window lies inside the plane, so there are no
    /// bounds to clip. Same choice as the general loop: the first maximum in row-major order, or the last NaN.
    /// </summary>
    private static void Max2x2<T>(ReadOnlySpan<T> src, Span<T> dst, Span<long> ind, WindowGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = g.W, ow = g.OW;
        for (int oh = 0; oh < g.OH; oh++)
        {
            int r0 = 2 * oh * w, r1 = r0 + w;
            var top = src.Slice(r0, 2 * ow);
            var bottom = src.Slice(r1, 2 * ow);
            var drow = dst.Slice(oh * ow, ow);
            var irow = ind.Slice(oh * ow, ow);
            for (int o = 0; o < ow; o++)
            {
                int c = 2 * o;
                T best = top[c]; int at = r0 + c;
                T v = top[c + 1];
                if (v > best || T.IsNaN(v)) { best = v; at = r0 + c + 1; }
                v = bottom[c];
                if (v > best || T.IsNaN(v)) { best = v; at = r1 + c; }
                v = bottom[c + 1];
                if (v > best || T.IsNaN(v)) { best = v; at = r1 + c + 1; }
                drow[o] = best;
                irow[o] = at;
            }
        }
    }

    /// <summary>
    /// <see cref="Max2x2{T}"/> for float with AVX2, eight windows at a time: the even and odd columns of the two rows
    /// are split apart, and each lane keeps the same running choice as the scalar loop (strictly greater, or NaN).
    /// </summary>
    private static void Max2x2Avx2(ReadOnlySpan<float> src, Span<float> dst, Span<long> ind, WindowGeometry g)
    {
        int w = g.W, ow = g.OW;
        ref float s = ref MemoryMarshal.GetReference(src);
        ref float d = ref MemoryMarshal.GetReference(dst);
        ref long ix = ref MemoryMarshal.GetReference(ind);
        // after the in-lane shuffles the lanes hold windows 0 1 4 5 2 3 6 7; this permutation puts them back in order
        var order = Vector256.Create(0, 1, 4, 5, 2, 3, 6, 7);
        var cols = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
        var one = Vector256.Create(1);
        var below = Vector256.Create(w);
        var belowRight = Vector256.Create(w + 1);
        for (int oh = 0; oh < g.OH; oh++)
        {
            int r0 = 2 * oh * w, r1 = r0 + w, o = 0;
            // eight windows at a time; the last group overlaps the previous one rather than leaving a scalar tail
            for (int next = 0; ow >= 8 && next < ow; next = o + 8)
            {
                o = Math.Min(next, ow - 8);
                int c = 2 * o;
                var ta = Vector256.LoadUnsafe(ref s, (nuint)(r0 + c));
                var tb = Vector256.LoadUnsafe(ref s, (nuint)(r0 + c + 8));
                var ba = Vector256.LoadUnsafe(ref s, (nuint)(r1 + c));
                var bb = Vector256.LoadUnsafe(ref s, (nuint)(r1 + c + 8));
                var best = Avx.Shuffle(ta, tb, 0x88);
                var off = Vector256<int>.Zero;
                var v = Avx.Shuffle(ta, tb, 0xDD);
                var u = Vector256.GreaterThan(v, best) | ~Vector256.Equals(v, v);
                best = Vector256.ConditionalSelect(u, v, best); off = Vector256.ConditionalSelect(u.AsInt32(), one, off);
                v = Avx.Shuffle(ba, bb, 0x88);
                u = Vector256.GreaterThan(v, best) | ~Vector256.Equals(v, v);
                best = Vector256.ConditionalSelect(u, v, best); off = Vector256.ConditionalSelect(u.AsInt32(), below, off);
                v = Avx.Shuffle(ba, bb, 0xDD);
                u = Vector256.GreaterThan(v, best) | ~Vector256.Equals(v, v);
                best = Vector256.ConditionalSelect(u, v, best); off = Vector256.ConditionalSelect(u.AsInt32(), belowRight, off);
                Avx2.PermuteVar8x32(best, order).StoreUnsafe(ref d, (nuint)(oh * ow + o));
                var at = Avx2.PermuteVar8x32(off, order) + cols + Vector256.Create(r0 + c);
                Avx2.ConvertToVector256Int64(at.GetLower()).StoreUnsafe(ref ix, (nuint)(oh * ow + o));
                Avx2.ConvertToVector256Int64(at.GetUpper()).StoreUnsafe(ref ix, (nuint)(oh * ow + o + 4));
            }
            // four at a time for narrower rows (128-bit shuffles keep the windows in order)
            for (int next = 0; ow >= 4 && ow < 8 && next < ow; next = o + 4)
            {
                o = Math.Min(next, ow - 4);
                int c = 2 * o;
                var ta = Vector128.LoadUnsafe(ref s, (nuint)(r0 + c));
                var tb = Vector128.LoadUnsafe(ref s, (nuint)(r0 + c + 4));
                var ba = Vector128.LoadUnsafe(ref s, (nuint)(r1 + c));
                var bb = Vector128.LoadUnsafe(ref s, (nuint)(r1 + c + 4));
                var best = Sse.Shuffle(ta, tb, 0x88);
                var off = Vector128<int>.Zero;
                var v = Sse.Shuffle(ta, tb, 0xDD);
                var u = Vector128.GreaterThan(v, best) | ~Vector128.Equals(v, v);
                best = Vector128.ConditionalSelect(u, v, best); off = Vector128.ConditionalSelect(u.AsInt32(), one.GetLower(), off);
                v = Sse.Shuffle(ba, bb, 0x88);
                u = Vector128.GreaterThan(v, best) | ~Vector128.Equals(v, v);
                best = Vector128.ConditionalSelect(u, v, best); off = Vector128.ConditionalSelect(u.AsInt32(), below.GetLower(), off);
                v = Sse.Shuffle(ba, bb, 0xDD);
                u = Vector128.GreaterThan(v, best) | ~Vector128.Equals(v, v);
                best = Vector128.ConditionalSelect(u, v, best); off = Vector128.ConditionalSelect(u.AsInt32(), belowRight.GetLower(), off);
                best.StoreUnsafe(ref d, (nuint)(oh * ow + o));
                var at = off + cols.GetLower() + Vector128.Create(r0 + c);
                Avx2.ConvertToVector256Int64(at).StoreUnsafe(ref ix, (nuint)(oh * ow + o));
            }
            for (o = ow >= 4 ? ow : 0; o < ow; o++)
            {
                int c = 2 * o;
                float best = src[r0 + c]; int at = r0 + c;
                float v = src[r0 + c + 1];
                if (v > best || float.IsNaN(v)) { best = v; at = r0 + c + 1; }
                v = src[r1 + c];
                if (v > best || float.IsNaN(v)) { best = v; at = r1 + c; }
                v = src[r1 + c + 1];
                if (v > best || float.IsNaN(v)) { best = v; at = r1 + c + 1; }
                dst[oh * ow + o] = best;
                ind[oh * ow + o] = at;
            }
        }
    }

    internal static void Scatter<T>(T[] gy, long gyOff, long[] idx, long iOff, T[] gx, long gxOff, int planes, int l, int plane)
        where T : unmanaged, INumber<T>
    {
        Par.For(planes, l, p =>
        {
            var src = gy.AsSpan((int)(gyOff + (long)p * l), l);
            var ind = idx.AsSpan((int)(iOff + (long)p * l), l);
            var dst = gx.AsSpan((int)(gxOff + (long)p * plane), plane);
            dst.Clear();
            for (int o = 0; o < l; o++) dst[(int)ind[o]] += src[o];
        });
    }

    /// <summary>
    /// The clipped window [lo, hi) of output o along one dim and its padded extent, PyTorch's rules for padding and
    /// ceil mode: the window is cut at size + pad, and then to the input.
    /// </summary>
    private static (int lo, int hi, int padded) AvgRange(int o, int stride, int pad, int kernel, int size)
    {
        int lo = o * stride - pad, hi = Math.Min(lo + kernel, size + pad);
        return (Math.Max(lo, 0), Math.Min(hi, size), hi - lo);
    }

    /// <summary>The clipped window of output (od, oh, ow) and its divisor.</summary>
    private static (int d0, int d1, int h0, int h1, int w0, int w1, long div) AvgWindow(WindowGeometry g, int od, int oh, int ow,
        bool countIncludePad, long divisorOverride)
    {
        var (d0, d1, pd) = AvgRange(od, g.SD, g.PD, g.KD, g.D);
        var (h0, h1, ph) = AvgRange(oh, g.SH, g.PH, g.KH, g.H);
        var (w0, w1, pw) = AvgRange(ow, g.SW, g.PW, g.KW, g.W);
        long div = divisorOverride != 0 ? divisorOverride
            : countIncludePad ? (long)pd * ph * pw : (long)(d1 - d0) * (h1 - h0) * (w1 - w0);
        return (d0, d1, h0, h1, w0, w1, div);
    }

    /// <summary>The adaptive window of output o along one dim: floor(o·in/out) to ceil((o+1)·in/out).</summary>
    private static (int lo, int hi) AdaptiveRange(int o, int inSize, int outSize) => (Start(o, inSize, outSize), End(o, inSize, outSize));

    /// <summary>
    /// The window of output (od, oh, ow), fixed (average pooling) or adaptive, and the divisor of its mean.
    /// </summary>
    private static (int d0, int d1, int h0, int h1, int w0, int w1, long div) MeanWindow(WindowGeometry g, int od, int oh, int ow,
        bool adaptive, bool countIncludePad, long divisorOverride)
    {
        if (!adaptive) return AvgWindow(g, od, oh, ow, countIncludePad, divisorOverride);
        var (d0, d1) = AdaptiveRange(od, g.D, g.OD);
        var (h0, h1) = AdaptiveRange(oh, g.H, g.OH);
        var (w0, w1) = AdaptiveRange(ow, g.W, g.OW);
        return (d0, d1, h0, h1, w0, w1, (long)(d1 - d0) * (h1 - h0) * (w1 - w0));
    }

    /// <summary>
    /// Average pooling (fixed windows, or adaptive ones) of P planes or volumes, or (backward) its adjoint: each
    /// output's gradient spread over its window.
    /// </summary>
    internal static void Mean<T>(T[] src, long sOff, T[] dst, long dOff, int planes, WindowGeometry g, bool adaptive, bool backward,
        bool countIncludePad, long divisorOverride) where T : unmanaged, INumber<T>
    {
        int plane = g.Plane, l = g.OutPlane, slice = g.H * g.W;
        Par.For(planes, adaptive ? plane : (long)l * g.Taps, p =>
        {
            var x = src.AsSpan((int)(sOff + (long)p * (backward ? l : plane)), backward ? l : plane);
            var y = dst.AsSpan((int)(dOff + (long)p * (backward ? plane : l)), backward ? plane : l);
            if (backward) y.Clear();
            int o = 0;
            for (int od = 0; od < g.OD; od++)
                for (int oh = 0; oh < g.OH; oh++)
                    for (int ow = 0; ow < g.OW; ow++, o++)
                    {
                        var (d0, d1, h0, h1, w0, w1, div) = MeanWindow(g, od, oh, ow, adaptive, countIncludePad, divisorOverride);
                        bool empty = d0 >= d1 || h0 >= h1 || w0 >= w1;
                        if (backward)
                        {
                            if (empty) continue;
                            T v = x[o] / T.CreateTruncating(div);
                            for (int id = d0; id < d1; id++)
                                for (int ih = h0; ih < h1; ih++)
                                {
                                    var row = y.Slice(id * slice + ih * g.W);
                                    for (int iw = w0; iw < w1; iw++) row[iw] += v;
                                }
                            continue;
                        }
                        if (empty) { y[o] = T.Zero; continue; }
                        T s = T.Zero;
                        for (int id = d0; id < d1; id++)
                            for (int ih = h0; ih < h1; ih++)
                            {
                                var row = x.Slice(id * slice + ih * g.W);
                                for (int iw = w0; iw < w1; iw++) s += row[iw];
                            }
                        y[o] = s / T.CreateTruncating(div);
                    }
        });
    }

    internal static int Start(int o, int inSize, int outSize) => (int)((long)o * inSize / outSize);
    internal static int End(int o, int inSize, int outSize) => (int)(((long)(o + 1) * inSize + outSize - 1) / outSize);

    internal static void AdaptiveMax<T>(T[] x, long xOff, T[] y, long yOff, long[] idx, long iOff, int planes, WindowGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = g.Plane, l = g.OutPlane, slice = g.H * g.W;
        Par.For(planes, plane, p =>
        {
            var src = x.AsSpan((int)(xOff + (long)p * plane), plane);
            var dst = y.AsSpan((int)(yOff + (long)p * l), l);
            var ind = idx.AsSpan((int)(iOff + (long)p * l), l);
            int o = 0;
            for (int od = 0; od < g.OD; od++)
            {
                var (d0, d1) = AdaptiveRange(od, g.D, g.OD);
                for (int oh = 0; oh < g.OH; oh++)
                {
                    var (h0, h1) = AdaptiveRange(oh, g.H, g.OH);
                    for (int ow = 0; ow < g.OW; ow++, o++)
                    {
                        var (w0, w1) = AdaptiveRange(ow, g.W, g.OW);
                        T best = T.NegativeInfinity;
                        int at = d0 * slice + h0 * g.W + w0;
                        for (int id = d0; id < d1; id++)
                            for (int ih = h0; ih < h1; ih++)
                            {
                                int row = id * slice + ih * g.W;
                                for (int iw = w0; iw < w1; iw++)
                                {
                                    T v = src[row + iw];
                                    if (v > best || T.IsNaN(v)) { best = v; at = row + iw; }
                                }
                            }
                        dst[o] = best;
                        ind[o] = at;
                    }
                }
            }
        });
    }
}

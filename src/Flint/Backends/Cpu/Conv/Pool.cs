using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Backends.Cpu.Conv;

/// <summary>Pooling kernels over P contiguous planes; each plane is an independent task.</summary>
internal static class Pool
{
    internal static void Max<T>(T[] x, long xOff, T[] y, long yOff, long[] idx, long iOff, int planes, WindowGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = g.Plane, l = g.OutPlane;
        bool twoByTwo = g.KH == 2 && g.KW == 2 && g.SH == 2 && g.SW == 2 && g.PH == 0 && g.PW == 0 && g.DH == 1 && g.DW == 1
            && 2 * g.OH <= g.H && 2 * g.OW <= g.W;
        Par.For(planes, (long)l * g.KH * g.KW, p =>
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
            for (int oh = 0; oh < g.OH; oh++)
            {
                int h0 = oh * g.SH - g.PH, h1 = Math.Min(h0 + (g.KH - 1) * g.DH + 1, g.H);
                while (h0 < 0) h0 += g.DH;
                for (int ow = 0; ow < g.OW; ow++)
                {
                    int w0 = ow * g.SW - g.PW, w1 = Math.Min(w0 + (g.KW - 1) * g.DW + 1, g.W);
                    while (w0 < 0) w0 += g.DW;
                    T best = T.NegativeInfinity;
                    int at = h0 * g.W + w0;
                    for (int ih = h0; ih < h1; ih += g.DH)
                    {
                        int row = ih * g.W;
                        for (int iw = w0; iw < w1; iw += g.DW)
                        {
                            T v = src[row + iw];
                            if (v > best || T.IsNaN(v)) { best = v; at = row + iw; }
                        }
                    }
                    dst[oh * g.OW + ow] = best;
                    ind[oh * g.OW + ow] = at;
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

    /// <summary>The clipped window of output (oh, ow) and its divisor, PyTorch's rules for padding and ceil mode.</summary>
    private static (int h0, int h1, int w0, int w1, long div) AvgWindow(WindowGeometry g, int oh, int ow, bool countIncludePad, long divisorOverride)
    {
        int h0 = oh * g.SH - g.PH, w0 = ow * g.SW - g.PW;
        int h1 = Math.Min(h0 + g.KH, g.H + g.PH), w1 = Math.Min(w0 + g.KW, g.W + g.PW);
        long poolSize = (long)(h1 - h0) * (w1 - w0);
        h0 = Math.Max(h0, 0); w0 = Math.Max(w0, 0);
        h1 = Math.Min(h1, g.H); w1 = Math.Min(w1, g.W);
        long div = divisorOverride != 0 ? divisorOverride : countIncludePad ? poolSize : (long)(h1 - h0) * (w1 - w0);
        return (h0, h1, w0, w1, div);
    }

    internal static void Avg<T>(T[] x, long xOff, T[] y, long yOff, int planes, WindowGeometry g, bool countIncludePad, long divisorOverride)
        where T : unmanaged, INumber<T>
    {
        int plane = g.Plane, l = g.OutPlane;
        Par.For(planes, (long)l * g.KH * g.KW, p =>
        {
            var src = x.AsSpan((int)(xOff + (long)p * plane), plane);
            var dst = y.AsSpan((int)(yOff + (long)p * l), l);
            for (int oh = 0; oh < g.OH; oh++)
                for (int ow = 0; ow < g.OW; ow++)
                {
                    var (h0, h1, w0, w1, div) = AvgWindow(g, oh, ow, countIncludePad, divisorOverride);
                    if (h0 >= h1 || w0 >= w1) { dst[oh * g.OW + ow] = T.Zero; continue; }
                    T s = T.Zero;
                    for (int ih = h0; ih < h1; ih++)
                        for (int iw = w0; iw < w1; iw++) s += src[ih * g.W + iw];
                    dst[oh * g.OW + ow] = s / T.CreateTruncating(div);
                }
        });
    }

    internal static void AvgBackward<T>(T[] gy, long gyOff, T[] gx, long gxOff, int planes, WindowGeometry g, bool countIncludePad, long divisorOverride)
        where T : unmanaged, INumber<T>
    {
        int plane = g.Plane, l = g.OutPlane;
        Par.For(planes, (long)l * g.KH * g.KW, p =>
        {
            var src = gy.AsSpan((int)(gyOff + (long)p * l), l);
            var dst = gx.AsSpan((int)(gxOff + (long)p * plane), plane);
            dst.Clear();
            for (int oh = 0; oh < g.OH; oh++)
                for (int ow = 0; ow < g.OW; ow++)
                {
                    var (h0, h1, w0, w1, div) = AvgWindow(g, oh, ow, countIncludePad, divisorOverride);
                    if (h0 >= h1 || w0 >= w1) continue;
                    T v = src[oh * g.OW + ow] / T.CreateTruncating(div);
                    for (int ih = h0; ih < h1; ih++)
                        for (int iw = w0; iw < w1; iw++) dst[ih * g.W + iw] += v;
                }
        });
    }

    internal static int Start(int o, int inSize, int outSize) => (int)((long)o * inSize / outSize);
    internal static int End(int o, int inSize, int outSize) => (int)(((long)(o + 1) * inSize + outSize - 1) / outSize);

    internal static void AdaptiveAvg<T>(T[] x, long xOff, T[] y, long yOff, int planes, WindowGeometry g) where T : unmanaged, INumber<T>
    {
        int plane = g.Plane, l = g.OutPlane;
        Par.For(planes, plane, p =>
        {
            var src = x.AsSpan((int)(xOff + (long)p * plane), plane);
            var dst = y.AsSpan((int)(yOff + (long)p * l), l);
            for (int oh = 0; oh < g.OH; oh++)
            {
                int h0 = Start(oh, g.H, g.OH), h1 = End(oh, g.H, g.OH);
                for (int ow = 0; ow < g.OW; ow++)
                {
                    int w0 = Start(ow, g.W, g.OW), w1 = End(ow, g.W, g.OW);
                    T s = T.Zero;
                    for (int ih = h0; ih < h1; ih++)
                        for (int iw = w0; iw < w1; iw++) s += src[ih * g.W + iw];
                    dst[oh * g.OW + ow] = s / T.CreateTruncating((h1 - h0) * (w1 - w0));
                }
            }
        });
    }

    internal static void AdaptiveAvgBackward<T>(T[] gy, long gyOff, T[] gx, long gxOff, int planes, WindowGeometry g) where T : unmanaged, INumber<T>
    {
        int plane = g.Plane, l = g.OutPlane;
        Par.For(planes, plane, p =>
        {
            var src = gy.AsSpan((int)(gyOff + (long)p * l), l);
            var dst = gx.AsSpan((int)(gxOff + (long)p * plane), plane);
            dst.Clear();
            for (int oh = 0; oh < g.OH; oh++)
            {
                int h0 = Start(oh, g.H, g.OH), h1 = End(oh, g.H, g.OH);
                for (int ow = 0; ow < g.OW; ow++)
                {
                    int w0 = Start(ow, g.W, g.OW), w1 = End(ow, g.W, g.OW);
                    T v = src[oh * g.OW + ow] / T.CreateTruncating((h1 - h0) * (w1 - w0));
                    for (int ih = h0; ih < h1; ih++)
                        for (int iw = w0; iw < w1; iw++) dst[ih * g.W + iw] += v;
                }
            }
        });
    }

    internal static void AdaptiveMax<T>(T[] x, long xOff, T[] y, long yOff, long[] idx, long iOff, int planes, WindowGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = g.Plane, l = g.OutPlane;
        Par.For(planes, plane, p =>
        {
            var src = x.AsSpan((int)(xOff + (long)p * plane), plane);
            var dst = y.AsSpan((int)(yOff + (long)p * l), l);
            var ind = idx.AsSpan((int)(iOff + (long)p * l), l);
            for (int oh = 0; oh < g.OH; oh++)
            {
                int h0 = Start(oh, g.H, g.OH), h1 = End(oh, g.H, g.OH);
                for (int ow = 0; ow < g.OW; ow++)
                {
                    int w0 = Start(ow, g.W, g.OW), w1 = End(ow, g.W, g.OW);
                    T best = T.NegativeInfinity;
                    int at = h0 * g.W + w0;
                    for (int ih = h0; ih < h1; ih++)
                        for (int iw = w0; iw < w1; iw++)
                        {
                            T v = src[ih * g.W + iw];
                            if (v > best || T.IsNaN(v)) { best = v; at = ih * g.W + iw; }
                        }
                    dst[oh * g.OW + ow] = best;
                    ind[oh * g.OW + ow] = at;
                }
            }
        });
    }
}

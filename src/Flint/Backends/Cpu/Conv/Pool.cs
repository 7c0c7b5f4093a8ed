using System.Numerics;

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
                Max2x2(src, dst, ind, g);
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

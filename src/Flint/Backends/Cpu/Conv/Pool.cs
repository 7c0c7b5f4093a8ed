using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Flint.Backends.Cpu.Conv;

/// <summary>Pooling kernels over P contiguous planes (or volumes); each plane is an independent task.</summary>
internal static class Pool
{
    internal static void Max<T>(T[] x, long xOff, T[] y, long yOff, long[] idx, long iOff, int planes, WindowGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = g.Plane, l = g.OutPlane;
        var path = KernelOptions.Resolve();
        bool twoByTwo = g.Flat && g.KH == 2 && g.KW == 2 && g.SH == 2 && g.SW == 2 && g.PH == 0 && g.PW == 0 && g.DH == 1 && g.DW == 1
            && 2 * g.OH <= g.H && 2 * g.OW <= g.W;
        // float rows with stride 1 or 2 along the width take the vector loop over their interior columns
        bool vector = typeof(T) == typeof(float) && MaxPoolVector.Supports(g, path);
        var (lo, hi) = vector ? MaxPoolVector.Interior(g) : (0, 0);
        if (hi - lo < MaxPoolVector.Lanes) vector = false;
        Par.For(planes, (long)l * g.Taps, p =>
        {
            var src = x.AsSpan((int)(xOff + (long)p * plane), plane);
            var dst = y.AsSpan((int)(yOff + (long)p * l), l);
            var ind = idx.AsSpan((int)(iOff + (long)p * l), l);
            if (twoByTwo && !vector)
            {
                Max2x2(src, dst, ind, g);
                return;
            }
            int o = 0;
            for (int od = 0; od < g.OD; od++)
            {
                int d0 = od * g.SD - g.PD, d1 = Math.Min(d0 + (g.KD - 1) * g.DD + 1, g.D);
                while (d0 < 0) d0 += g.DD;
                for (int oh = 0; oh < g.OH; oh++, o += g.OW)
                {
                    int h0 = oh * g.SH - g.PH, h1 = Math.Min(h0 + (g.KH - 1) * g.DH + 1, g.H);
                    while (h0 < 0) h0 += g.DH;
                    if (vector && d0 < d1 && h0 < h1)
                    {
                        MaxPoolVector.Row(MemoryMarshal.Cast<T, float>(src), MemoryMarshal.Cast<T, float>(dst), ind, g, o, d0, d1, h0, h1, lo, hi);
                        MaxColumns(src, dst, ind, g, o, d0, d1, h0, h1, 0, lo);
                        MaxColumns(src, dst, ind, g, o, d0, d1, h0, h1, hi, g.OW);
                    }
                    else MaxColumns(src, dst, ind, g, o, d0, d1, h0, h1, 0, g.OW);
                }
            }
        });
    }

    /// <summary>
    /// Output columns [ow0, ow1) of the output row that starts at <paramref name="o"/>, over input rows [h0, h1)
    /// step DH of slices [d0, d1) step DD (clipped): the first maximum in row-major order, or the last NaN.
    /// </summary>
    private static void MaxColumns<T>(ReadOnlySpan<T> src, Span<T> dst, Span<long> ind, WindowGeometry g, int o,
        int d0, int d1, int h0, int h1, int ow0, int ow1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int slice = g.H * g.W;
        for (int ow = ow0; ow < ow1; ow++)
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
            dst[o + ow] = best;
            ind[o + ow] = at;
        }
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
        if (adaptive && l == 1 && KernelOptions.Resolve() != VectorPath.Scalar)
        {
            GlobalMean(src, sOff, dst, dOff, planes, plane, backward);
            return;
        }
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

    /// <summary>
    /// Adaptive pooling to one value per plane: the plane's mean, a vector sum (backward: the gradient divided by
    /// the plane's size, filled over the plane).
    /// </summary>
    private static void GlobalMean<T>(T[] src, long sOff, T[] dst, long dOff, int planes, int plane, bool backward) where T : unmanaged, INumber<T>
    {
        T size = T.CreateTruncating(plane);
        if (backward)
        {
            Par.For(planes, plane, p => dst.AsSpan((int)(dOff + (long)p * plane), plane).Fill(src[sOff + p] / size));
            return;
        }
        // planes in blocks, so a small plane (7x7) does not pay a task per plane
        const int block = 64;
        Par.For((planes + block - 1) / block, (long)block * plane, t =>
        {
            int p1 = Math.Min(planes, (t + 1) * block);
            for (int p = t * block; p < p1; p++)
                dst[dOff + p] = PlaneSum<T>(src.AsSpan((int)(sOff + (long)p * plane), plane)) / size;
        });
    }

    /// <summary>The sum of a plane: one vector accumulator over short planes (a 7x7 float plane is six vectors and a tail), TensorPrimitives over long ones.</summary>
    private static T PlaneSum<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T>
    {
        if (!Vector256.IsHardwareAccelerated || !Vector256<T>.IsSupported || x.Length < Vector256<T>.Count)
        {
            T s = T.Zero;
            foreach (var v in x) s += v;
            return s;
        }
        if (x.Length >= 1024) return TensorPrimitives.Sum<T>(x);
        ref T r = ref MemoryMarshal.GetReference(x);
        int lanes = Vector256<T>.Count, i = 0;
        var acc = Vector256<T>.Zero;
        for (; i + lanes <= x.Length; i += lanes) acc += Vector256.LoadUnsafe(ref r, (nuint)i);
        T sum = Vector256.Sum(acc);
        for (; i < x.Length; i++) sum += x[i];
        return sum;
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

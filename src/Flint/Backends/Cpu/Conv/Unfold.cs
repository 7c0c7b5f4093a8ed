using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Numerics.Tensors;

namespace Flint.Backends.Cpu.Conv;

/// <summary>Runs independent tasks on the worker pool when the total work is worth it, inline otherwise.</summary>
internal static class Par
{
    internal const long Threshold = 1 << 15;

    internal static void For(int tasks, long workPerTask, Action<int> body)
    {
        if (tasks <= 0) return;
        long grain = KernelOptions.Threads == true ? 1 : Math.Max(1, Threshold / Math.Max(1, workPerTask));
        if (KernelOptions.Threads == false || tasks == 1 || (long)tasks * workPerTask < Threshold && KernelOptions.Threads != true)
        {
            for (int t = 0; t < tasks; t++) body(t);
            return;
        }
        WorkerPool.For(tasks, grain, (t0, t1) =>
        {
            for (long t = t0; t < t1; t++) body((int)t);
        }, chunksPerThread: 4);
    }
}

/// <summary>im2col and col2im over contiguous NCHW (or NCDHW) data (see <see cref="IBackend.Im2Col"/>).</summary>
internal static class Unfold
{
    internal static void Im2Col<T>(T[] x, long xOff, long[] shape, T[] cols, long cOff, WindowGeometry g) where T : unmanaged, INumber<T>
    {
        int n = (int)shape[0], c = (int)shape[1];
        int kk = g.Taps, khw = g.KH * g.KW, l = g.OutPlane, plane = g.Plane, slice = g.H * g.W, outSlice = g.OH * g.OW;
        long rowLen = (long)n * l;
        var path = KernelOptions.Resolve();
        Par.For(c * kk * n, l, t =>
        {
            int r = t / n, b = t % n;
            int ch = r / kk, kt = r % kk / khw, i = r / g.KW % g.KH, j = r % g.KW;
            var src = x.AsSpan((int)(xOff + ((long)b * c + ch) * plane), plane);
            var dst = cols.AsSpan((int)(cOff + r * rowLen + (long)b * l), l);
            int iw0 = j * g.DW - g.PW;
            // the output columns whose input column lies inside the row (stride 1: one contiguous run)
            int owLo = iw0 >= 0 ? 0 : (-iw0 + g.SW - 1) / g.SW;
            int owHi = W_Limit(g.W - iw0, g.SW, g.OW);
            for (int od = 0; od < g.OD; od++)
            {
                ref T d0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(dst), od * outSlice);
                int id = od * g.SD - g.PD + kt * g.DD;
                if ((uint)id >= (uint)g.D) { MemoryMarshal.CreateSpan(ref d0, outSlice).Clear(); continue; }
                ref T s0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(src), id * slice);
                for (int oh = 0; oh < g.OH; oh++)
                {
                    ref T drow = ref Unsafe.Add(ref d0, oh * g.OW);
                    int ih = oh * g.SH - g.PH + i * g.DH;
                    if ((uint)ih >= (uint)g.H || owLo >= owHi) { MemoryMarshal.CreateSpan(ref drow, g.OW).Clear(); continue; }
                    ref T srow = ref Unsafe.Add(ref s0, ih * g.W);
                    for (int ow = 0; ow < owLo; ow++) Unsafe.Add(ref drow, ow) = T.Zero;
                    if (g.SW == 1) CopyRun(path, ref Unsafe.Add(ref srow, iw0 + owLo), ref Unsafe.Add(ref drow, owLo), owHi - owLo);
                    else for (int ow = owLo, iw = iw0 + owLo * g.SW; ow < owHi; ow++, iw += g.SW) Unsafe.Add(ref drow, ow) = Unsafe.Add(ref srow, iw);
                    for (int ow = owHi; ow < g.OW; ow++) Unsafe.Add(ref drow, ow) = T.Zero;
                }
            }
        });
    }

    /// <summary>
    /// Copies a short run (an image row: tens of elements) without a library call per row: one or two
    /// overlapping vectors cover runs up to two vectors long.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CopyRun<T>(VectorPath path, ref T src, ref T dst, int len) where T : unmanaged
    {
        if (path == VectorPath.Vector512 && Vector512.IsHardwareAccelerated && Vector512<byte>.Count / Unsafe.SizeOf<T>() is var w512 && len >= w512)
        {
            int k = 0;
            for (; k + w512 <= len; k += w512) Vector512.LoadUnsafe(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref src, k))).StoreUnsafe(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref dst, k)));
            if (k < len) Vector512.LoadUnsafe(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref src, len - w512))).StoreUnsafe(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref dst, len - w512)));
            return;
        }
        if (path != VectorPath.Scalar && Vector256.IsHardwareAccelerated && Vector256<byte>.Count / Unsafe.SizeOf<T>() is var w256 && len >= w256)
        {
            int k = 0;
            for (; k + w256 <= len; k += w256) Vector256.LoadUnsafe(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref src, k))).StoreUnsafe(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref dst, k)));
            if (k < len) Vector256.LoadUnsafe(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref src, len - w256))).StoreUnsafe(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref dst, len - w256)));
            return;
        }
        for (int k = 0; k < len; k++) Unsafe.Add(ref dst, k) = Unsafe.Add(ref src, k);
    }

    /// <summary>The count of outputs ow (from 0, at most ow_max) with ow·s &lt; limit.</summary>
    private static int W_Limit(int limit, int s, int owMax) => limit <= 0 ? 0 : Math.Min(owMax, (limit + s - 1) / s);

    internal static void Col2Im<T>(T[] cols, long cOff, T[] x, long xOff, long[] shape, WindowGeometry g) where T : unmanaged, INumber<T>
    {
        int n = (int)shape[0], c = (int)shape[1];
        int kk = g.Taps, l = g.OutPlane, plane = g.Plane, slice = g.H * g.W, outSlice = g.OH * g.OW;
        long rowLen = (long)n * l;
        Par.For(n * c, (long)kk * l, t =>
        {
            int b = t / c, ch = t % c;
            var dst = x.AsSpan((int)(xOff + (long)t * plane), plane);
            dst.Clear();
            for (int kt = 0; kt < g.KD; kt++)
                for (int i = 0; i < g.KH; i++)
                    for (int j = 0; j < g.KW; j++)
                    {
                        int r = ((ch * g.KD + kt) * g.KH + i) * g.KW + j;
                        var src = cols.AsSpan((int)(cOff + r * rowLen + (long)b * l), l);
                        int iw0 = j * g.DW - g.PW;
                        int owLo = iw0 >= 0 ? 0 : (-iw0 + g.SW - 1) / g.SW;
                        int owHi = W_Limit(g.W - iw0, g.SW, g.OW);
                        if (owLo >= owHi) continue;
                        for (int od = 0; od < g.OD; od++)
                        {
                            int id = od * g.SD - g.PD + kt * g.DD;
                            if ((uint)id >= (uint)g.D) continue;
                            var dslice = dst.Slice(id * slice, slice);
                            var sslice = src.Slice(od * outSlice, outSlice);
                            for (int oh = 0; oh < g.OH; oh++)
                            {
                                int ih = oh * g.SH - g.PH + i * g.DH;
                                if ((uint)ih >= (uint)g.H) continue;
                                var srow = sslice.Slice(oh * g.OW, g.OW);
                                var drow = dslice.Slice(ih * g.W);
                                if (g.SW == 1)
                                {
                                    var d = drow.Slice(iw0 + owLo, owHi - owLo);
                                    TensorPrimitives.Add<T>(d, srow[owLo..owHi], d);
                                }
                                else for (int ow = owLo, iw = iw0 + owLo * g.SW; ow < owHi; ow++, iw += g.SW) drow[iw] += srow[ow];
                            }
                        }
                    }
        });
    }
}

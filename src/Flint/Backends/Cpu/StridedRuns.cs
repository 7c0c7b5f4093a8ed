using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Flint.Backends.Cpu;

/// <summary>
/// Rows whose operands are not all unit-stride (a sliced input, a transposed output the walk could not turn
/// round): the strided operands are gathered into small stack buffers chunk by chunk, the op's vector code runs on
/// the buffers, and a strided output is scattered back, instead of one scalar call per element.
/// </summary>
internal sealed partial class CpuBackend
{
    /// <summary>Elements per gathered chunk (a few KiB of stack per operand).</summary>
    internal const int GatherChunk = 256;

    /// <summary>Rows shorter than this keep the scalar walk (gathering costs more than it saves).</summary>
    internal const long GatherMinRow = 16;

    /// <summary>y[oy + i·sy] = op(x[ox + i·sx]) by gathered chunks; false (nothing written) when the op has no vector code.</summary>
    private static bool UnaryGathered<T, F>(VectorPath path, T[] xa, long ox, long sx, T[] ya, long oy, long sy, long n)
        where T : unmanaged where F : IUnaryFn<T>
    {
        Span<T> xb = stackalloc T[GatherChunk];
        Span<T> yb = stackalloc T[GatherChunk];
        for (long i0 = 0; i0 < n; i0 += GatherChunk)
        {
            int m = (int)Math.Min(GatherChunk, n - i0);
            ref T x0 = ref At(xa, ox + i0 * sx);
            if (sx == 1) MemoryMarshal.CreateSpan(ref x0, m).CopyTo(xb);
            else for (int j = 0; j < m; j++) xb[j] = Unsafe.Add(ref x0, (nint)(j * sx));
            ref T y0 = ref At(ya, oy + i0 * sy);
            // the vector code declines by type and path, so only the first chunk can decline the row; a later
            // (shorter) chunk it declines is computed element by element
            if (sy == 1)
            {
                if (F.Run(path, ref MemoryMarshal.GetReference(xb), ref y0, m)) continue;
                if (i0 == 0) return false;
                for (int j = 0; j < m; j++) Unsafe.Add(ref y0, j) = F.Apply(xb[j]);
                continue;
            }
            if (!F.Run(path, ref MemoryMarshal.GetReference(xb), ref MemoryMarshal.GetReference(yb), m))
            {
                if (i0 == 0) return false;
                for (int j = 0; j < m; j++) yb[j] = F.Apply(xb[j]);
            }
            for (int j = 0; j < m; j++) Unsafe.Add(ref y0, (nint)(j * sy)) = yb[j];
        }
        return true;
    }

    /// <summary>y[oy + i·sy] = op(a[oa + i·sa], b[ob + i·sb]) by gathered chunks (strides other than 0 and 1 gathered).</summary>
    private static void BinaryGathered<T, F>(int kind, VectorPath path, T[] aa, long oa, long sa, T[] ba, long ob, long sb, T[] ya, long oy, long sy, long n)
        where T : unmanaged, INumber<T> where F : IBinaryFn<T>
    {
        Span<T> ab = stackalloc T[GatherChunk];
        Span<T> bb = stackalloc T[GatherChunk];
        Span<T> yb = stackalloc T[GatherChunk];
        bool ga = sa is not (0 or 1), gb = sb is not (0 or 1);
        for (long i0 = 0; i0 < n; i0 += GatherChunk)
        {
            int m = (int)Math.Min(GatherChunk, n - i0);
            ref T a0 = ref Gather(aa, oa + i0 * sa, sa, ga, ab, m);
            ref T b0 = ref Gather(ba, ob + i0 * sb, sb, gb, bb, m);
            int fa = ga ? 1 : (int)sa, fb = gb ? 1 : (int)sb;
            ref T y0 = ref At(ya, oy + i0 * sy);
            if (sy == 1) { BinaryRunRef<T, F>(kind, path, ref a0, fa, ref b0, fb, ref y0, m); continue; }
            BinaryRunRef<T, F>(kind, path, ref a0, fa, ref b0, fb, ref MemoryMarshal.GetReference(yb), m);
            for (int j = 0; j < m; j++) Unsafe.Add(ref y0, (nint)(j * sy)) = yb[j];
        }
    }

    /// <summary>The first of <paramref name="m"/> elements from <paramref name="start"/> by <paramref name="stride"/>: in place, or copied into <paramref name="buf"/> when <paramref name="gather"/>.</summary>
    private static ref T Gather<T>(T[] arr, long start, long stride, bool gather, Span<T> buf, int m) where T : unmanaged
    {
        ref T s0 = ref At(arr, start);
        if (!gather) return ref s0;
        for (int j = 0; j < m; j++) buf[j] = Unsafe.Add(ref s0, (nint)(j * stride));
        return ref MemoryMarshal.GetReference(buf);
    }

    /// <summary><see cref="BinaryRun{T, F}"/> over references (the operands may be gathered buffers); fa and fb are 0 or 1.</summary>
    private static void BinaryRunRef<T, F>(int kind, VectorPath path, ref T a, int fa, ref T b, int fb, ref T y, int n)
        where T : unmanaged, INumber<T> where F : IBinaryFn<T>
    {
        if (kind != 0) { VectorKernels.Binary(kind, path, ref a, fa, ref b, fb, ref y, n); return; }
        if (fa == 1 && fb == 1 && path != VectorPath.Scalar &&
            F.Span(MemoryMarshal.CreateReadOnlySpan(ref a, n), MemoryMarshal.CreateReadOnlySpan(ref b, n), MemoryMarshal.CreateSpan(ref y, n))) return;
        for (int i = 0; i < n; i++) Unsafe.Add(ref y, i) = F.Apply(Unsafe.Add(ref a, i * fa), Unsafe.Add(ref b, i * fb));
    }

    /// <summary>
    /// A comparison (or other map to another type) row with a unit-stride output: strided inputs gathered, then the
    /// op's row code; false (nothing written) when it has none.
    /// </summary>
    private static bool MapGathered<T, TY, F>(VectorPath path, T[] aa, long oa, long sa, T[] ba, long ob, long sb, TY[] ya, long oy, long n)
        where T : unmanaged where TY : unmanaged where F : IBinaryMapFn<T, TY>
    {
        Span<T> ab = stackalloc T[GatherChunk];
        Span<T> bb = stackalloc T[GatherChunk];
        bool ga = sa is not (0 or 1), gb = sb is not (0 or 1);
        for (long i0 = 0; i0 < n; i0 += GatherChunk)
        {
            int m = (int)Math.Min(GatherChunk, n - i0);
            ref T a0 = ref Gather(aa, oa + i0 * sa, sa, ga, ab, m);
            ref T b0 = ref Gather(ba, ob + i0 * sb, sb, gb, bb, m);
            long fa = ga ? 1 : sa, fb = gb ? 1 : sb;
            ref TY y0 = ref At(ya, oy + i0);
            if (F.Row(path, ref a0, fa, ref b0, fb, ref y0, m)) continue;
            if (i0 == 0) return false;
            for (int j = 0; j < m; j++) Unsafe.Add(ref y0, j) = F.Apply(Unsafe.Add(ref a0, (nint)(j * fa)), Unsafe.Add(ref b0, (nint)(j * fb)));
        }
        return true;
    }

    /// <summary>A where row with a unit-stride output: strided operands gathered, then the vector select; false when it has none.</summary>
    private static bool WhereGathered<T>(VectorPath path, bool[] ca, long oc, long sc, T[] aa, long oa, long sa, T[] ba, long ob, long sb, T[] ya, long oy, long n)
        where T : unmanaged
    {
        Span<bool> cb = stackalloc bool[GatherChunk];
        Span<T> ab = stackalloc T[GatherChunk];
        Span<T> bb = stackalloc T[GatherChunk];
        bool gc = sc is not (0 or 1), ga = sa is not (0 or 1), gb = sb is not (0 or 1);
        for (long i0 = 0; i0 < n; i0 += GatherChunk)
        {
            int m = (int)Math.Min(GatherChunk, n - i0);
            ref bool c0 = ref Gather(ca, oc + i0 * sc, sc, gc, cb, m);
            ref T a0 = ref Gather(aa, oa + i0 * sa, sa, ga, ab, m);
            ref T b0 = ref Gather(ba, ob + i0 * sb, sb, gb, bb, m);
            long fc = gc ? 1 : sc, fa = ga ? 1 : sa, fb = gb ? 1 : sb;
            ref T y0 = ref At(ya, oy + i0);
            if (SelectKernels.Where(path, ref c0, fc, ref a0, fa, ref b0, fb, ref y0, m)) continue;
            if (i0 == 0) return false;
            for (int j = 0; j < m; j++)
                Unsafe.Add(ref y0, j) = Unsafe.Add(ref c0, (nint)(j * fc)) ? Unsafe.Add(ref a0, (nint)(j * fa)) : Unsafe.Add(ref b0, (nint)(j * fb));
        }
        return true;
    }
}

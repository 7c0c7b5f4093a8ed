using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Flint.Backends.Cpu.Conv;

/// <summary>What a walk over a column block does with each run of columns (see <see cref="ColumnBlock.Walk"/>).</summary>
internal interface IColumnMove<T> where T : unmanaged, INumber<T>
{
    /// <summary>A run of <paramref name="count"/> columns whose image elements lie at image[k·stride].</summary>
    static abstract void Inside(VectorPath path, ref T image, int stride, ref T column, int count);

    /// <summary>A run of <paramref name="count"/> columns that fall in the padding.</summary>
    static abstract void Outside(ref T column, int count);
}

/// <summary>im2col: a column takes its image element, or 0 in the padding.</summary>
internal readonly struct GatherColumns<T> : IColumnMove<T> where T : unmanaged, INumber<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Inside(VectorPath path, ref T image, int stride, ref T column, int count)
    {
        if (stride == 1) Unfold.CopyRun(path, ref image, ref column, count);
        else for (int k = 0; k < count; k++) Unsafe.Add(ref column, k) = Unsafe.Add(ref image, (nint)k * stride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Outside(ref T column, int count) => MemoryMarshal.CreateSpan(ref column, count).Clear();
}

/// <summary>col2im: a column adds into its image element; the padding's columns are dropped.</summary>
internal readonly struct ScatterAddColumns<T> : IColumnMove<T> where T : unmanaged, INumber<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Inside(VectorPath path, ref T image, int stride, ref T column, int count)
    {
        if (stride == 1)
        {
            var d = MemoryMarshal.CreateSpan(ref image, count);
            TensorPrimitives.Add<T>(d, MemoryMarshal.CreateReadOnlySpan(ref column, count), d);
        }
        else for (int k = 0; k < count; k++) Unsafe.Add(ref image, (nint)k * stride) += Unsafe.Add(ref column, k);
    }

    public static void Outside(ref T column, int count) { }
}

/// <summary>
/// im2col and col2im of one block of one sample: rows [r0, r1) of the columns (row (c, t, i, j) as in
/// <see cref="IBackend.Im2Col"/>) and output positions [l0, l1), the block stored row by row with l1 − l0 columns, or
/// <c>rowStride</c> apart when the block is one sample's share of a wider buffer (<see cref="FoldedConv"/>).
/// </summary>
internal static class ColumnBlock
{
    internal static void Walk<T, TM>(T[] image, long sampleOff, T[] cols, long colOff, WindowGeometry g, int r0, int r1, int l0, int l1,
        int rowStride = 0)
        where T : unmanaged, INumber<T> where TM : IColumnMove<T>
    {
        if (l1 <= l0) return;
        var path = KernelOptions.Resolve();
        int taps = g.Taps, khw = g.KH * g.KW, plane = g.Plane, slice = g.H * g.W, lb = l1 - l0, ow = g.OW;
        int rowFirst = l0 / ow, rowLast = (l1 - 1) / ow, pitch = rowStride > 0 ? rowStride : lb;
        ref T img0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(image), (nint)sampleOff);
        ref T col0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(cols), (nint)colOff);
        for (int r = r0; r < r1; r++)
        {
            int ch = r / taps, kt = r % taps / khw, i = r / g.KW % g.KH, j = r % g.KW;
            ref T src = ref Unsafe.Add(ref img0, (nint)ch * plane);
            ref T dst = ref Unsafe.Add(ref col0, (nint)(r - r0) * pitch);
            int iw0 = j * g.DW - g.PW;
            // the output columns whose input column lies inside the row
            int owLo = iw0 >= 0 ? 0 : (-iw0 + g.SW - 1) / g.SW;
            int owHi = g.W - iw0 <= 0 ? 0 : Math.Min(ow, (g.W - iw0 + g.SW - 1) / g.SW);
            for (int row = rowFirst; row <= rowLast; row++)
            {
                int od = row / g.OH, oh = row - od * g.OH;
                int a = Math.Max(l0 - row * ow, 0), b = Math.Min(l1 - row * ow, ow);
                ref T d = ref Unsafe.Add(ref dst, row * ow + a - l0);
                int id = od * g.SD - g.PD + kt * g.DD, ih = oh * g.SH - g.PH + i * g.DH;
                int lo = Math.Max(a, owLo), hi = Math.Min(b, owHi);
                if ((uint)id >= (uint)g.D || (uint)ih >= (uint)g.H || lo >= hi)
                {
                    TM.Outside(ref d, b - a);
                    continue;
                }
                TM.Outside(ref d, lo - a);
                TM.Inside(path, ref Unsafe.Add(ref src, id * slice + ih * g.W + iw0 + lo * g.SW), g.SW, ref Unsafe.Add(ref d, lo - a), hi - lo);
                TM.Outside(ref Unsafe.Add(ref d, hi - a), b - hi);
            }
        }
    }
}

using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Flint.Backends.Cpu.Gemm;

namespace Flint.Backends.Cpu.Conv;

/// <summary>
/// The forward of a convolution with few rows per output (input channels × taps, as the 7x7 stride-2 stem of a
/// ResNet on RGB input: 147), computed directly from the input instead of from unfolded columns. For a block of
/// output rows, a task copies the input rows it needs into "phase lines": for each input channel, each phase φ of
/// the width stride s and each input row, the elements x[ci, ih, m·s + φ − pad] for m = 0, 1, ..., zero outside the
/// image. The input element a tap (kh, kw) reads for output column ow is then element ow + (kw·dilation) / s of
/// one phase line, so the taps of a run of output columns are contiguous vector loads. A register tile of six
/// output channels by two vectors of output columns sweeps every tap, its weights broadcast from a panel packed
/// once per call, like the GEMM's micro-kernel but with each tap's row of B read from its phase line where it lies.
/// Unfolding columns writes and reads Ci·taps elements for every output position, and the GEMM packs them once
/// more; for the stem that costs more than its arithmetic. The gradients use the implicit GEMM.
/// </summary>
internal static class DirectConv
{
    /// <summary>Rows (input channels per group × taps) up to which the selector computes a forward directly.</summary>
    internal const int MaxRows = 160;

    /// <summary>Output channels per register tile.</summary>
    internal const int TileRows = 6;

    /// <summary>Bytes of the phase lines one task prepares (a forced <see cref="ConvOptions.BlockBytes"/> replaces it): a core's share of L2, so its taps' loads hit there.</summary>
    private const int LineBytes = 128 << 10;

    /// <summary>Whether the direct forward computes this window: 2-D, a width stride of at most 4, few rows per output.</summary>
    internal static bool Applies(WindowGeometry g, long cig) =>
        g.Flat && g.SW <= 4 && cig * g.Taps <= MaxRows && g.OW > 0 && g.OH > 0;

    private static class Scratch<T>
    {
        [ThreadStatic] internal static T[]? Weights, Bias, Lines, Split;
        [ThreadStatic] internal static int[]? Offsets;
    }

    private static int CeilDiv(int x, int y) => (x + y - 1) / y;

    /// <summary>y = conv(x, w) (+ bias): Y holds y, bias [Co] or null.</summary>
    internal static void Forward<T>(ConvArrays<T> a, T[]? bias, long biasOff, long biasStride, WindowGeometry g) where T : unmanaged, INumber<T>
    {
        // the tile is a GEMM micro-kernel in all but where it reads B, so it follows the GEMM's vector-width knob
        switch (GemmOptions.Resolve())
        {
            case VectorPath.Vector512: Forward<T, DirectTile512<T>>(a, bias, biasOff, biasStride, g); break;
            case VectorPath.Vector256: Forward<T, DirectTile256<T>>(a, bias, biasOff, biasStride, g); break;
            default: Forward<T, DirectTileScalar<T>>(a, bias, biasOff, biasStride, g); break;
        }
    }

    private static void Forward<T, TT>(ConvArrays<T> a, T[]? bias, long biasOff, long biasStride, WindowGeometry g)
        where T : unmanaged, INumber<T> where TT : IDirectTile<T>
    {
        int kk = a.Cig * g.Taps, cog = a.Cog, l = g.OutPlane, plane = g.Plane;
        if (a.N == 0 || l == 0 || a.Co == 0) return;
        int width = TT.Columns, s = g.SW;
        int owTiles = CeilDiv(g.OW, width);
        // a phase line holds every element any tile's vector loads reach: the padded tiles plus the widest tap's shift
        int lineLen = owTiles * width + (g.KW - 1) * g.DW / s + 1;
        int ocTiles = CeilDiv(cog, TileRows);

        // the weights of each group's output-channel tiles, packed tap by tap (six channels side by side, zeros past cog)
        var packed = ScratchBuffer.Take(ref Scratch<T>.Weights, (long)a.Groups * ocTiles * kk * TileRows);
        for (int gi = 0; gi < a.Groups; gi++)
            for (int t = 0; t < ocTiles; t++)
            {
                var dst = packed.AsSpan((gi * ocTiles + t) * kk * TileRows, kk * TileRows);
                for (int r = 0; r < TileRows; r++)
                {
                    int oc = t * TileRows + r;
                    if (oc >= cog) { for (int p = 0; p < kk; p++) dst[p * TileRows + r] = T.Zero; continue; }
                    long src = a.WOff + ((long)gi * cog + oc) * kk;
                    for (int p = 0; p < kk; p++) dst[p * TileRows + r] = a.W[src + p];
                }
            }

        // each tile's six biases (zeros past cog, or everywhere without a bias)
        var tileBias = ScratchBuffer.Take(ref Scratch<T>.Bias, (long)a.Groups * ocTiles * TileRows);
        for (int gi = 0; gi < a.Groups; gi++)
            for (int j = 0; j < ocTiles * TileRows; j++)
                tileBias[gi * ocTiles * TileRows + j] = bias is not null && j < cog ? bias[biasOff + (gi * cog + j) * biasStride] : T.Zero;

        // output rows per task: the phase lines of a block fill the task's share of L2, and every thread gets work
        int elem = Unsafe.SizeOf<T>();
        long bytesPerRow = (long)a.Cig * s * lineLen * elem * g.SH;
        int budget = ConvOptions.BlockBytes > 0 ? ConvOptions.BlockBytes : LineBytes;
        int rowsPerTask = (int)Math.Clamp(budget / Math.Max(1, bytesPerRow), 1, g.OH);
        int want = 4 * WorkerPool.MaxThreads, perPlane = a.N * a.Groups;
        if (ConvOptions.BlockBytes <= 0 && (long)perPlane * CeilDiv(g.OH, rowsPerTask) < want) rowsPerTask = Math.Max(1, g.OH / Math.Max(1, CeilDiv(want, perPlane)));
        int blocks = CeilDiv(g.OH, rowsPerTask);

        Par.For(perPlane * blocks, (long)cog * kk * rowsPerTask * g.OW, task =>
        {
            int b = task / (a.Groups * blocks), gi = task / blocks % a.Groups, blk = task % blocks;
            int oh0 = blk * rowsPerTask, oh1 = Math.Min(g.OH, oh0 + rowsPerTask);
            int ih0 = oh0 * g.SH - g.PH, lineRows = (oh1 - 1 - oh0) * g.SH + (g.KH - 1) * g.DH + 1;
            var lines = ScratchBuffer.Take(ref Scratch<T>.Lines, (long)a.Cig * s * lineRows * lineLen);
            var offsets = ScratchBuffer.Take(ref Scratch<T>.Offsets, kk);
            long xs = a.XOff + ((long)b * a.Ci + (long)gi * a.Cig) * plane;
            PrepareLines(a.X, xs, plane, a.Cig, g, ih0, lineRows, lineLen, lines);

            // tap p = (ci, kh, kw) of output row oh0 reads from this offset in the lines (then + ow)
            for (int ci = 0, p = 0; ci < a.Cig; ci++)
                for (int kh = 0; kh < g.KH; kh++)
                    for (int kw = 0; kw < g.KW; kw++, p++)
                    {
                        int u = kw * g.DW;
                        offsets[p] = ((ci * s + u % s) * lineRows + kh * g.DH) * lineLen + u / s;
                    }

            ref T lines0 = ref MemoryMarshal.GetArrayDataReference(lines);
            ref int off0 = ref MemoryMarshal.GetArrayDataReference(offsets);
            ref T w0 = ref MemoryMarshal.GetArrayDataReference(packed);
            ref T y0 = ref MemoryMarshal.GetArrayDataReference(a.Y);
            for (int oh = oh0; oh < oh1; oh++)
            {
                ref T lineRow = ref Unsafe.Add(ref lines0, (oh - oh0) * g.SH * lineLen);
                for (int tw = 0; tw < owTiles; tw++)
                {
                    int ow0 = tw * width, nr = Math.Min(width, g.OW - ow0);
                    for (int t = 0; t < ocTiles; t++)
                    {
                        int oc0 = t * TileRows, mr = Math.Min(TileRows, cog - oc0);
                        long yAt = a.YOff + ((long)b * a.Co + gi * cog + oc0) * l + (long)oh * g.OW + ow0;
                        TT.Run(kk, ref Unsafe.Add(ref w0, (gi * ocTiles + t) * kk * TileRows), ref Unsafe.Add(ref lineRow, ow0), ref off0,
                            ref Unsafe.Add(ref y0, (nint)yAt), l, mr, nr, tileBias.AsSpan((gi * ocTiles + t) * TileRows, TileRows));
                    }
                }
            }
        });
    }

    /// <summary>
    /// Fills lines[(ci·s + φ)·rows + r][m] = x[ci, ih0 + r, m·s + φ − pw] for every input channel of the group, phase φ,
    /// row r and m &lt; lineLen, 0 where the row or column falls outside the image.
    /// </summary>
    private static void PrepareLines<T>(T[] x, long xs, int plane, int cig, WindowGeometry g, int ih0, int rows, int lineLen, T[] lines)
        where T : unmanaged, INumber<T>
    {
        int s = g.SW;
        if (s == 2)
        {
            PrepareLines2(x, xs, plane, cig, g, ih0, rows, lineLen, lines);
            return;
        }
        for (int ci = 0; ci < cig; ci++)
            for (int phase = 0; phase < s; phase++)
            {
                // the m whose column m·s + φ − pw lies in [0, W)
                int first = phase - g.PW, mLo = first >= 0 ? 0 : (-first + s - 1) / s;
                int mHi = Math.Clamp((g.W - first + s - 1) / s, 0, lineLen);
                for (int r = 0; r < rows; r++)
                {
                    var line = lines.AsSpan(((ci * s + phase) * rows + r) * lineLen, lineLen);
                    int ih = ih0 + r;
                    if ((uint)ih >= (uint)g.H || mLo >= mHi) { line.Clear(); continue; }
                    line[..mLo].Clear();
                    line[mHi..].Clear();
                    // the image element of m = mLo (a column inside the row)
                    ref T src = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x), (nint)(xs + (long)ci * plane + (long)ih * g.W + mLo * s + first));
                    if (s == 1) MemoryMarshal.CreateReadOnlySpan(ref src, mHi - mLo).CopyTo(line[mLo..mHi]);
                    else for (int m = mLo; m < mHi; m++) line[m] = Unsafe.Add(ref src, (m - mLo) * s);
                }
            }
    }

    /// <summary>
    /// <see cref="PrepareLines"/> for a width stride of 2: each image row is split once into its even and odd columns
    /// (vectors), and each phase line is a contiguous copy of one of the two halves.
    /// </summary>
    private static void PrepareLines2<T>(T[] x, long xs, int plane, int cig, WindowGeometry g, int ih0, int rows, int lineLen, T[] lines)
        where T : unmanaged, INumber<T>
    {
        int half = (g.W + 1) / 2;
        var split = ScratchBuffer.Take(ref Scratch<T>.Split, 2L * half);
        var even = split.AsSpan(0, half);
        var odd = split.AsSpan(half, half);
        for (int ci = 0; ci < cig; ci++)
            for (int r = 0; r < rows; r++)
            {
                int ih = ih0 + r;
                bool inside = (uint)ih < (uint)g.H;
                if (inside)
                {
                    ref T row = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x), (nint)(xs + (long)ci * plane + (long)ih * g.W));
                    Deinterleave.Split(ref row, g.W / 2, ref even[0], ref odd[0]);
                    if (g.W % 2 == 1) even[half - 1] = Unsafe.Add(ref row, g.W - 1);
                }
                for (int phase = 0; phase < 2; phase++)
                {
                    var line = lines.AsSpan(((ci * 2 + phase) * rows + r) * lineLen, lineLen);
                    // element m of this phase is column c = 2m + first: of the even half at c/2 or the odd one at (c-1)/2
                    int first = phase - g.PW, mLo = first >= 0 ? 0 : (-first + 1) / 2;
                    int mHi = Math.Clamp((g.W - first + 1) / 2, 0, lineLen);
                    if (!inside || mLo >= mHi) { line.Clear(); continue; }
                    line[..mLo].Clear();
                    line[mHi..].Clear();
                    int c = 2 * mLo + first;
                    var from = (c & 1) == 0 ? even.Slice(c / 2) : odd.Slice(c / 2);
                    from[..(mHi - mLo)].CopyTo(line[mLo..mHi]);
                }
            }
    }
}

/// <summary>
/// The register tile of <see cref="DirectConv"/>: six output channels by <see cref="Columns"/> output columns, summed
/// over kk taps; tap p's weights are w[p·6 .. p·6+5], its inputs the Columns elements at lines[offsets[p]]. Writes
/// acc + bias[r] into rows r &lt; mr (row stride ldc) and columns &lt; nr of y.
/// </summary>
internal interface IDirectTile<T> where T : unmanaged, INumber<T>
{
    static abstract int Columns { get; }
    static abstract void Run(int kk, ref T w, ref T lines, ref int offsets, ref T y, nint ldc, int mr, int nr, ReadOnlySpan<T> bias);
}

/// <summary>Stores a direct tile's accumulators (held in a span) into the first mr rows and nr columns of y.</summary>
internal static class DirectStore
{
    internal static void Partial<T>(ReadOnlySpan<T> acc, int ld, ref T y, nint ldc, int mr, int nr, ReadOnlySpan<T> bias) where T : unmanaged, INumber<T>
    {
        for (int r = 0; r < mr; r++)
        {
            ref T row = ref Unsafe.Add(ref y, r * ldc);
            for (int j = 0; j < nr; j++) Unsafe.Add(ref row, j) = acc[r * ld + j] + bias[r];
        }
    }
}

/// <summary>Plain loops: the tile for hardware without vector units and the reference the vector tiles are tested against.</summary>
internal struct DirectTileScalar<T> : IDirectTile<T> where T : unmanaged, INumber<T>
{
    public static int Columns => 8;

    public static void Run(int kk, ref T w, ref T lines, ref int offsets, ref T y, nint ldc, int mr, int nr, ReadOnlySpan<T> bias)
    {
        Span<T> acc = stackalloc T[DirectConv.TileRows * 8];
        acc.Clear();
        for (int p = 0; p < kk; p++)
        {
            ref T src = ref Unsafe.Add(ref lines, Unsafe.Add(ref offsets, p));
            for (int r = 0; r < DirectConv.TileRows; r++)
            {
                T wv = Unsafe.Add(ref w, p * DirectConv.TileRows + r);
                for (int j = 0; j < 8; j++) acc[r * 8 + j] += wv * Unsafe.Add(ref src, j);
            }
        }
        DirectStore.Partial<T>(acc, 8, ref y, ldc, mr, nr, bias);
    }
}

/// <summary>Six output channels × two 256-bit vectors of output columns (twelve accumulators, as the GEMM's 256-bit kernel).</summary>
internal struct DirectTile256<T> : IDirectTile<T> where T : unmanaged, INumber<T>
{
    public static int Columns => 2 * Vector256<T>.Count;

    public static void Run(int kk, ref T w, ref T lines, ref int offsets, ref T y, nint ldc, int mr, int nr, ReadOnlySpan<T> bias)
    {
        if (mr <= 4)
        {
            Run4(kk, ref w, ref lines, ref offsets, ref y, ldc, mr, nr, bias);
            return;
        }
        nuint v = (nuint)Vector256<T>.Count;
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kk; p++)
        {
            ref T src = ref Unsafe.Add(ref lines, Unsafe.Add(ref offsets, p));
            var b0 = Vector256.LoadUnsafe(ref src);
            var b1 = Vector256.LoadUnsafe(ref src, v);
            var av = Vector256.Create(w);
            c00 = VFma.Fma(av, b0, c00); c01 = VFma.Fma(av, b1, c01);
            av = Vector256.Create(Unsafe.Add(ref w, 1));
            c10 = VFma.Fma(av, b0, c10); c11 = VFma.Fma(av, b1, c11);
            av = Vector256.Create(Unsafe.Add(ref w, 2));
            c20 = VFma.Fma(av, b0, c20); c21 = VFma.Fma(av, b1, c21);
            av = Vector256.Create(Unsafe.Add(ref w, 3));
            c30 = VFma.Fma(av, b0, c30); c31 = VFma.Fma(av, b1, c31);
            av = Vector256.Create(Unsafe.Add(ref w, 4));
            c40 = VFma.Fma(av, b0, c40); c41 = VFma.Fma(av, b1, c41);
            av = Vector256.Create(Unsafe.Add(ref w, 5));
            c50 = VFma.Fma(av, b0, c50); c51 = VFma.Fma(av, b1, c51);
            w = ref Unsafe.Add(ref w, DirectConv.TileRows);
        }
        if (mr == DirectConv.TileRows && nr == (int)(2 * v))
        {
            Row(ref y, c00, c01, bias[0]); y = ref Unsafe.Add(ref y, ldc);
            Row(ref y, c10, c11, bias[1]); y = ref Unsafe.Add(ref y, ldc);
            Row(ref y, c20, c21, bias[2]); y = ref Unsafe.Add(ref y, ldc);
            Row(ref y, c30, c31, bias[3]); y = ref Unsafe.Add(ref y, ldc);
            Row(ref y, c40, c41, bias[4]); y = ref Unsafe.Add(ref y, ldc);
            Row(ref y, c50, c51, bias[5]);
            return;
        }
        int ld = (int)(2 * v);
        Span<T> acc = stackalloc T[DirectConv.TileRows * ld];
        ref T t = ref acc[0];
        c00.StoreUnsafe(ref t, 0 * v); c01.StoreUnsafe(ref t, 1 * v);
        c10.StoreUnsafe(ref t, 2 * v); c11.StoreUnsafe(ref t, 3 * v);
        c20.StoreUnsafe(ref t, 4 * v); c21.StoreUnsafe(ref t, 5 * v);
        c30.StoreUnsafe(ref t, 6 * v); c31.StoreUnsafe(ref t, 7 * v);
        c40.StoreUnsafe(ref t, 8 * v); c41.StoreUnsafe(ref t, 9 * v);
        c50.StoreUnsafe(ref t, 10 * v); c51.StoreUnsafe(ref t, 11 * v);
        DirectStore.Partial<T>(acc, ld, ref y, ldc, mr, nr, bias);
    }

    /// <summary>A tile of at most four channels (64 = 6·10 + 4 channels end on one): eight accumulators, no multiplies for the two missing rows.</summary>
    private static void Run4(int kk, ref T w, ref T lines, ref int offsets, ref T y, nint ldc, int mr, int nr, ReadOnlySpan<T> bias)
    {
        nuint v = (nuint)Vector256<T>.Count;
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        for (int p = 0; p < kk; p++)
        {
            ref T src = ref Unsafe.Add(ref lines, Unsafe.Add(ref offsets, p));
            var b0 = Vector256.LoadUnsafe(ref src);
            var b1 = Vector256.LoadUnsafe(ref src, v);
            var av = Vector256.Create(w);
            c00 = VFma.Fma(av, b0, c00); c01 = VFma.Fma(av, b1, c01);
            av = Vector256.Create(Unsafe.Add(ref w, 1));
            c10 = VFma.Fma(av, b0, c10); c11 = VFma.Fma(av, b1, c11);
            av = Vector256.Create(Unsafe.Add(ref w, 2));
            c20 = VFma.Fma(av, b0, c20); c21 = VFma.Fma(av, b1, c21);
            av = Vector256.Create(Unsafe.Add(ref w, 3));
            c30 = VFma.Fma(av, b0, c30); c31 = VFma.Fma(av, b1, c31);
            w = ref Unsafe.Add(ref w, DirectConv.TileRows);
        }
        int ld = (int)(2 * v);
        Span<T> acc = stackalloc T[4 * ld];
        ref T t = ref acc[0];
        c00.StoreUnsafe(ref t, 0 * v); c01.StoreUnsafe(ref t, 1 * v);
        c10.StoreUnsafe(ref t, 2 * v); c11.StoreUnsafe(ref t, 3 * v);
        c20.StoreUnsafe(ref t, 4 * v); c21.StoreUnsafe(ref t, 5 * v);
        c30.StoreUnsafe(ref t, 6 * v); c31.StoreUnsafe(ref t, 7 * v);
        DirectStore.Partial<T>(acc, ld, ref y, ldc, mr, nr, bias);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(ref T y, Vector256<T> v0, Vector256<T> v1, T bias)
    {
        var vb = Vector256.Create(bias);
        (v0 + vb).StoreUnsafe(ref y);
        (v1 + vb).StoreUnsafe(ref y, (nuint)Vector256<T>.Count);
    }
}

/// <summary>Six output channels × two 512-bit vectors of output columns.</summary>
internal struct DirectTile512<T> : IDirectTile<T> where T : unmanaged, INumber<T>
{
    public static int Columns => 2 * Vector512<T>.Count;

    public static void Run(int kk, ref T w, ref T lines, ref int offsets, ref T y, nint ldc, int mr, int nr, ReadOnlySpan<T> bias)
    {
        if (mr <= 4)
        {
            Run4(kk, ref w, ref lines, ref offsets, ref y, ldc, mr, nr, bias);
            return;
        }
        nuint v = (nuint)Vector512<T>.Count;
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kk; p++)
        {
            ref T src = ref Unsafe.Add(ref lines, Unsafe.Add(ref offsets, p));
            var b0 = Vector512.LoadUnsafe(ref src);
            var b1 = Vector512.LoadUnsafe(ref src, v);
            var av = Vector512.Create(w);
            c00 = VFma.Fma(av, b0, c00); c01 = VFma.Fma(av, b1, c01);
            av = Vector512.Create(Unsafe.Add(ref w, 1));
            c10 = VFma.Fma(av, b0, c10); c11 = VFma.Fma(av, b1, c11);
            av = Vector512.Create(Unsafe.Add(ref w, 2));
            c20 = VFma.Fma(av, b0, c20); c21 = VFma.Fma(av, b1, c21);
            av = Vector512.Create(Unsafe.Add(ref w, 3));
            c30 = VFma.Fma(av, b0, c30); c31 = VFma.Fma(av, b1, c31);
            av = Vector512.Create(Unsafe.Add(ref w, 4));
            c40 = VFma.Fma(av, b0, c40); c41 = VFma.Fma(av, b1, c41);
            av = Vector512.Create(Unsafe.Add(ref w, 5));
            c50 = VFma.Fma(av, b0, c50); c51 = VFma.Fma(av, b1, c51);
            w = ref Unsafe.Add(ref w, DirectConv.TileRows);
        }
        if (mr == DirectConv.TileRows && nr == (int)(2 * v))
        {
            Row(ref y, c00, c01, bias[0]); y = ref Unsafe.Add(ref y, ldc);
            Row(ref y, c10, c11, bias[1]); y = ref Unsafe.Add(ref y, ldc);
            Row(ref y, c20, c21, bias[2]); y = ref Unsafe.Add(ref y, ldc);
            Row(ref y, c30, c31, bias[3]); y = ref Unsafe.Add(ref y, ldc);
            Row(ref y, c40, c41, bias[4]); y = ref Unsafe.Add(ref y, ldc);
            Row(ref y, c50, c51, bias[5]);
            return;
        }
        int ld = (int)(2 * v);
        Span<T> acc = stackalloc T[DirectConv.TileRows * ld];
        ref T t = ref acc[0];
        c00.StoreUnsafe(ref t, 0 * v); c01.StoreUnsafe(ref t, 1 * v);
        c10.StoreUnsafe(ref t, 2 * v); c11.StoreUnsafe(ref t, 3 * v);
        c20.StoreUnsafe(ref t, 4 * v); c21.StoreUnsafe(ref t, 5 * v);
        c30.StoreUnsafe(ref t, 6 * v); c31.StoreUnsafe(ref t, 7 * v);
        c40.StoreUnsafe(ref t, 8 * v); c41.StoreUnsafe(ref t, 9 * v);
        c50.StoreUnsafe(ref t, 10 * v); c51.StoreUnsafe(ref t, 11 * v);
        DirectStore.Partial<T>(acc, ld, ref y, ldc, mr, nr, bias);
    }

    /// <summary>A tile of at most four channels (64 = 6·10 + 4 channels end on one): eight accumulators, no multiplies for the two missing rows.</summary>
    private static void Run4(int kk, ref T w, ref T lines, ref int offsets, ref T y, nint ldc, int mr, int nr, ReadOnlySpan<T> bias)
    {
        nuint v = (nuint)Vector512<T>.Count;
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        for (int p = 0; p < kk; p++)
        {
            ref T src = ref Unsafe.Add(ref lines, Unsafe.Add(ref offsets, p));
            var b0 = Vector512.LoadUnsafe(ref src);
            var b1 = Vector512.LoadUnsafe(ref src, v);
            var av = Vector512.Create(w);
            c00 = VFma.Fma(av, b0, c00); c01 = VFma.Fma(av, b1, c01);
            av = Vector512.Create(Unsafe.Add(ref w, 1));
            c10 = VFma.Fma(av, b0, c10); c11 = VFma.Fma(av, b1, c11);
            av = Vector512.Create(Unsafe.Add(ref w, 2));
            c20 = VFma.Fma(av, b0, c20); c21 = VFma.Fma(av, b1, c21);
            av = Vector512.Create(Unsafe.Add(ref w, 3));
            c30 = VFma.Fma(av, b0, c30); c31 = VFma.Fma(av, b1, c31);
            w = ref Unsafe.Add(ref w, DirectConv.TileRows);
        }
        int ld = (int)(2 * v);
        Span<T> acc = stackalloc T[4 * ld];
        ref T t = ref acc[0];
        c00.StoreUnsafe(ref t, 0 * v); c01.StoreUnsafe(ref t, 1 * v);
        c10.StoreUnsafe(ref t, 2 * v); c11.StoreUnsafe(ref t, 3 * v);
        c20.StoreUnsafe(ref t, 4 * v); c21.StoreUnsafe(ref t, 5 * v);
        c30.StoreUnsafe(ref t, 6 * v); c31.StoreUnsafe(ref t, 7 * v);
        DirectStore.Partial<T>(acc, ld, ref y, ldc, mr, nr, bias);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(ref T y, Vector512<T> v0, Vector512<T> v1, T bias)
    {
        var vb = Vector512.Create(bias);
        (v0 + vb).StoreUnsafe(ref y);
        (v1 + vb).StoreUnsafe(ref y, (nuint)Vector512<T>.Count);
    }
}

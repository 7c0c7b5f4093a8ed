using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Flint.Backends.Cpu.Gemm;

namespace Flint.Backends.Cpu.Conv;

/// <summary>
/// Winograd F(2x2, 3x3) for 3x3 stride-1 undilated 2-D convolutions: each 2x2 output tile comes from a 4x4 input
/// tile as Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A, so the 36 multiplies per tile and channel pair of the direct convolution become 16,
/// done as 16 GEMMs (one per tile position ξ) of the transformed weights [Co, Ci] by the transformed input tiles
/// [Ci, tiles]. The tiles of the whole batch are numbered sample after sample and cut into blocks (so the small
/// planes of a network's last stages still give every thread work); each block's input transform, GEMMs and output
/// transform run as one task in per-thread buffers. The input gradient of such a convolution with padding at most 2
/// is itself one: ȳ convolved with the flipped, transposed kernel and padding 2 − p; the weight gradient sums the
/// products of the same input tiles with the gradient's tiles (see <see cref="WeightGrad"/>).
/// The transforms only add, subtract and halve (exact in binary floating point), so the result differs from the
/// direct sum only by the order of the additions: a few units in the last place of the sum of |terms|.
/// </summary>
internal static class Winograd
{
    private static class Scratch<T>
    {
        // Tiles and Products: a task's block; the rest live for one call on the calling thread (the transformed
        // weights, and the weight gradient's transformed operands and products), kept so that a training loop's
        // convolutions do not allocate them afresh every step
        [ThreadStatic] internal static T[]? Tiles, Products, Weights, InputTiles, GradientTiles, WeightProducts, Rows;
    }

    [ThreadStatic] private static int[]? origins;

    /// <summary>
    /// Elements between two of the 16 tile-position planes of a [rows, cols] transformed operand: a little more than
    /// rows·cols, so the 16 planes a transform touches per tile do not all fall in the same cache sets.
    /// </summary>
    private static long PlaneStride(int rows, int cols) => (long)rows * cols + 16;

    /// <summary>
    /// Elements between two rows of a transformed operand holding <paramref name="cols"/> tiles: an odd multiple of 16,
    /// so that the rows a micro-kernel reads side by side start in different cache sets (rows 2048 floats apart all
    /// land in one set: the weight gradient's GEMM, which reads them in place, ran at half its rate on Zen 1).
    /// </summary>
    internal static int RowStride(int cols) => (cols + 15) / 16 * 16 | 16;

    /// <summary>(sample, top row, left column) of the output tiles [t0, t0+len), in this thread's buffer.</summary>
    internal static int[] Origins(long t0, int len, int perSample, int tw)
    {
        var o = origins;
        if (o is null || o.Length < 3 * len) origins = o = new int[Math.Max(3 * len, 192)];
        int b = (int)(t0 / perSample), r = (int)(t0 % perSample);
        for (int k = 0; k < len; k++)
        {
            o[3 * k] = b; o[3 * k + 1] = r / tw * 2; o[3 * k + 2] = r % tw * 2;
            if (++r == perSample) { r = 0; b++; }
        }
        return o;
    }

    /// <summary>Whether the Winograd route computes this window (the forward and the weight gradient; see <see cref="AppliesToInputGrad"/>).</summary>
    internal static bool Applies(WindowGeometry g) =>
        g.KD == 1 && g.D == 1 && g.OD == 1 && g.KH == 3 && g.KW == 3 && g.SH == 1 && g.SW == 1 && g.DH == 1 && g.DW == 1
        && g.OH == g.H + 2 * g.PH - 2 && g.OW == g.W + 2 * g.PW - 2;

    /// <summary>
    /// Whether data[off, off + count) holds only finite values. Winograd mixes the 16 inputs of a tile into every one
    /// of its four outputs, so a NaN or an infinity would reach outputs whose windows do not hold it (and an infinity
    /// could turn into NaN through ∞ − ∞); the backend computes such operands with the implicit GEMM instead.
    /// </summary>
    internal static bool AllFinite<T>(T[] data, long off, long count) where T : unmanaged, INumber<T>
    {
        const int piece = 1 << 16;
        int pieces = (int)((count + piece - 1) / piece), bad = 0;
        Par.For(pieces, piece, p =>
        {
            long start = off + (long)p * piece;
            int len = (int)Math.Min(piece, off + count - start);
            // NaN if any element is NaN, else the largest magnitude: finite exactly when m − m is 0
            T m = TensorPrimitives.MaxMagnitude<T>(data.AsSpan((int)start, len));
            if (m - m != T.Zero) Volatile.Write(ref bad, 1);
        });
        return bad == 0;
    }

    /// <summary>Whether the input gradient can run as a Winograd convolution of ȳ (its padding 2 − p must not be negative).</summary>
    internal static bool AppliesToInputGrad(WindowGeometry g) => Applies(g) && g.PH <= 2 && g.PW <= 2;

    /// <summary>Tiles per block: the transformed tiles of the wider side of the product in about 1 MiB, at least 16.</summary>
    internal static int BlockTiles(int channels, int totalTiles, int elementSize, int threads)
    {
        int forced = ConvOptions.BlockBytes;
        long bytes = forced > 0 ? forced : 1 << 20;
        long t = bytes / Math.Max(1L, 16L * channels * elementSize);
        if (forced <= 0)
        {
            t = Math.Max(t, 16);
            // enough blocks for every thread (a few each) when the batch's tiles are few
            long spread = (totalTiles + 3L * threads - 1) / (3L * threads);
            if (threads > 1 && t > spread) t = Math.Max(16, spread);
        }
        return (int)Math.Clamp(t, 1, Math.Max(1, totalTiles));
    }

    /// <summary>y = conv(x, w) (+ bias): Y holds y, bias [Co] or null.</summary>
    internal static void Forward<T>(ConvArrays<T> a, T[]? bias, long biasOff, long biasStride, WindowGeometry g) where T : unmanaged, INumber<T>
    {
        var u = TransformWeights(a.W, a.WOff, a.Groups, a.Cog, a.Cig, flip: false);
        Run(a.X, a.XOff, a.N, a.Ci, g.H, g.W, u, a.Groups, a.Co, a.Y, a.YOff, g.OH, g.OW, g.PH, g.PW, bias, biasOff, biasStride);
    }

    /// <summary>x̄ = convᵀ(ȳ, w): Y holds ȳ, X is written with x̄.</summary>
    internal static void InputGrad<T>(ConvArrays<T> a, WindowGeometry g) where T : unmanaged, INumber<T>
    {
        var u = TransformWeights(a.W, a.WOff, a.Groups, a.Cig, a.Cog, flip: true);
        Run(a.Y, a.YOff, a.N, a.Co, g.OH, g.OW, u, a.Groups, a.Ci, a.X, a.XOff, g.H, g.W, 2 - g.PH, 2 - g.PW, null, 0, 0);
    }

    /// <summary>
    /// G g Gᵀ of every kernel, as [groups][16][outG][inG]: kernel (o, c) of a group is w[o, c] (w [groups·outG, inG, 3, 3]),
    /// or, flipped, w[c, o] turned by 180° (w [groups·inG, outG, 3, 3]: the input gradient's kernel). The result is the
    /// calling thread's scratch buffer, valid until the thread's next call.
    /// </summary>
    internal static T[] TransformWeights<T>(T[] w, long wOff, int groups, int outG, int inG, bool flip) where T : unmanaged, INumber<T>
    {
        var u = ScratchBuffer.Take(ref Scratch<T>.Weights, checked(groups * 16 * outG * inG));
        long plane = (long)outG * inG;
        T half = T.One / (T.One + T.One);
        Par.For(groups * outG, (long)inG * 64, t =>
        {
            int gi = t / outG, o = t % outG;
            Span<T> k = stackalloc T[9];
            Span<T> r = stackalloc T[12];
            for (int c = 0; c < inG; c++)
            {
                if (flip)
                {
                    ref T src = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(w), (nint)(wOff + (((long)gi * inG + c) * outG + o) * 9));
                    for (int q = 0; q < 9; q++) k[q] = Unsafe.Add(ref src, 8 - q);
                }
                else w.AsSpan((int)(wOff + (((long)gi * outG + o) * inG + c) * 9), 9).CopyTo(k);
                // rows of G g: g0, (g0+g1+g2)/2, (g0−g1+g2)/2, g2 (each a row of 3)
                for (int j = 0; j < 3; j++)
                {
                    T g0 = k[j], g1 = k[3 + j], g2 = k[6 + j];
                    r[j] = g0; r[3 + j] = (g0 + g1 + g2) * half; r[6 + j] = (g0 - g1 + g2) * half; r[9 + j] = g2;
                }
                long dst = (long)gi * 16 * plane + (long)o * inG + c;
                for (int i = 0; i < 4; i++)
                {
                    T t0 = r[3 * i], t1 = r[3 * i + 1], t2 = r[3 * i + 2];
                    u[dst + (4 * i) * plane] = t0;
                    u[dst + (4 * i + 1) * plane] = (t0 + t1 + t2) * half;
                    u[dst + (4 * i + 2) * plane] = (t0 - t1 + t2) * half;
                    u[dst + (4 * i + 3) * plane] = t2;
                }
            }
        });
        return u;
    }

    /// <summary>
    /// y [n, co, oh, ow] = conv(x [n, ci, h, w], kernels u) (+ bias), padding (ph, pw), with oh = h + 2ph − 2 and
    /// ow = w + 2pw − 2; u as <see cref="TransformWeights"/> makes it.
    /// </summary>
    internal static void Run<T>(T[] x, long xOff, int n, int ci, int h, int w, T[] u, int groups, int co, T[] y, long yOff,
        int oh, int ow, int ph, int pw, T[]? bias, long biasOff, long biasStride) where T : unmanaged, INumber<T>
    {
        int th = (oh + 1) / 2, tw = (ow + 1) / 2, perSample = th * tw;
        long total = (long)n * perSample;
        if (total == 0 || co == 0) return;
        if (ci == 0)
        {
            // an empty sum: the bias, or zeros
            for (int b = 0; b < n; b++)
                for (int oc = 0; oc < co; oc++)
                    y.AsSpan((int)(yOff + ((long)b * co + oc) * oh * ow), oh * ow).Fill(bias is null ? T.Zero : bias[biasOff + oc * biasStride]);
            return;
        }
        int cig = ci / groups, cog = co / groups, esize = Unsafe.SizeOf<T>();
        int tb = BlockTiles(Math.Max(ci, co), checked((int)total), esize, WorkerPool.MaxThreads);
        int blocks = (int)((total + tb - 1) / tb);
        Par.For(blocks, 16L * ci * co * tb, blk =>
        {
            int t0 = blk * tb, len = (int)Math.Min(tb, total - t0);
            int ld = RowStride(tb);
            long sv = PlaneStride(ci, ld), sm = PlaneStride(co, ld);
            var v = ScratchBuffer.Take(ref Scratch<T>.Tiles, 16 * sv);
            var m = ScratchBuffer.Take(ref Scratch<T>.Products, 16 * sm);
            var at = Origins(t0, len, perSample, tw);
            InputTiles(x, xOff, ci, h, w, ph, pw, at, len, tw, v, ld, sv);
            for (int gi = 0; gi < groups; gi++)
                GemmDriver.Run(16, cog, len, cig, new MatView<T>(u, (long)gi * 16 * cog * cig, (long)cog * cig, cig, 1),
                    new MatView<T>(v, (long)gi * cig * ld, sv, ld, 1), new MatView<T>(m, (long)gi * cog * ld, sm, ld, 1),
                    T.One, T.Zero, asLaidOut: true);
            OutputTiles(m, ld, sm, co, y, yOff, oh, ow, at, len, tw, bias, biasOff, biasStride);
        });
    }

    /// <summary>
    /// w̄ = Σₙ ȳ ⋆ x through the same tiles: Y = Aᵀ(U ⊙ V)A is linear in U = G g Gᵀ, so Ū = Σ_tiles (A Ȳ Aᵀ) ⊙ V, 16 GEMMs
    /// [Co, tiles]·[tiles, Ci] summed over chunks of the batch's tiles in order, and w̄ = Gᵀ Ū G. X holds x, Y holds ȳ,
    /// W is written with w̄ (zero for an empty batch). The chunks are fixed by the sizes, so the result does not depend
    /// on the thread count.
    /// </summary>
    internal static void WeightGrad<T>(ConvArrays<T> a, WindowGeometry g) where T : unmanaged, INumber<T>
    {
        int ci = a.Ci, co = a.Co, cig = a.Cig, cog = a.Cog, oh = g.OH, ow = g.OW;
        int th = (oh + 1) / 2, tw = (ow + 1) / 2, perSample = th * tw;
        long total = (long)a.N * perSample;
        if (total == 0 || co == 0 || cig == 0)
        {
            a.W.AsSpan((int)a.WOff, co * cig * 9).Clear();
            return;
        }
        int esize = Unsafe.SizeOf<T>();
        // tiles per chunk: both transformed operands of a chunk in about 16 MiB (a forced block size shrinks it)
        int forced = ConvOptions.BlockBytes;
        long budget = forced > 0 ? forced : 16L << 20;
        int chunk = (int)Math.Clamp(budget / (16L * (ci + co) * esize), 1, total);
        // transform blocks inside a chunk, run in parallel (each writes its own tile columns)
        int tb = BlockTiles(Math.Max(ci, co), chunk, esize, WorkerPool.MaxThreads);
        int ld = RowStride(chunk);
        long sv = PlaneStride(ci, ld), sm = PlaneStride(co, ld);
        var v = ScratchBuffer.Take(ref Scratch<T>.InputTiles, checked((int)(16 * sv)));
        var m = ScratchBuffer.Take(ref Scratch<T>.GradientTiles, checked((int)(16 * sm)));
        var ubar = ScratchBuffer.Take(ref Scratch<T>.WeightProducts, checked(16 * a.Groups * cog * cig));
        for (long c0 = 0; c0 < total; c0 += chunk)
        {
            int len = (int)Math.Min(chunk, total - c0);
            int blocks = (len + tb - 1) / tb;
            Par.For(blocks, 16L * (ci + co) * tb * 4, blk =>
            {
                int k0 = blk * tb, kl = Math.Min(tb, len - k0);
                var at = Origins(c0 + k0, kl, perSample, tw);
                InputTiles(a.X, a.XOff, ci, g.H, g.W, g.PH, g.PW, at, kl, tw, v, ld, sv, k0);
                GradientTiles(a.Y, a.YOff, co, oh, ow, at, kl, tw, m, ld, sm, k0);
            });
            T beta = c0 == 0 ? T.Zero : T.One;
            for (int gi = 0; gi < a.Groups; gi++)
                GemmDriver.Run(16, cog, cig, len, new MatView<T>(m, (long)gi * cog * ld, sm, ld, 1),
                    new MatView<T>(v, (long)gi * cig * ld, sv, 1, ld),
                    new MatView<T>(ubar, (long)gi * 16 * cog * cig, (long)cog * cig, cig, 1), T.One, beta);
        }
        // w̄ = Gᵀ Ū G: rows of Gᵀ are (1, ½, ½, 0), (0, ½, −½, 0), (0, ½, ½, 1)
        long plane = (long)cog * cig;
        T half = T.One / (T.One + T.One);
        Par.For(a.Groups * cog, (long)cig * 64, t =>
        {
            int gi = t / cog, o = t % cog;
            Span<T> r = stackalloc T[12];
            for (int c = 0; c < cig; c++)
            {
                long src = (long)gi * 16 * plane + (long)o * cig + c;
                for (int j = 0; j < 4; j++)
                {
                    T u0 = ubar[src + j * plane], u1 = ubar[src + (4 + j) * plane], u2 = ubar[src + (8 + j) * plane], u3 = ubar[src + (12 + j) * plane];
                    r[j] = u0 + (u1 + u2) * half; r[4 + j] = (u1 - u2) * half; r[8 + j] = (u1 + u2) * half + u3;
                }
                ref T dst = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a.W), (nint)(a.WOff + (((long)gi * cog + o) * cig + c) * 9));
                for (int i = 0; i < 3; i++)
                {
                    T q0 = r[4 * i], q1 = r[4 * i + 1], q2 = r[4 * i + 2], q3 = r[4 * i + 3];
                    Unsafe.Add(ref dst, 3 * i) = q0 + (q1 + q2) * half;
                    Unsafe.Add(ref dst, 3 * i + 1) = (q1 - q2) * half;
                    Unsafe.Add(ref dst, 3 * i + 2) = (q1 + q2) * half + q3;
                }
            }
        });
    }

    /// <summary>
    /// Tiles [k, k + run) of a block that lie in one tile row of one sample, from tile k: a run of at most
    /// tw − ox/2 tiles (the rest of that row), which the transforms below treat with vectors across the tiles.
    /// </summary>
    private static int RunLength(int[] at, int k, int len, int tw) => Math.Min(len - k, tw - at[3 * k + 2] / 2);

    /// <summary>
    /// Columns ix, ix+2, … and ix+1, ix+3, … (count of each) of row <paramref name="row"/> of a [h, w] plane at
    /// <paramref name="src"/>, into even[0, count) and odd[0, count); zeros outside the plane (the padding).
    /// </summary>
    private static void StageRow<T>(T[] x, long src, int row, int h, int w, int ix, int count, Span<T> even, Span<T> odd)
        where T : unmanaged, INumber<T>
    {
        if ((uint)row >= (uint)h)
        {
            even[..count].Clear();
            odd[..count].Clear();
            return;
        }
        ref T r = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x), (nint)(src + (long)row * w));
        if (ix >= 0 && ix + 2 * count <= w)
        {
            Deinterleave.Split(ref Unsafe.Add(ref r, ix), count, ref MemoryMarshal.GetReference(even), ref MemoryMarshal.GetReference(odd));
            return;
        }
        for (int j = 0; j < count; j++)
        {
            int col = ix + 2 * j;
            even[j] = (uint)col < (uint)w ? Unsafe.Add(ref r, col) : T.Zero;
            odd[j] = (uint)(col + 1) < (uint)w ? Unsafe.Add(ref r, col + 1) : T.Zero;
        }
    }

    /// <summary>The 16 planes of a vector of tiles: written in place when the whole vector is in the run, else the first <paramref name="count"/> lanes from <paramref name="tmp"/>.</summary>
    private static void CopyLanes<T>(Span<T> tmp, ref T dst, nint planeStride, int count) where T : unmanaged
    {
        int vc = Vector<T>.Count;
        for (int q = 0; q < 16; q++)
            tmp.Slice(q * vc, count).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref dst, q * planeStride), count));
    }

    /// <summary>
    /// Bᵀ d B of the tiles at <paramref name="at"/> of every channel into v (planes <paramref name="planeStride"/> apart,
    /// rows <paramref name="tb"/>), from column k0. Each run of tiles in one tile row is staged as its four input rows
    /// split into even and odd columns, so tile t's columns are even[t], odd[t], even[t+1], odd[t+1] and a vector of
    /// tiles is transformed with whole-vector adds.
    /// </summary>
    internal static void InputTiles<T>(T[] x, long xOff, int ci, int h, int w, int ph, int pw, int[] at, int len, int tw,
        T[] v, int tb, long planeStride, int k0 = 0) where T : unmanaged, INumber<T>
    {
        long plane = (long)h * w;
        nint ps = (nint)planeStride;
        int vc = Vector<T>.Count;
        ref T v0 = ref MemoryMarshal.GetArrayDataReference(v);
        Span<T> tmp = stackalloc T[16 * vc];
        ref T tmp0 = ref MemoryMarshal.GetReference(tmp);
        for (int k = 0; k < len;)
        {
            int run = RunLength(at, k, len, tw);
            int b = at[3 * k], iy = at[3 * k + 1] - ph, ix = at[3 * k + 2] - pw;
            // run + 1 staged columns of each parity are read; vc more keep the last vector's loads inside the buffer
            int width = run + 1 + vc;
            var stage = ScratchBuffer.Take(ref Scratch<T>.Rows, 8L * width).AsSpan(0, 8 * width);
            stage.Clear();
            ref T st = ref MemoryMarshal.GetReference(stage);
            for (int c = 0; c < ci; c++)
            {
                long src = xOff + ((long)b * ci + c) * plane;
                for (int i = 0; i < 4; i++)
                    StageRow(x, src, iy + i, h, w, ix, run + 1, stage.Slice(2 * i * width, width), stage.Slice((2 * i + 1) * width, width));
                ref T dst = ref Unsafe.Add(ref v0, (nint)c * tb + k0 + k);
                for (int t = 0; t < run; t += vc)
                {
                    bool whole = t + vc <= run;
                    ref T o = ref whole ? ref Unsafe.Add(ref dst, t) : ref tmp0;
                    nint os = whole ? ps : vc;
                    // Bᵀ d down each of the tile's four columns (rows d0 − d2, d1 + d2, d2 − d1, d1 − d3), then along the rows
                    Column(ref st, width, t, out var e0, out var e1, out var e2, out var e3);
                    Column(ref st, width, width + t, out var f0, out var f1, out var f2, out var f3);
                    Column(ref st, width, t + 1, out var g0, out var g1, out var g2, out var g3);
                    Column(ref st, width, width + t + 1, out var h0, out var h1, out var h2, out var h3);
                    Row(ref o, os, 0, e0, f0, g0, h0);
                    Row(ref o, os, 4, e1, f1, g1, h1);
                    Row(ref o, os, 8, e2, f2, g2, h2);
                    Row(ref o, os, 12, e3, f3, g3, h3);
                    if (!whole) CopyLanes(tmp, ref Unsafe.Add(ref dst, t), ps, run - t);
                }
            }
            k += run;
        }

        // column j of the tiles (staged rows 0-3 of one parity, offset `at` within each) down Bᵀ
        static void Column(ref T st, int width, int at, out Vector<T> q0, out Vector<T> q1, out Vector<T> q2, out Vector<T> q3)
        {
            var a0 = Vector.LoadUnsafe(ref st, (nuint)at);
            var a1 = Vector.LoadUnsafe(ref st, (nuint)(2 * width + at));
            var a2 = Vector.LoadUnsafe(ref st, (nuint)(4 * width + at));
            var a3 = Vector.LoadUnsafe(ref st, (nuint)(6 * width + at));
            q0 = a0 - a2; q1 = a1 + a2; q2 = a2 - a1; q3 = a1 - a3;
        }

        static void Row(ref T o, nint os, int plane, Vector<T> a0, Vector<T> a1, Vector<T> a2, Vector<T> a3)
        {
            (a0 - a2).StoreUnsafe(ref Unsafe.Add(ref o, plane * os));
            (a1 + a2).StoreUnsafe(ref Unsafe.Add(ref o, (plane + 1) * os));
            (a2 - a1).StoreUnsafe(ref Unsafe.Add(ref o, (plane + 2) * os));
            (a1 - a3).StoreUnsafe(ref Unsafe.Add(ref o, (plane + 3) * os));
        }
    }

    /// <summary>
    /// A Ȳ Aᵀ of the 2x2 gradient tiles at <paramref name="at"/> of every channel (zero past the plane) into m (planes
    /// <paramref name="mi"/> apart, rows <paramref name="stride"/>) from column k0; a run's two rows are staged split
    /// into even and odd columns, as <see cref="InputTiles"/> does.
    /// </summary>
    internal static void GradientTiles<T>(T[] gy, long gyOff, int co, int oh, int ow, int[] at, int len, int tw,
        T[] m, int stride, long mi, int k0) where T : unmanaged, INumber<T>
    {
        long plane = (long)oh * ow;
        nint ps = (nint)mi;
        int vc = Vector<T>.Count;
        ref T m0 = ref MemoryMarshal.GetArrayDataReference(m);
        Span<T> tmp = stackalloc T[16 * vc];
        ref T tmp0 = ref MemoryMarshal.GetReference(tmp);
        for (int k = 0; k < len;)
        {
            int run = RunLength(at, k, len, tw);
            int b = at[3 * k], oy = at[3 * k + 1], ox = at[3 * k + 2];
            int width = run + vc;
            var stage = ScratchBuffer.Take(ref Scratch<T>.Rows, 4L * width).AsSpan(0, 4 * width);
            stage.Clear();
            ref T st = ref MemoryMarshal.GetReference(stage);
            for (int oc = 0; oc < co; oc++)
            {
                long src = gyOff + ((long)b * co + oc) * plane;
                StageRow(gy, src, oy, oh, ow, ox, run, stage[..width], stage.Slice(width, width));
                StageRow(gy, src, oy + 1, oh, ow, ox, run, stage.Slice(2 * width, width), stage.Slice(3 * width, width));
                ref T dst = ref Unsafe.Add(ref m0, (nint)oc * stride + k0 + k);
                for (int t = 0; t < run; t += vc)
                {
                    bool whole = t + vc <= run;
                    ref T o = ref whole ? ref Unsafe.Add(ref dst, t) : ref tmp0;
                    nint os = whole ? ps : vc;
                    var y00 = Vector.LoadUnsafe(ref st, (nuint)t);
                    var y01 = Vector.LoadUnsafe(ref st, (nuint)(width + t));
                    var y10 = Vector.LoadUnsafe(ref st, (nuint)(2 * width + t));
                    var y11 = Vector.LoadUnsafe(ref st, (nuint)(3 * width + t));
                    // A Ȳ: rows y0, y0 + y1, y0 − y1, −y1 (A's rows (1, 0), (1, 1), (1, −1), (0, −1)); then the same on the columns
                    Cols(ref o, os, 0, y00, y01);
                    Cols(ref o, os, 4, y00 + y10, y01 + y11);
                    Cols(ref o, os, 8, y00 - y10, y01 - y11);
                    Cols(ref o, os, 12, -y10, -y11);
                    if (!whole) CopyLanes(tmp, ref Unsafe.Add(ref dst, t), ps, run - t);
                }
            }
            k += run;
        }

        static void Cols(ref T o, nint os, int row, Vector<T> f0, Vector<T> f1)
        {
            f0.StoreUnsafe(ref Unsafe.Add(ref o, row * os));
            (f0 + f1).StoreUnsafe(ref Unsafe.Add(ref o, (row + 1) * os));
            (f0 - f1).StoreUnsafe(ref Unsafe.Add(ref o, (row + 2) * os));
            (-f1).StoreUnsafe(ref Unsafe.Add(ref o, (row + 3) * os));
        }
    }

    /// <summary>
    /// Aᵀ m A of the tiles at <paramref name="at"/> of every output channel (m: planes <paramref name="planeStride"/>
    /// apart, rows <paramref name="tb"/>) into y, plus the bias: a vector of a run's tiles at a time into four staged
    /// rows (the tiles' four outputs), then woven into y's two rows.
    /// </summary>
    internal static void OutputTiles<T>(T[] m, int tb, long planeStride, int co, T[] y, long yOff, int oh, int ow, int[] at, int len, int tw,
        T[]? bias, long biasOff, long biasStride) where T : unmanaged, INumber<T>
    {
        long plane = (long)oh * ow;
        nint ps = (nint)planeStride;
        int vc = Vector<T>.Count;
        ref T y0 = ref MemoryMarshal.GetArrayDataReference(y);
        ref T m0 = ref MemoryMarshal.GetArrayDataReference(m);
        Span<T> tmp = stackalloc T[16 * vc];
        ref T tmp0 = ref MemoryMarshal.GetReference(tmp);
        for (int k = 0; k < len;)
        {
            int run = RunLength(at, k, len, tw);
            int b = at[3 * k], oy = at[3 * k + 1], ox = at[3 * k + 2];
            int width = run + vc;
            var stage = ScratchBuffer.Take(ref Scratch<T>.Rows, 4L * width).AsSpan(0, 4 * width);
            ref T st = ref MemoryMarshal.GetReference(stage);
            bool down = oy + 1 < oh;
            int cols = Math.Min(2 * run, ow - ox);
            for (int oc = 0; oc < co; oc++)
            {
                var bv = new Vector<T>(bias is null ? T.Zero : bias[biasOff + oc * biasStride]);
                ref T src = ref Unsafe.Add(ref m0, (nint)oc * tb + k);
                for (int t = 0; t < run; t += vc)
                {
                    bool whole = t + vc <= run;
                    scoped ref T p = ref Unsafe.Add(ref src, t);
                    nint pstr = ps;
                    if (!whole)
                    {
                        for (int q = 0; q < 16; q++)
                            MemoryMarshal.CreateSpan(ref Unsafe.Add(ref p, q * ps), run - t).CopyTo(tmp.Slice(q * vc, vc));
                        p = ref tmp0;
                        pstr = vc;
                    }
                    // Aᵀ m: rows m0 + m1 + m2 and m1 − m2 − m3, then the same along the columns
                    Rows(ref p, pstr, 0, out var s0, out var s4);
                    Rows(ref p, pstr, 1, out var s1, out var s5);
                    Rows(ref p, pstr, 2, out var s2, out var s6);
                    Rows(ref p, pstr, 3, out var s3, out var s7);
                    var r00 = s0 + s1 + s2; var r01 = s1 - s2 - s3;
                    var r10 = s4 + s5 + s6; var r11 = s5 - s6 - s7;
                    if (bias is not null) { r00 += bv; r01 += bv; r10 += bv; r11 += bv; }
                    r00.StoreUnsafe(ref st, (nuint)t);
                    r01.StoreUnsafe(ref st, (nuint)(width + t));
                    r10.StoreUnsafe(ref st, (nuint)(2 * width + t));
                    r11.StoreUnsafe(ref st, (nuint)(3 * width + t));
                }
                ref T dst = ref Unsafe.Add(ref y0, (nint)(yOff + ((long)b * co + oc) * plane + (long)oy * ow + ox));
                Weave(ref dst, ref st, ref Unsafe.Add(ref st, width), cols);
                if (down) Weave(ref Unsafe.Add(ref dst, ow), ref Unsafe.Add(ref st, 2 * width), ref Unsafe.Add(ref st, 3 * width), cols);
            }
            k += run;
        }

        static void Rows(ref T p, nint ps, int j, out Vector<T> top, out Vector<T> bottom)
        {
            var a0 = Vector.LoadUnsafe(ref Unsafe.Add(ref p, j * ps));
            var a1 = Vector.LoadUnsafe(ref Unsafe.Add(ref p, (4 + j) * ps));
            var a2 = Vector.LoadUnsafe(ref Unsafe.Add(ref p, (8 + j) * ps));
            var a3 = Vector.LoadUnsafe(ref Unsafe.Add(ref p, (12 + j) * ps));
            top = a0 + a1 + a2; bottom = a1 - a2 - a3;
        }

        // dst[0, cols) = left[0], right[0], left[1], right[1], …
        static void Weave(ref T dst, ref T left, ref T right, int cols)
        {
            int j = 0;
            for (; 2 * j + 1 < cols; j++)
            {
                Unsafe.Add(ref dst, 2 * j) = Unsafe.Add(ref left, j);
                Unsafe.Add(ref dst, 2 * j + 1) = Unsafe.Add(ref right, j);
            }
            if (2 * j < cols) Unsafe.Add(ref dst, 2 * j) = Unsafe.Add(ref left, j);
        }
    }
}

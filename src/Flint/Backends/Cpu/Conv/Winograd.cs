using System.Numerics;
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
        [ThreadStatic] internal static T[]? Tiles, Products, Weights, InputTiles, GradientTiles, WeightProducts;
    }

    [ThreadStatic] private static int[]? origins;

    /// <summary>
    /// Elements between two of the 16 tile-position planes of a [rows, cols] transformed operand: a little more than
    /// rows·cols, so the 16 planes a transform touches per tile do not all fall in the same cache sets.
    /// </summary>
    private static long PlaneStride(int rows, int cols) => (long)rows * cols + 16;

    /// <summary>(sample, top row, left column) of the output tiles [t0, t0+len), in this thread's buffer.</summary>
    private static int[] Origins(long t0, int len, int perSample, int tw)
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
            long sv = PlaneStride(ci, tb), sm = PlaneStride(co, tb);
            var v = ScratchBuffer.Take(ref Scratch<T>.Tiles, 16 * sv);
            var m = ScratchBuffer.Take(ref Scratch<T>.Products, 16 * sm);
            var at = Origins(t0, len, perSample, tw);
            InputTiles(x, xOff, ci, h, w, ph, pw, at, len, v, tb, sv);
            for (int gi = 0; gi < groups; gi++)
                GemmDriver.Run(16, cog, len, cig, new MatView<T>(u, (long)gi * 16 * cog * cig, (long)cog * cig, cig, 1),
                    new MatView<T>(v, (long)gi * cig * tb, sv, tb, 1), new MatView<T>(m, (long)gi * cog * tb, sm, tb, 1),
                    T.One, T.Zero);
            OutputTiles(m, tb, sm, co, y, yOff, oh, ow, at, len, bias, biasOff, biasStride);
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
        long sv = PlaneStride(ci, chunk), sm = PlaneStride(co, chunk);
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
                InputTiles(a.X, a.XOff, ci, g.H, g.W, g.PH, g.PW, at, kl, v, chunk, sv, k0);
                GradientTiles(a.Y, a.YOff, co, oh, ow, at, kl, m, chunk, sm, k0);
            });
            T beta = c0 == 0 ? T.Zero : T.One;
            for (int gi = 0; gi < a.Groups; gi++)
                GemmDriver.Run(16, cog, cig, len, new MatView<T>(m, (long)gi * cog * chunk, sm, chunk, 1),
                    new MatView<T>(v, (long)gi * cig * chunk, sv, 1, chunk),
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

    /// <summary>A Ȳ Aᵀ of the 2x2 gradient tiles at <paramref name="at"/> of every channel (zero past the plane) into m (planes <paramref name="mi"/> apart, rows <paramref name="stride"/>) from column k0.</summary>
    private static void GradientTiles<T>(T[] gy, long gyOff, int co, int oh, int ow, int[] at, int len,
        T[] m, int stride, long mi, int k0) where T : unmanaged, INumber<T>
    {
        long plane = (long)oh * ow;
        ref T g0 = ref MemoryMarshal.GetArrayDataReference(gy);
        ref T m0 = ref MemoryMarshal.GetArrayDataReference(m);
        for (int oc = 0; oc < co; oc++)
        {
            ref T mc = ref Unsafe.Add(ref m0, (nint)oc * stride + k0);
            for (int k = 0; k < len; k++)
            {
                int b = at[3 * k], oy = at[3 * k + 1], ox = at[3 * k + 2];
                ref T src = ref Unsafe.Add(ref g0, (nint)(gyOff + ((long)b * co + oc) * plane + (long)oy * ow + ox));
                bool right = ox + 1 < ow, down = oy + 1 < oh;
                T y00 = src, y01 = right ? Unsafe.Add(ref src, 1) : T.Zero;
                T y10 = down ? Unsafe.Add(ref src, ow) : T.Zero, y11 = right && down ? Unsafe.Add(ref src, ow + 1) : T.Zero;
                // A Ȳ: rows y0, y0 + y1, y0 − y1, −y1 (A's rows (1, 0), (1, 1), (1, −1), (0, −1)); then the same on the columns
                T e00 = y00, e01 = y01, e10 = y00 + y10, e11 = y01 + y11, e20 = y00 - y10, e21 = y01 - y11, e30 = -y10, e31 = -y11;
                ref T p = ref Unsafe.Add(ref mc, k);
                Cols(ref p, mi, 0, e00, e01);
                Cols(ref p, mi, 4, e10, e11);
                Cols(ref p, mi, 8, e20, e21);
                Cols(ref p, mi, 12, e30, e31);
            }
        }

        static void Cols(ref T p, long mi, int row, T f0, T f1)
        {
            Unsafe.Add(ref p, (nint)row * (nint)mi) = f0;
            Unsafe.Add(ref p, (nint)(row + 1) * (nint)mi) = f0 + f1;
            Unsafe.Add(ref p, (nint)(row + 2) * (nint)mi) = f0 - f1;
            Unsafe.Add(ref p, (nint)(row + 3) * (nint)mi) = -f1;
        }
    }

    /// <summary>Bᵀ d B of the tiles at <paramref name="at"/> of every channel into v (planes <paramref name="planeStride"/> apart, rows <paramref name="tb"/>), from column k0.</summary>
    private static void InputTiles<T>(T[] x, long xOff, int ci, int h, int w, int ph, int pw, int[] at, int len,
        T[] v, int tb, long planeStride, int k0 = 0) where T : unmanaged, INumber<T>
    {
        long plane = (long)h * w;
        nint xi = (nint)planeStride;
        ref T x0 = ref MemoryMarshal.GetArrayDataReference(x);
        ref T v0 = ref MemoryMarshal.GetArrayDataReference(v);
        Span<T> d = stackalloc T[16];
        for (int c = 0; c < ci; c++)
        {
            ref T vc = ref Unsafe.Add(ref v0, (nint)c * tb + k0);
            for (int k = 0; k < len; k++)
            {
                int b = at[3 * k], iy = at[3 * k + 1] - ph, ix = at[3 * k + 2] - pw;
                ref T src = ref Unsafe.Add(ref x0, (nint)(xOff + ((long)b * ci + c) * plane));
                if (iy >= 0 && ix >= 0 && iy + 4 <= h && ix + 4 <= w)
                {
                    for (int i = 0; i < 4; i++)
                    {
                        ref T row = ref Unsafe.Add(ref src, (nint)(iy + i) * w + ix);
                        d[4 * i] = row; d[4 * i + 1] = Unsafe.Add(ref row, 1); d[4 * i + 2] = Unsafe.Add(ref row, 2); d[4 * i + 3] = Unsafe.Add(ref row, 3);
                    }
                }
                else
                {
                    for (int i = 0; i < 4; i++)
                        for (int j = 0; j < 4; j++)
                            d[4 * i + j] = (uint)(iy + i) < (uint)h && (uint)(ix + j) < (uint)w ? Unsafe.Add(ref src, (nint)(iy + i) * w + ix + j) : T.Zero;
                }
                ref T out0 = ref Unsafe.Add(ref vc, k);
                // Bᵀ d: rows d0 − d2, d1 + d2, d2 − d1, d1 − d3; then the same on the columns
                for (int j = 0; j < 4; j++)
                {
                    T a0 = d[j], a1 = d[4 + j], a2 = d[8 + j], a3 = d[12 + j];
                    d[j] = a0 - a2; d[4 + j] = a1 + a2; d[8 + j] = a2 - a1; d[12 + j] = a1 - a3;
                }
                for (int i = 0; i < 4; i++)
                {
                    T a0 = d[4 * i], a1 = d[4 * i + 1], a2 = d[4 * i + 2], a3 = d[4 * i + 3];
                    Unsafe.Add(ref out0, (nint)(4 * i) * xi) = a0 - a2;
                    Unsafe.Add(ref out0, (nint)(4 * i + 1) * xi) = a1 + a2;
                    Unsafe.Add(ref out0, (nint)(4 * i + 2) * xi) = a2 - a1;
                    Unsafe.Add(ref out0, (nint)(4 * i + 3) * xi) = a1 - a3;
                }
            }
        }
    }

    /// <summary>Aᵀ m A of the tiles at <paramref name="at"/> of every output channel (m: planes <paramref name="planeStride"/> apart, rows <paramref name="tb"/>) into y, plus the bias.</summary>
    private static void OutputTiles<T>(T[] m, int tb, long planeStride, int co, T[] y, long yOff, int oh, int ow, int[] at, int len,
        T[]? bias, long biasOff, long biasStride) where T : unmanaged, INumber<T>
    {
        long plane = (long)oh * ow;
        nint mi = (nint)planeStride;
        ref T y0 = ref MemoryMarshal.GetArrayDataReference(y);
        ref T m0 = ref MemoryMarshal.GetArrayDataReference(m);
        Span<T> s = stackalloc T[8];
        for (int oc = 0; oc < co; oc++)
        {
            T bv = bias is null ? T.Zero : bias[biasOff + oc * biasStride];
            ref T mc = ref Unsafe.Add(ref m0, (nint)oc * tb);
            for (int k = 0; k < len; k++)
            {
                int b = at[3 * k], oy = at[3 * k + 1], ox = at[3 * k + 2];
                ref T p = ref Unsafe.Add(ref mc, k);
                // Aᵀ m: rows m0 + m1 + m2 and m1 − m2 − m3
                for (int j = 0; j < 4; j++)
                {
                    T a0 = Unsafe.Add(ref p, (nint)j * mi), a1 = Unsafe.Add(ref p, (nint)(4 + j) * mi);
                    T a2 = Unsafe.Add(ref p, (nint)(8 + j) * mi), a3 = Unsafe.Add(ref p, (nint)(12 + j) * mi);
                    s[j] = a0 + a1 + a2; s[4 + j] = a1 - a2 - a3;
                }
                ref T dst = ref Unsafe.Add(ref y0, (nint)(yOff + ((long)b * co + oc) * plane + (long)oy * ow + ox));
                T r00 = s[0] + s[1] + s[2], r01 = s[1] - s[2] - s[3];
                T r10 = s[4] + s[5] + s[6], r11 = s[5] - s[6] - s[7];
                if (bias is not null) { r00 += bv; r01 += bv; r10 += bv; r11 += bv; }
                bool right = ox + 1 < ow, down = oy + 1 < oh;
                dst = r00;
                if (right) Unsafe.Add(ref dst, 1) = r01;
                if (down)
                {
                    Unsafe.Add(ref dst, ow) = r10;
                    if (right) Unsafe.Add(ref dst, ow + 1) = r11;
                }
            }
        }
    }
}

using System.Numerics;
using Flint.Backends.Cpu.Gemm;

namespace Flint.Backends.Cpu.Conv;

/// <summary>The contiguous operands of one convolution kernel call: arrays with their offsets, and the sizes.</summary>
internal readonly record struct ConvArrays<T>(T[] X, long XOff, T[] W, long WOff, T[] Y, long YOff, int N, int Ci, int Co, int Groups)
{
    internal int Cig => Ci / Groups;
    internal int Cog => Co / Groups;
}

/// <summary>
/// Convolution as an implicit GEMM: the output positions of a sample are cut into blocks whose columns
/// ([Ci·taps, block], or a range of its rows) fit the L2 cache; each block is unfolded into a per-thread buffer and
/// multiplied there, so no sample's whole im2col is ever written. The forward runs (sample, block) tasks; the input
/// gradient (sample, channel range) tasks that each own their planes of x̄; the weight gradient tasks over ranges
/// of w̄'s columns, each summing every sample in order (so the result does not depend on the thread count).
/// </summary>
internal static class BlockedConv
{
    private static class Scratch<T>
    {
        [ThreadStatic] internal static T[]? Buffer;
    }

    /// <summary>This thread's column buffer of at least <paramref name="length"/> elements (contents undefined).</summary>
    private static T[] Columns<T>(long length) => ScratchBuffer.Take(ref Scratch<T>.Buffer, length);

    private static int CeilDiv(int x, int y) => (x + y - 1) / y;

    /// <summary>y = conv(x, w) (+ bias): Y holds y, bias [Co] or null.</summary>
    internal static void Forward<T>(ConvArrays<T> a, T[]? bias, long biasOff, long biasStride, WindowGeometry g) where T : unmanaged, INumber<T>
    {
        int taps = g.Taps, rows = a.Ci * taps, kk = a.Cig * taps, cog = a.Cog, l = g.OutPlane, plane = g.Plane;
        int lb = ConvOptions.BlockColumns(rows, l, System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        int blocks = CeilDiv(l, lb);
        Par.For(a.N * blocks, (long)a.Co * kk * lb, t =>
        {
            int b = t / blocks, l0 = t % blocks * lb, len = Math.Min(lb, l - l0);
            var cols = Columns<T>((long)rows * len);
            ColumnBlock.Walk<T, GatherColumns<T>>(a.X, a.XOff + (long)b * a.Ci * plane, cols, 0, g, 0, rows, l0, l0 + len);
            long yb = a.YOff + (long)b * a.Co * l + l0;
            if (bias is not null)
                for (int oc = 0; oc < a.Co; oc++) a.Y.AsSpan((int)(yb + (long)oc * l), len).Fill(bias[biasOff + oc * biasStride]);
            GemmDriver.Run(a.Groups, cog, len, kk, new MatView<T>(a.W, a.WOff, (long)cog * kk, kk, 1),
                new MatView<T>(cols, 0, (long)kk * len, len, 1), new MatView<T>(a.Y, yb, (long)cog * l, l, 1),
                T.One, bias is null ? T.Zero : T.One);
        });
    }

    /// <summary>Input channels per input-gradient task: a group's channels cut into at most 8 ranges of at least 256 rows.</summary>
    private static int ChannelChunk(int cig, int taps) => CeilDiv(cig, Math.Clamp(cig * taps / 256, 1, 8));

    /// <summary>x̄ = convᵀ(ȳ, w): Y holds ȳ, X is written with x̄.</summary>
    internal static void InputGrad<T>(ConvArrays<T> a, WindowGeometry g) where T : unmanaged, INumber<T>
    {
        int taps = g.Taps, kk = a.Cig * taps, cog = a.Cog, l = g.OutPlane, plane = g.Plane;
        int chunk = ChannelChunk(a.Cig, taps), chunks = CeilDiv(a.Cig, chunk);
        int lb = ConvOptions.BlockColumns((long)chunk * taps, l, System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        int perSample = a.Groups * chunks;
        Par.For(a.N * perSample, (long)chunk * taps * cog * l, t =>
        {
            int b = t / perSample, gi = t % perSample / chunks, c0 = t % chunks * chunk, c1 = Math.Min(a.Cig, c0 + chunk);
            int rowsT = (c1 - c0) * taps, r0 = (gi * a.Cig + c0) * taps;
            long sample = a.XOff + (long)b * a.Ci * plane;
            a.X.AsSpan((int)(sample + (long)(gi * a.Cig + c0) * plane), (c1 - c0) * plane).Clear();
            var wT = new MatView<T>(a.W, a.WOff + (long)gi * cog * kk + c0 * taps, 0, 1, kk);
            for (int l0 = 0; l0 < l; l0 += lb)
            {
                int len = Math.Min(lb, l - l0);
                var cols = Columns<T>((long)rowsT * len);
                GemmDriver.Run(1, rowsT, len, cog, wT, new MatView<T>(a.Y, a.YOff + ((long)b * a.Co + gi * cog) * l + l0, 0, l, 1),
                    new MatView<T>(cols, 0, 0, len, 1), T.One, T.Zero);
                ColumnBlock.Walk<T, ScatterAddColumns<T>>(a.X, sample, cols, 0, g, r0, r0 + rowsT, l0, l0 + len);
            }
        });
    }

    /// <summary>w̄ = Σₙ ȳ ⋆ x: X holds x, Y holds ȳ, W is written with w̄ (zero for an empty batch).</summary>
    internal static void WeightGrad<T>(ConvArrays<T> a, WindowGeometry g) where T : unmanaged, INumber<T>
    {
        int taps = g.Taps, kk = a.Cig * taps, cog = a.Cog, l = g.OutPlane, plane = g.Plane;
        if (a.N == 0 || l == 0)
        {
            a.W.AsSpan((int)a.WOff, a.Co * kk).Clear();
            return;
        }
        // columns of w̄ per task: a fixed split of the group's kk (at least 64 each), so the sums do not depend on the threads
        int chunk = CeilDiv(kk, Math.Clamp(kk / 64, 1, 16)), chunks = CeilDiv(kk, chunk);
        int lb = ConvOptions.BlockColumns(chunk, l, System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        Par.For(a.Groups * chunks, (long)a.N * cog * chunk * l, t =>
        {
            int gi = t / chunks, k0 = t % chunks * chunk, rowsT = Math.Min(chunk, kk - k0), r0 = gi * kk + k0;
            var dst = new MatView<T>(a.W, a.WOff + (long)gi * cog * kk + k0, 0, kk, 1);
            bool first = true;
            for (int b = 0; b < a.N; b++)
                for (int l0 = 0; l0 < l; l0 += lb)
                {
                    int len = Math.Min(lb, l - l0);
                    var cols = Columns<T>((long)rowsT * len);
                    ColumnBlock.Walk<T, GatherColumns<T>>(a.X, a.XOff + (long)b * a.Ci * plane, cols, 0, g, r0, r0 + rowsT, l0, l0 + len);
                    GemmDriver.Run(1, cog, rowsT, len, new MatView<T>(a.Y, a.YOff + ((long)b * a.Co + gi * cog) * l + l0, 0, l, 1),
                        new MatView<T>(cols, 0, 0, 1, len), dst, T.One, first ? T.Zero : T.One);
                    first = false;
                }
        });
    }
}

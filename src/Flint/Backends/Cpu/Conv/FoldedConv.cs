using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Flint.Backends.Cpu.Gemm;

namespace Flint.Backends.Cpu.Conv;

/// <summary>
/// Convolution as one implicit GEMM over several samples at once, for the small planes of a network's last stages.
/// One sample's output positions are too few columns for the GEMM to run near its rate (measured on Zen 4: a 512×49
/// product with k = 4608 at a third of the rate of a 512×392 one), so the columns of a fold of samples are unfolded
/// side by side into one [Ci·taps, S·L] buffer and each group's product runs once for the whole fold, threaded inside
/// the GEMM. Because y's samples are not one stride apart along the columns, the forward writes its product into a
/// [Co, S·L] staging buffer and copies it out, and the gradients first copy ȳ into one. The weight gradient sums the
/// folds in order, each product over its S·L columns in the GEMM's fixed k order, so its result does not depend on
/// the thread count.
/// </summary>
internal static class FoldedConv
{
    /// <summary>The calling thread's column and staging buffers, kept between calls (a training step needs the same ones every time).</summary>
    private static class Scratch<T>
    {
        [ThreadStatic] internal static T[]? Columns, Stage;
    }

    /// <summary>The samples per fold of this convolution, with this thread's column buffer [Ci·taps, S·L] and staging buffer [Co, S·L].</summary>
    private static (int s, T[] cols, T[] stage) Buffers<T>(ConvArrays<T> a, WindowGeometry g) where T : unmanaged, INumber<T>
    {
        int rows = a.Ci * g.Taps, l = g.OutPlane;
        int s = SamplesPerFold(a.N, rows, l, Unsafe.SizeOf<T>());
        return (s, ScratchBuffer.Take(ref Scratch<T>.Columns, (long)rows * s * l), ScratchBuffer.Take(ref Scratch<T>.Stage, (long)a.Co * s * l));
    }

    /// <summary>Columns a fold aims for: enough for the GEMM's column panels and its threads.</summary>
    internal const int FoldColumns = 1024;

    /// <summary>Output positions per sample up to which the selector folds samples (ResNet's 14x14 and 7x7 planes).</summary>
    internal const int MaxPlane = 256;

    /// <summary>Samples per fold: about <see cref="FoldColumns"/> columns, or as many as a forced block size holds (at least one).</summary>
    internal static int SamplesPerFold(int n, long rows, int l, int elementSize)
    {
        int forced = ConvOptions.BlockBytes;
        long s = forced > 0 ? forced / Math.Max(1L, rows * l * elementSize) : FoldColumns / Math.Max(1, l);
        return (int)Math.Clamp(s, 1, Math.Max(1, n));
    }

    /// <summary>y = conv(x, w) (+ bias): Y holds y, bias [Co] or null.</summary>
    internal static void Forward<T>(ConvArrays<T> a, T[]? bias, long biasOff, long biasStride, WindowGeometry g) where T : unmanaged, INumber<T>
    {
        int taps = g.Taps, kk = a.Cig * taps, cog = a.Cog, l = g.OutPlane;
        if (a.N == 0 || l == 0) return;
        var (s, cols, stage) = Buffers(a, g);
        for (int b0 = 0; b0 < a.N; b0 += s)
        {
            int sn = Math.Min(s, a.N - b0), width = sn * l;
            Unfold<T, GatherColumns<T>>(a, g, cols, b0, sn);
            GemmDriver.Run(a.Groups, cog, width, kk, new MatView<T>(a.W, a.WOff, (long)cog * kk, kk, 1),
                new MatView<T>(cols, 0, (long)kk * width, width, 1), new MatView<T>(stage, 0, (long)cog * width, width, 1), T.One, T.Zero);
            Par.For(sn * a.Co, l, t =>
            {
                int si = t / a.Co, oc = t % a.Co;
                var src = new ReadOnlySpan<T>(stage, oc * width + si * l, l);
                var dst = a.Y.AsSpan((int)(a.YOff + ((long)(b0 + si) * a.Co + oc) * l), l);
                if (bias is null) src.CopyTo(dst);
                else TensorPrimitives.Add(src, bias[biasOff + oc * biasStride], dst);
            });
        }
    }

    /// <summary>x̄ = convᵀ(ȳ, w): Y holds ȳ, X is written with x̄.</summary>
    internal static void InputGrad<T>(ConvArrays<T> a, WindowGeometry g) where T : unmanaged, INumber<T>
    {
        int taps = g.Taps, kk = a.Cig * taps, cog = a.Cog, l = g.OutPlane, plane = g.Plane;
        if (a.N == 0) return;
        if (l == 0)
        {
            a.X.AsSpan((int)a.XOff, a.N * a.Ci * plane).Clear();
            return;
        }
        var (s, cols, stage) = Buffers(a, g);
        for (int b0 = 0; b0 < a.N; b0 += s)
        {
            int sn = Math.Min(s, a.N - b0), width = sn * l;
            Stage(a, stage, b0, sn, l);
            // columns [Ci·taps, S·L] = wᵀ [kk, cog] × ȳ [cog, S·L], group by group
            GemmDriver.Run(a.Groups, kk, width, cog, new MatView<T>(a.W, a.WOff, (long)cog * kk, 1, kk),
                new MatView<T>(stage, 0, (long)cog * width, width, 1), new MatView<T>(cols, 0, (long)kk * width, width, 1), T.One, T.Zero);
            a.X.AsSpan((int)(a.XOff + (long)b0 * a.Ci * plane), sn * a.Ci * plane).Clear();
            Unfold<T, ScatterAddColumns<T>>(a, g, cols, b0, sn);
        }
    }

    /// <summary>w̄ = Σₙ ȳ ⋆ x: X holds x, Y holds ȳ, W is written with w̄ (zero for an empty batch).</summary>
    internal static void WeightGrad<T>(ConvArrays<T> a, WindowGeometry g) where T : unmanaged, INumber<T>
    {
        int taps = g.Taps, kk = a.Cig * taps, cog = a.Cog, l = g.OutPlane;
        if (a.N == 0 || l == 0)
        {
            a.W.AsSpan((int)a.WOff, a.Co * kk).Clear();
            return;
        }
        var (s, cols, stage) = Buffers(a, g);
        for (int b0 = 0; b0 < a.N; b0 += s)
        {
            int sn = Math.Min(s, a.N - b0), width = sn * l;
            Stage(a, stage, b0, sn, l);
            Unfold<T, GatherColumns<T>>(a, g, cols, b0, sn);
            // w̄ [cog, kk] (+)= ȳ [cog, S·L] × columnsᵀ [S·L, kk], group by group
            GemmDriver.Run(a.Groups, cog, kk, width, new MatView<T>(stage, 0, (long)cog * width, width, 1),
                new MatView<T>(cols, 0, (long)kk * width, 1, width), new MatView<T>(a.W, a.WOff, (long)cog * kk, kk, 1),
                T.One, b0 == 0 ? T.Zero : T.One);
        }
    }

    /// <summary>ȳ of samples [b0, b0+sn) as one [Co, sn·L] matrix: sample si's plane of channel oc at columns si·L.</summary>
    private static void Stage<T>(ConvArrays<T> a, T[] stage, int b0, int sn, int l) where T : unmanaged, INumber<T>
    {
        int width = sn * l;
        Par.For(sn * a.Co, l, t =>
        {
            int si = t / a.Co, oc = t % a.Co;
            new ReadOnlySpan<T>(a.Y, (int)(a.YOff + ((long)(b0 + si) * a.Co + oc) * l), l).CopyTo(stage.AsSpan(oc * width + si * l, l));
        });
    }

    /// <summary>
    /// im2col (or col2im) of samples [b0, b0+sn) against the [Ci·taps, sn·L] buffer: one task per (sample, channel
    /// range), so a scatter's tasks each own their planes of x̄.
    /// </summary>
    private static void Unfold<T, TM>(ConvArrays<T> a, WindowGeometry g, T[] cols, int b0, int sn)
        where T : unmanaged, INumber<T> where TM : IColumnMove<T>
    {
        int taps = g.Taps, l = g.OutPlane, plane = g.Plane, width = sn * l;
        int chunk = Math.Max(1, (int)Math.Min(a.Ci, Math.Max(1L, (1L << 14) / Math.Max(1L, (long)taps * l)))), chunks = (a.Ci + chunk - 1) / chunk;
        Par.For(sn * chunks, (long)chunk * taps * l, t =>
        {
            int si = t / chunks, c0 = t % chunks * chunk, c1 = Math.Min(a.Ci, c0 + chunk);
            int r0 = c0 * taps, r1 = c1 * taps;
            ColumnBlock.Walk<T, TM>(a.X, a.XOff + (long)(b0 + si) * a.Ci * plane, cols, (long)r0 * width + si * l, g, r0, r1, 0, l, width);
        });
    }
}

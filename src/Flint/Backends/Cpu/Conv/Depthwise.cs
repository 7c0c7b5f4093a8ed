using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Flint.Backends.Cpu.Conv;

/// <summary>
/// Direct convolution with one input channel per group (depthwise; output channel oc reads input channel
/// oc / (Co/Ci)): each tap adds its weight times a shifted input row into the output row, a vector run per row at
/// stride 1. The forward runs one task per output plane, the input gradient one per input plane (its outputs'
/// planes scatter into it), the weight gradient one per output channel, summing the samples in order.
/// </summary>
internal static class Depthwise
{
    /// <summary>One output row against one input row for a tap: its output range [lo, hi) and the input's start.</summary>
    private readonly record struct RowSpan(int Lo, int Hi, int In);

    /// <summary>
    /// Calls <paramref name="row"/> for every (tap, output row) of the window whose input row is inside the image,
    /// with the output row's offset and its in-range columns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForRows<TR>(WindowGeometry g, ref TR row) where TR : struct, IRowVisitor, allows ref struct
    {
        int slice = g.H * g.W;
        for (int kt = 0, t = 0; kt < g.KD; kt++)
            for (int i = 0; i < g.KH; i++)
                for (int j = 0; j < g.KW; j++, t++)
                {
                    int iw0 = j * g.DW - g.PW;
                    int lo = iw0 >= 0 ? 0 : (-iw0 + g.SW - 1) / g.SW;
                    int hi = g.W - iw0 <= 0 ? 0 : Math.Min(g.OW, (g.W - iw0 + g.SW - 1) / g.SW);
                    if (lo >= hi) continue;
                    for (int od = 0; od < g.OD; od++)
                    {
                        int id = od * g.SD - g.PD + kt * g.DD;
                        if ((uint)id >= (uint)g.D) continue;
                        for (int oh = 0; oh < g.OH; oh++)
                        {
                            int ih = oh * g.SH - g.PH + i * g.DH;
                            if ((uint)ih >= (uint)g.H) continue;
                            row.Row(t, (od * g.OH + oh) * g.OW, new RowSpan(lo, hi, id * slice + ih * g.W + iw0 + lo * g.SW));
                        }
                    }
                }
    }

    private interface IRowVisitor
    {
        void Row(int tap, int outRow, RowSpan s);
    }

    /// <summary>What a tap does with one output run and the input elements input[at + k·stride] under it.</summary>
    private interface IRowKernel<T> where T : unmanaged, INumber<T>
    {
        static abstract void Apply(Span<T> run, Span<T> input, int at, int stride, ref T weight);
    }

    /// <summary>The forward: run[k] += weight · input[at + k·stride].</summary>
    private readonly struct Axpy<T> : IRowKernel<T> where T : unmanaged, INumber<T>
    {
        public static void Apply(Span<T> run, Span<T> input, int at, int stride, ref T weight)
        {
            if (stride == 1) TensorPrimitives.MultiplyAdd<T>(input.Slice(at, run.Length), weight, run, run);
            else for (int k = 0; k < run.Length; k++) run[k] += weight * input[at + k * stride];
        }
    }

    /// <summary>The input gradient: input[at + k·stride] += weight · run[k].</summary>
    private readonly struct Scatter<T> : IRowKernel<T> where T : unmanaged, INumber<T>
    {
        public static void Apply(Span<T> run, Span<T> input, int at, int stride, ref T weight)
        {
            if (stride == 1)
            {
                var d = input.Slice(at, run.Length);
                TensorPrimitives.MultiplyAdd<T>(run, weight, d, d);
            }
            else for (int k = 0; k < run.Length; k++) input[at + k * stride] += weight * run[k];
        }
    }

    /// <summary>The weight gradient: weight += Σ run[k] · input[at + k·stride].</summary>
    private readonly struct Dot<T> : IRowKernel<T> where T : unmanaged, INumber<T>
    {
        public static void Apply(Span<T> run, Span<T> input, int at, int stride, ref T weight)
        {
            if (stride == 1)
            {
                weight += TensorPrimitives.Dot<T>(run, input.Slice(at, run.Length));
                return;
            }
            T sum = T.Zero;
            for (int k = 0; k < run.Length; k++) sum += run[k] * input[at + k * stride];
            weight += sum;
        }
    }

    /// <summary>One plane of the output (or its gradient) against one input plane (or its gradient) and a channel's taps.</summary>
    private ref struct Rows<T, TK>(Span<T> output, Span<T> input, Span<T> taps, int stride) : IRowVisitor
        where T : unmanaged, INumber<T> where TK : IRowKernel<T>
    {
        private readonly Span<T> output = output, input = input, taps = taps;

        public void Row(int tap, int outRow, RowSpan s) => TK.Apply(output.Slice(outRow + s.Lo, s.Hi - s.Lo), input, s.In, stride, ref taps[tap]);
    }

    /// <summary>y = conv(x, w) (+ bias): Y holds y.</summary>
    internal static void Forward<T>(ConvArrays<T> a, T[]? bias, long biasOff, long biasStride, WindowGeometry g) where T : unmanaged, INumber<T>
    {
        int taps = g.Taps, l = g.OutPlane, plane = g.Plane, mult = a.Co / a.Ci;
        Par.For(a.N * a.Co, (long)taps * l, t =>
        {
            int b = t / a.Co, oc = t % a.Co, ic = oc / mult;
            var y = a.Y.AsSpan((int)(a.YOff + (long)t * l), l);
            y.Fill(bias is null ? T.Zero : bias[biasOff + oc * biasStride]);
            var rows = new Rows<T, Axpy<T>>(y, a.X.AsSpan((int)(a.XOff + ((long)b * a.Ci + ic) * plane), plane),
                a.W.AsSpan((int)(a.WOff + (long)oc * taps), taps), g.SW);
            ForRows(g, ref rows);
        });
    }

    /// <summary>x̄ = convᵀ(ȳ, w): Y holds ȳ, X is written with x̄.</summary>
    internal static void InputGrad<T>(ConvArrays<T> a, WindowGeometry g) where T : unmanaged, INumber<T>
    {
        int taps = g.Taps, l = g.OutPlane, plane = g.Plane, mult = a.Co / a.Ci;
        Par.For(a.N * a.Ci, (long)mult * taps * l, t =>
        {
            int b = t / a.Ci, ic = t % a.Ci;
            var x = a.X.AsSpan((int)(a.XOff + (long)t * plane), plane);
            x.Clear();
            for (int oc = ic * mult; oc < (ic + 1) * mult; oc++)
            {
                var rows = new Rows<T, Scatter<T>>(a.Y.AsSpan((int)(a.YOff + ((long)b * a.Co + oc) * l), l), x,
                    a.W.AsSpan((int)(a.WOff + (long)oc * taps), taps), g.SW);
                ForRows(g, ref rows);
            }
        });
    }

    /// <summary>w̄ = Σₙ ȳ ⋆ x: X holds x, Y holds ȳ, W is written with w̄.</summary>
    internal static void WeightGrad<T>(ConvArrays<T> a, WindowGeometry g) where T : unmanaged, INumber<T>
    {
        int taps = g.Taps, l = g.OutPlane, plane = g.Plane, mult = a.Co / a.Ci;
        Par.For(a.Co, (long)a.N * taps * l, oc =>
        {
            var acc = a.W.AsSpan((int)(a.WOff + (long)oc * taps), taps);
            acc.Clear();
            for (int b = 0; b < a.N; b++)
            {
                var rows = new Rows<T, Dot<T>>(a.Y.AsSpan((int)(a.YOff + ((long)b * a.Co + oc) * l), l),
                    a.X.AsSpan((int)(a.XOff + ((long)b * a.Ci + oc / mult) * plane), plane), acc, g.SW);
                ForRows(g, ref rows);
            }
        });
    }
}

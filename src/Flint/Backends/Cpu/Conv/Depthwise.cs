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

    /// <summary>out[outRow + lo..hi] += w[tap] · in[s.In + k·SW].</summary>
    private ref struct AxpyRows<T>(Span<T> output, ReadOnlySpan<T> input, ReadOnlySpan<T> w, int sw) : IRowVisitor where T : unmanaged, INumber<T>
    {
        private readonly Span<T> output = output;
        private readonly ReadOnlySpan<T> input = input, w = w;

        public void Row(int tap, int outRow, RowSpan s)
        {
            int n = s.Hi - s.Lo;
            var o = output.Slice(outRow + s.Lo, n);
            if (sw == 1) TensorPrimitives.MultiplyAdd<T>(input.Slice(s.In, n), w[tap], o, o);
            else for (int k = 0; k < n; k++) o[k] += w[tap] * input[s.In + k * sw];
        }
    }

    /// <summary>in[s.In + k·SW] += w[tap] · out[outRow + lo + k] (the input gradient's scatter).</summary>
    private ref struct ScatterRows<T>(ReadOnlySpan<T> output, Span<T> input, ReadOnlySpan<T> w, int sw) : IRowVisitor where T : unmanaged, INumber<T>
    {
        private readonly ReadOnlySpan<T> output = output, w = w;
        private readonly Span<T> input = input;

        public void Row(int tap, int outRow, RowSpan s)
        {
            int n = s.Hi - s.Lo;
            var o = output.Slice(outRow + s.Lo, n);
            if (sw == 1)
            {
                var d = input.Slice(s.In, n);
                TensorPrimitives.MultiplyAdd<T>(o, w[tap], d, d);
            }
            else for (int k = 0; k < n; k++) input[s.In + k * sw] += w[tap] * o[k];
        }
    }

    /// <summary>acc[tap] += Σ out[outRow + lo + k] · in[s.In + k·SW] (the weight gradient's dot products).</summary>
    private ref struct DotRows<T>(ReadOnlySpan<T> output, ReadOnlySpan<T> input, Span<T> acc, int sw) : IRowVisitor where T : unmanaged, INumber<T>
    {
        private readonly ReadOnlySpan<T> output = output, input = input;
        private readonly Span<T> acc = acc;

        public void Row(int tap, int outRow, RowSpan s)
        {
            int n = s.Hi - s.Lo;
            var o = output.Slice(outRow + s.Lo, n);
            if (sw == 1) acc[tap] += TensorPrimitives.Dot<T>(o, input.Slice(s.In, n));
            else
            {
                T sum = T.Zero;
                for (int k = 0; k < n; k++) sum += o[k] * input[s.In + k * sw];
                acc[tap] += sum;
            }
        }
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
            var rows = new AxpyRows<T>(y, a.X.AsSpan((int)(a.XOff + ((long)b * a.Ci + ic) * plane), plane),
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
                var rows = new ScatterRows<T>(a.Y.AsSpan((int)(a.YOff + ((long)b * a.Co + oc) * l), l), x,
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
                var rows = new DotRows<T>(a.Y.AsSpan((int)(a.YOff + ((long)b * a.Co + oc) * l), l),
                    a.X.AsSpan((int)(a.XOff + ((long)b * a.Ci + oc / mult) * plane), plane), acc, g.SW);
                ForRows(g, ref rows);
            }
        });
    }
}

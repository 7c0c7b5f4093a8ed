using Flint.Backends;
using Flint.Ops.Kernels;
using Flint.Ops.Linalg;
using ConvSaved = (Flint.Tensor a, Flint.Tensor b, Flint.Ops.Conv.ConvPlan p, long[] xShape, long[] wShape);

namespace Flint.Ops.Conv
{
    /// <summary>
    /// A convolution's fixed geometry: the window (1-D convolutions are run as 2-D with height 1, 3-D ones fill its
    /// depth), the groups and the number of spatial dims of the tensors the user sees.
    /// </summary>
    internal sealed record ConvPlan(WindowGeometry G, int Groups, int Dims)
    {
        /// <summary>The spatial sizes of the convolution's input in the compute form (2-D for 1-D and 2-D convolutions).</summary>
        internal long[] InCompute => Dims == 3 ? [G.D, G.H, G.W] : [G.H, G.W];
        internal long[] OutCompute => Dims == 3 ? [G.OD, G.OH, G.OW] : [G.OH, G.OW];
        internal long[] KernelCompute => Dims == 3 ? [G.KD, G.KH, G.KW] : [G.KH, G.KW];
        /// <summary>The spatial sizes of the convolution's input as the user sees them.</summary>
        internal long[] InSpatial => Dims == 1 ? [G.W] : InCompute;
    }

    /// <summary>
    /// The three products of a convolution y = conv(x, w): the forward, the input gradient x̄ = convᵀ(ȳ, w) and the
    /// weight gradient w̄ = corr(x, ȳ), each one backend kernel (the CPU's: im2col/col2im plus its GEMM) and each recorded with a
    /// backward made of the other two, so that gradients of gradients exist (conv_transpose is the input gradient).
    /// </summary>
    internal static class Convolution
    {
        internal static DType ComputeType(DType d) => d == DType.BFloat16 ? DType.Float32 : d;

        private static Tensor View(Tensor t, long[] shape, long[] strides, long offsetDelta = 0) =>
            new(t._storage, shape, strides, t._offset + offsetDelta);

        /// <summary>x (or w) as a contiguous tensor of the compute dtype, 4-D (a 1-D one with height 1) or 5-D.</summary>
        private static Tensor Prep(Tensor t, DType ct)
        {
            var c = Elementwise.As(t, ct).contiguous();
            if (c.ndim == 3) c = View(c, [c._shape[0], c._shape[1], 1, c._shape[2]], [c._strides[0], c._strides[1], c._shape[2], 1]);
            return c;
        }

        /// <summary>Back from the 4-D compute form to the user's rank and dtype.</summary>
        private static Tensor Finish(Tensor t4, int dims, DType dtype)
        {
            var r = dims == 1 ? View(t4, [t4._shape[0], t4._shape[1], t4._shape[3]], [t4._strides[0], t4._strides[1], 1]) : t4;
            return r.dtype == dtype ? r : r.to(dtype);
        }

        /// <summary>y = conv(x, w) + b over [N, Ci, (H,) W] inputs, on x's device.</summary>
        internal static Tensor ComputeForward(Tensor x, Tensor w, Tensor? b, ConvPlan p)
        {
            using var _ = torch.no_grad();
            var dtype = x.dtype; var ct = ComputeType(dtype);
            var x4 = Prep(x, ct); var w4 = Prep(w, ct);
            var g = p.G;
            var y = Tensor.Empty([x4._shape[0], w4._shape[0], .. p.OutCompute], ct, x.device);
            TensorLayout? bias = b is null ? default(TensorLayout?) : Elementwise.As(b, ct).contiguous();
            y.Backend.ConvForward(x4, w4, bias, y, g, p.Groups);
            return Finish(y, p.Dims, dtype);
        }

        /// <summary>x̄ = convᵀ(ȳ, w) (+ b per channel, for conv_transpose): [N, Co, OH, OW] → <paramref name="xShape"/>.</summary>
        internal static Tensor ComputeInputGrad(Tensor gy, Tensor w, Tensor? b, ConvPlan p, long[] xShape)
        {
            using var _ = torch.no_grad();
            var dtype = gy.dtype; var ct = ComputeType(dtype);
            var gy4 = Prep(gy, ct); var w4 = Prep(w, ct);
            var g = p.G;
            long ci = w4._shape[1] * p.Groups;
            var gx = Tensor.Empty([gy4._shape[0], ci, .. p.InCompute], ct, gy.device);
            gx.Backend.ConvInputGrad(gy4, w4, gx, g, p.Groups);
            if (b is not null)
            {
                var bias = Elementwise.As(b, ct).view([1, ci, .. p.InCompute.Select(_ => 1L)]);
                gx.Backend.NumericBinary<Kernels.AddOp>(gx, bias, gx);
            }
            return Finish(gx, p.Dims, dtype);
        }

        /// <summary>w̄ = Σₙ ȳ ⋆ x: the weight gradient of shape <paramref name="wShape"/>.</summary>
        internal static Tensor ComputeWeightGrad(Tensor x, Tensor gy, ConvPlan p, long[] wShape)
        {
            using var _ = torch.no_grad();
            var dtype = x.dtype; var ct = ComputeType(dtype);
            var x4 = Prep(x, ct); var gy4 = Prep(gy, ct);
            var g = p.G; int groups = p.Groups;
            long ci = x4._shape[1], co = gy4._shape[1];
            var gw = Tensor.Empty([co, ci / groups, .. p.KernelCompute], ct, x.device);
            gw.Backend.ConvWeightGrad(x4, gy4, gw, g, groups);
            var r = wShape.Length == 3 ? View(gw, wShape, [gw._strides[0], gw._strides[1], 1]) : gw;
            return r.dtype == dtype ? r : r.to(dtype);
        }

        private static long[] BiasDims(int rank) => [0, .. Enumerable.Range(2, rank - 2).Select(i => (long)i)];

        /// <summary>The recorded forward; <paramref name="nested"/>: as the gradient of a gradient.</summary>
        internal static Tensor Forward(Tensor x, Tensor w, Tensor? b, ConvPlan p, bool nested = false)
        {
            var y = ComputeForward(x, w, b, p);
            // a channels_last input or weight gives a channels_last result, as PyTorch's CPU convolution
            if (y.ndim == 4 && (MemoryFormats.WantsChannelsLast(x) || MemoryFormats.WantsChannelsLast(w))) y = MemoryFormats.RestrideChannelsLast(y);
            return (nested ? ConvolutionBackwardDerivative : ConvolutionDerivative).Record(y, b is null ? [x, w] : [x, w, b], (x, w, p, x._shape, w._shape));
        }

        /// <summary>The recorded input gradient x̄ = convᵀ(ȳ, w) (+ b): conv_transpose's forward, or (nested) a convolution's backward.</summary>
        internal static Tensor InputGrad(Tensor gy, Tensor w, Tensor? b, ConvPlan p, long[] xShape, bool nested)
        {
            var gx = ComputeInputGrad(gy, w, b, p, xShape);
            return (nested ? InputGradBackwardDerivative : InputGradDerivative).Record(gx, b is null ? [gy, w] : [gy, w, b], (gy, w, p, xShape, w._shape));
        }

        /// <summary>The recorded weight gradient w̄ = corr(x, ȳ).</summary>
        internal static Tensor WeightGrad(Tensor x, Tensor gy, ConvPlan p, long[] wShape)
        {
            var gw = ComputeWeightGrad(x, gy, p, wShape);
            return WeightGradDerivative.Record(gw, [x, gy], (x, gy, p, x._shape, wShape));
        }

        // The derivatives of the three products, each made of the other two. A node saves its two tensor inputs
        // (a, b: x and w for the forward, ȳ and w for the input gradient, x and ȳ for the weight gradient), the
        // plan, and the shapes of x and w.

        internal static readonly NodeDerivative<ConvSaved> ConvolutionDerivative = new("ConvolutionBackward0", s => [s.a, s.b],
            (gy, s) => InputGrad(gy, s.b, null, s.p, s.xShape, nested: true),
            (gy, s) => WeightGrad(s.a, gy, s.p, s.wShape),
            (gy, s) => gy.sum(BiasDims(gy.ndim)));

        internal static readonly NodeDerivative<ConvSaved> ConvolutionBackwardDerivative = ConvolutionDerivative.Named("ConvolutionBackwardBackward0");

        /// <summary>The input gradient's (conv_transpose's): ȳ's gradient is the forward of gg, w's the weight gradient of (gg, ȳ).</summary>
        internal static readonly NodeDerivative<ConvSaved> InputGradDerivative = new("ConvolutionBackward0", s => [s.a, s.b],
            (gg, s) => Forward(gg, s.b, null, s.p, nested: true),
            (gg, s) => WeightGrad(gg, s.a, s.p, s.wShape),
            (gg, s) => gg.sum(BiasDims(gg.ndim)));

        internal static readonly NodeDerivative<ConvSaved> InputGradBackwardDerivative = InputGradDerivative.Named("ConvolutionBackwardBackward0");

        internal static readonly NodeDerivative<ConvSaved> WeightGradDerivative = new("ConvolutionBackwardBackward0", s => [s.a, s.b],
            (gg, s) => InputGrad(s.b, gg, null, s.p, s.xShape, nested: true),
            (gg, s) => Forward(s.a, gg, null, s.p, nested: true));
    }
}

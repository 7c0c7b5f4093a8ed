namespace Flint.Ops.Kernels
{
    /// <summary>exp(x) / sum(exp(x)) along a dim; PyTorch's backward in terms of the output.</summary>
    [ReductionOp("softmax", ReductionRule.Softmax, ReductionForms.Along | ReductionForms.DType | ReductionForms.Out | ReductionForms.Method,
        Summary = "exp(x) / sum(exp(x)) along dim; with dtype the input is cast first.")]
    internal struct SoftmaxOp : ISoftmax
    {
        public static bool Log => false;
        public static ReduceDerivative Derivative { get; } = ReductionBackward.Formula("SoftmaxBackward0",
            (g, x, dims, keepdim, y, arg) => Reductions.SoftmaxGrad(g, x, dims[0], y, false, intoSink: true)!, Saves.Output);
    }

    /// <summary>log(softmax(x)) along a dim, computed stably.</summary>
    [ReductionOp("log_softmax", ReductionRule.Softmax, ReductionForms.Along | ReductionForms.DType | ReductionForms.Out | ReductionForms.Method,
        Summary = "log(softmax(x)) along dim, computed stably.")]
    internal struct LogSoftmaxOp : ISoftmax
    {
        public static ReduceDerivative Derivative { get; } = ReductionBackward.Formula("LogSoftmaxBackward0",
            (g, x, dims, keepdim, y, arg) => Reductions.SoftmaxGrad(g, x, dims[0], y, true, intoSink: true)!, Saves.Output);
        public static bool Log => true;
    }
}

namespace Flint.Ops
{
    internal static partial class Reductions
    {
        /// <summary>softmax and log_softmax: floating inputs (after dtype) but float16; out= must have the result's dtype exactly.</summary>
        internal static Tensor Softmax<TOp>(Tensor input, long dim, DType? dtype, Tensor? @out, string name) where TOp : Kernels.ISoftmax
        {
            int d = Reduction.Dim(input, dim);
            var x = dtype is null ? input : input.to(dtype);
            // an empty input needs no kernel (any dtype passes, as PyTorch), but a floating one still records its node
            if (x.numel() == 0) return SoftmaxOut(Autograd.Differentiation.Reduce<TOp>(x, [d], true, Tensor.Empty(x._shape, x.dtype, x.device), 0), @out);
            if (!x.dtype.is_floating_point || x.dtype == DType.Float16)
            {
                // PyTorch names the lastdim kernels apart but shares one name for the general one
                bool last = x.ndim == 0 || d == x.ndim - 1;
                throw Reduction.NotImplemented(last ? name + "_lastdim_kernel_impl" : "softmax_kernel_impl", x.dtype);
            }
            var c = Elementwise.ComputeType(x.dtype);
            var xc = Elementwise.As(x, c);
            var y = Tensor.Empty(x._shape, c, x.device);
            y.Backend.Softmax(xc, d, y, TOp.Log);
            return SoftmaxOut(Autograd.Differentiation.Reduce<TOp>(x, [d], true, y.dtype == x.dtype ? y : y.to(x.dtype), 0), @out);
        }

        /// <summary>
        /// The input gradient of softmax (log: log_softmax) along dim from its output y: the backend's fused kernel,
        /// or the formula of differentiable ops when the backward must itself be differentiable (create_graph) or
        /// the operands are not of one float32/float64 dtype and shape. With <paramref name="intoSink"/> (only the
        /// node's own formula passes it) the fused kernel may add the gradient into the engine's offer instead
        /// (<see cref="Autograd.GradSink"/>) and return null.
        /// </summary>
        internal static Tensor? SoftmaxGrad(Tensor g, Tensor x, int dim, Tensor y, bool log, bool intoSink = false)
        {
            bool fused = !Autograd.GradMode.IsEnabled && g.dtype == y.dtype && (y.dtype == DType.Float32 || y.dtype == DType.Float64)
                && g.device == y.device && g._shape.AsSpan().SequenceEqual(y._shape);
            if (!fused)
                return log ? (g - y.exp() * g.sum(dim, keepdim: true)).to(x.dtype) : (y * (g - (g * y).sum(dim, keepdim: true))).to(x.dtype);
            if (intoSink && y.dtype == x.dtype && Autograd.GradSink.Take(0, x, g, y) is { } sink)
            {
                sink.Backend.SoftmaxBackward(g, y, dim, sink, log, accumulate: true);
                return null;
            }
            var gx = Tensor.Empty(y._shape, y.dtype, y.device);
            gx.Backend.SoftmaxBackward(g, y, dim, gx, log, accumulate: false);
            return gx.dtype == x.dtype ? gx : gx.to(x.dtype);
        }

        /// <summary>PyTorch's softmax out= does not refuse inputs that require grad: the recorded result is copied in.</summary>
        private static Tensor SoftmaxOut(Tensor r, Tensor? @out)
        {
            if (@out is null) return r;
            using (torch.no_grad()) return AdvancedIndexing.CopyOut(r.detach(), @out);
        }
    }
}

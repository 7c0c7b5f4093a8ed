using Flint.Ops;

namespace Flint
{
    public static partial class torch
    {
        private static Tensor SoftmaxImpl(Tensor input, long dim, DType? dtype, bool log)
        {
            int d = Reduction.Dim(input, dim);
            var x = dtype is null ? input : input.to(dtype);
            // an empty input needs no kernel (any dtype passes, as PyTorch), but a floating one still records its node
            if (x.numel() == 0) return SoftmaxBackward(x, d, log, Tensor.Empty(x._shape, x.dtype, x.device));
            if (!x.dtype.is_floating_point || x.dtype == DType.Float16)
            {
                // PyTorch names the lastdim kernels apart but shares one name for the general one
                bool last = x.ndim == 0 || d == x.ndim - 1;
                throw Reduction.NotImplemented(last ? (log ? "log_softmax" : "softmax") + "_lastdim_kernel_impl" : "softmax_kernel_impl", x.dtype);
            }
            var c = Elementwise.ComputeType(x.dtype);
            var xc = Elementwise.As(x, c);
            var y = Tensor.Empty(x._shape, c, x.device);
            y.Backend.Softmax(xc, d, y, log);
            return SoftmaxBackward(x, d, log, y.dtype == x.dtype ? y : y.to(x.dtype));
        }

        /// <summary>Records softmax's (or log_softmax's) node: PyTorch's formulas in terms of the output.</summary>
        private static Tensor SoftmaxBackward(Tensor x, int dim, bool log, Tensor y)
        {
            if (!Autograd.Recording.Needs(x) || !y.dtype.is_floating_point) return y;
            if (log)
                return Autograd.Recording.Record(y, "LogSoftmaxBackward0", [x], g => [(g - y.exp() * g.sum(dim, keepdim: true)).to(x.dtype)], y);
            return Autograd.Recording.Record(y, "SoftmaxBackward0", [x], g => [(y * (g - (g * y).sum(dim, keepdim: true))).to(x.dtype)], y);
        }

        /// <summary>exp(x) / sum(exp(x)) along dim; with dtype the input is cast first.</summary>
        public static Tensor softmax(Tensor input, long dim, DType? dtype = null, Tensor? @out = null) => SoftmaxOut(SoftmaxImpl(input, dim, dtype, false), @out);
        /// <summary>log(softmax(x)) along dim, computed stably.</summary>
        public static Tensor log_softmax(Tensor input, long dim, DType? dtype = null, Tensor? @out = null) => SoftmaxOut(SoftmaxImpl(input, dim, dtype, true), @out);

        /// <summary>out= must have the result's dtype exactly; PyTorch's softmax out= does not refuse inputs that require grad.</summary>
        private static Tensor SoftmaxOut(Tensor r, Tensor? @out)
        {
            if (@out is null) return r;
            using (no_grad()) return AdvancedIndexing.CopyOut(r.detach(), @out);
        }
    }

    public partial class Tensor
    {
        public Tensor softmax(long dim, DType? dtype = null) => torch.softmax(this, dim, dtype);
        public Tensor log_softmax(long dim, DType? dtype = null) => torch.log_softmax(this, dim, dtype);
    }
}

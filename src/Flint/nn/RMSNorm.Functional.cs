using Flint.Autograd;
using Flint.Ops.Kernels;
using static Flint.torch;

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        public static partial class functional
        {
            /// <summary>
            /// Root-mean-square normalization over the last dims (PyTorch's <c>F.rms_norm</c>):
            /// x / sqrt(mean(x², normalized dims) + eps) · weight, computed in float32 for float16/bfloat16 inputs.
            /// eps null is the machine epsilon of the dtype it is computed in.
            /// </summary>
            public static Tensor rms_norm(Tensor input, long[] normalized_shape, Tensor? weight = null, double? eps = null)
            {
                Normalizations.CheckNormalizedShape(input, normalized_shape, weight, null);
                if (!input.dtype.is_floating_point)
                    throw new NotSupportedException($"\"rms_norm\" not implemented for '{input.dtype.LegacyName}'");
                var dt = Fused.ComputeType(input.dtype);
                double e = eps ?? (dt == float64 ? Math.Pow(2, -52) : Math.Pow(2, -23));
                int k = normalized_shape.Length;
                var ishape = input.shape.ToArray();
                var dims = Enumerable.Range(ishape.Length - k, k).Select(i => (long)i).ToArray();
                // float16/bfloat16 (computed in float32, the weight applied in the input's dtype) and mixed dtypes
                // take PyTorch's composite as it is; one float32/float64 dtype takes the fused kernel
                if (input.dtype != dt || (weight is not null && (weight.dtype != dt || weight.device != input.device)))
                {
                    var x = input.to(dt);
                    var scale = rsqrt(x.pow(2).mean(dims, keepdim: true).add_(e));
                    var y = x.mul(scale).to(input.dtype);
                    return weight is null ? y : y.mul(weight);
                }
                long cols = normalized_shape.Aggregate(1L, (a, b) => a * b);
                long rows = ishape[..^k].Aggregate(1L, (a, b) => a * b);
                var xc = Fused.In(input, dt).reshape(rows, cols);
                var w = weight is null ? null : Fused.In(weight, dt).reshape(cols);
                var r = Fused.Out(ishape, dt, input);
                var rstd = Fused.Out([rows], dt, input);
                r.Backend.RmsNorm(xc, w, e, r, rstd);
                var lead = Enumerable.Range(0, ishape.Length - k).Select(i => (long)i).ToArray();
                return Normalizations.RmsNormDerivative.Record(r, [input, weight ?? Recording.Undefined],
                    (input, weight, normalized_shape, ishape, dims, lead, e, rows, cols, xc, w, rstd));
            }
        }
    }
}

internal static partial class Normalizations
{
    /// <summary>
    /// The backward of the fused rms_norm: one kernel, or (for gradients of gradients) the formula of
    /// differentiable ops. The node has the name PyTorch's composite rms_norm gives its result (its last op is a
    /// multiplication), so graphs read the same.
    /// </summary>
    internal static readonly NodeDerivative<(Tensor input, Tensor? weight, long[] normalized_shape, long[] ishape, long[] dims, long[] lead, double eps,
        long rows, long cols, Tensor x, Tensor? w, Tensor rstd)> RmsNormDerivative =
        NodeDerivative<(Tensor input, Tensor? weight, long[] normalized_shape, long[] ishape, long[] dims, long[] lead, double eps,
        long rows, long cols, Tensor x, Tensor? w, Tensor rstd)>.Joint("MulBackward0", (go, s) =>
        {
            var (input, weight, normalized_shape, ishape, dims, lead, eps, rows, cols, x, w, rstd) = s;
            if (Fused.Differentiable)
            {
                var r = rsqrt(input.pow(2).mean(dims, keepdim: true) + eps);
                var gy = weight is null ? go : go * weight;
                var gx = r * gy - input * r.pow(3) * (gy * input).mean(dims, keepdim: true);
                var gw = go * (input * r);
                return [input.requires_grad ? gx : null,
                        weight is { requires_grad: true } ? (lead.Length == 0 ? gw : gw.sum(lead)) : null];
            }
            var g = Fused.In(go, x.dtype).reshape(rows, cols);
            var gi = input.requires_grad ? Fused.Out(ishape, x.dtype, input) : null;
            var gwt = weight is { requires_grad: true } ? Fused.Out(normalized_shape, x.dtype, input) : null;
            g.Backend.RmsNormBackward(g, x, w, rstd, gi, gwt);
            return [gi, gwt];
        }, s => [s.input]);
}

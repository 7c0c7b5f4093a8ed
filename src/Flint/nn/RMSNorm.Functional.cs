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
                var x = input.to(dt);
                var dims = Enumerable.Range(input.dim() - normalized_shape.Length, normalized_shape.Length).Select(i => (long)i).ToArray();
                var scale = rsqrt(x.pow(2).mean(dims, keepdim: true).add_(e));
                var y = x.mul(scale).to(input.dtype);
                return weight is null ? y : y.mul(weight);
            }
        }
    }
}

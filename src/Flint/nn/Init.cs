namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>PyTorch's <c>torch.nn.init</c>: in-place initializers that draw from the same generator as PyTorch.</summary>
        public static class init
        {
            public static double calculate_gain(string nonlinearity, double? param = null)
            {
                switch (nonlinearity)
                {
                    case "linear": case "conv1d": case "conv2d": case "conv3d": case "conv_transpose1d":
                    case "conv_transpose2d": case "conv_transpose3d": case "sigmoid": return 1;
                    case "tanh": return 5.0 / 3;
                    case "relu": return Math.Sqrt(2.0);
                    case "leaky_relu":
                        double slope = param ?? 0.01;
                        return Math.Sqrt(2.0 / (1 + slope * slope));
                    case "selu": return 3.0 / 4;
                    default: throw new ArgumentException($"Unsupported nonlinearity {nonlinearity}");
                }
            }

            public static (long fan_in, long fan_out) _calculate_fan_in_and_fan_out(Tensor tensor)
            {
                if (tensor.dim() < 2)
                    throw new ArgumentException("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
                long receptive = 1;
                for (int i = 2; i < tensor.dim(); i++) receptive *= tensor.size(i);
                return (tensor.size(1) * receptive, tensor.size(0) * receptive);
            }

            public static Tensor uniform_(Tensor tensor, double a = 0, double b = 1, Generator? generator = null)
            { using var _ = no_grad(); return tensor.uniform_(a, b, generator); }

            public static Tensor normal_(Tensor tensor, double mean = 0, double std = 1, Generator? generator = null)
            { using var _ = no_grad(); return tensor.normal_(mean, std, generator); }

            public static Tensor constant_(Tensor tensor, Scalar val) { using var _ = no_grad(); return tensor.fill_(val); }
            public static Tensor zeros_(Tensor tensor) { using var _ = no_grad(); return tensor.zero_(); }
            public static Tensor ones_(Tensor tensor) { using var _ = no_grad(); return tensor.fill_(1); }

            public static Tensor eye_(Tensor tensor)
            {
                if (tensor.dim() != 2) throw new ArgumentException("Only tensors with 2 dimensions are supported");
                using var _ = no_grad();
                return tensor.copy_(eye(tensor.size(0), tensor.size(1), tensor.dtype));
            }

            public static Tensor xavier_uniform_(Tensor tensor, double gain = 1, Generator? generator = null)
            {
                var (fi, fo) = _calculate_fan_in_and_fan_out(tensor);
                double std = gain * Math.Sqrt(2.0 / (fi + fo));
                double a = Math.Sqrt(3.0) * std;
                return uniform_(tensor, -a, a, generator);
            }

            public static Tensor xavier_normal_(Tensor tensor, double gain = 1, Generator? generator = null)
            {
                var (fi, fo) = _calculate_fan_in_and_fan_out(tensor);
                return normal_(tensor, 0, gain * Math.Sqrt(2.0 / (fi + fo)), generator);
            }

            public static Tensor kaiming_uniform_(Tensor tensor, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? generator = null)
            {
                if (tensor.numel() == 0) return tensor;
                double std = calculate_gain(nonlinearity, a) / Math.Sqrt(Fans.Of(tensor, mode));
                double bound = Math.Sqrt(3.0) * std;
                return uniform_(tensor, -bound, bound, generator);
            }

            public static Tensor kaiming_normal_(Tensor tensor, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? generator = null)
            {
                if (tensor.numel() == 0) return tensor;
                double std = calculate_gain(nonlinearity, a) / Math.Sqrt(Fans.Of(tensor, mode));
                return normal_(tensor, 0, std, generator);
            }

            /// <summary>
            /// Fills with N(mean, std²) truncated to [a, b], as PyTorch: uniform draws between the normal CDF of the
            /// bounds, mapped back through erfinv, then clamped.
            /// </summary>
            public static Tensor trunc_normal_(Tensor tensor, double mean = 0, double std = 1, double a = -2, double b = 2, Generator? generator = null)
            {
                using var _ = no_grad();
                static double NormCdf(double x) => (1 + erf(torch.tensor(x / Math.Sqrt(2.0), float64)).item<double>()) / 2;
                double l = NormCdf((a - mean) / std), u = NormCdf((b - mean) / std);
                tensor.uniform_(2 * l - 1, 2 * u - 1, generator);
                tensor.erfinv_();
                tensor.mul_(std * Math.Sqrt(2.0));
                tensor.add_(mean);
                tensor.clamp_(a, b);
                return tensor;
            }
        }
    }
}

/// <summary>The fan (fan_in or fan_out) the Kaiming initializers scale by.</summary>
internal static class Fans
{
    internal static long Of(Tensor t, string mode)
    {
        var (fi, fo) = torch.nn.init._calculate_fan_in_and_fan_out(t);
        return mode switch
        {
            "fan_in" => fi,
            "fan_out" => fo,
            _ => throw new ArgumentException($"Mode {mode} not supported, please use one of ['fan_in', 'fan_out']"),
        };
    }
}

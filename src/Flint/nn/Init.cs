namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>PyTorch's <c>torch.nn.init</c>: in-place initializers that draw from the same generator as PyTorch.</summary>
        public static class init
        {
            /// <summary>The recommended gain for a nonlinearity (<c>"relu"</c>, <c>"tanh"</c>, <c>"leaky_relu"</c> with slope <paramref name="param"/>, ...), as <c>torch.nn.init.calculate_gain</c>.</summary>
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

            /// <summary>The fan-in and fan-out of a weight tensor (dims 1 and 0 times the receptive field), as PyTorch's <c>_calculate_fan_in_and_fan_out</c>.</summary>
            public static (long fan_in, long fan_out) _calculate_fan_in_and_fan_out(Tensor tensor)
            {
                if (tensor.dim() < 2)
                    throw new ArgumentException("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
                long receptive = 1;
                for (int i = 2; i < tensor.dim(); i++) receptive *= tensor.size(i);
                return (tensor.size(1) * receptive, tensor.size(0) * receptive);
            }

            /// <summary>Fills <paramref name="tensor"/> with samples of U(a, b) in place, as <c>torch.nn.init.uniform_</c>.</summary>
            public static Tensor uniform_(Tensor tensor, double a = 0, double b = 1, Generator? generator = null)
            { using var _ = no_grad(); return tensor.uniform_(a, b, generator); }

            /// <summary>Fills <paramref name="tensor"/> with samples of N(mean, std²) in place, as <c>torch.nn.init.normal_</c>.</summary>
            public static Tensor normal_(Tensor tensor, double mean = 0, double std = 1, Generator? generator = null)
            { using var _ = no_grad(); return tensor.normal_(mean, std, generator); }

            /// <summary>Fills <paramref name="tensor"/> with <paramref name="val"/> in place, as <c>torch.nn.init.constant_</c>.</summary>
            public static Tensor constant_(Tensor tensor, Scalar val) { using var _ = no_grad(); return tensor.fill_(val); }
            /// <summary>Fills <paramref name="tensor"/> with zeros in place, as <c>torch.nn.init.zeros_</c>.</summary>
            public static Tensor zeros_(Tensor tensor) { using var _ = no_grad(); return tensor.zero_(); }
            /// <summary>Fills <paramref name="tensor"/> with ones in place, as <c>torch.nn.init.ones_</c>.</summary>
            public static Tensor ones_(Tensor tensor) { using var _ = no_grad(); return tensor.fill_(1); }

            /// <summary>
            /// Fills with a (semi-)orthogonal matrix times gain, as PyTorch: the Q of the QR factorization of a normal
            /// draw (rows, numel / rows), its columns signed so R's diagonal is positive, so the same seed gives PyTorch's values.
            /// </summary>
            public static Tensor orthogonal_(Tensor tensor, double gain = 1, Generator? generator = null)
            {
                if (tensor.dim() < 2) throw new ArgumentException("Only tensors with 2 or more dimensions are supported");
                if (tensor.numel() == 0) return tensor;
                using var _ = no_grad();
                long rows = tensor.size(0), cols = tensor.numel() / rows;
                var flattened = empty([rows, cols], tensor.dtype, tensor.device).normal_(0, 1, generator);
                bool wide = rows < cols;
                if (wide) flattened = flattened.t();
                var q = Orthogonal.PositiveQ(flattened.to(float64).contiguous().ToArray<double>(), (int)flattened.size(0), (int)flattened.size(1));
                var qt = torch.tensor(q).reshape(flattened.size(0), flattened.size(1)).to(tensor.dtype);
                if (wide) qt = qt.t();
                tensor.view(qt.shape.ToArray()).copy_(qt);
                return tensor.mul_(gain);
            }

            /// <summary>Fills a 2-D tensor from N(0, std²), then zeroes ceil(sparsity rows) random rows of each column, as PyTorch draws them.</summary>
            public static Tensor sparse_(Tensor tensor, double sparsity, double std = 0.01, Generator? generator = null)
            {
                if (tensor.dim() != 2) throw new ArgumentException("Only tensors with 2 dimensions are supported");
                long rows = tensor.size(0), cols = tensor.size(1);
                long numZeros = (long)Math.Ceiling(sparsity * rows);
                using var _ = no_grad();
                tensor.normal_(0, std, generator);
                for (long c = 0; c < cols; c++)
                {
                    var zeroRows = randperm(rows).narrow(0, 0, numZeros);
                    tensor.select(1, c).index_fill_(0, zeroRows, 0);
                }
                return tensor;
            }

            /// <summary>Fills a 3-, 4- or 5-D convolution weight with the Dirac delta (identity per group), as PyTorch.</summary>
            public static Tensor dirac_(Tensor tensor, long groups = 1)
            {
                long dims = tensor.dim();
                if (dims < 3 || dims > 5) throw new ArgumentException("Only tensors with 3, 4, or 5 dimensions are supported");
                if (tensor.size(0) % groups != 0) throw new ArgumentException("dim 0 must be divisible by groups");
                long outPerGroup = tensor.size(0) / groups;
                long minDim = Math.Min(outPerGroup, tensor.size(1));
                using var _ = no_grad();
                tensor.zero_();
                for (long g = 0; g < groups; g++)
                    for (long d = 0; d < minDim; d++)
                    {
                        var cell = tensor.select(0, g * outPerGroup + d).select(0, d);
                        for (int k = 2; k < dims; k++) cell = cell.select(0, tensor.size(k) / 2);
                        cell.fill_(1);
                    }
                return tensor;
            }

            /// <summary>Fills a 2-dim <paramref name="tensor"/> with the identity matrix in place, as <c>torch.nn.init.eye_</c>.</summary>
            public static Tensor eye_(Tensor tensor)
            {
                if (tensor.dim() != 2) throw new ArgumentException("Only tensors with 2 dimensions are supported");
                using var _ = no_grad();
                return tensor.copy_(eye(tensor.size(0), tensor.size(1), tensor.dtype));
            }

            /// <summary>Fills <paramref name="tensor"/> with U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)), as <c>torch.nn.init.xavier_uniform_</c>.</summary>
            public static Tensor xavier_uniform_(Tensor tensor, double gain = 1, Generator? generator = null)
            {
                var (fi, fo) = _calculate_fan_in_and_fan_out(tensor);
                double std = gain * Math.Sqrt(2.0 / (fi + fo));
                double a = Math.Sqrt(3.0) * std;
                return uniform_(tensor, -a, a, generator);
            }

            /// <summary>Fills <paramref name="tensor"/> with N(0, std²), std = gain * sqrt(2 / (fan_in + fan_out)), as <c>torch.nn.init.xavier_normal_</c>.</summary>
            public static Tensor xavier_normal_(Tensor tensor, double gain = 1, Generator? generator = null)
            {
                var (fi, fo) = _calculate_fan_in_and_fan_out(tensor);
                return normal_(tensor, 0, gain * Math.Sqrt(2.0 / (fi + fo)), generator);
            }

            /// <summary>Fills <paramref name="tensor"/> with U(-bound, bound), bound = gain * sqrt(3 / fan), as <c>torch.nn.init.kaiming_uniform_</c>; <paramref name="mode"/> picks fan_in or fan_out.</summary>
            public static Tensor kaiming_uniform_(Tensor tensor, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? generator = null)
            {
                if (tensor.numel() == 0) return tensor;
                double std = calculate_gain(nonlinearity, a) / Math.Sqrt(Fans.Of(tensor, mode));
                double bound = Math.Sqrt(3.0) * std;
                return uniform_(tensor, -bound, bound, generator);
            }

            /// <summary>Fills <paramref name="tensor"/> with N(0, std²), std = gain / sqrt(fan), as <c>torch.nn.init.kaiming_normal_</c>.</summary>
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

/// <summary>The orthogonal factor of a QR factorization, by Householder reflections.</summary>
internal static class Orthogonal
{
    /// <summary>
    /// Q (m, n) of the reduced QR factorization of the row-major (m, n) matrix a, m ≥ n, with each column signed by
    /// its R diagonal entry (the one factorization whose R has a positive diagonal; a zero diagonal zeroes the column).
    /// </summary>
    internal static double[] PositiveQ(double[] a, int m, int n)
    {
        var vs = new double[n][];
        var diag = new double[n];
        for (int k = 0; k < n; k++)
        {
            double norm = 0;
            for (int i = k; i < m; i++) norm += a[i * n + k] * a[i * n + k];
            norm = Math.Sqrt(norm);
            var v = new double[m - k];
            if (norm == 0) { vs[k] = v; diag[k] = 0; continue; }
            double alpha = a[k * n + k] > 0 ? -norm : norm;
            for (int i = k; i < m; i++) v[i - k] = a[i * n + k];
            v[0] -= alpha;
            double vn = 0;
            foreach (var e in v) vn += e * e;
            vn = Math.Sqrt(vn);
            if (vn > 0) for (int i = 0; i < v.Length; i++) v[i] /= vn;
            for (int j = k; j < n; j++)
            {
                double dot = 0;
                for (int i = k; i < m; i++) dot += v[i - k] * a[i * n + j];
                for (int i = k; i < m; i++) a[i * n + j] -= 2 * v[i - k] * dot;
            }
            vs[k] = v;
            diag[k] = alpha;
        }
        var q = new double[m * n];
        for (int j = 0; j < n; j++) q[j * n + j] = 1;
        for (int k = n - 1; k >= 0; k--)
        {
            var v = vs[k];
            for (int j = 0; j < n; j++)
            {
                double dot = 0;
                for (int i = k; i < m; i++) dot += v[i - k] * q[i * n + j];
                for (int i = k; i < m; i++) q[i * n + j] -= 2 * v[i - k] * dot;
            }
        }
        for (int j = 0; j < n; j++)
        {
            double sign = Math.Sign(diag[j]);
            for (int i = 0; i < m; i++) q[i * n + j] *= sign;
        }
        return q;
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

using Flint.Autograd;
using Flint.Ops.Kernels;
using static Flint.torch;

namespace Flint.Ops.Linalg
{
    /// <summary>
    /// cdist, pdist and cosine_similarity: PyTorch's checks and messages, the direct p-norm route (pairwise differences
    /// in row blocks, so memory stays bounded), the matrix-product route of the Euclidean cdist, and their backward.
    /// </summary>
    internal static class Distances
    {
        /// <summary>The most elements of pairwise differences one block holds.</summary>
        private const long BlockElements = 1 << 22;

        /// <summary>cdist's direct route: the node of PyTorch's kernel, a gradient for each of the two point sets.</summary>
        internal static readonly NodeDerivative<(Tensor x1, Tensor x2, double p, Tensor dist)> Cdist = new("CdistBackward0", s => [s.x1, s.x2, s.dist],
            (g, s) => PairGradient(g, s.x1, s.x2, s.p, s.dist),
            (g, s) => PairGradient(g.mT, s.x2, s.x1, s.p, s.dist.mT));

        /// <summary>pdist's node: the upper triangle's gradient spread back to both rows of each pair.</summary>
        internal static readonly NodeDerivative<(Tensor x, double p, Tensor dist, Tensor pairs)> Pdist = new("PdistBackward0", s => [s.x, s.dist],
            (g, s) => PdistGradient(g, s.x, s.p, s.dist, s.pairs));

        /// <summary>
        /// d/da of sum(g ⊙ dist(a, b)) with dist[.., i, j] = ‖a_i − b_j‖_p: PyTorch's per-norm rules (p = 0 gives no gradient,
        /// zero distances give 0, p = ∞ passes the gradient to the coordinates that attain the maximum).
        /// </summary>
        private static Tensor PairGradient(Tensor g, Tensor a, Tensor b, double p, Tensor dist)
        {
            if (p == 0) return zeros_like(a);
            long rows = a._shape[^2];
            long per = Math.Max(1, BlockElements / Math.Max(1, b.numel()));
            var parts = new List<Tensor>();
            for (long i0 = 0; i0 < rows || parts.Count == 0; i0 += per)
            {
                long n = Math.Min(per, rows - i0);
                var gi = g.narrow(-2, i0, n).unsqueeze(-1);
                var di = dist.narrow(-2, i0, n).unsqueeze(-1);
                var diff = a.narrow(-2, i0, n).unsqueeze(-2) - b.unsqueeze(-3);
                var zero = zeros_like(diff);
                Tensor t;
                if (p == 1) t = gi * diff.sign();
                else if (p == 2) t = where(di.eq(0), zero, gi * diff / di);
                else if (double.IsPositiveInfinity(p)) t = gi * diff.sign() * diff.abs().eq(di).to(diff.dtype);
                else if (p < 2)
                {
                    var skip = p < 1 ? di.eq(0).logical_or(diff.eq(0)) : di.eq(0).expand(diff._shape);
                    t = where(skip, zero, diff.sign() * diff.abs().pow(p - 1) * gi / di.pow(p - 1));
                }
                else t = where(di.eq(0), zero, diff * diff.abs().pow(p - 2) * gi / di.pow(p - 1));
                parts.Add(t.sum(-2));
            }
            return parts.Count == 1 ? parts[0] : cat(parts, -2);
        }

        /// <summary>‖a_i − b_j‖_p for every pair, a [.., P, M] and b [.., R, M] with the same batch dims, in row blocks.</summary>
        private static Tensor Direct(Tensor a, Tensor b, double p)
        {
            long rows = a._shape[^2];
            long per = Math.Max(1, BlockElements / Math.Max(1, b.numel()));
            var parts = new List<Tensor>();
            for (long i0 = 0; i0 < rows || parts.Count == 0; i0 += per)
            {
                long n = Math.Min(per, rows - i0);
                var diff = a.narrow(-2, i0, n).unsqueeze(-2) - b.unsqueeze(-3);
                parts.Add(torch.norm(diff, p, -1));
            }
            return parts.Count == 1 ? parts[0] : cat(parts, -2);
        }

        /// <summary>
        /// The Euclidean distances through one matrix product, as PyTorch's _euclidean_dist: [-2a, ‖a‖², 1] times
        /// [b, 1, ‖b‖²]ᵀ, clamped at 1e-30 and square-rooted in place. Recorded step by step, as PyTorch's composite is.
        /// </summary>
        private static Tensor EuclideanByProduct(Tensor x1, Tensor x2)
        {
            var n1 = x1.pow(2).sum(-1, keepdim: true);
            var n2 = x2.pow(2).sum(-1, keepdim: true);
            var a = cat([x1.mul(-2), n1, ones_like(n1)], -1);
            var b = cat([x2, ones_like(n2), n2], -1);
            var r = a.matmul(b.mT);
            r.clamp_min_(1e-30).sqrt_();
            return r;
        }

        internal static Tensor CdistOf(Tensor x1, Tensor x2, double p, string? compute_mode)
        {
            int mode = compute_mode switch
            {
                null or "use_mm_for_euclid_dist_if_necessary" => 0,
                "use_mm_for_euclid_dist" => 1,
                "donot_use_mm_for_euclid_dist" => 2,
                _ => throw new ArgumentException($"{compute_mode} is not a valid value for compute_mode"),
            };
            if (x1.ndim < 2) throw new ArgumentException($"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D");
            if (x2.ndim < 2) throw new ArgumentException($"cdist only supports at least 2D tensors, X2 got: {x2.ndim}D");
            long c1 = x1._shape[^1], c2 = x2._shape[^1];
            if (c1 != c2) throw new ArgumentException($"X1 and X2 must have the same number of columns. X1: {c1} X2: {c2}");
            if (!x1.dtype.is_floating_point) throw new ArgumentException($"cdist only supports floating-point dtypes, X1 got: {x1.dtype.LegacyName}");
            if (!x2.dtype.is_floating_point) throw new ArgumentException($"cdist only supports floating-point dtypes, X2 got: {x2.dtype.LegacyName}");
            if (x1.dtype != x2.dtype)
                throw new ArgumentException($"expected scalar type {x1.dtype.LegacyName} but found {x2.dtype.LegacyName}");
            if (double.IsNaN(p) || p < 0) throw new ArgumentException("cdist only supports non-negative p values");
            long r1 = x1._shape[^2], r2 = x2._shape[^2];
            var batch = Shape.Broadcast(x1._shape.AsSpan(0, x1.ndim - 2), x2._shape.AsSpan(0, x2.ndim - 2));
            long[] outShape = [.. batch, r1, r2];
            var e1 = Expanded(x1, [.. batch, r1, c1]);
            var e2 = Expanded(x2, [.. batch, r2, c1]);
            if (r1 == 0 || r2 == 0 || c1 == 0)
            {
                var z = zeros(outShape, dtype: x1.dtype);
                return c1 == 0 && r1 > 0 && r2 > 0 ? Cdist.Record(z, [e1, e2], (e1, e2, p, z)) : z;
            }
            if (p == 2 && (mode == 1 || (mode == 0 && (r1 > 25 || r2 > 25))))
            {
                long bp = 1;
                foreach (var size in batch) bp *= size;
                return EuclideanByProduct(e1.reshape(bp, r1, c1), e2.reshape(bp, r2, c1)).view(outShape);
            }
            Tensor d;
            using (new GradModeScope(false)) d = Direct(e1, e2, p);
            return Cdist.Record(d, [e1, e2], (e1, e2, p, d));
        }

        /// <summary>The input expanded to <paramref name="shape"/> (recorded, so gradients sum back), or itself when it has it.</summary>
        private static Tensor Expanded(Tensor x, long[] shape) => x._shape.AsSpan().SequenceEqual(shape) ? x : x.expand(shape);

        internal static Tensor PdistOf(Tensor input, double p)
        {
            if (input.ndim != 2) throw new ArgumentException($"pdist only supports 2D tensors, got: {input.ndim}D");
            if (!input.dtype.is_floating_point) throw new ArgumentException("pdist only supports floating-point dtypes");
            if (double.IsNaN(p) || p < 0) throw new ArgumentException("pdist only supports non-negative p values");
            long n = input._shape[0];
            var pairs = UpperPairs(n);
            Tensor full, r;
            using (new GradModeScope(false))
            {
                full = n > 1 ? Direct(input, input, p) : zeros([n, n], dtype: input.dtype);
                r = full.reshape(-1).index_select(0, pairs);
            }
            return Pdist.Record(r, [input], (input, p, full, pairs));
        }

        /// <summary>The flat indices i·n + j of the pairs i &lt; j, in PyTorch's order (row by row).</summary>
        private static Tensor UpperPairs(long n)
        {
            long k = n * (n - 1) / 2;
            var idx = new long[k];
            long t = 0;
            for (long i = 0; i < n; i++)
                for (long j = i + 1; j < n; j++) idx[t++] = i * n + j;
            return tensor(idx);
        }

        private static Tensor PdistGradient(Tensor g, Tensor x, double p, Tensor dist, Tensor pairs)
        {
            long n = x._shape[0];
            if (n < 2) return zeros_like(x);
            var dense = zeros([n * n], dtype: g.dtype).index_add(0, pairs, g).view(n, n);
            return PairGradient(dense, x, x, p, dist) + PairGradient(dense.mT, x, x, p, dist.mT);
        }

        internal static Tensor CosineSimilarity(Tensor x1, Tensor x2, long dim, double eps)
        {
            var common = result_type(x1, x2);
            if (!common.is_floating_point) throw new ArgumentException($"expected common dtype to be floating point, yet common dtype is {common.LegacyName}");
            var shape = Shape.Broadcast(x1, x2);
            var a = Expanded(x1.dtype == common ? x1 : x1.to(common), shape);
            var b = Expanded(x2.dtype == common ? x2 : x2.to(common), shape);
            // PyTorch 2: each side divided by its norm, the norms clamped at eps outside autograd (the gradient goes
            // through the unclamped norm)
            var n1 = torch.norm(a, 2, dim, keepdim: true).clone();
            var n2 = torch.norm(b, 2, dim, keepdim: true).clone();
            using (new GradModeScope(false))
            {
                n1.clamp_min_(eps);
                n2.clamp_min_(eps);
            }
            return (a / n1 * (b / n2)).sum(dim);
        }

        internal static Tensor ChannelShuffle(Tensor input, long groups)
        {
            if (input.ndim <= 2)
                throw new ArgumentException($"channel_shuffle expects input with > 2 dims, but got input with sizes [{string.Join(", ", input._shape)}]");
            if (groups <= 0) throw new ArgumentException($"Number of groups to divide channels in must be positive. Value of groups:{groups}");
            long c = input._shape[1];
            if (c % groups != 0) throw new ArgumentException($"Number of channels must be divisible by groups. Got {c} channels and {groups} groups.");
            return input.reshape(input._shape[0], groups, c / groups, -1).permute(0, 2, 1, 3).contiguous().view(input._shape);
        }
    }
}

namespace Flint
{
    using Ops.Linalg;

    public static partial class torch
    {
        /// <summary>
        /// The p-norm distance between each row of <paramref name="x1"/> [*, P, M] and each row of <paramref name="x2"/>
        /// [*, R, M] (batch dims broadcast), as <c>torch.cdist</c>: [*, P, R]. For p = 2 a matrix product computes it
        /// when either side has more than 25 rows (compute_mode "use_mm_for_euclid_dist_if_necessary"), always
        /// ("use_mm_for_euclid_dist") or never ("donot_use_mm_for_euclid_dist").
        /// </summary>
        public static Tensor cdist(Tensor x1, Tensor x2, double p = 2.0, string? compute_mode = null) => Distances.CdistOf(x1, x2, p, compute_mode);

        /// <summary>The p-norm distance of every pair of rows i &lt; j of a 2-D input, row by row, as <c>torch.pdist</c>.</summary>
        public static Tensor pdist(Tensor input, double p = 2.0) => Distances.PdistOf(input, p);

        /// <summary>x1·x2 / (max(‖x1‖, eps) · max(‖x2‖, eps)) along <paramref name="dim"/> (inputs broadcast), as <c>torch.cosine_similarity</c>.</summary>
        public static Tensor cosine_similarity(Tensor x1, Tensor x2, long dim = 1, double eps = 1e-8) => Distances.CosineSimilarity(x1, x2, dim, eps);

        /// <summary>‖x1 − x2 + eps‖_p over the last dimension, as <c>torch.pairwise_distance</c>.</summary>
        public static Tensor pairwise_distance(Tensor x1, Tensor x2, double p = 2.0, double eps = 1e-6, bool keepdim = false) =>
            nn.functional.pairwise_distance(x1, x2, p, eps, keepdim);

        /// <summary>Splits the channels (dim 1) into <paramref name="groups"/> and interleaves them, as <c>torch.channel_shuffle</c>.</summary>
        public static Tensor channel_shuffle(Tensor input, long groups) => Distances.ChannelShuffle(input, groups);

        /// <summary>The same as <see cref="channel_shuffle"/>, as <c>torch.native_channel_shuffle</c>.</summary>
        public static Tensor native_channel_shuffle(Tensor input, long groups) => Distances.ChannelShuffle(input, groups);

        public static partial class nn
        {
            public static partial class functional
            {
                /// <summary>The cosine similarity along <paramref name="dim"/>, as <c>F.cosine_similarity</c>.</summary>
                public static Tensor cosine_similarity(Tensor x1, Tensor x2, long dim = 1, double eps = 1e-8) => Distances.CosineSimilarity(x1, x2, dim, eps);

                /// <summary>The p-norm distance of every pair of rows, as <c>F.pdist</c>.</summary>
                public static Tensor pdist(Tensor input, double p = 2.0) => Distances.PdistOf(input, p);

                /// <summary>Interleaves <paramref name="groups"/> groups of channels, as <c>F.channel_shuffle</c>.</summary>
                public static Tensor channel_shuffle(Tensor input, long groups) => Distances.ChannelShuffle(input, groups);

                /// <summary>The same as <see cref="channel_shuffle"/>, as <c>F.native_channel_shuffle</c>.</summary>
                public static Tensor native_channel_shuffle(Tensor input, long groups) => Distances.ChannelShuffle(input, groups);
            }
        }
    }
}

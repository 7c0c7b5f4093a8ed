using Flint.Ops.Kernels;
using static Flint.torch;
using LossReduction = Flint.Backends.LossReduction;

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        public static partial class functional
        {
            /// <summary>max(0, -target (input1 - input2) + margin), as PyTorch composes it.</summary>
            public static Tensor margin_ranking_loss(Tensor input1, Tensor input2, Tensor target, double margin = 0, string reduction = "mean")
            {
                Fused.Reduction(reduction);
                if (input1.dim() != input2.dim() || input1.dim() != target.dim())
                    throw new ArgumentException($"margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} ");
                return Losses.Reduce((-target * (input1 - input2) + margin).clamp_min_(0), reduction);
            }

            /// <summary>input where target is 1, max(0, margin - input) where it is -1.</summary>
            public static Tensor hinge_embedding_loss(Tensor input, Tensor target, double margin = 1.0, string reduction = "mean")
            {
                Fused.Reduction(reduction);
                var zeros = zeros_like(input);
                var marginClamp = (margin - input).clamp_min_(0);
                var outMargin = where(target.ne(1), marginClamp, zeros);
                var outSelf = where(target.ne(-1), input, zeros);
                return Losses.Reduce(outMargin + outSelf, reduction);
            }

            /// <summary>log(1 + exp(-target input)), one SoftMarginLossBackward0 node as PyTorch records it.</summary>
            public static Tensor soft_margin_loss(Tensor input, Tensor target, string reduction = "mean")
            {
                var red = Fused.Reduction(reduction);
                if (Autograd.Recording.Needs(target))
                    throw new InvalidOperationException("The function 'soft_margin_loss' is not differentiable with respect to argument 'target'. This input cannot have requires_grad True.");
                Tensor r;
                using (no_grad()) r = Losses.Reduce((-input * target).exp().log1p(), reduction);
                return MarginLosses.SoftMargin.Record(r, [input], (input, target, red));
            }

            /// <summary>1 - cos(x1, x2) where target is 1, max(0, cos(x1, x2) - margin) where it is -1.</summary>
            public static Tensor cosine_embedding_loss(Tensor input1, Tensor input2, Tensor target, double margin = 0, string reduction = "mean")
            {
                Fused.Reduction(reduction);
                long targDim = target.dim();
                if (targDim != 1 && targDim != 0) throw new ArgumentException("0D or 1D target tensor expected, multi-target not supported");
                if (targDim == 1 && (input1.dim() != 2 || input2.dim() != 2))
                    throw new ArgumentException($"1D target tensor expects 2D input tensors, but found inputs with sizes {MarginLosses.Sizes(input1)} and {MarginLosses.Sizes(input2)}.");
                if (targDim == 0 && (input1.dim() != 1 || input2.dim() != 1))
                    throw new ArgumentException($"0D target tensor expects 1D input tensors, but found inputs with sizes {MarginLosses.Sizes(input1)} and {MarginLosses.Sizes(input2)}.");
                const double Epsilon = 1e-12;
                var prodSum = (input1 * input2).sum(targDim);
                var mag1 = (input1 * input1).sum(targDim) + Epsilon;
                var mag2 = (input2 * input2).sum(targDim) + Epsilon;
                var denom = (mag1 * mag2).sqrt_();
                var cos = prodSum / denom;
                var zeros = zeros_like(cos);
                var pos = 1 - cos;
                var neg = (cos - margin).clamp_min_(0);
                var outPos = where(target.eq(1), pos, zeros);
                var outNeg = where(target.eq(-1), neg, zeros);
                return Losses.Reduce(outPos + outNeg, reduction);
            }

            /// <summary>The mean over classes of the binary cross entropy of logits, per sample.</summary>
            public static Tensor multilabel_soft_margin_loss(Tensor input, Tensor target, Tensor? weight = null, string reduction = "mean")
            {
                var loss = -(target * MarginLosses.LogSigmoid(input) + (1 - target) * MarginLosses.LogSigmoid(-input));
                if (weight is not null) loss = loss * weight;
                int classDim = (int)input.dim() - 1;
                long c = input.size(classDim);
                loss = loss.sum(classDim) / c;
                return reduction switch
                {
                    "none" => loss,
                    "mean" => loss.mean(),
                    "sum" => loss.sum(),
                    _ => throw new ArgumentException($"{reduction} is not valid"),
                };
            }

            /// <summary>
            /// Multi-class hinge loss: the sum over j ≠ y of max(0, margin - x[y] + x[j])^p (times weight[y]) over the
            /// class count, per sample; one MultiMarginLossBackward0 node.
            /// </summary>
            public static Tensor multi_margin_loss(Tensor input, Tensor target, long p = 1, double margin = 1, Tensor? weight = null, string reduction = "mean")
            {
                var red = Fused.Reduction(reduction);
                if (p != 1 && p != 2) throw new ArgumentException("only p == 1 and p == 2 supported");
                if (weight is not null && weight.dim() != 1) throw new ArgumentException("weight must be one-dimensional");
                long nd = input.dim();
                if (!(nd == 2 && input.size(1) != 0 || nd == 1 && input.size(0) != 0 || nd == 0))
                    throw new ArgumentException($"Expected non-empty vector or matrix with optional 0-dim batch size, but got: {MarginLosses.Sizes(input)}");
                long nframe = nd <= 1 ? 1 : input.size(0), dim = nd == 0 ? 1 : input.size((int)nd - 1);
                if (target.dim() > 1 || target.numel() != nframe)
                    throw new ArgumentException($"inconsistent target size, expected {nframe} but got {MarginLosses.Sizes(target)}");
                if (weight is not null && weight.numel() != dim)
                    throw new ArgumentException($"inconsistent weight size, expected {dim} but got {MarginLosses.Sizes(weight)}");
                if (weight is not null && Autograd.Recording.Needs(weight))
                    throw new InvalidOperationException("The function 'multi_margin_loss' is not differentiable with respect to argument 'weight'. This input cannot have requires_grad True.");
                var y = target.reshape(nframe);
                using (no_grad())
                    if (!y.is_meta && logical_or(y.lt(0), y.ge(dim)).any().item<bool>())
                        throw new ArgumentException("target out of range");
                var s = (input, y, p, margin, weight, red, nframe, dim, oneDim: reduction == "none" && target.dim() > 0);
                Tensor r;
                using (no_grad())
                {
                    var (z, active, _) = MarginLosses.MultiMarginTerms(s);
                    var h = where(active, p == 1 ? z : z * z, zeros_like(z));
                    if (weight is not null) h = h * weight.index_select(0, y).unsqueeze(1);
                    r = MarginLosses.Reduced(h.sum(1) / dim, red, s.oneDim);
                }
                return MarginLosses.MultiMargin.Record(r, [input], s);
            }

            /// <summary>
            /// Multi-label hinge loss: target rows hold class indices up to the first -1; the sum over those classes j
            /// and the other classes k of max(0, 1 - (x[j] - x[k])), over the class count; one MultilabelMarginLossBackward0 node.
            /// </summary>
            public static Tensor multilabel_margin_loss(Tensor input, Tensor target, string reduction = "mean")
            {
                var red = Fused.Reduction(reduction);
                long nd = input.dim();
                if (!(nd == 2 && input.size(1) != 0 || nd == 1 && input.size(0) != 0 || nd == 0))
                    throw new ArgumentException($"Expected non-empty vector or matrix with optional 0-dim batch size, but got: {MarginLosses.Sizes(input)}");
                long nframe = nd <= 1 ? 1 : input.size(0), dim = nd == 0 ? 1 : input.size((int)nd - 1);
                bool ok = nd <= 1 ? target.dim() <= 1 && target.numel() == dim : target.dim() == 2 && target.size(0) == nframe && target.size(1) == dim;
                if (!ok) throw new ArgumentException($"inconsistent target size: {MarginLosses.Sizes(target)} for input of size: {MarginLosses.Sizes(input)}");
                var t = target.reshape(nframe, dim);
                var (valid, isTarget) = MarginLosses.TargetMasks(t, dim);
                var safeT = where(valid, t, zeros_like(t));
                var s = (input, safeT, valid, isTarget, red, nframe, dim, oneDim: reduction == "none" && target.dim() > 1);
                Tensor r;
                using (no_grad())
                {
                    var (z, active) = MarginLosses.MultilabelTerms(s);
                    r = MarginLosses.Reduced(where(active, z, zeros_like(z)).sum([1, 2]) / dim, red, s.oneDim);
                }
                return MarginLosses.MultilabelMargin.Record(r, [input], s);
            }

            /// <summary>‖x1 - x2 + eps‖_p over the last dimension.</summary>
            public static Tensor pairwise_distance(Tensor x1, Tensor x2, double p = 2.0, double eps = 1e-6, bool keepdim = false)
            {
                long outDim = Math.Max(x1.dim(), x2.dim());
                return torch.norm(x1 - x2 + eps, p, outDim - 1, keepdim);
            }

            /// <summary>max(0, d(a, p) - d(a, n) + margin) with d the p-norm distance; swap uses d(p, n) when smaller.</summary>
            public static Tensor triplet_margin_loss(Tensor anchor, Tensor positive, Tensor negative, double margin = 1.0, double p = 2, double eps = 1e-6,
                bool swap = false, string reduction = "mean")
            {
                Fused.Reduction(reduction);
                MarginLosses.CheckTripletRanks(anchor, positive, negative);
                var distPos = pairwise_distance(anchor, positive, p, eps);
                var distNeg = pairwise_distance(anchor, negative, p, eps);
                if (swap) distNeg = minimum(distNeg, pairwise_distance(positive, negative, p, eps));
                return Losses.Reduce(clamp_min(margin + distPos - distNeg, 0), reduction);
            }

            /// <summary>The triplet loss with any distance (pairwise_distance when none is given).</summary>
            public static Tensor triplet_margin_with_distance_loss(Tensor anchor, Tensor positive, Tensor negative,
                Func<Tensor, Tensor, Tensor>? distance_function = null, double margin = 1.0, bool swap = false, string reduction = "mean")
            {
                Fused.Reduction(reduction);
                if (!(margin > 0)) throw new ArgumentException($"margin must be greater than 0, got {Printing.PyFormat.Repr(margin)}");
                MarginLosses.CheckTripletRanks(anchor, positive, negative);
                distance_function ??= (a, b) => pairwise_distance(a, b);
                var distPos = distance_function(anchor, positive);
                var distNeg = distance_function(anchor, negative);
                if (swap) distNeg = minimum(distNeg, distance_function(positive, negative));
                return Losses.Reduce(clamp_min(margin + distPos - distNeg, 0), reduction);
            }

            /// <summary>Poisson negative log likelihood; full adds Stirling's approximation of log(target!) for targets above 1.</summary>
            public static Tensor poisson_nll_loss(Tensor input, Tensor target, bool log_input = true, bool full = false, double eps = 1e-8, string reduction = "mean")
            {
                if (reduction != "none" && reduction != "mean" && reduction != "sum") throw new ArgumentException($"{reduction} is not valid");
                var loss = log_input ? input.exp() - target * input : input - target * (input + eps).log();
                if (full)
                {
                    var stirling = target * target.log() - target + 0.5 * (2 * Math.PI * target).log();
                    loss = loss + stirling.masked_fill(target.le(1), 0);
                }
                return Losses.Reduce(loss, reduction);
            }

            /// <summary>
            /// Gaussian negative log likelihood with one variance for every element, as PyTorch 2.x's
            /// <c>F.gaussian_nll_loss(input, target, var: float)</c>: the same as a var tensor shaped like input and filled
            /// with <paramref name="var"/> (a constant, without gradient).
            /// </summary>
            public static Tensor gaussian_nll_loss(Tensor input, Tensor target, double var, bool full = false, double eps = 1e-6, string reduction = "mean")
            {
                if (var < 0) throw new ArgumentException("var has negative entry/entries");
                return gaussian_nll_loss(input, target, full_like(input, var), full, eps, reduction);
            }

            /// <summary>
            /// Gaussian negative log likelihood with predicted variances; var may have input's shape, or lack its last
            /// dimension, or have 1 there (one variance per sample).
            /// </summary>
            public static Tensor gaussian_nll_loss(Tensor input, Tensor target, Tensor var, bool full = false, double eps = 1e-6, string reduction = "mean")
            {
                if (!var.shape.Equals(input.shape))
                {
                    var ins = input.shape.ToArray();
                    var vs = var.shape.ToArray();
                    if (ins.Length > 0 && ins.AsSpan(0, ins.Length - 1).SequenceEqual(vs)) var = var.unsqueeze(-1);
                    else if (!(ins.Length > 0 && vs.Length == ins.Length && ins.AsSpan(0, ins.Length - 1).SequenceEqual(vs.AsSpan(0, vs.Length - 1)) && vs[^1] == 1))
                        throw new ArgumentException("var is of incorrect size");
                }
                if (reduction != "none" && reduction != "mean" && reduction != "sum") throw new ArgumentException($"{reduction} is not valid");
                using (no_grad())
                    if (!var.is_meta && var.lt(0).any().item<bool>()) throw new ArgumentException("var has negative entry/entries");
                var = var.clone();
                using (no_grad()) var.clamp_(eps);
                var loss = 0.5 * (var.log() + (input - target).pow(2) / var);
                if (full) loss = loss + 0.5 * Math.Log(2 * Math.PI);
                return reduction switch { "mean" => loss.mean(), "sum" => loss.sum(), _ => loss };
            }
        }
    }
}

/// <summary>The margin losses' shared steps and the nodes of those PyTorch computes in one kernel.</summary>
internal static class MarginLosses
{
    /// <summary>A shape as PyTorch's C++ messages print it: [2, 3].</summary>
    internal static string Sizes(Tensor t) => "[" + string.Join(", ", t.shape.ToArray()) + "]";

    internal static Tensor LogSigmoid(Tensor x) => -nn.functional.softplus(-x);

    internal static void CheckTripletRanks(Tensor a, Tensor p, Tensor n)
    {
        if (a.dim() != p.dim() || p.dim() != n.dim())
            throw new ArgumentException($"The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor {a.dim()}D, positive {p.dim()}D, and negative {n.dim()}D inputs");
    }

    /// <summary>A per-sample loss (nframe) reduced: kept as (nframe) or as a 0-dim tensor for "none", as the kernel shapes it.</summary>
    internal static Tensor Reduced(Tensor perSample, LossReduction red, bool oneDim) => red switch
    {
        LossReduction.Mean => perSample.mean(),
        LossReduction.Sum => perSample.sum(),
        _ => oneDim ? perSample : perSample.reshape([]),
    };

    /// <summary>The incoming gradient of each sample (nframe, 1): itself unreduced, over nframe for a mean.</summary>
    private static Tensor PerSample(Tensor g, LossReduction red, long nframe) => red switch
    {
        LossReduction.None => g.reshape(nframe, 1),
        LossReduction.Mean => (g / nframe).expand(nframe, 1),
        _ => g.expand(nframe, 1),
    };

    internal static readonly NodeDerivative<(Tensor input, Tensor target, LossReduction red)> SoftMargin =
        new("SoftMarginLossBackward0", s => [s.input, s.target], (g, s) =>
        {
            var z = (-s.target * s.input).exp();
            var gi = -s.target * z / (1 + z);
            return s.red == LossReduction.Mean ? gi * (g / s.input.numel()) : gi * g;
        });

    /// <summary>z = margin - x[y] + x[j] per sample and class (nframe, dim), where it counts (z > 0, j ≠ y), and the one-hot of y.</summary>
    internal static (Tensor z, Tensor active, Tensor isY) MultiMarginTerms((Tensor input, Tensor y, long p, double margin, Tensor? weight, LossReduction red, long nframe, long dim, bool oneDim) s)
    {
        var x = s.input.reshape(s.nframe, s.dim);
        var isY = arange(s.dim, device: x.device).eq(s.y.unsqueeze(1));
        var z = x - x.gather(1, s.y.unsqueeze(1)) + s.margin;
        return (z, logical_and(z.gt(0), isY.logical_not()), isY);
    }

    internal static readonly NodeDerivative<(Tensor input, Tensor y, long p, double margin, Tensor? weight, LossReduction red, long nframe, long dim, bool oneDim)> MultiMargin =
        new("MultiMarginLossBackward0", s => s.weight is null ? [s.input, s.y] : [s.input, s.y, s.weight], (g, s) =>
        {
            var (z, active, isY) = MultiMarginTerms(s);
            var slope = s.p == 1 ? ones_like(z) : z * 2;
            var d = where(active, slope, zeros_like(z)) * (PerSample(g, s.red, s.nframe) / s.dim);
            if (s.weight is not null) d = d * s.weight.index_select(0, s.y).unsqueeze(1);
            var gi = d - where(isY, d.sum(1, keepdim: true).expand(s.nframe, s.dim), zeros_like(d));
            return gi.reshape(s.input.shape.ToArray());
        });

    /// <summary>Which target slots count (those before the first -1) and which classes are targets, per sample.</summary>
    internal static (Tensor valid, Tensor isTarget) TargetMasks(Tensor t, long dim)
    {
        var valid = t.ne(-1).to(int64).cumprod(1).to(@bool);
        var safe = where(valid, t, zeros_like(t));
        var isTarget = zeros([t.size(0), dim], int64, device: t.device).scatter_add(1, safe, valid.to(int64)).gt(0);
        return (valid, isTarget);
    }

    /// <summary>z = 1 - x[y_j] + x[k] for each sample, target slot j and class k (nframe, dim, dim), and where it counts.</summary>
    internal static (Tensor z, Tensor active) MultilabelTerms((Tensor input, Tensor safeT, Tensor valid, Tensor isTarget, LossReduction red, long nframe, long dim, bool oneDim) s)
    {
        var x = s.input.reshape(s.nframe, s.dim);
        var z = 1 - x.gather(1, s.safeT).unsqueeze(2) + x.unsqueeze(1);
        var counted = logical_and(s.valid.unsqueeze(2), s.isTarget.logical_not().unsqueeze(1));
        return (z, logical_and(counted, z.gt(0)));
    }

    internal static readonly NodeDerivative<(Tensor input, Tensor safeT, Tensor valid, Tensor isTarget, LossReduction red, long nframe, long dim, bool oneDim)> MultilabelMargin =
        new("MultilabelMarginLossBackward0", s => [s.input, s.safeT], (g, s) =>
        {
            var (z, active) = MultilabelTerms(s);
            var a = active.to(z.dtype) * (PerSample(g, s.red, s.nframe) / s.dim).unsqueeze(2);
            var gi = a.sum(1).scatter_add(1, s.safeT, -a.sum(2));
            return gi.reshape(s.input.shape.ToArray());
        });
}

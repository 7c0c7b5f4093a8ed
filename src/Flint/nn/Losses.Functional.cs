using Flint.Backends;
using Flint.Ops.Kernels;
using static Flint.torch;
using PointwiseLossSaved = (Flint.Tensor input, Flint.Tensor target, Flint.Backends.PointwiseLossKind kind, double param, Flint.Backends.LossReduction red,
    long[] shape, Flint.Tensor x, Flint.Tensor t, Flint.DType dt, Flint.DType outType);

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        public static partial class functional
        {
            /// <summary>Negative log likelihood of class indices given log-probabilities (N, C) or (N, C, d1, ...).</summary>
            public static Tensor nll_loss(Tensor input, Tensor target, Tensor? weight = null, long ignore_index = -100, string reduction = "mean")
            {
                if (weight is null && (reduction == "mean" || reduction == "sum") && Losses.NllFast(input, target, ignore_index, reduction == "mean") is { } fast)
                    return fast;
                if (input.dim() < 1) throw new ArgumentException($"Expected 1 or more dimensions (got {input.dim()})");
                bool unbatched = input.dim() == 1;
                if (unbatched) { input = input.unsqueeze(0); target = target.unsqueeze(0); }
                if (input.dim() == 2 && target.dim() > 1) throw new ArgumentException("0D or 1D target tensor expected, multi-target not supported");
                if (input.size(0) != target.size(0))
                    throw new ArgumentException($"Expected input batch_size ({input.size(0)}) to match target batch_size ({target.size(0)}).");
                if (weight is not null && Autograd.Recording.Needs(weight))
                    throw new InvalidOperationException("The function 'nll_loss_forward' is not differentiable with respect to argument 'weight'. This input cannot have requires_grad True.");
                // PyTorch's kernels (one for (N, C), one for spatial inputs) take floating log-probabilities only
                if (!input.dtype.is_floating_point)
                    throw new NotSupportedException($"\"{(input.dim() > 2 ? "nll_loss2d_forward_out_frame" : "nll_loss_out_frame")}\" not implemented for '{input.dtype.LegacyName}'");
                if (target.dtype != int64) throw new ArgumentException($"expected scalar type Long but found {target.dtype.LegacyName}");
                long c = input.size(1);
                var valid = target.ne(ignore_index);
                var safeTarget = where(valid, target, zeros_like(target));
                using (no_grad())
                if (!safeTarget.is_meta)   // the bounds check reads the targets: meta tensors have none to read
                {
                    var bad = logical_and(valid, logical_or(safeTarget.lt(0), safeTarget.ge(c)));
                    if (bad.any().item<bool>())
                        throw new IndexOutOfRangeException($"Target {safeTarget.masked_select(bad).select(0, 0).item<long>()} is out of bounds.");
                }
                // one NllLossBackward0 node, as PyTorch records it: the forward from primitives with history off, and
                // the gradient -w_i g_i (over the total weight for a mean) placed at each row's target class
                Tensor w, r;
                var original = input;
                using (no_grad())
                {
                    w = weight is null ? valid.to(input.dtype) : weight.index_select(0, safeTarget.reshape(-1)).reshape(safeTarget.shape.ToArray()) * valid.to(input.dtype);
                    // ignored rows give 0 (not -0), as PyTorch writes them
                    var loss = where(valid, -input.gather(1, safeTarget.unsqueeze(1)).squeeze(1) * w, zeros_like(w));
                    r = reduction switch
                    {
                        "mean" => loss.sum() / w.sum(),
                        "sum" => loss.sum(),
                        "none" => loss,
                        _ => throw new ArgumentException($"{reduction} is not a valid value for reduction"),
                    };
                    if (unbatched && reduction == "none") r = r.squeeze(0);
                }
                var index = safeTarget.unsqueeze(1);
                var batchedShape = input.shape.ToArray();
                var targetShape = safeTarget.shape.ToArray();
                // PyTorch runs (N, C) inputs through nll_loss and spatial ones through nll_loss2d, reshaping all but
                // (N, C, H, W) to four dims first: their unreduced losses are views of the 2d kernel's output
                bool spatial = input.dim() > 2, viewed = spatial && input.dim() != 4 && reduction == "none";
                if (viewed) r = r.reshape(input.size(0), 1, targetShape.Skip(1).Aggregate(1L, (a, b) => a * b));
                var node = (spatial ? Losses.NllLoss2dDerivative : Losses.NllLossDerivative)
                    .Record(r, [original], (reduction, targetShape, w, batchedShape, original, index, unbatched, target));
                return viewed ? node.view(targetShape) : node;
            }

            /// <summary>
            /// Cross entropy of logits (N, C) or (N, C, d1, ...) against class indices or class probabilities,
            /// with class weights, ignore_index and label smoothing as PyTorch.
            /// </summary>
            public static Tensor cross_entropy(Tensor input, Tensor target, Tensor? weight = null, long ignore_index = -100,
                string reduction = "mean", double label_smoothing = 0.0)
            {
                if (label_smoothing < 0 || label_smoothing > 1)
                    throw new ArgumentException($"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}");
                int classDim = input.dim() == 1 ? 0 : 1;
                var logp = log_softmax(input, classDim);
                long c = input.size(classDim);
                // class probabilities when the target has the input's shape (PyTorch's rule), class indices otherwise
                if (target.shape.Equals(input.shape))
                {
                    if (!target.dtype.is_floating_point)
                        throw new ArgumentException($"Expected floating point type for target with class probabilities, got {target.dtype.LegacyName}");
                    var t = label_smoothing > 0 ? target * (1 - label_smoothing) + label_smoothing / c : target;
                    var prod = logp * t;
                    if (weight is not null)
                    {
                        var ws = new long[input.dim()]; Array.Fill(ws, 1); ws[classDim] = c;
                        prod = prod * weight.reshape(ws);
                    }
                    var loss = -prod.sum(classDim);
                    // the mean over no elements is NaN, as PyTorch fills it
                    if (reduction == "mean" && input.numel() == 0) return -(prod.sum() * double.NaN);
                    return reduction switch
                    {
                        "mean" => input.dim() == 1 ? loss : Losses.DivByScalar(loss.sum(), input.numel() / c),
                        "sum" => -prod.sum(),
                        "none" => loss,
                        _ => throw new ArgumentException($"{reduction} is not a valid value for reduction"),
                    };
                }
                var nll = nll_loss(logp, target, weight, ignore_index, reduction);
                if (label_smoothing == 0) return nll;
                var valid = target.ne(ignore_index);
                Tensor smooth;
                if (weight is not null)
                {
                    var ws = new long[input.dim()]; Array.Fill(ws, 1); ws[classDim] = c;
                    smooth = -(logp * weight.reshape(ws)).sum(classDim);
                }
                else smooth = -logp.sum(classDim);
                smooth = smooth * valid.to(smooth.dtype);
                Tensor sr = reduction switch
                {
                    "mean" => weight is not null
                        ? smooth.sum() / weight.index_select(0, target.masked_select(valid)).sum()
                        : smooth.sum() / valid.sum(),
                    "sum" => smooth.sum(),
                    _ => smooth,
                };
                return nll * (1 - label_smoothing) + sr * (label_smoothing / c);
            }

            /// <summary>The mean squared error (or the sum, or each, by <paramref name="reduction"/>), as <c>F.mse_loss</c>.</summary>
            public static Tensor mse_loss(Tensor input, Tensor target, string reduction = "mean")
            {
                Losses.SameSize(input, target, "mse_loss");
                return Losses.PointwiseLoss(Losses.MseLossDerivative, Backends.PointwiseLossKind.Mse, input, target, reduction, 0);
            }

            /// <summary>The mean absolute error (or the sum, or each, by <paramref name="reduction"/>), as <c>F.l1_loss</c>.</summary>
            public static Tensor l1_loss(Tensor input, Tensor target, string reduction = "mean")
            {
                Losses.SameSize(input, target, "l1_loss");
                // composite, as PyTorch 2 records it (AbsBackward0, then MeanBackward0 or SumBackward0)
                return Losses.Reduce((input - target).abs(), reduction);
            }

            /// <summary>
            /// Smooth L1: 0.5 z² / beta below beta, z - 0.5 beta above, z = |input - target|. beta = 0 is the L1 loss (as
            /// PyTorch 2 routes it).
            /// </summary>
            public static Tensor smooth_l1_loss(Tensor input, Tensor target, string reduction = "mean", double beta = 1.0)
            {
                if (beta < 0) throw new ArgumentException("smooth_l1_loss does not support negative values for beta.");
                if (beta == 0) return l1_loss(input, target, reduction);
                Losses.SameSize(input, target, "smooth_l1_loss");
                return Losses.PointwiseLoss(Losses.SmoothL1LossDerivative, Backends.PointwiseLossKind.SmoothL1, input, target, reduction, beta);
            }

            /// <summary>Huber: 0.5 z² below delta, delta (z - 0.5 delta) above, z = |input - target|.</summary>
            public static Tensor huber_loss(Tensor input, Tensor target, string reduction = "mean", double delta = 1.0)
            {
                if (!(delta > 0)) throw new ArgumentException("huber_loss does not support non-positive values for delta.");
                Losses.SameSize(input, target, "huber_loss");
                return Losses.PointwiseLoss(Losses.HuberLossDerivative, Backends.PointwiseLossKind.Huber, input, target, reduction, delta);
            }

            /// <summary>Binary cross entropy of probabilities; logs are clamped at -100 as PyTorch.</summary>
            public static Tensor binary_cross_entropy(Tensor input, Tensor target, Tensor? weight = null, string reduction = "mean")
            {
                if (!input.shape.Equals(target.shape))
                    throw new ArgumentException($"Using a target size ({target.shape}) that is different to the input size ({input.shape}) is deprecated. Please ensure they have the same size.");
                if (weight is not null && Autograd.Recording.Needs(weight))
                    throw new InvalidOperationException("The function 'binary_cross_entropy' is not differentiable with respect to argument 'weight'. This input cannot have requires_grad True.");
                // one kernel dtype for input and target (PyTorch's iterator names the target's), floating only
                if (target.dtype != input.dtype)
                    throw new ArgumentException($"Found dtype {target.dtype.LegacyName} but expected {input.dtype.LegacyName}");
                if (!input.dtype.is_floating_point)
                    throw new NotSupportedException($"\"binary_cross_entropy\" not implemented for '{input.dtype.LegacyName}'");
                var red = Fused.Reduction(reduction);
                var dt = Fused.ComputeType(input.dtype);
                var shape = input.shape.ToArray();
                var x = Fused.In(input, dt);
                var t = Fused.In(target, dt);
                var w = weight is null ? null : Fused.Expanded(weight, shape, dt);
                var r = Fused.Out(Fused.ResultShape(red, shape), dt, input);
                r.Backend.BinaryCrossEntropy(x, t, w, red, r);
                r = Fused.As(r, input.dtype);
                // one node with the reduction inside, as PyTorch records it. Its gradients: (x - t) / max(x (1 - x), 1e-12)
                // for the input, log(1 - x) - log(x) for the target, over the element count for a mean
                return Losses.BinaryCrossEntropyDerivative.Record(r, [input, target], (input, target, weight, red, input.numel(), shape, dt, x, t, w));
            }

            /// <summary>Binary cross entropy of logits, computed stably; pos_weight scales the positive term.</summary>
            public static Tensor binary_cross_entropy_with_logits(Tensor input, Tensor target, Tensor? weight = null, string reduction = "mean", Tensor? pos_weight = null)
            {
                if (!input.shape.Equals(target.shape))
                    throw new ArgumentException($"Target size ({target.shape}) must be the same as input size ({input.shape})");
                if (weight is not null && Autograd.Recording.Needs(weight))
                    throw new InvalidOperationException("The function 'binary_cross_entropy_with_logits' is not differentiable with respect to argument 'weight'. This input cannot have requires_grad True.");
                if (pos_weight is not null && Autograd.Recording.Needs(pos_weight))
                    throw new InvalidOperationException("The function 'binary_cross_entropy_with_logits' is not differentiable with respect to argument 'pos_weight'. This input cannot have requires_grad True.");
                var red = Fused.Reduction(reduction);
                var outType = promote_types(input.dtype, target.dtype);
                if (!outType.is_floating_point)
                    throw new NotSupportedException($"\"binary_cross_entropy_with_logits\" not implemented for '{outType.LegacyName}'");
                var dt = Fused.ComputeType(outType);
                var shape = input.shape.ToArray();
                var x = Fused.In(input, dt);
                var t = Fused.In(target, dt);
                var w = weight is null ? null : Fused.Expanded(weight, shape, dt);
                var pw = pos_weight is null ? null : Fused.Expanded(pos_weight, shape, dt);
                var r = Fused.Out(Fused.ResultShape(red, shape), dt, input);
                r.Backend.BinaryCrossEntropyWithLogits(x, t, w, pw, red, r);
                r = Fused.As(r, outType);
                return Losses.BinaryCrossEntropyWithLogitsDerivative.Record(r, [input, target], (input, target, weight, pos_weight, red, input.numel(), shape, dt, x, t, w, pw, outType));
            }

            /// <summary>KL divergence with input as log-probabilities ("batchmean" divides by the batch size).</summary>
            public static Tensor kl_div(Tensor input, Tensor target, string reduction = "mean", bool log_target = false)
            {
                var loss = log_target ? target.exp() * (target - input) : where(target.eq(0), zeros_like(target), target * target.log()) - target * input;
                return reduction == "batchmean" ? (input.dim() == 0 ? loss.sum() : loss.sum() / input.size(0)) : Losses.Reduce(loss, reduction);
            }
        }
    }
}

/// <summary>The losses' shared steps (reduction, the fused kernels' cases) and the derivatives of their nodes.</summary>
internal static class Losses
{
    internal static Tensor Reduce(Tensor loss, string reduction) => reduction switch
    {
        "mean" => loss.mean(),
        "sum" => loss.sum(),
        "none" => loss,
        _ => throw new ArgumentException($"{reduction} is not a valid value for reduction"),
    };

    /// <summary>
    /// The common case as one kernel: float (N, C) log-probabilities, int64 (N) class indices, no class weights,
    /// a mean or a sum. Records one NllLossBackward0 node. Null when another case.
    /// </summary>
    internal static Tensor? NllFast(Tensor input, Tensor target, long ignoreIndex, bool mean)
    {
        if (input.dim() != 2 || target.dim() != 1 || target.dtype != int64) return null;
        if (input.dtype != float32 && input.dtype != float64) return null;
        if (input.device != target.device) return null;
        long n = input.size(0), c = input.size(1);
        if (n != target.size(0) || n > int.MaxValue || c > int.MaxValue || n * c > int.MaxValue) return null;
        var red = mean ? Backends.LossReduction.Mean : Backends.LossReduction.Sum;
        var x = Fused.In(input, input.dtype);
        var t = Fused.In(target, int64);
        var r = Fused.Out([], input.dtype, input);
        long count = r.Backend.NllLoss(x, t, ignoreIndex, red, r);
        if (!Autograd.Recording.Needs(input)) return r;
        double denom = mean ? count : 1;
        var dtype = input.dtype;
        return NllFastDerivative.Record(r, [input], (n, c, dtype, input, t, ignoreIndex, denom, target));
    }

    /// <summary>The general nll_loss: -w_i g_i (over the total weight for a mean) at each row's target class.</summary>
    internal static readonly NodeDerivative<(string reduction, long[] targetShape, Tensor w, long[] batchedShape, Tensor input, Tensor index, bool unbatched, Tensor target)> NllLossDerivative =
        new("NllLossBackward0", s => [s.target], (g, s) =>
        {
            var ge = s.reduction switch
            {
                "none" => g.reshape(s.targetShape),
                "mean" => (g / s.w.sum()).expand(s.targetShape),
                _ => g.expand(s.targetShape),
            };
            var gi = zeros(s.batchedShape, dtype: s.input.dtype, device: s.input.device).scatter(1, s.index, (-(ge * s.w)).unsqueeze(1));
            return s.unbatched ? gi.squeeze(0) : gi;
        });

    internal static readonly NodeDerivative<(string reduction, long[] targetShape, Tensor w, long[] batchedShape, Tensor input, Tensor index, bool unbatched, Tensor target)> NllLoss2dDerivative =
        NllLossDerivative.Named("NllLoss2DBackward0");

    /// <summary>nll_loss's one-kernel case: d loss / d input[i, t_i] = -1 / denom for the rows that count, zero elsewhere.</summary>
    internal static readonly NodeDerivative<(long n, long c, DType dtype, Tensor input, Tensor t, long ignoreIndex, double denom, Tensor target)> NllFastDerivative =
        new("NllLossBackward0", s => [s.target], (g, s) =>
        {
            // the gradient folds into the kernel's scale when it is a plain number (a meta gradient has no value to read)
            bool constant = (!Autograd.GradMode.IsEnabled || !g.requires_grad) && !g.is_meta;
            double scale = -(constant ? g.to(float64).item<double>() : 1.0) / s.denom;
            var m = Fused.Out([s.n, s.c], s.dtype, s.input);
            m.Backend.NllLossBackward(s.t, s.ignoreIndex, scale, m);
            return constant ? m : m * g;
        });

    /// <summary>t / n as PyTorch's C++ losses divide by a count: the Scalar overload's node (DivBackward1).</summary>
    internal static Tensor DivByScalar(Tensor t, long n)
    {
        Tensor q;
        using (no_grad()) q = t / n;
        return DivByScalarDerivative.Record(q, [t], n);
    }

    internal static readonly NodeDerivative<long> DivByScalarDerivative = new("DivBackward1", null, (g, n) => g / n);

    internal static void SameSize(Tensor input, Tensor target, string name)
    {
        if (!input.shape.Equals(target.shape))
            Console.Error.WriteLine($"UserWarning: Using a target size ({target.shape}) that is different to the input size ({input.shape}). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.");
        _ = name;
    }

    /// <summary>
    /// MSE, smooth L1 and Huber as one node and one kernel each, as PyTorch records them; a target of another
    /// shape is broadcast first (each gradient is summed back to its operand's shape). The backward is the slope
    /// of the loss in x = input - target, clipped outside the quadratic zone for smooth L1 and Huber, so an
    /// infinite or overflowing difference still gets its finite slope; a NaN difference gets a NaN gradient.
    /// </summary>
    internal static Tensor PointwiseLoss(NodeDerivative<PointwiseLossSaved> node, Backends.PointwiseLossKind kind, Tensor input, Tensor target, string reduction, double param)
    {
        var red = Fused.Reduction(reduction);
        var outType = promote_types(input.dtype, target.dtype);
        if (!outType.is_floating_point)
            throw new NotSupportedException($"\"{KernelName(kind)}\" not implemented for '{outType.LegacyName}'");
        var dt = Fused.ComputeType(outType);
        var shape = Shape.Broadcast(input, target);
        var x = Fused.Expanded(input, shape, dt);
        var t = Fused.Expanded(target, shape, dt);
        var r = Fused.Out(Fused.ResultShape(red, shape), dt, input);
        r.Backend.PointwiseLoss(kind, x, t, param, red, r);
        r = Fused.As(r, outType);
        return node.Record(r, [input, target], (input, target, kind, param, red, shape, x, t, dt, outType));
    }

    internal static readonly NodeDerivative<PointwiseLossSaved> MseLossDerivative = NodeDerivative<PointwiseLossSaved>.Joint("MseLossBackward0",
        (go, s) =>
        {
            var (input, target, kind, param, red, shape, x, t, dt, outType) = s;
            Tensor gx;
            if (Fused.Differentiable)
            {
                // a formula of differentiable ops, for gradients of gradients
                var d = input - target;
                var slope = kind switch
                {
                    Backends.PointwiseLossKind.Mse => d * 2.0,
                    Backends.PointwiseLossKind.SmoothL1 => (d / param).clamp(-1, 1),
                    _ => d.clamp(-param, param),
                };
                gx = slope * (red == Backends.LossReduction.Mean ? go / (double)Shape.Numel(shape) : go);
            }
            else
            {
                var g = Fused.In(go, dt);
                gx = Fused.Out(shape, dt, input);
                gx.Backend.PointwiseLossBackward(kind, g, x, t, param, red, gx);
                gx = Fused.As(gx, outType);
            }
            return [input.requires_grad ? Autograd.Recording.SumToShape(gx, input.shape.ToArray()).to(input.dtype) : null,
                    target.requires_grad ? Autograd.Recording.SumToShape(-gx, target.shape.ToArray()).to(target.dtype) : null];
        }, s => [s.input, s.target]);

    internal static readonly NodeDerivative<PointwiseLossSaved> SmoothL1LossDerivative = MseLossDerivative.Named("SmoothL1LossBackward0");
    internal static readonly NodeDerivative<PointwiseLossSaved> HuberLossDerivative = MseLossDerivative.Named("HuberLossBackward0");

    internal static string KernelName(Backends.PointwiseLossKind kind) => kind switch
    {
        Backends.PointwiseLossKind.Mse => "mse_cpu",
        Backends.PointwiseLossKind.SmoothL1 => "smooth_l1_cpu",
        _ => "huber_cpu",
    };

    /// <summary>
    /// One node with the reduction inside, as PyTorch records it. Its gradients: (x - t) / max(x (1 - x), 1e-12)
    /// for the input, log(1 - x) - log(x) for the target, over the element count for a mean.
    /// </summary>
    internal static readonly NodeDerivative<(Tensor input, Tensor target, Tensor? weight, LossReduction red, long count, long[] shape, DType dt, Tensor x, Tensor t, Tensor? w)> BinaryCrossEntropyDerivative =
        NodeDerivative<(Tensor input, Tensor target, Tensor? weight, LossReduction red, long count, long[] shape, DType dt, Tensor x, Tensor t, Tensor? w)>.Joint("BinaryCrossEntropyBackward0", (go, s) =>
        {
            var (input, target, weight, red, count, shape, dt, x, t, w) = s;
            Tensor? gi = null;
            if (input.requires_grad)
            {
                if (Fused.Differentiable)
                {
                    var g = red == Backends.LossReduction.Mean ? go / count : go;
                    gi = g * (input - target) / ((1 - input) * input).clamp_min(1e-12);
                    if (weight is not null) gi = gi * weight;
                }
                else
                {
                    gi = Fused.Out(shape, dt, input);
                    gi.Backend.BinaryCrossEntropyBackward(Fused.In(go, dt), x, t, w, red, gi);
                    gi = Fused.As(gi, input.dtype);
                }
            }
            Tensor? gt = null;
            if (target.requires_grad)
            {
                var g = red == Backends.LossReduction.Mean ? go / count : go;
                gt = g * ((1 - input).log().clamp_min(-100) - input.log().clamp_min(-100));
                if (weight is not null) gt = gt * weight;
            }
            return [gi, gt];
        }, s => [s.input, s.target]);

    internal static readonly NodeDerivative<(Tensor input, Tensor target, Tensor? weight, Tensor? pos_weight, LossReduction red, long count, long[] shape, DType dt, Tensor x, Tensor t, Tensor? w, Tensor? pw, DType outType)> BinaryCrossEntropyWithLogitsDerivative =
        NodeDerivative<(Tensor input, Tensor target, Tensor? weight, Tensor? pos_weight, LossReduction red, long count, long[] shape, DType dt, Tensor x, Tensor t, Tensor? w, Tensor? pw, DType outType)>.Joint("BinaryCrossEntropyWithLogitsBackward0", (go, s) =>
        {
            var (input, target, weight, pos_weight, red, count, shape, dt, x, t, w, pw, outType) = s;
            var grads = new Tensor?[2];
            var g = red == Backends.LossReduction.Mean ? go / count : go;
            if (input.requires_grad)
            {
                Tensor gi;
                if (Fused.Differentiable)
                {
                    // d/dx = (1 + (pw - 1) t) sigmoid(x) - pw t
                    gi = pos_weight is null
                        ? (input.sigmoid() - target) * g
                        : ((pos_weight * target + 1 - target) * input.sigmoid() - pos_weight * target) * g;
                    if (weight is not null) gi = gi * weight;
                }
                else
                {
                    gi = Fused.Out(shape, dt, input);
                    gi.Backend.BinaryCrossEntropyWithLogitsBackward(Fused.In(go, dt), x, t, w, pw, red, gi);
                    gi = Fused.As(gi, outType);
                }
                grads[0] = Autograd.Recording.SumToShape(gi, shape).to(input.dtype);
            }
            if (target.requires_grad)
            {
                // d/dt = -x + (pw - 1) log(1 + exp(-x))
                var gt = pos_weight is null ? -input * g : (-input + (pos_weight - 1) * torch.softplus(-input)) * g;
                if (weight is not null) gt = gt * weight;
                grads[1] = Autograd.Recording.SumToShape(gt, target.shape.ToArray()).to(target.dtype);
            }
            return grads;
        }, s => [s.input, s.target]);
}

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        public static partial class functional
        {
            private static Tensor Reduce(Tensor loss, string reduction) => reduction switch
            {
                "mean" => loss.mean(),
                "sum" => loss.sum(),
                "none" => loss,
                _ => throw new ArgumentException($"{reduction} is not a valid value for reduction"),
            };

            /// <summary>Negative log likelihood of class indices given log-probabilities (N, C) or (N, C, d1, ...).</summary>
            public static Tensor nll_loss(Tensor input, Tensor target, Tensor? weight = null, long ignore_index = -100, string reduction = "mean")
            {
                if (weight is null && (reduction == "mean" || reduction == "sum") && NllFast(input, target, ignore_index, reduction == "mean") is { } fast)
                    return fast;
                if (input.dim() < 1) throw new ArgumentException($"Expected 1 or more dimensions (got {input.dim()})");
                bool unbatched = input.dim() == 1;
                if (unbatched) { input = input.unsqueeze(0); target = target.unsqueeze(0); }
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
                    var loss = -input.gather(1, safeTarget.unsqueeze(1)).squeeze(1) * w;
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
                var node = Autograd.Recording.Record(r, spatial ? "NllLoss2DBackward0" : "NllLossBackward0", [original], g =>
                {
                    var ge = reduction switch
                    {
                        "none" => g.reshape(targetShape),
                        "mean" => (g / w.sum()).expand(targetShape),
                        _ => g.expand(targetShape),
                    };
                    var gi = zeros(batchedShape, dtype: original.dtype).scatter(1, index, (-(ge * w)).unsqueeze(1));
                    return [unbatched ? gi.squeeze(0) : gi];
                }, target);
                return viewed ? node.view(targetShape) : node;
            }

            /// <summary>
            /// The common case in one pass: contiguous float (N, C) CPU log-probabilities, contiguous int64 (N) class
            /// indices, no class weights, a mean or sum. Records one NllLossBackward0 node. Null when another case.
            /// </summary>
            private static Tensor? NllFast(Tensor input, Tensor target, long ignoreIndex, bool mean)
            {
                if (input.dim() != 2 || target.dim() != 1 || target.dtype != int64) return null;
                if (!Backends.HostMemory.IsHost(input._storage) || !Backends.HostMemory.IsHost(target._storage)) return null;
                if (input.dtype != float32 && input.dtype != float64) return null;
                if (!Tensor.HasContiguousStrides(input._shape, input._strides) || !Tensor.HasContiguousStrides(target._shape, target._strides)) return null;
                long n = input._shape[0], c = input._shape[1];
                if (n != target._shape[0] || n > int.MaxValue || c > int.MaxValue) return null;
                var t = Backends.HostMemory.Span<long>(target._storage).Slice((int)target._offset, (int)n);
                int count = 0;
                for (int i = 0; i < t.Length; i++)
                {
                    long k = t[i];
                    if (k == ignoreIndex) continue;
                    if (k < 0 || k >= c) throw new IndexOutOfRangeException($"Target {k} is out of bounds.");
                    count++;
                }
                double total = 0;
                int off = (int)input._offset, ci = (int)c;
                if (input.dtype == float32)
                {
                    var x = Backends.HostMemory.Span<float>(input._storage);
                    for (int i = 0; i < t.Length; i++) if (t[i] != ignoreIndex) total += x[off + i * ci + (int)t[i]];
                }
                else
                {
                    var x = Backends.HostMemory.Span<double>(input._storage);
                    for (int i = 0; i < t.Length; i++) if (t[i] != ignoreIndex) total += x[off + i * ci + (int)t[i]];
                }
                double denom = mean ? count : 1;
                var r = Tensor.Empty([], input.dtype, input.device);
                var rs = r._storage;
                if (input.dtype == float32) Backends.HostMemory.Span<float>(rs)[(int)r._offset] = (float)(-total / denom);
                else Backends.HostMemory.Span<double>(rs)[(int)r._offset] = -total / denom;
                if (!Autograd.Recording.Needs(input)) return r;
                var idx = t.ToArray();
                var dtype = input.dtype;
                // d loss / d input[i, t_i] = -1 / denom for the rows that count, zero elsewhere
                return Autograd.Recording.Record(r, "NllLossBackward0", [input], g =>
                {
                    bool constant = !Autograd.GradMode.IsEnabled || !g.requires_grad;
                    double scale = -(constant ? g.to(float64).item<double>() : 1.0) / denom;
                    var m = Tensor.Empty([n, c], dtype, Device.CPU);
                    var ms = m._storage;
                    if (dtype == float32)
                    {
                        var a = Backends.HostMemory.Span<float>(ms); a.Clear();
                        for (int i = 0; i < idx.Length; i++) if (idx[i] != ignoreIndex) a[i * ci + (int)idx[i]] = (float)scale;
                    }
                    else
                    {
                        var a = Backends.HostMemory.Span<double>(ms); a.Clear();
                        for (int i = 0; i < idx.Length; i++) if (idx[i] != ignoreIndex) a[i * ci + (int)idx[i]] = scale;
                    }
                    return [constant ? m : m * g];
                }, target);
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
                if (target.dtype.is_floating_point)
                {
                    if (!target.shape.Equals(input.shape))
                        throw new ArgumentException($"Expected target size {input.shape}, got {target.shape}");
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
                        "mean" => input.dim() == 1 ? loss : loss.sum() / (input.numel() / c),
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

            private static void SameSize(Tensor input, Tensor target, string name)
            {
                if (!input.shape.Equals(target.shape))
                    Console.Error.WriteLine($"UserWarning: Using a target size ({target.shape}) that is different to the input size ({input.shape}). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.");
                _ = name;
            }

            public static Tensor mse_loss(Tensor input, Tensor target, string reduction = "mean")
            {
                SameSize(input, target, "mse_loss");
                // one node, as PyTorch records it: the gradient 2 (input - target) g, over the element count for a mean
                return Autograd.Recording.Op("MseLossBackward0", [input, target], () =>
                {
                    var d = input - target;
                    return Reduce(d * d, reduction);
                }, (go, _) =>
                {
                    var d = input - target;
                    var gx = d * (reduction == "mean" ? go * (2.0 / d.numel()) : go * 2.0);
                    return [input.requires_grad ? Autograd.Recording.SumToShape(gx, input.shape.ToArray()) : null,
                            target.requires_grad ? Autograd.Recording.SumToShape(-gx, target.shape.ToArray()) : null];
                });
            }

            public static Tensor l1_loss(Tensor input, Tensor target, string reduction = "mean")
            {
                SameSize(input, target, "l1_loss");
                return Reduce((input - target).abs(), reduction);
            }

            /// <summary>
            /// Smooth L1: 0.5 z² / beta below beta, z - 0.5 beta above, z = |input - target|. beta = 0 is the L1 loss (as
            /// PyTorch 2 routes it).
            /// </summary>
            public static Tensor smooth_l1_loss(Tensor input, Tensor target, string reduction = "mean", double beta = 1.0)
            {
                if (beta < 0) throw new ArgumentException("smooth_l1_loss does not support negative values for beta.");
                if (beta == 0) return l1_loss(input, target, reduction);
                return PiecewiseLoss("SmoothL1LossBackward0", input, target, reduction, beta, huber: false);
            }

            /// <summary>Huber: 0.5 z² below delta, delta (z - 0.5 delta) above, z = |input - target|.</summary>
            public static Tensor huber_loss(Tensor input, Tensor target, string reduction = "mean", double delta = 1.0)
            {
                if (!(delta > 0)) throw new ArgumentException("huber_loss does not support non-positive values for delta.");
                return PiecewiseLoss("HuberLossBackward0", input, target, reduction, delta, huber: true);
            }

            /// <summary>
            /// Smooth L1 and Huber as one node each, as PyTorch records them. The backward is the slope of the loss in
            /// x = input - target, clipped outside the quadratic zone (±1 for smooth L1, ±delta for Huber), so an infinite
            /// or overflowing difference still gets its finite slope; a NaN difference gets a NaN gradient.
            /// </summary>
            private static Tensor PiecewiseLoss(string node, Tensor input, Tensor target, string reduction, double limit, bool huber)
            {
                SameSize(input, target, node);
                return Autograd.Recording.Op(node, [input, target], () =>
                {
                    var z = (input - target).abs();
                    var loss = huber
                        ? where(z.lt(limit), z * 0.5 * z, (z - 0.5 * limit) * limit)
                        : where(z.lt(limit), z * 0.5 * z / limit, z - 0.5 * limit);
                    return Reduce(loss, reduction);
                }, (g, _) =>
                {
                    // the slope x / beta (Huber: x) clamped to ±1 (Huber: ±delta); clamp keeps NaN
                    var x = input - target;
                    var slope = huber ? x.clamp(-limit, limit) : (x / limit).clamp(-1, 1);
                    var gx = slope * (reduction == "mean" ? g / x.numel() : g);
                    return [input.requires_grad ? Autograd.Recording.SumToShape(gx, input.shape.ToArray()) : null,
                            target.requires_grad ? Autograd.Recording.SumToShape(-gx, target.shape.ToArray()) : null];
                });
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
                // NaN is outside [0, 1] too
                using (no_grad())
                    if (logical_not(logical_and(input.ge(0), input.le(1))).any().item<bool>())
                        throw new ArgumentException("all elements of input should be between 0 and 1");
                Tensor loss;
                using (no_grad())
                {
                    var logp = input.log().clamp_min(-100);
                    var log1mp = (1 - input).log().clamp_min(-100);
                    loss = -(target * logp + (1 - target) * log1mp);
                    if (weight is not null) loss = loss * weight;
                    loss = Reduce(loss, reduction);
                }
                // one node with the reduction inside, as PyTorch records it. Its gradients: (x - t) / max(x (1 - x), 1e-12)
                // for the input, log(1 - x) - log(x) for the target, over the element count for a mean
                var w = weight;
                long count = input.numel();
                return Autograd.Recording.Record(loss, "BinaryCrossEntropyBackward0", [input, target], go =>
                {
                    var g = reduction == "mean" ? go / count : go;
                    var gi = input.requires_grad ? g * (input - target) / ((1 - input) * input).clamp_min(1e-12) : null;
                    var gt = target.requires_grad ? g * ((1 - input).log().clamp_min(-100) - input.log().clamp_min(-100)) : null;
                    if (w is not null) { if (gi is not null) gi = gi * w; if (gt is not null) gt = gt * w; }
                    return [gi is null ? null : Autograd.Recording.SumToShape(gi, input.shape.ToArray()),
                            gt is null ? null : Autograd.Recording.SumToShape(gt, target.shape.ToArray())];
                }, input, target);
            }

            /// <summary>Binary cross entropy of logits, computed stably; pos_weight scales the positive term.</summary>
            public static Tensor binary_cross_entropy_with_logits(Tensor input, Tensor target, Tensor? weight = null, string reduction = "mean", Tensor? pos_weight = null)
            {
                if (!input.shape.Equals(target.shape))
                    throw new ArgumentException($"Target size ({target.shape}) must be the same as input size ({input.shape})");
                // (1 - t) x + (1 + (pw - 1) t) * log(1 + exp(-x)), with log(1 + exp(-x)) = softplus(-x)
                var sp = torch.softplus(-input);
                Tensor loss = pos_weight is null
                    ? (1 - target) * input + sp
                    : (1 - target) * input + (1 + (pos_weight - 1) * target) * sp;
                if (weight is not null) loss = loss * weight;
                return Reduce(loss, reduction);
            }

            /// <summary>KL divergence with input as log-probabilities ("batchmean" divides by the batch size).</summary>
            public static Tensor kl_div(Tensor input, Tensor target, string reduction = "mean", bool log_target = false)
            {
                var loss = log_target ? target.exp() * (target - input) : where(target.eq(0), zeros_like(target), target * target.log()) - target * input;
                return reduction == "batchmean" ? (input.dim() == 0 ? loss.sum() : loss.sum() / input.size(0)) : Reduce(loss, reduction);
            }
        }
    }
}

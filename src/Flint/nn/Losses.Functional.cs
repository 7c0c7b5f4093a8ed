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
                if (input.dim() < 1) throw new ArgumentException($"input tensor should be 1D or more");
                if (target.dtype != int64) throw new ArgumentException($"expected scalar type Long but found {target.dtype.LegacyName}");
                bool unbatched = input.dim() == 1;
                if (unbatched) { input = input.unsqueeze(0); target = target.unsqueeze(0); }
                if (input.size(0) != target.size(0))
                    throw new ArgumentException($"Expected input batch_size ({input.size(0)}) to match target batch_size ({target.size(0)}).");
                long c = input.size(1);
                var valid = target.ne(ignore_index);
                var safeTarget = where(valid, target, zeros_like(target));
                using (no_grad())
                {
                    var bad = logical_and(valid, logical_or(safeTarget.lt(0), safeTarget.ge(c)));
                    if (bad.any().item<bool>())
                        throw new IndexOutOfRangeException($"Target {safeTarget.masked_select(bad).select(0, 0).item<long>()} is out of bounds.");
                }
                var picked = -input.gather(1, safeTarget.unsqueeze(1)).squeeze(1);
                var w = weight is null ? valid.to(input.dtype) : weight.index_select(0, safeTarget.reshape(-1)).reshape(safeTarget.shape.ToArray()) * valid.to(input.dtype);
                var loss = picked * w;
                Tensor r = reduction switch
                {
                    "mean" => loss.sum() / w.sum(),
                    "sum" => loss.sum(),
                    "none" => loss,
                    _ => throw new ArgumentException($"{reduction} is not a valid value for reduction"),
                };
                return unbatched && reduction == "none" ? r.squeeze(0) : r;
            }

            /// <summary>
            /// The common case in one pass: contiguous float (N, C) CPU log-probabilities, contiguous int64 (N) class
            /// indices, no class weights, a mean or sum. Records one NllLossBackward0 node. Null when another case.
            /// </summary>
            private static Tensor? NllFast(Tensor input, Tensor target, long ignoreIndex, bool mean)
            {
                if (input.dim() != 2 || target.dim() != 1 || target.dtype != int64) return null;
                if (input._storage is not CpuStorage ist || target._storage is not CpuStorage tst) return null;
                if (input.dtype != float32 && input.dtype != float64) return null;
                if (!Tensor.HasContiguousStrides(input._shape, input._strides) || !Tensor.HasContiguousStrides(target._shape, target._strides)) return null;
                long n = input._shape[0], c = input._shape[1];
                if (n == 0 || n != target._shape[0] || n > int.MaxValue || c > int.MaxValue) return null;
                var t = tst.Span<long>().Slice((int)target._offset, (int)n);
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
                    var x = ist.Span<float>();
                    for (int i = 0; i < t.Length; i++) if (t[i] != ignoreIndex) total += x[off + i * ci + (int)t[i]];
                }
                else
                {
                    var x = ist.Span<double>();
                    for (int i = 0; i < t.Length; i++) if (t[i] != ignoreIndex) total += x[off + i * ci + (int)t[i]];
                }
                double denom = mean ? count : 1;
                var r = Tensor.Empty([], input.dtype);
                var rs = (CpuStorage)r._storage;
                if (input.dtype == float32) rs.Span<float>()[(int)r._offset] = (float)(-total / denom);
                else rs.Span<double>()[(int)r._offset] = -total / denom;
                if (!Autograd.Recording.Needs(input)) return r;
                var idx = t.ToArray();
                var dtype = input.dtype;
                // d loss / d input[i, t_i] = -1 / denom for the rows that count, zero elsewhere
                return Autograd.Recording.Record(r, "NllLossBackward0", [input], g =>
                {
                    bool constant = !Autograd.GradMode.IsEnabled || !g.requires_grad;
                    double scale = -(constant ? g.to(float64).item<double>() : 1.0) / denom;
                    var m = Tensor.Empty([n, c], dtype);
                    var ms = (CpuStorage)m._storage;
                    if (dtype == float32)
                    {
                        var a = ms.Span<float>(); a.Clear();
                        for (int i = 0; i < idx.Length; i++) if (idx[i] != ignoreIndex) a[i * ci + (int)idx[i]] = (float)scale;
                    }
                    else
                    {
                        var a = ms.Span<double>(); a.Clear();
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
                    return reduction switch
                    {
                        "mean" => input.dim() == 1 ? loss : loss.sum() / (input.numel() / c),
                        "sum" => loss.sum(),
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
                var d = input - target;
                return Reduce(d * d, reduction);
            }

            public static Tensor l1_loss(Tensor input, Tensor target, string reduction = "mean")
            {
                SameSize(input, target, "l1_loss");
                return Reduce((input - target).abs(), reduction);
            }

            public static Tensor smooth_l1_loss(Tensor input, Tensor target, string reduction = "mean", double beta = 1.0)
            {
                if (beta < 0) throw new ArgumentException("smooth_l1_loss does not support negative values for beta.");
                if (beta == 0) return l1_loss(input, target, reduction);
                var d = (input - target).abs();
                return Reduce(where(d.lt(beta), d * d * (0.5 / beta), d - 0.5 * beta), reduction);
            }

            public static Tensor huber_loss(Tensor input, Tensor target, string reduction = "mean", double delta = 1.0)
            {
                var d = (input - target).abs();
                return Reduce(where(d.lt(delta), d * d * 0.5, (d - 0.5 * delta) * delta), reduction);
            }

            /// <summary>Binary cross entropy of probabilities; logs are clamped at -100 as PyTorch.</summary>
            public static Tensor binary_cross_entropy(Tensor input, Tensor target, Tensor? weight = null, string reduction = "mean")
            {
                if (!input.shape.Equals(target.shape))
                    throw new ArgumentException($"Using a target size ({target.shape}) that is different to the input size ({input.shape}) is deprecated. Please ensure they have the same size.");
                using (no_grad())
                    if (lt(input, 0).any().item<bool>() || gt(input, 1).any().item<bool>())
                        throw new ArgumentException("all elements of input should be between 0 and 1");
                Tensor loss;
                using (no_grad())
                {
                    var logp = input.log().clamp_min(-100);
                    var log1mp = (1 - input).log().clamp_min(-100);
                    loss = -(target * logp + (1 - target) * log1mp);
                    if (weight is not null) loss = loss * weight;
                }
                // PyTorch's gradients: (x - t) / max(x (1 - x), 1e-12) for the input, log(1 - x) - log(x) for the target
                var w = weight;
                loss = Autograd.Recording.Record(loss, "BinaryCrossEntropyBackward0", [input, target], g =>
                {
                    var gi = input.requires_grad ? g * (input - target) / ((1 - input) * input).clamp_min(1e-12) : null;
                    var gt = target.requires_grad ? g * ((1 - input).log().clamp_min(-100) - input.log().clamp_min(-100)) : null;
                    if (w is not null) { if (gi is not null) gi = gi * w; if (gt is not null) gt = gt * w; }
                    return [gi is null ? null : Autograd.Recording.SumToShape(gi, input.shape.ToArray()),
                            gt is null ? null : Autograd.Recording.SumToShape(gt, target.shape.ToArray())];
                }, input, target);
                return Reduce(loss, reduction);
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

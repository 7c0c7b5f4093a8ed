namespace Flint;

public static partial class torch
{
    public static partial class optim
    {
        /// <summary>PyTorch's <c>torch.optim.lr_scheduler</c>.</summary>
        public static class lr_scheduler
        {
            /// <summary>The base of epoch-based schedulers: <c>step()</c> once per epoch after the optimizer's step.</summary>
            public abstract class LRScheduler
            {
                protected readonly Optimizers.Optimizer optimizer;
                protected readonly double[] base_lrs;
                public long last_epoch { get; protected set; }
                private double[] lastLr;

                protected LRScheduler(Optimizers.Optimizer optimizer, long last_epoch = -1)
                {
                    this.optimizer = optimizer;
                    foreach (var g in optimizer.param_groups) g.options.TryAdd("initial_lr", g.lr);
                    base_lrs = optimizer.param_groups.Select(g => g["initial_lr"]).ToArray();
                    this.last_epoch = last_epoch;
                    lastLr = base_lrs;
                    Advance();
                }

                /// <summary>The learning rates per group for the current epoch, from the previous ones (PyTorch's chainable form).</summary>
                protected abstract double[] get_lr();

                public void step()
                {
                    Advance();
                }

                private void Advance()
                {
                    last_epoch++;
                    var lrs = get_lr();
                    for (int i = 0; i < lrs.Length; i++) optimizer.param_groups[i].lr = lrs[i];
                    lastLr = lrs;
                }

                public double[] get_last_lr() => (double[])lastLr.Clone();
                protected double[] Current => optimizer.param_groups.Select(g => g.lr).ToArray();
            }

            public sealed class StepLR(Optimizers.Optimizer optimizer, long step_size, double gamma = 0.1, long last_epoch = -1) : LRScheduler(optimizer, last_epoch)
            {
                protected override double[] get_lr() =>
                    last_epoch == 0 || last_epoch % step_size != 0 ? Current : Current.Select(l => l * gamma).ToArray();
            }

            public sealed class MultiStepLR(Optimizers.Optimizer optimizer, long[] milestones, double gamma = 0.1, long last_epoch = -1) : LRScheduler(optimizer, last_epoch)
            {
                protected override double[] get_lr()
                {
                    int hits = milestones.Count(m => m == last_epoch);
                    return hits == 0 ? Current : Current.Select(l => l * Math.Pow(gamma, hits)).ToArray();
                }
            }

            public sealed class ExponentialLR(Optimizers.Optimizer optimizer, double gamma, long last_epoch = -1) : LRScheduler(optimizer, last_epoch)
            {
                protected override double[] get_lr() => last_epoch == 0 ? Current : Current.Select(l => l * gamma).ToArray();
            }

            public sealed class LambdaLR(Optimizers.Optimizer optimizer, Func<long, double> lr_lambda, long last_epoch = -1) : LRScheduler(optimizer, last_epoch)
            {
                protected override double[] get_lr() => base_lrs.Select(b => b * lr_lambda(last_epoch)).ToArray();
            }

            public sealed class CosineAnnealingLR(Optimizers.Optimizer optimizer, long T_max, double eta_min = 0, long last_epoch = -1) : LRScheduler(optimizer, last_epoch)
            {
                protected override double[] get_lr()
                {
                    var cur = Current;
                    if (last_epoch == 0) return cur;
                    var r = new double[cur.Length];
                    for (int i = 0; i < r.Length; i++)
                    {
                        if ((last_epoch - 1 - T_max) % (2 * T_max) == 0)
                            r[i] = cur[i] + (base_lrs[i] - eta_min) * (1 - Math.Cos(Math.PI / T_max)) / 2;
                        else
                            r[i] = (1 + Math.Cos(Math.PI * last_epoch / T_max)) / (1 + Math.Cos(Math.PI * (last_epoch - 1) / T_max)) * (cur[i] - eta_min) + eta_min;
                    }
                    return r;
                }
            }

            /// <summary>The 1cycle policy (PyTorch's OneCycleLR, cosine annealing, two phases); step after every batch.</summary>
            public sealed class OneCycleLR : LRScheduler
            {
                private readonly double[] maxLrs;
                private readonly long totalSteps;
                private readonly double pctStart, divFactor, finalDivFactor;
                private readonly bool cosine;

                public OneCycleLR(Optimizers.Optimizer optimizer, double max_lr, long? total_steps = null, long? epochs = null, long? steps_per_epoch = null,
                    double pct_start = 0.3, string anneal_strategy = "cos", double div_factor = 25, double final_div_factor = 1e4, long last_epoch = -1)
                    : base(Prepare(optimizer, max_lr, div_factor), last_epoch)
                {
                    maxLrs = optimizer.param_groups.Select(_ => max_lr).ToArray();
                    totalSteps = total_steps ?? (epochs is { } e && steps_per_epoch is { } s ? e * s
                        : throw new ArgumentException("You must define either total_steps OR (epochs AND steps_per_epoch)"));
                    pctStart = pct_start; divFactor = div_factor; finalDivFactor = final_div_factor;
                    cosine = anneal_strategy switch { "cos" => true, "linear" => false, _ => throw new ArgumentException($"anneal_strategy must by one of 'cos' or 'linear', instead got {anneal_strategy}") };
                    // the base constructor already applied step 0 before these fields were set: apply it again
                    this.last_epoch = -1;
                    step();
                }

                private static Optimizers.Optimizer Prepare(Optimizers.Optimizer o, double maxLr, double div)
                {
                    foreach (var g in o.param_groups) { g.options["initial_lr"] = maxLr / div; g.lr = maxLr / div; }
                    return o;
                }

                private double Anneal(double start, double end, double pct) =>
                    cosine ? end + (start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1) : (end - start) * pct + start;

                protected override double[] get_lr()
                {
                    if (totalSteps == 0) return Current;
                    if (last_epoch > totalSteps)
                        throw new InvalidOperationException($"Tried to step {last_epoch} times. The specified number of total steps is {totalSteps}");
                    double phase1End = pctStart * totalSteps - 1, phase2End = totalSteps - 1;
                    var r = new double[maxLrs.Length];
                    for (int i = 0; i < r.Length; i++)
                    {
                        double initial = maxLrs[i] / divFactor, min = initial / finalDivFactor;
                        r[i] = last_epoch <= phase1End
                            ? Anneal(initial, maxLrs[i], last_epoch / phase1End)
                            : Anneal(maxLrs[i], min, (last_epoch - phase1End) / (phase2End - phase1End));
                    }
                    return r;
                }
            }

            /// <summary>Lowers the learning rate when a metric stops improving; call <c>step(metric)</c>.</summary>
            public sealed class ReduceLROnPlateau
            {
                private readonly Optimizers.Optimizer optimizer;
                private readonly string mode, thresholdMode;
                private readonly double factor, threshold, eps;
                private readonly long patience, cooldown;
                private readonly double[] minLrs;
                private double best;
                private long badEpochs, cooldownCounter;
                public long last_epoch { get; private set; }

                public ReduceLROnPlateau(Optimizers.Optimizer optimizer, string mode = "min", double factor = 0.1, long patience = 10,
                    double threshold = 1e-4, string threshold_mode = "rel", long cooldown = 0, double min_lr = 0, double eps = 1e-8)
                {
                    if (factor >= 1.0) throw new ArgumentException("Factor should be < 1.0.");
                    if (mode != "min" && mode != "max") throw new ArgumentException($"mode {mode} is unknown!");
                    if (threshold_mode != "rel" && threshold_mode != "abs") throw new ArgumentException($"threshold mode {threshold_mode} is unknown!");
                    this.optimizer = optimizer; this.mode = mode; this.factor = factor; this.patience = patience;
                    this.threshold = threshold; thresholdMode = threshold_mode; this.cooldown = cooldown; this.eps = eps;
                    minLrs = optimizer.param_groups.Select(_ => min_lr).ToArray();
                    best = mode == "min" ? double.PositiveInfinity : double.NegativeInfinity;
                }

                private bool IsBetter(double a) => (mode, thresholdMode) switch
                {
                    ("min", "rel") => a < best * (1 - threshold),
                    ("min", _) => a < best - threshold,
                    ("max", "rel") => a > best * (threshold + 1),
                    _ => a > best + threshold,
                };

                public void step(double metrics)
                {
                    last_epoch++;
                    if (IsBetter(metrics)) { best = metrics; badEpochs = 0; } else badEpochs++;
                    if (cooldownCounter > 0) { cooldownCounter--; badEpochs = 0; }
                    if (badEpochs > patience)
                    {
                        for (int i = 0; i < optimizer.param_groups.Count; i++)
                        {
                            var g = optimizer.param_groups[i];
                            double newLr = Math.Max(g.lr * factor, minLrs[i]);
                            if (g.lr - newLr > eps) g.lr = newLr;
                        }
                        cooldownCounter = cooldown; badEpochs = 0;
                    }
                }

                public double[] get_last_lr() => optimizer.param_groups.Select(g => g.lr).ToArray();
            }
        }
    }
}

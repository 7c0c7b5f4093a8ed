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

                protected LRScheduler(Optimizers.Optimizer optimizer, long last_epoch = -1) : this(optimizer, last_epoch, initialStep: true) { }

                /// <summary>With <paramref name="initialStep"/> false the derived constructor calls <see cref="InitialStep"/> once its fields are set.</summary>
                protected LRScheduler(Optimizers.Optimizer optimizer, long last_epoch, bool initialStep)
                {
                    this.optimizer = optimizer;
                    foreach (var g in optimizer.param_groups) g.options.TryAdd("initial_lr", g.lr);
                    base_lrs = optimizer.param_groups.Select(g => g["initial_lr"]).ToArray();
                    this.last_epoch = last_epoch;
                    lastLr = base_lrs;
                    if (initialStep) Advance();
                }

                /// <summary>PyTorch's initial step: applies the lr of epoch last_epoch + 1.</summary>
                protected void InitialStep() => Advance();

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

            /// <summary>
            /// The 1cycle policy (PyTorch's OneCycleLR): the lr rises from max_lr/div_factor to max_lr and anneals to
            /// initial_lr/final_div_factor (two phases, or three with three_phase), while momentum (or Adam's beta1)
            /// cycles the opposite way between max_momentum and base_momentum. Step after every batch.
            /// </summary>
            public sealed class OneCycleLR : LRScheduler
            {
                private readonly long totalSteps;
                private readonly bool cosine, cycleMomentum, useBeta1;
                private readonly (double endStep, string startLr, string endLr, string startMom, string endMom)[] phases;

                public OneCycleLR(Optimizers.Optimizer optimizer, double max_lr, long? total_steps = null, long? epochs = null, long? steps_per_epoch = null,
                    double pct_start = 0.3, string anneal_strategy = "cos", double div_factor = 25, double final_div_factor = 1e4,
                    bool three_phase = false, bool cycle_momentum = true, double base_momentum = 0.85, double max_momentum = 0.95, long last_epoch = -1)
                    : base(optimizer, last_epoch, initialStep: false)
                {
                    if (total_steps is null && (epochs is null || steps_per_epoch is null))
                        throw new ArgumentException("You must define either total_steps OR (epochs AND steps_per_epoch)");
                    if (total_steps is { } ts)
                    {
                        if (ts <= 0) throw new ArgumentException($"Expected positive integer total_steps, but got {ts}");
                        totalSteps = ts;
                    }
                    else
                    {
                        if (epochs <= 0) throw new ArgumentException($"Expected positive integer epochs, but got {epochs}");
                        if (steps_per_epoch <= 0) throw new ArgumentException($"Expected positive integer steps_per_epoch, but got {steps_per_epoch}");
                        totalSteps = epochs!.Value * steps_per_epoch!.Value;
                    }
                    phases = three_phase
                        ?
                        [
                            (pct_start * totalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                            (2 * pct_start * totalSteps - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                            (totalSteps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
                        ]
                        :
                        [
                            (pct_start * totalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                            (totalSteps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
                        ];
                    if (pct_start < 0 || pct_start > 1 || double.IsNaN(pct_start))
                        throw new ArgumentException($"Expected float between 0 and 1 pct_start, but got {Printing.PyFormat.Repr(pct_start)}");
                    cosine = anneal_strategy switch
                    {
                        "cos" => true,
                        "linear" => false,
                        _ => throw new ArgumentException($"anneal_strategy must by one of 'cos' or 'linear', instead got {anneal_strategy}"),
                    };
                    if (last_epoch == -1)
                        foreach (var g in optimizer.param_groups)
                        {
                            g.options["initial_lr"] = max_lr / div_factor;
                            g.options["max_lr"] = max_lr;
                            g.options["min_lr"] = max_lr / div_factor / final_div_factor;
                        }
                    cycleMomentum = cycle_momentum;
                    if (cycle_momentum)
                    {
                        var first = optimizer.param_groups[0].options;
                        if (!first.ContainsKey("momentum") && !first.ContainsKey("betas"))
                            throw new ArgumentException("optimizer must support momentum with `cycle_momentum` option enabled");
                        useBeta1 = first.ContainsKey("betas");
                        if (last_epoch == -1)
                            foreach (var g in optimizer.param_groups)
                            {
                                if (useBeta1) g.betas = (max_momentum, g.betas.beta2); else g.options["momentum"] = max_momentum;
                                g.options["max_momentum"] = max_momentum;
                                g.options["base_momentum"] = base_momentum;
                            }
                    }
                    InitialStep();
                }

                private double Anneal(double start, double end, double pct) =>
                    cosine ? end + (start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1) : (end - start) * pct + start;

                protected override double[] get_lr()
                {
                    long stepNum = last_epoch;
                    if (stepNum > totalSteps)
                        throw new InvalidOperationException($"Tried to step {stepNum + 1} times. The specified number of total steps is {totalSteps}");
                    var r = new double[optimizer.param_groups.Count];
                    for (int gi = 0; gi < r.Length; gi++)
                    {
                        var g = optimizer.param_groups[gi];
                        double start = 0;
                        for (int i = 0; i < phases.Length; i++)
                        {
                            var ph = phases[i];
                            if (stepNum <= ph.endStep || i == phases.Length - 1)
                            {
                                double pct = (stepNum - start) / (ph.endStep - start);
                                r[gi] = Anneal(g[ph.startLr], g[ph.endLr], pct);
                                if (cycleMomentum)
                                {
                                    double mom = Anneal(g[ph.startMom], g[ph.endMom], pct);
                                    if (useBeta1) g.betas = (mom, g.betas.beta2); else g.options["momentum"] = mom;
                                }
                                break;
                            }
                            start = ph.endStep;
                        }
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

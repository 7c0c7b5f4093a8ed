using V = Flint.Optimizers.StateDictValues;

namespace Flint;

public static partial class torch
{
    public static partial class optim
    {
        public static partial class lr_scheduler
        {
            /// <summary>
            /// Cyclical learning rates (PyTorch's CyclicLR): the lr cycles between base_lr and max_lr, rising over
            /// step_size_up batches and falling over step_size_down, the amplitude kept ("triangular"), halved each cycle
            /// ("triangular2") or scaled by gamma^iteration ("exp_range"); with cycle_momentum the momentum (or Adam's
            /// beta1) cycles the opposite way between max_momentum and base_momentum. Step after every batch.
            /// </summary>
            public sealed class CyclicLR : LRScheduler
            {
                private double[] maxLrs, baseMomentums = [], maxMomentums = [];
                private double totalSize, stepRatio, gamma;
                private string mode, scaleMode;
                private bool cycleMomentum, useBeta1;

                /// <summary>Cycles the learning rate between <paramref name="base_lr"/> and <paramref name="max_lr"/>, as <c>torch.optim.lr_scheduler.CyclicLR</c>.</summary>
                public CyclicLR(Optimizers.Optimizer optimizer, double base_lr, double max_lr, double step_size_up = 2000, double? step_size_down = null,
                    string mode = "triangular", double gamma = 1.0, bool cycle_momentum = true, double base_momentum = 0.8, double max_momentum = 0.9,
                    long last_epoch = -1)
                    : base(StartAt(optimizer, base_lr, last_epoch), last_epoch, initialStep: false)
                {
                    var groups = optimizer.param_groups;
                    var baseLrs = groups.Select(_ => base_lr).ToArray();
                    maxLrs = groups.Select(_ => max_lr).ToArray();
                    double down = step_size_down ?? step_size_up;
                    totalSize = step_size_up + down;
                    stepRatio = step_size_up / totalSize;
                    if (mode is not ("triangular" or "triangular2" or "exp_range")) throw new ArgumentException("mode is invalid and scale_fn is None");
                    this.mode = mode;
                    this.gamma = gamma;
                    scaleMode = mode == "exp_range" ? "iterations" : "cycle";
                    cycleMomentum = cycle_momentum;
                    if (cycle_momentum)
                    {
                        var first = groups[0].options;
                        if (!first.ContainsKey("momentum") && !first.ContainsKey("betas"))
                            throw new ArgumentException("optimizer must support momentum or beta1 with `cycle_momentum` option enabled");
                        useBeta1 = first.ContainsKey("betas");
                        baseMomentums = groups.Select(_ => base_momentum).ToArray();
                        maxMomentums = groups.Select(_ => max_momentum).ToArray();
                        if (last_epoch == -1)
                            foreach (var g in groups)
                            {
                                SetMomentum(g, max_momentum);
                                g.options["max_momentum"] = max_momentum;
                                g.options["base_momentum"] = base_momentum;
                            }
                    }
                    // as PyTorch, the initial step still uses the groups' initial_lr; base_lr applies from then on
                    base_lrs = groups.Select(g => g["initial_lr"]).ToArray();
                    InitialStep();
                    base_lrs = baseLrs;
                }

                /// <summary>As PyTorch, a fresh schedule sets the groups' lr to base_lr before the base records initial_lr.</summary>
                private static Optimizers.Optimizer StartAt(Optimizers.Optimizer optimizer, double base_lr, long last_epoch)
                {
                    if (last_epoch == -1) foreach (var g in optimizer.param_groups) g.lr = base_lr;
                    return optimizer;
                }

                private void SetMomentum(Optimizers.ParamGroup g, double m)
                {
                    if (useBeta1) g.betas = (m, g.betas.beta2); else g.options["momentum"] = m;
                }

                private double Scale(double x) => mode switch
                {
                    "triangular" => 1.0,
                    "triangular2" => 1 / Math.Pow(2.0, x - 1),
                    _ => Math.Pow(gamma, x),
                };

                /// <inheritdoc/>
                protected override double[] get_lr()
                {
                    double cycle = Math.Floor(1 + last_epoch / totalSize);
                    double x = 1.0 + last_epoch / totalSize - cycle;
                    double factor = x <= stepRatio ? x / stepRatio : (x - 1) / (stepRatio - 1);
                    double scale = Scale(scaleMode == "cycle" ? cycle : last_epoch);
                    var lrs = new double[base_lrs.Length];
                    for (int i = 0; i < lrs.Length; i++) lrs[i] = base_lrs[i] + (maxLrs[i] - base_lrs[i]) * factor * scale;
                    if (cycleMomentum)
                        for (int i = 0; i < optimizer.param_groups.Count; i++)
                            SetMomentum(optimizer.param_groups[i], maxMomentums[i] - (maxMomentums[i] - baseMomentums[i]) * factor * scale);
                    return lrs;
                }

                /// <summary>PyTorch's entries (its attributes but the optimizer and the scale function).</summary>
                private protected override void SaveFields(Dictionary<string, object?> d)
                {
                    d["max_lrs"] = List(maxLrs); d["total_size"] = totalSize; d["step_ratio"] = stepRatio; d["mode"] = mode; d["gamma"] = gamma;
                    d["_scale_fn_custom"] = null; d["scale_mode"] = scaleMode; d["cycle_momentum"] = cycleMomentum;
                    if (cycleMomentum) { d["use_beta1"] = useBeta1; d["base_momentums"] = List(baseMomentums); d["max_momentums"] = List(maxMomentums); }
                }

                private protected override Action LoadFields(Dictionary<string, object?> d)
                {
                    var mx = Field(d, "max_lrs", maxLrs, PerGroup);
                    double ts = Field(d, "total_size", totalSize, V.Float), sr = Field(d, "step_ratio", stepRatio, V.Float), ga = Field(d, "gamma", gamma, V.Float);
                    string md = Field(d, "mode", mode, V.Str), sm = Field(d, "scale_mode", scaleMode, V.Str);
                    if (md is not ("triangular" or "triangular2" or "exp_range")) throw new ArgumentException("mode is invalid and scale_fn is None");
                    bool cm = Field(d, "cycle_momentum", cycleMomentum, V.Bool), b1 = Field(d, "use_beta1", useBeta1, V.Bool);
                    var bm = Field(d, "base_momentums", baseMomentums, PerGroup);
                    var mm = Field(d, "max_momentums", maxMomentums, PerGroup);
                    return () =>
                    {
                        maxLrs = mx; totalSize = ts; stepRatio = sr; gamma = ga; mode = md; scaleMode = sm;
                        cycleMomentum = cm; useBeta1 = b1; baseMomentums = bm; maxMomentums = mm;
                    };
                }
            }
        }
    }
}

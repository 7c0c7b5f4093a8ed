using System.Collections;
using Flint.Optimizers;
using V = Flint.Optimizers.StateDictValues;

namespace Flint;

public static partial class torch
{
    public static partial class optim
    {
        /// <summary>PyTorch's <c>torch.optim.lr_scheduler</c>.</summary>
        public static partial class lr_scheduler
        {
            /// <summary>The base of epoch-based schedulers: <c>step()</c> once per epoch after the optimizer's step.</summary>
            public abstract class LRScheduler
            {
                /// <summary>The optimizer whose learning rates the scheduler sets.</summary>
                protected readonly Optimizers.Optimizer optimizer;
                /// <summary>The learning rate of each parameter group when the scheduler started.</summary>
                protected double[] base_lrs;
                /// <summary>The number of <c>step()</c> calls so far (-1 before the first), as <c>scheduler.last_epoch</c>.</summary>
                public long last_epoch { get; protected internal set; }
                private double[] lastLr;
                private long stepCount;

                /// <summary>A scheduler of <paramref name="optimizer"/>'s learning rates, resuming after <paramref name="last_epoch"/> steps.</summary>
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

                /// <summary>The initial step again, after a composite scheduler took one epoch back (SequentialLR).</summary>
                internal void InitialStepAgain() { stepCount = 0; step(); }

                /// <summary>The learning rates per group for the current epoch, from the previous ones (PyTorch's chainable form).</summary>
                protected abstract double[] get_lr();

                /// <summary>Advances the schedule by one step and sets the new learning rates, as <c>scheduler.step()</c>.</summary>
                public virtual void step()
                {
                    Advance();
                }

                private void Advance()
                {
                    stepCount++;
                    last_epoch++;
                    Apply(get_lr());
                }

                /// <summary>PyTorch's deprecated <c>step(epoch)</c>: jumps to <paramref name="epoch"/>, through the closed form where the schedule has one.</summary>
                internal virtual void StepTo(long epoch)
                {
                    stepCount++;
                    last_epoch = epoch;
                    Apply(ClosedForm() ?? get_lr());
                }

                /// <summary>The learning rates of epoch last_epoch from base_lrs alone (PyTorch's <c>_get_closed_form_lr</c>), or null.</summary>
                private protected virtual double[]? ClosedForm() => null;

                /// <summary>Sets each group's learning rate and the last ones.</summary>
                private protected void Apply(double[] lrs)
                {
                    for (int i = 0; i < lrs.Length; i++) optimizer.param_groups[i].lr = lrs[i];
                    lastLr = lrs;
                }

                /// <summary>Sets what <see cref="get_last_lr"/> returns.</summary>
                private protected void SetLastLr(double[] lrs) => lastLr = lrs;

                internal Optimizers.Optimizer Optimizer => optimizer;

                /// <summary>The learning rates the last step set, as <c>scheduler.get_last_lr()</c>.</summary>
                public double[] get_last_lr() => (double[])lastLr.Clone();
                /// <summary>The learning rates the parameter groups have now.</summary>
                protected double[] Current => optimizer.param_groups.Select(g => g.lr).ToArray();

                /// <summary>
                /// The scheduler's state as PyTorch's <c>state_dict()</c> lays it out (its attributes but the
                /// optimizer): the schedule's own settings, then base_lrs, last_epoch, _step_count and _last_lr.
                /// </summary>
                public virtual Dictionary<string, object?> state_dict()
                {
                    var d = new Dictionary<string, object?>();
                    SaveFields(d);
                    d["base_lrs"] = List(base_lrs);
                    d["last_epoch"] = last_epoch;
                    d["verbose"] = false;
                    d["_step_count"] = stepCount;
                    d["_get_lr_called_within_step"] = false;
                    d["_last_lr"] = List(lastLr);
                    SaveLateFields(d);
                    return d;
                }

                /// <summary>
                /// Restores a state saved by <see cref="state_dict"/> (Flint's or PyTorch's, as <c>torch.load</c> reads
                /// it). As PyTorch, entries replace the scheduler's attributes of the same name and entries it does not
                /// know are ignored; the learning rates themselves come from the optimizer's state dict. Nothing changes
                /// when the state dict is refused.
                /// </summary>
                /// <exception cref="ArgumentException">An entry has the wrong type, or a per-group list does not have one
                /// value per parameter group.</exception>
                public virtual void load_state_dict(IReadOnlyDictionary<string, object?> state_dict)
                {
                    ArgumentNullException.ThrowIfNull(state_dict);
                    var d = V.StringDict(state_dict, "scheduler state dict");
                    var baseLrs = d.TryGetValue("base_lrs", out var b) ? PerGroup(b, "base_lrs") : base_lrs;
                    var last = d.TryGetValue("_last_lr", out var l) ? PerGroup(l, "_last_lr") : lastLr;
                    long epoch = d.TryGetValue("last_epoch", out var e) ? V.Int(e, "last_epoch") : last_epoch;
                    long count = d.TryGetValue("_step_count", out var c) ? V.Int(c, "_step_count") : stepCount;
                    var apply = LoadFields(d);
                    base_lrs = baseLrs; lastLr = last; last_epoch = epoch; stepCount = count;
                    apply();
                }

                /// <summary>A list of one float per parameter group.</summary>
                private protected double[] PerGroup(object? o, string where)
                {
                    var a = V.Floats(o, where);
                    if (a.Length != optimizer.param_groups.Count)
                        throw new ArgumentException($"{where} has {a.Length} values, but the optimizer has {optimizer.param_groups.Count} parameter groups");
                    return a;
                }

                private protected static List<object?> List(double[] a) => a.Select(x => (object?)x).ToList();

                /// <summary>The schedule's own settings, saved before the common entries.</summary>
                private protected virtual void SaveFields(Dictionary<string, object?> d) { }

                /// <summary>Entries PyTorch saves after the common ones.</summary>
                private protected virtual void SaveLateFields(Dictionary<string, object?> d) { }

                /// <summary>Reads and checks the schedule's own settings; the returned action applies them.</summary>
                private protected virtual Action LoadFields(Dictionary<string, object?> d) => () => { };

                private protected static T Field<T>(Dictionary<string, object?> d, string key, T current, Func<object?, string, T> read) =>
                    d.TryGetValue(key, out var v) ? read(v, key) : current;
            }

            /// <summary>Multiplies the learning rate by <paramref name="gamma"/> every <paramref name="step_size"/> steps, as <c>torch.optim.lr_scheduler.StepLR</c>.</summary>
            public sealed class StepLR(Optimizers.Optimizer optimizer, long step_size, double gamma = 0.1, long last_epoch = -1) : LRScheduler(optimizer, last_epoch)
            {
                private long stepSize = step_size;
                private double gammaValue = gamma;

                /// <inheritdoc/>
                protected override double[] get_lr() =>
                    last_epoch == 0 || last_epoch % stepSize != 0 ? Current : Current.Select(l => l * gammaValue).ToArray();

                private protected override double[] ClosedForm() => base_lrs.Select(b => b * Math.Pow(gammaValue, Math.Floor((double)last_epoch / stepSize))).ToArray();

                private protected override void SaveFields(Dictionary<string, object?> d) { d["step_size"] = stepSize; d["gamma"] = gammaValue; }

                private protected override Action LoadFields(Dictionary<string, object?> d)
                {
                    long s = Field(d, "step_size", stepSize, V.Int);
                    double g = Field(d, "gamma", gammaValue, V.Float);
                    return () => { stepSize = s; gammaValue = g; };
                }
            }

            /// <summary>Multiplies the learning rate by <paramref name="gamma"/> at each milestone, as <c>torch.optim.lr_scheduler.MultiStepLR</c>.</summary>
            public sealed class MultiStepLR(Optimizers.Optimizer optimizer, long[] milestones, double gamma = 0.1, long last_epoch = -1) : LRScheduler(optimizer, last_epoch)
            {
                private long[] milestoneList = (long[])milestones.Clone();
                private double gammaValue = gamma;

                /// <inheritdoc/>
                protected override double[] get_lr()
                {
                    int hits = milestoneList.Count(m => m == last_epoch);
                    return hits == 0 ? Current : Current.Select(l => l * Math.Pow(gammaValue, hits)).ToArray();
                }

                private protected override double[] ClosedForm() =>
                    base_lrs.Select(b => b * Math.Pow(gammaValue, milestoneList.Count(m => m <= last_epoch))).ToArray();

                /// <summary>PyTorch keeps the milestones as a Counter (milestone to count); Flint saves that as a dict.</summary>
                private protected override void SaveFields(Dictionary<string, object?> d)
                {
                    var counts = new Dictionary<long, long>();
                    foreach (var m in milestoneList) counts[m] = counts.GetValueOrDefault(m) + 1;
                    d["milestones"] = counts;
                    d["gamma"] = gammaValue;
                }

                private protected override Action LoadFields(Dictionary<string, object?> d)
                {
                    var ms = Field(d, "milestones", milestoneList, ReadMilestones);
                    double g = Field(d, "gamma", gammaValue, V.Float);
                    return () => { milestoneList = ms; gammaValue = g; };
                }

                private static long[] ReadMilestones(object? o, string where)
                {
                    if (o is IList or object?[]) return V.Sequence(o, where).Select((m, i) => V.Int(m, $"{where}[{i}]")).ToArray();
                    var r = new List<long>();
                    foreach (var (k, n) in V.Items(o, where))
                    {
                        long m = V.Int(k, $"{where} key"), count = V.Int(n, $"{where}[{m}]");
                        for (long i = 0; i < count; i++) r.Add(m);
                    }
                    return r.ToArray();
                }
            }

            /// <summary>Multiplies the learning rate by <paramref name="gamma"/> every step, as <c>torch.optim.lr_scheduler.ExponentialLR</c>.</summary>
            public sealed class ExponentialLR(Optimizers.Optimizer optimizer, double gamma, long last_epoch = -1) : LRScheduler(optimizer, last_epoch)
            {
                private double gammaValue = gamma;

                /// <inheritdoc/>
                protected override double[] get_lr() => last_epoch == 0 ? Current : Current.Select(l => l * gammaValue).ToArray();

                private protected override double[] ClosedForm() => base_lrs.Select(b => b * Math.Pow(gammaValue, last_epoch)).ToArray();

                private protected override void SaveFields(Dictionary<string, object?> d) => d["gamma"] = gammaValue;

                private protected override Action LoadFields(Dictionary<string, object?> d)
                {
                    double g = Field(d, "gamma", gammaValue, V.Float);
                    return () => gammaValue = g;
                }
            }

            /// <summary>Sets the learning rate to the initial one times <paramref name="lr_lambda"/>(step), as <c>torch.optim.lr_scheduler.LambdaLR</c>.</summary>
            public sealed class LambdaLR(Optimizers.Optimizer optimizer, Func<long, double> lr_lambda, long last_epoch = -1) : LRScheduler(optimizer, last_epoch)
            {
                /// <inheritdoc/>
                protected override double[] get_lr() => base_lrs.Select(b => b * lr_lambda(last_epoch)).ToArray();

                /// <summary>As PyTorch, a function is not saved: one None per parameter group.</summary>
                private protected override void SaveLateFields(Dictionary<string, object?> d) =>
                    d["lr_lambdas"] = base_lrs.Select(_ => (object?)null).ToList();
            }

            /// <summary>Anneals the learning rate from the initial one to <paramref name="eta_min"/> along a cosine over <paramref name="T_max"/> steps, as <c>torch.optim.lr_scheduler.CosineAnnealingLR</c>.</summary>
            public sealed class CosineAnnealingLR(Optimizers.Optimizer optimizer, long T_max, double eta_min = 0, long last_epoch = -1) : LRScheduler(optimizer, last_epoch)
            {
                private long tMax = T_max;
                private double etaMin = eta_min;

                private protected override void SaveFields(Dictionary<string, object?> d) { d["T_max"] = tMax; d["eta_min"] = etaMin; }

                private protected override Action LoadFields(Dictionary<string, object?> d)
                {
                    long t = Field(d, "T_max", tMax, V.Int);
                    double e = Field(d, "eta_min", etaMin, V.Float);
                    return () => { tMax = t; etaMin = e; };
                }

                private protected override double[] ClosedForm() =>
                    base_lrs.Select(b => etaMin + (b - etaMin) * (1 + Math.Cos(Math.PI * last_epoch / tMax)) / 2).ToArray();

                /// <inheritdoc/>
                protected override double[] get_lr()
                {
                    long T_max = tMax;
                    double eta_min = etaMin;
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
                private long totalSteps;
                private bool cosine, cycleMomentum, useBeta1;
                private (double endStep, string startLr, string endLr, string startMom, string endMom)[] phases;

                /// <summary>The one-cycle policy (warm up to <paramref name="max_lr"/>, then anneal), as <c>torch.optim.lr_scheduler.OneCycleLR</c>; give <paramref name="total_steps"/>, or <paramref name="epochs"/> and <paramref name="steps_per_epoch"/>.</summary>
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

                /// <summary>PyTorch 2's entries: total_steps, _schedule_phases, _anneal_func_type, cycle_momentum, use_beta1.</summary>
                private protected override void SaveFields(Dictionary<string, object?> d)
                {
                    d["total_steps"] = totalSteps;
                    d["_schedule_phases"] = phases.Select(ph => (object?)new Dictionary<string, object?>
                    {
                        ["end_step"] = ph.endStep, ["start_lr"] = ph.startLr, ["end_lr"] = ph.endLr,
                        ["start_momentum"] = ph.startMom, ["end_momentum"] = ph.endMom,
                    }).ToList();
                    d["_anneal_func_type"] = cosine ? "cos" : "linear";
                    d["cycle_momentum"] = cycleMomentum;
                    d["use_beta1"] = useBeta1;
                }

                private protected override Action LoadFields(Dictionary<string, object?> d)
                {
                    long total = Field(d, "total_steps", totalSteps, V.Int);
                    var ph = Field(d, "_schedule_phases", phases, ReadPhases);
                    bool cos = Field(d, "_anneal_func_type", cosine, (o, w) => V.Str(o, w) switch
                    {
                        "cos" => true,
                        "linear" => false,
                        var x => throw new ArgumentException($"_anneal_func_type must be 'cos' or 'linear', got '{x}'"),
                    });
                    bool cycle = Field(d, "cycle_momentum", cycleMomentum, V.Bool);
                    bool beta1 = Field(d, "use_beta1", useBeta1, V.Bool);
                    return () => { totalSteps = total; phases = ph; cosine = cos; cycleMomentum = cycle; useBeta1 = beta1; };
                }

                private static (double, string, string, string, string)[] ReadPhases(object? o, string where) =>
                    V.Sequence(o, where).Select((x, i) =>
                    {
                        var p = V.StringDict(x, $"{where}[{i}]");
                        string S(string k) => V.Str(V.Required(p, k, $"{where}[{i}]"), $"{where}[{i}]['{k}']");
                        return (V.Float(V.Required(p, "end_step", $"{where}[{i}]"), $"{where}[{i}]['end_step']"),
                            S("start_lr"), S("end_lr"), S("start_momentum"), S("end_momentum"));
                    }).ToArray();

                private double Anneal(double start, double end, double pct) =>
                    cosine ? end + (start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1) : (end - start) * pct + start;

                /// <inheritdoc/>
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
                private string mode, thresholdMode;
                private double factor, threshold, eps;
                private long patience, cooldown;
                private double[] minLrs;
                private double best;
                private long badEpochs, cooldownCounter;
                /// <summary>The number of <c>step</c> calls so far.</summary>
                public long last_epoch { get; private set; }

                /// <summary>Lowers the learning rate by <paramref name="factor"/> when a metric stops improving for <paramref name="patience"/> steps, as <c>torch.optim.lr_scheduler.ReduceLROnPlateau</c>.</summary>
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

                /// <summary>Records the metric of this step (the validation loss, say) and lowers the learning rate when it has not improved for <c>patience</c> steps.</summary>
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

                /// <summary>The learning rates of the parameter groups, as <c>scheduler.get_last_lr()</c>.</summary>
                public double[] get_last_lr() => optimizer.param_groups.Select(g => g.lr).ToArray();

                /// <summary>PyTorch's entries for this scheduler (its attributes but the optimizer).</summary>
                public Dictionary<string, object?> state_dict() => new()
                {
                    ["factor"] = factor, ["min_lrs"] = minLrs.Select(x => (object?)x).ToList(), ["patience"] = patience,
                    ["verbose"] = false, ["cooldown"] = cooldown, ["cooldown_counter"] = cooldownCounter, ["mode"] = mode,
                    ["threshold"] = threshold, ["threshold_mode"] = thresholdMode, ["best"] = best, ["num_bad_epochs"] = badEpochs,
                    ["mode_worse"] = mode == "min" ? double.PositiveInfinity : double.NegativeInfinity, ["eps"] = eps,
                    ["last_epoch"] = last_epoch, ["_last_lr"] = get_last_lr().Select(x => (object?)x).ToList(),
                };

                /// <summary>Restores a state saved by <see cref="state_dict"/> (Flint's or PyTorch's); unknown entries are ignored.</summary>
                /// <exception cref="ArgumentException">An entry has the wrong type or value.</exception>
                public void load_state_dict(IReadOnlyDictionary<string, object?> state_dict)
                {
                    ArgumentNullException.ThrowIfNull(state_dict);
                    var d = V.StringDict(state_dict, "scheduler state dict");
                    T F<T>(string key, T current, Func<object?, string, T> read) => d.TryGetValue(key, out var v) ? read(v, key) : current;
                    double fac = F("factor", factor, V.Float), thr = F("threshold", threshold, V.Float), ep = F("eps", eps, V.Float), bst = F("best", best, V.Float);
                    var mins = F("min_lrs", minLrs, V.Floats);
                    if (mins.Length != optimizer.param_groups.Count)
                        throw new ArgumentException($"min_lrs has {mins.Length} values, but the optimizer has {optimizer.param_groups.Count} parameter groups");
                    long pat = F("patience", patience, V.Int), cool = F("cooldown", cooldown, V.Int), coolCounter = F("cooldown_counter", cooldownCounter, V.Int);
                    long bad = F("num_bad_epochs", badEpochs, V.Int), epoch = F("last_epoch", last_epoch, V.Int);
                    string md = F("mode", mode, V.Str), tm = F("threshold_mode", thresholdMode, V.Str);
                    if (md != "min" && md != "max") throw new ArgumentException($"mode {md} is unknown!");
                    if (tm != "rel" && tm != "abs") throw new ArgumentException($"threshold mode {tm} is unknown!");
                    factor = fac; threshold = thr; eps = ep; best = bst; minLrs = mins; patience = pat; cooldown = cool;
                    cooldownCounter = coolCounter; badEpochs = bad; last_epoch = epoch; mode = md; thresholdMode = tm;
                }
            }
        }
    }
}

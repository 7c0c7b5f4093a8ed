using V = Flint.Optimizers.StateDictValues;

namespace Flint;

public static partial class torch
{
    public static partial class optim
    {
        public static partial class lr_scheduler
        {
            /// <summary>
            /// Runs schedulers one after another (PyTorch's SequentialLR): schedulers[i] drives the lr from milestone
            /// i - 1 on, and starts there from its epoch 0.
            /// </summary>
            public sealed class SequentialLR : LRScheduler
            {
                private readonly LRScheduler[] schedulers;
                private long[] milestones;

                /// <summary>Runs <paramref name="schedulers"/> one after another, switching at <paramref name="milestones"/>, as <c>torch.optim.lr_scheduler.SequentialLR</c>.</summary>
                public SequentialLR(Optimizers.Optimizer optimizer, IReadOnlyList<LRScheduler> schedulers, IReadOnlyList<long> milestones, long last_epoch = -1)
                    : base(optimizer, last_epoch, initialStep: false)
                {
                    if (schedulers.Count < 1) throw new ArgumentException("SequentialLR expects at least one scheduler, but got no scheduler.");
                    for (int i = 0; i < schedulers.Count; i++)
                    {
                        if (!ReferenceEquals(schedulers[i].Optimizer, optimizer))
                            throw new ArgumentException("Sequential Schedulers expects all schedulers to belong to the same optimizer, but " +
                                $"got schedulers at index {i} to be different than the optimizer passed in.");
                    }
                    if (milestones.Count != schedulers.Count - 1)
                        throw new ArgumentException("Sequential Schedulers expects number of schedulers provided to be one more than the number of " +
                            $"milestone points, but got number of schedulers {schedulers.Count} and the number of milestones to be equal to {milestones.Count}");
                    this.schedulers = schedulers.ToArray();
                    this.milestones = milestones.ToArray();
                    this.last_epoch = last_epoch + 1;
                    foreach (var g in optimizer.param_groups) g.lr = g["initial_lr"];
                    foreach (var s in this.schedulers) s.last_epoch--;
                    this.schedulers[0].InitialStepAgain();
                    SetLastLr(this.schedulers[0].get_last_lr());
                }

                /// <inheritdoc/>
                protected override double[] get_lr() => get_last_lr();

                /// <inheritdoc/>
                public override void step()
                {
                    last_epoch++;
                    int idx = milestones.Count(m => m <= last_epoch);
                    var s = schedulers[idx];
                    if (idx > 0 && milestones[idx - 1] == last_epoch) s.StepTo(0);
                    else s.step();
                    SetLastLr(s.get_last_lr());
                }

                /// <summary>PyTorch's entries: _milestones, last_epoch, _last_lr and each scheduler's state under _schedulers.</summary>
                public override Dictionary<string, object?> state_dict() => new()
                {
                    ["_milestones"] = milestones.Select(m => (object?)m).ToList(),
                    ["last_epoch"] = last_epoch,
                    ["_last_lr"] = List(get_last_lr()),
                    ["_schedulers"] = schedulers.Select(s => (object?)s.state_dict()).ToList(),
                };

                /// <inheritdoc/>
                public override void load_state_dict(IReadOnlyDictionary<string, object?> state_dict)
                {
                    ArgumentNullException.ThrowIfNull(state_dict);
                    var d = V.StringDict(state_dict, "scheduler state dict");
                    var ms = Field(d, "_milestones", milestones, (o, w) => V.Sequence(o, w).Select((x, i) => V.Int(x, $"{w}[{i}]")).ToArray());
                    long epoch = Field(d, "last_epoch", last_epoch, V.Int);
                    var last = Field(d, "_last_lr", get_last_lr(), PerGroup);
                    var subs = SchedulerStates.SubStates(d, schedulers.Length);
                    milestones = ms; last_epoch = epoch; SetLastLr(last);
                    SchedulerStates.LoadSubStates(schedulers, subs);
                }
            }
        }
    }
}

/// <summary>The sub-scheduler states of SequentialLR and ChainedScheduler.</summary>
internal static class SchedulerStates
{
    internal static IReadOnlyDictionary<string, object?>[]? SubStates(Dictionary<string, object?> d, int count)
    {
        if (!d.TryGetValue("_schedulers", out var o)) return null;
        var list = V.Sequence(o, "_schedulers");
        if (list.Count != count) throw new ArgumentException($"_schedulers has {list.Count} states, but there are {count} schedulers");
        return list.Select((x, i) => (IReadOnlyDictionary<string, object?>)V.StringDict(x, $"_schedulers[{i}]")).ToArray();
    }

    internal static void LoadSubStates(torch.optim.lr_scheduler.LRScheduler[] schedulers, IReadOnlyDictionary<string, object?>[]? states)
    {
        if (states is null) return;
        for (int i = 0; i < schedulers.Length; i++) schedulers[i].load_state_dict(states[i]);
    }
}

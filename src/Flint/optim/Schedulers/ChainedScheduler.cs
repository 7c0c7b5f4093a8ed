using V = Flint.Optimizers.StateDictValues;

namespace Flint;

public static partial class torch
{
    public static partial class optim
    {
        public static partial class lr_scheduler
        {
            /// <summary>Steps several schedulers of one optimizer together, each from the lr the previous one left (PyTorch's ChainedScheduler).</summary>
            public sealed class ChainedScheduler : LRScheduler
            {
                private readonly LRScheduler[] schedulers;

                /// <summary>Steps all <paramref name="schedulers"/> together, as <c>torch.optim.lr_scheduler.ChainedScheduler</c>.</summary>
                public ChainedScheduler(IReadOnlyList<LRScheduler> schedulers)
                    : base(First(schedulers).Optimizer, -1, initialStep: false)
                {
                    for (int i = 1; i < schedulers.Count; i++)
                        if (!ReferenceEquals(schedulers[i].Optimizer, schedulers[0].Optimizer))
                            throw new ArgumentException("ChainedScheduler expects all schedulers to belong to the same optimizer, but " +
                                $"got schedulers at index 0 and {i} to be different");
                    this.schedulers = schedulers.ToArray();
                    SetLastLr(Current);
                }

                private static LRScheduler First(IReadOnlyList<LRScheduler> schedulers) =>
                    schedulers.Count > 0 ? schedulers[0] : throw new ArgumentException("ChainedScheduler expects at least one scheduler to be chained, but got no scheduler.");

                /// <inheritdoc/>
                protected override double[] get_lr() => get_last_lr();

                /// <inheritdoc/>
                public override void step()
                {
                    foreach (var s in schedulers) s.step();
                    SetLastLr(Current);
                }

                /// <summary>PyTorch's entries: _last_lr and each scheduler's state under _schedulers.</summary>
                public override Dictionary<string, object?> state_dict() => new()
                {
                    ["_last_lr"] = List(get_last_lr()),
                    ["_schedulers"] = schedulers.Select(s => (object?)s.state_dict()).ToList(),
                };

                /// <inheritdoc/>
                public override void load_state_dict(IReadOnlyDictionary<string, object?> state_dict)
                {
                    ArgumentNullException.ThrowIfNull(state_dict);
                    var d = V.StringDict(state_dict, "scheduler state dict");
                    var last = Field(d, "_last_lr", get_last_lr(), PerGroup);
                    var subs = SchedulerStates.SubStates(d, schedulers.Length);
                    SetLastLr(last);
                    SchedulerStates.LoadSubStates(schedulers, subs);
                }
            }
        }
    }
}

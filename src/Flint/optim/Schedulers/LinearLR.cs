using V = Flint.Optimizers.StateDictValues;

namespace Flint;

public static partial class torch
{
    public static partial class optim
    {
        public static partial class lr_scheduler
        {
            /// <summary>Moves the lr factor linearly from <c>start_factor</c> to <c>end_factor</c> over <c>total_iters</c> epochs (PyTorch's LinearLR).</summary>
            public sealed class LinearLR : LRScheduler
            {
                private double startFactor, endFactor;
                private long totalIters;

                /// <summary>Scales the learning rate linearly from <paramref name="start_factor"/> to <paramref name="end_factor"/> over <paramref name="total_iters"/> steps, as <c>torch.optim.lr_scheduler.LinearLR</c>.</summary>
                public LinearLR(Optimizers.Optimizer optimizer, double start_factor = 1.0 / 3, double end_factor = 1.0, long total_iters = 5, long last_epoch = -1)
                    : base(optimizer, last_epoch, initialStep: false)
                {
                    if (start_factor > 1.0 || start_factor <= 0)
                        throw new ArgumentException("Starting multiplicative factor expected to be greater than 0 and less or equal to 1.");
                    if (end_factor > 1.0 || end_factor < 0) throw new ArgumentException("Ending multiplicative factor expected to be between 0 and 1.");
                    startFactor = start_factor;
                    endFactor = end_factor;
                    totalIters = total_iters;
                    InitialStep();
                }

                /// <inheritdoc/>
                protected override double[] get_lr()
                {
                    if (last_epoch == 0) return Current.Select(l => l * startFactor).ToArray();
                    if (last_epoch > totalIters) return Current;
                    double ratio = 1.0 + (endFactor - startFactor) / (totalIters * startFactor + (last_epoch - 1) * (endFactor - startFactor));
                    return Current.Select(l => l * ratio).ToArray();
                }

                private protected override double[] ClosedForm() =>
                    base_lrs.Select(b => b * (startFactor + (endFactor - startFactor) * Math.Min(totalIters, last_epoch) / totalIters)).ToArray();

                private protected override void SaveFields(Dictionary<string, object?> d)
                {
                    d["start_factor"] = startFactor; d["end_factor"] = endFactor; d["total_iters"] = totalIters;
                }

                private protected override Action LoadFields(Dictionary<string, object?> d)
                {
                    double s = Field(d, "start_factor", startFactor, V.Float), e = Field(d, "end_factor", endFactor, V.Float);
                    long t = Field(d, "total_iters", totalIters, V.Int);
                    return () => { startFactor = s; endFactor = e; totalIters = t; };
                }
            }
        }
    }
}

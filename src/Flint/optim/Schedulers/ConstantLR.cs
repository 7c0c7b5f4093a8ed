using V = Flint.Optimizers.StateDictValues;

namespace Flint;

public static partial class torch
{
    public static partial class optim
    {
        public static partial class lr_scheduler
        {
            /// <summary>Scales the lr by <c>factor</c> until epoch <c>total_iters</c>, then restores it (PyTorch's ConstantLR).</summary>
            public sealed class ConstantLR : LRScheduler
            {
                private double factor;
                private long totalIters;

                /// <summary>Multiplies the learning rate by <paramref name="factor"/> for the first <paramref name="total_iters"/> steps, as <c>torch.optim.lr_scheduler.ConstantLR</c>.</summary>
                public ConstantLR(Optimizers.Optimizer optimizer, double factor = 1.0 / 3, long total_iters = 5, long last_epoch = -1)
                    : base(optimizer, last_epoch, initialStep: false)
                {
                    if (factor > 1.0 || factor < 0) throw new ArgumentException("Constant multiplicative factor expected to be between 0 and 1.");
                    this.factor = factor;
                    totalIters = total_iters;
                    InitialStep();
                }

                /// <inheritdoc/>
                protected override double[] get_lr()
                {
                    if (last_epoch == 0) return Current.Select(l => l * factor).ToArray();
                    if (last_epoch != totalIters) return Current;
                    return Current.Select(l => l * (1.0 / factor)).ToArray();
                }

                private protected override double[] ClosedForm() =>
                    base_lrs.Select(b => b * (factor + (last_epoch >= totalIters ? 1 : 0) * (1 - factor))).ToArray();

                private protected override void SaveFields(Dictionary<string, object?> d) { d["factor"] = factor; d["total_iters"] = totalIters; }

                private protected override Action LoadFields(Dictionary<string, object?> d)
                {
                    double f = Field(d, "factor", factor, V.Float);
                    long t = Field(d, "total_iters", totalIters, V.Int);
                    return () => { factor = f; totalIters = t; };
                }
            }
        }
    }
}

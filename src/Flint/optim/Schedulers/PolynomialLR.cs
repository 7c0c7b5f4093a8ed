using V = Flint.Optimizers.StateDictValues;

namespace Flint;

public static partial class torch
{
    public static partial class optim
    {
        public static partial class lr_scheduler
        {
            /// <summary>Decays the lr by a polynomial of the given power to zero over <c>total_iters</c> epochs (PyTorch's PolynomialLR).</summary>
            public sealed class PolynomialLR : LRScheduler
            {
                private long totalIters;
                private double power;

                /// <summary>Decays the learning rate by a polynomial of power <paramref name="power"/> to 0 over <paramref name="total_iters"/> steps, as <c>torch.optim.lr_scheduler.PolynomialLR</c>.</summary>
                public PolynomialLR(Optimizers.Optimizer optimizer, long total_iters = 5, double power = 1.0, long last_epoch = -1)
                    : base(optimizer, last_epoch, initialStep: false)
                {
                    totalIters = total_iters;
                    this.power = power;
                    InitialStep();
                }

                /// <inheritdoc/>
                protected override double[] get_lr()
                {
                    if (last_epoch == 0 || last_epoch > totalIters) return Current;
                    double decay = Math.Pow((1.0 - (double)last_epoch / totalIters) / (1.0 - (double)(last_epoch - 1) / totalIters), power);
                    return Current.Select(l => l * decay).ToArray();
                }

                private protected override double[] ClosedForm() =>
                    base_lrs.Select(b => b * Math.Pow(1.0 - (double)Math.Min(totalIters, last_epoch) / totalIters, power)).ToArray();

                private protected override void SaveFields(Dictionary<string, object?> d) { d["total_iters"] = totalIters; d["power"] = power; }

                private protected override Action LoadFields(Dictionary<string, object?> d)
                {
                    long t = Field(d, "total_iters", totalIters, V.Int);
                    double p = Field(d, "power", power, V.Float);
                    return () => { totalIters = t; power = p; };
                }
            }
        }
    }
}

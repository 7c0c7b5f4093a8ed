using V = Flint.Optimizers.StateDictValues;

namespace Flint;

public static partial class torch
{
    public static partial class optim
    {
        public static partial class lr_scheduler
        {
            /// <summary>
            /// Cosine annealing with warm restarts (SGDR, PyTorch's CosineAnnealingWarmRestarts): the lr falls from its base
            /// to eta_min over T_i epochs, T_i starting at T_0 and growing by T_mult at each restart. <c>step(epoch)</c>
            /// takes a fractional epoch (stepping per batch).
            /// </summary>
            public sealed class CosineAnnealingWarmRestarts : LRScheduler
            {
                private long t0, tI, tMult;
                private double etaMin, tCur;

                /// <summary>Cosine annealing restarted every <paramref name="T_0"/> steps (periods growing by <paramref name="T_mult"/>), as <c>torch.optim.lr_scheduler.CosineAnnealingWarmRestarts</c>.</summary>
                public CosineAnnealingWarmRestarts(Optimizers.Optimizer optimizer, long T_0, long T_mult = 1, double eta_min = 0, long last_epoch = -1)
                    : base(optimizer, last_epoch, initialStep: false)
                {
                    if (T_0 <= 0) throw new ArgumentException($"Expected positive integer T_0, but got {T_0}");
                    if (T_mult < 1) throw new ArgumentException($"Expected integer T_mult >= 1, but got {T_mult}");
                    t0 = T_0; tI = T_0; tMult = T_mult; etaMin = eta_min; tCur = last_epoch;
                    step();
                }

                /// <inheritdoc/>
                protected override double[] get_lr() =>
                    base_lrs.Select(b => etaMin + (b - etaMin) * (1 + Math.Cos(Math.PI * tCur / tI)) / 2).ToArray();

                /// <summary>Advances one epoch (the first call, from the constructor, goes to epoch 0).</summary>
                public override void step()
                {
                    if (last_epoch < 0) { step(0.0); return; }
                    tCur += 1;
                    if (tCur >= tI) { tCur -= tI; tI *= tMult; }
                    last_epoch++;
                    Apply(get_lr());
                }

                internal override void StepTo(long epoch) => step((double)epoch);

                /// <summary>Goes to a (possibly fractional) epoch.</summary>
                /// <exception cref="ArgumentException"><paramref name="epoch"/> is negative.</exception>
                public void step(double epoch)
                {
                    if (epoch < 0) throw new ArgumentException($"Expected non-negative epoch, but got {Printing.PyFormat.Repr(epoch)}");
                    if (epoch >= t0)
                    {
                        if (tMult == 1) tCur = epoch % t0;
                        else
                        {
                            long n = (long)Math.Log(epoch / t0 * (tMult - 1) + 1, tMult);
                            double pow = Math.Pow(tMult, n);
                            tCur = epoch - t0 * (pow - 1) / (tMult - 1);
                            tI = t0 * (long)pow;
                        }
                    }
                    else { tI = t0; tCur = epoch; }
                    last_epoch = (long)Math.Floor(epoch);
                    Apply(get_lr());
                }

                private protected override void SaveFields(Dictionary<string, object?> d)
                {
                    d["T_0"] = t0; d["T_i"] = tI; d["T_mult"] = tMult; d["eta_min"] = etaMin; d["T_cur"] = tCur;
                }

                private protected override Action LoadFields(Dictionary<string, object?> d)
                {
                    long a = Field(d, "T_0", t0, V.Int), i = Field(d, "T_i", tI, V.Int), m = Field(d, "T_mult", tMult, V.Int);
                    double e = Field(d, "eta_min", etaMin, V.Float), c = Field(d, "T_cur", tCur, V.Float);
                    return () => { t0 = a; tI = i; tMult = m; etaMin = e; tCur = c; };
                }
            }
        }
    }
}

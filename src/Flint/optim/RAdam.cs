using static Flint.torch;
using static Flint.Optimizers.OptimizerOptions;

namespace Flint.Optimizers;

/// <summary>
/// Rectified Adam (PyTorch 2's RAdam single-tensor formulas): plain bias-corrected momentum while the variance's
/// length rho_t is at most 5, the rectified adaptive step after; decoupled_weight_decay as AdamW.
/// </summary>
public sealed class RAdam : Optimizer
{
    /// <summary>Rectified Adam, as <c>torch.optim.RAdam</c>.</summary>
    public RAdam(IEnumerable<Parameter> parameters, double lr = 1e-3, (double b1, double b2)? betas = null, double eps = 1e-8, double weight_decay = 0,
        bool decoupled_weight_decay = false, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, betas, eps, weight_decay, decoupled_weight_decay, maximize) { }

    /// <summary>RAdam over parameter groups with their own options.</summary>
    public RAdam(IEnumerable<ParamGroup> param_groups, double lr = 1e-3, (double b1, double b2)? betas = null, double eps = 1e-8, double weight_decay = 0,
        bool decoupled_weight_decay = false, bool maximize = false)
        : base(param_groups, Opts(("lr", lr), ("betas", betas ?? (0.9, 0.999)), ("eps", eps), ("weight_decay", weight_decay),
            ("decoupled_weight_decay", decoupled_weight_decay), ("maximize", maximize)))
    {
        var (b1, b2) = betas ?? (0.9, 0.999);
        AdamFamily.Check(lr, eps, b1, b2, weight_decay);
    }

    /// <inheritdoc/>
    protected override void Step(ParamGroup g)
    {
        double lr = g.lr, eps = g["eps"], wd = g["weight_decay"];
        var (b1, b2) = g.betas;
        bool decoupled = g.Flag("decoupled_weight_decay");
        foreach (var (p, g0, s, step) in Updates(g, static (p, s) =>
        {
            s["exp_avg"] = zeros_like(p);
            s["exp_avg_sq"] = zeros_like(p);
        }))
        {
            double bc1 = 1 - Math.Pow(b1, step), bc2 = 1 - Math.Pow(b2, step);
            var grad = WeightDecay(p, g0, lr, wd, decoupled);
            var m = (Tensor)s["exp_avg"]; var v = (Tensor)s["exp_avg_sq"];
            m.lerp_(grad, 1 - b1);
            v.mul_(b2).addcmul_(grad, grad, value: 1 - b2);
            var corrected = m / bc1;
            double rhoInf = 2 / (1 - b2) - 1;
            double rhoT = rhoInf - 2 * step * Math.Pow(b2, step) / bc2;
            if (rhoT > 5.0)
            {
                double rect = Math.Sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
                var adaptive = Math.Sqrt(bc2) / v.sqrt().add_(eps);
                p.add_(corrected * lr * adaptive * rect, alpha: -1.0);
            }
            else p.add_(corrected * lr, alpha: -1.0);
        }
    }
}

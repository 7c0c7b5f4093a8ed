using Flint.Printing;
using static Flint.torch;
using static Flint.Optimizers.OptimizerOptions;

namespace Flint.Optimizers;

/// <summary>
/// Adam with Nesterov momentum (PyTorch 2's NAdam single-tensor formulas): the momentum coefficient follows
/// beta1 * (1 - 0.5 * 0.96^(step * momentum_decay)); with decoupled_weight_decay the decay scales the parameter
/// (as AdamW) instead of adding to the gradient.
/// </summary>
public sealed class NAdam : Optimizer
{
    /// <summary>Adam with Nesterov momentum, as <c>torch.optim.NAdam</c>.</summary>
    public NAdam(IEnumerable<Parameter> parameters, double lr = 2e-3, (double b1, double b2)? betas = null, double eps = 1e-8, double weight_decay = 0,
        double momentum_decay = 4e-3, bool decoupled_weight_decay = false, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, betas, eps, weight_decay, momentum_decay, decoupled_weight_decay, maximize) { }

    /// <summary>NAdam over parameter groups with their own options.</summary>
    public NAdam(IEnumerable<ParamGroup> param_groups, double lr = 2e-3, (double b1, double b2)? betas = null, double eps = 1e-8, double weight_decay = 0,
        double momentum_decay = 4e-3, bool decoupled_weight_decay = false, bool maximize = false)
        : base(param_groups, Opts(("lr", lr), ("betas", betas ?? (0.9, 0.999)), ("eps", eps), ("weight_decay", weight_decay), ("momentum_decay", momentum_decay),
            ("decoupled_weight_decay", decoupled_weight_decay), ("maximize", maximize)))
    {
        var (b1, b2) = betas ?? (0.9, 0.999);
        AdamFamily.Check(lr, eps, b1, b2, weight_decay);
        if (momentum_decay < 0) throw new ArgumentException($"Invalid momentum_decay value: {PyFormat.Repr(momentum_decay)}");
    }

    /// <inheritdoc/>
    protected override void Step(ParamGroup g)
    {
        double lr = g.lr, eps = g["eps"], wd = g["weight_decay"], md = g["momentum_decay"];
        var (b1, b2) = g.betas;
        bool decoupled = g.Flag("decoupled_weight_decay");
        foreach (var (p, g0, s, step) in Updates(g, static (p, s) =>
        {
            s["mu_product"] = NewStep(1);
            s["exp_avg"] = zeros_like(p);
            s["exp_avg_sq"] = zeros_like(p);
        }))
        {
            double bc2 = 1 - Math.Pow(b2, step);
            var grad = WeightDecay(p, g0, lr, wd, decoupled);
            double mu = b1 * (1.0 - 0.5 * Math.Pow(0.96, step * md));
            double muNext = b1 * (1.0 - 0.5 * Math.Pow(0.96, (step + 1) * md));
            var muProductT = (Tensor)s["mu_product"];
            muProductT.mul_(mu);
            double muProduct = muProductT.item<double>();
            var m = (Tensor)s["exp_avg"]; var v = (Tensor)s["exp_avg_sq"];
            m.lerp_(grad, 1 - b1);
            v.mul_(b2).addcmul_(grad, grad, value: 1 - b2);
            var denom = v.div(bc2).sqrt_().add_(eps);
            p.addcdiv_(grad, denom, value: -lr * (1.0 - mu) / (1.0 - muProduct));
            p.addcdiv_(m, denom, value: -lr * muNext / (1.0 - muProduct * muNext));
        }
    }
}

using static Flint.torch;
using static Flint.Optimizers.OptimizerOptions;

namespace Flint.Optimizers;

/// <summary>Adamax, Adam with the infinity norm (PyTorch's single-tensor formulas).</summary>
public sealed class Adamax : Optimizer
{
    /// <summary>The Adamax optimizer (Adam with the infinity norm), as <c>torch.optim.Adamax</c>.</summary>
    public Adamax(IEnumerable<Parameter> parameters, double lr = 2e-3, (double b1, double b2)? betas = null, double eps = 1e-8, double weight_decay = 0,
        bool maximize = false)
        : this([new ParamGroup(parameters)], lr, betas, eps, weight_decay, maximize) { }

    /// <summary>Adamax over parameter groups with their own options.</summary>
    public Adamax(IEnumerable<ParamGroup> param_groups, double lr = 2e-3, (double b1, double b2)? betas = null, double eps = 1e-8, double weight_decay = 0,
        bool maximize = false)
        : base(param_groups, Opts(("lr", lr), ("betas", betas ?? (0.9, 0.999)), ("eps", eps), ("weight_decay", weight_decay), ("maximize", maximize)))
    {
        var (b1, b2) = betas ?? (0.9, 0.999);
        AdamFamily.Check(lr, eps, b1, b2, weight_decay);
    }

    /// <inheritdoc/>
    protected override void Step(ParamGroup g)
    {
        double lr = g.lr, eps = g["eps"], wd = g["weight_decay"];
        var (b1, b2) = g.betas;
        foreach (var (p, g0, s, step) in Updates(g, static (p, s) =>
        {
            s["exp_avg"] = zeros_like(p);
            s["exp_inf"] = zeros_like(p);
        }))
        {
            var grad = WeightDecay(p, g0, g.lr, wd);
            var m = (Tensor)s["exp_avg"]; var u = (Tensor)s["exp_inf"];
            m.lerp_(grad, 1 - b1);
            maximum(u.mul_(b2), grad.abs().add_(eps), @out: u);
            p.addcdiv_(m, u, value: -lr / (1 - Math.Pow(b1, step)));
        }
    }
}

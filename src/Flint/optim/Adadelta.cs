using Flint.Printing;
using static Flint.torch;
using static Flint.Optimizers.OptimizerOptions;

namespace Flint.Optimizers;

/// <summary>Adadelta (PyTorch's single-tensor formulas).</summary>
public sealed class Adadelta : Optimizer
{
    /// <summary>The Adadelta optimizer, as <c>torch.optim.Adadelta</c>.</summary>
    public Adadelta(IEnumerable<Parameter> parameters, double lr = 1.0, double rho = 0.9, double eps = 1e-6, double weight_decay = 0, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, rho, eps, weight_decay, maximize) { }

    /// <summary>The Adadelta optimizer over parameter groups with their own options.</summary>
    public Adadelta(IEnumerable<ParamGroup> param_groups, double lr = 1.0, double rho = 0.9, double eps = 1e-6, double weight_decay = 0, bool maximize = false)
        : base(param_groups, Opts(("lr", lr), ("rho", rho), ("eps", eps), ("weight_decay", weight_decay), ("maximize", maximize)))
    {
        if (!(lr >= 0)) throw new ArgumentException($"Invalid learning rate: {PyFormat.Repr(lr)}");
        if (!(rho >= 0 && rho <= 1)) throw new ArgumentException($"Invalid rho value: {PyFormat.Repr(rho)}");
        if (!(eps >= 0)) throw new ArgumentException($"Invalid epsilon value: {PyFormat.Repr(eps)}");
        if (!(weight_decay >= 0)) throw new ArgumentException($"Invalid weight_decay value: {PyFormat.Repr(weight_decay)}");
    }

    /// <inheritdoc/>
    protected override void Step(ParamGroup g)
    {
        double lr = g.lr, rho = g["rho"], eps = g["eps"], wd = g["weight_decay"];
        foreach (var (p, g0, s, _) in Updates(g, static (p, s) =>
        {
            s["square_avg"] = zeros_like(p);
            s["acc_delta"] = zeros_like(p);
        }))
        {
            var grad = WeightDecay(p, g0, g.lr, wd);
            var sq = (Tensor)s["square_avg"]; var acc = (Tensor)s["acc_delta"];
            sq.mul_(rho).addcmul_(grad, grad, value: 1 - rho);
            var std = sq.add(eps).sqrt_();
            var delta = acc.add(eps).sqrt_().div_(std).mul_(grad);
            acc.mul_(rho).addcmul_(delta, delta, value: 1 - rho);
            p.add_(delta, alpha: -lr);
        }
    }
}

using Flint.Printing;
using static Flint.torch;
using static Flint.Optimizers.OptimizerOptions;

namespace Flint.Optimizers;

/// <summary>Averaged SGD (PyTorch's single-tensor formulas): the average of the iterates is kept in state "ax".</summary>
public sealed class ASGD : Optimizer
{
    /// <summary>Averaged stochastic gradient descent, as <c>torch.optim.ASGD</c>.</summary>
    public ASGD(IEnumerable<Parameter> parameters, double lr = 1e-2, double lambd = 1e-4, double alpha = 0.75, double t0 = 1e6, double weight_decay = 0,
        bool maximize = false)
        : this([new ParamGroup(parameters)], lr, lambd, alpha, t0, weight_decay, maximize) { }

    /// <summary>Averaged stochastic gradient descent over parameter groups with their own options.</summary>
    public ASGD(IEnumerable<ParamGroup> param_groups, double lr = 1e-2, double lambd = 1e-4, double alpha = 0.75, double t0 = 1e6, double weight_decay = 0,
        bool maximize = false)
        : base(param_groups, Opts(("lr", lr), ("lambd", lambd), ("alpha", alpha), ("t0", t0), ("weight_decay", weight_decay), ("maximize", maximize)))
    {
        if (!(lr >= 0)) throw new ArgumentException($"Invalid learning rate: {PyFormat.Repr(lr)}");
        if (!(weight_decay >= 0)) throw new ArgumentException($"Invalid weight_decay value: {PyFormat.Repr(weight_decay)}");
    }

    /// <inheritdoc/>
    protected override void Step(ParamGroup g)
    {
        double lr = g.lr, lambd = g["lambd"], alpha = g["alpha"], t0 = g["t0"], wd = g["weight_decay"];
        foreach (var (p, g0, s, step) in Updates(g, (p, s) =>
        {
            s["eta"] = NewStep(lr);
            s["mu"] = NewStep(1);
            s["ax"] = zeros_like(p);
        }))
        {
            var grad = WeightDecay(p, g0, g.lr, wd);
            var etaT = (Tensor)s["eta"]; var muT = (Tensor)s["mu"]; var ax = (Tensor)s["ax"];
            double eta = etaT.item<double>(), mu = muT.item<double>();
            p.mul_(1 - lambd * eta);
            p.add_(grad, alpha: -eta);
            if (mu != 1) ax.add_(p.sub(ax).mul_(muT));
            else ax.copy_(p);
            etaT.fill_(lr / Math.Pow(1 + lambd * lr * step, alpha));
            muT.fill_(1 / Math.Max(1, step - t0));
        }
    }
}

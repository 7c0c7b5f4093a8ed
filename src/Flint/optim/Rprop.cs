using Flint.Printing;
using static Flint.torch;
using static Flint.Optimizers.OptimizerOptions;

namespace Flint.Optimizers;

/// <summary>
/// Resilient backpropagation (PyTorch's Rprop single-tensor formulas): each element's step size grows by etas.b
/// while its gradient keeps its sign and shrinks by etas.a when it flips (that step is skipped), within step_sizes.
/// </summary>
public sealed class Rprop : Optimizer
{
    /// <summary>Resilient backpropagation, as <c>torch.optim.Rprop</c>.</summary>
    public Rprop(IEnumerable<Parameter> parameters, double lr = 1e-2, (double etaminus, double etaplus)? etas = null,
        (double min, double max)? step_sizes = null, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, etas, step_sizes, maximize) { }

    /// <summary>Rprop over parameter groups with their own options.</summary>
    public Rprop(IEnumerable<ParamGroup> param_groups, double lr = 1e-2, (double etaminus, double etaplus)? etas = null,
        (double min, double max)? step_sizes = null, bool maximize = false)
        : base(param_groups, Opts(("lr", lr), ("etas", etas ?? (0.5, 1.2)), ("step_sizes", step_sizes ?? (1e-6, 50.0)), ("maximize", maximize)))
    {
        var (em, ep) = etas ?? (0.5, 1.2);
        if (!(lr >= 0)) throw new ArgumentException($"Invalid learning rate: {PyFormat.Repr(lr)}");
        if (!(0.0 < em && em < 1.0 && 1.0 < ep)) throw new ArgumentException($"Invalid eta values: {PyFormat.Repr(em)}, {PyFormat.Repr(ep)}");
    }

    /// <inheritdoc/>
    protected override void Step(ParamGroup g)
    {
        var (etaminus, etaplus) = OptionPair.Get(g, "etas");
        var (minStep, maxStep) = OptionPair.Get(g, "step_sizes");
        foreach (var (p, g0, s, _) in Updates(g, (p, s) =>
        {
            s["prev"] = zeros_like(p);
            s["step_size"] = full_like(p, g.lr);
        }))
        {
            var prev = (Tensor)s["prev"]; var size = (Tensor)s["step_size"];
            var sign = g0.mul(prev).sign();
            var factor = where(sign.gt(0), etaplus, where(sign.lt(0), etaminus, ones_like(sign)));
            size.mul_(factor).clamp_(minStep, maxStep);
            var grad = where(factor.eq(etaminus), 0.0, g0);
            p.addcmul_(grad.sign(), size, value: -1);
            prev.copy_(grad);
        }
    }
}

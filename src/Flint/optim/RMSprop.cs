using static Flint.torch;
using static Flint.Optimizers.OptimizerOptions;

namespace Flint.Optimizers;

/// <summary>RMSprop with optional momentum and centering (PyTorch's formulas).</summary>
public sealed class RMSprop : Optimizer
{
    /// <summary>The RMSprop optimizer, as <c>torch.optim.RMSprop</c>.</summary>
    public RMSprop(IEnumerable<Parameter> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
        double weight_decay = 0, double momentum = 0, bool centered = false, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, alpha, eps, weight_decay, momentum, centered, maximize) { }

    /// <summary>RMSprop over parameter groups with their own options.</summary>
    public RMSprop(IEnumerable<ParamGroup> param_groups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
        double weight_decay = 0, double momentum = 0, bool centered = false, bool maximize = false)
        : base(param_groups, Opts(("lr", lr), ("momentum", momentum), ("alpha", alpha), ("eps", eps), ("centered", centered), ("weight_decay", weight_decay), ("maximize", maximize)))
    {
        if (lr < 0) throw new ArgumentException($"Invalid learning rate: {lr}");
        if (alpha < 0) throw new ArgumentException($"Invalid alpha value: {alpha}");
    }

    /// <inheritdoc/>
    protected override void Step(ParamGroup g)
    {
        double lr = g.lr, alpha = g["alpha"], eps = g["eps"], wd = g["weight_decay"], momentum = g["momentum"];
        bool centered = g.Flag("centered"), maximize = g.Flag("maximize");
        RefuseSparseGradients(g);
        foreach (var p in g.@params)
        {
            if (p.grad is null) continue;
            var grad = maximize ? -p.grad : p.grad;
            var s = StartedState(p, "square_avg", momentum > 0 ? "momentum_buffer" : null, centered ? "grad_avg" : null);
            NextStep(s);
            if (wd != 0) grad = grad.add(p, alpha: wd);
            var sq = (Tensor)s["square_avg"];
            sq.mul_(alpha).addcmul_(grad, grad, value: 1 - alpha);
            Tensor avg;
            if (centered)
            {
                var ga = (Tensor)s["grad_avg"];
                ga.lerp_(grad, 1 - alpha);
                avg = sq.addcmul(ga, ga, value: -1).sqrt_().add_(eps);
            }
            else avg = sq.sqrt().add_(eps);
            if (momentum > 0)
            {
                var buf = (Tensor)s["momentum_buffer"];
                buf.mul_(momentum).addcdiv_(grad, avg);
                p.add_(buf, alpha: -lr);
            }
            else p.addcdiv_(grad, avg, value: -lr);
        }
    }
}


/// <summary>Adagrad (PyTorch's formulas).</summary>
public sealed class Adagrad : Optimizer
{
    /// <summary>The Adagrad optimizer, as <c>torch.optim.Adagrad</c>.</summary>
    public Adagrad(IEnumerable<Parameter> parameters, double lr = 1e-2, double lr_decay = 0, double weight_decay = 0,
        double initial_accumulator_value = 0, double eps = 1e-10, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, lr_decay, weight_decay, initial_accumulator_value, eps, maximize) { }

    /// <summary>Adagrad over parameter groups with their own options.</summary>
    public Adagrad(IEnumerable<ParamGroup> param_groups, double lr = 1e-2, double lr_decay = 0, double weight_decay = 0,
        double initial_accumulator_value = 0, double eps = 1e-10, bool maximize = false)
        : base(param_groups, Opts(("lr", lr), ("lr_decay", lr_decay), ("eps", eps), ("weight_decay", weight_decay), ("initial_accumulator_value", initial_accumulator_value), ("maximize", maximize)))
    {
        if (lr < 0) throw new ArgumentException($"Invalid learning rate: {lr}");
        foreach (var g in this.param_groups)
            foreach (var p in g.@params)
            {
                var s = State(p);
                s["step"] = NewStep();
                s["sum"] = full_like(p, g["initial_accumulator_value"]);
            }
    }

    /// <inheritdoc/>
    protected override void Step(ParamGroup g)
    {
        double lr = g.lr, lrDecay = g["lr_decay"], wd = g["weight_decay"], eps = g["eps"];
        bool maximize = g.Flag("maximize");
        foreach (var p in g.@params)
        {
            if (p.grad is null) continue;
            var grad = maximize ? -p.grad : p.grad;
            var s = State(p);
            double step = NextStep(s);
            if (wd != 0) grad = grad.add(p, alpha: wd);
            double clr = lr / (1 + (step - 1) * lrDecay);
            var sum = (Tensor)s["sum"];
            sum.addcmul_(grad, grad, value: 1);
            p.addcdiv_(grad, sum.sqrt().add_(eps), value: -clr);
        }
    }
}

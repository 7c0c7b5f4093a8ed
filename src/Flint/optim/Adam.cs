using static Flint.torch;
using static Flint.Optimizers.OptimizerOptions;

namespace Flint.Optimizers;

/// <summary>Adam, and AdamW when weight decay is decoupled (PyTorch's single-tensor formulas).</summary>
public class Adam : Optimizer
{
    private readonly bool decoupled;

    /// <summary>The Adam optimizer, as <c>torch.optim.Adam</c>; <paramref name="betas"/> defaults to (0.9, 0.999).</summary>
    public Adam(IEnumerable<Parameter> parameters, double lr = 1e-3, (double b1, double b2)? betas = null, double eps = 1e-8, double weight_decay = 0,
        bool amsgrad = false, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, betas ?? (0.9, 0.999), eps, weight_decay, amsgrad, maximize, decoupled: false) { }

    /// <summary>Adam over parameter groups; options a group lacks come from these arguments.</summary>
    public Adam(IEnumerable<ParamGroup> param_groups, double lr = 1e-3, (double b1, double b2)? betas = null, double eps = 1e-8, double weight_decay = 0,
        bool amsgrad = false, bool maximize = false)
        : this(param_groups, lr, betas ?? (0.9, 0.999), eps, weight_decay, amsgrad, maximize, decoupled: false) { }

    private protected Adam(IEnumerable<ParamGroup> groups, double lr, (double b1, double b2) betas, double eps, double weight_decay, bool amsgrad, bool maximize, bool decoupled)
        : base(groups, Opts(("lr", lr), ("betas", betas), ("eps", eps), ("weight_decay", weight_decay), ("amsgrad", amsgrad), ("maximize", maximize)))
    {
        this.decoupled = decoupled;
        if (lr < 0) throw new ArgumentException($"Invalid learning rate: {lr}");
        if (eps < 0) throw new ArgumentException($"Invalid epsilon value: {eps}");
        if (betas.b1 < 0 || betas.b1 >= 1) throw new ArgumentException($"Invalid beta parameter at index 0: {betas.b1}");
        if (betas.b2 < 0 || betas.b2 >= 1) throw new ArgumentException($"Invalid beta parameter at index 1: {betas.b2}");
        if (weight_decay < 0) throw new ArgumentException($"Invalid weight_decay value: {weight_decay}");
    }

    /// <inheritdoc/>
    protected override void Step(ParamGroup g)
    {
        double lr = g.lr, eps = g["eps"], wd = g["weight_decay"];
        var (b1, b2) = g.betas;
        bool amsgrad = g.Flag("amsgrad"), maximize = g.Flag("maximize");
        RefuseSparseGradients(g);
        foreach (var p in g.@params)
        {
            if (p.grad is null) continue;
            var grad = maximize ? -p.grad : p.grad;
            var s = StartedState(p, "exp_avg", "exp_avg_sq", amsgrad ? "max_exp_avg_sq" : null);
            double step = NextStep(s);
            var m = (Tensor)s["exp_avg"]; var v = (Tensor)s["exp_avg_sq"];
            if (!amsgrad && (wd == 0 || decoupled) && FusedStep(p, p.grad, m, v, wd == 0 ? 1 : 1 - lr * wd, b1, b2, step, lr, eps, maximize)) continue;
            if (wd != 0)
            {
                if (decoupled) p.mul_(1 - lr * wd);
                else grad = grad.add(p, alpha: wd);
            }
            m.lerp_(grad, 1 - b1);
            v.mul_(b2).addcmul_(grad, grad, value: 1 - b2);
            double bc1 = 1 - Math.Pow(b1, step), bc2 = 1 - Math.Pow(b2, step);
            double stepSize = lr / bc1;
            double bc2Sqrt = Math.Sqrt(bc2);
            Tensor denom;
            if (amsgrad)
            {
                var mx = (Tensor)s["max_exp_avg_sq"];
                maximum(mx, v, @out: mx);
                denom = (mx.sqrt() / bc2Sqrt).add_(eps);
            }
            else denom = (v.sqrt() / bc2Sqrt).add_(eps);
            p.addcdiv_(m, denom, value: -stepSize);
        }
    }

    /// <summary>
    /// The step in one kernel (the backend's AdamStep, rounding as the in-place chain does) for contiguous float32 or
    /// float64 tensors of one shape, dtype and device in separate memory; false for any other case, which the
    /// caller then handles.
    /// </summary>
    private static bool FusedStep(Tensor p, Tensor grad, Tensor m, Tensor v, double decay, double b1, double b2, double step, double lr, double eps, bool maximize)
    {
        if ((p.dtype != float32 && p.dtype != float64) || grad.dtype != p.dtype || m.dtype != p.dtype || v.dtype != p.dtype) return false;
        if (grad.device != p.device || m.device != p.device || v.device != p.device) return false;
        if (ReferenceEquals(p._storage, grad._storage) || ReferenceEquals(p._storage, m._storage) || ReferenceEquals(p._storage, v._storage)
            || ReferenceEquals(grad._storage, m._storage) || ReferenceEquals(grad._storage, v._storage) || ReferenceEquals(m._storage, v._storage)) return false;
        foreach (var t in (ReadOnlySpan<Tensor>)[p, grad, m, v])
            if (!Tensor.HasContiguousStrides(t._shape, t._strides) || !t._shape.AsSpan().SequenceEqual(p._shape)) return false;
        double bc1 = 1 - Math.Pow(b1, step), bc2 = 1 - Math.Pow(b2, step);
        p.Backend.AdamStep(p, grad, m, v, decay, b1, b2, Math.Sqrt(bc2), eps, lr / bc1, maximize);
        p.BumpVersion(); m.BumpVersion(); v.BumpVersion();
        return true;
    }
}

/// <summary>Adam with decoupled weight decay (PyTorch's AdamW).</summary>
public sealed class AdamW : Adam
{
    /// <summary>Adam with decoupled weight decay, as <c>torch.optim.AdamW</c>.</summary>
    public AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, (double b1, double b2)? betas = null, double eps = 1e-8, double weight_decay = 1e-2,
        bool amsgrad = false, bool maximize = false)
        : base([new ParamGroup(parameters)], lr, betas ?? (0.9, 0.999), eps, weight_decay, amsgrad, maximize, decoupled: true) { }

    /// <summary>AdamW over parameter groups with their own options.</summary>
    public AdamW(IEnumerable<ParamGroup> param_groups, double lr = 1e-3, (double b1, double b2)? betas = null, double eps = 1e-8, double weight_decay = 1e-2,
        bool amsgrad = false, bool maximize = false)
        : base(param_groups, lr, betas ?? (0.9, 0.999), eps, weight_decay, amsgrad, maximize, decoupled: true) { }
}

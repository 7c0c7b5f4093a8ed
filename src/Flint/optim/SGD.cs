using static Flint.torch;
using static Flint.Optimizers.OptimizerOptions;

namespace Flint.Optimizers;

/// <summary>Stochastic gradient descent with optional momentum, dampening, Nesterov and weight decay (PyTorch's formulas).</summary>
public sealed class SGD : Optimizer
{
    /// <summary>Stochastic gradient descent (with momentum, dampening, Nesterov and weight decay), as <c>torch.optim.SGD</c>.</summary>
    public SGD(IEnumerable<Parameter> parameters, double lr = 1e-3, double momentum = 0, double dampening = 0,
        double weight_decay = 0, bool nesterov = false, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, momentum, dampening, weight_decay, nesterov, maximize) { }

    /// <summary>SGD over parameter groups; options a group lacks come from these arguments.</summary>
    public SGD(IEnumerable<ParamGroup> param_groups, double lr = 1e-3, double momentum = 0, double dampening = 0,
        double weight_decay = 0, bool nesterov = false, bool maximize = false)
        : base(param_groups, Opts(("lr", lr), ("momentum", momentum), ("dampening", dampening), ("weight_decay", weight_decay), ("nesterov", nesterov), ("maximize", maximize)))
    {
        if (lr < 0) throw new ArgumentException($"Invalid learning rate: {lr}");
        if (momentum < 0) throw new ArgumentException($"Invalid momentum value: {momentum}");
        if (weight_decay < 0) throw new ArgumentException($"Invalid weight_decay value: {weight_decay}");
        if (nesterov && (momentum <= 0 || dampening != 0)) throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening");
    }

    /// <inheritdoc/>
    protected override void Step(ParamGroup g)
    {
        double lr = g.lr, momentum = g["momentum"], dampening = g["dampening"], wd = g["weight_decay"];
        bool nesterov = g.Flag("nesterov"), maximize = g.Flag("maximize");
        bool plain = wd == 0 && momentum == 0 && !maximize;
        foreach (var p in g.@params)
        {
            if (p.grad is null) continue;
            if (plain && AxpyInPlace(p, p.grad, -lr)) continue;
            var d = maximize ? -p.grad : p.grad;
            if (wd != 0) d = d.add(p, alpha: wd);
            if (momentum != 0)
            {
                var s = State(p);
                Tensor buf;
                if (!s.TryGetValue("momentum_buffer", out var bo) || bo is null) { buf = d.clone().detach(); s["momentum_buffer"] = buf; }
                else
                {
                    buf = (Tensor)bo;
                    buf.mul_(momentum).add_(d, alpha: 1 - dampening);
                }
                d = nesterov ? d.add(buf, alpha: momentum) : buf;
            }
            p.add_(d, alpha: -lr);
        }
    }

    /// <summary>
    /// p += alpha × grad in one kernel (the backend's axpy) for contiguous float32 tensors of one shape on one
    /// device in separate memory (what <c>p.add_(grad, alpha)</c> computes); false for any other case, which the
    /// caller then handles.
    /// </summary>
    private static bool AxpyInPlace(Tensor p, Tensor grad, double alpha)
    {
        if (grad.is_sparse || p.dtype != float32 || grad.dtype != float32 || p.device != grad.device) return false;
        if (ReferenceEquals(p._storage, grad._storage)) return false;
        if (!Tensor.HasContiguousStrides(p._shape, p._strides) || !Tensor.HasContiguousStrides(grad._shape, grad._strides)) return false;
        if (!p._shape.AsSpan().SequenceEqual(grad._shape)) return false;
        p.Backend.Axpy(p, grad, alpha);
        p.BumpVersion();
        return true;
    }
}

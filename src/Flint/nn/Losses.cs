using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Modules;

public sealed class CrossEntropyLoss(Tensor? weight = null, long ignore_index = -100, string reduction = "mean", double label_smoothing = 0.0)
    : nn.Module<Tensor, Tensor, Tensor>
{
    public override Tensor forward(Tensor input, Tensor target) => F.cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing);
}

public sealed class NLLLoss(Tensor? weight = null, long ignore_index = -100, string reduction = "mean") : nn.Module<Tensor, Tensor, Tensor>
{
    public override Tensor forward(Tensor input, Tensor target) => F.nll_loss(input, target, weight, ignore_index, reduction);
}

public sealed class MSELoss(string reduction = "mean") : nn.Module<Tensor, Tensor, Tensor>
{
    public override Tensor forward(Tensor input, Tensor target) => F.mse_loss(input, target, reduction);
}

public sealed class L1Loss(string reduction = "mean") : nn.Module<Tensor, Tensor, Tensor>
{
    public override Tensor forward(Tensor input, Tensor target) => F.l1_loss(input, target, reduction);
}

public sealed class SmoothL1Loss(string reduction = "mean", double beta = 1.0) : nn.Module<Tensor, Tensor, Tensor>
{
    public override Tensor forward(Tensor input, Tensor target) => F.smooth_l1_loss(input, target, reduction, beta);
}

public sealed class HuberLoss(string reduction = "mean", double delta = 1.0) : nn.Module<Tensor, Tensor, Tensor>
{
    public override Tensor forward(Tensor input, Tensor target) => F.huber_loss(input, target, reduction, delta);
}

public sealed class BCELoss(Tensor? weight = null, string reduction = "mean") : nn.Module<Tensor, Tensor, Tensor>
{
    public override Tensor forward(Tensor input, Tensor target) => F.binary_cross_entropy(input, target, weight, reduction);
}

public sealed class BCEWithLogitsLoss(Tensor? weight = null, string reduction = "mean", Tensor? pos_weight = null) : nn.Module<Tensor, Tensor, Tensor>
{
    public override Tensor forward(Tensor input, Tensor target) => F.binary_cross_entropy_with_logits(input, target, weight, reduction, pos_weight);
}

public sealed class KLDivLoss(string reduction = "mean", bool log_target = false) : nn.Module<Tensor, Tensor, Tensor>
{
    public override Tensor forward(Tensor input, Tensor target) => F.kl_div(input, target, reduction, log_target);
}

using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Modules;

/// <summary>The cross entropy of class logits and class indices (or probabilities), as <c>torch.nn.CrossEntropyLoss</c>: <paramref name="weight"/> weighs classes, targets equal to <paramref name="ignore_index"/> are skipped, <paramref name="label_smoothing"/> mixes in the uniform distribution.</summary>
public sealed class CrossEntropyLoss(Tensor? weight = null, long ignore_index = -100, string reduction = "mean", double label_smoothing = 0.0)
    : nn.Module<Tensor, Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input, Tensor target) => F.cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing);
}

/// <summary>The negative log likelihood of log-probabilities and class indices, as <c>torch.nn.NLLLoss</c>.</summary>
public sealed class NLLLoss(Tensor? weight = null, long ignore_index = -100, string reduction = "mean") : nn.Module<Tensor, Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input, Tensor target) => F.nll_loss(input, target, weight, ignore_index, reduction);
}

/// <summary>The mean squared error, as <c>torch.nn.MSELoss</c>; <paramref name="reduction"/> is <c>"mean"</c>, <c>"sum"</c> or <c>"none"</c>.</summary>
public sealed class MSELoss(string reduction = "mean") : nn.Module<Tensor, Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input, Tensor target) => F.mse_loss(input, target, reduction);
}

/// <summary>The mean absolute error, as <c>torch.nn.L1Loss</c>.</summary>
public sealed class L1Loss(string reduction = "mean") : nn.Module<Tensor, Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input, Tensor target) => F.l1_loss(input, target, reduction);
}

/// <summary>The smooth L1 loss (quadratic below <paramref name="beta"/>, then linear), as <c>torch.nn.SmoothL1Loss</c>.</summary>
public sealed class SmoothL1Loss(string reduction = "mean", double beta = 1.0) : nn.Module<Tensor, Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input, Tensor target) => F.smooth_l1_loss(input, target, reduction, beta);
}

/// <summary>The Huber loss (quadratic below <paramref name="delta"/>, then linear), as <c>torch.nn.HuberLoss</c>.</summary>
public sealed class HuberLoss(string reduction = "mean", double delta = 1.0) : nn.Module<Tensor, Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input, Tensor target) => F.huber_loss(input, target, reduction, delta);
}

/// <summary>The binary cross entropy of probabilities and targets, as <c>torch.nn.BCELoss</c>.</summary>
public sealed class BCELoss(Tensor? weight = null, string reduction = "mean") : nn.Module<Tensor, Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input, Tensor target) => F.binary_cross_entropy(input, target, weight, reduction);
}

/// <summary>The binary cross entropy of logits and targets, computed stably, as <c>torch.nn.BCEWithLogitsLoss</c>; <paramref name="pos_weight"/> weighs the positive class.</summary>
public sealed class BCEWithLogitsLoss(Tensor? weight = null, string reduction = "mean", Tensor? pos_weight = null) : nn.Module<Tensor, Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input, Tensor target) => F.binary_cross_entropy_with_logits(input, target, weight, reduction, pos_weight);
}

/// <summary>The Kullback-Leibler divergence of log-probabilities from targets (log-probabilities too with <paramref name="log_target"/>), as <c>torch.nn.KLDivLoss</c>.</summary>
public sealed class KLDivLoss(string reduction = "mean", bool log_target = false) : nn.Module<Tensor, Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input, Tensor target) => F.kl_div(input, target, reduction, log_target);
}

using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Modules;

/// <summary><c>max(0, -y * (x1 - x2) + margin)</c>, as <c>torch.nn.MarginRankingLoss</c>.</summary>
public sealed class MarginRankingLoss(double margin = 0.0, string reduction = "mean") : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input1, Tensor input2, Tensor target) => F.margin_ranking_loss(input1, input2, target, margin, reduction);
}

/// <summary>The hinge embedding loss for targets 1 and -1, as <c>torch.nn.HingeEmbeddingLoss</c>.</summary>
public sealed class HingeEmbeddingLoss(double margin = 1.0, string reduction = "mean") : nn.Module<Tensor, Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input, Tensor target) => F.hinge_embedding_loss(input, target, margin, reduction);
}

/// <summary><c>log(1 + exp(-y * x))</c>, as <c>torch.nn.SoftMarginLoss</c>.</summary>
public sealed class SoftMarginLoss(string reduction = "mean") : nn.Module<Tensor, Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input, Tensor target) => F.soft_margin_loss(input, target, reduction);
}

/// <summary>The cosine embedding loss of pairs labelled 1 (similar) or -1 (dissimilar), as <c>torch.nn.CosineEmbeddingLoss</c>.</summary>
public sealed class CosineEmbeddingLoss(double margin = 0.0, string reduction = "mean") : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input1, Tensor input2, Tensor target) => F.cosine_embedding_loss(input1, input2, target, margin, reduction);
}

/// <summary>The multi-label one-versus-all logistic loss, as <c>torch.nn.MultiLabelSoftMarginLoss</c>.</summary>
public sealed class MultiLabelSoftMarginLoss(Tensor? weight = null, string reduction = "mean") : nn.Module<Tensor, Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input, Tensor target) => F.multilabel_soft_margin_loss(input, target, weight, reduction);
}

/// <summary>The multi-class hinge loss, as <c>torch.nn.MultiMarginLoss</c>.</summary>
public sealed class MultiMarginLoss : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly long p;
    private readonly double margin;
    private readonly string reduction;
    private readonly Tensor? weight;

    /// <summary>A multi-class hinge loss of power <paramref name="p"/> (1 or 2) and <paramref name="margin"/>, with optional class weights.</summary>
    public MultiMarginLoss(long p = 1, double margin = 1.0, Tensor? weight = null, string reduction = "mean")
    {
        if (p != 1 && p != 2) throw new ArgumentException("only p == 1 and p == 2 supported");
        if (weight is not null && weight.dim() != 1)
            throw new ArgumentException($"MultiMarginLoss: expected weight to be None or 1D tensor, got {weight.dim()}D instead");
        this.p = p; this.margin = margin; this.reduction = reduction;
        this.weight = weight;
        if (weight is not null) register_buffer("weight", weight);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input, Tensor target) => F.multi_margin_loss(input, target, p, margin, weight, reduction);
}

/// <summary>The multi-class multi-label hinge loss, as <c>torch.nn.MultiLabelMarginLoss</c>.</summary>
public sealed class MultiLabelMarginLoss(string reduction = "mean") : nn.Module<Tensor, Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input, Tensor target) => F.multilabel_margin_loss(input, target, reduction);
}

/// <summary>The triplet loss of anchors, positives and negatives with the p-norm distance, as <c>torch.nn.TripletMarginLoss</c>.</summary>
public sealed class TripletMarginLoss(double margin = 1.0, double p = 2.0, double eps = 1e-6, bool swap = false, string reduction = "mean")
    : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor anchor, Tensor positive, Tensor negative) =>
        F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction);
}

/// <summary>The triplet loss with a distance of your choice, as <c>torch.nn.TripletMarginWithDistanceLoss</c>.</summary>
public sealed class TripletMarginWithDistanceLoss : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly Func<Tensor, Tensor, Tensor>? distance_function;
    private readonly double margin;
    private readonly bool swap;
    private readonly string reduction;

    /// <summary>A triplet loss with <paramref name="distance_function"/> (the pairwise Euclidean distance when null).</summary>
    public TripletMarginWithDistanceLoss(Func<Tensor, Tensor, Tensor>? distance_function = null, double margin = 1.0, bool swap = false, string reduction = "mean")
    {
        if (!(margin > 0)) throw new ArgumentException($"TripletMarginWithDistanceLoss: expected margin to be greater than 0, got {Printing.PyFormat.Repr(margin)} instead");
        this.distance_function = distance_function; this.margin = margin; this.swap = swap; this.reduction = reduction;
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor anchor, Tensor positive, Tensor negative) =>
        F.triplet_margin_with_distance_loss(anchor, positive, negative, distance_function, margin, swap, reduction);
}

/// <summary>The negative log likelihood of a Poisson target, as <c>torch.nn.PoissonNLLLoss</c>.</summary>
public sealed class PoissonNLLLoss(bool log_input = true, bool full = false, double eps = 1e-8, string reduction = "mean") : nn.Module<Tensor, Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor log_input_, Tensor target) => F.poisson_nll_loss(log_input_, target, log_input, full, eps, reduction);
}

/// <summary>The negative log likelihood of a Gaussian target with predicted means and variances, as <c>torch.nn.GaussianNLLLoss</c>.</summary>
public sealed class GaussianNLLLoss(bool full = false, double eps = 1e-6, string reduction = "mean") : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input, Tensor target, Tensor var) => F.gaussian_nll_loss(input, target, var, full, eps, reduction);

    /// <summary>The loss with one variance for every element (PyTorch 2.x accepts a float var).</summary>
    public Tensor forward(Tensor input, Tensor target, double var) => F.gaussian_nll_loss(input, target, var, full, eps, reduction);

    /// <summary>Runs the module with a float var and the module's hooks.</summary>
    public Tensor call(Tensor input, Tensor target, double var)
    {
        var args = RunPreHooks([input, target, var]);
        var r = F.gaussian_nll_loss((Tensor)args[0]!, (Tensor)args[1]!, Convert.ToDouble(args[2]), full, eps, reduction);
        RunHooks(args, r);
        return r;
    }
}

/// <summary>The connectionist temporal classification loss, as <c>torch.nn.CTCLoss</c>.</summary>
public sealed class CTCLoss(long blank = 0, string reduction = "mean", bool zero_infinity = false) : nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor log_probs, Tensor targets, Tensor input_lengths, Tensor target_lengths) =>
        F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, reduction, zero_infinity);
}

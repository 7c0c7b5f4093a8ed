using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Modules;

/// <summary>The cosine similarity of two inputs along <see cref="dim"/>, as <c>torch.nn.CosineSimilarity</c>.</summary>
public sealed class CosineSimilarity(long dim = 1, double eps = 1e-8) : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>The dim the similarity is taken along.</summary>
    public long dim { get; } = dim;
    /// <summary>The smallest norm divided by.</summary>
    public double eps { get; } = eps;
    /// <inheritdoc/>
    public override Tensor forward(Tensor x1, Tensor x2) => F.cosine_similarity(x1, x2, dim, eps);
}

/// <summary>‖x1 − x2 + eps‖_p over the last dim, as <c>torch.nn.PairwiseDistance</c>.</summary>
public sealed class PairwiseDistance(double p = 2.0, double eps = 1e-6, bool keepdim = false) : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>The norm's order.</summary>
    public double norm { get; } = p;
    /// <summary>What is added to the difference (so equal points do not give a zero norm).</summary>
    public double eps { get; } = eps;
    /// <summary>Whether the reduced dim is kept with size 1.</summary>
    public bool keepdim { get; } = keepdim;
    /// <inheritdoc/>
    public override Tensor forward(Tensor x1, Tensor x2) => F.pairwise_distance(x1, x2, norm, eps, keepdim);
}

/// <summary>Splits the channels into groups and interleaves them, as <c>torch.nn.ChannelShuffle</c>.</summary>
public sealed class ChannelShuffle(long groups) : nn.Module<Tensor, Tensor>
{
    /// <summary>The number of channel groups.</summary>
    public long groups { get; } = groups;
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.channel_shuffle(input, groups);
    /// <inheritdoc/>
    public override string extra_repr() => $"groups={groups}";
}

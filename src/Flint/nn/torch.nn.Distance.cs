using Flint.Modules;

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>The cosine similarity along dim, as <c>torch.nn.CosineSimilarity</c>.</summary>
        public static CosineSimilarity CosineSimilarity(long dim = 1, double eps = 1e-8) => new(dim, eps);

        /// <summary>The p-norm distance over the last dim, as <c>torch.nn.PairwiseDistance</c>.</summary>
        public static PairwiseDistance PairwiseDistance(double p = 2.0, double eps = 1e-6, bool keepdim = false) => new(p, eps, keepdim);

        /// <summary>Interleaves groups of channels, as <c>torch.nn.ChannelShuffle</c>.</summary>
        public static ChannelShuffle ChannelShuffle(long groups) => new(groups);
    }
}

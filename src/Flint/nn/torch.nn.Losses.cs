using Flint.Modules;

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>The margin ranking loss, as <c>torch.nn.MarginRankingLoss</c>.</summary>
        public static MarginRankingLoss MarginRankingLoss(double margin = 0.0, string reduction = "mean") => new(margin, reduction);
        /// <summary>The hinge embedding loss, as <c>torch.nn.HingeEmbeddingLoss</c>.</summary>
        public static HingeEmbeddingLoss HingeEmbeddingLoss(double margin = 1.0, string reduction = "mean") => new(margin, reduction);
        /// <summary>The two-class logistic loss, as <c>torch.nn.SoftMarginLoss</c>.</summary>
        public static SoftMarginLoss SoftMarginLoss(string reduction = "mean") => new(reduction);
        /// <summary>The cosine embedding loss, as <c>torch.nn.CosineEmbeddingLoss</c>.</summary>
        public static CosineEmbeddingLoss CosineEmbeddingLoss(double margin = 0.0, string reduction = "mean") => new(margin, reduction);
        /// <summary>The multi-label one-versus-all loss, as <c>torch.nn.MultiLabelSoftMarginLoss</c>.</summary>
        public static MultiLabelSoftMarginLoss MultiLabelSoftMarginLoss(Tensor? weight = null, string reduction = "mean") => new(weight, reduction);
        /// <summary>The multi-class hinge loss, as <c>torch.nn.MultiMarginLoss</c>.</summary>
        public static MultiMarginLoss MultiMarginLoss(long p = 1, double margin = 1.0, Tensor? weight = null, string reduction = "mean") => new(p, margin, weight, reduction);
        /// <summary>The multi-class multi-label hinge loss, as <c>torch.nn.MultiLabelMarginLoss</c>.</summary>
        public static MultiLabelMarginLoss MultiLabelMarginLoss(string reduction = "mean") => new(reduction);
        /// <summary>The triplet margin loss, as <c>torch.nn.TripletMarginLoss</c>.</summary>
        public static TripletMarginLoss TripletMarginLoss(double margin = 1.0, double p = 2.0, double eps = 1e-6, bool swap = false, string reduction = "mean") =>
            new(margin, p, eps, swap, reduction);
        /// <summary>The triplet loss with a custom distance, as <c>torch.nn.TripletMarginWithDistanceLoss</c>.</summary>
        public static TripletMarginWithDistanceLoss TripletMarginWithDistanceLoss(Func<Tensor, Tensor, Tensor>? distance_function = null, double margin = 1.0,
            bool swap = false, string reduction = "mean") => new(distance_function, margin, swap, reduction);
        /// <summary>The Poisson negative log likelihood, as <c>torch.nn.PoissonNLLLoss</c>.</summary>
        public static PoissonNLLLoss PoissonNLLLoss(bool log_input = true, bool full = false, double eps = 1e-8, string reduction = "mean") => new(log_input, full, eps, reduction);
        /// <summary>The Gaussian negative log likelihood, as <c>torch.nn.GaussianNLLLoss</c>.</summary>
        public static GaussianNLLLoss GaussianNLLLoss(bool full = false, double eps = 1e-6, string reduction = "mean") => new(full, eps, reduction);
        /// <summary>The connectionist temporal classification loss, as <c>torch.nn.CTCLoss</c>.</summary>
        public static CTCLoss CTCLoss(long blank = 0, string reduction = "mean", bool zero_infinity = false) => new(blank, reduction, zero_infinity);
    }
}

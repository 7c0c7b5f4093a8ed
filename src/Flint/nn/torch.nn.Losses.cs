using Flint.Modules;

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        public static MarginRankingLoss MarginRankingLoss(double margin = 0.0, string reduction = "mean") => new(margin, reduction);
        public static HingeEmbeddingLoss HingeEmbeddingLoss(double margin = 1.0, string reduction = "mean") => new(margin, reduction);
        public static SoftMarginLoss SoftMarginLoss(string reduction = "mean") => new(reduction);
        public static CosineEmbeddingLoss CosineEmbeddingLoss(double margin = 0.0, string reduction = "mean") => new(margin, reduction);
        public static MultiLabelSoftMarginLoss MultiLabelSoftMarginLoss(Tensor? weight = null, string reduction = "mean") => new(weight, reduction);
        public static MultiMarginLoss MultiMarginLoss(long p = 1, double margin = 1.0, Tensor? weight = null, string reduction = "mean") => new(p, margin, weight, reduction);
        public static MultiLabelMarginLoss MultiLabelMarginLoss(string reduction = "mean") => new(reduction);
        public static TripletMarginLoss TripletMarginLoss(double margin = 1.0, double p = 2.0, double eps = 1e-6, bool swap = false, string reduction = "mean") =>
            new(margin, p, eps, swap, reduction);
        public static TripletMarginWithDistanceLoss TripletMarginWithDistanceLoss(Func<Tensor, Tensor, Tensor>? distance_function = null, double margin = 1.0,
            bool swap = false, string reduction = "mean") => new(distance_function, margin, swap, reduction);
        public static PoissonNLLLoss PoissonNLLLoss(bool log_input = true, bool full = false, double eps = 1e-8, string reduction = "mean") => new(log_input, full, eps, reduction);
        public static GaussianNLLLoss GaussianNLLLoss(bool full = false, double eps = 1e-6, string reduction = "mean") => new(full, eps, reduction);
        public static CTCLoss CTCLoss(long blank = 0, string reduction = "mean", bool zero_infinity = false) => new(blank, reduction, zero_infinity);
    }
}

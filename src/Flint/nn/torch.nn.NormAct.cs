using Flint.Modules;

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        public static BatchNorm3d BatchNorm3d(long num_features, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool track_running_stats = true,
            Device? device = null, DType? dtype = null) => new(num_features, eps, momentum, affine, track_running_stats, device, dtype);
        public static InstanceNorm1d InstanceNorm1d(long num_features, double eps = 1e-5, double? momentum = 0.1, bool affine = false, bool track_running_stats = false,
            Device? device = null, DType? dtype = null) => new(num_features, eps, momentum, affine, track_running_stats, device, dtype);
        public static InstanceNorm2d InstanceNorm2d(long num_features, double eps = 1e-5, double? momentum = 0.1, bool affine = false, bool track_running_stats = false,
            Device? device = null, DType? dtype = null) => new(num_features, eps, momentum, affine, track_running_stats, device, dtype);
        public static InstanceNorm3d InstanceNorm3d(long num_features, double eps = 1e-5, double? momentum = 0.1, bool affine = false, bool track_running_stats = false,
            Device? device = null, DType? dtype = null) => new(num_features, eps, momentum, affine, track_running_stats, device, dtype);
        public static LocalResponseNorm LocalResponseNorm(long size, double alpha = 1e-4, double beta = 0.75, double k = 1.0) => new(size, alpha, beta, k);
        public static EmbeddingBag EmbeddingBag(long num_embeddings, long embedding_dim, double? max_norm = null, double norm_type = 2,
            bool scale_grad_by_freq = false, string mode = "mean", bool sparse = false, Tensor? _weight = null, bool include_last_offset = false,
            long? padding_idx = null, Device? device = null, DType? dtype = null) =>
            new(num_embeddings, embedding_dim, max_norm, norm_type, scale_grad_by_freq, mode, sparse, _weight, include_last_offset, padding_idx, device, dtype);

        public static Dropout1d Dropout1d(double p = 0.5, bool inplace = false) => new(p, inplace);
        public static Dropout2d Dropout2d(double p = 0.5, bool inplace = false) => new(p, inplace);
        public static Dropout3d Dropout3d(double p = 0.5, bool inplace = false) => new(p, inplace);
        public static AlphaDropout AlphaDropout(double p = 0.5, bool inplace = false) => new(p, inplace);
        public static FeatureAlphaDropout FeatureAlphaDropout(double p = 0.5, bool inplace = false) => new(p, inplace);

        public static ReLU6 ReLU6(bool inplace = false) => new(inplace);
        public static SELU SELU(bool inplace = false) => new(inplace);
        public static CELU CELU(double alpha = 1.0, bool inplace = false) => new(alpha, inplace);
        public static GLU GLU(long dim = -1) => new(dim);
        public static PReLU PReLU(long num_parameters = 1, double init = 0.25, Device? device = null, DType? dtype = null) => new(num_parameters, init, device, dtype);
        public static Hardswish Hardswish(bool inplace = false) => new(inplace);
        public static Hardsigmoid Hardsigmoid(bool inplace = false) => new(inplace);
        public static Hardtanh Hardtanh(double min_val = -1.0, double max_val = 1.0, bool inplace = false) => new(min_val, max_val, inplace);
        public static LogSigmoid LogSigmoid() => new();
        public static Softsign Softsign() => new();
        public static Softmin Softmin(long? dim = null) => new(dim);
        public static Softmax2d Softmax2d() => new();
        public static Tanhshrink Tanhshrink() => new();
        public static Threshold Threshold(double threshold, double value, bool inplace = false) => new(threshold, value, inplace);
        public static Hardshrink Hardshrink(double lambd = 0.5) => new(lambd);
        public static Softshrink Softshrink(double lambd = 0.5) => new(lambd);
        public static RReLU RReLU(double lower = 1.0 / 8, double upper = 1.0 / 3, bool inplace = false) => new(lower, upper, inplace);
    }
}

using Flint.Modules;

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>3-d batch normalization, as <c>torch.nn.BatchNorm3d</c>.</summary>
        public static BatchNorm3d BatchNorm3d(long num_features, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool track_running_stats = true,
            Device? device = null, DType? dtype = null) => new(num_features, eps, momentum, affine, track_running_stats, device, dtype);
        /// <summary>1-d instance normalization, as <c>torch.nn.InstanceNorm1d</c>.</summary>
        public static InstanceNorm1d InstanceNorm1d(long num_features, double eps = 1e-5, double? momentum = 0.1, bool affine = false, bool track_running_stats = false,
            Device? device = null, DType? dtype = null) => new(num_features, eps, momentum, affine, track_running_stats, device, dtype);
        /// <summary>2-d instance normalization, as <c>torch.nn.InstanceNorm2d</c>.</summary>
        public static InstanceNorm2d InstanceNorm2d(long num_features, double eps = 1e-5, double? momentum = 0.1, bool affine = false, bool track_running_stats = false,
            Device? device = null, DType? dtype = null) => new(num_features, eps, momentum, affine, track_running_stats, device, dtype);
        /// <summary>3-d instance normalization, as <c>torch.nn.InstanceNorm3d</c>.</summary>
        public static InstanceNorm3d InstanceNorm3d(long num_features, double eps = 1e-5, double? momentum = 0.1, bool affine = false, bool track_running_stats = false,
            Device? device = null, DType? dtype = null) => new(num_features, eps, momentum, affine, track_running_stats, device, dtype);
        /// <summary>Local response normalization across channels, as <c>torch.nn.LocalResponseNorm</c>.</summary>
        public static LocalResponseNorm LocalResponseNorm(long size, double alpha = 1e-4, double beta = 0.75, double k = 1.0) => new(size, alpha, beta, k);
        /// <summary>Reduced bags of embeddings, as <c>torch.nn.EmbeddingBag</c>.</summary>
        public static EmbeddingBag EmbeddingBag(long num_embeddings, long embedding_dim, double? max_norm = null, double norm_type = 2,
            bool scale_grad_by_freq = false, string mode = "mean", bool sparse = false, Tensor? _weight = null, bool include_last_offset = false,
            long? padding_idx = null, Device? device = null, DType? dtype = null) =>
            new(num_embeddings, embedding_dim, max_norm, norm_type, scale_grad_by_freq, mode, sparse, _weight, include_last_offset, padding_idx, device, dtype);

        /// <summary>Channel dropout for (N, C, L) inputs, as <c>torch.nn.Dropout1d</c>.</summary>
        public static Dropout1d Dropout1d(double p = 0.5, bool inplace = false) => new(p, inplace);
        /// <summary>Channel dropout for (N, C, H, W) inputs, as <c>torch.nn.Dropout2d</c>.</summary>
        public static Dropout2d Dropout2d(double p = 0.5, bool inplace = false) => new(p, inplace);
        /// <summary>Channel dropout for (N, C, D, H, W) inputs, as <c>torch.nn.Dropout3d</c>.</summary>
        public static Dropout3d Dropout3d(double p = 0.5, bool inplace = false) => new(p, inplace);
        /// <summary>Dropout for SELU networks, as <c>torch.nn.AlphaDropout</c>.</summary>
        public static AlphaDropout AlphaDropout(double p = 0.5, bool inplace = false) => new(p, inplace);
        /// <summary>Channel alpha dropout, as <c>torch.nn.FeatureAlphaDropout</c>.</summary>
        public static FeatureAlphaDropout FeatureAlphaDropout(double p = 0.5, bool inplace = false) => new(p, inplace);

        /// <summary><c>min(max(0, x), 6)</c>, as <c>torch.nn.ReLU6</c>.</summary>
        public static ReLU6 ReLU6(bool inplace = false) => new(inplace);
        /// <summary>The scaled ELU, as <c>torch.nn.SELU</c>.</summary>
        public static SELU SELU(bool inplace = false) => new(inplace);
        /// <summary>The continuously differentiable ELU, as <c>torch.nn.CELU</c>.</summary>
        public static CELU CELU(double alpha = 1.0, bool inplace = false) => new(alpha, inplace);
        /// <summary>The gated linear unit along <paramref name="dim"/>, as <c>torch.nn.GLU</c>.</summary>
        public static GLU GLU(long dim = -1) => new(dim);
        /// <summary>The ReLU with learnable negative slopes, as <c>torch.nn.PReLU</c>.</summary>
        public static PReLU PReLU(long num_parameters = 1, double init = 0.25, Device? device = null, DType? dtype = null) => new(num_parameters, init, device, dtype);
        /// <summary>The hard swish, as <c>torch.nn.Hardswish</c>.</summary>
        public static Hardswish Hardswish(bool inplace = false) => new(inplace);
        /// <summary>The hard sigmoid, as <c>torch.nn.Hardsigmoid</c>.</summary>
        public static Hardsigmoid Hardsigmoid(bool inplace = false) => new(inplace);
        /// <summary>Clamping into [min_val, max_val], as <c>torch.nn.Hardtanh</c>.</summary>
        public static Hardtanh Hardtanh(double min_val = -1.0, double max_val = 1.0, bool inplace = false) => new(min_val, max_val, inplace);
        /// <summary><c>log(sigmoid(x))</c>, as <c>torch.nn.LogSigmoid</c>.</summary>
        public static LogSigmoid LogSigmoid() => new();
        /// <summary><c>x / (1 + |x|)</c>, as <c>torch.nn.Softsign</c>.</summary>
        public static Softsign Softsign() => new();
        /// <summary>Softmin along <paramref name="dim"/>, as <c>torch.nn.Softmin</c>.</summary>
        public static Softmin Softmin(long? dim = null) => new(dim);
        /// <summary>Softmax over the channels of each spatial position, as <c>torch.nn.Softmax2d</c>.</summary>
        public static Softmax2d Softmax2d() => new();
        /// <summary><c>x - tanh(x)</c>, as <c>torch.nn.Tanhshrink</c>.</summary>
        public static Tanhshrink Tanhshrink() => new();
        /// <summary>Thresholding, as <c>torch.nn.Threshold</c>.</summary>
        public static Threshold Threshold(double threshold, double value, bool inplace = false) => new(threshold, value, inplace);
        /// <summary>Hard shrinkage, as <c>torch.nn.Hardshrink</c>.</summary>
        public static Hardshrink Hardshrink(double lambd = 0.5) => new(lambd);
        /// <summary>Soft shrinkage, as <c>torch.nn.Softshrink</c>.</summary>
        public static Softshrink Softshrink(double lambd = 0.5) => new(lambd);
        /// <summary>The randomized leaky ReLU, as <c>torch.nn.RReLU</c>.</summary>
        public static RReLU RReLU(double lower = 1.0 / 8, double upper = 1.0 / 3, bool inplace = false) => new(lower, upper, inplace);
    }
}

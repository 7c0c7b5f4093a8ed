using Flint.Modules;

namespace Flint;

public static partial class torch
{
    /// <summary>PyTorch's <c>torch.nn</c>: layer factories (<c>nn.Linear(784, 512)</c>), <c>nn.functional</c>, <c>nn.init</c>.</summary>
    public static partial class nn
    {
        public static Parameter Parameter(Tensor data, bool requires_grad = true) => new(data, requires_grad);

        public static Linear Linear(long in_features, long out_features, bool bias = true, Device? device = null, DType? dtype = null) => new(in_features, out_features, bias, device, dtype);
        public static Bilinear Bilinear(long in1_features, long in2_features, long out_features, bool bias = true) => new(in1_features, in2_features, out_features, bias);
        public static Identity Identity() => new();
        public static Flatten Flatten(long start_dim = 1, long end_dim = -1) => new(start_dim, end_dim);
        public static Unflatten Unflatten(long dim, params long[] unflattened_size) => new(dim, unflattened_size);
        public static Dropout Dropout(double p = 0.5, bool inplace = false) => new(p, inplace);
        public static Embedding Embedding(long num_embeddings, long embedding_dim, long? padding_idx = null, Device? device = null, DType? dtype = null) =>
            new(num_embeddings, embedding_dim, padding_idx, device, dtype);
        public static LayerNorm LayerNorm(long normalized_shape, double eps = 1e-5, bool elementwise_affine = true, bool bias = true, Device? device = null, DType? dtype = null) =>
            new(normalized_shape, eps, elementwise_affine, bias, device, dtype);
        public static LayerNorm LayerNorm(long[] normalized_shape, double eps = 1e-5, bool elementwise_affine = true, bool bias = true, Device? device = null, DType? dtype = null) =>
            new(normalized_shape, eps, elementwise_affine, bias, device, dtype);
        public static GroupNorm GroupNorm(long num_groups, long num_channels, double eps = 1e-5, bool affine = true, Device? device = null, DType? dtype = null) =>
            new(num_groups, num_channels, eps, affine, device, dtype);
        public static BatchNorm1d BatchNorm1d(long num_features, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool track_running_stats = true,
            Device? device = null, DType? dtype = null) => new(num_features, eps, momentum, affine, track_running_stats, device, dtype);
        public static BatchNorm2d BatchNorm2d(long num_features, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool track_running_stats = true,
            Device? device = null, DType? dtype = null) => new(num_features, eps, momentum, affine, track_running_stats, device, dtype);

        public static Sequential Sequential() => new();
        public static Sequential Sequential(params Module<Tensor, Tensor>[] modules) => new(modules);
        public static Sequential Sequential(params (string name, Module<Tensor, Tensor> module)[] modules) => new(modules);
        public static ModuleList ModuleList(params Module[] modules) => new(modules);
        public static ModuleDict ModuleDict(params (string name, Module module)[] modules) => new(modules);

        public static ReLU ReLU(bool inplace = false) => new(inplace);
        public static LeakyReLU LeakyReLU(double negative_slope = 0.01, bool inplace = false) => new(negative_slope, inplace);
        public static ELU ELU(double alpha = 1.0, bool inplace = false) => new(alpha, inplace);
        public static GELU GELU(string approximate = "none") => new(approximate);
        public static SiLU SiLU(bool inplace = false) => new(inplace);
        public static Mish Mish(bool inplace = false) => new(inplace);
        public static Tanh Tanh() => new();
        public static Sigmoid Sigmoid() => new();
        public static Softplus Softplus(double beta = 1, double threshold = 20) => new(beta, threshold);
        public static Softmax Softmax(long dim) => new(dim);
        public static LogSoftmax LogSoftmax(long dim) => new(dim);

        public static CrossEntropyLoss CrossEntropyLoss(Tensor? weight = null, long ignore_index = -100, string reduction = "mean", double label_smoothing = 0.0) => new(weight, ignore_index, reduction, label_smoothing);
        public static NLLLoss NLLLoss(Tensor? weight = null, long ignore_index = -100, string reduction = "mean") => new(weight, ignore_index, reduction);
        public static MSELoss MSELoss(string reduction = "mean") => new(reduction);
        public static L1Loss L1Loss(string reduction = "mean") => new(reduction);
        public static SmoothL1Loss SmoothL1Loss(string reduction = "mean", double beta = 1.0) => new(reduction, beta);
        public static HuberLoss HuberLoss(string reduction = "mean", double delta = 1.0) => new(reduction, delta);
        public static BCELoss BCELoss(Tensor? weight = null, string reduction = "mean") => new(weight, reduction);
        public static BCEWithLogitsLoss BCEWithLogitsLoss(Tensor? weight = null, string reduction = "mean", Tensor? pos_weight = null) => new(weight, reduction, pos_weight);
        public static KLDivLoss KLDivLoss(string reduction = "mean", bool log_target = false) => new(reduction, log_target);

        /// <summary>PyTorch's <c>torch.nn.utils</c>.</summary>
        public static partial class utils
        {
            /// <summary>Scales gradients so their combined norm is at most max_norm; returns the norm before clipping.</summary>
            public static Tensor clip_grad_norm_(IEnumerable<Parameter> parameters, double max_norm, double norm_type = 2.0, bool error_if_nonfinite = false)
            {
                var grads = parameters.Where(p => p.grad is not null).Select(p => p.grad!).ToList();
                if (grads.Count == 0) return tensor(0.0);
                using var _ = no_grad();
                Tensor total = double.IsPositiveInfinity(norm_type)
                    ? stack(grads.Select(g => g.abs().max()).ToArray()).max()
                    : stack(grads.Select(g => g.norm(norm_type)).ToArray()).norm(norm_type);
                if (error_if_nonfinite && !total.isfinite().item<bool>())
                    throw new InvalidOperationException($"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`");
                var coef = (max_norm / (total + 1e-6)).clamp(max: 1.0);
                foreach (var g in grads) g.mul_(coef.to(g.dtype));
                return total;
            }

            public static void clip_grad_value_(IEnumerable<Parameter> parameters, double clip_value)
            {
                using var _ = no_grad();
                foreach (var p in parameters) p.grad?.clamp_(-clip_value, clip_value);
            }
        }
    }
}

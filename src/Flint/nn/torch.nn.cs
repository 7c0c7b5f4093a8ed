using Flint.Modules;

namespace Flint;

public static partial class torch
{
    /// <summary>PyTorch's <c>torch.nn</c>: layer factories (<c>nn.Linear(784, 512)</c>), <c>nn.functional</c>, <c>nn.init</c>.</summary>
    public static partial class nn
    {
        /// <summary>A module parameter wrapping <paramref name="data"/>, as <c>torch.nn.Parameter</c>.</summary>
        public static Parameter Parameter(Tensor data, bool requires_grad = true) => new(data, requires_grad);

        /// <summary>A linear layer <c>y = x Wᵀ + b</c>, as <c>torch.nn.Linear</c>.</summary>
        public static Linear Linear(long in_features, long out_features, bool bias = true, Device? device = null, DType? dtype = null) => new(in_features, out_features, bias, device, dtype);
        /// <summary>A bilinear layer, as <c>torch.nn.Bilinear</c>.</summary>
        public static Bilinear Bilinear(long in1_features, long in2_features, long out_features, bool bias = true) => new(in1_features, in2_features, out_features, bias);
        /// <summary>A layer that returns its input, as <c>torch.nn.Identity</c>.</summary>
        public static Identity Identity() => new();
        /// <summary>Merges dims into one, as <c>torch.nn.Flatten</c>.</summary>
        public static Flatten Flatten(long start_dim = 1, long end_dim = -1) => new(start_dim, end_dim);
        /// <summary>Splits a dim into several, as <c>torch.nn.Unflatten</c>.</summary>
        public static Unflatten Unflatten(long dim, params long[] unflattened_size) => new(dim, unflattened_size);
        /// <summary>Dropout with probability <paramref name="p"/>, as <c>torch.nn.Dropout</c>.</summary>
        public static Dropout Dropout(double p = 0.5, bool inplace = false) => new(p, inplace);
        /// <summary>A lookup table of embeddings, as <c>torch.nn.Embedding</c>.</summary>
        public static Embedding Embedding(long num_embeddings, long embedding_dim, long? padding_idx = null, Device? device = null, DType? dtype = null, bool sparse = false) =>
            new(num_embeddings, embedding_dim, padding_idx, device, dtype, sparse);
        /// <summary>Layer normalization over the last dim, as <c>torch.nn.LayerNorm</c>.</summary>
        public static LayerNorm LayerNorm(long normalized_shape, double eps = 1e-5, bool elementwise_affine = true, bool bias = true, Device? device = null, DType? dtype = null) =>
            new(normalized_shape, eps, elementwise_affine, bias, device, dtype);
        /// <summary>Layer normalization over the trailing dims, as <c>torch.nn.LayerNorm</c>.</summary>
        public static LayerNorm LayerNorm(long[] normalized_shape, double eps = 1e-5, bool elementwise_affine = true, bool bias = true, Device? device = null, DType? dtype = null) =>
            new(normalized_shape, eps, elementwise_affine, bias, device, dtype);
        /// <summary>Group normalization, as <c>torch.nn.GroupNorm</c>.</summary>
        public static GroupNorm GroupNorm(long num_groups, long num_channels, double eps = 1e-5, bool affine = true, Device? device = null, DType? dtype = null) =>
            new(num_groups, num_channels, eps, affine, device, dtype);
        /// <summary>1-d batch normalization, as <c>torch.nn.BatchNorm1d</c>.</summary>
        public static BatchNorm1d BatchNorm1d(long num_features, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool track_running_stats = true,
            Device? device = null, DType? dtype = null) => new(num_features, eps, momentum, affine, track_running_stats, device, dtype);
        /// <summary>2-d batch normalization, as <c>torch.nn.BatchNorm2d</c>.</summary>
        public static BatchNorm2d BatchNorm2d(long num_features, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool track_running_stats = true,
            Device? device = null, DType? dtype = null) => new(num_features, eps, momentum, affine, track_running_stats, device, dtype);

        /// <summary>An empty sequence of layers, as <c>torch.nn.Sequential()</c>.</summary>
        public static Sequential Sequential() => new();
        /// <summary>Layers run in order, as <c>torch.nn.Sequential(*modules)</c>.</summary>
        public static Sequential Sequential(params Module<Tensor, Tensor>[] modules) => new(modules);
        /// <summary>Named layers run in order, as <c>torch.nn.Sequential(OrderedDict(...))</c>.</summary>
        public static Sequential Sequential(params (string name, Module<Tensor, Tensor> module)[] modules) => new(modules);
        /// <summary>A list of submodules, as <c>torch.nn.ModuleList</c>.</summary>
        public static ModuleList ModuleList(params Module[] modules) => new(modules);
        /// <summary>A dictionary of named submodules, as <c>torch.nn.ModuleDict</c>.</summary>
        public static ModuleDict ModuleDict(params (string name, Module module)[] modules) => new(modules);

        /// <summary><c>max(0, x)</c>, as <c>torch.nn.ReLU</c>.</summary>
        public static ReLU ReLU(bool inplace = false) => new(inplace);
        /// <summary>The leaky ReLU, as <c>torch.nn.LeakyReLU</c>.</summary>
        public static LeakyReLU LeakyReLU(double negative_slope = 0.01, bool inplace = false) => new(negative_slope, inplace);
        /// <summary>The ELU, as <c>torch.nn.ELU</c>.</summary>
        public static ELU ELU(double alpha = 1.0, bool inplace = false) => new(alpha, inplace);
        /// <summary>The GELU, as <c>torch.nn.GELU</c>.</summary>
        public static GELU GELU(string approximate = "none") => new(approximate);
        /// <summary><c>x * sigmoid(x)</c>, as <c>torch.nn.SiLU</c>.</summary>
        public static SiLU SiLU(bool inplace = false) => new(inplace);
        /// <summary><c>x * tanh(softplus(x))</c>, as <c>torch.nn.Mish</c>.</summary>
        public static Mish Mish(bool inplace = false) => new(inplace);
        /// <summary>Tanh, as <c>torch.nn.Tanh</c>.</summary>
        public static Tanh Tanh() => new();
        /// <summary>The logistic sigmoid, as <c>torch.nn.Sigmoid</c>.</summary>
        public static Sigmoid Sigmoid() => new();
        /// <summary>Softplus, as <c>torch.nn.Softplus</c>.</summary>
        public static Softplus Softplus(double beta = 1, double threshold = 20) => new(beta, threshold);
        /// <summary>Softmax along <paramref name="dim"/>, as <c>torch.nn.Softmax</c>.</summary>
        public static Softmax Softmax(long dim) => new(dim);
        /// <summary>Log-softmax along <paramref name="dim"/>, as <c>torch.nn.LogSoftmax</c>.</summary>
        public static LogSoftmax LogSoftmax(long dim) => new(dim);

        /// <summary>The cross entropy of logits and class targets, as <c>torch.nn.CrossEntropyLoss</c>.</summary>
        public static CrossEntropyLoss CrossEntropyLoss(Tensor? weight = null, long ignore_index = -100, string reduction = "mean", double label_smoothing = 0.0) => new(weight, ignore_index, reduction, label_smoothing);
        /// <summary>The negative log likelihood of log-probabilities, as <c>torch.nn.NLLLoss</c>.</summary>
        public static NLLLoss NLLLoss(Tensor? weight = null, long ignore_index = -100, string reduction = "mean") => new(weight, ignore_index, reduction);
        /// <summary>The mean squared error, as <c>torch.nn.MSELoss</c>.</summary>
        public static MSELoss MSELoss(string reduction = "mean") => new(reduction);
        /// <summary>The mean absolute error, as <c>torch.nn.L1Loss</c>.</summary>
        public static L1Loss L1Loss(string reduction = "mean") => new(reduction);
        /// <summary>The smooth L1 loss, as <c>torch.nn.SmoothL1Loss</c>.</summary>
        public static SmoothL1Loss SmoothL1Loss(string reduction = "mean", double beta = 1.0) => new(reduction, beta);
        /// <summary>The Huber loss, as <c>torch.nn.HuberLoss</c>.</summary>
        public static HuberLoss HuberLoss(string reduction = "mean", double delta = 1.0) => new(reduction, delta);
        /// <summary>The binary cross entropy of probabilities, as <c>torch.nn.BCELoss</c>.</summary>
        public static BCELoss BCELoss(Tensor? weight = null, string reduction = "mean") => new(weight, reduction);
        /// <summary>The binary cross entropy of logits, as <c>torch.nn.BCEWithLogitsLoss</c>.</summary>
        public static BCEWithLogitsLoss BCEWithLogitsLoss(Tensor? weight = null, string reduction = "mean", Tensor? pos_weight = null) => new(weight, reduction, pos_weight);
        /// <summary>The Kullback-Leibler divergence, as <c>torch.nn.KLDivLoss</c>.</summary>
        public static KLDivLoss KLDivLoss(string reduction = "mean", bool log_target = false) => new(reduction, log_target);

        /// <summary>PyTorch's <c>torch.nn.utils</c>.</summary>
        public static partial class utils
        {
            /// <summary>Scales gradients so their combined norm is at most max_norm; returns the norm before clipping.</summary>
            public static Tensor clip_grad_norm_(IEnumerable<Parameter> parameters, double max_norm, double norm_type = 2.0, bool error_if_nonfinite = false)
            {
                // a sparse gradient counts with its coalesced values and is scaled through its values, as PyTorch
                var grads = parameters.Where(p => p.grad is not null).Select(p => p.grad!.is_sparse ? p.grad._values() : p.grad).ToList();
                var norms = parameters.Where(p => p.grad is not null).Select(p => p.grad!.is_sparse ? p.grad.coalesce()._values() : p.grad).ToList();
                if (grads.Count == 0) return tensor(0.0);
                using var _ = no_grad();
                Tensor total = double.IsPositiveInfinity(norm_type)
                    ? stack(norms.Select(g => g.numel() == 0 ? zeros([], g.dtype, g.device) : g.abs().max()).ToArray()).max()
                    : stack(norms.Select(g => g.norm(norm_type)).ToArray()).norm(norm_type);
                if (error_if_nonfinite && !total.isfinite().item<bool>())
                    throw new InvalidOperationException($"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`");
                var coef = (max_norm / (total + 1e-6)).clamp(max: 1.0);
                foreach (var g in grads) g.mul_(coef.to(g.dtype));
                return total;
            }

            /// <summary>Clamps every gradient of <paramref name="parameters"/> into [-clip_value, clip_value] in place, as <c>torch.nn.utils.clip_grad_value_</c>.</summary>
            public static void clip_grad_value_(IEnumerable<Parameter> parameters, double clip_value)
            {
                using var _ = no_grad();
                foreach (var p in parameters) p.grad?.clamp_(-clip_value, clip_value);
            }
        }
    }
}

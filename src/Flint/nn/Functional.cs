namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>PyTorch's <c>torch.nn.functional</c>: the stateless forms of the layers.</summary>
        public static partial class functional
        {
            /// <summary>y = x Wᵀ + b.</summary>
            public static Tensor linear(Tensor input, Tensor weight, Tensor? bias = null)
            {
                using var range = Profiler.Recorder.Active ? Profiler.Recorder.Begin("aten::linear", input, weight, bias) : default;
                if (input.dim() == 2 && bias is not null) return addmm(bias, input, weight.t());
                var y = matmul(input, weight.t());
                return bias is null ? y : y + bias;
            }

            public static Tensor bilinear(Tensor input1, Tensor input2, Tensor weight, Tensor? bias = null)
            {
                // y_k = x1ᵀ W_k x2 + b_k: (x1 · W reshaped to [i, k*j]) then a product with x2 summed over j
                if (weight.dim() != 3 || input1.size(-1) != weight.size(1) || input2.size(-1) != weight.size(2))
                    throw new ArgumentException($"bilinear(): input and weight shapes do not match: input1 {input1.shape}, input2 {input2.shape}, weight {weight.shape}");
                long k = weight.size(0), i = weight.size(1), j = weight.size(2);
                var x1 = input1.reshape(-1, i);
                var x2 = input2.reshape(-1, j);
                var t = matmul(x1, weight.permute(1, 0, 2).reshape(i, k * j)).reshape(-1, k, j);
                var y = (t * x2.unsqueeze(1)).sum(-1);
                if (bias is not null) y = y + bias;
                var shape = input1.shape.ToArray()[..^1].Append(weight.size(0)).ToArray();
                return y.reshape(shape);
            }

            public static Tensor relu(Tensor input, bool inplace = false) => inplace ? input.relu_() : torch.relu(input);
            public static Tensor leaky_relu(Tensor input, double negative_slope = 0.01, bool inplace = false) =>
                inplace ? input.leaky_relu_(negative_slope) : torch.leaky_relu(input, negative_slope);
            public static Tensor elu(Tensor input, double alpha = 1.0, bool inplace = false) => inplace ? input.elu_(alpha) : torch.elu(input, alpha);
            public static Tensor selu(Tensor input, bool inplace = false) => inplace ? input.selu_() : torch.selu(input);
            public static Tensor hardtanh(Tensor input, double min_val = -1.0, double max_val = 1.0, bool inplace = false) =>
                inplace ? input.hardtanh_(min_val, max_val) : torch.hardtanh(input, min_val, max_val);
            public static Tensor relu6(Tensor input, bool inplace = false) => inplace ? input.relu6_() : torch.relu6(input);
            public static Tensor gelu(Tensor input, string approximate = "none") => torch.gelu(input, approximate);
            public static Tensor silu(Tensor input, bool inplace = false) => inplace ? input.silu_() : torch.silu(input);
            public static Tensor mish(Tensor input, bool inplace = false) => inplace ? input.mish_() : torch.mish(input);
            public static Tensor tanh(Tensor input) => torch.tanh(input);
            public static Tensor sigmoid(Tensor input) => torch.sigmoid(input);
            public static Tensor softplus(Tensor input, double beta = 1, double threshold = 20) => torch.softplus(input, beta, threshold);
            public static Tensor softmax(Tensor input, long dim, DType? dtype = null) => torch.softmax(input, dim, dtype);
            public static Tensor log_softmax(Tensor input, long dim, DType? dtype = null) => torch.log_softmax(input, dim, dtype);

            /// <summary>Zeroes elements with probability p during training and scales the rest by 1/(1-p).</summary>
            public static Tensor dropout(Tensor input, double p = 0.5, bool training = true, bool inplace = false)
            {
                if (p < 0 || p > 1) throw new ArgumentException($"dropout probability has to be between 0 and 1, but got {p}");
                if (!training || p == 0) return input;
                if (p == 1) return inplace ? input.mul_(0) : input * 0;
                var mask = empty_like(input).bernoulli_(1 - p).div_(1 - p);
                return inplace ? input.mul_(mask) : input * mask;
            }

            public static Tensor flatten(Tensor input, long start_dim = 1, long end_dim = -1) => input.flatten(start_dim, end_dim);
        }
    }
}

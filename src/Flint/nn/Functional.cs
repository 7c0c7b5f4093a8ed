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
                // a contiguous input of 3+ dims with a bias is one addmm over its rows, viewed back (PyTorch's
                // _flatten_nd_linear: the grad_fn is ViewBackward0 over AddmmBackward0)
                if (bias is not null && input.dim() >= 3 && weight.dim() == 2 && (input.dim() == 3 || bias.dim() == 1) && input.is_contiguous())
                {
                    var sizes = input.shape.ToArray();
                    long rows = 1;
                    for (int i = 0; i < sizes.Length - 1; i++) rows *= sizes[i];
                    var flat = addmm(bias, input.reshape(rows, sizes[^1]), weight.t());
                    sizes[^1] = flat.size(1);
                    return flat.view(sizes);
                }
                var y = matmul(input, weight.t());
                return bias is null ? y : y + bias;
            }

            /// <summary><c>x1ᵀ W x2 + b</c> for each output feature, as <c>F.bilinear</c>; weight is (out, in1, in2).</summary>
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

            /// <summary><c>max(0, x)</c>, as <c>F.relu</c>; <paramref name="inplace"/> overwrites the input.</summary>
            public static Tensor relu(Tensor input, bool inplace = false) => inplace ? input.relu_() : torch.relu(input);
            /// <summary><c>max(0, x) + negative_slope * min(0, x)</c>, as <c>F.leaky_relu</c>.</summary>
            public static Tensor leaky_relu(Tensor input, double negative_slope = 0.01, bool inplace = false) =>
                inplace ? input.leaky_relu_(negative_slope) : torch.leaky_relu(input, negative_slope);
            /// <summary>The ELU, as <c>F.elu</c>.</summary>
            public static Tensor elu(Tensor input, double alpha = 1.0, bool inplace = false) => inplace ? input.elu_(alpha) : torch.elu(input, alpha);
            /// <summary>The SELU, as <c>F.selu</c>.</summary>
            public static Tensor selu(Tensor input, bool inplace = false) => inplace ? input.selu_() : torch.selu(input);
            /// <summary>Clamps into [<paramref name="min_val"/>, <paramref name="max_val"/>], as <c>F.hardtanh</c>.</summary>
            public static Tensor hardtanh(Tensor input, double min_val = -1.0, double max_val = 1.0, bool inplace = false) =>
                inplace ? input.hardtanh_(min_val, max_val) : torch.hardtanh(input, min_val, max_val);
            /// <summary><c>min(max(0, x), 6)</c>, as <c>F.relu6</c>.</summary>
            public static Tensor relu6(Tensor input, bool inplace = false) => inplace ? input.relu6_() : torch.relu6(input);
            /// <summary>The GELU, as <c>F.gelu</c>; <paramref name="approximate"/> is <c>"none"</c> or <c>"tanh"</c>.</summary>
            public static Tensor gelu(Tensor input, string approximate = "none") => torch.gelu(input, approximate);
            /// <summary><c>x * sigmoid(x)</c>, as <c>F.silu</c>.</summary>
            public static Tensor silu(Tensor input, bool inplace = false) => inplace ? input.silu_() : torch.silu(input);
            /// <summary><c>x * tanh(softplus(x))</c>, as <c>F.mish</c>.</summary>
            public static Tensor mish(Tensor input, bool inplace = false) => inplace ? input.mish_() : torch.mish(input);
            /// <summary>Tanh, as <c>F.tanh</c>.</summary>
            public static Tensor tanh(Tensor input) => torch.tanh(input);
            /// <summary>The logistic sigmoid, as <c>F.sigmoid</c>.</summary>
            public static Tensor sigmoid(Tensor input) => torch.sigmoid(input);
            /// <summary><c>log(1 + exp(beta * x)) / beta</c>, linear above <paramref name="threshold"/>, as <c>F.softplus</c>.</summary>
            public static Tensor softplus(Tensor input, double beta = 1, double threshold = 20) => torch.softplus(input, beta, threshold);
            /// <summary>Softmax along <paramref name="dim"/> (computed in <paramref name="dtype"/> when given), as <c>F.softmax</c>.</summary>
            public static Tensor softmax(Tensor input, long dim, DType? dtype = null) => torch.softmax(input, dim, dtype);
            /// <summary>Log-softmax along <paramref name="dim"/>, as <c>F.log_softmax</c>.</summary>
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

            /// <summary>The dims from <paramref name="start_dim"/> (1: keeps the batch) to <paramref name="end_dim"/> merged, as <c>nn.Flatten</c> does.</summary>
            public static Tensor flatten(Tensor input, long start_dim = 1, long end_dim = -1) => input.flatten(start_dim, end_dim);
        }
    }
}

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

            /// <summary>Rows of <paramref name="weight"/> picked by the indices; the padding_idx row receives no gradient.</summary>
            public static Tensor embedding(Tensor input, Tensor weight, long? padding_idx = null)
            {
                if (input.dtype != int64 && input.dtype != int32)
                    throw new ArgumentException($"Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.{input.dtype.LegacyName}Tensor instead (while checking arguments for embedding)");
                if (padding_idx is { } pi)
                {
                    if (pi >= weight.size(0) || pi < -weight.size(0)) throw new ArgumentException("Padding_idx must be within num_embeddings");
                    if (pi < 0) padding_idx = pi + weight.size(0);
                }
                var idx = input.reshape(-1);
                if (idx.numel() > 0 && !idx.is_meta)   // a meta index has no values to check
                {
                    long lo = idx.min().item<long>(), hi = idx.max().item<long>();
                    if (lo < 0 || hi >= weight.size(0)) throw new IndexOutOfRangeException("index out of range in self");
                }
                var rows = weight.index_select(0, idx);
                if (padding_idx is { } p && rows.requires_grad)
                    rows = where(idx.ne(p).unsqueeze(1), rows, rows.detach());
                return rows.reshape([.. input.shape.ToArray(), weight.size(1)]);
            }

            public static Tensor flatten(Tensor input, long start_dim = 1, long end_dim = -1) => input.flatten(start_dim, end_dim);

            public static Tensor layer_norm(Tensor input, long[] normalized_shape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
            {
                var dims = Enumerable.Range(input.dim() - normalized_shape.Length, normalized_shape.Length).Select(d => (long)d).ToArray();
                var mean = input.mean(dims, keepdim: true);
                var var_ = input.var(dims, correction: 0, keepdim: true);
                var y = (input - mean) * (var_ + eps).rsqrt();
                if (weight is not null) y = y * weight;
                if (bias is not null) y = y + bias;
                return y;
            }

            public static Tensor group_norm(Tensor input, long num_groups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
            {
                long n = input.size(0), c = input.size(1);
                long[] spatial = input.shape.ToArray()[2..];
                long spatialSize = spatial.Aggregate(1L, (a, b) => a * b);
                // each group's statistics need more than one value (PyTorch checks the sizes [N * C / G, G, *spatial] first)
                if (n * c / num_groups * spatialSize == 1)
                    throw new ArgumentException($"Expected more than 1 value per channel when training, got input size [{string.Join(", ", new[] { n * c / num_groups, num_groups }.Concat(spatial))}]");
                if (c % num_groups != 0) throw new ArgumentException($"Expected number of channels in input to be divisible by num_groups, but got input of shape [{string.Join(", ", input.shape.ToArray())}] and num_groups={num_groups}");
                // explicit group sizes: a batch of 0 leaves nothing to infer a -1 from
                var x = input.reshape(n, num_groups, c / num_groups * spatialSize);
                var mean = x.mean([2], keepdim: true);
                var var_ = x.var([2], correction: 0, keepdim: true);
                var y = ((x - mean) * (var_ + eps).rsqrt()).reshape(input.shape.ToArray());
                var bshape = new long[input.dim()]; Array.Fill(bshape, 1); bshape[1] = c;
                if (weight is not null) y = y * weight.reshape(bshape);
                if (bias is not null) y = y + bias.reshape(bshape);
                return y;
            }

            /// <summary>Batch normalization over (N, C, ...): batch statistics in training (updating the running ones), running statistics in eval.</summary>
            public static Tensor batch_norm(Tensor input, Tensor? running_mean, Tensor? running_var, Tensor? weight = null, Tensor? bias = null,
                bool training = false, double momentum = 0.1, double eps = 1e-5)
            {
                if (input.dim() < 2) throw new ArgumentException($"expected 2D or 3D input (got {input.dim()}D input)");
                long c = input.size(1);
                if (training && input.shape.ToArray().Where((_, i) => i != 1).Aggregate(1L, (a, b) => a * b) == 1)
                    throw new ArgumentException($"Expected more than 1 value per channel when training, got input size {input.shape}");
                if (input.numel() == 0)
                {
                    // nothing to normalize and no statistics to update: PyTorch returns a copy (not a view, to keep the
                    // graph) scaled and shifted by the first channel's affine parameters
                    var e = input.clone();
                    if (weight is not null) e = e * weight[0];
                    if (bias is not null) e = e + bias[0];
                    return e;
                }
                var dims = Enumerable.Range(0, input.dim()).Where(d => d != 1).Select(d => (long)d).ToArray();
                var bshape = new long[input.dim()]; Array.Fill(bshape, 1); bshape[1] = c;
                Tensor mean, var_;
                if (training)
                {
                    long count = input.numel() / c;
                    mean = input.mean(dims);
                    var_ = input.var(dims, correction: 0);
                    if (running_mean is not null && running_var is not null)
                        using (no_grad())
                        {
                            running_mean.mul_(1 - momentum).add_(mean.detach(), alpha: momentum);
                            running_var.mul_(1 - momentum).add_(var_.detach() * ((double)count / (count - 1)), alpha: momentum);
                        }
                }
                else
                {
                    mean = running_mean ?? throw new ArgumentException("running_mean must be defined in evaluation mode");
                    var_ = running_var ?? throw new ArgumentException("running_var must be defined in evaluation mode");
                }
                var y = (input - mean.reshape(bshape)) * (var_.reshape(bshape) + eps).rsqrt();
                if (weight is not null) y = y * weight.reshape(bshape);
                if (bias is not null) y = y + bias.reshape(bshape);
                return y;
            }
        }
    }
}

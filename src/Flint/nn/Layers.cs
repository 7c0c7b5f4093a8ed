using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Modules;

/// <summary>y = x Wᵀ + b, with PyTorch's default initialization (kaiming-uniform weight, uniform bias).</summary>
public class Linear : nn.Module<Tensor, Tensor>
{
    /// <summary>The learnable weight, (out_features, in_features).</summary>
    public Parameter weight;
    /// <summary>The learnable bias, (out_features), or null.</summary>
    public Parameter? bias;
    /// <summary>The size of each input sample.</summary>
    public long in_features { get; }
    /// <summary>The size of each output sample.</summary>
    public long out_features { get; }

    /// <summary>A linear layer <c>y = x Wᵀ + b</c>, as <c>torch.nn.Linear</c>; weight and bias initialised as PyTorch does (uniform in ±1/sqrt(in_features)).</summary>
    public Linear(long in_features, long out_features, bool hasBias = true, Device? device = null, DType? dtype = null)
    {
        this.in_features = in_features; this.out_features = out_features;
        weight = new Parameter(empty([out_features, in_features], dtype, device));
        if (hasBias) bias = new Parameter(empty([out_features], dtype, device));
        reset_parameters();
    }

    /// <summary>Re-initialises the weight and bias as PyTorch does.</summary>
    public void reset_parameters()
    {
        nn.init.kaiming_uniform_(weight, a: Math.Sqrt(5));
        if (bias is not null)
        {
            var (fanIn, _) = nn.init._calculate_fan_in_and_fan_out(weight);
            double bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
            nn.init.uniform_(bias, -bound, bound);
        }
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.linear(input, weight, bias);
    /// <inheritdoc/>
    public override string extra_repr() => $"in_features={in_features}, out_features={out_features}, bias={(bias is null ? "False" : "True")}";
}

/// <summary>y_k = x1ᵀ A_k x2 + b_k.</summary>
public sealed class Bilinear : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>The learnable weight, (out_features, in1_features, in2_features).</summary>
    public Parameter weight;
    /// <summary>The learnable bias, (out_features), or null.</summary>
    public Parameter? bias;
    /// <summary>The size of each first input sample.</summary>
    public long in1_features { get; }
    /// <summary>The size of each second input sample.</summary>
    public long in2_features { get; }
    /// <summary>The size of each output sample.</summary>
    public long out_features { get; }

    /// <summary>A bilinear layer <c>y = x1ᵀ W x2 + b</c>, as <c>torch.nn.Bilinear</c>.</summary>
    public Bilinear(long in1_features, long in2_features, long out_features, bool hasBias = true)
    {
        this.in1_features = in1_features; this.in2_features = in2_features; this.out_features = out_features;
        weight = new Parameter(empty(out_features, in1_features, in2_features));
        if (hasBias) bias = new Parameter(empty(out_features));
        double bound = 1 / Math.Sqrt(in1_features);
        nn.init.uniform_(weight, -bound, bound);
        if (bias is not null) nn.init.uniform_(bias, -bound, bound);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input1, Tensor input2) => F.bilinear(input1, input2, weight, bias);
    /// <inheritdoc/>
    public override string extra_repr() => $"in1_features={in1_features}, in2_features={in2_features}, out_features={out_features}, bias={(bias is null ? "False" : "True")}";
}

/// <summary>Returns its input unchanged, as <c>torch.nn.Identity</c>.</summary>
public sealed class Identity : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => input;
}

/// <summary>Merges the dims from <paramref name="start_dim"/> to <paramref name="end_dim"/> into one, as <c>torch.nn.Flatten</c>.</summary>
public sealed class Flatten(long start_dim = 1, long end_dim = -1) : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => input.flatten(start_dim, end_dim);
    /// <inheritdoc/>
    public override string extra_repr() => $"start_dim={start_dim}, end_dim={end_dim}";
}

/// <summary>Splits dim <paramref name="dim"/> into <paramref name="unflattened_size"/>, as <c>torch.nn.Unflatten</c>.</summary>
public sealed class Unflatten(long dim, long[] unflattened_size) : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => input.unflatten(dim, unflattened_size);
    /// <inheritdoc/>
    public override string extra_repr() => $"dim={dim}, unflattened_size=({string.Join(", ", unflattened_size)}{(unflattened_size.Length == 1 ? "," : "")})";
}

/// <summary>Zeros each element with probability <paramref name="p"/> in training and scales the rest by 1/(1-p), as <c>torch.nn.Dropout</c>; the identity in eval mode.</summary>
public sealed class Dropout(double p = 0.5, bool inplace = false) : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.dropout(input, p, training, inplace);
    /// <inheritdoc/>
    public override string extra_repr() => $"p={Printing.PyFormat.Repr(p)}, inplace={(inplace ? "True" : "False")}";
}

/// <summary>A lookup table of embeddings (initialized from N(0, 1); the padding row is zero).</summary>
public sealed class Embedding : nn.Module<Tensor, Tensor>
{
    /// <summary>The embedding table, (num_embeddings, embedding_dim), initialised from N(0, 1).</summary>
    public Parameter weight;
    /// <summary>The number of rows of the table.</summary>
    public long num_embeddings { get; }
    /// <summary>The size of each embedding.</summary>
    public long embedding_dim { get; }
    /// <summary>The index whose row gets no gradient (and starts at zeros), or null.</summary>
    public long? padding_idx { get; }
    /// <summary>Whether the weight's gradient is a sparse COO tensor (see <see cref="torch.nn.functional.embedding"/>).</summary>
    public bool sparse { get; }

    /// <summary>
    /// A lookup table of <paramref name="num_embeddings"/> vectors of size <paramref name="embedding_dim"/>, as
    /// <c>torch.nn.Embedding</c>; <paramref name="sparse"/> makes the weight's gradient sparse (for optim.SparseAdam or SGD).
    /// </summary>
    public Embedding(long num_embeddings, long embedding_dim, long? padding_idx = null, Device? device = null, DType? dtype = null, bool sparse = false)
    {
        this.sparse = sparse;
        this.num_embeddings = num_embeddings; this.embedding_dim = embedding_dim;
        if (padding_idx is { } pi)
        {
            if (pi >= num_embeddings || pi < -num_embeddings) throw new ArgumentException("Padding_idx must be within num_embeddings");
            if (pi < 0) padding_idx = pi + num_embeddings;
        }
        this.padding_idx = padding_idx;
        weight = new Parameter(empty([num_embeddings, embedding_dim], dtype, device));
        nn.init.normal_(weight);
        if (padding_idx is { } p) using (no_grad()) weight.select(0, p).fill_(0);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.embedding(input, weight, padding_idx, sparse);
    /// <inheritdoc/>
    public override string extra_repr() => $"{num_embeddings}, {embedding_dim}" + (padding_idx is { } p ? $", padding_idx={p}" : "") + (sparse ? ", sparse=True" : "");
}

/// <summary>Normalizes over the last dims (<c>normalized_shape</c>) of each sample, with a learnable scale and shift, as <c>torch.nn.LayerNorm</c>.</summary>
public sealed class LayerNorm : nn.Module<Tensor, Tensor>
{
    /// <summary>The learnable scale (ones at first), or null without elementwise_affine.</summary>
    public Parameter? weight;
    /// <summary>The learnable shift (zeros at first), or null.</summary>
    public Parameter? bias;
    /// <summary>The trailing dims normalized over.</summary>
    public long[] normalized_shape { get; }
    /// <summary>The value added to the variance for stability.</summary>
    public double eps { get; }

    /// <summary>A layer norm over the trailing dims <paramref name="normalized_shape"/>; <paramref name="elementwise_affine"/> adds the learnable weight (and <paramref name="bias"/> the shift).</summary>
    public LayerNorm(long[] normalized_shape, double eps = 1e-5, bool elementwise_affine = true, bool bias = true, Device? device = null, DType? dtype = null)
    {
        this.normalized_shape = normalized_shape; this.eps = eps;
        if (elementwise_affine)
        {
            weight = new Parameter(ones(normalized_shape, dtype, device));
            if (bias) this.bias = new Parameter(zeros(normalized_shape, dtype, device));
        }
    }

    /// <summary>A layer norm over the last dim, of size <paramref name="normalized_shape"/>.</summary>
    public LayerNorm(long normalized_shape, double eps = 1e-5, bool elementwise_affine = true, bool bias = true, Device? device = null, DType? dtype = null)
        : this([normalized_shape], eps, elementwise_affine, bias, device, dtype) { }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.layer_norm(input, normalized_shape, weight, bias, eps);
    /// <inheritdoc/>
    public override string extra_repr() => $"({string.Join(", ", normalized_shape)}{(normalized_shape.Length == 1 ? "," : "")}), eps={Printing.PyFormat.Repr(eps)}, elementwise_affine={(weight is null ? "False" : "True")}";
}

/// <summary>Normalizes groups of channels of each sample, with a learnable per-channel scale and shift, as <c>torch.nn.GroupNorm</c>.</summary>
public sealed class GroupNorm : nn.Module<Tensor, Tensor>
{
    /// <summary>The learnable per-channel scale, or null without affine.</summary>
    public Parameter? weight;
    /// <summary>The learnable per-channel shift, or null.</summary>
    public Parameter? bias;
    /// <summary>The number of groups the channels are split into.</summary>
    public long num_groups { get; }
    /// <summary>The number of channels.</summary>
    public long num_channels { get; }
    /// <summary>The value added to the variance for stability.</summary>
    public double eps { get; }

    /// <summary>A group norm of <paramref name="num_channels"/> channels in <paramref name="num_groups"/> groups.</summary>
    public GroupNorm(long num_groups, long num_channels, double eps = 1e-5, bool affine = true, Device? device = null, DType? dtype = null)
    {
        if (num_channels % num_groups != 0) throw new ArgumentException("num_channels must be divisible by num_groups");
        this.num_groups = num_groups; this.num_channels = num_channels; this.eps = eps;
        if (affine) { weight = new Parameter(ones([num_channels], dtype, device)); bias = new Parameter(zeros([num_channels], dtype, device)); }
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.group_norm(input, num_groups, weight, bias, eps);
    /// <inheritdoc/>
    public override string extra_repr() => $"{num_groups}, {num_channels}, eps={Printing.PyFormat.Repr(eps)}, affine={(weight is null ? "False" : "True")}";
}

/// <summary>Batch normalization (BatchNorm1d for (N, C) / (N, C, L), BatchNorm2d for (N, C, H, W), BatchNorm3d for (N, C, D, H, W)).</summary>
public class BatchNorm : NormBase
{
    private readonly int[] allowedDims;
    private readonly string name;

    /// <summary>A batch normalization layer accepting inputs of the ranks in <paramref name="allowedDims"/>.</summary>
    protected BatchNorm(string name, int[] allowedDims, long num_features, double eps, double? momentum, bool affine, bool track_running_stats,
        Device? device = null, DType? dtype = null) : base(num_features, eps, momentum, affine, track_running_stats, device, dtype)
    {
        this.name = name; this.allowedDims = allowedDims;
    }

    /// <inheritdoc/>
    public override string GetName() => name;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        if (!allowedDims.Contains(input.dim()))
            throw new ArgumentException($"expected {string.Join(" or ", allowedDims.Select(d => d + "D"))} input (got {input.dim()}D input)");
        var rm = Buffer("running_mean"); var rv = Buffer("running_var");
        double mom = momentum ?? 0.0;
        if (training && Buffer("num_batches_tracked") is { } nbt)
        {
            using (no_grad()) nbt.add_(1);
            if (momentum is null) mom = 1.0 / nbt.item<long>();
        }
        bool useBatch = training || rm is null;
        return F.batch_norm(input, useBatch && !training ? null : rm, useBatch && !training ? null : rv, weight, bias, useBatch, mom, eps);
    }
}

/// <summary>Normalizes each channel of an (N, C) or (N, C, L) input over the batch, keeping running statistics for eval, as <c>torch.nn.BatchNorm1d</c>.</summary>
public sealed class BatchNorm1d(long num_features, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool track_running_stats = true,
    Device? device = null, DType? dtype = null)
    : BatchNorm("BatchNorm1d", [2, 3], num_features, eps, momentum, affine, track_running_stats, device, dtype);

/// <summary>Normalizes each channel of an (N, C, H, W) input over the batch, keeping running statistics for eval, as <c>torch.nn.BatchNorm2d</c>.</summary>
public sealed class BatchNorm2d(long num_features, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool track_running_stats = true,
    Device? device = null, DType? dtype = null)
    : BatchNorm("BatchNorm2d", [4], num_features, eps, momentum, affine, track_running_stats, device, dtype);

/// <summary>Normalizes each channel of an (N, C, D, H, W) input over the batch, keeping running statistics for eval, as <c>torch.nn.BatchNorm3d</c>.</summary>
public sealed class BatchNorm3d(long num_features, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool track_running_stats = true,
    Device? device = null, DType? dtype = null)
    : BatchNorm("BatchNorm3d", [5], num_features, eps, momentum, affine, track_running_stats, device, dtype);

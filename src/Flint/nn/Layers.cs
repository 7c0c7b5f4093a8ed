using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Modules;

/// <summary>y = x Wᵀ + b, with PyTorch's default initialization (kaiming-uniform weight, uniform bias).</summary>
public class Linear : nn.Module<Tensor, Tensor>
{
    public Parameter weight;
    public Parameter? bias;
    public long in_features { get; }
    public long out_features { get; }

    public Linear(long in_features, long out_features, bool hasBias = true, Device? device = null, DType? dtype = null)
    {
        this.in_features = in_features; this.out_features = out_features;
        weight = new Parameter(empty([out_features, in_features], dtype, device));
        if (hasBias) bias = new Parameter(empty([out_features], dtype, device));
        reset_parameters();
    }

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

    public override Tensor forward(Tensor input) => F.linear(input, weight, bias);
    public override string extra_repr() => $"in_features={in_features}, out_features={out_features}, bias={(bias is null ? "False" : "True")}";
}

/// <summary>y_k = x1ᵀ A_k x2 + b_k.</summary>
public sealed class Bilinear : nn.Module<Tensor, Tensor, Tensor>
{
    public Parameter weight;
    public Parameter? bias;
    public long in1_features { get; }
    public long in2_features { get; }
    public long out_features { get; }

    public Bilinear(long in1_features, long in2_features, long out_features, bool hasBias = true)
    {
        this.in1_features = in1_features; this.in2_features = in2_features; this.out_features = out_features;
        weight = new Parameter(empty(out_features, in1_features, in2_features));
        if (hasBias) bias = new Parameter(empty(out_features));
        double bound = 1 / Math.Sqrt(in1_features);
        nn.init.uniform_(weight, -bound, bound);
        if (bias is not null) nn.init.uniform_(bias, -bound, bound);
    }

    public override Tensor forward(Tensor input1, Tensor input2) => F.bilinear(input1, input2, weight, bias);
    public override string extra_repr() => $"in1_features={in1_features}, in2_features={in2_features}, out_features={out_features}, bias={(bias is null ? "False" : "True")}";
}

public sealed class Identity : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => input;
}

public sealed class Flatten(long start_dim = 1, long end_dim = -1) : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => input.flatten(start_dim, end_dim);
    public override string extra_repr() => $"start_dim={start_dim}, end_dim={end_dim}";
}

public sealed class Unflatten(long dim, long[] unflattened_size) : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => input.unflatten(dim, unflattened_size);
    public override string extra_repr() => $"dim={dim}, unflattened_size=({string.Join(", ", unflattened_size)}{(unflattened_size.Length == 1 ? "," : "")})";
}

public sealed class Dropout(double p = 0.5, bool inplace = false) : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => F.dropout(input, p, training, inplace);
    public override string extra_repr() => $"p={Printing.PyFormat.Repr(p)}, inplace={(inplace ? "True" : "False")}";
}

/// <summary>A lookup table of embeddings (initialized from N(0, 1); the padding row is zero).</summary>
public sealed class Embedding : nn.Module<Tensor, Tensor>
{
    public Parameter weight;
    public long num_embeddings { get; }
    public long embedding_dim { get; }
    public long? padding_idx { get; }

    public Embedding(long num_embeddings, long embedding_dim, long? padding_idx = null, Device? device = null, DType? dtype = null)
    {
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

    public override Tensor forward(Tensor input) => F.embedding(input, weight, padding_idx);
    public override string extra_repr() => $"{num_embeddings}, {embedding_dim}" + (padding_idx is { } p ? $", padding_idx={p}" : "");
}

public sealed class LayerNorm : nn.Module<Tensor, Tensor>
{
    public Parameter? weight;
    public Parameter? bias;
    public long[] normalized_shape { get; }
    public double eps { get; }

    public LayerNorm(long[] normalized_shape, double eps = 1e-5, bool elementwise_affine = true, bool bias = true, Device? device = null, DType? dtype = null)
    {
        this.normalized_shape = normalized_shape; this.eps = eps;
        if (elementwise_affine)
        {
            weight = new Parameter(ones(normalized_shape, dtype, device));
            if (bias) this.bias = new Parameter(zeros(normalized_shape, dtype, device));
        }
    }

    public LayerNorm(long normalized_shape, double eps = 1e-5, bool elementwise_affine = true, bool bias = true, Device? device = null, DType? dtype = null)
        : this([normalized_shape], eps, elementwise_affine, bias, device, dtype) { }

    public override Tensor forward(Tensor input) => F.layer_norm(input, normalized_shape, weight, bias, eps);
    public override string extra_repr() => $"({string.Join(", ", normalized_shape)}{(normalized_shape.Length == 1 ? "," : "")}), eps={Printing.PyFormat.Repr(eps)}, elementwise_affine={(weight is null ? "False" : "True")}";
}

public sealed class GroupNorm : nn.Module<Tensor, Tensor>
{
    public Parameter? weight;
    public Parameter? bias;
    public long num_groups { get; }
    public long num_channels { get; }
    public double eps { get; }

    public GroupNorm(long num_groups, long num_channels, double eps = 1e-5, bool affine = true, Device? device = null, DType? dtype = null)
    {
        if (num_channels % num_groups != 0) throw new ArgumentException("num_channels must be divisible by num_groups");
        this.num_groups = num_groups; this.num_channels = num_channels; this.eps = eps;
        if (affine) { weight = new Parameter(ones([num_channels], dtype, device)); bias = new Parameter(zeros([num_channels], dtype, device)); }
    }

    public override Tensor forward(Tensor input) => F.group_norm(input, num_groups, weight, bias, eps);
    public override string extra_repr() => $"{num_groups}, {num_channels}, eps={Printing.PyFormat.Repr(eps)}, affine={(weight is null ? "False" : "True")}";
}

/// <summary>Batch normalization (BatchNorm1d for (N, C) / (N, C, L), BatchNorm2d for (N, C, H, W), BatchNorm3d for (N, C, D, H, W)).</summary>
public class BatchNorm : NormBase
{
    private readonly int[] allowedDims;
    private readonly string name;

    protected BatchNorm(string name, int[] allowedDims, long num_features, double eps, double? momentum, bool affine, bool track_running_stats,
        Device? device = null, DType? dtype = null) : base(num_features, eps, momentum, affine, track_running_stats, device, dtype)
    {
        this.name = name; this.allowedDims = allowedDims;
    }

    public override string GetName() => name;

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

public sealed class BatchNorm1d(long num_features, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool track_running_stats = true,
    Device? device = null, DType? dtype = null)
    : BatchNorm("BatchNorm1d", [2, 3], num_features, eps, momentum, affine, track_running_stats, device, dtype);

public sealed class BatchNorm2d(long num_features, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool track_running_stats = true,
    Device? device = null, DType? dtype = null)
    : BatchNorm("BatchNorm2d", [4], num_features, eps, momentum, affine, track_running_stats, device, dtype);

public sealed class BatchNorm3d(long num_features, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool track_running_stats = true,
    Device? device = null, DType? dtype = null)
    : BatchNorm("BatchNorm3d", [5], num_features, eps, momentum, affine, track_running_stats, device, dtype);

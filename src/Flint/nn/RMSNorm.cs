using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Modules;

/// <summary>Root-mean-square normalization over the last dims with a learned scale (PyTorch's <c>nn.RMSNorm</c>, initialized to ones).</summary>
public sealed class RMSNorm : nn.Module<Tensor, Tensor>
{
    /// <summary>The learnable scale (ones at first), or null without elementwise_affine.</summary>
    public Parameter? weight;
    /// <summary>The trailing dims normalized over.</summary>
    public long[] normalized_shape { get; }
    /// <summary>The value added to the mean square, or null for the dtype's machine epsilon.</summary>
    public double? eps { get; }
    /// <summary>Whether the layer has the learnable scale.</summary>
    public bool elementwise_affine { get; }

    /// <summary>Root-mean-square normalization over the trailing dims <paramref name="normalized_shape"/>, as <c>torch.nn.RMSNorm</c>.</summary>
    public RMSNorm(long[] normalized_shape, double? eps = null, bool elementwise_affine = true, Device? device = null, DType? dtype = null)
    {
        this.normalized_shape = normalized_shape; this.eps = eps; this.elementwise_affine = elementwise_affine;
        if (elementwise_affine) weight = new Parameter(ones(normalized_shape, dtype, device));
    }

    /// <summary>Root-mean-square normalization over the last dim, of size <paramref name="normalized_shape"/>.</summary>
    public RMSNorm(long normalized_shape, double? eps = null, bool elementwise_affine = true, Device? device = null, DType? dtype = null)
        : this([normalized_shape], eps, elementwise_affine, device, dtype) { }

    /// <summary>Sets the scale back to ones.</summary>
    public void reset_parameters()
    {
        if (weight is not null) nn.init.ones_(weight);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.rms_norm(input, normalized_shape, weight, eps);

    /// <inheritdoc/>
    public override string extra_repr() =>
        $"({string.Join(", ", normalized_shape)}{(normalized_shape.Length == 1 ? "," : "")}), eps={(eps is { } e ? Printing.PyFormat.Repr(e) : "None")}, elementwise_affine={(elementwise_affine ? "True" : "False")}";
}

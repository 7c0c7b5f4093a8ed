using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Modules;

/// <summary>Root-mean-square normalization over the last dims with a learned scale (PyTorch's <c>nn.RMSNorm</c>, initialized to ones).</summary>
public sealed class RMSNorm : nn.Module<Tensor, Tensor>
{
    public Parameter? weight;
    public long[] normalized_shape { get; }
    public double? eps { get; }
    public bool elementwise_affine { get; }

    public RMSNorm(long[] normalized_shape, double? eps = null, bool elementwise_affine = true, Device? device = null, DType? dtype = null)
    {
        this.normalized_shape = normalized_shape; this.eps = eps; this.elementwise_affine = elementwise_affine;
        if (elementwise_affine) weight = new Parameter(ones(normalized_shape, dtype, device));
    }

    public RMSNorm(long normalized_shape, double? eps = null, bool elementwise_affine = true, Device? device = null, DType? dtype = null)
        : this([normalized_shape], eps, elementwise_affine, device, dtype) { }

    public void reset_parameters()
    {
        if (weight is not null) nn.init.ones_(weight);
    }

    public override Tensor forward(Tensor input) => F.rms_norm(input, normalized_shape, weight, eps);

    public override string extra_repr() =>
        $"({string.Join(", ", normalized_shape)}{(normalized_shape.Length == 1 ? "," : "")}), eps={(eps is { } e ? Printing.PyFormat.Repr(e) : "None")}, elementwise_affine={(elementwise_affine ? "True" : "False")}";
}

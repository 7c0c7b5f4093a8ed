using static Flint.torch;

namespace Flint.Modules;

/// <summary>
/// What batch and instance normalization layers share (PyTorch's _NormBase): the affine weight (ones) and bias
/// (zeros), and, when statistics are tracked, the running_mean (zeros), running_var (ones) and num_batches_tracked
/// buffers.
/// </summary>
public abstract class NormBase : nn.Module<Tensor, Tensor>
{
    /// <summary>The learnable per-feature scale, or null without affine.</summary>
    public Parameter? weight;
    /// <summary>The learnable per-feature shift, or null.</summary>
    public Parameter? bias;
    /// <summary>The number of features (channels).</summary>
    public long num_features { get; }
    /// <summary>The value added to the variance for stability.</summary>
    public double eps { get; }
    /// <summary>The weight of the new batch statistics in the running ones; null for a cumulative average.</summary>
    public double? momentum { get; }

    /// <summary>A normalization layer over <paramref name="num_features"/> channels.</summary>
    protected NormBase(long num_features, double eps, double? momentum, bool affine, bool track_running_stats, Device? device, DType? dtype)
    {
        this.num_features = num_features; this.eps = eps; this.momentum = momentum;
        if (affine) { weight = new Parameter(ones([num_features], dtype, device)); bias = new Parameter(zeros([num_features], dtype, device)); }
        if (track_running_stats)
        {
            register_buffer("running_mean", zeros([num_features], dtype, device));
            register_buffer("running_var", ones([num_features], dtype, device));
            register_buffer("num_batches_tracked", tensor(0L, device: device));
        }
    }

    /// <summary>The buffer named <paramref name="n"/>, or null.</summary>
    protected Tensor? Buffer(string n) => named_buffers(false).FirstOrDefault(b => b.name == n).buffer;

    /// <inheritdoc/>
    public override string extra_repr() => $"{num_features}, eps={Printing.PyFormat.Repr(eps)}, momentum={(momentum is { } m ? Printing.PyFormat.Repr(m) : "None")}, affine={(weight is null ? "False" : "True")}, track_running_stats={(Buffer("running_mean") is null ? "False" : "True")}";
}

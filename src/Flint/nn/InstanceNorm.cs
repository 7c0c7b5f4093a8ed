using F = Flint.torch.nn.functional;

namespace Flint.Modules;

/// <summary>
/// Instance normalization (InstanceNorm1d for (N, C, L) / (C, L), 2d for (N, C, H, W) / (C, H, W), 3d for
/// (N, C, D, H, W) / (C, D, H, W)): input statistics in training, or always when no running statistics are tracked;
/// an unbatched input is normalized as a batch of one. No affine parameters and no running statistics by default.
/// </summary>
public class InstanceNorm : NormBase
{
    private readonly string name;
    private readonly int unbatchedDims;

    /// <summary>An instance normalization layer; <paramref name="unbatchedDims"/> is the rank of an input without its batch dim.</summary>
    protected InstanceNorm(string name, int unbatchedDims, long num_features, double eps, double? momentum, bool affine, bool track_running_stats,
        Device? device, DType? dtype) : base(num_features, eps, momentum, affine, track_running_stats, device, dtype)
    {
        this.name = name; this.unbatchedDims = unbatchedDims;
    }

    /// <inheritdoc/>
    public override string GetName() => name;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != unbatchedDims && input.dim() != unbatchedDims + 1)
            throw new ArgumentException($"expected {unbatchedDims}D or {unbatchedDims + 1}D input (got {input.dim()}D input)");
        int featureDim = (int)input.dim() - unbatchedDims;
        if (input.size(featureDim) != num_features && weight is not null)
            throw new ArgumentException($"expected input's size at dim={featureDim} to match num_features ({num_features}), but got: {input.size(featureDim)}.");
        if (input.dim() == unbatchedDims) return Apply(input.unsqueeze(0)).squeeze(0);
        return Apply(input);
    }

    private Tensor Apply(Tensor input)
    {
        var rm = Buffer("running_mean");
        return F.instance_norm(input, rm, Buffer("running_var"), weight, bias, training || rm is null, momentum ?? 0.0, eps);
    }
}

/// <summary>Normalizes each channel of each sample of an (N, C, L) input over L, as <c>torch.nn.InstanceNorm1d</c>.</summary>
public sealed class InstanceNorm1d(long num_features, double eps = 1e-5, double? momentum = 0.1, bool affine = false, bool track_running_stats = false,
    Device? device = null, DType? dtype = null)
    : InstanceNorm("InstanceNorm1d", 2, num_features, eps, momentum, affine, track_running_stats, device, dtype);

/// <summary>Normalizes each channel of each sample of an (N, C, H, W) input over H and W, as <c>torch.nn.InstanceNorm2d</c>.</summary>
public sealed class InstanceNorm2d(long num_features, double eps = 1e-5, double? momentum = 0.1, bool affine = false, bool track_running_stats = false,
    Device? device = null, DType? dtype = null)
    : InstanceNorm("InstanceNorm2d", 3, num_features, eps, momentum, affine, track_running_stats, device, dtype);

/// <summary>Normalizes each channel of each sample of an (N, C, D, H, W) input, as <c>torch.nn.InstanceNorm3d</c>.</summary>
public sealed class InstanceNorm3d(long num_features, double eps = 1e-5, double? momentum = 0.1, bool affine = false, bool track_running_stats = false,
    Device? device = null, DType? dtype = null)
    : InstanceNorm("InstanceNorm3d", 4, num_features, eps, momentum, affine, track_running_stats, device, dtype);

using F = Flint.torch.nn.functional;

namespace Flint.Modules;

/// <summary>3-D convolution over (N, C, D, H, W) or (C, D, H, W) input.</summary>
public sealed class Conv3d(long in_channels, long out_channels, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null,
    SizeArg? dilation = null, long groups = 1, bool bias = true, string padding_mode = "zeros", Device? device = null, DType? dtype = null)
    : ConvNd(3, in_channels, out_channels, kernel_size, stride ?? 1, padding ?? 0, dilation ?? 1, false, 0, groups, bias, padding_mode, device, dtype)
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        var (x, p) = Padded(input);
        return F.conv3d(x, weight, base.bias, base.stride, p, base.dilation, base.groups);
    }
}

/// <summary>1-D transposed convolution over (N, C, L) or (C, L) input.</summary>
public sealed class ConvTranspose1d(long in_channels, long out_channels, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null,
    SizeArg? output_padding = null, long groups = 1, bool bias = true, SizeArg? dilation = null, string padding_mode = "zeros", Device? device = null, DType? dtype = null)
    : ConvTransposeNd(1, in_channels, out_channels, kernel_size, stride ?? 1, padding ?? 0, output_padding ?? 0, groups, bias, dilation ?? 1, padding_mode, device, dtype)
{
    /// <inheritdoc/>
    protected override Tensor Run(Tensor input, long[] outputPadding) =>
        F.conv_transpose1d(input, weight, base.bias, base.stride, base.padding, outputPadding, base.groups, base.dilation);
}

/// <summary>3-D transposed convolution over (N, C, D, H, W) or (C, D, H, W) input.</summary>
public sealed class ConvTranspose3d(long in_channels, long out_channels, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null,
    SizeArg? output_padding = null, long groups = 1, bool bias = true, SizeArg? dilation = null, string padding_mode = "zeros", Device? device = null, DType? dtype = null)
    : ConvTransposeNd(3, in_channels, out_channels, kernel_size, stride ?? 1, padding ?? 0, output_padding ?? 0, groups, bias, dilation ?? 1, padding_mode, device, dtype)
{
    /// <inheritdoc/>
    protected override Tensor Run(Tensor input, long[] outputPadding) =>
        F.conv_transpose3d(input, weight, base.bias, base.stride, base.padding, outputPadding, base.groups, base.dilation);
}

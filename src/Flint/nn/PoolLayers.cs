using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Modules;

/// <summary>
/// What the max poolings share (PyTorch's _MaxPoolNd): the window, the stride (kernel_size unless given), padding,
/// dilation and ceil_mode, and their extra_repr.
/// </summary>
public abstract class MaxPoolNd(SizeArg kernel_size, SizeArg? stride, SizeArg padding, SizeArg? dilation, bool ceil_mode)
    : nn.Module<Tensor, Tensor>
{
    /// <summary>The size of the pooling window.</summary>
    public SizeArg kernel_size { get; } = kernel_size;
    /// <summary>The step of the window (the window size by default).</summary>
    public SizeArg stride { get; } = stride is { Values.Length: > 0 } s ? s : kernel_size;
    /// <summary>The implicit negative-infinity padding on each side.</summary>
    public SizeArg padding { get; } = padding.Values.Length == 0 ? 0 : padding;
    /// <summary>The spacing between window elements.</summary>
    public SizeArg dilation { get; } = dilation ?? 1;
    /// <summary>Whether the output size rounds up instead of down.</summary>
    public bool ceil_mode { get; } = ceil_mode;

    /// <summary>The pooled values and the positions of the maxima (PyTorch's return_indices=True).</summary>
    public abstract (Tensor output, Tensor indices) forward_with_indices(Tensor input);
    /// <inheritdoc/>
    public override string extra_repr() => $"kernel_size={kernel_size}, stride={stride}, padding={padding}, dilation={dilation}, ceil_mode={(ceil_mode ? "True" : "False")}";
}

/// <summary>1-D max pooling; stride defaults to kernel_size.</summary>
public sealed class MaxPool1d(SizeArg kernel_size, SizeArg? stride = null, SizeArg padding = default, SizeArg? dilation = null, bool ceil_mode = false)
    : MaxPoolNd(kernel_size, stride, padding, dilation, ceil_mode)
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.max_pool1d(input, this.kernel_size, this.stride, this.padding, this.dilation, this.ceil_mode);
    /// <inheritdoc/>
    public override (Tensor output, Tensor indices) forward_with_indices(Tensor input) => F.max_pool1d_with_indices(input, this.kernel_size, this.stride, this.padding, this.dilation, this.ceil_mode);
}

/// <summary>2-D max pooling; stride defaults to kernel_size.</summary>
public sealed class MaxPool2d(SizeArg kernel_size, SizeArg? stride = null, SizeArg padding = default, SizeArg? dilation = null, bool ceil_mode = false)
    : MaxPoolNd(kernel_size, stride, padding, dilation, ceil_mode)
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.max_pool2d(input, this.kernel_size, this.stride, this.padding, this.dilation, this.ceil_mode);
    /// <inheritdoc/>
    public override (Tensor output, Tensor indices) forward_with_indices(Tensor input) => F.max_pool2d_with_indices(input, this.kernel_size, this.stride, this.padding, this.dilation, this.ceil_mode);
}

/// <summary>
/// What the 2-d and 3-d average poolings share (PyTorch's _AvgPoolNd): the window, the stride (kernel_size unless
/// given), padding, ceil_mode, count_include_pad and divisor_override, and their extra_repr.
/// </summary>
public abstract class AvgPoolNd(SizeArg kernel_size, SizeArg? stride, SizeArg padding, bool ceil_mode, bool count_include_pad, long? divisor_override)
    : nn.Module<Tensor, Tensor>
{
    /// <summary>The size of the pooling window.</summary>
    public SizeArg kernel_size { get; } = kernel_size;
    /// <summary>The step of the window (the window size by default).</summary>
    public SizeArg stride { get; } = stride is { Values.Length: > 0 } s ? s : kernel_size;
    /// <summary>The implicit zero padding on each side.</summary>
    public SizeArg padding { get; } = padding.Values.Length == 0 ? 0 : padding;
    /// <summary>Whether the output size rounds up instead of down.</summary>
    public bool ceil_mode { get; } = ceil_mode;
    /// <summary>Whether the padding zeros count in the average's divisor.</summary>
    public bool count_include_pad { get; } = count_include_pad;
    /// <summary>The divisor used instead of the window size, or null.</summary>
    public long? divisor_override { get; } = divisor_override;

    /// <inheritdoc/>
    public override string extra_repr() => $"kernel_size={kernel_size}, stride={stride}, padding={padding}";
}

/// <summary>2-D average pooling; stride defaults to kernel_size.</summary>
public sealed class AvgPool2d(SizeArg kernel_size, SizeArg? stride = null, SizeArg padding = default, bool ceil_mode = false,
    bool count_include_pad = true, long? divisor_override = null) : AvgPoolNd(kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.avg_pool2d(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override);
}

/// <summary>What the adaptive poolings share: the output size and its extra_repr.</summary>
public abstract class AdaptivePoolNd(SizeArg output_size) : nn.Module<Tensor, Tensor>
{
    /// <summary>The size of the output's spatial dims.</summary>
    public SizeArg output_size { get; } = output_size;
    /// <inheritdoc/>
    public override string extra_repr() => $"output_size={output_size}";
}

/// <summary>Average pooling to a fixed output size.</summary>
public sealed class AdaptiveAvgPool2d(SizeArg output_size) : AdaptivePoolNd(output_size)
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.adaptive_avg_pool2d(input, output_size);
}

/// <summary>Max pooling to a fixed output size.</summary>
public sealed class AdaptiveMaxPool2d(SizeArg output_size) : AdaptivePoolNd(output_size)
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.adaptive_max_pool2d(input, output_size);
    /// <summary>The pooled output and the positions of the maxima (for <c>MaxUnpool2d</c>).</summary>
    public (Tensor output, Tensor indices) forward_with_indices(Tensor input) => F.adaptive_max_pool2d_with_indices(input, output_size);
}

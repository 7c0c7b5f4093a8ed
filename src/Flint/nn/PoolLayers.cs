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
    public SizeArg kernel_size { get; } = kernel_size;
    public SizeArg stride { get; } = stride is { Values.Length: > 0 } s ? s : kernel_size;
    public SizeArg padding { get; } = padding.Values.Length == 0 ? 0 : padding;
    public SizeArg dilation { get; } = dilation ?? 1;
    public bool ceil_mode { get; } = ceil_mode;

    /// <summary>The pooled values and the positions of the maxima (PyTorch's return_indices=True).</summary>
    public abstract (Tensor output, Tensor indices) forward_with_indices(Tensor input);
    public override string extra_repr() => $"kernel_size={kernel_size}, stride={stride}, padding={padding}, dilation={dilation}, ceil_mode={(ceil_mode ? "True" : "False")}";
}

/// <summary>1-D max pooling; stride defaults to kernel_size.</summary>
public sealed class MaxPool1d(SizeArg kernel_size, SizeArg? stride = null, SizeArg padding = default, SizeArg? dilation = null, bool ceil_mode = false)
    : MaxPoolNd(kernel_size, stride, padding, dilation, ceil_mode)
{
    public override Tensor forward(Tensor input) => F.max_pool1d(input, this.kernel_size, this.stride, this.padding, this.dilation, this.ceil_mode);
    public override (Tensor output, Tensor indices) forward_with_indices(Tensor input) => F.max_pool1d_with_indices(input, this.kernel_size, this.stride, this.padding, this.dilation, this.ceil_mode);
}

/// <summary>2-D max pooling; stride defaults to kernel_size.</summary>
public sealed class MaxPool2d(SizeArg kernel_size, SizeArg? stride = null, SizeArg padding = default, SizeArg? dilation = null, bool ceil_mode = false)
    : MaxPoolNd(kernel_size, stride, padding, dilation, ceil_mode)
{
    public override Tensor forward(Tensor input) => F.max_pool2d(input, this.kernel_size, this.stride, this.padding, this.dilation, this.ceil_mode);
    public override (Tensor output, Tensor indices) forward_with_indices(Tensor input) => F.max_pool2d_with_indices(input, this.kernel_size, this.stride, this.padding, this.dilation, this.ceil_mode);
}

/// <summary>
/// What the 2-d and 3-d average poolings share (PyTorch's _AvgPoolNd): the window, the stride (kernel_size unless
/// given), padding, ceil_mode, count_include_pad and divisor_override, and their extra_repr.
/// </summary>
public abstract class AvgPoolNd(SizeArg kernel_size, SizeArg? stride, SizeArg padding, bool ceil_mode, bool count_include_pad, long? divisor_override)
    : nn.Module<Tensor, Tensor>
{
    public SizeArg kernel_size { get; } = kernel_size;
    public SizeArg stride { get; } = stride is { Values.Length: > 0 } s ? s : kernel_size;
    public SizeArg padding { get; } = padding.Values.Length == 0 ? 0 : padding;
    public bool ceil_mode { get; } = ceil_mode;
    public bool count_include_pad { get; } = count_include_pad;
    public long? divisor_override { get; } = divisor_override;

    public override string extra_repr() => $"kernel_size={kernel_size}, stride={stride}, padding={padding}";
}

/// <summary>2-D average pooling; stride defaults to kernel_size.</summary>
public sealed class AvgPool2d(SizeArg kernel_size, SizeArg? stride = null, SizeArg padding = default, bool ceil_mode = false,
    bool count_include_pad = true, long? divisor_override = null) : AvgPoolNd(kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)
{
    public override Tensor forward(Tensor input) => F.avg_pool2d(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override);
}

/// <summary>What the adaptive poolings share: the output size and its extra_repr.</summary>
public abstract class AdaptivePoolNd(SizeArg output_size) : nn.Module<Tensor, Tensor>
{
    public SizeArg output_size { get; } = output_size;
    public override string extra_repr() => $"output_size={output_size}";
}

/// <summary>Average pooling to a fixed output size.</summary>
public sealed class AdaptiveAvgPool2d(SizeArg output_size) : AdaptivePoolNd(output_size)
{
    public override Tensor forward(Tensor input) => F.adaptive_avg_pool2d(input, output_size);
}

/// <summary>Max pooling to a fixed output size.</summary>
public sealed class AdaptiveMaxPool2d(SizeArg output_size) : AdaptivePoolNd(output_size)
{
    public override Tensor forward(Tensor input) => F.adaptive_max_pool2d(input, output_size);
    public (Tensor output, Tensor indices) forward_with_indices(Tensor input) => F.adaptive_max_pool2d_with_indices(input, output_size);
}

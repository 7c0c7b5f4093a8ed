using System.Globalization;
using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Modules;

/// <summary>3-D max pooling; stride defaults to kernel_size.</summary>
public sealed class MaxPool3d(SizeArg kernel_size, SizeArg? stride = null, SizeArg padding = default, SizeArg? dilation = null, bool ceil_mode = false)
    : MaxPoolNd(kernel_size, stride, padding, dilation, ceil_mode)
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.max_pool3d(input, this.kernel_size, this.stride, this.padding, this.dilation, this.ceil_mode);
    /// <inheritdoc/>
    public override (Tensor output, Tensor indices) forward_with_indices(Tensor input) => F.max_pool3d_with_indices(input, this.kernel_size, this.stride, this.padding, this.dilation, this.ceil_mode);
}

/// <summary>"(a, b)" as Python prints a tuple ("(a,)" for one element).</summary>
internal static class PoolRepr
{
    internal static string Tuple(long[] v) => "(" + string.Join(", ", v) + (v.Length == 1 ? ",)" : ")");

    /// <summary>A size argument as PyTorch's _single/_pair/_triple keep it: always a tuple of <paramref name="n"/>.</summary>
    internal static long[] Expand(SizeArg a, int n, string name)
    {
        var v = a.Expand(n);
        if (a.Text is not null || v.Length != n) throw new ArgumentException($"{name} must be an int or a tuple of {n} ints");
        return v;
    }
}

/// <summary>1-D average pooling; stride defaults to kernel_size (PyTorch keeps the sizes as 1-tuples).</summary>
public sealed class AvgPool1d(SizeArg kernel_size, SizeArg? stride = null, SizeArg padding = default, bool ceil_mode = false, bool count_include_pad = true)
    : nn.Module<Tensor, Tensor>
{
    /// <summary>The size of the pooling window.</summary>
    public long[] kernel_size { get; } = PoolRepr.Expand(kernel_size, 1, "kernel_size");
    /// <summary>The step of the window (the window size by default).</summary>
    public long[] stride { get; } = PoolRepr.Expand(stride is { Values.Length: > 0 } s ? s : kernel_size, 1, "stride");
    /// <summary>The implicit zero padding on each side.</summary>
    public long[] padding { get; } = PoolRepr.Expand(padding.Values.Length == 0 ? 0 : padding, 1, "padding");
    /// <summary>Whether the output size rounds up instead of down.</summary>
    public bool ceil_mode { get; } = ceil_mode;
    /// <summary>Whether the padding zeros count in the average's divisor.</summary>
    public bool count_include_pad { get; } = count_include_pad;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.avg_pool1d(input, kernel_size, stride, padding, ceil_mode, count_include_pad);
    /// <inheritdoc/>
    public override string extra_repr() => $"kernel_size={PoolRepr.Tuple(kernel_size)}, stride={PoolRepr.Tuple(stride)}, padding={PoolRepr.Tuple(padding)}";
}

/// <summary>3-D average pooling; stride defaults to kernel_size.</summary>
public sealed class AvgPool3d(SizeArg kernel_size, SizeArg? stride = null, SizeArg padding = default, bool ceil_mode = false,
    bool count_include_pad = true, long? divisor_override = null) : AvgPoolNd(kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.avg_pool3d(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override);
}

/// <summary>Average pooling of (N, C, L) or (C, L) to a fixed length.</summary>
public sealed class AdaptiveAvgPool1d(SizeArg output_size) : AdaptivePoolNd(output_size)
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.adaptive_avg_pool1d(input, output_size);
}

/// <summary>Average pooling of (N, C, D, H, W) or (C, D, H, W) to a fixed size.</summary>
public sealed class AdaptiveAvgPool3d(SizeArg output_size) : AdaptivePoolNd(output_size)
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.adaptive_avg_pool3d(input, output_size);
}

/// <summary>Max pooling of (N, C, L) or (C, L) to a fixed length.</summary>
public sealed class AdaptiveMaxPool1d(SizeArg output_size) : AdaptivePoolNd(output_size)
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.adaptive_max_pool1d(input, output_size);
    /// <summary>The pooled output and the positions of the maxima (for <c>MaxUnpool1d</c>).</summary>
    public (Tensor output, Tensor indices) forward_with_indices(Tensor input) => F.adaptive_max_pool1d_with_indices(input, output_size);
}

/// <summary>Max pooling of (N, C, D, H, W) or (C, D, H, W) to a fixed size.</summary>
public sealed class AdaptiveMaxPool3d(SizeArg output_size) : AdaptivePoolNd(output_size)
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.adaptive_max_pool3d(input, output_size);
    /// <summary>The pooled output and the positions of the maxima (for <c>MaxUnpool3d</c>).</summary>
    public (Tensor output, Tensor indices) forward_with_indices(Tensor input) => F.adaptive_max_pool3d_with_indices(input, output_size);
}

/// <summary>
/// What the max unpoolings share (PyTorch's _MaxUnpoolNd): kernel_size, stride (kernel_size unless given) and
/// padding as tuples of the spatial rank; forward takes the values, their indices and an optional output size.
/// </summary>
public abstract class MaxUnpoolNd(int dims, SizeArg kernel_size, SizeArg? stride, SizeArg padding) : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>The size of the pooling window that is undone.</summary>
    public long[] kernel_size { get; } = PoolRepr.Expand(kernel_size, dims, "kernel_size");
    /// <summary>The step of that window.</summary>
    public long[] stride { get; } = PoolRepr.Expand(stride is { Values.Length: > 0 } s ? s : kernel_size, dims, "stride");
    /// <summary>The padding of that pooling.</summary>
    public long[] padding { get; } = PoolRepr.Expand(padding.Values.Length == 0 ? 0 : padding, dims, "padding");

    /// <inheritdoc/>
    public override Tensor forward(Tensor input, Tensor indices) => forward(input, indices, null);
    /// <summary>Puts each element of <paramref name="input"/> back at its position from <paramref name="indices"/> (zeros elsewhere), with the output size <paramref name="output_size"/> when given.</summary>
    public abstract Tensor forward(Tensor input, Tensor indices, long[]? output_size);
    /// <inheritdoc/>
    public override string extra_repr() => $"kernel_size={PoolRepr.Tuple(kernel_size)}, stride={PoolRepr.Tuple(stride)}, padding={PoolRepr.Tuple(padding)}";
}

/// <summary>The partial inverse of MaxPool1d.</summary>
public sealed class MaxUnpool1d(SizeArg kernel_size, SizeArg? stride = null, SizeArg padding = default) : MaxUnpoolNd(1, kernel_size, stride, padding)
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input, Tensor indices, long[]? output_size) => F.max_unpool1d(input, indices, kernel_size, stride, padding, output_size);
}

/// <summary>The partial inverse of MaxPool2d.</summary>
public sealed class MaxUnpool2d(SizeArg kernel_size, SizeArg? stride = null, SizeArg padding = default) : MaxUnpoolNd(2, kernel_size, stride, padding)
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input, Tensor indices, long[]? output_size) => F.max_unpool2d(input, indices, kernel_size, stride, padding, output_size);
}

/// <summary>The partial inverse of MaxPool3d.</summary>
public sealed class MaxUnpool3d(SizeArg kernel_size, SizeArg? stride = null, SizeArg padding = default) : MaxUnpoolNd(3, kernel_size, stride, padding)
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input, Tensor indices, long[]? output_size) => F.max_unpool3d(input, indices, kernel_size, stride, padding, output_size);
}

/// <summary>What the power-average poolings share (PyTorch's _LPPoolNd) and their extra_repr.</summary>
public abstract class LPPoolNd(double norm_type, SizeArg kernel_size, SizeArg? stride, bool ceil_mode) : nn.Module<Tensor, Tensor>
{
    /// <summary>The p of the power mean.</summary>
    public double norm_type { get; } = norm_type;
    /// <summary>The size of the pooling window.</summary>
    public SizeArg kernel_size { get; } = kernel_size;
    /// <summary>The step of the window (the window size when null).</summary>
    public SizeArg? stride { get; } = stride;
    /// <summary>Whether the output size rounds up instead of down.</summary>
    public bool ceil_mode { get; } = ceil_mode;

    /// <inheritdoc/>
    public override string extra_repr()
    {
        string p = norm_type == Math.Floor(norm_type) && Math.Abs(norm_type) < 1e15
            ? ((long)norm_type).ToString(CultureInfo.InvariantCulture) : norm_type.ToString("R", CultureInfo.InvariantCulture);
        return $"norm_type={p}, kernel_size={kernel_size}, stride={(stride is { } s ? s.ToString() : "None")}, ceil_mode={(ceil_mode ? "True" : "False")}";
    }
}

/// <summary>1-D power-average pooling: (Σ xᵖ)^(1/p) over each window.</summary>
public sealed class LPPool1d(double norm_type, long kernel_size, long? stride = null, bool ceil_mode = false)
    : LPPoolNd(norm_type, kernel_size, stride is { } s ? s : (SizeArg?)null, ceil_mode)
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) =>
        F.lp_pool1d(input, norm_type, base.kernel_size.Values[0], base.stride is { } s ? s.Values[0] : null, ceil_mode);
}

/// <summary>2-D power-average pooling: (Σ xᵖ)^(1/p) over each window.</summary>
public sealed class LPPool2d(double norm_type, SizeArg kernel_size, SizeArg? stride = null, bool ceil_mode = false)
    : LPPoolNd(norm_type, kernel_size, stride, ceil_mode)
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.lp_pool2d(input, norm_type, kernel_size, stride, ceil_mode);
}

using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Modules;

/// <summary>What the padding layers share: the (left, right) pairs from the last dim backwards, one int repeated to all.</summary>
public abstract class PadNd : nn.Module<Tensor, Tensor>
{
    /// <summary>The padding of each side: (left, right, top, bottom, front, back), as many as the layer pads.</summary>
    public long[] padding { get; }
    private protected abstract string Mode { get; }

    private protected PadNd(SizeArg padding, int dims) =>
        this.padding = padding.IsSingle ? Enumerable.Repeat(padding.Values[0], 2 * dims).ToArray() : padding.Values;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.pad(input, padding, Mode);
    private protected string Padding => "(" + string.Join(", ", padding) + ")";
    /// <inheritdoc/>
    public override string extra_repr() => Padding;
}

/// <summary>Pads with a constant value (PyTorch's _ConstantPadNd).</summary>
public abstract class ConstantPadNd : PadNd
{
    /// <summary>The value the padding holds.</summary>
    public double value { get; }
    private protected override string Mode => "constant";
    private protected ConstantPadNd(SizeArg padding, int dims, double value) : base(padding, dims) => this.value = value;
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.pad(input, padding, "constant", value);
    /// <inheritdoc/>
    public override string extra_repr() => $"padding={Padding}, value={ScaleArg.Repr(value)}";
}

/// <summary>Pads the last dim with <paramref name="value"/>, as <c>torch.nn.ConstantPad1d</c>.</summary>
public sealed class ConstantPad1d(SizeArg padding, double value) : ConstantPadNd(padding, 1, value);
/// <summary>Pads the last two dims with <paramref name="value"/>, as <c>torch.nn.ConstantPad2d</c>.</summary>
public sealed class ConstantPad2d(SizeArg padding, double value) : ConstantPadNd(padding, 2, value);
/// <summary>Pads the last three dims with <paramref name="value"/>, as <c>torch.nn.ConstantPad3d</c>.</summary>
public sealed class ConstantPad3d(SizeArg padding, double value) : ConstantPadNd(padding, 3, value);

/// <summary>Zero padding: a constant pad of 0 that prints only its padding.</summary>
public abstract class ZeroPadNd(SizeArg padding, int dims) : ConstantPadNd(padding, dims, 0.0)
{
    /// <inheritdoc/>
    public override string extra_repr() => Padding;
}

/// <summary>Pads the last dim with zeros, as <c>torch.nn.ZeroPad1d</c>.</summary>
public sealed class ZeroPad1d(SizeArg padding) : ZeroPadNd(padding, 1);
/// <summary>Pads the last two dims with zeros, as <c>torch.nn.ZeroPad2d</c>.</summary>
public sealed class ZeroPad2d(SizeArg padding) : ZeroPadNd(padding, 2);
/// <summary>Pads the last three dims with zeros, as <c>torch.nn.ZeroPad3d</c>.</summary>
public sealed class ZeroPad3d(SizeArg padding) : ZeroPadNd(padding, 3);

/// <inheritdoc/>
public sealed class ReflectionPad1d(SizeArg padding) : PadNd(padding, 1) { private protected override string Mode => "reflect"; }
/// <inheritdoc/>
public sealed class ReflectionPad2d(SizeArg padding) : PadNd(padding, 2) { private protected override string Mode => "reflect"; }
/// <inheritdoc/>
public sealed class ReflectionPad3d(SizeArg padding) : PadNd(padding, 3) { private protected override string Mode => "reflect"; }

/// <inheritdoc/>
public sealed class ReplicationPad1d(SizeArg padding) : PadNd(padding, 1) { private protected override string Mode => "replicate"; }
/// <inheritdoc/>
public sealed class ReplicationPad2d(SizeArg padding) : PadNd(padding, 2) { private protected override string Mode => "replicate"; }
/// <inheritdoc/>
public sealed class ReplicationPad3d(SizeArg padding) : PadNd(padding, 3) { private protected override string Mode => "replicate"; }

/// <summary>Circular padding; the input must have the layer's rank or one more (a batch).</summary>
public abstract class CircularPadNd(SizeArg padding, int dims) : PadNd(padding, dims)
{
    private readonly int dims = dims;
    private protected override string Mode => "circular";

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != dims + 1 && input.dim() != dims + 2)
            throw new ArgumentException($"expected {dims + 1}D or {dims + 2}D input (got {input.dim()}D input)");
        return base.forward(input);
    }
}

/// <summary>Pads the last dim with wrap-around, as <c>torch.nn.CircularPad1d</c>.</summary>
public sealed class CircularPad1d(SizeArg padding) : CircularPadNd(padding, 1);
/// <summary>Pads the last two dims with wrap-around, as <c>torch.nn.CircularPad2d</c>.</summary>
public sealed class CircularPad2d(SizeArg padding) : CircularPadNd(padding, 2);
/// <summary>Pads the last three dims with wrap-around, as <c>torch.nn.CircularPad3d</c>.</summary>
public sealed class CircularPad3d(SizeArg padding) : CircularPadNd(padding, 3);

/// <summary>Resizes to size or by scale_factor with F.interpolate's modes.</summary>
public class Upsample(SizeArg? size = null, ScaleArg? scale_factor = null, string mode = "nearest", bool? align_corners = null,
    bool? recompute_scale_factor = null) : nn.Module<Tensor, Tensor>
{
    /// <summary>The output's spatial size, or null when scale_factor gives it.</summary>
    public SizeArg? size { get; } = size;
    /// <summary>The factor the spatial dims are scaled by, or null when size gives the output.</summary>
    public ScaleArg? scale_factor { get; } = scale_factor;
    /// <summary>The interpolation: <c>"nearest"</c>, <c>"linear"</c>, <c>"bilinear"</c>, <c>"bicubic"</c>, <c>"trilinear"</c>.</summary>
    public string mode { get; } = mode;
    /// <summary>Whether the corner pixels of input and output align (linear modes).</summary>
    public bool? align_corners { get; } = align_corners;
    /// <summary>Whether the scale factor is recomputed from the output size.</summary>
    public bool? recompute_scale_factor { get; } = recompute_scale_factor;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) =>
        F.interpolate(input, size, scale_factor, mode, align_corners, recompute_scale_factor);

    /// <inheritdoc/>
    public override string extra_repr() =>
        (scale_factor is { } s ? $"scale_factor={s}" : $"size={(size is { } z ? z.ToString() : "None")}") + $", mode='{mode}'";
}

/// <summary>Nearest upsampling of 4-D inputs.</summary>
public sealed class UpsamplingNearest2d(SizeArg? size = null, ScaleArg? scale_factor = null) : Upsample(size, scale_factor, "nearest");

/// <summary>Bilinear upsampling with align_corners=True.</summary>
public sealed class UpsamplingBilinear2d(SizeArg? size = null, ScaleArg? scale_factor = null) : Upsample(size, scale_factor, "bilinear", true);

/// <summary>What PixelShuffle and PixelUnshuffle share: one factor, applied one way or the other.</summary>
public abstract class PixelShuffleNd(long factor, bool down) : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => down ? F.pixel_unshuffle(input, factor) : F.pixel_shuffle(input, factor);
    /// <inheritdoc/>
    public override string extra_repr() => (down ? "downscale_factor=" : "upscale_factor=") + factor;
}

/// <summary>[*, C·r², H, W] → [*, C, H·r, W·r].</summary>
public sealed class PixelShuffle(long upscale_factor) : PixelShuffleNd(upscale_factor, down: false)
{
    /// <summary>The factor the spatial dims grow by.</summary>
    public long upscale_factor { get; } = upscale_factor;
}

/// <summary>[*, C, H·r, W·r] → [*, C·r², H, W].</summary>
public sealed class PixelUnshuffle(long downscale_factor) : PixelShuffleNd(downscale_factor, down: true)
{
    /// <summary>The factor the spatial dims shrink by.</summary>
    public long downscale_factor { get; } = downscale_factor;
}

/// <summary>Sliding local blocks as columns (im2col).</summary>
public sealed class Unfold(SizeArg kernel_size, SizeArg? dilation = null, SizeArg? padding = null, SizeArg? stride = null) : nn.Module<Tensor, Tensor>
{
    /// <summary>The size of the sliding block.</summary>
    public SizeArg kernel_size { get; } = kernel_size;
    /// <summary>The spacing between block elements.</summary>
    public SizeArg dilation { get; } = dilation ?? 1;
    /// <summary>The implicit zero padding on each side.</summary>
    public SizeArg padding { get; } = padding ?? 0;
    /// <summary>The step of the sliding block.</summary>
    public SizeArg stride { get; } = stride ?? 1;
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.unfold(input, kernel_size, dilation, padding, stride);
    /// <inheritdoc/>
    public override string extra_repr() => $"kernel_size={kernel_size}, dilation={dilation}, padding={padding}, stride={stride}";
}

/// <summary>Columns summed back into an image (col2im).</summary>
public sealed class Fold(SizeArg output_size, SizeArg kernel_size, SizeArg? dilation = null, SizeArg? padding = null, SizeArg? stride = null) : nn.Module<Tensor, Tensor>
{
    /// <summary>The spatial size of the output.</summary>
    public SizeArg output_size { get; } = output_size;
    /// <summary>The size of the sliding block.</summary>
    public SizeArg kernel_size { get; } = kernel_size;
    /// <summary>The spacing between block elements.</summary>
    public SizeArg dilation { get; } = dilation ?? 1;
    /// <summary>The implicit zero padding on each side.</summary>
    public SizeArg padding { get; } = padding ?? 0;
    /// <summary>The step of the sliding block.</summary>
    public SizeArg stride { get; } = stride ?? 1;
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.fold(input, output_size, kernel_size, dilation, padding, stride);
    /// <inheritdoc/>
    public override string extra_repr() => $"output_size={output_size}, kernel_size={kernel_size}, dilation={dilation}, padding={padding}, stride={stride}";
}

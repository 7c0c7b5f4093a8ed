using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Modules;

/// <summary>
/// The shared part of the convolution layers: hyper-parameters as PyTorch stores them (tuples of the spatial rank),
/// the weight and bias with PyTorch's default initialization, and PyTorch's extra_repr.
/// </summary>
public abstract class ConvNd : nn.Module<Tensor, Tensor>
{
    public Parameter weight;
    public Parameter? bias;
    public long in_channels { get; }
    public long out_channels { get; }
    public long[] kernel_size { get; }
    public long[] stride { get; }
    /// <summary>The numeric padding; for padding="same"/"valid" see <see cref="padding_mode_string"/>.</summary>
    public long[] padding { get; }
    /// <summary>"same" or "valid" when the padding was given as a string, else null.</summary>
    public string? padding_mode_string { get; }
    public long[] dilation { get; }
    public long[] output_padding { get; }
    public long groups { get; }
    public bool transposed { get; }
    public string padding_mode { get; }

    private static long[] Tuple(SizeArg a, int n, string name)
    {
        var v = a.Expand(n);
        if (v.Length != n) throw new ArgumentException($"{name} must be an int or a tuple of {n} ints");
        return v;
    }

    protected ConvNd(int dims, long in_channels, long out_channels, SizeArg kernel_size, SizeArg stride, SizeArg padding, SizeArg dilation,
        bool transposed, SizeArg output_padding, long groups, bool bias, string padding_mode, Device? device, DType? dtype)
    {
        if (groups <= 0) throw new ArgumentException("groups must be a positive integer");
        if (in_channels % groups != 0) throw new ArgumentException("in_channels must be divisible by groups");
        if (out_channels % groups != 0) throw new ArgumentException("out_channels must be divisible by groups");
        if (padding_mode != "zeros")
            throw new NotSupportedException(padding_mode is "reflect" or "replicate" or "circular"
                ? $"padding_mode '{padding_mode}' is not supported yet; only 'zeros' is"
                : $"padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got padding_mode='{padding_mode}'");
        this.in_channels = in_channels; this.out_channels = out_channels;
        this.kernel_size = Tuple(kernel_size, dims, "kernel_size");
        this.stride = Tuple(stride, dims, "stride");
        this.dilation = Tuple(dilation, dims, "dilation");
        this.output_padding = Tuple(output_padding, dims, "output_padding");
        if (padding.Text is { } text)
        {
            if (text != "same" && text != "valid")
                throw new ArgumentException($"Invalid padding string '{text}', should be one of ['valid', 'same']");
            if (text == "same" && this.stride.Any(s => s != 1))
                throw new ArgumentException("padding='same' is not supported for strided convolutions");
            padding_mode_string = text;
            this.padding = new long[dims];
        }
        else this.padding = Tuple(padding, dims, "padding");
        this.groups = groups; this.transposed = transposed; this.padding_mode = padding_mode;
        long[] wShape = transposed
            ? [in_channels, out_channels / groups, .. this.kernel_size]
            : [out_channels, in_channels / groups, .. this.kernel_size];
        weight = new Parameter(empty(wShape, dtype, device));
        if (bias) this.bias = new Parameter(empty([out_channels], dtype, device));
        reset_parameters();
    }

    public void reset_parameters()
    {
        nn.init.kaiming_uniform_(weight, a: Math.Sqrt(5));
        if (bias is not null)
        {
            var (fanIn, _) = nn.init._calculate_fan_in_and_fan_out(weight);
            if (fanIn != 0)
            {
                double bound = 1 / Math.Sqrt(fanIn);
                nn.init.uniform_(bias, -bound, bound);
            }
        }
    }

    /// <summary>The padding argument to pass to the functional form.</summary>
    protected SizeArg PaddingArg => padding_mode_string is { } s ? s : padding;

    private static string Tup(long[] v) => "(" + string.Join(", ", v) + (v.Length == 1 ? ",)" : ")");

    public override string extra_repr()
    {
        var s = $"{in_channels}, {out_channels}, kernel_size={Tup(kernel_size)}, stride={Tup(stride)}";
        if (padding_mode_string is { } ps) s += $", padding={ps}";
        else if (padding.Any(p => p != 0)) s += $", padding={Tup(padding)}";
        if (dilation.Any(d => d != 1)) s += $", dilation={Tup(dilation)}";
        if (output_padding.Any(p => p != 0)) s += $", output_padding={Tup(output_padding)}";
        if (groups != 1) s += $", groups={groups}";
        if (bias is null) s += ", bias=False";
        if (padding_mode != "zeros") s += $", padding_mode={padding_mode}";
        return s;
    }
}

/// <summary>1-D convolution over (N, C, L) or (C, L) input.</summary>
public sealed class Conv1d(long in_channels, long out_channels, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null,
    SizeArg? dilation = null, long groups = 1, bool bias = true, string padding_mode = "zeros", Device? device = null, DType? dtype = null)
    : ConvNd(1, in_channels, out_channels, kernel_size, stride ?? 1, padding ?? 0, dilation ?? 1, false, 0, groups, bias, padding_mode, device, dtype)
{
    public override Tensor forward(Tensor input) => F.conv1d(input, weight, base.bias, base.stride, PaddingArg, base.dilation, base.groups);
}

/// <summary>2-D convolution over (N, C, H, W) or (C, H, W) input.</summary>
public sealed class Conv2d(long in_channels, long out_channels, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null,
    SizeArg? dilation = null, long groups = 1, bool bias = true, string padding_mode = "zeros", Device? device = null, DType? dtype = null)
    : ConvNd(2, in_channels, out_channels, kernel_size, stride ?? 1, padding ?? 0, dilation ?? 1, false, 0, groups, bias, padding_mode, device, dtype)
{
    public override Tensor forward(Tensor input) => F.conv2d(input, weight, base.bias, base.stride, PaddingArg, base.dilation, base.groups);
}

/// <summary>2-D transposed convolution over (N, C, H, W) or (C, H, W) input.</summary>
public sealed class ConvTranspose2d(long in_channels, long out_channels, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null,
    SizeArg? output_padding = null, long groups = 1, bool bias = true, SizeArg? dilation = null, string padding_mode = "zeros", Device? device = null, DType? dtype = null)
    : ConvNd(2, in_channels, out_channels, kernel_size, stride ?? 1, padding ?? 0, dilation ?? 1, true, output_padding ?? 0, groups, bias, padding_mode, device, dtype)
{
    public override Tensor forward(Tensor input) =>
        F.conv_transpose2d(input, weight, base.bias, base.stride, base.padding, base.output_padding, base.groups, base.dilation);
}

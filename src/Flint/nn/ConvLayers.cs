using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Modules;

/// <summary>
/// The shared part of the convolution layers: hyper-parameters as PyTorch stores them (tuples of the spatial rank),
/// the weight and bias with PyTorch's default initialization, and PyTorch's extra_repr.
/// </summary>
public abstract class ConvNd : nn.Module<Tensor, Tensor>
{
    /// <summary>The learnable kernels, (out_channels, in_channels / groups, *kernel_size) (in and out swapped for transposed convolutions).</summary>
    public Parameter weight;
    /// <summary>The learnable bias, one per output channel, or null.</summary>
    public Parameter? bias;
    /// <summary>The number of input channels.</summary>
    public long in_channels { get; }
    /// <summary>The number of output channels.</summary>
    public long out_channels { get; }
    /// <summary>The size of the kernel along each spatial dim.</summary>
    public long[] kernel_size { get; }
    /// <summary>The step of the kernel along each spatial dim.</summary>
    public long[] stride { get; }
    /// <summary>The numeric padding; for padding="same"/"valid" see <see cref="padding_mode_string"/>.</summary>
    public long[] padding { get; }
    /// <summary>"same" or "valid" when the padding was given as a string, else null.</summary>
    public string? padding_mode_string { get; }
    /// <summary>The spacing between kernel taps along each spatial dim.</summary>
    public long[] dilation { get; }
    /// <summary>The extra size added to one side of a transposed convolution's output.</summary>
    public long[] output_padding { get; }
    /// <summary>The number of groups the channels are split into.</summary>
    public long groups { get; }
    /// <summary>Whether this is a transposed convolution.</summary>
    public bool transposed { get; }
    /// <summary>How the input is padded: <c>"zeros"</c>, <c>"reflect"</c>, <c>"replicate"</c> or <c>"circular"</c>.</summary>
    public string padding_mode { get; }

    private static long[] Tuple(SizeArg a, int n, string name)
    {
        var v = a.Expand(n);
        if (v.Length != n) throw new ArgumentException($"{name} must be an int or a tuple of {n} ints");
        return v;
    }

    /// <summary>A convolution over <paramref name="dims"/> spatial dims, with PyTorch's parameters and initialisation.</summary>
    protected ConvNd(int dims, long in_channels, long out_channels, SizeArg kernel_size, SizeArg stride, SizeArg padding, SizeArg dilation,
        bool transposed, SizeArg output_padding, long groups, bool bias, string padding_mode, Device? device, DType? dtype)
    {
        if (groups <= 0) throw new ArgumentException("groups must be a positive integer");
        if (in_channels % groups != 0) throw new ArgumentException("in_channels must be divisible by groups");
        if (out_channels % groups != 0) throw new ArgumentException("out_channels must be divisible by groups");
        if (transposed && padding_mode != "zeros")
            throw new ArgumentException($"Only \"zeros\" padding mode is supported for {GetType().Name}");
        if (padding_mode is not ("zeros" or "reflect" or "replicate" or "circular"))
            throw new ArgumentException($"padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got padding_mode='{padding_mode}'");
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
        reversedPadding = ReversedPaddingTwice(padding_mode_string, this.padding, this.kernel_size, this.dilation);
        long[] wShape = transposed
            ? [in_channels, out_channels / groups, .. this.kernel_size]
            : [out_channels, in_channels / groups, .. this.kernel_size];
        weight = new Parameter(empty(wShape, dtype, device));
        if (bias) this.bias = new Parameter(empty([out_channels], dtype, device));
        reset_parameters();
    }

    /// <summary>Re-initialises the weight and bias as PyTorch does (Kaiming-uniform with a = sqrt(5), bias uniform in ±1/sqrt(fan_in)).</summary>
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

    // F.pad's argument for a padding_mode other than zeros: the last dim's (left, right) first, as PyTorch's
    // _reversed_padding_repeated_twice; padding="same" splits d·(k−1) with the smaller half on the left
    private readonly long[] reversedPadding;

    private static long[] ReversedPaddingTwice(string? text, long[] padding, long[] kernel, long[] dilation)
    {
        int n = padding.Length;
        var r = new long[2 * n];
        for (int d = 0; d < n; d++)
        {
            long left = padding[d], right = padding[d];
            if (text == "valid") left = right = 0;
            else if (text == "same")
            {
                long total = dilation[d] * (kernel[d] - 1);
                left = total / 2; right = total - left;
            }
            r[2 * (n - 1 - d)] = left; r[2 * (n - 1 - d) + 1] = right;
        }
        return r;
    }

    /// <summary>
    /// The input and padding argument a forward passes to the functional convolution: with padding_mode zeros the
    /// convolution pads; with reflect, replicate or circular the input is padded by F.pad and the convolution does not.
    /// </summary>
    protected (Tensor input, SizeArg padding) Padded(Tensor input) =>
        padding_mode == "zeros" ? (input, PaddingArg) : (F.pad(input, reversedPadding, padding_mode), (SizeArg)0);

    private static string Tup(long[] v) => "(" + string.Join(", ", v) + (v.Length == 1 ? ",)" : ")");

    /// <inheritdoc/>
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
    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        var (x, p) = Padded(input);
        return F.conv1d(x, weight, base.bias, base.stride, p, base.dilation, base.groups);
    }
}

/// <summary>2-D convolution over (N, C, H, W) or (C, H, W) input.</summary>
public sealed class Conv2d(long in_channels, long out_channels, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null,
    SizeArg? dilation = null, long groups = 1, bool bias = true, string padding_mode = "zeros", Device? device = null, DType? dtype = null)
    : ConvNd(2, in_channels, out_channels, kernel_size, stride ?? 1, padding ?? 0, dilation ?? 1, false, 0, groups, bias, padding_mode, device, dtype)
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        var (x, p) = Padded(input);
        return F.conv2d(x, weight, base.bias, base.stride, p, base.dilation, base.groups);
    }
}

/// <summary>
/// What the transposed convolutions share (PyTorch's _ConvTransposeNd): the output_padding that makes a requested
/// output_size, checked against the sizes the stride allows.
/// </summary>
public abstract class ConvTransposeNd(int dims, long in_channels, long out_channels, SizeArg kernel_size, SizeArg stride, SizeArg padding,
    SizeArg output_padding, long groups, bool bias, SizeArg dilation, string padding_mode, Device? device, DType? dtype)
    : ConvNd(dims, in_channels, out_channels, kernel_size, stride, padding, dilation, true, output_padding, groups, bias, padding_mode, device, dtype)
{
    private readonly int dims = dims;

    /// <summary>The transposed convolution itself, with the given output padding.</summary>
    protected abstract Tensor Run(Tensor input, long[] outputPadding);

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => Run(input, base.output_padding);

    /// <summary>The forward whose output has the spatial size <paramref name="output_size"/> (with or without the batch and channel dims).</summary>
    public Tensor forward(Tensor input, long[]? output_size) => Run(input, _output_padding(input, output_size));

    /// <summary>PyTorch's _output_padding: the configured one, or the one that gives output_size.</summary>
    public long[] _output_padding(Tensor input, long[]? output_size)
    {
        if (output_size is null) return base.output_padding;
        int nonSpatial = input.ndim == dims + 2 ? 2 : 1;
        var o = output_size.Length == nonSpatial + dims ? output_size[nonSpatial..] : output_size;
        if (o.Length != dims)
            throw new ArgumentException($"ConvTranspose{dims}D: for {input.ndim}D input, output_size must have {dims} or {nonSpatial + dims} elements (got {o.Length})");
        var min = new long[dims]; var max = new long[dims];
        for (int d = 0; d < dims; d++)
        {
            min[d] = (input.shape[d + nonSpatial] - 1) * base.stride[d] - 2 * base.padding[d] + base.dilation[d] * (base.kernel_size[d] - 1) + 1;
            max[d] = min[d] + base.stride[d] - 1;
        }
        static string List(IEnumerable<long> v) => "[" + string.Join(", ", v) + "]";
        for (int d = 0; d < dims; d++)
            if (o[d] < min[d] || o[d] > max[d])
                throw new ArgumentException($"requested an output size of {List(o)}, but valid sizes range from {List(min)} to {List(max)} (for an input of torch.Size({List(input.shape.Skip(nonSpatial))}))");
        return o.Select((v, d) => v - min[d]).ToArray();
    }
}

/// <summary>2-D transposed convolution over (N, C, H, W) or (C, H, W) input.</summary>
public sealed class ConvTranspose2d(long in_channels, long out_channels, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null,
    SizeArg? output_padding = null, long groups = 1, bool bias = true, SizeArg? dilation = null, string padding_mode = "zeros", Device? device = null, DType? dtype = null)
    : ConvTransposeNd(2, in_channels, out_channels, kernel_size, stride ?? 1, padding ?? 0, output_padding ?? 0, groups, bias, dilation ?? 1, padding_mode, device, dtype)
{
    /// <inheritdoc/>
    protected override Tensor Run(Tensor input, long[] outputPadding) =>
        F.conv_transpose2d(input, weight, base.bias, base.stride, base.padding, outputPadding, base.groups, base.dilation);
}

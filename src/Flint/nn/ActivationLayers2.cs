using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Modules;

// The activation layers besides those in Activations.cs; each forwards to its nn.functional form, with
// PyTorch's constructor arguments and printed form.

/// <summary>Applies <c>min(max(0, x), 6)</c> elementwise, as <c>torch.nn.ReLU6</c>.</summary>
public sealed class ReLU6(bool inplace = false) : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.relu6(input, inplace);
    /// <inheritdoc/>
    public override string extra_repr() => inplace ? "inplace=True" : "";
}

/// <summary>Applies the scaled ELU (SELU) elementwise, as <c>torch.nn.SELU</c>.</summary>
public sealed class SELU(bool inplace = false) : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.selu(input, inplace);
    /// <inheritdoc/>
    public override string extra_repr() => inplace ? "inplace=True" : "";
}

/// <summary>Applies <c>max(0, x) + min(0, alpha * (exp(x / alpha) - 1))</c> elementwise, as <c>torch.nn.CELU</c>.</summary>
public sealed class CELU(double alpha = 1.0, bool inplace = false) : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.celu(input, alpha, inplace);
    /// <inheritdoc/>
    public override string extra_repr() => $"alpha={Printing.PyFormat.Repr(alpha)}" + (inplace ? ", inplace=True" : "");
}

/// <summary>The gated linear unit: splits the input in two along <paramref name="dim"/> and returns <c>a * sigmoid(b)</c>, as <c>torch.nn.GLU</c>.</summary>
public sealed class GLU(long dim = -1) : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.glu(input, dim);
    /// <inheritdoc/>
    public override string extra_repr() => $"dim={dim}";
}

/// <summary>Applies <c>x * relu6(x + 3) / 6</c> elementwise, as <c>torch.nn.Hardswish</c>.</summary>
public sealed class Hardswish(bool inplace = false) : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.hardswish(input, inplace);
}

/// <summary>Applies <c>relu6(x + 3) / 6</c> elementwise, as <c>torch.nn.Hardsigmoid</c>.</summary>
public sealed class Hardsigmoid(bool inplace = false) : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.hardsigmoid(input, inplace);
}

/// <summary>Clamps each element into [min_val, max_val], as <c>torch.nn.Hardtanh</c>.</summary>
public sealed class Hardtanh : nn.Module<Tensor, Tensor>
{
    /// <summary>The lower bound.</summary>
    public double min_val { get; }
    /// <summary>The upper bound.</summary>
    public double max_val { get; }
    /// <summary>Whether the input is overwritten with the result.</summary>
    public bool inplace { get; }

    /// <summary>A hardtanh layer clamping into [<paramref name="min_val"/>, <paramref name="max_val"/>].</summary>
    public Hardtanh(double min_val = -1.0, double max_val = 1.0, bool inplace = false)
    {
        if (max_val <= min_val) throw new ArgumentException("max_val must be greater than min_val");
        this.min_val = min_val; this.max_val = max_val; this.inplace = inplace;
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.hardtanh(input, min_val, max_val, inplace);
    /// <inheritdoc/>
    public override string extra_repr() =>
        $"min_val={Printing.PyFormat.Repr(min_val)}, max_val={Printing.PyFormat.Repr(max_val)}" + (inplace ? ", inplace=True" : "");
}

/// <summary>Applies <c>log(sigmoid(x))</c> elementwise (stable for large |x|), as <c>torch.nn.LogSigmoid</c>.</summary>
public sealed class LogSigmoid : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.logsigmoid(input);
}

/// <summary>Applies <c>x / (1 + |x|)</c> elementwise, as <c>torch.nn.Softsign</c>.</summary>
public sealed class Softsign : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.softsign(input);
}

/// <summary>Applies <c>x - tanh(x)</c> elementwise, as <c>torch.nn.Tanhshrink</c>.</summary>
public sealed class Tanhshrink : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.tanhshrink(input);
}

/// <summary>Applies softmin (softmax of the negated input) along <paramref name="dim"/>, as <c>torch.nn.Softmin</c>.</summary>
public sealed class Softmin(long? dim = null) : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.softmin(input, dim);
    /// <inheritdoc/>
    public override string extra_repr() => $"dim={(dim is { } d ? d.ToString() : "None")}";
}

/// <summary>Softmax over the channels of each spatial location of (N, C, H, W) or (C, H, W) input.</summary>
public sealed class Softmax2d : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 3 && input.dim() != 4) throw new ArgumentException($"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D instead");
        return F.softmax(input, -3);
    }
}

/// <summary>Replaces elements not greater than <paramref name="threshold"/> by <paramref name="value"/>, as <c>torch.nn.Threshold</c>.</summary>
public sealed class Threshold(double threshold, double value, bool inplace = false) : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.threshold(input, threshold, value, inplace);
    /// <inheritdoc/>
    public override string extra_repr() =>
        $"threshold={Printing.PyFormat.Repr(threshold)}, value={Printing.PyFormat.Repr(value)}" + (inplace ? ", inplace=True" : "");
}

/// <summary>Zeros the elements within [-lambd, lambd], as <c>torch.nn.Hardshrink</c>.</summary>
public sealed class Hardshrink(double lambd = 0.5) : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.hardshrink(input, lambd);
    /// <inheritdoc/>
    public override string extra_repr() => Printing.PyFormat.Repr(lambd);
}

/// <summary>Shrinks the elements toward 0 by <paramref name="lambd"/> (zero within [-lambd, lambd]), as <c>torch.nn.Softshrink</c>.</summary>
public sealed class Softshrink(double lambd = 0.5) : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.softshrink(input, lambd);
    /// <inheritdoc/>
    public override string extra_repr() => Printing.PyFormat.Repr(lambd);
}

/// <summary>Randomized leaky relu: slopes drawn from U(lower, upper) in training, (lower + upper) / 2 in evaluation.</summary>
public sealed class RReLU(double lower = 1.0 / 8, double upper = 1.0 / 3, bool inplace = false) : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.rrelu(input, lower, upper, training, inplace);
    /// <inheritdoc/>
    public override string extra_repr() =>
        $"lower={Printing.PyFormat.Repr(lower)}, upper={Printing.PyFormat.Repr(upper)}" + (inplace ? ", inplace=True" : "");
}

/// <summary>Parametric relu: a learned negative slope, one for all channels or one per channel, initialized to <c>init</c>.</summary>
public sealed class PReLU : nn.Module<Tensor, Tensor>
{
    /// <summary>The learnable slopes of the negative part (one, or one per channel).</summary>
    public Parameter weight;
    /// <summary>The number of slopes: 1, or the number of input channels.</summary>
    public long num_parameters { get; }
    private readonly double init;

    /// <summary>A PReLU layer, as <c>torch.nn.PReLU</c>: <c>max(0, x) + weight * min(0, x)</c> with <paramref name="num_parameters"/> slopes initialised to <paramref name="init"/>.</summary>
    public PReLU(long num_parameters = 1, double init = 0.25, Device? device = null, DType? dtype = null)
    {
        this.num_parameters = num_parameters; this.init = init;
        weight = new Parameter(empty([num_parameters], dtype, device));
        reset_parameters();
    }

    /// <summary>Sets the slopes back to their initial value.</summary>
    public void reset_parameters() => nn.init.constant_(weight, init);
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.prelu(input, weight);
    /// <inheritdoc/>
    public override string extra_repr() => $"num_parameters={num_parameters}";
}

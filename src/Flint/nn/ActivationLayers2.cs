using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Modules;

// The activation layers besides those in Activations.cs; each forwards to its nn.functional form, with
// PyTorch's constructor arguments and printed form.

public sealed class ReLU6(bool inplace = false) : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => F.relu6(input, inplace);
    public override string extra_repr() => inplace ? "inplace=True" : "";
}

public sealed class SELU(bool inplace = false) : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => F.selu(input, inplace);
    public override string extra_repr() => inplace ? "inplace=True" : "";
}

public sealed class CELU(double alpha = 1.0, bool inplace = false) : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => F.celu(input, alpha, inplace);
    public override string extra_repr() => $"alpha={Printing.PyFormat.Repr(alpha)}" + (inplace ? ", inplace=True" : "");
}

public sealed class GLU(long dim = -1) : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => F.glu(input, dim);
    public override string extra_repr() => $"dim={dim}";
}

public sealed class Hardswish(bool inplace = false) : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => F.hardswish(input, inplace);
}

public sealed class Hardsigmoid(bool inplace = false) : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => F.hardsigmoid(input, inplace);
}

public sealed class Hardtanh : nn.Module<Tensor, Tensor>
{
    public double min_val { get; }
    public double max_val { get; }
    public bool inplace { get; }

    public Hardtanh(double min_val = -1.0, double max_val = 1.0, bool inplace = false)
    {
        if (max_val <= min_val) throw new ArgumentException("max_val must be greater than min_val");
        this.min_val = min_val; this.max_val = max_val; this.inplace = inplace;
    }

    public override Tensor forward(Tensor input) => F.hardtanh(input, min_val, max_val, inplace);
    public override string extra_repr() =>
        $"min_val={Printing.PyFormat.Repr(min_val)}, max_val={Printing.PyFormat.Repr(max_val)}" + (inplace ? ", inplace=True" : "");
}

public sealed class LogSigmoid : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => F.logsigmoid(input);
}

public sealed class Softsign : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => F.softsign(input);
}

public sealed class Tanhshrink : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => F.tanhshrink(input);
}

public sealed class Softmin(long? dim = null) : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => F.softmin(input, dim);
    public override string extra_repr() => $"dim={(dim is { } d ? d.ToString() : "None")}";
}

/// <summary>Softmax over the channels of each spatial location of (N, C, H, W) or (C, H, W) input.</summary>
public sealed class Softmax2d : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 3 && input.dim() != 4) throw new ArgumentException($"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D instead");
        return F.softmax(input, -3);
    }
}

public sealed class Threshold(double threshold, double value, bool inplace = false) : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => F.threshold(input, threshold, value, inplace);
    public override string extra_repr() =>
        $"threshold={Printing.PyFormat.Repr(threshold)}, value={Printing.PyFormat.Repr(value)}" + (inplace ? ", inplace=True" : "");
}

public sealed class Hardshrink(double lambd = 0.5) : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => F.hardshrink(input, lambd);
    public override string extra_repr() => Printing.PyFormat.Repr(lambd);
}

public sealed class Softshrink(double lambd = 0.5) : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => F.softshrink(input, lambd);
    public override string extra_repr() => Printing.PyFormat.Repr(lambd);
}

/// <summary>Randomized leaky relu: slopes drawn from U(lower, upper) in training, (lower + upper) / 2 in evaluation.</summary>
public sealed class RReLU(double lower = 1.0 / 8, double upper = 1.0 / 3, bool inplace = false) : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => F.rrelu(input, lower, upper, training, inplace);
    public override string extra_repr() =>
        $"lower={Printing.PyFormat.Repr(lower)}, upper={Printing.PyFormat.Repr(upper)}" + (inplace ? ", inplace=True" : "");
}

/// <summary>Parametric relu: a learned negative slope, one for all channels or one per channel, initialized to <c>init</c>.</summary>
public sealed class PReLU : nn.Module<Tensor, Tensor>
{
    public Parameter weight;
    public long num_parameters { get; }
    private readonly double init;

    public PReLU(long num_parameters = 1, double init = 0.25, Device? device = null, DType? dtype = null)
    {
        this.num_parameters = num_parameters; this.init = init;
        weight = new Parameter(empty([num_parameters], dtype, device));
        reset_parameters();
    }

    public void reset_parameters() => nn.init.constant_(weight, init);
    public override Tensor forward(Tensor input) => F.prelu(input, weight);
    public override string extra_repr() => $"num_parameters={num_parameters}";
}

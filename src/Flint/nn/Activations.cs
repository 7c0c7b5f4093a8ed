using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Modules;

/// <summary>Applies <c>max(0, x)</c> elementwise, as <c>torch.nn.ReLU</c>; <paramref name="inplace"/> overwrites the input.</summary>
public sealed class ReLU(bool inplace = false) : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.relu(input, inplace);
    /// <inheritdoc/>
    public override string extra_repr() => inplace ? "inplace=True" : "";
}

/// <summary>Applies <c>max(0, x) + negative_slope * min(0, x)</c> elementwise, as <c>torch.nn.LeakyReLU</c>.</summary>
public sealed class LeakyReLU(double negative_slope = 0.01, bool inplace = false) : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.leaky_relu(input, negative_slope, inplace);
    /// <inheritdoc/>
    public override string extra_repr() => $"negative_slope={Printing.PyFormat.Repr(negative_slope)}" + (inplace ? ", inplace=True" : "");
}

/// <summary>Applies the ELU, <c>x</c> for x &gt; 0 and <c>alpha * (exp(x) - 1)</c> otherwise, as <c>torch.nn.ELU</c>.</summary>
public sealed class ELU(double alpha = 1.0, bool inplace = false) : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.elu(input, alpha, inplace);
    /// <inheritdoc/>
    public override string extra_repr() => $"alpha={Printing.PyFormat.Repr(alpha)}" + (inplace ? ", inplace=True" : "");
}

/// <summary>Applies the GELU elementwise, as <c>torch.nn.GELU</c>; <paramref name="approximate"/> is <c>"none"</c> (erf) or <c>"tanh"</c>.</summary>
public sealed class GELU(string approximate = "none") : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.gelu(input, approximate);
    /// <inheritdoc/>
    public override string extra_repr() => $"approximate='{approximate}'";
}

/// <summary>Applies <c>x * sigmoid(x)</c> (swish) elementwise, as <c>torch.nn.SiLU</c>.</summary>
public sealed class SiLU(bool inplace = false) : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.silu(input, inplace);
    /// <inheritdoc/>
    public override string extra_repr() => inplace ? "inplace=True" : "";
}

/// <summary>Applies <c>x * tanh(softplus(x))</c> elementwise, as <c>torch.nn.Mish</c>.</summary>
public sealed class Mish(bool inplace = false) : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.mish(input, inplace);
    /// <inheritdoc/>
    public override string extra_repr() => inplace ? "inplace=True" : "";
}

/// <summary>Applies tanh elementwise, as <c>torch.nn.Tanh</c>.</summary>
public sealed class Tanh : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => tanh(input);
}

/// <summary>Applies the logistic sigmoid elementwise, as <c>torch.nn.Sigmoid</c>.</summary>
public sealed class Sigmoid : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => sigmoid(input);
}

/// <summary>Applies <c>log(1 + exp(beta * x)) / beta</c> elementwise (linear above <paramref name="threshold"/>), as <c>torch.nn.Softplus</c>.</summary>
public sealed class Softplus(double beta = 1, double threshold = 20) : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.softplus(input, beta, threshold);
    // PyTorch's defaults are Python ints, printed without a decimal point
    private static string Num(double v) => v == Math.Floor(v) && Math.Abs(v) < 1e15 ? ((long)v).ToString(System.Globalization.CultureInfo.InvariantCulture) : Printing.PyFormat.Repr(v);
    /// <inheritdoc/>
    public override string extra_repr() => $"beta={Num(beta)}, threshold={Num(threshold)}";
}

/// <summary>Applies softmax along <paramref name="dim"/>, as <c>torch.nn.Softmax</c>.</summary>
public sealed class Softmax(long dim) : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.softmax(input, dim);
    /// <inheritdoc/>
    public override string extra_repr() => $"dim={dim}";
}

/// <summary>Applies log-softmax along <paramref name="dim"/>, as <c>torch.nn.LogSoftmax</c>.</summary>
public sealed class LogSoftmax(long dim) : nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.log_softmax(input, dim);
    /// <inheritdoc/>
    public override string extra_repr() => $"dim={dim}";
}

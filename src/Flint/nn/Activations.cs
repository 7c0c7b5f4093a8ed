using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Modules;

public sealed class ReLU(bool inplace = false) : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => F.relu(input, inplace);
    public override string extra_repr() => inplace ? "inplace=True" : "";
}

public sealed class LeakyReLU(double negative_slope = 0.01, bool inplace = false) : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => F.leaky_relu(input, negative_slope, inplace);
    public override string extra_repr() => $"negative_slope={Printing.PyFormat.Repr(negative_slope)}" + (inplace ? ", inplace=True" : "");
}

public sealed class ELU(double alpha = 1.0, bool inplace = false) : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => F.elu(input, alpha, inplace);
    public override string extra_repr() => $"alpha={Printing.PyFormat.Repr(alpha)}" + (inplace ? ", inplace=True" : "");
}

public sealed class GELU(string approximate = "none") : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => F.gelu(input, approximate);
    public override string extra_repr() => $"approximate='{approximate}'";
}

public sealed class SiLU(bool inplace = false) : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => F.silu(input, inplace);
    public override string extra_repr() => inplace ? "inplace=True" : "";
}

public sealed class Mish(bool inplace = false) : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => F.mish(input, inplace);
    public override string extra_repr() => inplace ? "inplace=True" : "";
}

public sealed class Tanh : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => tanh(input);
}

public sealed class Sigmoid : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => sigmoid(input);
}

public sealed class Softplus(double beta = 1, double threshold = 20) : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => F.softplus(input, beta, threshold);
    // PyTorch's defaults are Python ints, printed without a decimal point
    private static string Num(double v) => v == Math.Floor(v) && Math.Abs(v) < 1e15 ? ((long)v).ToString(System.Globalization.CultureInfo.InvariantCulture) : Printing.PyFormat.Repr(v);
    public override string extra_repr() => $"beta={Num(beta)}, threshold={Num(threshold)}";
}

public sealed class Softmax(long dim) : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => F.softmax(input, dim);
    public override string extra_repr() => $"dim={dim}";
}

public sealed class LogSoftmax(long dim) : nn.Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor input) => F.log_softmax(input, dim);
    public override string extra_repr() => $"dim={dim}";
}

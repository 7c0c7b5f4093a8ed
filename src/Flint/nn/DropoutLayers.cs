using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Modules;

/// <summary>The dropout layers besides <see cref="Dropout"/>: channel-wise (1d/2d/3d) and alpha forms.</summary>
public abstract class DropoutBase : nn.Module<Tensor, Tensor>
{
    public double p { get; }
    public bool inplace { get; }

    protected DropoutBase(double p, bool inplace)
    {
        if (p < 0 || p > 1) throw new ArgumentException($"dropout probability has to be between 0 and 1, but got {Printing.PyFormat.Repr(p)}");
        this.p = p; this.inplace = inplace;
    }

    public override string extra_repr() => $"p={Printing.PyFormat.Repr(p)}, inplace={(inplace ? "True" : "False")}";
}

public sealed class Dropout1d(double p = 0.5, bool inplace = false) : DropoutBase(p, inplace)
{
    public override Tensor forward(Tensor input) => F.dropout1d(input, p, training, inplace);
}

public sealed class Dropout2d(double p = 0.5, bool inplace = false) : DropoutBase(p, inplace)
{
    public override Tensor forward(Tensor input) => F.dropout2d(input, p, training, inplace);
}

public sealed class Dropout3d(double p = 0.5, bool inplace = false) : DropoutBase(p, inplace)
{
    public override Tensor forward(Tensor input) => F.dropout3d(input, p, training, inplace);
}

public sealed class AlphaDropout(double p = 0.5, bool inplace = false) : DropoutBase(p, inplace)
{
    public override Tensor forward(Tensor input) => F.alpha_dropout(input, p, training, inplace);
}

public sealed class FeatureAlphaDropout(double p = 0.5, bool inplace = false) : DropoutBase(p, inplace)
{
    public override Tensor forward(Tensor input) => F.feature_alpha_dropout(input, p, training, inplace);
}

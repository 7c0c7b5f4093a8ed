using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Modules;

/// <summary>The dropout layers besides <see cref="Dropout"/>: channel-wise (1d/2d/3d) and alpha forms.</summary>
public abstract class DropoutBase : nn.Module<Tensor, Tensor>
{
    /// <summary>The probability of zeroing an element (or a channel).</summary>
    public double p { get; }
    /// <summary>Whether the input is overwritten with the result.</summary>
    public bool inplace { get; }

    /// <summary>A dropout layer with probability <paramref name="p"/>.</summary>
    protected DropoutBase(double p, bool inplace)
    {
        if (p < 0 || p > 1) throw new ArgumentException($"dropout probability has to be between 0 and 1, but got {Printing.PyFormat.Repr(p)}");
        this.p = p; this.inplace = inplace;
    }

    /// <inheritdoc/>
    public override string extra_repr() => $"p={Printing.PyFormat.Repr(p)}, inplace={(inplace ? "True" : "False")}";
}

/// <summary>Zeros whole channels of an (N, C, L) input with probability <paramref name="p"/> in training, as <c>torch.nn.Dropout1d</c>.</summary>
public sealed class Dropout1d(double p = 0.5, bool inplace = false) : DropoutBase(p, inplace)
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.dropout1d(input, p, training, inplace);
}

/// <summary>Zeros whole channels of an (N, C, H, W) input with probability <paramref name="p"/> in training, as <c>torch.nn.Dropout2d</c>.</summary>
public sealed class Dropout2d(double p = 0.5, bool inplace = false) : DropoutBase(p, inplace)
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.dropout2d(input, p, training, inplace);
}

/// <summary>Zeros whole channels of an (N, C, D, H, W) input with probability <paramref name="p"/> in training, as <c>torch.nn.Dropout3d</c>.</summary>
public sealed class Dropout3d(double p = 0.5, bool inplace = false) : DropoutBase(p, inplace)
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.dropout3d(input, p, training, inplace);
}

/// <summary>Dropout that keeps the mean and variance of SELU activations, as <c>torch.nn.AlphaDropout</c>.</summary>
public sealed class AlphaDropout(double p = 0.5, bool inplace = false) : DropoutBase(p, inplace)
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.alpha_dropout(input, p, training, inplace);
}

/// <summary>Alpha dropout of whole channels, as <c>torch.nn.FeatureAlphaDropout</c>.</summary>
public sealed class FeatureAlphaDropout(double p = 0.5, bool inplace = false) : DropoutBase(p, inplace)
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.feature_alpha_dropout(input, p, training, inplace);
}

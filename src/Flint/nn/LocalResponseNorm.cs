using F = Flint.torch.nn.functional;

namespace Flint.Modules;

/// <summary>Local response normalization across channels (F.local_response_norm).</summary>
public sealed class LocalResponseNorm(long size, double alpha = 1e-4, double beta = 0.75, double k = 1.0) : torch.nn.Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.local_response_norm(input, size, alpha, beta, k);
    /// <inheritdoc/>
    public override string extra_repr() =>
        $"{size}, alpha={Printing.PyFormat.Repr(alpha)}, beta={Printing.PyFormat.Repr(beta)}, k={Printing.PyFormat.Repr(k)}";
}

using Flint.Printing;

namespace Flint.Optimizers;

/// <summary>The argument checks the Adam family shares, with PyTorch's messages.</summary>
internal static class AdamFamily
{
    internal static void Check(double lr, double eps, double beta1, double beta2, double weight_decay)
    {
        if (!(lr >= 0)) throw new ArgumentException($"Invalid learning rate: {PyFormat.Repr(lr)}");
        if (!(eps >= 0)) throw new ArgumentException($"Invalid epsilon value: {PyFormat.Repr(eps)}");
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentException($"Invalid beta parameter at index 0: {PyFormat.Repr(beta1)}");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentException($"Invalid beta parameter at index 1: {PyFormat.Repr(beta2)}");
        if (!(weight_decay >= 0)) throw new ArgumentException($"Invalid weight_decay value: {PyFormat.Repr(weight_decay)}");
    }
}

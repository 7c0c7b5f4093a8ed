namespace Flint.Autograd;

/// <summary>
/// The checks ops ask of autograd before they write. Kept here so ops need not know how autograd records
/// history; the autograd engine extends these as it grows.
/// </summary>
internal static class AutogradHooks
{
    internal static void CheckOut(Tensor @out)
    {
        if (@out.requires_grad && GradMode.IsEnabled)
            throw new InvalidOperationException("functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.");
    }

    internal static void CheckInPlace(Tensor self)
    {
        if (self.requires_grad && self.is_leaf && GradMode.IsEnabled)
            throw new InvalidOperationException("a leaf Variable that requires grad is being used in an in-place operation.");
    }
}

/// <summary>Whether operations record history (PyTorch's grad mode), per thread.</summary>
internal static class GradMode
{
    [ThreadStatic] private static bool disabled;
    internal static bool IsEnabled { get => !disabled; set => disabled = !value; }
}

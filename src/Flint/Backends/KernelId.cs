namespace Flint.Backends;

/// <summary>
/// The identity of a well-known elementwise or reduction kernel, stated by its op struct (the op interfaces'
/// <c>Kernel</c> member), so a backend picks its own implementation without looking at the struct's type: the
/// CPU backend's vector loops, a CUDA backend's library calls. Ops without one say <see cref="None"/> and
/// run through their scalar function.
/// </summary>
public enum KernelId
{
    None = 0,
    Add, Sub, Mul, Div,
    Gelu, GeluTanh, Erf, Erfc,
    Sum, Mean,
    Var, Std, LogSumExp,
}

namespace Flint.Backends;

/// <summary>
/// The identity of a well-known elementwise or reduction kernel, stated by its op struct (the op interfaces'
/// <c>Kernel</c> member), so a backend picks its own implementation without looking at the struct's type: the
/// CPU backend's vector loops, a CUDA backend's library calls. Ops without one say <see cref="None"/> and
/// run through their scalar function.
/// </summary>
public enum KernelId
{
    /// <summary>No well-known kernel: the op's scalar function runs.</summary>
    None = 0,
    /// <summary>Elementwise addition.</summary>
    Add,
    /// <summary>Elementwise subtraction.</summary>
    Sub,
    /// <summary>Elementwise multiplication.</summary>
    Mul,
    /// <summary>Elementwise true division.</summary>
    Div,
    /// <summary>GELU, the erf form.</summary>
    Gelu,
    /// <summary>GELU, the tanh approximation.</summary>
    GeluTanh,
    /// <summary>The error function.</summary>
    Erf,
    /// <summary>The complementary error function.</summary>
    Erfc,
    /// <summary>A sum reduction.</summary>
    Sum,
    /// <summary>A mean reduction.</summary>
    Mean,
    /// <summary>Elementwise comparison: equal.</summary>
    Eq,
    /// <summary>Elementwise comparison: not equal.</summary>
    Ne,
    /// <summary>Elementwise comparison: less than.</summary>
    Lt,
    /// <summary>Elementwise comparison: less than or equal.</summary>
    Le,
    /// <summary>Elementwise comparison: greater than.</summary>
    Gt,
    /// <summary>Elementwise comparison: greater than or equal.</summary>
    Ge,
    /// <summary>A variance reduction (with its correction).</summary>
    Var,
    /// <summary>A standard deviation reduction (with its correction).</summary>
    Std,
    /// <summary>log(sum(exp(x))) over dims.</summary>
    LogSumExp,
}

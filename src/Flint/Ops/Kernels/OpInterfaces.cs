using System.Numerics;

namespace Flint.Ops.Kernels;

// An elementwise op is a struct with two faces.
// - Its kernel (the public I*Kernel interfaces): the scalar function that defines it, an optional span function
//   (a vectorized fast path for contiguous data; return false to decline) and, for the well-known ops, a KernelId.
//   This is all a backend sees: IBackend's kernels are generic over these interfaces, so a backend in another
//   assembly reads the op's identity (Name, Kernel) from its type parameter.
// - Its declaration (the internal family interfaces, which extend the kernel ones): what the op layer needs on top,
//   above all the op's backward. Every family whose result can be floating demands a Derivative (a formula, or
//   UnaryDerivative.NotImplemented / NotDifferentiable), so an op cannot be added without stating it. Families
//   whose results are bool or integer (comparisons, predicates, bitwise ops) are never differentiable.
// The public torch.* / Tensor.* forms of an op come from its [ElementwiseOp] declaration (Flint.Generators).

/// <summary>The kernel of an elementwise op y = f(x) over float32/float64.</summary>
public interface IFloatUnaryKernel
{
    /// <summary>The kernel's name, as it appears in error texts.</summary>
    static abstract string Name { get; }
    /// <summary>The well-known kernel this op is, for backends that have their own code for it.</summary>
    static virtual Flint.Backends.KernelId Kernel => Flint.Backends.KernelId.None;
    /// <summary>The op on one element.</summary>
    static abstract T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>;
    /// <summary>The op on a contiguous span (a vectorized path); false when the kernel has none and <c>Apply</c> runs per element.</summary>
    static virtual bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => false;
}

/// <summary>The kernel of an elementwise op y = f(x) over any numeric dtype.</summary>
public interface INumericUnaryKernel
{
    /// <summary>The kernel's name, as it appears in error texts.</summary>
    static abstract string Name { get; }
    /// <summary>The op on one element.</summary>
    static abstract T Apply<T>(T x) where T : unmanaged, INumber<T>;
    /// <summary>The op on a contiguous span (a vectorized path); false when the kernel has none.</summary>
    static virtual bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, INumber<T> => false;
}

// Unary elementwise ops with up to three scalar parameters (softplus's beta and threshold, hardtanh's
// limits, nan_to_num's replacements, ...). The parameters arrive already converted to the compute type.

/// <summary>The kernel of a unary floating op with up to three number arguments (<c>elu(alpha)</c>, <c>softplus(beta, threshold)</c>).</summary>
public interface IFloatUnaryArgsKernel
{
    /// <summary>The kernel's name, as it appears in error texts.</summary>
    static abstract string Name { get; }
    /// <summary>The op on one element, with the op's arguments <paramref name="a"/>, <paramref name="b"/>, <paramref name="c"/>.</summary>
    static abstract T Apply<T>(T x, T a, T b, T c) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>The kernel of a unary numeric op with up to three number arguments (<c>clamp(min, max)</c>).</summary>
public interface INumericUnaryArgsKernel
{
    /// <summary>The kernel's name, as it appears in error texts.</summary>
    static abstract string Name { get; }
    /// <summary>The op on one element, with the op's arguments <paramref name="a"/>, <paramref name="b"/>, <paramref name="c"/>.</summary>
    static abstract T Apply<T>(T x, T a, T b, T c) where T : unmanaged, INumber<T>;
}

/// <summary>The kernel of an elementwise op y = f(a, b) over any numeric dtype.</summary>
public interface INumericBinaryKernel
{
    /// <summary>The kernel's name, as it appears in error texts.</summary>
    static abstract string Name { get; }
    /// <summary>The well-known kernel this op is, for backends that have their own code for it.</summary>
    static virtual Flint.Backends.KernelId Kernel => Flint.Backends.KernelId.None;
    /// <summary>The op on one pair of elements.</summary>
    static abstract T Apply<T>(T a, T b) where T : unmanaged, INumber<T>;
    /// <summary>The op on contiguous spans of equal length (a vectorized path); false when the kernel has none.</summary>
    static virtual bool Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, INumber<T> => false;
}

/// <summary>The kernel of an elementwise op y = f(a, b) over float32/float64.</summary>
public interface IFloatBinaryKernel
{
    /// <summary>The kernel's name, as it appears in error texts.</summary>
    static abstract string Name { get; }
    /// <summary>The well-known kernel this op is, for backends that have their own code for it.</summary>
    static virtual Flint.Backends.KernelId Kernel => Flint.Backends.KernelId.None;
    /// <summary>The op on one pair of elements.</summary>
    static abstract T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T>;
    /// <summary>The op on contiguous spans of equal length (a vectorized path); false when the kernel has none.</summary>
    static virtual bool Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => false;
}

/// <summary>The kernel of a bitwise op of integer tensors.</summary>
public interface IIntegerBinaryKernel
{
    /// <summary>The kernel's name, as it appears in error texts.</summary>
    static abstract string Name { get; }
    /// <summary>The op on one pair of elements.</summary>
    static abstract T Apply<T>(T a, T b) where T : unmanaged, IBinaryInteger<T>;
}

/// <summary>The kernel of a comparison or logical op: bool results.</summary>
public interface ICompareKernel
{
    /// <summary>The kernel's name, as it appears in error texts.</summary>
    static abstract string Name { get; }
    /// <summary>The well-known comparison this op is, for backends that have their own code for it.</summary>
    static virtual Flint.Backends.KernelId Kernel => Flint.Backends.KernelId.None;
    /// <summary>The comparison of one pair of elements.</summary>
    static abstract bool Apply<T>(T a, T b) where T : unmanaged, INumber<T>;
}

/// <summary>The kernel of a test of floating values (isnan, ...): bool results.</summary>
public interface IFloatPredicateKernel
{
    /// <summary>The kernel's name, as it appears in error texts.</summary>
    static abstract string Name { get; }
    /// <summary>The predicate on one element.</summary>
    static abstract bool Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>The kernel of an elementwise op y = f(a, b, c) over float32/float64 (lerp, addcmul, ...).</summary>
public interface IFloatTernaryKernel
{
    /// <summary>The kernel's name, as it appears in error texts.</summary>
    static abstract string Name { get; }
    /// <summary>The op on one triple of elements.</summary>
    static abstract T Apply<T>(T a, T b, T c) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>An op with one tensor input whose backward is a <see cref="UnaryDerivative"/>.</summary>
internal interface IUnaryDifferentiable
{
    static abstract UnaryDerivative Derivative { get; }
}

/// <summary>An op with two tensor inputs whose backward is a <see cref="BinaryDerivative"/>.</summary>
internal interface IBinaryDifferentiable
{
    static abstract BinaryDerivative Derivative { get; }
}

/// <summary>An op with three tensor inputs whose backward is a <see cref="TernaryDerivative"/>.</summary>
internal interface ITernaryDifferentiable
{
    static abstract TernaryDerivative Derivative { get; }
}

/// <summary>A reduction or scan whose backward records through a <see cref="ReduceDerivative"/>.</summary>
internal interface IReduceDifferentiable
{
    static abstract ReduceDerivative Derivative { get; }
}

/// <summary>An index-picking reduction (max/min/median/mode/kthvalue along a dim): PyTorch's node name for its values.</summary>
internal interface IIndexDifferentiable
{
    static abstract string NodeName { get; }
}

internal interface IFloatUnary : IFloatUnaryKernel, IUnaryDifferentiable
{
    /// <summary>Refuses inputs the op never takes (before any other check), as PyTorch words it.</summary>
    static virtual void CheckInput(Tensor input) { }
}

internal interface INumericUnary : INumericUnaryKernel, IUnaryDifferentiable
{
    /// <summary>Refuses inputs the op never takes (before any other check), as PyTorch words it.</summary>
    static virtual void CheckInput(Tensor input) { }
}

internal interface IFloatUnaryArgs : IFloatUnaryArgsKernel, IUnaryDifferentiable { }

internal interface INumericUnaryArgs : INumericUnaryArgsKernel, IUnaryDifferentiable { }

internal interface INumericBinary : INumericBinaryKernel, IBinaryDifferentiable
{
    /// <summary>
    /// Refuses operands the op never takes (before any other check), as PyTorch words it: integer division by
    /// zero, a bool power, ...; <paramref name="inPlace"/>: a is also the target.
    /// </summary>
    static virtual void CheckOperands(Tensor a, Tensor b, Tensor? @out, bool inPlace) { }
}

internal interface IFloatBinary : IFloatBinaryKernel, IBinaryDifferentiable
{
    /// <summary>Refuses operands the op never takes (before any other check), as PyTorch words it; <paramref name="inPlace"/>: a is also the target.</summary>
    static virtual void CheckOperands(Tensor a, Tensor b, Tensor? @out, bool inPlace) { }
}

/// <summary>A bitwise op of integer (or bool) tensors: its results are integers, never differentiable.</summary>
internal interface IIntegerBinary : IIntegerBinaryKernel
{
    /// <summary>Refuses operands the op never takes (before any other check), as PyTorch words it (a bool shift).</summary>
    static virtual void CheckOperands(Tensor a, Tensor b) { }
}

/// <summary>A comparison or logical op: its results are bool, never differentiable.</summary>
internal interface ICompareOp : ICompareKernel
{
    /// <summary>
    /// The node-name stem the in-place form records on a floating tensor in the graph ("Eq" gives PyTorch's
    /// EqBackward0 with a number, EqBackward1 with a tensor; zero gradients); null: the in-place form records nothing.
    /// </summary>
    static virtual string? InPlaceNode => null;
}

/// <summary>A test of floating values (isnan, ...): its results are bool, never differentiable.</summary>
internal interface IFloatPredicate : IFloatPredicateKernel
{
    /// <summary>The answer for every element of an integer or bool tensor (which holds no NaN or infinity).</summary>
    static virtual bool IntegerAnswer => false;
}

internal interface IFloatTernary : IFloatTernaryKernel, ITernaryDifferentiable { }

using System.Numerics;

namespace Flint.Ops.Kernels;

// Elementwise ops are structs implementing one of these interfaces. The scalar function is the definition;
// the optional span function is a vectorized fast path for contiguous data (return false to decline).
// Every family whose result can be floating also demands the op's backward (Derivative: a formula, or
// UnaryDerivative.NotImplemented / NotDifferentiable), so an op cannot be added without stating it.
// Families whose results are bool or integer (comparisons, predicates, bitwise ops) are never differentiable.
// The public torch.* / Tensor.* forms of an op come from its [ElementwiseOp] declaration (Flint.Generators).

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

internal interface IFloatUnary : IUnaryDifferentiable
{
    static abstract string Name { get; }
    static abstract T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>;
    static virtual bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => false;
    /// <summary>Refuses inputs the op never takes (before any other check), as PyTorch words it.</summary>
    static virtual void CheckInput(Tensor input) { }
}

internal interface INumericUnary : IUnaryDifferentiable
{
    static abstract string Name { get; }
    static abstract T Apply<T>(T x) where T : unmanaged, INumber<T>;
    static virtual bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, INumber<T> => false;
    /// <summary>Refuses inputs the op never takes (before any other check), as PyTorch words it.</summary>
    static virtual void CheckInput(Tensor input) { }
}

// Unary elementwise ops with up to three scalar parameters (softplus's beta and threshold, hardtanh's
// limits, nan_to_num's replacements, ...). The parameters arrive already converted to the compute type.

internal interface IFloatUnaryArgs : IUnaryDifferentiable
{
    static abstract string Name { get; }
    static abstract T Apply<T>(T x, T a, T b, T c) where T : unmanaged, IFloatingPointIeee754<T>;
}

internal interface INumericUnaryArgs : IUnaryDifferentiable
{
    static abstract string Name { get; }
    static abstract T Apply<T>(T x, T a, T b, T c) where T : unmanaged, INumber<T>;
}

internal interface INumericBinary : IBinaryDifferentiable
{
    static abstract string Name { get; }
    static abstract T Apply<T>(T a, T b) where T : unmanaged, INumber<T>;
    static virtual bool Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, INumber<T> => false;
}

internal interface IFloatBinary : IBinaryDifferentiable
{
    static abstract string Name { get; }
    static abstract T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T>;
    static virtual bool Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => false;
}

/// <summary>A bitwise op of integer (or bool) tensors: its results are integers, never differentiable.</summary>
internal interface IIntegerBinary
{
    static abstract string Name { get; }
    static abstract T Apply<T>(T a, T b) where T : unmanaged, IBinaryInteger<T>;
}

/// <summary>A comparison or logical op: its results are bool, never differentiable.</summary>
internal interface ICompareOp
{
    static abstract string Name { get; }
    static abstract bool Apply<T>(T a, T b) where T : unmanaged, INumber<T>;
    /// <summary>
    /// The node-name stem the in-place form records on a floating tensor in the graph ("Eq" gives PyTorch's
    /// EqBackward0 with a number, EqBackward1 with a tensor; zero gradients); null: the in-place form records nothing.
    /// </summary>
    static virtual string? InPlaceNode => null;
}

/// <summary>A test of floating values (isnan, ...): its results are bool, never differentiable.</summary>
internal interface IFloatPredicate
{
    static abstract string Name { get; }
    static abstract bool Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>;
    /// <summary>The answer for every element of an integer or bool tensor (which holds no NaN or infinity).</summary>
    static virtual bool IntegerAnswer => false;
}

internal interface IFloatTernary : ITernaryDifferentiable
{
    static abstract string Name { get; }
    static abstract T Apply<T>(T a, T b, T c) where T : unmanaged, IFloatingPointIeee754<T>;
}

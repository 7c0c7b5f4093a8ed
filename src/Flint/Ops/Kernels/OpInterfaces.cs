using System.Numerics;

namespace Flint.Ops.Kernels;

// Elementwise ops are structs implementing one of these interfaces. The scalar function is the definition;
// the optional span function is a vectorized fast path for contiguous data (return false to decline).

internal interface IFloatUnary
{
    static abstract string Name { get; }
    static abstract T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>;
    static virtual bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => false;
}

internal interface INumericUnary
{
    static abstract string Name { get; }
    static abstract T Apply<T>(T x) where T : unmanaged, INumber<T>;
    static virtual bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, INumber<T> => false;
}

internal interface INumericBinary
{
    static abstract string Name { get; }
    static abstract T Apply<T>(T a, T b) where T : unmanaged, INumber<T>;
    static virtual bool Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, INumber<T> => false;
}

internal interface IFloatBinary
{
    static abstract string Name { get; }
    static abstract T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T>;
    static virtual bool Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => false;
}

internal interface IIntegerBinary
{
    static abstract string Name { get; }
    static abstract T Apply<T>(T a, T b) where T : unmanaged, IBinaryInteger<T>;
}

internal interface ICompareOp
{
    static abstract string Name { get; }
    static abstract bool Apply<T>(T a, T b) where T : unmanaged, INumber<T>;
}

internal interface IFloatPredicate
{
    static abstract string Name { get; }
    static abstract bool Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>;
}

internal interface IFloatTernary
{
    static abstract string Name { get; }
    static abstract T Apply<T>(T a, T b, T c) where T : unmanaged, IFloatingPointIeee754<T>;
}

using System.Numerics;

namespace Flint.Ops.Kernels;

// Elementwise ops are structs implementing one of these interfaces. The scalar function is the definition;
// the optional span function is a vectorized fast path for contiguous data (return false to decline).

public interface IFloatUnary
{
    static abstract string Name { get; }
    /// <summary>The well-known kernel this op is, for backends that have their own code for it.</summary>
    static virtual Flint.Backends.KernelId Kernel => Flint.Backends.KernelId.None;
    static abstract T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>;
    static virtual bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => false;
}

public interface INumericUnary
{
    static abstract string Name { get; }
    static abstract T Apply<T>(T x) where T : unmanaged, INumber<T>;
    static virtual bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, INumber<T> => false;
}

public interface INumericBinary
{
    static abstract string Name { get; }
    /// <summary>The well-known kernel this op is, for backends that have their own code for it.</summary>
    static virtual Flint.Backends.KernelId Kernel => Flint.Backends.KernelId.None;
    static abstract T Apply<T>(T a, T b) where T : unmanaged, INumber<T>;
    static virtual bool Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, INumber<T> => false;
}

public interface IFloatBinary
{
    static abstract string Name { get; }
    /// <summary>The well-known kernel this op is, for backends that have their own code for it.</summary>
    static virtual Flint.Backends.KernelId Kernel => Flint.Backends.KernelId.None;
    static abstract T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T>;
    static virtual bool Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => false;
}

public interface IIntegerBinary
{
    static abstract string Name { get; }
    static abstract T Apply<T>(T a, T b) where T : unmanaged, IBinaryInteger<T>;
}

public interface ICompareOp
{
    static abstract string Name { get; }
    static abstract bool Apply<T>(T a, T b) where T : unmanaged, INumber<T>;
}

public interface IFloatPredicate
{
    static abstract string Name { get; }
    static abstract bool Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>;
}

public interface IFloatTernary
{
    static abstract string Name { get; }
    static abstract T Apply<T>(T a, T b, T c) where T : unmanaged, IFloatingPointIeee754<T>;
}

using System.Numerics;

namespace Flint.Ops.Kernels;

// Unary elementwise ops with up to three scalar parameters (softplus's beta and threshold, hardtanh's
// limits, nan_to_num's replacements, ...). The parameters arrive already converted to the compute type.

public interface IFloatUnaryArgs
{
    static abstract string Name { get; }
    static abstract T Apply<T>(T x, T a, T b, T c) where T : unmanaged, IFloatingPointIeee754<T>;
}

public interface INumericUnaryArgs
{
    static abstract string Name { get; }
    static abstract T Apply<T>(T x, T a, T b, T c) where T : unmanaged, INumber<T>;
}

using Flint.Ops.Kernels;

namespace Flint.Backends;

public partial interface IBackend
{
    /// <summary>Elementwise y = op(x, a, b, c) over float32/float64; a, b, c are converted to that type first.</summary>
    void FloatUnaryArgs<TOp>(TensorLayout x, TensorLayout y, double a, double b, double c) where TOp : IFloatUnaryArgsKernel;
    /// <summary>Elementwise y = op(x, a, b, c) over a numeric compute dtype; a, b, c are cast (truncated) to it first.</summary>
    void NumericUnaryArgs<TOp>(TensorLayout x, TensorLayout y, double a, double b, double c) where TOp : INumericUnaryArgsKernel;
}

using System.Numerics;
using Flint.Ops.Kernels;

namespace Flint.Backends.Cpu;

internal sealed partial class CpuBackend
{
    public void FloatUnaryArgs<TOp>(TensorLayout x, TensorLayout y, double a, double b, double c) where TOp : IFloatUnaryArgsKernel
    {
        MemoryOverlap.Check(y, x);
        DTypeDispatch.Floating(y.DType, TOp.Name, new FloatUnaryArgsV<TOp>(x, y, a, b, c));
    }

    private readonly struct FloatUnaryArgsV<TOp>(TensorLayout x, TensorLayout y, double a, double b, double c) : IFloatVisitor
        where TOp : IFloatUnaryArgsKernel
    {
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T> => UnaryArgsT<T, FloatUnaryArgsFn<T, TOp>>(x, y, a, b, c);
    }

    public void NumericUnaryArgs<TOp>(TensorLayout x, TensorLayout y, double a, double b, double c) where TOp : INumericUnaryArgsKernel
    {
        MemoryOverlap.Check(y, x);
        DTypeDispatch.Numeric(y.DType, TOp.Name, new NumericUnaryArgsV<TOp>(x, y, a, b, c));
    }

    private readonly struct NumericUnaryArgsV<TOp>(TensorLayout x, TensorLayout y, double a, double b, double c) : INumericVisitor
        where TOp : INumericUnaryArgsKernel
    {
        public void Visit<T>() where T : unmanaged, INumber<T> => UnaryArgsT<T, NumericUnaryArgsFn<T, TOp>>(x, y, a, b, c);
    }

    private static void UnaryArgsT<T, F>(TensorLayout x, TensorLayout y, double a, double b, double c) where T : unmanaged where F : IUnaryArgsFn<T>
    {
        var xa = Arr<T>(x); var ya = Arr<T>(y);
        T ta = Convert.FromDouble<T>(a), tb = Convert.FromDouble<T>(b), tc = Convert.FromDouble<T>(c);
        var loop = StridedLoop.ForElementwise(y.Shape, y, x);
        long sy = loop.InnerStride(0), sx = loop.InnerStride(1);
        RunRows(loop, TilesSafe(y, x), (offs, n) =>
        {
            long oy = offs[0], ox = offs[1];
            for (long i = 0; i < n; i++) At(ya, oy + i * sy) = F.Apply(At(xa, ox + i * sx), ta, tb, tc);
        });
    }
}

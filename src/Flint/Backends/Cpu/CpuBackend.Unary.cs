using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Flint.Ops.Kernels;

namespace Flint.Backends.Cpu;

internal sealed partial class CpuBackend
{
    public void FloatUnaryArgs<TOp>(TensorLayout x, TensorLayout y, double a, double b, double c) where TOp : IFloatUnaryArgsKernel
    {
        MemoryOverlap.Check(y, x);
        switch (y.DType.scalar_type)
        {
            case ScalarType.Float32: FloatUnaryArgsT<float, TOp>(x, y, a, b, c); break;
            case ScalarType.Float64: FloatUnaryArgsT<double, TOp>(x, y, a, b, c); break;
            default: throw Unsupported(TOp.Name, y.DType);
        }
    }

    private static void FloatUnaryArgsT<T, TOp>(TensorLayout x, TensorLayout y, double a, double b, double c)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatUnaryArgsKernel
    {
        var xa = Arr<T>(x); var ya = Arr<T>(y);
        T ta = Convert.FromDouble<T>(a), tb = Convert.FromDouble<T>(b), tc = Convert.FromDouble<T>(c);
        var loop = StridedLoop.For(y.Shape, y, x);
        long sy = loop.InnerStride(0), sx = loop.InnerStride(1);
        StridedLoop.RowAction body = (offs, n) =>
        {
            long oy = offs[0], ox = offs[1];
            for (long i = 0; i < n; i++) ElemAt(ya, oy + i * sy) = TOp.Apply(ElemAt(xa, ox + i * sx), ta, tb, tc);
        };
        if (TilesSafe(y, x)) loop.ForEachRowParallelTiled(body); else loop.ForEachRowParallel(body);
    }

    public void NumericUnaryArgs<TOp>(TensorLayout x, TensorLayout y, double a, double b, double c) where TOp : INumericUnaryArgsKernel
    {
        MemoryOverlap.Check(y, x);
        switch (y.DType.scalar_type)
        {
            case ScalarType.Float32: NumericUnaryArgsT<float, TOp>(x, y, a, b, c); break;
            case ScalarType.Float64: NumericUnaryArgsT<double, TOp>(x, y, a, b, c); break;
            case ScalarType.Int64: NumericUnaryArgsT<long, TOp>(x, y, a, b, c); break;
            case ScalarType.Int32: NumericUnaryArgsT<int, TOp>(x, y, a, b, c); break;
            case ScalarType.Int16: NumericUnaryArgsT<short, TOp>(x, y, a, b, c); break;
            case ScalarType.Int8: NumericUnaryArgsT<sbyte, TOp>(x, y, a, b, c); break;
            case ScalarType.UInt8: NumericUnaryArgsT<byte, TOp>(x, y, a, b, c); break;
            default: throw Unsupported(TOp.Name, y.DType);
        }
    }

    private static void NumericUnaryArgsT<T, TOp>(TensorLayout x, TensorLayout y, double a, double b, double c)
        where T : unmanaged, INumber<T> where TOp : INumericUnaryArgsKernel
    {
        var xa = Arr<T>(x); var ya = Arr<T>(y);
        T ta = Convert.FromDouble<T>(a), tb = Convert.FromDouble<T>(b), tc = Convert.FromDouble<T>(c);
        var loop = StridedLoop.For(y.Shape, y, x);
        long sy = loop.InnerStride(0), sx = loop.InnerStride(1);
        StridedLoop.RowAction body = (offs, n) =>
        {
            long oy = offs[0], ox = offs[1];
            for (long i = 0; i < n; i++) ElemAt(ya, oy + i * sy) = TOp.Apply(ElemAt(xa, ox + i * sx), ta, tb, tc);
        };
        if (TilesSafe(y, x)) loop.ForEachRowParallelTiled(body); else loop.ForEachRowParallel(body);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref T ElemAt<T>(T[] a, long i) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a), (nint)i);
}

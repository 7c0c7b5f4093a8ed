using System.Numerics;
using Flint.Ops.Kernels;
using ILGPU;

namespace Flint.Cuda.Kernels;

// The elementwise kernels: one thread per element of the iteration shape, each operand read or written through its
// own strides (broadcast operands have stride 0), a dense operand at offset + i. Generic over the element type and
// the op struct, whose scalar function ILGPU compiles into the kernel. Bool elements are bytes (0 or 1).
internal static class Elementwise
{
    public static void FloatUnary<T, TOp>(Index1D i, ArrayView<T> x, ArrayView<T> y, Shape8 s, Strides8 sx, Strides8 sy, long start)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatUnaryKernel
    {
        long k = start + i;
        y[sy.At(s, k)] = TOp.Apply(x[sx.At(s, k)]);
    }

    public static void NumericUnary<T, TOp>(Index1D i, ArrayView<T> x, ArrayView<T> y, Shape8 s, Strides8 sx, Strides8 sy, long start)
        where T : unmanaged, INumber<T> where TOp : INumericUnaryKernel
    {
        long k = start + i;
        y[sy.At(s, k)] = TOp.Apply(x[sx.At(s, k)]);
    }

    public static void FloatUnaryArgs<T, TOp>(Index1D i, ArrayView<T> x, ArrayView<T> y, Shape8 s, Strides8 sx, Strides8 sy, long start, T a, T b, T c)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatUnaryArgsKernel
    {
        long k = start + i;
        y[sy.At(s, k)] = TOp.Apply(x[sx.At(s, k)], a, b, c);
    }

    public static void NumericUnaryArgs<T, TOp>(Index1D i, ArrayView<T> x, ArrayView<T> y, Shape8 s, Strides8 sx, Strides8 sy, long start, T a, T b, T c)
        where T : unmanaged, INumber<T> where TOp : INumericUnaryArgsKernel
    {
        long k = start + i;
        y[sy.At(s, k)] = TOp.Apply(x[sx.At(s, k)], a, b, c);
    }

    public static void NumericBinary<T, TOp>(Index1D i, ArrayView<T> a, ArrayView<T> b, ArrayView<T> y, Shape8 s, Strides8 sa, Strides8 sb, Strides8 sy, long start)
        where T : unmanaged, INumber<T> where TOp : INumericBinaryKernel
    {
        long k = start + i;
        y[sy.At(s, k)] = TOp.Apply(a[sa.At(s, k)], b[sb.At(s, k)]);
    }

    public static void FloatBinary<T, TOp>(Index1D i, ArrayView<T> a, ArrayView<T> b, ArrayView<T> y, Shape8 s, Strides8 sa, Strides8 sb, Strides8 sy, long start)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatBinaryKernel
    {
        long k = start + i;
        y[sy.At(s, k)] = TOp.Apply(a[sa.At(s, k)], b[sb.At(s, k)]);
    }

    public static void IntegerBinary<T, TOp>(Index1D i, ArrayView<T> a, ArrayView<T> b, ArrayView<T> y, Shape8 s, Strides8 sa, Strides8 sb, Strides8 sy, long start)
        where T : unmanaged, IBinaryInteger<T> where TOp : IIntegerBinaryKernel
    {
        long k = start + i;
        y[sy.At(s, k)] = TOp.Apply(a[sa.At(s, k)], b[sb.At(s, k)]);
    }

    public static void Compare<T, TOp>(Index1D i, ArrayView<T> a, ArrayView<T> b, ArrayView<byte> y, Shape8 s, Strides8 sa, Strides8 sb, Strides8 sy, long start)
        where T : unmanaged, INumber<T> where TOp : ICompareKernel
    {
        long k = start + i;
        y[sy.At(s, k)] = TOp.Apply(a[sa.At(s, k)], b[sb.At(s, k)]) ? (byte)1 : (byte)0;
    }

    public static void FloatPredicate<T, TOp>(Index1D i, ArrayView<T> x, ArrayView<byte> y, Shape8 s, Strides8 sx, Strides8 sy, long start)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatPredicateKernel
    {
        long k = start + i;
        y[sy.At(s, k)] = TOp.Apply(x[sx.At(s, k)]) ? (byte)1 : (byte)0;
    }

    public static void FloatTernary<T, TOp>(Index1D i, ArrayView<T> a, ArrayView<T> b, ArrayView<T> c, ArrayView<T> y, Shape8 s, Strides8 sa, Strides8 sb, Strides8 sc, Strides8 sy, long start)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatTernaryKernel
    {
        long k = start + i;
        y[sy.At(s, k)] = TOp.Apply(a[sa.At(s, k)], b[sb.At(s, k)], c[sc.At(s, k)]);
    }

    public static void Where<T>(Index1D i, ArrayView<byte> cond, ArrayView<T> a, ArrayView<T> b, ArrayView<T> y, Shape8 s, Strides8 sc, Strides8 sa, Strides8 sb, Strides8 sy, long start)
        where T : unmanaged
    {
        long k = start + i;
        y[sy.At(s, k)] = cond[sc.At(s, k)] != 0 ? a[sa.At(s, k)] : b[sb.At(s, k)];
    }

    public static void Fill<T>(Index1D i, ArrayView<T> y, Shape8 s, Strides8 sy, long start, T value) where T : unmanaged
    {
        y[sy.At(s, start + i)] = value;
    }

    /// <summary>dst = (TD)src with PyTorch's casts: from a float source through double, from an integer (or bool) source through long.</summary>
    public static void Cast<TS, TD, TR, TW>(Index1D i, ArrayView<TS> src, ArrayView<TD> dst, Shape8 s, Strides8 ss, Strides8 sd, long start, int srcFloat)
        where TS : unmanaged where TD : unmanaged where TR : struct, IRead<TS> where TW : struct, IWrite<TD>
    {
        long k = start + i;
        var v = src[ss.At(s, k)];
        dst[sd.At(s, k)] = srcFloat != 0 ? TW.FromDouble(TR.D(v)) : TW.FromLong(TR.L(v));
    }
}

internal static class Copies
{
    public static void Same<T>(Index1D i, ArrayView<T> src, ArrayView<T> dst, Shape8 s, Strides8 ss, Strides8 sd, long start) where T : unmanaged
    {
        long k = start + i;
        dst[sd.At(s, k)] = src[ss.At(s, k)];
    }
}

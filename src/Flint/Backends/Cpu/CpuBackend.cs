using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Flint.Ops.Kernels;

namespace Flint.Backends.Cpu;

/// <summary>The CPU implementation of the backend seam: managed arrays and generic strided loops.</summary>
internal sealed partial class CpuBackend : IBackend
{
    public static readonly CpuBackend Instance = new();
    public Device Device => Device.CPU;
    public Storage Allocate(DType dtype, long count) => CpuStorage.Allocate(dtype, count);

    internal static T[] Arr<T>(Tensor t) => (T[])((CpuStorage)t._storage).Data;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref T At<T>(T[] a, long i) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a), (nint)i);

    private static NotSupportedException Unsupported(string op, DType dt) =>
        new($"\"{op}\" not implemented for '{dt.LegacyName}'");

    // ---------------- unary ----------------

    public void FloatUnary<TOp>(Tensor x, Tensor y) where TOp : IFloatUnary
    {
        switch (y.dtype.scalar_type)
        {
            case ScalarType.Float32: FloatUnaryT<float, TOp>(x, y); break;
            case ScalarType.Float64: FloatUnaryT<double, TOp>(x, y); break;
            default: throw Unsupported(TOp.Name, y.dtype);
        }
    }

    private static void FloatUnaryT<T, TOp>(Tensor x, Tensor y) where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatUnary
    {
        var xa = Arr<T>(x); var ya = Arr<T>(y);
        var loop = StridedLoop.For(y._shape, y, x);
        long sy = loop.InnerStride(0), sx = loop.InnerStride(1);
        loop.ForEachRow((offs, n) =>
        {
            long oy = offs[0], ox = offs[1];
            if (sy == 1 && sx == 1 && TOp.Span<T>(xa.AsSpan((int)ox, (int)n), ya.AsSpan((int)oy, (int)n))) return;
            for (long i = 0; i < n; i++) At(ya, oy + i * sy) = TOp.Apply(At(xa, ox + i * sx));
        });
    }

    public void NumericUnary<TOp>(Tensor x, Tensor y) where TOp : INumericUnary
    {
        switch (y.dtype.scalar_type)
        {
            case ScalarType.Float32: NumericUnaryT<float, TOp>(x, y); break;
            case ScalarType.Float64: NumericUnaryT<double, TOp>(x, y); break;
            case ScalarType.Int64: NumericUnaryT<long, TOp>(x, y); break;
            case ScalarType.Int32: NumericUnaryT<int, TOp>(x, y); break;
            case ScalarType.Int16: NumericUnaryT<short, TOp>(x, y); break;
            case ScalarType.Int8: NumericUnaryT<sbyte, TOp>(x, y); break;
            case ScalarType.UInt8: NumericUnaryT<byte, TOp>(x, y); break;
            default: throw Unsupported(TOp.Name, y.dtype);
        }
    }

    private static void NumericUnaryT<T, TOp>(Tensor x, Tensor y) where T : unmanaged, INumber<T> where TOp : INumericUnary
    {
        var xa = Arr<T>(x); var ya = Arr<T>(y);
        var loop = StridedLoop.For(y._shape, y, x);
        long sy = loop.InnerStride(0), sx = loop.InnerStride(1);
        loop.ForEachRow((offs, n) =>
        {
            long oy = offs[0], ox = offs[1];
            if (sy == 1 && sx == 1 && TOp.Span<T>(xa.AsSpan((int)ox, (int)n), ya.AsSpan((int)oy, (int)n))) return;
            for (long i = 0; i < n; i++) At(ya, oy + i * sy) = TOp.Apply(At(xa, ox + i * sx));
        });
    }

    public void FloatPredicate<TOp>(Tensor x, Tensor y) where TOp : IFloatPredicate
    {
        switch (x.dtype.scalar_type)
        {
            case ScalarType.Float32: FloatPredicateT<float, TOp>(x, y); break;
            case ScalarType.Float64: FloatPredicateT<double, TOp>(x, y); break;
            default: throw Unsupported(TOp.Name, x.dtype);
        }
    }

    private static void FloatPredicateT<T, TOp>(Tensor x, Tensor y) where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatPredicate
    {
        var xa = Arr<T>(x); var ya = Arr<bool>(y);
        var loop = StridedLoop.For(y._shape, y, x);
        long sy = loop.InnerStride(0), sx = loop.InnerStride(1);
        loop.ForEachRow((offs, n) =>
        {
            long oy = offs[0], ox = offs[1];
            for (long i = 0; i < n; i++) At(ya, oy + i * sy) = TOp.Apply(At(xa, ox + i * sx));
        });
    }

    // ---------------- binary ----------------

    public void NumericBinary<TOp>(Tensor a, Tensor b, Tensor y) where TOp : INumericBinary
    {
        switch (y.dtype.scalar_type)
        {
            case ScalarType.Float32: NumericBinaryT<float, TOp>(a, b, y); break;
            case ScalarType.Float64: NumericBinaryT<double, TOp>(a, b, y); break;
            case ScalarType.Int64: NumericBinaryT<long, TOp>(a, b, y); break;
            case ScalarType.Int32: NumericBinaryT<int, TOp>(a, b, y); break;
            case ScalarType.Int16: NumericBinaryT<short, TOp>(a, b, y); break;
            case ScalarType.Int8: NumericBinaryT<sbyte, TOp>(a, b, y); break;
            case ScalarType.UInt8: NumericBinaryT<byte, TOp>(a, b, y); break;
            default: throw Unsupported(TOp.Name, y.dtype);
        }
    }

    private static void NumericBinaryT<T, TOp>(Tensor a, Tensor b, Tensor y) where T : unmanaged, INumber<T> where TOp : INumericBinary
    {
        var aa = Arr<T>(a); var ba = Arr<T>(b); var ya = Arr<T>(y);
        var loop = StridedLoop.For(y._shape, y, a, b);
        long sy = loop.InnerStride(0), sa = loop.InnerStride(1), sb = loop.InnerStride(2);
        loop.ForEachRow((offs, n) =>
        {
            long oy = offs[0], oa = offs[1], ob = offs[2];
            if (sy == 1 && sa == 1 && sb == 1 &&
                TOp.Span<T>(aa.AsSpan((int)oa, (int)n), ba.AsSpan((int)ob, (int)n), ya.AsSpan((int)oy, (int)n))) return;
            if (sy == 1 && sa == 1 && sb == 0)
            {
                T bv = At(ba, ob);
                for (long i = 0; i < n; i++) At(ya, oy + i) = TOp.Apply(At(aa, oa + i), bv);
                return;
            }
            for (long i = 0; i < n; i++) At(ya, oy + i * sy) = TOp.Apply(At(aa, oa + i * sa), At(ba, ob + i * sb));
        });
    }

    public void FloatBinary<TOp>(Tensor a, Tensor b, Tensor y) where TOp : IFloatBinary
    {
        switch (y.dtype.scalar_type)
        {
            case ScalarType.Float32: FloatBinaryT<float, TOp>(a, b, y); break;
            case ScalarType.Float64: FloatBinaryT<double, TOp>(a, b, y); break;
            default: throw Unsupported(TOp.Name, y.dtype);
        }
    }

    private static void FloatBinaryT<T, TOp>(Tensor a, Tensor b, Tensor y) where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatBinary
    {
        var aa = Arr<T>(a); var ba = Arr<T>(b); var ya = Arr<T>(y);
        var loop = StridedLoop.For(y._shape, y, a, b);
        long sy = loop.InnerStride(0), sa = loop.InnerStride(1), sb = loop.InnerStride(2);
        loop.ForEachRow((offs, n) =>
        {
            long oy = offs[0], oa = offs[1], ob = offs[2];
            if (sy == 1 && sa == 1 && sb == 1 &&
                TOp.Span<T>(aa.AsSpan((int)oa, (int)n), ba.AsSpan((int)ob, (int)n), ya.AsSpan((int)oy, (int)n))) return;
            for (long i = 0; i < n; i++) At(ya, oy + i * sy) = TOp.Apply(At(aa, oa + i * sa), At(ba, ob + i * sb));
        });
    }

    public void IntegerBinary<TOp>(Tensor a, Tensor b, Tensor y) where TOp : IIntegerBinary
    {
        switch (y.dtype.scalar_type)
        {
            case ScalarType.Int64: IntegerBinaryT<long, TOp>(a, b, y); break;
            case ScalarType.Int32: IntegerBinaryT<int, TOp>(a, b, y); break;
            case ScalarType.Int16: IntegerBinaryT<short, TOp>(a, b, y); break;
            case ScalarType.Int8: IntegerBinaryT<sbyte, TOp>(a, b, y); break;
            case ScalarType.UInt8: IntegerBinaryT<byte, TOp>(a, b, y); break;
            default: throw Unsupported(TOp.Name, y.dtype);
        }
    }

    private static void IntegerBinaryT<T, TOp>(Tensor a, Tensor b, Tensor y) where T : unmanaged, IBinaryInteger<T> where TOp : IIntegerBinary
    {
        var aa = Arr<T>(a); var ba = Arr<T>(b); var ya = Arr<T>(y);
        var loop = StridedLoop.For(y._shape, y, a, b);
        long sy = loop.InnerStride(0), sa = loop.InnerStride(1), sb = loop.InnerStride(2);
        loop.ForEachRow((offs, n) =>
        {
            long oy = offs[0], oa = offs[1], ob = offs[2];
            for (long i = 0; i < n; i++) At(ya, oy + i * sy) = TOp.Apply(At(aa, oa + i * sa), At(ba, ob + i * sb));
        });
    }

    public void Compare<TOp>(Tensor a, Tensor b, Tensor y) where TOp : ICompareOp
    {
        switch (a.dtype.scalar_type)
        {
            case ScalarType.Float32: CompareT<float, TOp>(a, b, y); break;
            case ScalarType.Float64: CompareT<double, TOp>(a, b, y); break;
            case ScalarType.Int64: CompareT<long, TOp>(a, b, y); break;
            case ScalarType.Int32: CompareT<int, TOp>(a, b, y); break;
            case ScalarType.Int16: CompareT<short, TOp>(a, b, y); break;
            case ScalarType.Int8: CompareT<sbyte, TOp>(a, b, y); break;
            case ScalarType.UInt8: CompareT<byte, TOp>(a, b, y); break;
            default: throw Unsupported(TOp.Name, a.dtype);
        }
    }

    private static void CompareT<T, TOp>(Tensor a, Tensor b, Tensor y) where T : unmanaged, INumber<T> where TOp : ICompareOp
    {
        var aa = Arr<T>(a); var ba = Arr<T>(b); var ya = Arr<bool>(y);
        var loop = StridedLoop.For(y._shape, y, a, b);
        long sy = loop.InnerStride(0), sa = loop.InnerStride(1), sb = loop.InnerStride(2);
        loop.ForEachRow((offs, n) =>
        {
            long oy = offs[0], oa = offs[1], ob = offs[2];
            for (long i = 0; i < n; i++) At(ya, oy + i * sy) = TOp.Apply(At(aa, oa + i * sa), At(ba, ob + i * sb));
        });
    }

    // ---------------- ternary ----------------

    public void FloatTernary<TOp>(Tensor a, Tensor b, Tensor c, Tensor y) where TOp : IFloatTernary
    {
        switch (y.dtype.scalar_type)
        {
            case ScalarType.Float32: FloatTernaryT<float, TOp>(a, b, c, y); break;
            case ScalarType.Float64: FloatTernaryT<double, TOp>(a, b, c, y); break;
            default: throw Unsupported(TOp.Name, y.dtype);
        }
    }

    private static void FloatTernaryT<T, TOp>(Tensor a, Tensor b, Tensor c, Tensor y) where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatTernary
    {
        var aa = Arr<T>(a); var ba = Arr<T>(b); var ca = Arr<T>(c); var ya = Arr<T>(y);
        var loop = StridedLoop.For(y._shape, y, a, b, c);
        long sy = loop.InnerStride(0), sa = loop.InnerStride(1), sb = loop.InnerStride(2), sc = loop.InnerStride(3);
        loop.ForEachRow((offs, n) =>
        {
            long oy = offs[0], oa = offs[1], ob = offs[2], oc = offs[3];
            for (long i = 0; i < n; i++)
                At(ya, oy + i * sy) = TOp.Apply(At(aa, oa + i * sa), At(ba, ob + i * sb), At(ca, oc + i * sc));
        });
    }

    public void Where(Tensor cond, Tensor a, Tensor b, Tensor y)
    {
        switch (y.dtype.scalar_type)
        {
            case ScalarType.Float32: WhereT<float>(cond, a, b, y); break;
            case ScalarType.Float64: WhereT<double>(cond, a, b, y); break;
            case ScalarType.Float16: WhereT<Half>(cond, a, b, y); break;
            case ScalarType.BFloat16: WhereT<BFloat16>(cond, a, b, y); break;
            case ScalarType.Int64: WhereT<long>(cond, a, b, y); break;
            case ScalarType.Int32: WhereT<int>(cond, a, b, y); break;
            case ScalarType.Int16: WhereT<short>(cond, a, b, y); break;
            case ScalarType.Int8: WhereT<sbyte>(cond, a, b, y); break;
            case ScalarType.UInt8: WhereT<byte>(cond, a, b, y); break;
            case ScalarType.Bool: WhereT<bool>(cond, a, b, y); break;
        }
    }

    private static void WhereT<T>(Tensor cond, Tensor a, Tensor b, Tensor y)
    {
        var ca = Arr<bool>(cond); var aa = Arr<T>(a); var ba = Arr<T>(b); var ya = Arr<T>(y);
        var loop = StridedLoop.For(y._shape, y, cond, a, b);
        long sy = loop.InnerStride(0), sc = loop.InnerStride(1), sa = loop.InnerStride(2), sb = loop.InnerStride(3);
        loop.ForEachRow((offs, n) =>
        {
            long oy = offs[0], oc = offs[1], oa = offs[2], ob = offs[3];
            for (long i = 0; i < n; i++)
                At(ya, oy + i * sy) = At(ca, oc + i * sc) ? At(aa, oa + i * sa) : At(ba, ob + i * sb);
        });
    }
}

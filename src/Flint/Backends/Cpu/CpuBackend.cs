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
    public Storage Allocate(DType dtype, long count, bool zeroed) => CpuStorage.Allocate(dtype, count, zeroed);

    internal static T[] Arr<T>(in TensorLayout t) => t.Storage is CpuStorage s ? (T[])s.Data : throw ForeignOperand(t);

    /// <summary>
    /// An operand from another device reached a CPU kernel (an op that mixes devices and does not check them itself):
    /// refused with PyTorch's same-device message instead of a cast failure.
    /// </summary>
    private static InvalidOperationException ForeignOperand(in TensorLayout t) =>
        new($"Expected all tensors to be on the same device, but found at least two devices, cpu and {t.Device}!");

    /// <summary>A new contiguous CPU layout of <paramref name="shape"/> (contents undefined).</summary>
    internal static TensorLayout Contig(long[] shape, DType dtype) =>
        TensorLayout.Contiguous(CpuStorage.Allocate(dtype, Shape.Numel(shape), zeroed: false), shape);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref T At<T>(T[] a, long i) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a), (nint)i);

    private static NotSupportedException Unsupported(string op, DType dt) =>
        new($"\"{op}\" not implemented for '{dt.LegacyName}'");

    // ---------------- unary ----------------

    public void FloatUnary<TOp>(TensorLayout x, TensorLayout y) where TOp : IFloatUnaryKernel
    {
        MemoryOverlap.Check(y, x);
        switch (y.DType.scalar_type)
        {
            case ScalarType.Float32: FloatUnaryT<float, TOp>(x, y); break;
            case ScalarType.Float64: FloatUnaryT<double, TOp>(x, y); break;
            default: throw Unsupported(TOp.Name, y.DType);
        }
    }

    private static void FloatUnaryT<T, TOp>(in TensorLayout x, in TensorLayout y) where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatUnaryKernel
    {
        var path = KernelOptions.Resolve();
        if (FlatUnary(x, y))
        {
            long n = y.Numel;
            if (n == 0) return;
            if (n < KernelOptions.Grain()) FloatUnaryTRun<T, TOp>(path, Arr<T>(x), x.Offset, Arr<T>(y), y.Offset, n);
            else FloatUnaryTFlatParallel<T, TOp>(path, x, y, n);
            return;
        }
        FloatUnaryTStrided<T, TOp>(path, x, y);
    }

    private static void FloatUnaryTRun<T, TOp>(VectorPath path, T[] xa, long ox, T[] ya, long oy, long n) where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatUnaryKernel
    {
        if (path != VectorPath.Scalar && TOp.Span<T>(xa.AsSpan((int)ox, (int)n), ya.AsSpan((int)oy, (int)n))) return;
        if (VectorMath.TryUnary<T, TOp>(path, ref At(xa, ox), ref At(ya, oy), (nint)n)) return;
        for (long i = 0; i < n; i++) At(ya, oy + i) = TOp.Apply(At(xa, ox + i));
    }

    private static void FloatUnaryTFlatParallel<T, TOp>(VectorPath path, TensorLayout x, TensorLayout y, long n) where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatUnaryKernel
    {
        var xa = Arr<T>(x); var ya = Arr<T>(y);
        long ox = x.Offset, oy = y.Offset;
        WorkerPool.For(n, KernelOptions.Grain(), (s, e) => FloatUnaryTRun<T, TOp>(path, xa, ox + s, ya, oy + s, e - s));
    }

    private static void FloatUnaryTStrided<T, TOp>(VectorPath path, TensorLayout x, TensorLayout y) where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatUnaryKernel
    {
        var xa = Arr<T>(x); var ya = Arr<T>(y);
        var loop = StridedLoop.For(y.Shape, y, x);
        if (UnaryTiles(loop, x, y, xa, ya, (xs, ox, ys, oy, n) => FloatUnaryTRun<T, TOp>(path, xs, ox, ys, oy, n))) return;
        long sy = loop.InnerStride(0), sx = loop.InnerStride(1);
        loop.ForEachRowParallel((offs, n) =>
        {
            long oy = offs[0], ox = offs[1];
            if (sy == 1 && sx == 1) { FloatUnaryTRun<T, TOp>(path, xa, ox, ya, oy, n); return; }
            for (long i = 0; i < n; i++) At(ya, oy + i * sy) = TOp.Apply(At(xa, ox + i * sx));
        });
    }

    public void NumericUnary<TOp>(TensorLayout x, TensorLayout y) where TOp : INumericUnaryKernel
    {
        MemoryOverlap.Check(y, x);
        switch (y.DType.scalar_type)
        {
            case ScalarType.Float32: NumericUnaryT<float, TOp>(x, y); break;
            case ScalarType.Float64: NumericUnaryT<double, TOp>(x, y); break;
            case ScalarType.Int64: NumericUnaryT<long, TOp>(x, y); break;
            case ScalarType.Int32: NumericUnaryT<int, TOp>(x, y); break;
            case ScalarType.Int16: NumericUnaryT<short, TOp>(x, y); break;
            case ScalarType.Int8: NumericUnaryT<sbyte, TOp>(x, y); break;
            case ScalarType.UInt8: NumericUnaryT<byte, TOp>(x, y); break;
            default: throw Unsupported(TOp.Name, y.DType);
        }
    }

    private static void NumericUnaryT<T, TOp>(in TensorLayout x, in TensorLayout y) where T : unmanaged, INumber<T> where TOp : INumericUnaryKernel
    {
        var path = KernelOptions.Resolve();
        if (FlatUnary(x, y))
        {
            long n = y.Numel;
            if (n == 0) return;
            if (n < KernelOptions.Grain()) NumericUnaryTRun<T, TOp>(path, Arr<T>(x), x.Offset, Arr<T>(y), y.Offset, n);
            else NumericUnaryTFlatParallel<T, TOp>(path, x, y, n);
            return;
        }
        NumericUnaryTStrided<T, TOp>(path, x, y);
    }

    private static void NumericUnaryTRun<T, TOp>(VectorPath path, T[] xa, long ox, T[] ya, long oy, long n) where T : unmanaged, INumber<T> where TOp : INumericUnaryKernel
    {
        if (path != VectorPath.Scalar && TOp.Span<T>(xa.AsSpan((int)ox, (int)n), ya.AsSpan((int)oy, (int)n))) return;
        for (long i = 0; i < n; i++) At(ya, oy + i) = TOp.Apply(At(xa, ox + i));
    }

    private static void NumericUnaryTFlatParallel<T, TOp>(VectorPath path, TensorLayout x, TensorLayout y, long n) where T : unmanaged, INumber<T> where TOp : INumericUnaryKernel
    {
        var xa = Arr<T>(x); var ya = Arr<T>(y);
        long ox = x.Offset, oy = y.Offset;
        WorkerPool.For(n, KernelOptions.Grain(), (s, e) => NumericUnaryTRun<T, TOp>(path, xa, ox + s, ya, oy + s, e - s));
    }

    private static void NumericUnaryTStrided<T, TOp>(VectorPath path, TensorLayout x, TensorLayout y) where T : unmanaged, INumber<T> where TOp : INumericUnaryKernel
    {
        var xa = Arr<T>(x); var ya = Arr<T>(y);
        var loop = StridedLoop.For(y.Shape, y, x);
        if (UnaryTiles(loop, x, y, xa, ya, (xs, ox, ys, oy, n) => NumericUnaryTRun<T, TOp>(path, xs, ox, ys, oy, n))) return;
        long sy = loop.InnerStride(0), sx = loop.InnerStride(1);
        loop.ForEachRowParallel((offs, n) =>
        {
            long oy = offs[0], ox = offs[1];
            if (sy == 1 && sx == 1) { NumericUnaryTRun<T, TOp>(path, xa, ox, ya, oy, n); return; }
            for (long i = 0; i < n; i++) At(ya, oy + i * sy) = TOp.Apply(At(xa, ox + i * sx));
        });
    }

    public void FloatPredicate<TOp>(TensorLayout x, TensorLayout y) where TOp : IFloatPredicateKernel
    {
        MemoryOverlap.Check(y, x);
        switch (x.DType.scalar_type)
        {
            case ScalarType.Float32: FloatPredicateT<float, TOp>(x, y); break;
            case ScalarType.Float64: FloatPredicateT<double, TOp>(x, y); break;
            default: throw Unsupported(TOp.Name, x.DType);
        }
    }

    private static void FloatPredicateT<T, TOp>(TensorLayout x, TensorLayout y) where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatPredicateKernel
    {
        var xa = Arr<T>(x); var ya = Arr<bool>(y);
        var loop = StridedLoop.For(y.Shape, y, x);
        long sy = loop.InnerStride(0), sx = loop.InnerStride(1);
        // a bool output never shares memory with the input, so the tiled order is always safe
        loop.ForEachRowParallelTiled((offs, n) =>
        {
            long oy = offs[0], ox = offs[1];
            for (long i = 0; i < n; i++) At(ya, oy + i * sy) = TOp.Apply(At(xa, ox + i * sx));
        });
    }

    // ---------------- binary ----------------

    public void NumericBinary<TOp>(TensorLayout a, TensorLayout b, TensorLayout y) where TOp : INumericBinaryKernel
    {
        MemoryOverlap.Check(y, a, b);
        switch (y.DType.scalar_type)
        {
            case ScalarType.Float32: NumericBinaryT<float, TOp>(a, b, y); break;
            case ScalarType.Float64: NumericBinaryT<double, TOp>(a, b, y); break;
            case ScalarType.Int64: NumericBinaryT<long, TOp>(a, b, y); break;
            case ScalarType.Int32: NumericBinaryT<int, TOp>(a, b, y); break;
            case ScalarType.Int16: NumericBinaryT<short, TOp>(a, b, y); break;
            case ScalarType.Int8: NumericBinaryT<sbyte, TOp>(a, b, y); break;
            case ScalarType.UInt8: NumericBinaryT<byte, TOp>(a, b, y); break;
            default: throw Unsupported(TOp.Name, y.DType);
        }
    }

    private static void NumericBinaryT<T, TOp>(in TensorLayout a, in TensorLayout b, in TensorLayout y) where T : unmanaged, INumber<T> where TOp : INumericBinaryKernel
    {
        int kind = VectorKernels.Kind(TOp.Kernel);
        var path = KernelOptions.Resolve();
        if (FlatBinary(a, b, y, out int fa, out int fb))
        {
            long n = y.Numel;
            if (n == 0) return;
            if (n < KernelOptions.Grain())
                BinaryRun<T, TOp>(kind, path, Arr<T>(a), a.Offset, fa, Arr<T>(b), b.Offset, fb, Arr<T>(y), y.Offset, n);
            else NumericBinaryTFlatParallel<T, TOp>(kind, path, a, fa, b, fb, y, n);
            return;
        }
        NumericBinaryTStrided<T, TOp>(kind, path, a, b, y);
    }

    private static void NumericBinaryTFlatParallel<T, TOp>(int kind, VectorPath path, TensorLayout a, int fa, TensorLayout b, int fb, TensorLayout y, long n)
        where T : unmanaged, INumber<T> where TOp : INumericBinaryKernel
    {
        var aa = Arr<T>(a); var ba = Arr<T>(b); var ya = Arr<T>(y);
        long oa = a.Offset, ob = b.Offset, oy = y.Offset;
        WorkerPool.For(n, KernelOptions.Grain(), (s, e) => BinaryRun<T, TOp>(kind, path, aa, oa + s * fa, fa, ba, ob + s * fb, fb, ya, oy + s, e - s));
    }

    private static void NumericBinaryTStrided<T, TOp>(int kind, VectorPath path, TensorLayout a, TensorLayout b, TensorLayout y)
        where T : unmanaged, INumber<T> where TOp : INumericBinaryKernel
    {
        var aa = Arr<T>(a); var ba = Arr<T>(b); var ya = Arr<T>(y);
        var loop = StridedLoop.For(y.Shape, y, a, b);
        if (BinaryTiles(loop, a, b, y, aa, ba, ya, (xa1, o1, f1, xb1, o2, f2, ys, oy, n) => BinaryRun<T, TOp>(kind, path, xa1, o1, f1, xb1, o2, f2, ys, oy, n))) return;
        long sy = loop.InnerStride(0), sa = loop.InnerStride(1), sb = loop.InnerStride(2);
        loop.ForEachRowParallel((offs, n) =>
        {
            long oy = offs[0], oa = offs[1], ob = offs[2];
            if (sy == 1 && sa is 0 or 1 && sb is 0 or 1) { BinaryRun<T, TOp>(kind, path, aa, oa, (int)sa, ba, ob, (int)sb, ya, oy, n); return; }
            for (long i = 0; i < n; i++) At(ya, oy + i * sy) = TOp.Apply(At(aa, oa + i * sa), At(ba, ob + i * sb));
        });
    }

    /// <summary>y[oy + i] = op(a[oa + i*fa], b[ob + i*fb]) for i &lt; n, where fa and fb are 0 or 1.</summary>
    private static void BinaryRun<T, TOp>(int kind, VectorPath path, T[] aa, long oa, int fa, T[] ba, long ob, int fb, T[] ya, long oy, long n)
        where T : unmanaged, INumber<T> where TOp : INumericBinaryKernel
    {
        if (kind != 0) { VectorKernels.Binary(kind, path, ref At(aa, oa), fa, ref At(ba, ob), fb, ref At(ya, oy), (nint)n); return; }
        if (fa == 1 && fb == 1 && path != VectorPath.Scalar &&
            TOp.Span<T>(aa.AsSpan((int)oa, (int)n), ba.AsSpan((int)ob, (int)n), ya.AsSpan((int)oy, (int)n))) return;
        for (long i = 0; i < n; i++) At(ya, oy + i) = TOp.Apply(At(aa, oa + i * fa), At(ba, ob + i * fb));
    }

    public void FloatBinary<TOp>(TensorLayout a, TensorLayout b, TensorLayout y) where TOp : IFloatBinaryKernel
    {
        MemoryOverlap.Check(y, a, b);
        switch (y.DType.scalar_type)
        {
            case ScalarType.Float32: FloatBinaryT<float, TOp>(a, b, y); break;
            case ScalarType.Float64: FloatBinaryT<double, TOp>(a, b, y); break;
            default: throw Unsupported(TOp.Name, y.DType);
        }
    }

    private static void FloatBinaryT<T, TOp>(in TensorLayout a, in TensorLayout b, in TensorLayout y) where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatBinaryKernel
    {
        int kind = VectorKernels.Kind(TOp.Kernel);
        var path = KernelOptions.Resolve();
        if (FlatBinary(a, b, y, out int fa, out int fb))
        {
            long n = y.Numel;
            if (n == 0) return;
            if (n < KernelOptions.Grain())
                FBinaryRun<T, TOp>(kind, path, Arr<T>(a), a.Offset, fa, Arr<T>(b), b.Offset, fb, Arr<T>(y), y.Offset, n);
            else FloatBinaryTFlatParallel<T, TOp>(kind, path, a, fa, b, fb, y, n);
            return;
        }
        FloatBinaryTStrided<T, TOp>(kind, path, a, b, y);
    }

    private static void FloatBinaryTFlatParallel<T, TOp>(int kind, VectorPath path, TensorLayout a, int fa, TensorLayout b, int fb, TensorLayout y, long n)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatBinaryKernel
    {
        var aa = Arr<T>(a); var ba = Arr<T>(b); var ya = Arr<T>(y);
        long oa = a.Offset, ob = b.Offset, oy = y.Offset;
        WorkerPool.For(n, KernelOptions.Grain(), (s, e) => FBinaryRun<T, TOp>(kind, path, aa, oa + s * fa, fa, ba, ob + s * fb, fb, ya, oy + s, e - s));
    }

    private static void FloatBinaryTStrided<T, TOp>(int kind, VectorPath path, TensorLayout a, TensorLayout b, TensorLayout y)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatBinaryKernel
    {
        var aa = Arr<T>(a); var ba = Arr<T>(b); var ya = Arr<T>(y);
        var loop = StridedLoop.For(y.Shape, y, a, b);
        if (BinaryTiles(loop, a, b, y, aa, ba, ya, (xa1, o1, f1, xb1, o2, f2, ys, oy, n) => FBinaryRun<T, TOp>(kind, path, xa1, o1, f1, xb1, o2, f2, ys, oy, n))) return;
        long sy = loop.InnerStride(0), sa = loop.InnerStride(1), sb = loop.InnerStride(2);
        loop.ForEachRowParallel((offs, n) =>
        {
            long oy = offs[0], oa = offs[1], ob = offs[2];
            if (sy == 1 && sa is 0 or 1 && sb is 0 or 1) { FBinaryRun<T, TOp>(kind, path, aa, oa, (int)sa, ba, ob, (int)sb, ya, oy, n); return; }
            for (long i = 0; i < n; i++) At(ya, oy + i * sy) = TOp.Apply(At(aa, oa + i * sa), At(ba, ob + i * sb));
        });
    }

    /// <summary>y[oy + i] = op(a[oa + i*fa], b[ob + i*fb]) for i &lt; n, where fa and fb are 0 or 1.</summary>
    private static void FBinaryRun<T, TOp>(int kind, VectorPath path, T[] aa, long oa, int fa, T[] ba, long ob, int fb, T[] ya, long oy, long n)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatBinaryKernel
    {
        if (kind != 0) { VectorKernels.Binary(kind, path, ref At(aa, oa), fa, ref At(ba, ob), fb, ref At(ya, oy), (nint)n); return; }
        if (fa == 1 && fb == 1 && path != VectorPath.Scalar &&
            TOp.Span<T>(aa.AsSpan((int)oa, (int)n), ba.AsSpan((int)ob, (int)n), ya.AsSpan((int)oy, (int)n))) return;
        for (long i = 0; i < n; i++) At(ya, oy + i) = TOp.Apply(At(aa, oa + i * fa), At(ba, ob + i * fb));
    }

    public void IntegerBinary<TOp>(TensorLayout a, TensorLayout b, TensorLayout y) where TOp : IIntegerBinaryKernel
    {
        MemoryOverlap.Check(y, a, b);
        switch (y.DType.scalar_type)
        {
            case ScalarType.Int64: IntegerBinaryT<long, TOp>(a, b, y); break;
            case ScalarType.Int32: IntegerBinaryT<int, TOp>(a, b, y); break;
            case ScalarType.Int16: IntegerBinaryT<short, TOp>(a, b, y); break;
            case ScalarType.Int8: IntegerBinaryT<sbyte, TOp>(a, b, y); break;
            case ScalarType.UInt8: IntegerBinaryT<byte, TOp>(a, b, y); break;
            default: throw Unsupported(TOp.Name, y.DType);
        }
    }

    private static void IntegerBinaryT<T, TOp>(TensorLayout a, TensorLayout b, TensorLayout y) where T : unmanaged, IBinaryInteger<T> where TOp : IIntegerBinaryKernel
    {
        var aa = Arr<T>(a); var ba = Arr<T>(b); var ya = Arr<T>(y);
        var loop = StridedLoop.For(y.Shape, y, a, b);
        long sy = loop.InnerStride(0), sa = loop.InnerStride(1), sb = loop.InnerStride(2);
        StridedLoop.RowAction body = (offs, n) =>
        {
            long oy = offs[0], oa = offs[1], ob = offs[2];
            for (long i = 0; i < n; i++) At(ya, oy + i * sy) = TOp.Apply(At(aa, oa + i * sa), At(ba, ob + i * sb));
        };
        if (TilesSafe(y, a, b)) loop.ForEachRowParallelTiled(body); else loop.ForEachRowParallel(body);
    }

    public void Compare<TOp>(TensorLayout a, TensorLayout b, TensorLayout y) where TOp : ICompareKernel
    {
        MemoryOverlap.Check(y, a, b);
        switch (a.DType.scalar_type)
        {
            case ScalarType.Float32: CompareT<float, TOp>(a, b, y); break;
            case ScalarType.Float64: CompareT<double, TOp>(a, b, y); break;
            case ScalarType.Int64: CompareT<long, TOp>(a, b, y); break;
            case ScalarType.Int32: CompareT<int, TOp>(a, b, y); break;
            case ScalarType.Int16: CompareT<short, TOp>(a, b, y); break;
            case ScalarType.Int8: CompareT<sbyte, TOp>(a, b, y); break;
            case ScalarType.UInt8: CompareT<byte, TOp>(a, b, y); break;
            default: throw Unsupported(TOp.Name, a.DType);
        }
    }

    private static void CompareT<T, TOp>(TensorLayout a, TensorLayout b, TensorLayout y) where T : unmanaged, INumber<T> where TOp : ICompareKernel
    {
        var aa = Arr<T>(a); var ba = Arr<T>(b); var ya = Arr<bool>(y);
        var loop = StridedLoop.For(y.Shape, y, a, b);
        long sy = loop.InnerStride(0), sa = loop.InnerStride(1), sb = loop.InnerStride(2);
        loop.ForEachRowParallelTiled((offs, n) =>
        {
            long oy = offs[0], oa = offs[1], ob = offs[2];
            for (long i = 0; i < n; i++) At(ya, oy + i * sy) = TOp.Apply(At(aa, oa + i * sa), At(ba, ob + i * sb));
        });
    }

    // ---------------- ternary ----------------

    public void FloatTernary<TOp>(TensorLayout a, TensorLayout b, TensorLayout c, TensorLayout y) where TOp : IFloatTernaryKernel
    {
        MemoryOverlap.Check(y, a, b, c);
        switch (y.DType.scalar_type)
        {
            case ScalarType.Float32: FloatTernaryT<float, TOp>(a, b, c, y); break;
            case ScalarType.Float64: FloatTernaryT<double, TOp>(a, b, c, y); break;
            default: throw Unsupported(TOp.Name, y.DType);
        }
    }

    private static void FloatTernaryT<T, TOp>(TensorLayout a, TensorLayout b, TensorLayout c, TensorLayout y) where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatTernaryKernel
    {
        var aa = Arr<T>(a); var ba = Arr<T>(b); var ca = Arr<T>(c); var ya = Arr<T>(y);
        var loop = StridedLoop.For(y.Shape, y, a, b, c);
        long sy = loop.InnerStride(0), sa = loop.InnerStride(1), sb = loop.InnerStride(2), sc = loop.InnerStride(3);
        StridedLoop.RowAction body = (offs, n) =>
        {
            long oy = offs[0], oa = offs[1], ob = offs[2], oc = offs[3];
            for (long i = 0; i < n; i++)
                At(ya, oy + i * sy) = TOp.Apply(At(aa, oa + i * sa), At(ba, ob + i * sb), At(ca, oc + i * sc));
        };
        if (TilesSafe(y, a, b, c)) loop.ForEachRowParallelTiled(body); else loop.ForEachRowParallel(body);
    }

    public void Where(TensorLayout cond, TensorLayout a, TensorLayout b, TensorLayout y)
    {
        MemoryOverlap.Check(y, a, b);
        switch (y.DType.scalar_type)
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

    private static void WhereT<T>(TensorLayout cond, TensorLayout a, TensorLayout b, TensorLayout y)
    {
        var ca = Arr<bool>(cond); var aa = Arr<T>(a); var ba = Arr<T>(b); var ya = Arr<T>(y);
        var loop = StridedLoop.For(y.Shape, y, cond, a, b);
        long sy = loop.InnerStride(0), sc = loop.InnerStride(1), sa = loop.InnerStride(2), sb = loop.InnerStride(3);
        StridedLoop.RowAction body = (offs, n) =>
        {
            long oy = offs[0], oc = offs[1], oa = offs[2], ob = offs[3];
            for (long i = 0; i < n; i++)
                At(ya, oy + i * sy) = At(ca, oc + i * sc) ? At(aa, oa + i * sa) : At(ba, ob + i * sb);
        };
        if (TilesSafe(y, cond, a, b)) loop.ForEachRowParallelTiled(body); else loop.ForEachRowParallel(body);
    }
}

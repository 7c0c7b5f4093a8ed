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
    // the op layer's tensors: large ones are pooled (a kernel's own temporaries use CpuStorage.Allocate, never pooled)
    public Storage Allocate(DType dtype, long count, bool zeroed) => CpuStorage.Allocate(dtype, count, zeroed, pooled: true);

    // the exact-type test is one compare the JIT folds, where a cast calls a helper on every kernel call
    internal static T[] Arr<T>(in TensorLayout t) =>
        t.Storage is CpuStorage s && s.Data.GetType() == typeof(T[]) ? Unsafe.As<T[]>(s.Data) : throw WrongOperand<T>(t);

    /// <summary>
    /// An operand from another device reached a CPU kernel (an op that mixes devices and does not check them itself):
    /// refused with PyTorch's same-device message instead of a cast failure; a sparse tensor's (elementless)
    /// storage with the error of an op that has no sparse form.
    /// </summary>
    private static Exception ForeignOperand(in TensorLayout t) => t.Storage is SparseStorage sp ? sp.Unsupported() :
        new InvalidOperationException($"Expected all tensors to be on the same device, but found at least two devices, cpu and {t.Device}!");

    private static Exception WrongOperand<T>(in TensorLayout t) => t.Storage is CpuStorage s
        ? new InvalidCastException($"a CPU kernel for {typeof(T).Name} received a {s.dtype} operand")
        : ForeignOperand(t);

    /// <summary>A new contiguous CPU layout of <paramref name="shape"/> (contents undefined).</summary>
    internal static TensorLayout Contig(long[] shape, DType dtype) =>
        TensorLayout.Contiguous(CpuStorage.Allocate(dtype, Shape.Numel(shape), zeroed: false), shape);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref T At<T>(T[] a, long i) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a), (nint)i);

    private static NotSupportedException Unsupported(string op, DType dt) => DTypeDispatch.NotImplemented(op, dt);

    // ---------------- unary ----------------

    public void FloatUnary<TOp>(in TensorLayout x, in TensorLayout y) where TOp : IFloatUnaryKernel
    {
        MemoryOverlap.Check(y, x);
        var v = new FloatUnaryV<TOp>(in x, in y);
        DTypeDispatch.Floating(y.DType, TOp.Name, ref v);
    }

    private readonly ref struct FloatUnaryV<TOp> : IFloatVisitor where TOp : IFloatUnaryKernel
    {
        private readonly ref readonly TensorLayout x;
        private readonly ref readonly TensorLayout y;
        public FloatUnaryV(ref readonly TensorLayout x, ref readonly TensorLayout y) { this.x = ref x; this.y = ref y; }
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T> => UnaryT<T, FloatUnaryFn<T, TOp>>(x, y);
    }

    public void NumericUnary<TOp>(in TensorLayout x, in TensorLayout y) where TOp : INumericUnaryKernel
    {
        MemoryOverlap.Check(y, x);
        var v = new NumericUnaryV<TOp>(in x, in y);
        DTypeDispatch.Numeric(y.DType, TOp.Name, ref v);
    }

    private readonly ref struct NumericUnaryV<TOp> : INumericVisitor where TOp : INumericUnaryKernel
    {
        private readonly ref readonly TensorLayout x;
        private readonly ref readonly TensorLayout y;
        public NumericUnaryV(ref readonly TensorLayout x, ref readonly TensorLayout y) { this.x = ref x; this.y = ref y; }
        public void Visit<T>() where T : unmanaged, INumber<T> => UnaryT<T, NumericUnaryFn<T, TOp>>(x, y);
    }

    private static void UnaryT<T, F>(in TensorLayout x, in TensorLayout y) where T : unmanaged where F : IUnaryFn<T>
    {
        var path = KernelOptions.Resolve();
        if (FlatUnary(x, y))
        {
            long n = y.Numel;
            if (n == 0) return;
            if (n < KernelOptions.Grain()) UnaryRun<T, F>(path, Arr<T>(x), x.Offset, Arr<T>(y), y.Offset, n);
            else UnaryFlatParallel<T, F>(path, x, y, n);
            return;
        }
        UnaryStrided<T, F>(path, x, y);
    }

    /// <summary>y[oy + i] = op(x[ox + i]) for i &lt; n.</summary>
    private static void UnaryRun<T, F>(VectorPath path, T[] xa, long ox, T[] ya, long oy, long n) where T : unmanaged where F : IUnaryFn<T>
    {
        if (F.Run(path, ref At(xa, ox), ref At(ya, oy), checked((int)n))) return;
        for (long i = 0; i < n; i++) At(ya, oy + i) = F.Apply(At(xa, ox + i));
    }

    private static void UnaryFlatParallel<T, F>(VectorPath path, TensorLayout x, TensorLayout y, long n) where T : unmanaged where F : IUnaryFn<T>
    {
        var xa = Arr<T>(x); var ya = Arr<T>(y);
        long ox = x.Offset, oy = y.Offset;
        WorkerPool.For(n, KernelOptions.Grain(), (s, e) => UnaryRun<T, F>(path, xa, ox + s, ya, oy + s, e - s));
    }

    private static void UnaryStrided<T, F>(VectorPath path, TensorLayout x, TensorLayout y) where T : unmanaged where F : IUnaryFn<T>
    {
        var xa = Arr<T>(x); var ya = Arr<T>(y);
        var loop = StridedLoop.ForElementwise(y.Shape, y, x);
        if (UnaryTiles(loop, x, y, xa, ya, (xs, ox, ys, oy, n) => UnaryRun<T, F>(path, xs, ox, ys, oy, n))) return;
        long sy = loop.InnerStride(0), sx = loop.InnerStride(1);
        loop.ForEachRowParallel((offs, n) =>
        {
            long oy = offs[0], ox = offs[1];
            if (sy == 1 && sx == 1) { UnaryRun<T, F>(path, xa, ox, ya, oy, n); return; }
            if (path != VectorPath.Scalar && n >= GatherMinRow && UnaryGathered<T, F>(path, xa, ox, sx, ya, oy, sy, n)) return;
            for (long i = 0; i < n; i++) At(ya, oy + i * sy) = F.Apply(At(xa, ox + i * sx));
        });
    }

    public void FloatPredicate<TOp>(TensorLayout x, TensorLayout y) where TOp : IFloatPredicateKernel
    {
        MemoryOverlap.Check(y, x);
        DTypeDispatch.Floating(x.DType, TOp.Name, new FloatPredicateV<TOp>(x, y));
    }

    private readonly struct FloatPredicateV<TOp>(TensorLayout x, TensorLayout y) : IFloatVisitor where TOp : IFloatPredicateKernel
    {
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T> => FloatPredicateT<T, TOp>(x, y);
    }

    private static void FloatPredicateT<T, TOp>(TensorLayout x, TensorLayout y) where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatPredicateKernel
    {
        var xa = Arr<T>(x); var ya = Arr<bool>(y);
        var loop = StridedLoop.ForElementwise(y.Shape, y, x);
        long sy = loop.InnerStride(0), sx = loop.InnerStride(1);
        // a bool output never shares memory with the input, so the tiled order is always safe
        loop.ForEachRowParallelTiled((offs, n) =>
        {
            long oy = offs[0], ox = offs[1];
            for (long i = 0; i < n; i++) At(ya, oy + i * sy) = TOp.Apply(At(xa, ox + i * sx));
        });
    }

    // the kernel handles (KernelHandles.cs): direct calls of the generic kernels below
    public BinaryKernel NumericBinaryKernel<TOp>() where TOp : INumericBinaryKernel => new NumericBinaryHandle<TOp>();
    public BinaryKernel FloatBinaryKernel<TOp>() where TOp : IFloatBinaryKernel => new FloatBinaryHandle<TOp>();
    public UnaryKernel FloatUnaryKernel<TOp>() where TOp : IFloatUnaryKernel => new FloatUnaryHandle<TOp>();
    public UnaryKernel NumericUnaryKernel<TOp>() where TOp : INumericUnaryKernel => new NumericUnaryHandle<TOp>();

    private sealed class NumericBinaryHandle<TOp> : BinaryKernel where TOp : INumericBinaryKernel
    {
        public override void Run(in TensorLayout a, in TensorLayout b, in TensorLayout y) => Instance.NumericBinary<TOp>(a, b, y);
    }

    private sealed class FloatBinaryHandle<TOp> : BinaryKernel where TOp : IFloatBinaryKernel
    {
        public override void Run(in TensorLayout a, in TensorLayout b, in TensorLayout y) => Instance.FloatBinary<TOp>(a, b, y);
    }

    private sealed class FloatUnaryHandle<TOp> : UnaryKernel where TOp : IFloatUnaryKernel
    {
        public override void Run(in TensorLayout x, in TensorLayout y) => Instance.FloatUnary<TOp>(x, y);
    }

    private sealed class NumericUnaryHandle<TOp> : UnaryKernel where TOp : INumericUnaryKernel
    {
        public override void Run(in TensorLayout x, in TensorLayout y) => Instance.NumericUnary<TOp>(x, y);
    }

    // ---------------- binary ----------------

    public void NumericBinary<TOp>(in TensorLayout a, in TensorLayout b, in TensorLayout y) where TOp : INumericBinaryKernel
    {
        MemoryOverlap.Check(y, a, b);
        var v = new NumericBinaryV<TOp>(in a, in b, in y);
        DTypeDispatch.Numeric(y.DType, TOp.Name, ref v);
    }

    private readonly ref struct NumericBinaryV<TOp> : INumericVisitor where TOp : INumericBinaryKernel
    {
        private readonly ref readonly TensorLayout a;
        private readonly ref readonly TensorLayout b;
        private readonly ref readonly TensorLayout y;
        public NumericBinaryV(ref readonly TensorLayout a, ref readonly TensorLayout b, ref readonly TensorLayout y) { this.a = ref a; this.b = ref b; this.y = ref y; }
        public void Visit<T>() where T : unmanaged, INumber<T> => BinaryT<T, NumericBinaryFn<T, TOp>>(a, b, y);
    }

    public void FloatBinary<TOp>(in TensorLayout a, in TensorLayout b, in TensorLayout y) where TOp : IFloatBinaryKernel
    {
        MemoryOverlap.Check(y, a, b);
        var v = new FloatBinaryV<TOp>(in a, in b, in y);
        DTypeDispatch.Floating(y.DType, TOp.Name, ref v);
    }

    private readonly ref struct FloatBinaryV<TOp> : IFloatVisitor where TOp : IFloatBinaryKernel
    {
        private readonly ref readonly TensorLayout a;
        private readonly ref readonly TensorLayout b;
        private readonly ref readonly TensorLayout y;
        public FloatBinaryV(ref readonly TensorLayout a, ref readonly TensorLayout b, ref readonly TensorLayout y) { this.a = ref a; this.b = ref b; this.y = ref y; }
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T> => BinaryT<T, FloatBinaryFn<T, TOp>>(a, b, y);
    }

    private static void BinaryT<T, F>(in TensorLayout a, in TensorLayout b, in TensorLayout y) where T : unmanaged, INumber<T> where F : IBinaryFn<T>
    {
        int kind = VectorKernels.Kind(F.Kernel);
        var path = KernelOptions.Resolve();
        if (FlatBinary(a, b, y, out int fa, out int fb))
        {
            long n = y.Numel;
            if (n == 0) return;
            if (n < KernelOptions.Grain())
                BinaryRun<T, F>(kind, path, Arr<T>(a), a.Offset, fa, Arr<T>(b), b.Offset, fb, Arr<T>(y), y.Offset, n);
            else BinaryFlatParallel<T, F>(kind, path, a, fa, b, fb, y, n);
            return;
        }
        BinaryStrided<T, F>(kind, path, a, b, y);
    }

    private static void BinaryFlatParallel<T, F>(int kind, VectorPath path, TensorLayout a, int fa, TensorLayout b, int fb, TensorLayout y, long n)
        where T : unmanaged, INumber<T> where F : IBinaryFn<T>
    {
        var aa = Arr<T>(a); var ba = Arr<T>(b); var ya = Arr<T>(y);
        long oa = a.Offset, ob = b.Offset, oy = y.Offset;
        WorkerPool.For(n, KernelOptions.Grain(), (s, e) => BinaryRun<T, F>(kind, path, aa, oa + s * fa, fa, ba, ob + s * fb, fb, ya, oy + s, e - s));
    }

    private static void BinaryStrided<T, F>(int kind, VectorPath path, TensorLayout a, TensorLayout b, TensorLayout y)
        where T : unmanaged, INumber<T> where F : IBinaryFn<T>
    {
        var aa = Arr<T>(a); var ba = Arr<T>(b); var ya = Arr<T>(y);
        var loop = StridedLoop.ForElementwise(y.Shape, y, a, b);
        if (BinaryTiles(loop, a, b, y, aa, ba, ya, (xa1, o1, f1, xb1, o2, f2, ys, oy, n) => BinaryRun<T, F>(kind, path, xa1, o1, f1, xb1, o2, f2, ys, oy, n))) return;
        long sy = loop.InnerStride(0), sa = loop.InnerStride(1), sb = loop.InnerStride(2);
        loop.ForEachRowParallel((offs, n) =>
        {
            long oy = offs[0], oa = offs[1], ob = offs[2];
            if (sy == 1 && sa is 0 or 1 && sb is 0 or 1) { BinaryRun<T, F>(kind, path, aa, oa, (int)sa, ba, ob, (int)sb, ya, oy, n); return; }
            if (path != VectorPath.Scalar && n >= GatherMinRow) { BinaryGathered<T, F>(kind, path, aa, oa, sa, ba, ob, sb, ya, oy, sy, n); return; }
            for (long i = 0; i < n; i++) At(ya, oy + i * sy) = F.Apply(At(aa, oa + i * sa), At(ba, ob + i * sb));
        });
    }

    /// <summary>y[oy + i] = op(a[oa + i*fa], b[ob + i*fb]) for i &lt; n, where fa and fb are 0 or 1.</summary>
    private static void BinaryRun<T, F>(int kind, VectorPath path, T[] aa, long oa, int fa, T[] ba, long ob, int fb, T[] ya, long oy, long n)
        where T : unmanaged, INumber<T> where F : IBinaryFn<T>
    {
        if (kind != 0) { VectorKernels.Binary(kind, path, ref At(aa, oa), fa, ref At(ba, ob), fb, ref At(ya, oy), (nint)n); return; }
        if (fa == 1 && fb == 1 && path != VectorPath.Scalar &&
            F.Span(aa.AsSpan((int)oa, (int)n), ba.AsSpan((int)ob, (int)n), ya.AsSpan((int)oy, (int)n))) return;
        for (long i = 0; i < n; i++) At(ya, oy + i) = F.Apply(At(aa, oa + i * fa), At(ba, ob + i * fb));
    }

    public void IntegerBinary<TOp>(TensorLayout a, TensorLayout b, TensorLayout y) where TOp : IIntegerBinaryKernel
    {
        MemoryOverlap.Check(y, a, b);
        DTypeDispatch.Integral(y.DType, TOp.Name, new IntegerBinaryV<TOp>(a, b, y));
    }

    private readonly struct IntegerBinaryV<TOp>(TensorLayout a, TensorLayout b, TensorLayout y) : IIntegerVisitor where TOp : IIntegerBinaryKernel
    {
        public void Visit<T>() where T : unmanaged, IBinaryInteger<T> => MapBinaryT<T, T, IntegerBinaryFn<T, TOp>>(a, b, y, TilesSafe(y, a, b));
    }

    public void Compare<TOp>(TensorLayout a, TensorLayout b, TensorLayout y) where TOp : ICompareKernel
    {
        MemoryOverlap.Check(y, a, b);
        DTypeDispatch.Numeric(a.DType, TOp.Name, new CompareV<TOp>(a, b, y));
    }

    private readonly struct CompareV<TOp>(TensorLayout a, TensorLayout b, TensorLayout y) : INumericVisitor where TOp : ICompareKernel
    {
        // a bool output never shares memory with the inputs, so the tiled order is always safe
        public void Visit<T>() where T : unmanaged, INumber<T> => MapBinaryT<T, bool, CompareFn<T, TOp>>(a, b, y, tilesSafe: true);
    }

    /// <summary>y = f(a, b) over any layout, row by row (in tile order when <paramref name="tilesSafe"/>).</summary>
    private static void MapBinaryT<T, TY, F>(TensorLayout a, TensorLayout b, TensorLayout y, bool tilesSafe)
        where T : unmanaged where TY : unmanaged where F : IBinaryMapFn<T, TY>
    {
        var aa = Arr<T>(a); var ba = Arr<T>(b); var ya = Arr<TY>(y);
        var loop = StridedLoop.ForElementwise(y.Shape, y, a, b);
        long sy = loop.InnerStride(0), sa = loop.InnerStride(1), sb = loop.InnerStride(2);
        var path = KernelOptions.Resolve();
        RunRows(loop, tilesSafe, (offs, n) =>
        {
            long oy = offs[0], oa = offs[1], ob = offs[2];
            if (sy == 1 && F.Row(path, ref At(aa, oa), sa, ref At(ba, ob), sb, ref At(ya, oy), n)) return;
            if (sy == 1 && path != VectorPath.Scalar && n >= GatherMinRow && (sa is not (0 or 1) || sb is not (0 or 1))
                && MapGathered<T, TY, F>(path, aa, oa, sa, ba, ob, sb, ya, oy, n)) return;
            for (long i = 0; i < n; i++) At(ya, oy + i * sy) = F.Apply(At(aa, oa + i * sa), At(ba, ob + i * sb));
        });
    }

    // ---------------- ternary ----------------

    public void FloatTernary<TOp>(TensorLayout a, TensorLayout b, TensorLayout c, TensorLayout y) where TOp : IFloatTernaryKernel
    {
        MemoryOverlap.Check(y, a, b, c);
        DTypeDispatch.Floating(y.DType, TOp.Name, new FloatTernaryV<TOp>(a, b, c, y));
    }

    private readonly struct FloatTernaryV<TOp>(TensorLayout a, TensorLayout b, TensorLayout c, TensorLayout y) : IFloatVisitor where TOp : IFloatTernaryKernel
    {
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T> => FloatTernaryT<T, TOp>(a, b, c, y);
    }

    private static void FloatTernaryT<T, TOp>(TensorLayout a, TensorLayout b, TensorLayout c, TensorLayout y) where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatTernaryKernel
    {
        var aa = Arr<T>(a); var ba = Arr<T>(b); var ca = Arr<T>(c); var ya = Arr<T>(y);
        var loop = StridedLoop.ForElementwise(y.Shape, y, a, b, c);
        long sy = loop.InnerStride(0), sa = loop.InnerStride(1), sb = loop.InnerStride(2), sc = loop.InnerStride(3);
        RunRows(loop, TilesSafe(y, a, b, c), (offs, n) =>
        {
            long oy = offs[0], oa = offs[1], ob = offs[2], oc = offs[3];
            for (long i = 0; i < n; i++)
                At(ya, oy + i * sy) = TOp.Apply(At(aa, oa + i * sa), At(ba, ob + i * sb), At(ca, oc + i * sc));
        });
    }

    public void Where(TensorLayout cond, TensorLayout a, TensorLayout b, TensorLayout y)
    {
        MemoryOverlap.Check(y, a, b);
        DTypeDispatch.All(y.DType, new WhereV(cond, a, b, y));
    }

    private readonly struct WhereV(TensorLayout cond, TensorLayout a, TensorLayout b, TensorLayout y) : IAnyTypeVisitor
    {
        public void Visit<T>() where T : unmanaged => WhereT<T>(cond, a, b, y);
    }

    private static void WhereT<T>(TensorLayout cond, TensorLayout a, TensorLayout b, TensorLayout y) where T : unmanaged
    {
        var ca = Arr<bool>(cond); var aa = Arr<T>(a); var ba = Arr<T>(b); var ya = Arr<T>(y);
        var loop = StridedLoop.ForElementwise(y.Shape, y, cond, a, b);
        long sy = loop.InnerStride(0), sc = loop.InnerStride(1), sa = loop.InnerStride(2), sb = loop.InnerStride(3);
        var path = KernelOptions.Resolve();
        RunRows(loop, TilesSafe(y, cond, a, b), (offs, n) =>
        {
            long oy = offs[0], oc = offs[1], oa = offs[2], ob = offs[3];
            if (sy == 1 && SelectKernels.Where(path, ref At(ca, oc), sc, ref At(aa, oa), sa, ref At(ba, ob), sb, ref At(ya, oy), n)) return;
            if (sy == 1 && path != VectorPath.Scalar && n >= GatherMinRow && (sc is not (0 or 1) || sa is not (0 or 1) || sb is not (0 or 1))
                && WhereGathered(path, ca, oc, sc, aa, oa, sa, ba, ob, sb, ya, oy, n)) return;
            for (long i = 0; i < n; i++)
                At(ya, oy + i * sy) = At(ca, oc + i * sc) ? At(aa, oa + i * sa) : At(ba, ob + i * sb);
        });
    }

    /// <summary>Runs a row body over the loop, in tile order when <paramref name="tilesSafe"/> (see TilesSafe).</summary>
    private static void RunRows(in StridedLoop loop, bool tilesSafe, StridedLoop.RowAction body)
    {
        if (tilesSafe) loop.ForEachRowParallelTiled(body); else loop.ForEachRowParallel(body);
    }
}

using System.Numerics;
using Flint.Backends;
using Flint.Cuda.Kernels;
using Flint.Ops.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace Flint.Cuda;

// The elementwise seam kernels: dtype dispatch, then one launch (in chunks of 2^30 threads) of the generic kernel.
internal sealed partial class CudaBackend
{
    private static (long[], long) Op(long[] shape, in TensorLayout t) => (Geometry.BroadcastStrides(shape, t.Shape, t.Strides), t.Offset);

    public void FloatUnary<TOp>(in TensorLayout x, in TensorLayout y) where TOp : IFloatUnaryKernel
    {
        var xl = Local(x);
        MemoryOverlap.Check(y, xl);
        DTypeDispatch.Floating(y.DType, TOp.Name, new FloatUnaryV<TOp>(this, xl, y));
    }

    private readonly struct FloatUnaryV<TOp>(CudaBackend be, TensorLayout x, TensorLayout y) : IFloatVisitor where TOp : IFloatUnaryKernel
    {
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            long n = Numel(y.Shape);
            if (n == 0) return;
            var (s, st) = Geometry.Plan(y.Shape, Op(y.Shape, x), (y.Strides, y.Offset));
            var k = be.Kernel<FloatUnaryV<TOp>, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, Shape8, Strides8, Strides8, long>>(
                a => a.LoadAutoGroupedKernel<Index1D, ArrayView<T>, ArrayView<T>, Shape8, Strides8, Strides8, long>(Elementwise.FloatUnary<T, TOp>));
            var (xv, yv) = (View<T>(x), View<T>(y));
            foreach (var (start, c) in Geometry.Chunks(n)) k(be.Stream, c, xv, yv, s, st[0], st[1], start);
        }
    }

    public void NumericUnary<TOp>(in TensorLayout x, in TensorLayout y) where TOp : INumericUnaryKernel
    {
        var xl = Local(x);
        MemoryOverlap.Check(y, xl);
        DTypeDispatch.Numeric(y.DType, TOp.Name, new NumericUnaryV<TOp>(this, xl, y));
    }

    private readonly struct NumericUnaryV<TOp>(CudaBackend be, TensorLayout x, TensorLayout y) : INumericVisitor where TOp : INumericUnaryKernel
    {
        public void Visit<T>() where T : unmanaged, INumber<T>
        {
            long n = Numel(y.Shape);
            if (n == 0) return;
            var (s, st) = Geometry.Plan(y.Shape, Op(y.Shape, x), (y.Strides, y.Offset));
            var k = be.Kernel<NumericUnaryV<TOp>, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, Shape8, Strides8, Strides8, long>>(
                a => a.LoadAutoGroupedKernel<Index1D, ArrayView<T>, ArrayView<T>, Shape8, Strides8, Strides8, long>(Elementwise.NumericUnary<T, TOp>));
            var (xv, yv) = (View<T>(x), View<T>(y));
            foreach (var (start, c) in Geometry.Chunks(n)) k(be.Stream, c, xv, yv, s, st[0], st[1], start);
        }
    }

    public void FloatUnaryArgs<TOp>(TensorLayout x, TensorLayout y, double a, double b, double c) where TOp : IFloatUnaryArgsKernel
    {
        var xl = Local(x);
        MemoryOverlap.Check(y, xl);
        DTypeDispatch.Floating(y.DType, TOp.Name, new FloatUnaryArgsV<TOp>(this, xl, y, a, b, c));
    }

    private readonly struct FloatUnaryArgsV<TOp>(CudaBackend be, TensorLayout x, TensorLayout y, double a, double b, double c) : IFloatVisitor where TOp : IFloatUnaryArgsKernel
    {
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            long n = Numel(y.Shape);
            if (n == 0) return;
            var (s, st) = Geometry.Plan(y.Shape, Op(y.Shape, x), (y.Strides, y.Offset));
            var k = be.Kernel<FloatUnaryArgsV<TOp>, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, Shape8, Strides8, Strides8, long, T, T, T>>(
                acc => acc.LoadAutoGroupedKernel<Index1D, ArrayView<T>, ArrayView<T>, Shape8, Strides8, Strides8, long, T, T, T>(Elementwise.FloatUnaryArgs<T, TOp>));
            var (xv, yv) = (View<T>(x), View<T>(y));
            T ta = Flint.Backends.Convert.FromDouble<T>(a), tb = Flint.Backends.Convert.FromDouble<T>(b), tc = Flint.Backends.Convert.FromDouble<T>(c);
            foreach (var (start, cnt) in Geometry.Chunks(n)) k(be.Stream, cnt, xv, yv, s, st[0], st[1], start, ta, tb, tc);
        }
    }

    public void NumericUnaryArgs<TOp>(TensorLayout x, TensorLayout y, double a, double b, double c) where TOp : INumericUnaryArgsKernel
    {
        var xl = Local(x);
        MemoryOverlap.Check(y, xl);
        DTypeDispatch.Numeric(y.DType, TOp.Name, new NumericUnaryArgsV<TOp>(this, xl, y, a, b, c));
    }

    private readonly struct NumericUnaryArgsV<TOp>(CudaBackend be, TensorLayout x, TensorLayout y, double a, double b, double c) : INumericVisitor where TOp : INumericUnaryArgsKernel
    {
        public void Visit<T>() where T : unmanaged, INumber<T>
        {
            long n = Numel(y.Shape);
            if (n == 0) return;
            var (s, st) = Geometry.Plan(y.Shape, Op(y.Shape, x), (y.Strides, y.Offset));
            var k = be.Kernel<NumericUnaryArgsV<TOp>, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, Shape8, Strides8, Strides8, long, T, T, T>>(
                acc => acc.LoadAutoGroupedKernel<Index1D, ArrayView<T>, ArrayView<T>, Shape8, Strides8, Strides8, long, T, T, T>(Elementwise.NumericUnaryArgs<T, TOp>));
            var (xv, yv) = (View<T>(x), View<T>(y));
            // the CPU backend's rule: the arguments are cast (truncated) to the compute type
            T ta = Flint.Backends.Convert.FromDouble<T>(a), tb = Flint.Backends.Convert.FromDouble<T>(b), tc = Flint.Backends.Convert.FromDouble<T>(c);
            foreach (var (start, cnt) in Geometry.Chunks(n)) k(be.Stream, cnt, xv, yv, s, st[0], st[1], start, ta, tb, tc);
        }
    }

    public void NumericBinary<TOp>(in TensorLayout a, in TensorLayout b, in TensorLayout y) where TOp : INumericBinaryKernel
    {
        var al = Local(a); var bl = Local(b);
        MemoryOverlap.Check(y, al, bl);
        DTypeDispatch.Numeric(y.DType, TOp.Name, new NumericBinaryV<TOp>(this, al, bl, y));
    }

    private readonly struct NumericBinaryV<TOp>(CudaBackend be, TensorLayout a, TensorLayout b, TensorLayout y) : INumericVisitor where TOp : INumericBinaryKernel
    {
        public void Visit<T>() where T : unmanaged, INumber<T>
        {
            long n = Numel(y.Shape);
            if (n == 0) return;
            var (s, st) = Geometry.Plan(y.Shape, Op(y.Shape, a), Op(y.Shape, b), (y.Strides, y.Offset));
            var k = be.Kernel<NumericBinaryV<TOp>, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, Shape8, Strides8, Strides8, Strides8, long>>(
                acc => acc.LoadAutoGroupedKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, Shape8, Strides8, Strides8, Strides8, long>(Elementwise.NumericBinary<T, TOp>));
            var (av, bv, yv) = (View<T>(a), View<T>(b), View<T>(y));
            foreach (var (start, c) in Geometry.Chunks(n)) k(be.Stream, c, av, bv, yv, s, st[0], st[1], st[2], start);
        }
    }

    public void FloatBinary<TOp>(in TensorLayout a, in TensorLayout b, in TensorLayout y) where TOp : IFloatBinaryKernel
    {
        var al = Local(a); var bl = Local(b);
        MemoryOverlap.Check(y, al, bl);
        DTypeDispatch.Floating(y.DType, TOp.Name, new FloatBinaryV<TOp>(this, al, bl, y));
    }

    private readonly struct FloatBinaryV<TOp>(CudaBackend be, TensorLayout a, TensorLayout b, TensorLayout y) : IFloatVisitor where TOp : IFloatBinaryKernel
    {
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            long n = Numel(y.Shape);
            if (n == 0) return;
            var (s, st) = Geometry.Plan(y.Shape, Op(y.Shape, a), Op(y.Shape, b), (y.Strides, y.Offset));
            var k = be.Kernel<FloatBinaryV<TOp>, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, Shape8, Strides8, Strides8, Strides8, long>>(
                acc => acc.LoadAutoGroupedKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, Shape8, Strides8, Strides8, Strides8, long>(Elementwise.FloatBinary<T, TOp>));
            var (av, bv, yv) = (View<T>(a), View<T>(b), View<T>(y));
            foreach (var (start, c) in Geometry.Chunks(n)) k(be.Stream, c, av, bv, yv, s, st[0], st[1], st[2], start);
        }
    }

    public void IntegerBinary<TOp>(TensorLayout a, TensorLayout b, TensorLayout y) where TOp : IIntegerBinaryKernel
    {
        var al = Local(a); var bl = Local(b);
        MemoryOverlap.Check(y, al, bl);
        DTypeDispatch.Integral(y.DType, TOp.Name, new IntegerBinaryV<TOp>(this, al, bl, y));
    }

    private readonly struct IntegerBinaryV<TOp>(CudaBackend be, TensorLayout a, TensorLayout b, TensorLayout y) : IIntegerVisitor where TOp : IIntegerBinaryKernel
    {
        public void Visit<T>() where T : unmanaged, IBinaryInteger<T>
        {
            long n = Numel(y.Shape);
            if (n == 0) return;
            var (s, st) = Geometry.Plan(y.Shape, Op(y.Shape, a), Op(y.Shape, b), (y.Strides, y.Offset));
            var k = be.Kernel<IntegerBinaryV<TOp>, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, Shape8, Strides8, Strides8, Strides8, long>>(
                acc => acc.LoadAutoGroupedKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, Shape8, Strides8, Strides8, Strides8, long>(Elementwise.IntegerBinary<T, TOp>));
            var (av, bv, yv) = (View<T>(a), View<T>(b), View<T>(y));
            foreach (var (start, c) in Geometry.Chunks(n)) k(be.Stream, c, av, bv, yv, s, st[0], st[1], st[2], start);
        }
    }

    public void Compare<TOp>(TensorLayout a, TensorLayout b, TensorLayout y) where TOp : ICompareKernel
    {
        var al = Local(a); var bl = Local(b);
        MemoryOverlap.Check(y, al, bl);
        if (y.DType != DType.Bool) throw new ArgumentException($"{TOp.Name}: the result must be bool, got {y.DType}");
        if (a.DType == DType.Bool && b.DType == DType.Bool) { DTypeDispatch.Numeric(DType.UInt8, TOp.Name, new CompareV<TOp>(this, al, bl, y)); return; }
        DTypeDispatch.Numeric(a.DType, TOp.Name, new CompareV<TOp>(this, al, bl, y));
    }

    private readonly struct CompareV<TOp>(CudaBackend be, TensorLayout a, TensorLayout b, TensorLayout y) : INumericVisitor where TOp : ICompareKernel
    {
        public void Visit<T>() where T : unmanaged, INumber<T>
        {
            long n = Numel(y.Shape);
            if (n == 0) return;
            var (s, st) = Geometry.Plan(y.Shape, Op(y.Shape, a), Op(y.Shape, b), (y.Strides, y.Offset));
            var k = be.Kernel<CompareV<TOp>, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, ArrayView<byte>, Shape8, Strides8, Strides8, Strides8, long>>(
                acc => acc.LoadAutoGroupedKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<byte>, Shape8, Strides8, Strides8, Strides8, long>(Elementwise.Compare<T, TOp>));
            var (av, bv, yv) = (View<T>(a), View<T>(b), View<byte>(y));
            foreach (var (start, c) in Geometry.Chunks(n)) k(be.Stream, c, av, bv, yv, s, st[0], st[1], st[2], start);
        }
    }

    public void FloatPredicate<TOp>(TensorLayout x, TensorLayout y) where TOp : IFloatPredicateKernel
    {
        var xl = Local(x);
        MemoryOverlap.Check(y, xl);
        DTypeDispatch.Floating(x.DType, TOp.Name, new FloatPredicateV<TOp>(this, xl, y));
    }

    private readonly struct FloatPredicateV<TOp>(CudaBackend be, TensorLayout x, TensorLayout y) : IFloatVisitor where TOp : IFloatPredicateKernel
    {
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            long n = Numel(y.Shape);
            if (n == 0) return;
            var (s, st) = Geometry.Plan(y.Shape, Op(y.Shape, x), (y.Strides, y.Offset));
            var k = be.Kernel<FloatPredicateV<TOp>, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<byte>, Shape8, Strides8, Strides8, long>>(
                acc => acc.LoadAutoGroupedKernel<Index1D, ArrayView<T>, ArrayView<byte>, Shape8, Strides8, Strides8, long>(Elementwise.FloatPredicate<T, TOp>));
            var (xv, yv) = (View<T>(x), View<byte>(y));
            foreach (var (start, c) in Geometry.Chunks(n)) k(be.Stream, c, xv, yv, s, st[0], st[1], start);
        }
    }

    public void FloatTernary<TOp>(TensorLayout a, TensorLayout b, TensorLayout c, TensorLayout y) where TOp : IFloatTernaryKernel
    {
        var al = Local(a); var bl = Local(b); var cl = Local(c);
        MemoryOverlap.Check(y, [al, bl, c]);
        DTypeDispatch.Floating(y.DType, TOp.Name, new FloatTernaryV<TOp>(this, al, bl, cl, y));
    }

    private readonly struct FloatTernaryV<TOp>(CudaBackend be, TensorLayout a, TensorLayout b, TensorLayout c, TensorLayout y) : IFloatVisitor where TOp : IFloatTernaryKernel
    {
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            long n = Numel(y.Shape);
            if (n == 0) return;
            var (s, st) = Geometry.Plan(y.Shape, Op(y.Shape, a), Op(y.Shape, b), Op(y.Shape, c), (y.Strides, y.Offset));
            var k = be.Kernel<FloatTernaryV<TOp>, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, Shape8, Strides8, Strides8, Strides8, Strides8, long>>(
                acc => acc.LoadAutoGroupedKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, Shape8, Strides8, Strides8, Strides8, Strides8, long>(Elementwise.FloatTernary<T, TOp>));
            var (av, bv, cv, yv) = (View<T>(a), View<T>(b), View<T>(c), View<T>(y));
            foreach (var (start, cnt) in Geometry.Chunks(n)) k(be.Stream, cnt, av, bv, cv, yv, s, st[0], st[1], st[2], st[3], start);
        }
    }

    public void Where(TensorLayout cond, TensorLayout a, TensorLayout b, TensorLayout y)
    {
        var condl = Local(cond); var al = Local(a); var bl = Local(b);
        MemoryOverlap.Check(y, [condl, al, bl]);
        Raw.Dispatch(y.DType, new WhereV(this, condl, al, bl, y));
    }

    private readonly struct WhereV(CudaBackend be, TensorLayout cond, TensorLayout a, TensorLayout b, TensorLayout y) : Raw.IVisitor
    {
        public void Visit<T>() where T : unmanaged
        {
            long n = Numel(y.Shape);
            if (n == 0) return;
            var (s, st) = Geometry.Plan(y.Shape, Op(y.Shape, cond), Op(y.Shape, a), Op(y.Shape, b), (y.Strides, y.Offset));
            var k = be.Kernel<WhereV, Action<AcceleratorStream, Index1D, ArrayView<byte>, ArrayView<T>, ArrayView<T>, ArrayView<T>, Shape8, Strides8, Strides8, Strides8, Strides8, long>>(
                acc => acc.LoadAutoGroupedKernel<Index1D, ArrayView<byte>, ArrayView<T>, ArrayView<T>, ArrayView<T>, Shape8, Strides8, Strides8, Strides8, Strides8, long>(Elementwise.Where<T>));
            var (cv, av, bv, yv) = (View<byte>(cond), View<T>(a), View<T>(b), View<T>(y));
            foreach (var (start, cnt) in Geometry.Chunks(n)) k(be.Stream, cnt, cv, av, bv, yv, s, st[0], st[1], st[2], st[3], start);
        }
    }
}

/// <summary>The element type a dtype is stored as on the device: bool as byte, the half types as their 16 bits.</summary>
internal static class Raw
{
    public interface IVisitor
    {
        void Visit<T>() where T : unmanaged;
    }

    public static void Dispatch<TV>(DType dt, TV v) where TV : struct, IVisitor
    {
        if (dt == DType.Float32) v.Visit<float>();
        else if (dt == DType.Float64) v.Visit<double>();
        else if (dt == DType.Int64) v.Visit<long>();
        else if (dt == DType.Int32) v.Visit<int>();
        else if (dt == DType.Int16) v.Visit<short>();
        else if (dt == DType.Int8) v.Visit<sbyte>();
        else if (dt == DType.UInt8 || dt == DType.Bool) v.Visit<byte>();
        else if (dt == DType.Float16 || dt == DType.BFloat16) v.Visit<ushort>();
        else throw new NotSupportedException($"{dt} tensors are not implemented for CUDA tensors in Flint yet");
    }
}

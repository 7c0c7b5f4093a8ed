using System.Numerics;
using Flint.Backends;
using Flint.Cuda.Kernels;
using Flint.Ops.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace Flint.Cuda;

// Reductions (sum, mean, max, min over any dims), arg-reductions along one dim, softmax and its backward.
internal sealed partial class CudaBackend
{
    private static ReduceKind? KindOf<TOp>() where TOp : IReduceOp => TOp.Kernel switch
    {
        KernelId.Sum => ReduceKind.Sum,
        KernelId.Mean => ReduceKind.Mean,
        _ => TOp.Name switch { "max" => ReduceKind.Max, "min" => ReduceKind.Min, _ => null },
    };

    private static long[] Pick(long[] a, int[] dims)
    {
        var r = new long[dims.Length];
        for (int i = 0; i < dims.Length; i++) r[i] = a[dims[i]];
        return r;
    }

    private static int[] Except(int rank, int dim)
    {
        var r = new int[Math.Max(rank - 1, 0)];
        for (int d = 0, j = 0; d < rank; d++) if (d != dim) r[j++] = d;
        return r;
    }

    /// <summary>The kept dims (one output each) and the folded dims of x, with x's and y's strides.</summary>
    internal static ReduceGeometry Split(TensorLayout x, int[] dims, TensorLayout y)
    {
        var keep = Enumerable.Range(0, x.Rank).Where(d => Array.IndexOf(dims, d) < 0).ToArray();
        var outer = Geometry.Plan(Pick(x.Shape, keep),
            (Pick(x.Strides, keep), x.Offset), (Pick(y.Strides, keep), y.Offset));
        var innerShape = Pick(x.Shape, dims);
        var inner = Geometry.Plan(innerShape, (Pick(x.Strides, dims), 0));
        return new ReduceGeometry
        {
            Outer = outer.shape, XOuter = outer.strides[0], YOuter = outer.strides[1],
            Inner = inner.shape, XInner = inner.strides[0], InnerCount = Numel(innerShape),
        };
    }

    public void Reduce<TOp>(TensorLayout x, int[] dims, TensorLayout y, double arg) where TOp : IReduceOp
    {
        Mem(x); Mem(y);
        var kind = KindOf<TOp>() ?? throw NotYet(TOp.Name);
        DTypeDispatch.Numeric(y.DType, TOp.Name, new ReduceV(this, x, dims, y, kind));
    }

    private readonly struct ReduceV(CudaBackend be, TensorLayout x, int[] dims, TensorLayout y, ReduceKind kind) : INumericVisitor
    {
        public void Visit<T>() where T : unmanaged, INumber<T>
        {
            var g = Split(x, dims, y);
            long outputs = Numel(y.Shape);
            if (outputs == 0) return;
            if (g.InnerCount == 0 && kind is ReduceKind.Max or ReduceKind.Min)
                throw new ArgumentException($"{(kind == ReduceKind.Max ? "max" : "min")}(): Expected reduction dim to have non-zero size.");
            var k = be.Kernel<ReduceV, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, ReduceGeometry, int, T, long>>(
                acc => acc.LoadAutoGroupedKernel<Index1D, ArrayView<T>, ArrayView<T>, ReduceGeometry, int, T, long>(Kernels.Reduce.Fold<T>));
            T divisor = Flint.Backends.Convert.FromLong<T>(g.InnerCount);
            var (xv, yv) = (View<T>(x), View<T>(y));
            foreach (var (start, c) in Geometry.Chunks(outputs)) k(be.Stream, c, xv, yv, g, (int)kind, divisor, start);
        }
    }

    public void IndexReduce<TOp>(TensorLayout x, int dim, TensorLayout? values, TensorLayout indices, long arg) where TOp : IIndexReduceOp
    {
        int largest = TOp.Name switch { "argmax" => 1, "argmin" => 0, _ => throw NotYet(TOp.Name) };
        Mem(x); Mem(indices);
        DTypeDispatch.Numeric(x.DType, TOp.Name, new ArgV(this, x, dim, values, indices, largest));
    }

    private readonly struct ArgV(CudaBackend be, TensorLayout x, int dim, TensorLayout? values, TensorLayout indices, int largest) : INumericVisitor
    {
        public void Visit<T>() where T : unmanaged, INumber<T>
        {
            var g = Split(x, [dim], indices);
            long outputs = Numel(indices.Shape);
            if (outputs == 0) return;
            if (g.InnerCount == 0) throw new ArgumentException("Expected reduction dim to have non-zero size.");
            var keep = Except(x.Rank, dim);
            var v = values ?? indices;
            var k = be.Kernel<ArgV, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, ArrayView<long>, ReduceGeometry, Strides8, int, int, long>>(
                acc => acc.LoadAutoGroupedKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<long>, ReduceGeometry, Strides8, int, int, long>(Kernels.Reduce.ArgFold<T>));
            var xv = View<T>(x);
            var valv = values is { } vl ? View<T>(vl) : xv;
            // the outer plan must be the same for indices and values: plan the three together
            var three = Geometry.Plan(Pick(x.Shape, keep), (Pick(x.Strides, keep), x.Offset),
                (Pick(indices.Strides, keep), indices.Offset), (Pick(v.Strides, keep), v.Offset));
            g.Outer = three.shape; g.XOuter = three.strides[0]; g.YOuter = three.strides[1];
            foreach (var (start, c) in Geometry.Chunks(outputs)) k(be.Stream, c, xv, valv, View<long>(indices), g, three.strides[2], largest, values is null ? 0 : 1, start);
        }
    }

    public void Softmax(TensorLayout x, int dim, TensorLayout y, bool log)
    {
        Mem(x); Mem(y);
        DTypeDispatch.Floating(y.DType, log ? "log_softmax" : "softmax", new SoftmaxV(this, x, dim, y, log));
    }

    private readonly struct SoftmaxV(CudaBackend be, TensorLayout x, int dim, TensorLayout y, bool log) : IFloatVisitor
    {
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (Numel(y.Shape) == 0) return;
            var keep = Except(x.Rank, dim);
            var (s, st) = Geometry.Plan(Pick(x.Shape, keep),
                (Pick(x.Strides, keep), x.Offset), (Pick(y.Strides, keep), y.Offset));
            long n = x.Rank == 0 ? 1 : x.Shape[dim], xs = x.Rank == 0 ? 0 : x.Strides[dim], ys = y.Rank == 0 ? 0 : y.Strides[dim];
            long rows = Numel(Pick(x.Shape, keep));
            var k = be.Kernel<SoftmaxV, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, Shape8, Strides8, Strides8, long, long, long, int, long>>(
                acc => acc.LoadAutoGroupedKernel<Index1D, ArrayView<T>, ArrayView<T>, Shape8, Strides8, Strides8, long, long, long, int, long>(Kernels.Reduce.Softmax<T>));
            var (xv, yv) = (View<T>(x), View<T>(y));
            foreach (var (start, c) in Geometry.Chunks(rows)) k(be.Stream, c, xv, yv, s, st[0], st[1], n, xs, ys, log ? 1 : 0, start);
        }
    }

    public void SoftmaxBackward(TensorLayout grad, TensorLayout y, int dim, TensorLayout gx, bool log, bool accumulate)
    {
        Mem(grad); Mem(y); Mem(gx);
        DTypeDispatch.Floating(gx.DType, log ? "log_softmax_backward" : "softmax_backward", new SoftmaxBackwardV(this, grad, y, dim, gx, log, accumulate));
    }

    private readonly struct SoftmaxBackwardV(CudaBackend be, TensorLayout g, TensorLayout y, int dim, TensorLayout gx, bool log, bool accumulate) : IFloatVisitor
    {
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (Numel(gx.Shape) == 0) return;
            var keep = Except(y.Rank, dim);
            var (s, st) = Geometry.Plan(Pick(y.Shape, keep), (Pick(g.Strides, keep), g.Offset),
                (Pick(y.Strides, keep), y.Offset), (Pick(gx.Strides, keep), gx.Offset));
            bool r0 = y.Rank == 0;
            long n = r0 ? 1 : y.Shape[dim];
            long rows = Numel(Pick(y.Shape, keep));
            var k = be.Kernel<SoftmaxBackwardV, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, Shape8, Strides8, Strides8, Strides8, long, long, long, long, int, int, long>>(
                acc => acc.LoadAutoGroupedKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, Shape8, Strides8, Strides8, Strides8, long, long, long, long, int, int, long>(Kernels.Reduce.SoftmaxBackward<T>));
            var (gv, yv, xv) = (View<T>(g), View<T>(y), View<T>(gx));
            foreach (var (start, c) in Geometry.Chunks(rows))
                k(be.Stream, c, gv, yv, xv, s, st[0], st[1], st[2], n, r0 ? 0 : g.Strides[dim], r0 ? 0 : y.Strides[dim], r0 ? 0 : gx.Strides[dim], log ? 1 : 0, accumulate ? 1 : 0, start);
        }
    }
}

using System.Numerics;
using Flint.Ops.Kernels;

namespace Flint.Ops.Kernels
{
    /// <summary>
    /// A reduction: folds the values that map to one output element into one value of the same type. The
    /// span is a scratch copy the op may reorder; <c>arg</c> carries the op's parameter (correction, p, ...).
    /// </summary>
    public interface IReduceOp
    {
        /// <summary>The reduction's name, as it appears in error texts.</summary>
        static abstract string Name { get; }
        /// <summary>The well-known reduction this op is, for backends that have their own code for it.</summary>
        static virtual Flint.Backends.KernelId Kernel => Flint.Backends.KernelId.None;
        /// <summary>Reduces <paramref name="values"/> (a contiguous copy the kernel may reorder) to one value; <paramref name="arg"/> is the op's number argument (the quantile, the norm's order).</summary>
        static abstract T Reduce<T>(Span<T> values, double arg) where T : unmanaged, INumber<T>;
    }

    /// <summary>A reduction that picks one element (max with its index, median, ...): returns its position in the span.</summary>
    public interface IIndexReduceOp
    {
        /// <summary>The selection's name, as it appears in error texts.</summary>
        static abstract string Name { get; }
        /// <summary>The position of the selected value (the max, the min) in <paramref name="values"/>; <paramref name="arg"/> is the op's number argument.</summary>
        static abstract int Select<T>(ReadOnlySpan<T> values, long arg) where T : unmanaged, INumber<T>;
    }

    /// <summary>A scan along one dim (cumsum, cumprod): rewrites the span in place with the running results.</summary>
    public interface IScanOp
    {
        /// <summary>The scan's name, as it appears in error texts.</summary>
        static abstract string Name { get; }
        /// <summary>Replaces <paramref name="values"/> with its running result (cumulative sum, product, max) in place.</summary>
        static abstract void Scan<T>(Span<T> values) where T : unmanaged, INumber<T>;
    }
}

namespace Flint.Backends
{
    // Reductions, scans and sorting. Inputs already have the compute dtype (float32, float64 or an integer
    // type; never half, bfloat16 or bool). Outputs that reduce are given in keepdim form: the input's rank with
    // size 1 at every reduced dim, so a kernel never needs to know whether keepdim was asked.
    public partial interface IBackend
    {
        /// <summary>y = op over <paramref name="dims"/> of x (dims sorted, distinct); y has x's dtype, keepdim shape.</summary>
        void Reduce<TOp>(TensorLayout x, int[] dims, TensorLayout y, double arg) where TOp : IReduceOp;

        /// <summary>Picks one element along <paramref name="dim"/>: its value into values (may be null) and its index (int64) into indices.</summary>
        void IndexReduce<TOp>(TensorLayout x, int dim, TensorLayout? values, TensorLayout indices, long arg) where TOp : IIndexReduceOp;

        /// <summary>y = running op along <paramref name="dim"/>; y has x's shape and dtype.</summary>
        void Scan<TOp>(TensorLayout x, int dim, TensorLayout y) where TOp : IScanOp;

        /// <summary>Stable sort along <paramref name="dim"/> (NaN counts as the largest value); values may be null.</summary>
        void Sort(TensorLayout x, int dim, bool descending, TensorLayout? values, TensorLayout indices);

        /// <summary>y = softmax (or log_softmax) of x along <paramref name="dim"/>; x, y float32 or float64.</summary>
        void Softmax(TensorLayout x, int dim, TensorLayout y, bool log);

        /// <summary>
        /// The input gradient of <see cref="Softmax"/> from the output gradient and the output y along
        /// <paramref name="dim"/>: y · (grad - sum(grad · y)), or under log grad - exp(y) · sum(grad); grad, y and gx
        /// have one shape and dtype (float32 or float64). With <paramref name="accumulate"/> the gradient is added
        /// into gx (the bits of gx + gradient) instead of replacing it.
        /// </summary>
        void SoftmaxBackward(TensorLayout grad, TensorLayout y, int dim, TensorLayout gx, bool log, bool accumulate);

        /// <summary>
        /// The distinct rows of a contiguous 2-D x in ascending lexicographic order, for each row of x the index
        /// of its distinct row (int64), and how often each distinct row occurs (int64).
        /// </summary>
        (TensorLayout values, TensorLayout inverse, TensorLayout counts) UniqueRows(TensorLayout x);
    }
}

using System.Numerics;
using System.Runtime.CompilerServices;
using static Flint.Ops.ReductionBackward;

namespace Flint.Ops.Kernels
{
    /// <summary>The largest value; NaN wins.</summary>
    [ReductionOp("amax", ReductionRule.Extremum, ReductionForms.DimsDefault | ReductionForms.Dim | ReductionForms.Out | ReductionForms.Method,
        Summary = "The largest values over <c>dim</c> (null or empty: every dim).")]
    internal struct MaxOp : IReduction
    {
        public static string Name => "max";
        public static ReduceDerivative Derivative { get; } =
            Formula("MaxBackward1", "AmaxBackward0", Shared, Saves.InputAndOutput);

        /// <summary>The backward of max/min over dims: the gradient shared evenly by the elements equal to the result.</summary>
        internal static Tensor Shared(Tensor g, Tensor x, int[] dims, bool keepdim, Tensor y, double arg)
        {
            var mask = x.eq(Unreduce(y, x, dims, keepdim)).to(g.dtype);
            return Unreduce(g, x, dims, keepdim) * mask / mask.sum(L(dims), keepdim: true);
        }
        public static T Reduce<T>(Span<T> v, double arg) where T : unmanaged, INumber<T> => v[MaxIndexOp.Select<T>(v, 0)];
    }

    [ReductionOp("amin", ReductionRule.Extremum, ReductionForms.DimsDefault | ReductionForms.Dim | ReductionForms.Out | ReductionForms.Method,
        Summary = "The smallest values over <c>dim</c> (null or empty: every dim).")]
    internal struct MinOp : IReduction
    {
        public static string Name => "min";
        public static ReduceDerivative Derivative { get; } =
            Formula("MinBackward1", "AminBackward0", MaxOp.Shared, Saves.InputAndOutput);
        public static T Reduce<T>(Span<T> v, double arg) where T : unmanaged, INumber<T> => v[MinIndexOp.Select<T>(v, 0)];
    }

    /// <summary>The position of the first largest value (the first NaN when there is one).</summary>
    [ReductionOp("argmax", ReductionRule.Arg, ReductionForms.OptionalDim | ReductionForms.Out | ReductionForms.Method,
        Summary = "The position of the largest element (over the flattened input when dim is null).")]
    internal struct MaxIndexOp : IArgReduction, IIndexDifferentiable
    {
        public static string Name => "argmax";
        public static string NodeName => "MaxBackward0";
        public static int Select<T>(ReadOnlySpan<T> v, long arg) where T : unmanaged, INumber<T> => MinIndexOp.First(v, largest: true);
    }

    /// <summary>The position of the first smallest value (the first NaN when there is one).</summary>
    [ReductionOp("argmin", ReductionRule.Arg, ReductionForms.OptionalDim | ReductionForms.Out | ReductionForms.Method, Summary = "The position of the smallest element (in the flattened tensor, or along dim).")]
    internal struct MinIndexOp : IArgReduction, IIndexDifferentiable
    {
        public static string Name => "argmin";
        public static string NodeName => "MinBackward0";
        public static int Select<T>(ReadOnlySpan<T> v, long arg) where T : unmanaged, INumber<T> => First(v, largest: false);

        /// <summary>The first position of the largest (or smallest) value, or of the first NaN.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static int First<T>(ReadOnlySpan<T> v, bool largest) where T : unmanaged, INumber<T>
        {
            int best = 0;
            for (int i = 0; i < v.Length; i++)
            {
                if (T.IsNaN(v[i])) return i;
                if (largest ? v[i] > v[best] : v[i] < v[best]) best = i;
            }
            return best;
        }
    }
}

namespace Flint.Ops
{
    using Kernels;

    internal static partial class Reductions
    {
        /// <summary>amax/amin (and max()/min() of every element): the input dtype; an empty input needs a dim, and no empty one.</summary>
        internal static Tensor Extremum<TOp>(Tensor input, long[]? dim, bool keepdim, Tensor? @out, string name) where TOp : IReduction
        {
            var dims = Reduction.Dims(input, dim);
            if (input.numel() == 0)
            {
                if (dim is not { Length: > 0 })
                    throw new ArgumentException($"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.");
                foreach (var d in dim)
                    if (input._shape[Reduction.Dim(input, d)] == 0)
                        throw new IndexOutOfRangeException($"{name}(): Expected reduction dim {d} to have non-zero size.");
            }
            return Reduction.Run<TOp>(input, dims, keepdim, input.dtype, @out, rule: OutRule.Match);
        }

        /// <summary>max/min/median along a dim: (values, indices), refusing an empty dim.</summary>
        internal static ValuesIndices Picked<TOp>(string name, Tensor input, long dim, bool keepdim, (Tensor values, Tensor indices)? @out = null)
            where TOp : IIndexReduceOp, IIndexDifferentiable
        {
            int d = Reduction.Dim(input, dim);
            Reduction.CheckNonEmpty(input, input.ndim == 0 ? [] : [d], true, name);
            return Reduction.RunIndex<TOp>(name, input, d, keepdim, 0, @out);
        }

        /// <summary>argmax/argmin: int64 positions along dim, or in the flattened input when dim is null.</summary>
        internal static Tensor Arg<TOp>(Tensor input, long? dim, bool keepdim, Tensor? @out, string name) where TOp : IArgReduction
        {
            if (input.dtype.IsBool) throw Reduction.NotImplemented(name + "_cpu", input.dtype);
            if (dim is null)
            {
                if (input.numel() == 0)
                    throw new IndexOutOfRangeException($"{name}(): Expected reduction dim to be specified for input.numel() == 0.");
                var flat = Reduction.Flat(input);
                var r = Reduction.RunArg<TOp>(flat, 0, false, null);
                if (keepdim) r = Reduction.Reshaped(r, Enumerable.Repeat(1L, input.ndim).ToArray());
                return Reduction.Finish(r, r._shape, DType.Int64, @out, OutRule.Index);
            }
            int dd = Reduction.Dim(input, dim.Value);
            Reduction.CheckNonEmpty(input, input.ndim == 0 ? [] : [dd], true, name);
            return Reduction.RunArg<TOp>(input, dd, keepdim, @out);
        }
    }
}

namespace Flint
{
    using Ops;
    using Ops.Kernels;

    public static partial class torch
    {
        /// <summary>The largest element as a 0-dim tensor (NaN if any element is NaN).</summary>
        public static Tensor max(Tensor input) => Reductions.Extremum<MaxOp>(input, null, false, null, "max");
        /// <summary>torch.max(input, other): the elementwise maximum, as maximum.</summary>
        public static Tensor max(Tensor input, Tensor other, Tensor? @out = null) => maximum(input, other, @out);
        /// <summary>The largest elements along <paramref name="dim"/> and their positions.</summary>
        public static ValuesIndices max(Tensor input, long dim, bool keepdim = false, (Tensor values, Tensor indices)? @out = null) =>
            Reductions.Picked<MaxIndexOp>("max", input, dim, keepdim, @out);

        /// <summary>The smallest element (NaN when there is one), as <c>torch.min(input)</c>.</summary>
        public static Tensor min(Tensor input) => Reductions.Extremum<MinOp>(input, null, false, null, "min");
        /// <summary>torch.min(input, other): the elementwise minimum, as minimum.</summary>
        public static Tensor min(Tensor input, Tensor other, Tensor? @out = null) => minimum(input, other, @out);
        /// <summary>The smallest elements along <paramref name="dim"/> and their positions, as <c>torch.min(input, dim, keepdim)</c>.</summary>
        public static ValuesIndices min(Tensor input, long dim, bool keepdim = false, (Tensor values, Tensor indices)? @out = null) =>
            Reductions.Picked<MinIndexOp>("min", input, dim, keepdim, @out);

        /// <summary>(min, max) over dim (null: every element).</summary>
        public static (Tensor min, Tensor max) aminmax(Tensor input, long? dim = null, bool keepdim = false)
        {
            if (input.dtype == DType.Float16 || (input.dtype == DType.BFloat16 && dim is not null)) throw Reduction.NotImplemented("aminmax_cpu", input.dtype);
            int[] dims;
            if (dim is null)
            {
                if (input.numel() == 0)
                    throw new ArgumentException("aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity.");
                dims = Reduction.Dims(input, null);
            }
            else
            {
                int d = Reduction.Dim(input, dim.Value);
                dims = input.ndim == 0 ? [] : [d];
                if (input.ndim > 0 && input._shape[d] == 0)
                    throw new IndexOutOfRangeException($"aminmax: Expected reduction dim {d} to have non-zero size.");
            }
            var mn = Reduction.Run<MinOp>(input, dims, keepdim, input.dtype, null);
            var mx = Reduction.Run<MaxOp>(input, dims, keepdim, input.dtype, null);
            // PyTorch 1.13 gives a 0-dim input reduced with keepdim the shape [1]
            if (input.ndim == 0 && keepdim && dim is not null) { mn = Reduction.Reshaped(mn, [1]); mx = Reduction.Reshaped(mx, [1]); }
            return (mn, mx);
        }
    }

    public partial class Tensor
    {
        /// <summary>The largest element, as <c>tensor.max()</c>.</summary>
        public Tensor max() => torch.max(this);
        /// <summary>The elementwise maximum with <paramref name="other"/>, as <c>tensor.max(other)</c>.</summary>
        public Tensor max(Tensor other) => torch.max(this, other);
        /// <summary>The largest elements along <paramref name="dim"/> and their positions, as <c>tensor.max(dim, keepdim)</c>.</summary>
        public ValuesIndices max(long dim, bool keepdim = false) => torch.max(this, dim, keepdim);
        /// <summary>The smallest element, as <c>tensor.min()</c>.</summary>
        public Tensor min() => torch.min(this);
        /// <summary>The elementwise minimum with <paramref name="other"/>, as <c>tensor.min(other)</c>.</summary>
        public Tensor min(Tensor other) => torch.min(this, other);
        /// <summary>The smallest elements along <paramref name="dim"/> and their positions, as <c>tensor.min(dim, keepdim)</c>.</summary>
        public ValuesIndices min(long dim, bool keepdim = false) => torch.min(this, dim, keepdim);
        /// <summary>The smallest and largest elements (along <paramref name="dim"/> when given), as <c>tensor.aminmax</c>.</summary>
        public (Tensor min, Tensor max) aminmax(long? dim = null, bool keepdim = false) => torch.aminmax(this, dim, keepdim);
    }
}

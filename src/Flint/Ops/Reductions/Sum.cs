using System.Numerics;
using Flint.Autograd;
using static Flint.Ops.ReductionBackward;

namespace Flint.Ops.Kernels
{
    /// <summary>Sum: floats accumulate in double by pairwise summation, integers wrap in their own type.</summary>
    [ReductionOp("sum", ReductionRule.Sum, ReductionForms.Full | ReductionForms.Dim | ReductionForms.Dims | ReductionForms.DType | ReductionForms.Out | ReductionForms.Method,
        Summary = "The sum over <c>dim</c> (none, null or empty: every element); integers and bools give int64 unless dtype says otherwise.")]
    internal struct SumOp : IReduction
    {
        public static string Name => "sum";
        /// <summary>A sum over some dims: the gradient brought back to x's rank, expanded to x's shape at the forward, in x's dtype.</summary>
        private static readonly NodeDerivative<(Tensor x, int[] dims, bool keepdim, long[] xShape)> DimsNode = new("SumBackward1", null,
            static (g, s) => Unreduce(g, s.x, s.dims, s.keepdim).expand(s.xShape).to(s.x.dtype));
        public static ReduceDerivative Derivative { get; } = new((x, dims, keepdim, y, arg) =>
        {
            if (Full(x, dims, keepdim)) return FullReductionNode.Record("SumBackward0", x, y, 0);
            return DimsNode.Record(y, [x], (x, dims, keepdim, x._shape));
        });
        public static Backends.KernelId Kernel => Backends.KernelId.Sum;
        public static T Reduce<T>(Span<T> v, double arg) where T : unmanaged, INumber<T>
        {
            if (Num.IsFloat<T>()) return T.CreateTruncating(Reduction.PairwiseSum<T>(v));
            T s = T.Zero;
            foreach (var e in v) s += e;
            return s;
        }
    }

    [ReductionOp("nansum", ReductionRule.Sum, ReductionForms.Full | ReductionForms.Dim | ReductionForms.Dims | ReductionForms.DType | ReductionForms.Out | ReductionForms.Method, Summary = "The sum treating NaN as zero.")]
    internal struct NanSumOp : IReduction
    {
        public static string Name => "nansum";
        public static ReduceDerivative Derivative { get; } = Formula("NansumBackward0", (g, x, dims, keepdim, y, arg) =>
            (Unreduce(g, x, dims, keepdim).expand(x._shape) * x.isnan().logical_not().to(g.dtype)).to(x.dtype));
        public static T Reduce<T>(Span<T> v, double arg) where T : unmanaged, INumber<T>
        {
            if (!Num.IsFloat<T>()) return SumOp.Reduce(v, arg);
            double s = 0;
            foreach (var e in v) if (!T.IsNaN(e)) s += double.CreateTruncating(e);
            return T.CreateTruncating(s);
        }
    }

    /// <summary>The product over one dim (PyTorch's prod takes a single dim).</summary>
    [ReductionOp("prod", ReductionRule.Sum, ReductionForms.Full | ReductionForms.Dim | ReductionForms.DType | ReductionForms.Out | ReductionForms.Method, Error = "prod_cpu", HalfOk = false, Summary = "The product of the elements (along dim, when given).")]
    internal struct ProdOp : IReduction
    {
        public static string Name => "prod";
        public static ReduceDerivative Derivative { get; } = Formula("ProdBackward0", "ProdBackward1",
            (g, x, dims, keepdim, y, arg) =>
            {
                var gk = Unreduce(g, x, dims, keepdim); var yk = Unreduce(y, x, dims, keepdim);
                var zero = x.eq(0);
                // product of the other elements: y / x where x != 0; where x == 0, the product of the nonzero rest (if it is the only zero)
                var nonzero = torch.where(zero, torch.ones_like(x), x);
                var prodNz = nonzero.prod(dims.Length == 1 ? dims[0] : 0, keepdim: true);
                if (dims.Length != 1) prodNz = nonzero.reshape(-1).prod().reshape(Enumerable.Repeat(1L, x.ndim).ToArray());
                var zeros = zero.to(x.dtype).sum(L(dims), keepdim: true);
                var others = torch.where(zero, torch.where(zeros.eq(1), prodNz, torch.zeros_like(prodNz)), yk / nonzero);
                return gk * others;
            }, Saves.InputAndOutput);
        public static T Reduce<T>(Span<T> v, double arg) where T : unmanaged, INumber<T>
        {
            if (Num.IsFloat<T>())
            {
                double p = 1;
                foreach (var e in v) p *= double.CreateTruncating(e);
                return T.CreateTruncating(p);
            }
            T r = T.One;
            foreach (var e in v) r *= e;
            return r;
        }
    }

    [ReductionOp("mean", ReductionRule.Mean, ReductionForms.Full | ReductionForms.Dim | ReductionForms.Dims | ReductionForms.DType | ReductionForms.Out | ReductionForms.Method,
        Summary = "The mean over <c>dim</c> (none, null or empty: every element); floating inputs only (or give a floating dtype).")]
    internal struct MeanOp : IReduction
    {
        public static string Name => "mean";
        /// <summary>A mean over some dims: as sum's, divided by the count of reduced elements.</summary>
        private static readonly NodeDerivative<(Tensor x, int[] dims, bool keepdim, long[] xShape, long n)> DimsNode = new("MeanBackward1", null,
            static (g, s) => (Unreduce(g, s.x, s.dims, s.keepdim) / s.n).expand(s.xShape).to(s.x.dtype));
        public static ReduceDerivative Derivative { get; } = new((x, dims, keepdim, y, arg) =>
        {
            long n = Count(x, dims);
            // a full reduction's 0-dim gradient expands directly (the same strides as through a reshape)
            if (Full(x, dims, keepdim)) return FullReductionNode.Record("MeanBackward0", x, y, n);
            return DimsNode.Record(y, [x], (x, dims, keepdim, x._shape, n));
        });
        public static Backends.KernelId Kernel => Backends.KernelId.Mean;
        public static T Reduce<T>(Span<T> v, double arg) where T : unmanaged, INumber<T> =>
            T.CreateTruncating(Reduction.PairwiseSum<T>(v) / v.Length);
    }

    [ReductionOp("nanmean", ReductionRule.Mean, ReductionForms.Full | ReductionForms.Dim | ReductionForms.Dims | ReductionForms.DType | ReductionForms.Out | ReductionForms.Method, Summary = "The mean ignoring NaN.")]
    internal struct NanMeanOp : IReduction
    {
        public static string Name => "nanmean";
        public static ReduceDerivative Derivative { get; } = new((x, dims, keepdim, y, arg) =>
        {
            // as PyTorch: nansum divided by the count of non-NaN elements (NansumBackward0, then DivBackward0)
            var count = x.isnan().logical_not().sum(L(dims), keepdim);
            return x.nansum(L(dims), keepdim) / count;
        });
        public static T Reduce<T>(Span<T> v, double arg) where T : unmanaged, INumber<T>
        {
            double s = 0; long n = 0;
            foreach (var e in v) if (!T.IsNaN(e)) { s += double.CreateTruncating(e); n++; }
            return T.CreateTruncating(s / n);
        }
    }
}

namespace Flint.Ops
{
    using Kernels;

    /// <summary>The generic entries the generated forms of reductions call, one per dtype rule (<see cref="ReductionRule"/>).</summary>
    internal static partial class Reductions
    {
        /// <summary>Integers and bools sum to int64 unless a dtype is given; the input is cast to dtype first.</summary>
        internal static DType SumResult(Tensor input, DType? dtype) =>
            dtype ?? (input.dtype.is_floating_point ? input.dtype : DType.Int64);

        /// <summary>sum, nansum and prod: <paramref name="name"/> is the kernel name of the dtype errors.</summary>
        internal static Tensor Sum<TOp>(Tensor input, long[]? dim, bool keepdim, DType? dtype, Tensor? @out, string name, bool halfOk = true)
            where TOp : IReduction
        {
            var dims = Reduction.Dims(input, dim);
            bool nanFloat = typeof(TOp) == typeof(NanSumOp) && input.dtype.is_floating_point;
            // with out= and no dtype PyTorch accumulates in out's dtype
            if (@out is not null && dtype is null && !nanFloat) dtype = @out.dtype;
            var result = SumResult(input, dtype);
            if (!halfOk && result.is_floating_point && result.itemsize == 2) throw Reduction.NotImplemented(name, result);
            if (nanFloat && !result.is_floating_point) throw Reduction.NotImplemented("nansum_cpu", result);
            if (nanFloat) Reduction.CheckFloatOut(@out, "nansum_cpu");
            var x = dtype is null ? input : input.to(dtype);
            return Reduction.Run<TOp>(x, dims, keepdim, result, @out);
        }

        /// <summary>mean and nanmean: floating inputs, or a floating dtype to cast to.</summary>
        internal static Tensor Mean<TOp>(Tensor input, long[]? dim, bool keepdim, DType? dtype, Tensor? @out, string name) where TOp : IReduction
        {
            bool nan = typeof(TOp) == typeof(NanMeanOp);
            if (nan && !input.dtype.is_floating_point)
                throw new ArgumentException($"nanmean(): expected input to have floating point dtype but got {input.dtype.LegacyName}");
            if (nan && dtype is not null && !dtype.is_floating_point)
                throw Reduction.NotImplemented("nansum_cpu", dtype);
            if (dtype is null && !input.dtype.is_floating_point)
                throw new ArgumentException($"mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: {input.dtype.LegacyName}");
            if (dtype is not null && !dtype.is_floating_point)
                throw new ArgumentException($"{name}(): could not infer output dtype. Optional dtype must be either a floating point or complex dtype. Got: {dtype.LegacyName}");
            var dims = Reduction.Dims(input, dim);
            var result = dtype ?? input.dtype;
            if (@out is not null) TypePromotion.CheckCast(result, @out.dtype);
            return Reduction.Run<TOp>(input.to(result), dims, keepdim, result, @out);
        }
    }
}

namespace Flint
{
    public static partial class torch
    {
        /// <summary>The number of nonzero elements (NaN counts), as int64.</summary>
        public static Tensor count_nonzero(Tensor input, long[]? dim = null) => sum(ne(input, Scalars.Wrap(0)), dim);
        /// <summary>The number of non-zero elements along <paramref name="dim"/>, as <c>torch.count_nonzero(input, dim)</c>.</summary>
        public static Tensor count_nonzero(Tensor input, long dim) => sum(ne(input, Scalars.Wrap(0)), [dim]);
    }

    public partial class Tensor
    {
        /// <summary>The number of non-zero elements over <paramref name="dim"/> (all when null), as <c>tensor.count_nonzero</c>.</summary>
        public Tensor count_nonzero(long[]? dim = null) => torch.count_nonzero(this, dim);
        /// <summary>The number of non-zero elements along <paramref name="dim"/>, as <c>tensor.count_nonzero</c>.</summary>
        public Tensor count_nonzero(long dim) => torch.count_nonzero(this, dim);
    }
}

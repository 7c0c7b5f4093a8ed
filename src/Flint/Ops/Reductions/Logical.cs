using System.Numerics;

namespace Flint.Ops.Kernels
{
    /// <summary>1 when every element is nonzero (NaN counts as nonzero), else 0.</summary>
    [ReductionOp("all", ReductionRule.Logical, ReductionForms.Full | ReductionForms.FullOut | ReductionForms.Dim | ReductionForms.Dims | ReductionForms.Out
        | ReductionForms.Method, StrictDims = true, Summary = "True when every element (over dim: of each slice) is nonzero.")]
    internal struct AllOp : IReduction
    {
        public static string Name => "all";
        public static ReduceDerivative Derivative { get; } = ReduceDerivative.NotDifferentiable;
        public static T Reduce<T>(Span<T> v, double arg) where T : unmanaged, INumber<T>
        {
            foreach (var e in v) if (e == T.Zero) return T.Zero;
            return T.One;
        }
    }

    [ReductionOp("any", ReductionRule.Logical, ReductionForms.Full | ReductionForms.FullOut | ReductionForms.Dim | ReductionForms.Dims | ReductionForms.Out
        | ReductionForms.Method, StrictDims = true, Summary = "True when any element (over dim: of each slice) is nonzero.")]
    internal struct AnyOp : IReduction
    {
        public static string Name => "any";
        public static ReduceDerivative Derivative { get; } = ReduceDerivative.NotDifferentiable;
        public static T Reduce<T>(Span<T> v, double arg) where T : unmanaged, INumber<T>
        {
            foreach (var e in v) if (e != T.Zero) return T.One;
            return T.Zero;
        }
    }
}

namespace Flint.Ops
{
    internal static partial class Reductions
    {
        /// <summary>all and any: bool results (uint8 keeps uint8, as PyTorch 1.13), out= of that dtype only.</summary>
        internal static Tensor Logical<TOp>(Tensor input, long[]? dim, bool keepdim, Tensor? @out, string name) where TOp : Kernels.IReduction
        {
            var dims = Reduction.Dims(input, dim);
            var result = input.dtype == DType.UInt8 ? DType.UInt8 : DType.Bool;
            var compute = Elementwise.ComputeType(input.dtype);
            if (@out is not null && @out.dtype != result)
                throw new ArgumentException($"{name} only supports bool tensor for result, got: {@out.dtype.LegacyName}");
            var y = Reduction.Run<TOp>(input, dims, keepdim, compute, null, 0, compute);
            return Reduction.Finish(y, y._shape, result, @out);
        }
    }
}

using System.Numerics;
using Flint.Ops;
using Flint.Ops.Kernels;
using Flint.Autograd;
using static Flint.Ops.ReductionBackward;

namespace Flint.Ops.Kernels
{
    /// <summary>1 when every element is nonzero (NaN counts as nonzero), else 0.</summary>
    internal struct AllOp : IReduceOp, IReduceDifferentiable
    {
        public static string Name => "all";
        public static ReduceDerivative Derivative { get; } = ReduceDerivative.NotDifferentiable;
        public static T Reduce<T>(Span<T> v, double arg) where T : unmanaged, INumber<T>
        {
            foreach (var e in v) if (e == T.Zero) return T.Zero;
            return T.One;
        }
    }

    internal struct AnyOp : IReduceOp, IReduceDifferentiable
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

namespace Flint
{
    public static partial class torch
    {
        private static Tensor AllAny<TOp>(Tensor input, long[]? dim, bool keepdim, Tensor? @out) where TOp : IReduceOp, IReduceDifferentiable
        {
            var dims = Reduction.Dims(input, dim);
            // uint8 keeps uint8 (PyTorch 1.13); everything else answers in bool
            var result = input.dtype == DType.UInt8 ? DType.UInt8 : DType.Bool;
            var compute = Elementwise.ComputeType(input.dtype);
            if (@out is not null && @out.dtype != result)
                throw new ArgumentException($"{TOp.Name} only supports bool tensor for result, got: {@out.dtype.LegacyName}");
            var y = Reduction.Run<TOp>(input, dims, keepdim, compute, null, 0, compute);
            return Reduction.Finish(y, y._shape, result, @out);
        }

        /// <summary>True when every element is nonzero.</summary>
        public static Tensor all(Tensor input, Tensor? @out = null) => AllAny<AllOp>(input, null, false, @out);
        public static Tensor all(Tensor input, long dim, bool keepdim = false, Tensor? @out = null) => AllAny<AllOp>(input, [dim], keepdim, @out);
        public static Tensor all(Tensor input, long[] dim, bool keepdim = false, Tensor? @out = null) => AllAny<AllOp>(input, dim, keepdim, @out);
        /// <summary>True when any element is nonzero.</summary>
        public static Tensor any(Tensor input, Tensor? @out = null) => AllAny<AnyOp>(input, null, false, @out);
        public static Tensor any(Tensor input, long dim, bool keepdim = false, Tensor? @out = null) => AllAny<AnyOp>(input, [dim], keepdim, @out);
        public static Tensor any(Tensor input, long[] dim, bool keepdim = false, Tensor? @out = null) => AllAny<AnyOp>(input, dim, keepdim, @out);
    }

    public partial class Tensor
    {
        public Tensor all() => torch.all(this);
        public Tensor all(long dim, bool keepdim = false) => torch.all(this, dim, keepdim);
        public Tensor all(long[] dim, bool keepdim = false) => torch.all(this, dim, keepdim);
        public Tensor any() => torch.any(this);
        public Tensor any(long dim, bool keepdim = false) => torch.any(this, dim, keepdim);
        public Tensor any(long[] dim, bool keepdim = false) => torch.any(this, dim, keepdim);
    }
}

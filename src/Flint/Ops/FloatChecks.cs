using System.Numerics;
using Flint.Ops;
using Flint.Ops.Kernels;

// Floating-point classification: isnan, isinf, isposinf, isneginf, isfinite, isreal, and nan_to_num.
// Integer and bool tensors hold no NaN or infinity: the predicates answer without looking at the data.

namespace Flint.Ops.Kernels
{
    [ElementwiseOp("isnan", Variants.Function | Variants.Method, Summary = "Whether each element is NaN (a bool tensor).")]
    internal struct IsNanOp : IFloatPredicate { public static string Name => "isnan"; public static bool Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.IsNaN(x); }
    [ElementwiseOp("isinf", Variants.Function | Variants.Method, Summary = "Whether each element is positive or negative infinity (a bool tensor).")]
    internal struct IsInfOp : IFloatPredicate { public static string Name => "isinf"; public static bool Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.IsInfinity(x); }
    [ElementwiseOp("isposinf", Variants.Function | Variants.Out | Variants.Method, Summary = "Whether each element is positive infinity (a bool tensor).")]
    internal struct IsPosInfOp : IFloatPredicate { public static string Name => "isposinf"; public static bool Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.IsPositiveInfinity(x); }
    [ElementwiseOp("isneginf", Variants.Function | Variants.Out | Variants.Method, Summary = "Whether each element is negative infinity (a bool tensor).")]
    internal struct IsNegInfOp : IFloatPredicate { public static string Name => "isneginf"; public static bool Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.IsNegativeInfinity(x); }
    [ElementwiseOp("isfinite", Variants.Function | Variants.Method, Summary = "Whether each element is finite: neither infinite nor NaN (a bool tensor).")]
    internal struct IsFiniteOp : IFloatPredicate { public static string Name => "isfinite"; public static bool Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.IsFinite(x); public static bool IntegerAnswer => true; }

    /// <summary>nan_to_num: a replaces NaN, b replaces +inf, c replaces -inf.</summary>
    internal struct NanToNumOp : IFloatUnaryArgs
    {
        public static string Name => "nan_to_num";
        public static UnaryDerivative Derivative { get; } = new("NanToNumBackward0", (g, x, y) => g * x.isfinite().to(g.dtype));
        public static T Apply<T>(T x, T nan, T posinf, T neginf) where T : unmanaged, IFloatingPointIeee754<T> =>
            T.IsNaN(x) ? nan : T.IsPositiveInfinity(x) ? posinf : T.IsNegativeInfinity(x) ? neginf : x;
    }
}

namespace Flint.Ops
{
    /// <summary>nan_to_num: floating tensors through the NanToNumOp kernel with the dtype's finite limits as defaults; others unchanged.</summary>
    internal static class NanToNum
    {
        internal static Tensor Run(Tensor input, double nan, double? posinf, double? neginf, Tensor? @out, bool inPlace)
        {
            if (@out is not null && @out.dtype != input.dtype)
                throw new InvalidOperationException($"nan_to_num: dtype of out: {@out.dtype.LegacyName} should be same as input: {input.dtype.LegacyName}");
            if (!input.dtype.is_floating_point) return Unary.Identity(input, @out, inPlace);
            double max = FiniteMax(input.dtype);
            return Unary.FloatArgs<NanToNumOp>(input, @out, inPlace, nan, posinf ?? max, neginf ?? -max);
        }

        private static double FiniteMax(DType dt) => dt.scalar_type switch
        {
            ScalarType.Float16 => (double)Half.MaxValue,
            ScalarType.BFloat16 => 3.3895313892515355e38,
            ScalarType.Float32 => float.MaxValue,
            _ => double.MaxValue,
        };
    }
}

namespace Flint
{
    public static partial class torch
    {
        /// <summary>True for every element of a real (non-complex) tensor.</summary>
        public static Tensor isreal(Tensor input) => Elementwise.Target(input._shape, DType.Bool, null, input.device).fill_bool(true);

        /// <summary>
        /// Replaces NaN with <paramref name="nan"/>, +inf with <paramref name="posinf"/> and -inf with <paramref name="neginf"/>
        /// (by default the dtype's largest and lowest finite values). Integer and bool tensors come back unchanged.
        /// </summary>
        public static Tensor nan_to_num(Tensor input, double nan = 0.0, double? posinf = null, double? neginf = null, Tensor? @out = null) =>
            NanToNum.Run(input, nan, posinf, neginf, @out, false);
        /// <summary>Replaces NaN with <paramref name="nan"/> and infinities with <paramref name="posinf"/>/<paramref name="neginf"/> (the dtype's extremes when null) in place, as <c>torch.nan_to_num_</c>.</summary>
        public static Tensor nan_to_num_(Tensor input, double nan = 0.0, double? posinf = null, double? neginf = null) =>
            NanToNum.Run(input, nan, posinf, neginf, null, true);
    }

    public partial class Tensor
    {
        /// <summary>Whether each element is real: true everywhere for real dtypes, as <c>tensor.isreal()</c>.</summary>
        public Tensor isreal() => torch.isreal(this);
        /// <summary>NaN replaced by <paramref name="nan"/> and infinities by <paramref name="posinf"/>/<paramref name="neginf"/> (the dtype's extremes when null), as <c>tensor.nan_to_num</c>.</summary>
        public Tensor nan_to_num(double nan = 0.0, double? posinf = null, double? neginf = null) => torch.nan_to_num(this, nan, posinf, neginf);
        /// <summary>The in-place form of <c>nan_to_num</c>, as <c>tensor.nan_to_num_</c>.</summary>
        public Tensor nan_to_num_(double nan = 0.0, double? posinf = null, double? neginf = null) => torch.nan_to_num_(this, nan, posinf, neginf);

        /// <summary>Fills this bool tensor with one value (used where the answer does not depend on the data).</summary>
        internal Tensor fill_bool(bool value)
        {
            Backend.Fill(this, value);
            return this;
        }
    }
}

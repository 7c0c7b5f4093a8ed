using System.Numerics;
using Flint.Ops;
using Flint.Ops.Kernels;

namespace Flint.Ops.Kernels
{
    /// <summary>|x| that wraps at the integer minimum (as C++) instead of throwing.</summary>
    internal struct CloseAbsOp : INumericUnary
    {
        public static string Name => "abs";
        public static UnaryDerivative Derivative => AbsOp.Derivative;
        public static T Apply<T>(T x) where T : unmanaged, INumber<T> => x < T.Zero ? unchecked(T.Zero - x) : x;
    }

    internal struct CloseIsFiniteOp : IFloatPredicate
    {
        public static string Name => "isfinite";
        public static bool Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.IsFinite(x);
    }

    internal struct CloseIsNanOp : IFloatPredicate
    {
        public static string Name => "isnan";
        public static bool Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.IsNaN(x);
    }
}

namespace Flint
{
    public static partial class torch
    {
        /// <summary>
        /// Elementwise |input − other| ≤ atol + rtol × |other| (plus exact equality, so equal infinities are close);
        /// NaNs are close to each other only with equal_nan. Both tensors must have the same dtype.
        /// </summary>
        public static Tensor isclose(Tensor input, Tensor other, double rtol = 1e-05, double atol = 1e-08, bool equal_nan = false)
        {
            if (input.dtype != other.dtype)
                throw new ArgumentException($"{input.dtype.LegacyName} did not match {other.dtype.LegacyName}");
            if (rtol < 0) throw new ArgumentException($"rtol must be greater than or equal to zero, but got {CppFormat.Double(rtol)}");
            if (atol < 0) throw new ArgumentException($"atol must be greater than or equal to zero, but got {CppFormat.Double(atol)}");
            var close = eq(input, other);
            bool isFloat = input.dtype.is_floating_point;
            if (equal_nan && isFloat)
                close = logical_or(close, logical_and(Elementwise.FloatPredicate<CloseIsNanOp>(input, null), Elementwise.FloatPredicate<CloseIsNanOp>(other, null)));
            if (rtol == 0 && atol == 0) return close;
            var a = input.dtype.IsBool ? input.to(get_default_dtype()) : input;
            var b = other.dtype.IsBool ? other.to(get_default_dtype()) : other;
            var allowed = add(Elementwise.NumericUnary<CloseAbsOp>(mul(b, rtol), null), atol);
            var actual = Elementwise.NumericUnary<CloseAbsOp>(sub(a, b), null);
            var within = le(actual, allowed);
            if (actual.dtype.is_floating_point) within = logical_and(Elementwise.FloatPredicate<CloseIsFiniteOp>(actual, null), within);
            return logical_or(close, within);
        }

        /// <summary>True when every element pair is close in the sense of <see cref="isclose"/> (broadcasting).</summary>
        public static bool allclose(Tensor input, Tensor other, double rtol = 1e-05, double atol = 1e-08, bool equal_nan = false) =>
            !logical_not(isclose(input, other, rtol, atol, equal_nan)).AnyTrue();

        /// <summary>True when both tensors have the same shape and equal elements (NaN is never equal).</summary>
        public static bool equal(Tensor input, Tensor other)
        {
            Elementwise.CheckSameDevice(input, other);
            if (!input._shape.AsSpan().SequenceEqual(other._shape)) return false;
            if (input.is_meta || other.is_meta) throw MetaStorage.NoKernel("aten::equal");
            return !logical_not(eq(input, other)).AnyTrue();
        }
    }

    public partial class Tensor
    {
        /// <summary>Whether each element is within <c>atol + rtol * |other|</c> of <paramref name="other"/>, as <c>tensor.isclose</c>.</summary>
        public Tensor isclose(Tensor other, double rtol = 1e-05, double atol = 1e-08, bool equal_nan = false) => torch.isclose(this, other, rtol, atol, equal_nan);
        /// <summary>Whether all elements are close to <paramref name="other"/>, as <c>tensor.allclose</c>.</summary>
        public bool allclose(Tensor other, double rtol = 1e-05, double atol = 1e-08, bool equal_nan = false) => torch.allclose(this, other, rtol, atol, equal_nan);
        /// <summary>Whether the tensors have the same shape and elements, as <c>tensor.equal</c>.</summary>
        public bool equal(Tensor other) => torch.equal(this, other);
    }
}

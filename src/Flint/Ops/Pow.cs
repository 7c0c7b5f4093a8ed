using System.Numerics;
using Flint.Ops;
using Flint.Ops.Kernels;

namespace Flint.Ops.Kernels
{
    /// <summary>Power: exact repeated squaring for integers, Math.Pow for floats.</summary>
    internal struct PowOp : INumericBinary
    {
        public static string Name => "pow";
        public static BinaryDerivative Derivative { get; } = new((a, b) => b.IsWrappedNumber || (b.dim() == 0 && !b.requires_grad && a.dim() > 0) ? "PowBackward0" : a.IsWrappedNumber ? "PowBackward2" : "PowBackward1",
            (g, a, b, y, na, nb) =>
            {
                Tensor? ga = null, gb = null;
                if (na) ga = torch.where(b.eq(0), torch.zeros_like(g), g * b * a.pow(b - 1));
                if (nb) gb = torch.where(torch.logical_and(a.eq(0), b.ge(0)), torch.zeros_like(g), g * y * a.log());
                return (ga, gb);
            }, Saves.InputAndOutput, scalarOverload: true);
        public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T>
        {
            if (typeof(T) == typeof(float)) return (T)(object)MathF.Pow((float)(object)a, (float)(object)b);
            if (typeof(T) == typeof(double)) return (T)(object)Math.Pow((double)(object)a, (double)(object)b);
            if (b < T.Zero)
            {
                if (a == T.One) return T.One;
                if (a == -T.One) return T.IsEvenInteger(b) ? T.One : -T.One;
                return T.Zero;
            }
            T result = T.One, bas = a, e = b;
            T two = T.One + T.One;
            while (e != T.Zero)
            {
                if (!T.IsEvenInteger(e)) result = unchecked(result * bas);
                e /= two;
                bas = unchecked(bas * bas);
            }
            return result;
        }
    }
}

namespace Flint
{
    public static partial class torch
    {
        internal static void CheckPowDType(DType r)
        {
            if (r.IsBool) throw new NotSupportedException("\"pow\" not implemented for 'Bool'");
        }

        public static Tensor pow(Tensor input, Tensor exponent, Tensor? @out = null)
        {
            CheckPowDType(TypePromotion.ResultType(input, exponent));
            return Elementwise.NumericBinary<PowOp>(input, exponent, @out);
        }

        /// <summary>input ** exponent; an out= tensor must already have the result dtype (PyTorch's scalar-exponent kernel).</summary>
        public static Tensor pow(Tensor input, Scalar exponent, Tensor? @out = null)
        {
            if (!input.dtype.is_floating_point && exponent.IsIntegral && exponent.Long < 0)
                throw new ArgumentException("Integers to negative integer powers are not allowed.");
            var e = Scalars.Wrap(exponent);
            var r = TypePromotion.ResultType(input, e);
            CheckPowDType(r);
            CheckExactOut(@out, r);
            return Elementwise.NumericBinary<PowOp>(input, e, @out);
        }

        public static Tensor pow(Scalar self, Tensor exponent, Tensor? @out = null) => pow(Scalars.Wrap(self), exponent, @out);
        public static Tensor float_power(Tensor input, Tensor exponent, Tensor? @out = null) =>
            pow(input.to(float64), exponent.to(float64), @out);
    }

    public partial class Tensor
    {
        public Tensor pow(Tensor exponent) => torch.pow(this, exponent);
        public Tensor pow(Scalar exponent) => torch.pow(this, exponent);
        public Tensor pow_(Tensor exponent)
        {
            torch.CheckPowDType(Ops.TypePromotion.ResultType(this, exponent));
            return Elementwise.NumericBinary<PowOp>(this, exponent, null, true);
        }
        public Tensor pow_(Scalar exponent)
        {
            if (!dtype.is_floating_point && exponent.IsIntegral && exponent.Long < 0)
                throw new ArgumentException("Integers to negative integer powers are not allowed.");
            var e = Scalars.Wrap(exponent);
            var r = Ops.TypePromotion.ResultType(this, e);
            torch.CheckPowDType(r);
            torch.CheckExactOut(this, r);
            return Elementwise.NumericBinary<PowOp>(this, e, null, true);
        }
    }
}

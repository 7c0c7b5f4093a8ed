using System.Numerics;
using Flint.Ops;
using Flint.Ops.Kernels;

namespace Flint.Ops.Kernels
{
    /// <summary>Power: exact repeated squaring for integers, Math.Pow for floats.</summary>
    [ElementwiseOp("pow", Variants.Function | Variants.Method | Variants.InPlace | Variants.Out | Variants.Scalar | Variants.ScalarFirst, Other = "exponent",
        Summary = "input ** exponent; with a number exponent an out= tensor must already have the result dtype (PyTorch's scalar-exponent kernel).")]
    internal struct PowOp : INumericBinary
    {
        public static string Name => "pow";

        public static void CheckOperands(Tensor a, Tensor b, Tensor? @out, bool inPlace)
        {
            // a number exponent (b wrapped) goes to PyTorch's scalar-exponent kernel, which has its own rules
            bool number = b.IsWrappedNumber;
            if (number && !a.dtype.is_floating_point && Scalars.ValueOf(b) is { IsIntegral: true } e && e.Long < 0)
                throw new ArgumentException("Integers to negative integer powers are not allowed.");
            var r = TypePromotion.ResultType(a, b);
            if (r.IsBool) throw new NotSupportedException("\"pow\" not implemented for 'Bool'");
            if (number) OutArgument.CheckExactDType(inPlace ? a : @out, r);
        }
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
        /// <summary><paramref name="input"/> to the power <paramref name="exponent"/> in double precision (float64 result), as <c>torch.float_power</c>.</summary>
        public static Tensor float_power(Tensor input, Tensor exponent, Tensor? @out = null) =>
            pow(input.to(float64), exponent.to(float64), @out);
    }
}

using System.Numerics;
using System.Numerics.Tensors;
using Flint.Ops;
using Flint.Ops.Kernels;

// Sign operations: neg/negative (and unary -), abs/absolute, sign, sgn, square, positive (and unary +).
// They keep the input dtype (integers wrap as in C), and out= must have that dtype. neg, abs and sign (with their
// aliases) are declared with [ElementwiseOp]; square and positive have dtype rules of their own and are written here.

namespace Flint.Ops.Kernels
{
    [ElementwiseOp("neg", Variants.All, Error = "neg_cpu", Summary = "The negation -x of each element.")]
    [ElementwiseOp("negative", Variants.All, Error = "neg_cpu", Summary = "The negation -x of each element; alias of neg.")]
    internal struct NegOp : INumericUnary
    {
        public static string Name => "neg";
        public static void CheckInput(Tensor input)
        {
            if (input.dtype.IsBool)
                throw new ArgumentException("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
        }
        public static UnaryDerivative Derivative { get; } = new("NegBackward0", (g, x, y) => -g, Saves.None);
        public static T Apply<T>(T x) where T : unmanaged, INumber<T> => -x;
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, INumber<T> { TensorPrimitives.Negate(x, y); return true; }
    }

    /// <summary>|x|; the most negative integer stays itself (two's complement wrap), as PyTorch.</summary>
    [ElementwiseOp("abs", Variants.All, Error = "abs_cpu", Summary = "The absolute value of each element.")]
    [ElementwiseOp("absolute", Variants.All, Error = "abs_cpu", Summary = "The absolute value of each element; alias of abs.")]
    internal struct AbsOp : INumericUnary
    {
        public static string Name => "abs";
        public static UnaryDerivative Derivative { get; } = new("AbsBackward0", (g, x, y) => g * x.sign());
        public static T Apply<T>(T x) where T : unmanaged, INumber<T>
        {
            if (typeof(T) == typeof(float)) return (T)(object)MathF.Abs((float)(object)x);
            if (typeof(T) == typeof(double)) return (T)(object)Math.Abs((double)(object)x);
            return x < T.Zero ? -x : x;
        }
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, INumber<T>
        {
            if (!Num.IsFloat<T>()) return false;
            TensorPrimitives.Abs(x, y);
            return true;
        }
    }

    /// <summary>-1, 0 or 1; NaN and ±0 give 0.</summary>
    [ElementwiseOp("sign", Variants.All, Error = "sign_cpu", BoolOk = true, Summary = "The sign of each element: -1, 0 or 1 (bool stays bool).")]
    internal struct SignOp : INumericUnary
    {
        public static string Name => "sign";
        public static UnaryDerivative Derivative { get; } = new("SignBackward0", (g, x, y) => torch.zeros_like(g), Saves.None);
        public static T Apply<T>(T x) where T : unmanaged, INumber<T> => x > T.Zero ? T.One : x < T.Zero ? T.Zero - T.One : T.Zero;
    }

    /// <summary>The sign of a complex number's direction; for real tensors sign's values, under PyTorch's own node.</summary>
    [ElementwiseOp("sgn", Variants.All, Error = "sign_cpu", BoolOk = true, Summary = "The sign; for real tensors the same as <c>sign</c>.")]
    internal struct SgnOp : INumericUnary
    {
        public static string Name => "sgn";
        public static UnaryDerivative Derivative { get; } = new("SgnBackward0", (g, x, y) => torch.zeros_like(g), Saves.None);
        public static T Apply<T>(T x) where T : unmanaged, INumber<T> => SignOp.Apply(x);
    }

    internal struct SquareOp : INumericUnary
    {
        public static string Name => "square";
        public static UnaryDerivative Derivative { get; } = new("PowBackward0", (g, x, y) => g * x * 2);
        public static T Apply<T>(T x) where T : unmanaged, INumber<T> => x * x;
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, INumber<T> { TensorPrimitives.Multiply(x, x, y); return true; }
    }
}

namespace Flint
{
    public static partial class torch
    {
        /// <summary>input * input; bool squares as int64 (PyTorch computes it as pow(input, 2)).</summary>
        public static Tensor square(Tensor input, Tensor? @out = null)
        {
            if (input.dtype.IsBool)
            {
                if (@out is not null && @out.dtype != DType.Int64)
                    throw new InvalidOperationException($"Found dtype {@out.dtype.LegacyName} but expected Long");
                return Unary.Numeric<SquareOp>(input.to(DType.Int64), @out, false, "square");
            }
            return Unary.Numeric<SquareOp>(input, @out, false, "square");
        }

        /// <summary>Squares the elements in place, as <c>torch.square_</c>.</summary>
        public static Tensor square_(Tensor input)
        {
            if (input.dtype.IsBool) throw new InvalidOperationException("Found dtype Bool but expected Long");
            return Unary.Numeric<SquareOp>(input, null, true, "square");
        }

        /// <summary>Returns <paramref name="input"/> itself (bool tensors are refused, as PyTorch).</summary>
        public static Tensor positive(Tensor input)
        {
            if (input.dtype.IsBool) throw new ArgumentException("The `+` operator, on a bool tensor is not supported.");
            return input;
        }
    }

    public partial class Tensor
    {
        /// <summary>The square of each element, as <c>tensor.square()</c>.</summary>
        public Tensor square() => torch.square(this);
        /// <summary>Squares the elements in place, as <c>tensor.square_()</c>.</summary>
        public Tensor square_() => torch.square_(this);
        /// <summary>The tensor itself (for numeric dtypes), as <c>tensor.positive()</c>.</summary>
        public Tensor positive() => torch.positive(this);

        /// <summary><c>-a</c>: <c>torch.neg(a)</c>.</summary>
        public static Tensor operator -(Tensor a) => torch.neg(a);
        /// <summary><c>+a</c>: <c>torch.positive(a)</c>.</summary>
        public static Tensor operator +(Tensor a) => torch.positive(a);
    }
}

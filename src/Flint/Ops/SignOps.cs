using System.Numerics;
using System.Numerics.Tensors;
using Flint.Ops;
using Flint.Ops.Kernels;

// Sign operations: neg/negative (and unary -), abs/absolute, sign, sgn, square, positive (and unary +).
// They keep the input dtype (integers wrap as in C), and out= must have that dtype.

namespace Flint.Ops.Kernels
{
    internal struct NegOp : INumericUnary
    {
        public static string Name => "neg";
        public static UnaryDerivative Derivative { get; } = new("NegBackward0", (g, x, y) => -g, Saves.None);
        public static T Apply<T>(T x) where T : unmanaged, INumber<T> => -x;
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, INumber<T> { TensorPrimitives.Negate(x, y); return true; }
    }

    /// <summary>|x|; the most negative integer stays itself (two's complement wrap), as PyTorch.</summary>
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
    internal struct SignOp : INumericUnary
    {
        public static string Name => "sign";
        public static UnaryDerivative Derivative { get; } = new("SignBackward0", (g, x, y) => torch.zeros_like(g), Saves.None);
        public static T Apply<T>(T x) where T : unmanaged, INumber<T> => x > T.Zero ? T.One : x < T.Zero ? T.Zero - T.One : T.Zero;
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
        private const string BoolNegation = "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.";

        public static Tensor neg(Tensor input, Tensor? @out = null) => NegImpl(input, @out, false);
        public static Tensor neg_(Tensor input) => NegImpl(input, null, true);
        public static Tensor negative(Tensor input, Tensor? @out = null) => NegImpl(input, @out, false);
        public static Tensor negative_(Tensor input) => NegImpl(input, null, true);

        private static Tensor NegImpl(Tensor input, Tensor? @out, bool inPlace)
        {
            if (input.dtype.IsBool) throw new ArgumentException(BoolNegation);
            return Unary.Numeric<NegOp>(input, @out, inPlace, "neg_cpu");
        }

        public static Tensor abs(Tensor input, Tensor? @out = null) => Unary.Numeric<AbsOp>(input, @out, false, "abs_cpu");
        public static Tensor abs_(Tensor input) => Unary.Numeric<AbsOp>(input, null, true, "abs_cpu");
        public static Tensor absolute(Tensor input, Tensor? @out = null) => abs(input, @out);
        public static Tensor absolute_(Tensor input) => abs_(input);

        public static Tensor sign(Tensor input, Tensor? @out = null) => Unary.Numeric<SignOp>(input, @out, false, "sign_cpu", boolOk: true);
        public static Tensor sign_(Tensor input) => Unary.Numeric<SignOp>(input, null, true, "sign_cpu", boolOk: true);
        /// <summary>The sign; for real tensors the same as <see cref="sign(Tensor, Tensor?)"/>.</summary>
        public static Tensor sgn(Tensor input, Tensor? @out = null) => sign(input, @out);
        public static Tensor sgn_(Tensor input) => sign_(input);

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
        public Tensor neg() => torch.neg(this);
        public Tensor neg_() => torch.neg_(this);
        public Tensor negative() => torch.negative(this);
        public Tensor negative_() => torch.negative_(this);
        public Tensor abs() => torch.abs(this);
        public Tensor abs_() => torch.abs_(this);
        public Tensor absolute() => torch.absolute(this);
        public Tensor absolute_() => torch.absolute_(this);
        public Tensor sign() => torch.sign(this);
        public Tensor sign_() => torch.sign_(this);
        public Tensor sgn() => torch.sgn(this);
        public Tensor sgn_() => torch.sgn_(this);
        public Tensor square() => torch.square(this);
        public Tensor square_() => torch.square_(this);
        public Tensor positive() => torch.positive(this);

        public static Tensor operator -(Tensor a) => torch.neg(a);
        public static Tensor operator +(Tensor a) => torch.positive(a);
    }
}

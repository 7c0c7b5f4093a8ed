using System.Numerics;
using System.Numerics.Tensors;
using Flint.Ops;
using Flint.Ops.Kernels;

namespace Flint.Ops.Kernels
{
    internal struct AddOp : INumericBinary
    {
        public static string Name => "add";
        public static BinaryDerivative Derivative { get; } = new("AddBackward0", (g, a, b, y) => (g, g), Saves.None);
        public static Backends.KernelId Kernel => Backends.KernelId.Add;
        public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a + b;
        public static bool Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, INumber<T> { TensorPrimitives.Add(a, b, y); return true; }
    }

    internal struct SubOp : INumericBinary
    {
        public static string Name => "sub";
        public static BinaryDerivative Derivative { get; } = new("SubBackward0", (g, a, b, y) => (g, -g), Saves.None);
        public static Backends.KernelId Kernel => Backends.KernelId.Sub;
        public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a - b;
        public static bool Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, INumber<T> { TensorPrimitives.Subtract(a, b, y); return true; }
    }

    internal struct MulOp : INumericBinary
    {
        public static string Name => "mul";
        public static BinaryDerivative Derivative { get; } = new("MulBackward0", (g, a, b, y, na, nb) => (na ? g * b : null, nb ? g * a : null));
        public static Backends.KernelId Kernel => Backends.KernelId.Mul;
        public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a * b;
        public static bool Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, INumber<T> { TensorPrimitives.Multiply(a, b, y); return true; }
    }

    internal struct DivOp : IFloatBinary
    {
        public static string Name => "div";
        public static BinaryDerivative Derivative { get; } = new("DivBackward0", (g, a, b, y, na, nb) => (na ? g / b : null, nb ? -g * a / (b * b) : null));
        public static Backends.KernelId Kernel => Backends.KernelId.Div;
        public static T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a / b;
        public static bool Span<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Divide(a, b, y); return true; }
    }

    /// <summary>Division rounded toward zero (integers divide exactly; floats truncate the quotient).</summary>
    internal struct DivTruncOp : INumericBinary
    {
        public static string Name => "div_trunc";
        public static void CheckOperands(Tensor a, Tensor b, Tensor? @out, bool inPlace) => Division.CheckIntegerDivisor(a, b, "div_trunc_cpu");
        public static BinaryDerivative Derivative { get; } = new((a, b) => b.IsWrappedNumber ? "DivBackward3" : "DivBackward2", (g, a, b, y, _, _) => (torch.zeros_like(g), torch.zeros_like(g)), Saves.None, scalarOverload: true);
        public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T>
        {
            if (Num.IsFloat<T>()) return Num.Trunc(a / b);
            if (Num.IsMinusOne(b)) return T.Zero - a; // wraps for the minimum value, as PyTorch for int8/int16
            return a / b;
        }
    }

    /// <summary>Division rounded toward negative infinity (Python's //).</summary>
    internal struct DivFloorOp : INumericBinary
    {
        public static string Name => "div_floor";
        public static void CheckOperands(Tensor a, Tensor b, Tensor? @out, bool inPlace) => Division.CheckIntegerDivisor(a, b, "div_floor_cpu");
        public static BinaryDerivative Derivative { get; } = new((a, b) => b.IsWrappedNumber ? "DivBackward3" : "DivBackward2", (g, a, b, y, _, _) => (torch.zeros_like(g), torch.zeros_like(g)), Saves.None, scalarOverload: true);
        public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T>
        {
            if (Num.IsFloat<T>())
            {
                if (b == T.Zero) return a / b;
                T mod = Num.Fmod(a, b);
                T div = (a - mod) / b;
                if (mod != T.Zero && (b < T.Zero) != (mod < T.Zero)) div -= T.One;
                if (div != T.Zero)
                {
                    T fl = Num.Floor(div);
                    if (div - fl > T.CreateTruncating(0.5)) fl += T.One;
                    return fl;
                }
                return Num.CopySign(T.Zero, a / b);
            }
            if (Num.IsMinusOne(b)) return T.Zero - a;
            T q = a / b, r = a % b;
            if (r != T.Zero && (r < T.Zero) != (b < T.Zero)) q -= T.One;
            return q;
        }
    }

    /// <summary>Python's modulus: the result takes the divisor's sign.</summary>
    [ElementwiseOp("remainder", Variants.Function | Variants.Method | Variants.InPlace | Variants.Out | Variants.Scalar | Variants.ScalarFirst, Operator = "%", Summary = "The remainder of input / other with the sign of the divisor (Python modulo), broadcast and promoted.")]
    internal struct RemainderOp : INumericBinary
    {
        public static string Name => "remainder";
        public static void CheckOperands(Tensor a, Tensor b, Tensor? @out, bool inPlace) => Division.CheckIntegerDivisor(a, b, "remainder_cpu");
        public static BinaryDerivative Derivative { get; } = new((a, b) => b.IsWrappedNumber ? "RemainderBackward0" : "RemainderBackward1",
            (g, a, b, y, _, _) => (g, -g * a.div(b, rounding_mode: "floor")), scalarOverload: true);
        public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T>
        {
            if (Num.IsFloat<T>())
            {
                T mod = Num.Fmod(a, b);
                if (mod != T.Zero && (b < T.Zero) != (mod < T.Zero)) mod += b;
                return mod;
            }
            if (Num.IsMinusOne(b)) return T.Zero;
            T r = a % b;
            if (r != T.Zero && (r < T.Zero) != (b < T.Zero)) r += b;
            return r;
        }
    }

    /// <summary>C's fmod: the result takes the dividend's sign.</summary>
    [ElementwiseOp("fmod", Variants.Function | Variants.Method | Variants.InPlace | Variants.Out | Variants.Scalar, Summary = "The remainder of input / other with the sign of the dividend (C fmod), broadcast and promoted.")]
    internal struct FmodOp : INumericBinary
    {
        public static string Name => "fmod";
        public static void CheckOperands(Tensor a, Tensor b, Tensor? @out, bool inPlace) => Division.CheckIntegerDivisor(a, b, "fmod_cpu");
        public static BinaryDerivative Derivative { get; } = new((a, b) => b.IsWrappedNumber ? "FmodBackward0" : "FmodBackward1",
            (g, a, b, y, _, _) => (g, -g * a.div(b, rounding_mode: "trunc")), scalarOverload: true);
        public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T>
        {
            if (Num.IsFloat<T>()) return Num.Fmod(a, b);
            if (Num.IsMinusOne(b)) return T.Zero;
            return a % b;
        }
    }
}

namespace Flint
{
    public static partial class torch
    {
        /// <summary>input + alpha × other, broadcast and promoted.</summary>
        public static Tensor add(Tensor input, Tensor other, Scalar? alpha = null, Tensor? @out = null) => AddSubtract.Run(input, other, alpha, @out, false, false);
        /// <summary><c>input + alpha * other</c> with a number as <paramref name="other"/>, as <c>torch.add(input, other, alpha=...)</c>.</summary>
        public static Tensor add(Tensor input, Scalar other, Scalar? alpha = null, Tensor? @out = null) =>
            alpha is null && @out is null && Elementwise.TryNumber<AddOp>(input, other, false, out var r) ? r : add(input, Scalars.Wrap(other), alpha, @out);

        /// <summary>input − alpha × other, broadcast and promoted (refused for bool tensors).</summary>
        public static Tensor sub(Tensor input, Tensor other, Scalar? alpha = null, Tensor? @out = null) => AddSubtract.Run(input, other, alpha, @out, false, true);
        /// <summary><c>input - alpha * other</c> with a number as <paramref name="other"/>, as <c>torch.sub</c>.</summary>
        public static Tensor sub(Tensor input, Scalar other, Scalar? alpha = null, Tensor? @out = null) =>
            alpha is null && @out is null && Elementwise.TryNumber<SubOp>(input, other, false, out var r) ? r : sub(input, Scalars.Wrap(other), alpha, @out);
        /// <summary>Alias of <c>sub</c>, as <c>torch.subtract</c>.</summary>
        public static Tensor subtract(Tensor input, Tensor other, Scalar? alpha = null, Tensor? @out = null) => sub(input, other, alpha, @out);

        /// <summary>The elementwise product, broadcast and type-promoted, as <c>torch.mul(input, other)</c>.</summary>
        public static Tensor mul(Tensor input, Tensor other, Tensor? @out = null)
        {
            if (input.dtype.IsBool && other.dtype.IsBool) return logical_and(input, other, @out);   // only two bools promote to bool
            return Elementwise.NumericBinary<MulOp>(input, other, @out);
        }
        /// <summary>The product with a number, as <c>torch.mul(input, other)</c>.</summary>
        public static Tensor mul(Tensor input, Scalar other, Tensor? @out = null) =>
            @out is null && Elementwise.TryNumber<MulOp>(input, other, false, out var r) ? r : mul(input, Scalars.Wrap(other), @out);
        /// <summary>Alias of <c>mul</c>, as <c>torch.multiply</c>.</summary>
        public static Tensor multiply(Tensor input, Tensor other, Tensor? @out = null) => mul(input, other, @out);

        /// <summary>Division. rounding_mode null is true division (always floating), "trunc" or "floor" keep integer dtypes.</summary>
        public static Tensor div(Tensor input, Tensor other, string? rounding_mode = null, Tensor? @out = null) =>
            Division.Run(input, other, rounding_mode, @out, false);
        /// <summary>Division by a number, as <c>torch.div</c>; <paramref name="rounding_mode"/> is null (true division), <c>"trunc"</c> or <c>"floor"</c>.</summary>
        public static Tensor div(Tensor input, Scalar other, string? rounding_mode = null, Tensor? @out = null) =>
            rounding_mode is null && @out is null && Elementwise.TryNumberFloat<DivOp>(input, other, false, out var r) ? r : div(input, Scalars.Wrap(other), rounding_mode, @out);
        /// <summary>Alias of <c>div</c>, as <c>torch.divide</c>.</summary>
        public static Tensor divide(Tensor input, Tensor other, string? rounding_mode = null, Tensor? @out = null) => div(input, other, rounding_mode, @out);
        /// <summary>True division (integers give floats), as <c>torch.true_divide</c>.</summary>
        public static Tensor true_divide(Tensor input, Tensor other, Tensor? @out = null) => div(input, other, null, @out);
        /// <summary>Division rounded toward negative infinity, as <c>torch.floor_divide</c>.</summary>
        public static Tensor floor_divide(Tensor input, Tensor other, Tensor? @out = null) => Division.FloorDivide(input, other, @out, "aten::floor_divide");
        /// <summary>Division by a number rounded toward negative infinity, as <c>torch.floor_divide</c>.</summary>
        public static Tensor floor_divide(Tensor input, Scalar other, Tensor? @out = null) => Division.FloorDivide(input, Scalars.Wrap(other), @out, "aten::floor_divide");
    }

    public partial class Tensor
    {
        /// <summary><c>this + alpha * other</c>, as <c>tensor.add(other, alpha=...)</c>.</summary>
        public Tensor add(Tensor other, Scalar? alpha = null) => torch.add(this, other, alpha);
        /// <summary><c>this + alpha * other</c> with a number, as <c>tensor.add</c>.</summary>
        public Tensor add(Scalar other, Scalar? alpha = null) => torch.add(this, other, alpha);
        /// <summary>Adds <c>alpha * other</c> to this tensor in place, as <c>tensor.add_</c>.</summary>
        public Tensor add_(Tensor other, Scalar? alpha = null) => AddSubtract.Run(this, other, alpha, null, true, false);
        /// <summary>Adds <c>alpha * other</c> (a number) to this tensor in place, as <c>tensor.add_</c>.</summary>
        public Tensor add_(Scalar other, Scalar? alpha = null) =>
            alpha is null && Elementwise.TryNumberInPlace<AddOp>(this, other) ? this : add_(Scalars.Wrap(other), alpha);

        /// <summary><c>this - alpha * other</c>, as <c>tensor.sub</c>.</summary>
        public Tensor sub(Tensor other, Scalar? alpha = null) => torch.sub(this, other, alpha);
        /// <summary><c>this - alpha * other</c> with a number, as <c>tensor.sub</c>.</summary>
        public Tensor sub(Scalar other, Scalar? alpha = null) => torch.sub(this, other, alpha);
        /// <summary>Subtracts <c>alpha * other</c> from this tensor in place, as <c>tensor.sub_</c>.</summary>
        public Tensor sub_(Tensor other, Scalar? alpha = null) => AddSubtract.Run(this, other, alpha, null, true, true);
        /// <summary>Subtracts <c>alpha * other</c> (a number) from this tensor in place, as <c>tensor.sub_</c>.</summary>
        public Tensor sub_(Scalar other, Scalar? alpha = null) =>
            alpha is null && Elementwise.TryNumberInPlace<SubOp>(this, other) ? this : sub_(Scalars.Wrap(other), alpha);

        /// <summary>The elementwise product, as <c>tensor.mul(other)</c>.</summary>
        public Tensor mul(Tensor other) => torch.mul(this, other);
        /// <summary>The product with a number, as <c>tensor.mul(other)</c>.</summary>
        public Tensor mul(Scalar other) => torch.mul(this, other);
        /// <summary>Multiplies this tensor by <paramref name="other"/> in place, as <c>tensor.mul_</c>.</summary>
        public Tensor mul_(Tensor other)
        {
            if (dtype.IsBool && other.dtype.IsBool) return logical_and_(other);
            return Elementwise.NumericBinary<MulOp>(this, other, null, inPlace: true);
        }
        /// <summary>Multiplies this tensor by a number in place, as <c>tensor.mul_</c>.</summary>
        public Tensor mul_(Scalar other) => Elementwise.TryNumberInPlace<MulOp>(this, other) ? this : mul_(Scalars.Wrap(other));

        /// <summary>Division, as <c>tensor.div(other, rounding_mode)</c>; <paramref name="rounding_mode"/> is null, <c>"trunc"</c> or <c>"floor"</c>.</summary>
        public Tensor div(Tensor other, string? rounding_mode = null) => torch.div(this, other, rounding_mode);
        /// <summary>Division by a number, as <c>tensor.div</c>.</summary>
        public Tensor div(Scalar other, string? rounding_mode = null) => torch.div(this, other, rounding_mode);
        /// <summary>Divides this tensor by <paramref name="other"/> in place, as <c>tensor.div_</c>.</summary>
        public Tensor div_(Tensor other, string? rounding_mode = null) => Division.Run(this, other, rounding_mode, null, true);
        /// <summary>Divides this tensor by a number in place, as <c>tensor.div_</c>.</summary>
        public Tensor div_(Scalar other, string? rounding_mode = null) =>
            rounding_mode is null && Elementwise.TryNumberInPlaceFloat<DivOp>(this, other) ? this : div_(Scalars.Wrap(other), rounding_mode);
        /// <summary>Division rounded toward negative infinity, as <c>tensor.floor_divide</c>.</summary>
        public Tensor floor_divide(Tensor other) => torch.floor_divide(this, other);
        /// <summary>Division by a number rounded toward negative infinity, as <c>tensor.floor_divide</c>.</summary>
        public Tensor floor_divide(Scalar other) => torch.floor_divide(this, other);
        /// <summary>Floor-divides this tensor by <paramref name="other"/> in place, as <c>tensor.floor_divide_</c>.</summary>
        public Tensor floor_divide_(Tensor other)
        {
            if (!Autograd.Differentiation.NeedsInPlace(this, other)) return div_(other, "floor");
            Elementwise.CheckInPlace(this, Shape.Broadcast(_shape, other._shape), TypePromotion.ResultType(this, other));
            return Autograd.Differentiation.InPlace(this, old => Division.FloorDivide(old, other, null, "aten::floor_divide_"));
        }

        /// <summary>Floor-divides this tensor by a number in place, as <c>tensor.floor_divide_</c>.</summary>
        public Tensor floor_divide_(Scalar other) => floor_divide_(Scalars.Wrap(other));

        /// <summary><c>a + b</c>: <c>torch.add(a, b)</c>.</summary>
        public static Tensor operator +(Tensor a, Tensor b) => torch.add(a, b);
        /// <summary><c>a + b</c>: <c>torch.add(a, b)</c>.</summary>
        public static Tensor operator +(Tensor a, Scalar b) => torch.add(a, b);
        /// <summary><c>a + b</c>: <c>torch.add(a, b)</c>.</summary>
        public static Tensor operator +(Scalar a, Tensor b) => Elementwise.TryNumber<AddOp>(b, a, true, out var r) ? r : torch.add(Scalars.Wrap(a), b);
        /// <summary><c>a - b</c>: <c>torch.sub(a, b)</c>.</summary>
        public static Tensor operator -(Tensor a, Tensor b) => torch.sub(a, b);
        /// <summary><c>a - b</c>: <c>torch.sub(a, b)</c>.</summary>
        public static Tensor operator -(Tensor a, Scalar b) => torch.sub(a, b);
        /// <summary><c>a - b</c>: <c>torch.sub(a, b)</c>.</summary>
        public static Tensor operator -(Scalar a, Tensor b) => Elementwise.TryNumber<SubOp>(b, a, true, out var r) ? r : torch.sub(Scalars.Wrap(a), b);
        /// <summary><c>a * b</c>: <c>torch.mul(a, b)</c>.</summary>
        public static Tensor operator *(Tensor a, Tensor b) => torch.mul(a, b);
        /// <summary><c>a * b</c>: <c>torch.mul(a, b)</c>.</summary>
        public static Tensor operator *(Tensor a, Scalar b) => torch.mul(a, b);
        /// <summary><c>a * b</c>: <c>torch.mul(a, b)</c>.</summary>
        public static Tensor operator *(Scalar a, Tensor b) => Elementwise.TryNumber<MulOp>(b, a, true, out var r) ? r : torch.mul(Scalars.Wrap(a), b);
        /// <summary><c>a / b</c>: <c>torch.div(a, b)</c> (true division).</summary>
        public static Tensor operator /(Tensor a, Tensor b) => torch.div(a, b);
        /// <summary><c>a / b</c>: <c>torch.div(a, b)</c> (true division).</summary>
        public static Tensor operator /(Tensor a, Scalar b) => torch.div(a, b);
        /// <summary>number / tensor is the reciprocal times the number, as Python's <c>__rtruediv__</c> on tensors.</summary>
        public static Tensor operator /(Scalar a, Tensor b) => b.reciprocal() * a;
    }
}

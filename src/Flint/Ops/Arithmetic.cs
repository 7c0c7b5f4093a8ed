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
    internal struct RemainderOp : INumericBinary
    {
        public static string Name => "remainder";
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
    internal struct FmodOp : INumericBinary
    {
        public static string Name => "fmod";
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
        private static void CheckAlpha(DType result, Scalar alpha)
        {
            if (alpha.IsBool && !result.IsBool)
                throw new ArgumentException("Boolean alpha only supported for Boolean results.");
            if (!result.is_floating_point && alpha.IsFloating)
                throw new ArgumentException("For integral input tensors, argument alpha must not be a floating point number.");
        }

        private const string SubTwoBools = "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.";
        private const string SubOneBool = "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.";

        /// <summary>input ± alpha × other, with alpha applied in the compute dtype so half types round once (as PyTorch).</summary>
        internal static Tensor AddSub(Tensor input, Tensor other, Scalar? alpha, Tensor? @out, bool inPlace, bool isSub)
        {
            if (isSub && (input.dtype.IsBool || other.dtype.IsBool))
                throw new ArgumentException(input.dtype.IsBool && other.dtype.IsBool ? SubTwoBools : SubOneBool);
            var result = TypePromotion.ResultType(input, other);
            if (alpha is { } al) CheckAlpha(result, al);
            if (result.IsBool)
            {
                // bool + bool is logical or; alpha false drops other (its shape still broadcasts)
                var b = alpha is { } a0 && !a0.AsBool ? logical_and(other, Scalars.Full(false, DType.Bool, other.device)) : other;
                return inPlace ? input.logical_or_(b) : logical_or(input, b, @out);
            }
            Tensor? bPrepared = null;
            if (alpha is { } a2 && !(a2.IsIntegral && a2.Long == 1) && Autograd.Differentiation.NeedsInPlace(input, other))
            {
                // one AddBackward0/SubBackward0 node whose backward scales other's gradient by alpha, as PyTorch
                Autograd.Differentiation.CheckOut(@out, input, other);
                if (inPlace) return Autograd.Differentiation.InPlace(input, old => AddSub(old, other, alpha, null, false, isSub));
                Tensor y;
                using (new Autograd.GradModeScope(false)) y = AddSub(input, other, alpha, null, false, isSub);
                double av = isSub ? -a2.ToDouble() : a2.ToDouble();
                return Autograd.Differentiation.RecordBinary(isSub ? "SubBackward0" : "AddBackward0", input, other, y, g => (g, g * av));
            }
            else if (alpha is { } a1 && !(a1.IsIntegral && a1.Long == 1))
            {
                var compute = Elementwise.ComputeType(result);
                var bc = Elementwise.Prep(other, result, compute);
                if (compute == result && Elementwise.TryScaledScratch(bc, a1, out var scaled))
                {
                    // alpha × other in per-thread scratch memory (the add reads it at once and nothing keeps it);
                    // it stands in for other, so same-shape operands take the direct route
                    other = scaled;
                }
                else
                {
                    bPrepared = Tensor.Empty(bc._shape, compute, bc.device);
                    bPrepared.Backend.NumericBinary<MulOp>(bc, Scalars.Full(a1, compute, bc.device), bPrepared);
                }
            }
            return isSub
                ? Elementwise.NumericBinary<SubOp>(input, other, @out, inPlace, result, bPrepared)
                : Elementwise.NumericBinary<AddOp>(input, other, @out, inPlace, result, bPrepared);
        }

        /// <summary>input + alpha × other, broadcast and promoted.</summary>
        public static Tensor add(Tensor input, Tensor other, Scalar? alpha = null, Tensor? @out = null) => AddSub(input, other, alpha, @out, false, false);
        public static Tensor add(Tensor input, Scalar other, Scalar? alpha = null, Tensor? @out = null) =>
            alpha is null && @out is null && Elementwise.TryNumber<AddOp>(input, other, false, out var r) ? r : add(input, Scalars.Wrap(other), alpha, @out);

        /// <summary>input − alpha × other, broadcast and promoted (refused for bool tensors).</summary>
        public static Tensor sub(Tensor input, Tensor other, Scalar? alpha = null, Tensor? @out = null) => AddSub(input, other, alpha, @out, false, true);
        public static Tensor sub(Tensor input, Scalar other, Scalar? alpha = null, Tensor? @out = null) =>
            alpha is null && @out is null && Elementwise.TryNumber<SubOp>(input, other, false, out var r) ? r : sub(input, Scalars.Wrap(other), alpha, @out);
        public static Tensor subtract(Tensor input, Tensor other, Scalar? alpha = null, Tensor? @out = null) => sub(input, other, alpha, @out);

        public static Tensor mul(Tensor input, Tensor other, Tensor? @out = null)
        {
            if (TypePromotion.ResultType(input, other).IsBool) return logical_and(input, other, @out);
            return Elementwise.NumericBinary<MulOp>(input, other, @out);
        }
        public static Tensor mul(Tensor input, Scalar other, Tensor? @out = null) =>
            @out is null && Elementwise.TryNumber<MulOp>(input, other, false, out var r) ? r : mul(input, Scalars.Wrap(other), @out);
        public static Tensor multiply(Tensor input, Tensor other, Tensor? @out = null) => mul(input, other, @out);

        /// <summary>Division. rounding_mode null is true division (always floating), "trunc" or "floor" keep integer dtypes.</summary>
        public static Tensor div(Tensor input, Tensor other, string? rounding_mode = null, Tensor? @out = null) =>
            DivImpl(input, other, rounding_mode, @out, false);
        public static Tensor div(Tensor input, Scalar other, string? rounding_mode = null, Tensor? @out = null) =>
            rounding_mode is null && @out is null && Elementwise.TryNumberFloat<DivOp>(input, other, false, out var r) ? r : div(input, Scalars.Wrap(other), rounding_mode, @out);
        public static Tensor divide(Tensor input, Tensor other, string? rounding_mode = null, Tensor? @out = null) => div(input, other, rounding_mode, @out);
        public static Tensor true_divide(Tensor input, Tensor other, Tensor? @out = null) => div(input, other, null, @out);
        public static Tensor floor_divide(Tensor input, Tensor other, Tensor? @out = null) => FloorDivide(input, other, @out, "aten::floor_divide");
        public static Tensor floor_divide(Tensor input, Scalar other, Tensor? @out = null) => FloorDivide(input, Scalars.Wrap(other), @out, "aten::floor_divide");

        // PyTorch gives floor_divide no derivative (unlike div with rounding_mode="floor"): its node fails on backward
        internal static Tensor FloorDivide(Tensor input, Tensor other, Tensor? @out, string atenOp)
        {
            if (!Autograd.Differentiation.NeedsInPlace(input, other)) return div(input, other, "floor", @out);
            Autograd.Differentiation.CheckOut(@out, "floor_divide", input, other);
            Tensor y;
            using (new Autograd.GradModeScope(false)) y = div(input, other, "floor");
            if (!y.dtype.is_floating_point) return y;
            return other.IsWrappedNumber ? Autograd.Differentiation.NotDifferentiable(y, atenOp, input)
                : Autograd.Differentiation.NotDifferentiable(y, atenOp, input, other);
        }

        internal static Tensor DivImpl(Tensor input, Tensor other, string? mode, Tensor? @out, bool inPlace)
        {
            switch (mode)
            {
                case null: return Elementwise.FloatBinary<DivOp>(input, other, @out, inPlace);
                case "trunc": CheckIntegerDivisor(input, other, "div_trunc_cpu"); return Elementwise.NumericBinary<DivTruncOp>(input, other, @out, inPlace);
                case "floor": CheckIntegerDivisor(input, other, "div_floor_cpu"); return Elementwise.NumericBinary<DivFloorOp>(input, other, @out, inPlace);
                default:
                    throw new ArgumentException($"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{mode}'");
            }
        }

        /// <summary>
        /// Integer division by zero is an error in PyTorch (checked before anything is written); the integer
        /// division kernels have no bool version.
        /// </summary>
        internal static void CheckIntegerDivisor(Tensor input, Tensor other, string kernel)
        {
            var r = TypePromotion.ResultType(input, other);
            if (r.IsBool) throw new NotSupportedException($"\"{kernel}\" not implemented for 'Bool'");
            if (!r.is_floating_point && Elementwise.As(other, Elementwise.ComputeType(r)).ContainsZero())
                throw new DivideByZeroException("ZeroDivisionError");
        }

        public static Tensor remainder(Tensor input, Tensor other, Tensor? @out = null)
        {
            CheckIntegerDivisor(input, other, "remainder_cpu");
            return Elementwise.NumericBinary<RemainderOp>(input, other, @out);
        }
        public static Tensor remainder(Tensor input, Scalar other, Tensor? @out = null) => remainder(input, Scalars.Wrap(other), @out);
        public static Tensor remainder(Scalar self, Tensor other, Tensor? @out = null) => remainder(Scalars.Wrap(self), other, @out);

        public static Tensor fmod(Tensor input, Tensor other, Tensor? @out = null)
        {
            CheckIntegerDivisor(input, other, "fmod_cpu");
            return Elementwise.NumericBinary<FmodOp>(input, other, @out);
        }
        public static Tensor fmod(Tensor input, Scalar other, Tensor? @out = null) => fmod(input, Scalars.Wrap(other), @out);
    }

    public partial class Tensor
    {
        public Tensor add(Tensor other, Scalar? alpha = null) => torch.add(this, other, alpha);
        public Tensor add(Scalar other, Scalar? alpha = null) => torch.add(this, other, alpha);
        public Tensor add_(Tensor other, Scalar? alpha = null) => torch.AddSub(this, other, alpha, null, true, false);
        public Tensor add_(Scalar other, Scalar? alpha = null) => add_(Scalars.Wrap(other), alpha);

        public Tensor sub(Tensor other, Scalar? alpha = null) => torch.sub(this, other, alpha);
        public Tensor sub(Scalar other, Scalar? alpha = null) => torch.sub(this, other, alpha);
        public Tensor sub_(Tensor other, Scalar? alpha = null) => torch.AddSub(this, other, alpha, null, true, true);
        public Tensor sub_(Scalar other, Scalar? alpha = null) => sub_(Scalars.Wrap(other), alpha);

        public Tensor mul(Tensor other) => torch.mul(this, other);
        public Tensor mul(Scalar other) => torch.mul(this, other);
        public Tensor mul_(Tensor other)
        {
            if (dtype.IsBool && other.dtype.IsBool) return logical_and_(other);
            return Elementwise.NumericBinary<MulOp>(this, other, null, inPlace: true);
        }
        public Tensor mul_(Scalar other) => mul_(Scalars.Wrap(other));

        public Tensor div(Tensor other, string? rounding_mode = null) => torch.div(this, other, rounding_mode);
        public Tensor div(Scalar other, string? rounding_mode = null) => torch.div(this, other, rounding_mode);
        public Tensor div_(Tensor other, string? rounding_mode = null)
        {
            return torch.DivImpl(this, other, rounding_mode, null, true);
        }
        public Tensor div_(Scalar other, string? rounding_mode = null) => div_(Scalars.Wrap(other), rounding_mode);
        public Tensor floor_divide(Tensor other) => torch.floor_divide(this, other);
        public Tensor floor_divide(Scalar other) => torch.floor_divide(this, other);
        public Tensor floor_divide_(Tensor other)
        {
            if (!Autograd.Differentiation.NeedsInPlace(this, other)) return div_(other, "floor");
            Elementwise.CheckInPlace(this, Shape.Broadcast(_shape, other._shape), TypePromotion.ResultType(this, other));
            return Autograd.Differentiation.InPlace(this, old => torch.FloorDivide(old, other, null, "aten::floor_divide_"));
        }

        public Tensor floor_divide_(Scalar other) => floor_divide_(Scalars.Wrap(other));

        public Tensor remainder(Tensor other) => torch.remainder(this, other);
        public Tensor remainder(Scalar other) => torch.remainder(this, other);
        public Tensor remainder_(Tensor other) { torch.CheckIntegerDivisor(this, other, "remainder_cpu"); return Elementwise.NumericBinary<RemainderOp>(this, other, null, true); }
        public Tensor remainder_(Scalar other) => remainder_(Scalars.Wrap(other));
        public Tensor fmod(Tensor other) => torch.fmod(this, other);
        public Tensor fmod(Scalar other) => torch.fmod(this, other);
        public Tensor fmod_(Tensor other) { torch.CheckIntegerDivisor(this, other, "fmod_cpu"); return Elementwise.NumericBinary<FmodOp>(this, other, null, true); }
        public Tensor fmod_(Scalar other) => fmod_(Scalars.Wrap(other));

        public static Tensor operator +(Tensor a, Tensor b) => torch.add(a, b);
        public static Tensor operator +(Tensor a, Scalar b) => torch.add(a, b);
        public static Tensor operator +(Scalar a, Tensor b) => Elementwise.TryNumber<AddOp>(b, a, true, out var r) ? r : torch.add(Scalars.Wrap(a), b);
        public static Tensor operator -(Tensor a, Tensor b) => torch.sub(a, b);
        public static Tensor operator -(Tensor a, Scalar b) => torch.sub(a, b);
        public static Tensor operator -(Scalar a, Tensor b) => Elementwise.TryNumber<SubOp>(b, a, true, out var r) ? r : torch.sub(Scalars.Wrap(a), b);
        public static Tensor operator *(Tensor a, Tensor b) => torch.mul(a, b);
        public static Tensor operator *(Tensor a, Scalar b) => torch.mul(a, b);
        public static Tensor operator *(Scalar a, Tensor b) => Elementwise.TryNumber<MulOp>(b, a, true, out var r) ? r : torch.mul(Scalars.Wrap(a), b);
        public static Tensor operator /(Tensor a, Tensor b) => torch.div(a, b);
        public static Tensor operator /(Tensor a, Scalar b) => torch.div(a, b);
        /// <summary>number / tensor is the reciprocal times the number, as Python's <c>__rtruediv__</c> on tensors.</summary>
        public static Tensor operator /(Scalar a, Tensor b) => b.reciprocal() * a;
        public static Tensor operator %(Tensor a, Tensor b) => torch.remainder(a, b);
        public static Tensor operator %(Tensor a, Scalar b) => torch.remainder(a, b);
        public static Tensor operator %(Scalar a, Tensor b) => torch.remainder(Scalars.Wrap(a), b);
    }
}

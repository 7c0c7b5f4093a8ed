using System.Numerics;
using System.Runtime.CompilerServices;
using Flint.Ops;
using Flint.Ops.Kernels;

namespace Flint.Ops.Kernels
{
    internal struct BitAndOp : IIntegerBinary
    {
        public static string Name => "bitwise_and_cpu";
        public static T Apply<T>(T a, T b) where T : unmanaged, IBinaryInteger<T> => a & b;
    }

    internal struct BitOrOp : IIntegerBinary
    {
        public static string Name => "bitwise_or_cpu";
        public static T Apply<T>(T a, T b) where T : unmanaged, IBinaryInteger<T> => a | b;
    }

    internal struct BitXorOp : IIntegerBinary
    {
        public static string Name => "bitwise_xor_cpu";
        public static T Apply<T>(T a, T b) where T : unmanaged, IBinaryInteger<T> => a ^ b;
    }

    internal static class ShiftMath
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static int Bits<T>() => Unsafe.SizeOf<T>() * 8;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static bool OutOfRange<T>(T b) where T : unmanaged, IBinaryInteger<T> =>
            T.IsNegative(b) || long.CreateTruncating(b) >= Bits<T>();
    }

    /// <summary>a &lt;&lt; b, wrapping; a shift by a negative amount or by the bit width or more gives 0.</summary>
    internal struct LeftShiftOp : IIntegerBinary
    {
        public static string Name => "lshift_cpu";
        public static T Apply<T>(T a, T b) where T : unmanaged, IBinaryInteger<T> =>
            ShiftMath.OutOfRange(b) ? T.Zero : a << int.CreateTruncating(b);
    }

    /// <summary>Arithmetic a &gt;&gt; b; a shift out of range fills with the sign bit.</summary>
    internal struct RightShiftOp : IIntegerBinary
    {
        public static string Name => "rshift_cpu";
        public static T Apply<T>(T a, T b) where T : unmanaged, IBinaryInteger<T> =>
            ShiftMath.OutOfRange(b) ? (T.IsNegative(a) ? T.Zero - T.One : T.Zero) : a >> int.CreateTruncating(b);
    }
}

namespace Flint
{
    public static partial class torch
    {
        private static void NoBoolShift(Tensor a, Tensor b, string name)
        {
            if (TypePromotion.ResultType(a, b).IsBool) throw new NotSupportedException($"\"{name}\" not implemented for 'Bool'");
        }

        /// <summary>Elementwise AND of bool or integer tensors.</summary>
        public static Tensor bitwise_and(Tensor input, Tensor other, Tensor? @out = null) => Elementwise.IntegerBinary<BitAndOp>(input, other, @out, false, BitAndOp.Name);
        public static Tensor bitwise_and(Tensor input, Scalar other, Tensor? @out = null) => bitwise_and(input, Scalars.Wrap(other), @out);
        public static Tensor bitwise_and(Scalar self, Tensor other, Tensor? @out = null) => bitwise_and(Scalars.Wrap(self), other, @out);
        /// <summary>Elementwise OR of bool or integer tensors.</summary>
        public static Tensor bitwise_or(Tensor input, Tensor other, Tensor? @out = null) => Elementwise.IntegerBinary<BitOrOp>(input, other, @out, false, BitOrOp.Name);
        public static Tensor bitwise_or(Tensor input, Scalar other, Tensor? @out = null) => bitwise_or(input, Scalars.Wrap(other), @out);
        public static Tensor bitwise_or(Scalar self, Tensor other, Tensor? @out = null) => bitwise_or(Scalars.Wrap(self), other, @out);
        /// <summary>Elementwise XOR of bool or integer tensors.</summary>
        public static Tensor bitwise_xor(Tensor input, Tensor other, Tensor? @out = null) => Elementwise.IntegerBinary<BitXorOp>(input, other, @out, false, BitXorOp.Name);
        public static Tensor bitwise_xor(Tensor input, Scalar other, Tensor? @out = null) => bitwise_xor(input, Scalars.Wrap(other), @out);
        public static Tensor bitwise_xor(Scalar self, Tensor other, Tensor? @out = null) => bitwise_xor(Scalars.Wrap(self), other, @out);

        /// <summary>Elementwise NOT: logical for bool tensors, two's complement for integers.</summary>
        public static Tensor bitwise_not(Tensor input, Tensor? @out = null)
        {
            if (input.dtype.is_floating_point) throw new NotSupportedException($"\"bitwise_not_cpu\" not implemented for '{input.dtype.LegacyName}'");
            if (input.dtype.IsBool) return logical_not(input, @out);
            return Elementwise.IntegerBinary<BitXorOp>(input, Scalars.Full(-1, input.dtype, input.device), @out, false, "bitwise_not_cpu");
        }

        /// <summary>input &lt;&lt; other for integer tensors (wrapping; out-of-range shifts give 0).</summary>
        public static Tensor bitwise_left_shift(Tensor input, Tensor other, Tensor? @out = null)
        {
            NoBoolShift(input, other, LeftShiftOp.Name);
            return Elementwise.IntegerBinary<LeftShiftOp>(input, other, @out, false, LeftShiftOp.Name);
        }
        public static Tensor bitwise_left_shift(Tensor input, Scalar other, Tensor? @out = null) => bitwise_left_shift(input, Scalars.Wrap(other), @out);
        public static Tensor bitwise_left_shift(Scalar self, Tensor other, Tensor? @out = null) => bitwise_left_shift(Scalars.Wrap(self), other, @out);

        /// <summary>Arithmetic input &gt;&gt; other for integer tensors.</summary>
        public static Tensor bitwise_right_shift(Tensor input, Tensor other, Tensor? @out = null)
        {
            NoBoolShift(input, other, RightShiftOp.Name);
            return Elementwise.IntegerBinary<RightShiftOp>(input, other, @out, false, RightShiftOp.Name);
        }
        public static Tensor bitwise_right_shift(Tensor input, Scalar other, Tensor? @out = null) => bitwise_right_shift(input, Scalars.Wrap(other), @out);
        public static Tensor bitwise_right_shift(Scalar self, Tensor other, Tensor? @out = null) => bitwise_right_shift(Scalars.Wrap(self), other, @out);
    }

    public partial class Tensor
    {
        public Tensor bitwise_and(Tensor other) => torch.bitwise_and(this, other);
        public Tensor bitwise_and(Scalar other) => torch.bitwise_and(this, other);
        public Tensor bitwise_and_(Tensor other) => Elementwise.IntegerBinary<BitAndOp>(this, other, null, true, BitAndOp.Name);
        public Tensor bitwise_and_(Scalar other) => bitwise_and_(Scalars.Wrap(other));
        public Tensor bitwise_or(Tensor other) => torch.bitwise_or(this, other);
        public Tensor bitwise_or(Scalar other) => torch.bitwise_or(this, other);
        public Tensor bitwise_or_(Tensor other) => Elementwise.IntegerBinary<BitOrOp>(this, other, null, true, BitOrOp.Name);
        public Tensor bitwise_or_(Scalar other) => bitwise_or_(Scalars.Wrap(other));
        public Tensor bitwise_xor(Tensor other) => torch.bitwise_xor(this, other);
        public Tensor bitwise_xor(Scalar other) => torch.bitwise_xor(this, other);
        public Tensor bitwise_xor_(Tensor other) => Elementwise.IntegerBinary<BitXorOp>(this, other, null, true, BitXorOp.Name);
        public Tensor bitwise_xor_(Scalar other) => bitwise_xor_(Scalars.Wrap(other));
        public Tensor bitwise_not() => torch.bitwise_not(this);
        public Tensor bitwise_not_()
        {
            if (dtype.is_floating_point) throw new NotSupportedException($"\"bitwise_not_cpu\" not implemented for '{dtype.LegacyName}'");
            if (dtype.IsBool) return logical_not_();
            return Elementwise.IntegerBinary<BitXorOp>(this, Scalars.Full(-1, dtype, device), null, true, "bitwise_not_cpu");
        }
        public Tensor bitwise_left_shift(Tensor other) => torch.bitwise_left_shift(this, other);
        public Tensor bitwise_left_shift(Scalar other) => torch.bitwise_left_shift(this, other);
        public Tensor bitwise_left_shift_(Tensor other)
        {
            if (Ops.TypePromotion.ResultType(this, other).IsBool) throw new NotSupportedException($"\"{LeftShiftOp.Name}\" not implemented for 'Bool'");
            return Elementwise.IntegerBinary<LeftShiftOp>(this, other, null, true, LeftShiftOp.Name);
        }
        public Tensor bitwise_left_shift_(Scalar other) => bitwise_left_shift_(Scalars.Wrap(other));
        public Tensor bitwise_right_shift(Tensor other) => torch.bitwise_right_shift(this, other);
        public Tensor bitwise_right_shift(Scalar other) => torch.bitwise_right_shift(this, other);
        public Tensor bitwise_right_shift_(Tensor other)
        {
            if (Ops.TypePromotion.ResultType(this, other).IsBool) throw new NotSupportedException($"\"{RightShiftOp.Name}\" not implemented for 'Bool'");
            return Elementwise.IntegerBinary<RightShiftOp>(this, other, null, true, RightShiftOp.Name);
        }
        public Tensor bitwise_right_shift_(Scalar other) => bitwise_right_shift_(Scalars.Wrap(other));

        public static Tensor operator &(Tensor a, Tensor b) => torch.bitwise_and(a, b);
        public static Tensor operator &(Tensor a, Scalar b) => torch.bitwise_and(a, b);
        public static Tensor operator &(Scalar a, Tensor b) => torch.bitwise_and(a, b);
        public static Tensor operator |(Tensor a, Tensor b) => torch.bitwise_or(a, b);
        public static Tensor operator |(Tensor a, Scalar b) => torch.bitwise_or(a, b);
        public static Tensor operator |(Scalar a, Tensor b) => torch.bitwise_or(a, b);
        public static Tensor operator ^(Tensor a, Tensor b) => torch.bitwise_xor(a, b);
        public static Tensor operator ^(Tensor a, Scalar b) => torch.bitwise_xor(a, b);
        public static Tensor operator ^(Scalar a, Tensor b) => torch.bitwise_xor(a, b);
        public static Tensor operator ~(Tensor a) => torch.bitwise_not(a);
        public static Tensor operator <<(Tensor a, Tensor b) => torch.bitwise_left_shift(a, b);
        public static Tensor operator <<(Tensor a, long b) => torch.bitwise_left_shift(a, b);
        public static Tensor operator >>(Tensor a, Tensor b) => torch.bitwise_right_shift(a, b);
        public static Tensor operator >>(Tensor a, long b) => torch.bitwise_right_shift(a, b);
    }
}

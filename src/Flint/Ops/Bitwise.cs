using System.Numerics;
using System.Runtime.CompilerServices;
using Flint.Ops;
using Flint.Ops.Kernels;

namespace Flint.Ops.Kernels
{
    [ElementwiseOp("bitwise_and", Variants.Function | Variants.Method | Variants.InPlace | Variants.Out | Variants.Scalar | Variants.ScalarFirst,
        Operator = "&", Summary = "Elementwise AND of bool or integer tensors.")]
    internal struct BitAndOp : IIntegerBinary
    {
        public static string Name => "bitwise_and_cpu";
        public static T Apply<T>(T a, T b) where T : unmanaged, IBinaryInteger<T> => a & b;
    }

    [ElementwiseOp("bitwise_or", Variants.Function | Variants.Method | Variants.InPlace | Variants.Out | Variants.Scalar | Variants.ScalarFirst,
        Operator = "|", Summary = "Elementwise OR of bool or integer tensors.")]
    internal struct BitOrOp : IIntegerBinary
    {
        public static string Name => "bitwise_or_cpu";
        public static T Apply<T>(T a, T b) where T : unmanaged, IBinaryInteger<T> => a | b;
    }

    [ElementwiseOp("bitwise_xor", Variants.Function | Variants.Method | Variants.InPlace | Variants.Out | Variants.Scalar | Variants.ScalarFirst,
        Operator = "^", Summary = "Elementwise XOR of bool or integer tensors.")]
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

        /// <summary>The shift kernels have no bool version.</summary>
        internal static void NoBool(Tensor a, Tensor b, string kernel)
        {
            if (TypePromotion.ResultType(a, b).IsBool) throw new NotSupportedException($"\"{kernel}\" not implemented for 'Bool'");
        }
    }

    /// <summary>a &lt;&lt; b, wrapping; a shift by a negative amount or by the bit width or more gives 0.</summary>
    [ElementwiseOp("bitwise_left_shift", Variants.Function | Variants.Method | Variants.InPlace | Variants.Out | Variants.Scalar | Variants.ScalarFirst,
        Summary = "input &lt;&lt; other for integer tensors (wrapping; out-of-range shifts give 0).")]
    internal struct LeftShiftOp : IIntegerBinary
    {
        public static string Name => "lshift_cpu";
        public static void CheckOperands(Tensor a, Tensor b) => ShiftMath.NoBool(a, b, Name);
        public static T Apply<T>(T a, T b) where T : unmanaged, IBinaryInteger<T> =>
            ShiftMath.OutOfRange(b) ? T.Zero : a << int.CreateTruncating(b);
    }

    /// <summary>Arithmetic a &gt;&gt; b; a shift out of range fills with the sign bit.</summary>
    [ElementwiseOp("bitwise_right_shift", Variants.Function | Variants.Method | Variants.InPlace | Variants.Out | Variants.Scalar | Variants.ScalarFirst,
        Summary = "Arithmetic input &gt;&gt; other for integer tensors.")]
    internal struct RightShiftOp : IIntegerBinary
    {
        public static string Name => "rshift_cpu";
        public static void CheckOperands(Tensor a, Tensor b) => ShiftMath.NoBool(a, b, Name);
        public static T Apply<T>(T a, T b) where T : unmanaged, IBinaryInteger<T> =>
            ShiftMath.OutOfRange(b) ? (T.IsNegative(a) ? T.Zero - T.One : T.Zero) : a >> int.CreateTruncating(b);
    }
}

namespace Flint.Ops
{
    /// <summary>bitwise_not: xor with all ones for integer tensors, logical NOT for bool; floating tensors are refused.</summary>
    internal static class BitwiseNot
    {
        internal static Tensor Run(Tensor input, Tensor? @out, bool inPlace)
        {
            if (input.dtype.is_floating_point) throw new NotSupportedException($"\"bitwise_not_cpu\" not implemented for '{input.dtype.LegacyName}'");
            if (input.dtype.IsBool) return inPlace ? input.logical_not_() : torch.logical_not(input, @out);
            return Elementwise.IntegerBinary<BitXorOp>(input, Scalars.Full(-1, input.dtype, input.device), @out, inPlace, "bitwise_not_cpu");
        }
    }
}

namespace Flint
{
    // Hand-written: bitwise_not (a unary op computed by the xor kernel, or logical_not for bool) and the shift operators,
    // which take a long (PyTorch's `t << 2`) where the declared Scalar forms take a Scalar.
    public static partial class torch
    {
        /// <summary>Elementwise NOT: logical for bool tensors, two's complement for integers.</summary>
        public static Tensor bitwise_not(Tensor input, Tensor? @out = null) => BitwiseNot.Run(input, @out, false);
    }

    public partial class Tensor
    {
        /// <summary>The bitwise NOT of each element (logical NOT for bool), as <c>tensor.bitwise_not()</c>.</summary>
        public Tensor bitwise_not() => BitwiseNot.Run(this, null, false);
        /// <summary>The bitwise NOT of each element, in place, as <c>tensor.bitwise_not_()</c>.</summary>
        public Tensor bitwise_not_() => BitwiseNot.Run(this, null, true);

        /// <summary><c>~a</c>: <c>torch.bitwise_not(a)</c>.</summary>
        public static Tensor operator ~(Tensor a) => BitwiseNot.Run(a, null, false);
        /// <summary><c>a &lt;&lt; b</c>: <c>torch.bitwise_left_shift(a, b)</c>.</summary>
        public static Tensor operator <<(Tensor a, Tensor b) => Elementwise.IntegerBinary<LeftShiftOp>(a, b, null);
        /// <summary><c>a &lt;&lt; b</c>: <c>torch.bitwise_left_shift(a, b)</c>.</summary>
        public static Tensor operator <<(Tensor a, long b) => Elementwise.IntegerBinary<LeftShiftOp>(a, Scalars.Wrap(b), null);
        /// <summary><c>a &gt;&gt; b</c>: <c>torch.bitwise_right_shift(a, b)</c> (arithmetic for signed types).</summary>
        public static Tensor operator >>(Tensor a, Tensor b) => Elementwise.IntegerBinary<RightShiftOp>(a, b, null);
        /// <summary><c>a &gt;&gt; b</c>: <c>torch.bitwise_right_shift(a, b)</c>.</summary>
        public static Tensor operator >>(Tensor a, long b) => Elementwise.IntegerBinary<RightShiftOp>(a, Scalars.Wrap(b), null);
    }
}

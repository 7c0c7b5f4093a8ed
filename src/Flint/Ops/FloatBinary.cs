using System.Numerics;
using Flint.Ops;
using Flint.Ops.Kernels;

namespace Flint.Ops.Kernels
{
    internal struct Atan2Op : IFloatBinary
    {
        public static string Name => "atan2";
        public static BinaryDerivative Derivative { get; } = new("Atan2Backward0", (g, a, b, y) =>
        {
            var den = a * a + b * b;
            return (g * b / den, g * -a / den);
        });
        public static T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.Atan2(a, b);
    }

    internal struct HypotOp : IFloatBinary
    {
        public static string Name => "hypot";
        public static BinaryDerivative Derivative { get; } = new("HypotBackward0", (g, a, b, y) => (g * a / y, g * b / y), Saves.InputAndOutput);
        public static T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.Hypot(a, b);
    }

    [ElementwiseOp("copysign", Variants.Function | Variants.Out | Variants.Scalar | Variants.Method | Variants.InPlace, Summary = "The magnitude of input with the sign of other (the sign bit, so -0.0 counts as negative); integers give floats.")]
    internal struct CopySignOp : IFloatBinary
    {
        public static string Name => "copysign";
        public static BinaryDerivative Derivative { get; } = new((a, b) => b.IsWrappedNumber ? "CopysignBackward1" : "CopysignBackward0",
            (g, a, b, y, _, _) => (g * torch.where(a.eq(0), torch.zeros_like(a), y / a), torch.zeros_like(g)), Saves.InputAndOutput, scalarOverload: true);
        public static T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.CopySign(a, b);
    }
}

namespace Flint
{
    public static partial class torch
    {
        // PyTorch 1.13's CPU kernels for atan2 and hypot have no float16 version; hypot has no integer one either.
        internal static void CheckAtan2(Tensor a, Tensor b)
        {
            var r = Elementwise.FloatResult(TypePromotion.ResultType(a, b));
            if (r == DType.Float16) throw new NotSupportedException("\"atan2_cpu\" not implemented for 'Half'");
        }

        internal static void CheckHypot(Tensor a, Tensor b)
        {
            var r = TypePromotion.ResultType(a, b);
            if (!r.is_floating_point || r == DType.Float16) throw new NotSupportedException($"\"hypot_cpu\" not implemented for '{r.LegacyName}'");
        }

        /// <summary>Elementwise arctangent of input/other using both signs to pick the quadrant; integers give floats.</summary>
        public static Tensor atan2(Tensor input, Tensor other, Tensor? @out = null)
        {
            CheckAtan2(input, other);
            return Elementwise.FloatBinary<Atan2Op>(input, other, @out);
        }
        public static Tensor arctan2(Tensor input, Tensor other, Tensor? @out = null) => atan2(input, other, @out);

        /// <summary>Elementwise sqrt(input² + other²) without intermediate overflow (floating dtypes only).</summary>
        public static Tensor hypot(Tensor input, Tensor other, Tensor? @out = null)
        {
            CheckHypot(input, other);
            return Elementwise.FloatBinary<HypotOp>(input, other, @out);
        }

    }

    public partial class Tensor
    {
        public Tensor atan2(Tensor other) => torch.atan2(this, other);
        public Tensor arctan2(Tensor other) => torch.atan2(this, other);
        public Tensor atan2_(Tensor other) { Ops.TypePromotion.CheckCast(Elementwise.FloatResult(Ops.TypePromotion.ResultType(this, other)), dtype); torch.CheckAtan2(this, other); return Elementwise.FloatBinary<Atan2Op>(this, other, null, inPlace: true); }
        public Tensor arctan2_(Tensor other) => atan2_(other);
        public Tensor hypot(Tensor other) => torch.hypot(this, other);
        public Tensor hypot_(Tensor other)
        {
            Ops.TypePromotion.CheckCast(Ops.TypePromotion.ResultType(this, other), dtype);
            torch.CheckHypot(this, other);
            return Elementwise.FloatBinary<HypotOp>(this, other, null, inPlace: true);
        }
    }
}

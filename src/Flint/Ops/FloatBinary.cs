using System.Numerics;
using Flint.Ops;
using Flint.Ops.Kernels;

namespace Flint.Ops.Kernels
{
    [ElementwiseOp("atan2", Variants.Function | Variants.Out | Variants.Method | Variants.InPlace,
        Summary = "Elementwise arctangent of input/other using both signs to pick the quadrant; integers give floats.")]
    [ElementwiseOp("arctan2", Variants.Function | Variants.Out | Variants.Method | Variants.InPlace, Summary = "The quadrant-aware arctangent of input / other; alias of atan2.")]
    internal struct Atan2Op : IFloatBinary
    {
        public static string Name => "atan2";
        // PyTorch 1.13's CPU kernel for atan2 has no float16 version
        public static void CheckOperands(Tensor a, Tensor b, Tensor? @out, bool inPlace)
        {
            var r = Elementwise.FloatResult(TypePromotion.ResultType(a, b));
            if (inPlace) TypePromotion.CheckCast(r, a.dtype);
            if (r == DType.Float16) throw new NotSupportedException("\"atan2_cpu\" not implemented for 'Half'");
        }
        public static BinaryDerivative Derivative { get; } = new("Atan2Backward0", (g, a, b, y) =>
        {
            var den = a * a + b * b;
            return (g * b / den, g * -a / den);
        });
        public static T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.Atan2(a, b);
    }

    [ElementwiseOp("hypot", Variants.Function | Variants.Out | Variants.Method | Variants.InPlace,
        Summary = "Elementwise sqrt(input² + other²) without intermediate overflow (floating dtypes only).")]
    internal struct HypotOp : IFloatBinary
    {
        public static string Name => "hypot";
        // PyTorch 1.13's CPU kernel for hypot has neither a float16 nor an integer version
        public static void CheckOperands(Tensor a, Tensor b, Tensor? @out, bool inPlace)
        {
            var r = TypePromotion.ResultType(a, b);
            if (inPlace) TypePromotion.CheckCast(r, a.dtype);
            if (!r.is_floating_point || r == DType.Float16) throw new NotSupportedException($"\"hypot_cpu\" not implemented for '{r.LegacyName}'");
        }
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

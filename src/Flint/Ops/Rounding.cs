using System.Numerics;
using System.Numerics.Tensors;
using Flint.Ops;
using Flint.Ops.Kernels;

// Rounding: floor, ceil, round (half to even, optionally to a number of decimals), trunc/fix and frac.
// Integer inputs keep their dtype and values (floor/ceil/round/trunc); bool and float16 are refused as PyTorch's
// CPU kernels refuse them; out= must have the input's dtype.

namespace Flint.Ops.Kernels
{
    [ElementwiseOp("floor", Variants.All, Error = "floor_vml_cpu", Rule = OpRule.Rounding, Summary = "The largest integer not greater than each element (integers come back unchanged).")]
    internal struct FloorOp : IFloatUnary
    {
        public static string Name => "floor";
        public static UnaryDerivative Derivative { get; } = new("FloorBackward0", (g, x, y) => torch.zeros_like(g), Saves.None);
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Floor(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Floor(x, y); return true; }
    }

    [ElementwiseOp("ceil", Variants.All, Error = "ceil_vml_cpu", Rule = OpRule.Rounding, Summary = "The smallest integer not less than each element (integers come back unchanged).")]
    internal struct CeilOp : IFloatUnary
    {
        public static string Name => "ceil";
        public static UnaryDerivative Derivative { get; } = new("CeilBackward0", (g, x, y) => torch.zeros_like(g), Saves.None);
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Ceiling(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Ceiling(x, y); return true; }
    }

    /// <summary>Round half to even, as C's nearbyint in the default rounding mode.</summary>
    internal struct RoundOp : IFloatUnary
    {
        public static string Name => "round";
        public static UnaryDerivative Derivative { get; } = new("RoundBackward0", (g, x, y) => torch.zeros_like(g), Saves.None);
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Round(x, MidpointRounding.ToEven);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Round(x, MidpointRounding.ToEven, y); return true; }
    }

    [ElementwiseOp("trunc", Variants.All, Error = "trunc_vml_cpu", Rule = OpRule.Rounding, Summary = "Each element rounded toward zero (integers come back unchanged).")]
    [ElementwiseOp("fix", Variants.All, Error = "trunc_vml_cpu", Rule = OpRule.Rounding, Summary = "Each element rounded toward zero; alias of trunc.")]
    internal struct TruncOp : IFloatUnary
    {
        public static string Name => "trunc";
        public static UnaryDerivative Derivative { get; } = new("TruncBackward0", (g, x, y) => torch.zeros_like(g), Saves.None);
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Truncate(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Truncate(x, y); return true; }
    }

    /// <summary>x - trunc(x): keeps the sign of x; NaN for infinities.</summary>
    [ElementwiseOp("frac", Variants.All, Error = "frac_cpu", Rule = OpRule.FloatOnly, HalfOk = true, Summary = "The fractional part x - trunc(x) of each element.")]
    internal struct FracOp : IFloatUnary
    {
        public static string Name => "frac";
        public static UnaryDerivative Derivative { get; } = new("FracBackward0", (g, x, y) => g, Saves.None);
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x - T.Truncate(x);
    }
}

namespace Flint.Ops
{
    /// <summary>round(decimals): half to even at a decimal place, scaled in the input's dtype as PyTorch does; one RoundBackward1 node.</summary>
    internal static class RoundDecimals
    {
        internal static Tensor Run(Tensor input, long decimals, Tensor? @out, bool inPlace)
        {
            if (decimals == 0) return Unary.Rounding<RoundOp>(input, @out, inPlace, "round_vml_cpu");
            Unary.CheckSameDTypeOut(input, @out);
            var dt = input.dtype;
            if (!dt.is_floating_point || dt == DType.Float16) throw Unary.NotImplemented("round_cpu", dt);
            if (inPlace) Elementwise.CheckInPlace(input, input._shape, dt);
            if (Autograd.Differentiation.NeedsInPlace(input)) return Recorded(input, decimals, @out, inPlace);
            // PyTorch scales by 10^|decimals| in the input's own dtype, rounds, then scales back.
            var scale = Scalars.Full(Math.Pow(10, Math.Abs(decimals)), dt, input.device);
            var rounded = decimals > 0
                ? Elementwise.FloatUnary<RoundOp>(torch.mul(input, scale), null).div(scale)
                : Elementwise.FloatUnary<RoundOp>(input.div(scale), null).mul(scale);
            var target = inPlace ? input : Elementwise.Target(input._shape, dt, @out, input.device, input);
            target.Backend.Copy(target, rounded);
            if (inPlace) input.BumpVersion();
            return target;
        }

        /// <summary>round(decimals) is one op with a zero gradient, not the products it is computed with.</summary>
        internal static readonly NodeDerivative<NoState> Derivative = new("RoundBackward1", null, static (g, _) => torch.zeros_like(g));

        // the form on a tensor in the graph, apart so that its closure is only made when used
        private static Tensor Recorded(Tensor input, long decimals, Tensor? @out, bool inPlace)
        {
            Autograd.Differentiation.CheckOut(@out, "round", input);
            if (inPlace) return Autograd.Differentiation.InPlace(input, old => Run(old, decimals, null, false));
            Tensor y;
            using (new Autograd.GradModeScope(false)) y = Run(input, decimals, null, false);
            return Derivative.Record(y, [input], default);
        }
    }
}

namespace Flint
{
    public static partial class torch
    {
        /// <summary>Rounds half to even; with <paramref name="decimals"/> ≠ 0, to that many decimal places (negative: tens, hundreds, ...).</summary>
        public static Tensor round(Tensor input, long decimals = 0, Tensor? @out = null) => RoundDecimals.Run(input, decimals, @out, false);
        /// <summary>Rounds to <paramref name="decimals"/> decimal places in place (half to even), as <c>torch.round_</c>.</summary>
        public static Tensor round_(Tensor input, long decimals = 0) => RoundDecimals.Run(input, decimals, null, true);
    }

    public partial class Tensor
    {
        /// <summary>The elements rounded to <paramref name="decimals"/> decimal places (half to even), as <c>tensor.round(decimals)</c>.</summary>
        public Tensor round(long decimals = 0) => torch.round(this, decimals);
        /// <summary>Rounds to <paramref name="decimals"/> decimal places in place, as <c>tensor.round_</c>.</summary>
        public Tensor round_(long decimals = 0) => torch.round_(this, decimals);
    }
}

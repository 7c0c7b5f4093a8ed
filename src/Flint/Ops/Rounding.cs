using System.Numerics;
using System.Numerics.Tensors;
using Flint.Ops;
using Flint.Ops.Kernels;

// Rounding: floor, ceil, round (half to even, optionally to a number of decimals), trunc/fix and frac.
// Integer inputs keep their dtype and values (floor/ceil/round/trunc); bool and float16 are refused as PyTorch's
// CPU kernels refuse them; out= must have the input's dtype.

namespace Flint.Ops.Kernels
{
    internal struct FloorOp : IFloatUnary
    {
        public static string Name => "floor";
        public static UnaryDerivative Derivative { get; } = new("FloorBackward0", (g, x, y) => torch.zeros_like(g), Saves.None);
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Floor(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Floor(x, y); return true; }
    }

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

    internal struct TruncOp : IFloatUnary
    {
        public static string Name => "trunc";
        public static UnaryDerivative Derivative { get; } = new("TruncBackward0", (g, x, y) => torch.zeros_like(g), Saves.None);
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Truncate(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Truncate(x, y); return true; }
    }

    /// <summary>x - trunc(x): keeps the sign of x; NaN for infinities.</summary>
    internal struct FracOp : IFloatUnary
    {
        public static string Name => "frac";
        public static UnaryDerivative Derivative { get; } = new("FracBackward0", (g, x, y) => g, Saves.None);
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x - T.Truncate(x);
    }
}

namespace Flint
{
    public static partial class torch
    {
        public static Tensor floor(Tensor input, Tensor? @out = null) => RoundingImpl<FloorOp>(input, @out, false, "floor_vml_cpu");
        public static Tensor floor_(Tensor input) => RoundingImpl<FloorOp>(input, null, true, "floor_vml_cpu");
        public static Tensor ceil(Tensor input, Tensor? @out = null) => RoundingImpl<CeilOp>(input, @out, false, "ceil_vml_cpu");
        public static Tensor ceil_(Tensor input) => RoundingImpl<CeilOp>(input, null, true, "ceil_vml_cpu");
        public static Tensor trunc(Tensor input, Tensor? @out = null) => RoundingImpl<TruncOp>(input, @out, false, "trunc_vml_cpu");
        public static Tensor trunc_(Tensor input) => RoundingImpl<TruncOp>(input, null, true, "trunc_vml_cpu");
        public static Tensor fix(Tensor input, Tensor? @out = null) => trunc(input, @out);
        public static Tensor fix_(Tensor input) => trunc_(input);

        /// <summary>Rounds half to even; with <paramref name="decimals"/> ≠ 0, to that many decimal places (negative: tens, hundreds, ...).</summary>
        public static Tensor round(Tensor input, long decimals = 0, Tensor? @out = null) => RoundImpl(input, decimals, @out, false);
        public static Tensor round_(Tensor input, long decimals = 0) => RoundImpl(input, decimals, null, true);

        public static Tensor frac(Tensor input, Tensor? @out = null) => Unary.FloatOnly<FracOp>(input, @out, false, "frac_cpu", halfOk: true);
        public static Tensor frac_(Tensor input) => Unary.FloatOnly<FracOp>(input, null, true, "frac_cpu", halfOk: true);

        private static Tensor RoundingImpl<TOp>(Tensor input, Tensor? @out, bool inPlace, string kernel) where TOp : IFloatUnary
        {
            Unary.CheckSameDTypeOut(input, @out);
            var dt = input.dtype;
            if (dt.IsBool || dt == DType.Float16) throw Unary.NotImplemented(kernel, dt);
            if (!dt.is_floating_point) return Unary.Identity(input, @out, inPlace);
            return Elementwise.FloatUnary<TOp>(input, @out, inPlace);
        }

        private static Tensor RoundImpl(Tensor input, long decimals, Tensor? @out, bool inPlace)
        {
            if (decimals == 0) return RoundingImpl<RoundOp>(input, @out, inPlace, "round_vml_cpu");
            Unary.CheckSameDTypeOut(input, @out);
            var dt = input.dtype;
            if (!dt.is_floating_point || dt == DType.Float16) throw Unary.NotImplemented("round_cpu", dt);
            if (inPlace) Elementwise.CheckInPlace(input, input._shape, dt);
            // PyTorch scales by 10^|decimals| in the input's own dtype, rounds, then scales back.
            var scale = Scalars.Full(Math.Pow(10, Math.Abs(decimals)), dt, input.device);
            var rounded = decimals > 0
                ? Elementwise.FloatUnary<RoundOp>(mul(input, scale), null).div(scale)
                : Elementwise.FloatUnary<RoundOp>(input.div(scale), null).mul(scale);
            var target = inPlace ? input : Elementwise.Target(input._shape, dt, @out, input.device);
            target.Backend.Copy(target, rounded);
            if (inPlace) input.BumpVersion();
            return target;
        }
    }

    public partial class Tensor
    {
        public Tensor floor() => torch.floor(this);
        public Tensor floor_() => torch.floor_(this);
        public Tensor ceil() => torch.ceil(this);
        public Tensor ceil_() => torch.ceil_(this);
        public Tensor trunc() => torch.trunc(this);
        public Tensor trunc_() => torch.trunc_(this);
        public Tensor fix() => torch.fix(this);
        public Tensor fix_() => torch.fix_(this);
        public Tensor round(long decimals = 0) => torch.round(this, decimals);
        public Tensor round_(long decimals = 0) => torch.round_(this, decimals);
        public Tensor frac() => torch.frac(this);
        public Tensor frac_() => torch.frac_(this);
    }
}

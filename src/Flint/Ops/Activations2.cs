using System.Numerics;
using Flint.Ops;

// The piecewise activations of torch.nn.functional: hardswish, hardsigmoid, log_sigmoid, hardshrink, softshrink,
// celu and threshold. All but threshold take floating inputs only (float16 refused, as PyTorch's CPU kernels);
// threshold keeps integer dtypes.

namespace Flint.Ops.Kernels
{
    /// <summary>x · min(max(x + 3, 0), 6) / 6.</summary>
    [ElementwiseOp("hardswish", Variants.Function | Variants.FunctionInPlace | Variants.InPlace | Variants.Out, Error = "hardswish_cpu", Rule = OpRule.FloatOnly, HalfOk = false, Summary = "x * relu6(x + 3) / 6 of each element.")]
    internal struct HardswishOp : IFloatUnary
    {
        public static string Name => "hardswish";
        // as PyTorch's vector kernel: 0 below -3, g from 3 on, g · (x / 3 + 0.5) between (and for NaN)
        public static UnaryDerivative Derivative { get; } = new("HardswishBackward0", (g, x, y) =>
            g * torch.where(x.lt(-3), torch.zeros_like(x), torch.where(x.ge(3), torch.ones_like(x), x / 3 + 0.5)));
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T three = T.CreateTruncating(3), six = T.CreateTruncating(6);
            return x * Clamp6(x + three, six) / six;
        }
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (!Vector<T>.IsSupported) return false;
            var three = new Vector<T>(T.CreateTruncating(3)); var six = new Vector<T>(T.CreateTruncating(6));
            int i = 0, n = x.Length;
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
            {
                var v = new Vector<T>(x[i..]);
                (v * ClampVector(v + three, six) / six).CopyTo(y[i..]);
            }
            for (; i < n; i++) y[i] = Apply(x[i]);
            return true;
        }

        /// <summary>min(max(v, 0), six), NaN passing through (as PyTorch's std::max / std::min order).</summary>
        internal static T Clamp6<T>(T v, T six) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T m = v < T.Zero ? T.Zero : v;
            return six < m ? six : m;
        }

        /// <summary>The vector form of <see cref="Clamp6"/>: NaN lanes stay NaN.</summary>
        internal static Vector<T> ClampVector<T>(Vector<T> v, Vector<T> six) where T : unmanaged, IFloatingPointIeee754<T>
        {
            var m = Vector.ConditionalSelect(Vector.LessThan(v, Vector<T>.Zero), Vector<T>.Zero, v);
            return Vector.ConditionalSelect(Vector.LessThan(six, m), six, m);
        }
    }

    /// <summary>min(max(x + 3, 0), 6) / 6.</summary>
    [ElementwiseOp("hardsigmoid", Variants.Function | Variants.FunctionInPlace | Variants.InPlace | Variants.Out, Error = "hardsigmoid_cpu", Rule = OpRule.FloatOnly, HalfOk = false, Summary = "relu6(x + 3) / 6 of each element.")]
    internal struct HardsigmoidOp : IFloatUnary
    {
        public static string Name => "hardsigmoid";
        public static UnaryDerivative Derivative { get; } = new("HardsigmoidBackward0", (g, x, y) =>
            g * torch.logical_and(x.gt(-3), x.lt(3)).to(g.dtype) * (1.0 / 6));
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T six = T.CreateTruncating(6);
            return HardswishOp.Clamp6(x + T.CreateTruncating(3), six) / six;
        }
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (!Vector<T>.IsSupported) return false;
            var three = new Vector<T>(T.CreateTruncating(3)); var six = new Vector<T>(T.CreateTruncating(6));
            int i = 0, n = x.Length;
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
                (HardswishOp.ClampVector(new Vector<T>(x[i..]) + three, six) / six).CopyTo(y[i..]);
            for (; i < n; i++) y[i] = Apply(x[i]);
            return true;
        }
    }

    /// <summary>log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)), stable for large |x|.</summary>
    [ElementwiseOp("log_sigmoid", Variants.Function | Variants.Out, Error = "log_sigmoid_cpu", Rule = OpRule.FloatOnly, HalfOk = false, Summary = "log(sigmoid(x)) of each element, stable for large |x|.")]
    internal struct LogSigmoidOp : IFloatUnary
    {
        public static string Name => "log_sigmoid";
        public static UnaryDerivative Derivative { get; } = new("LogSigmoidBackward0", (g, x, y) => g * (-x).sigmoid());
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
        {
            double d = double.CreateTruncating(x);
            return T.CreateTruncating(Math.Min(d, 0) - SpecialMath.Log1p(Math.Exp(-Math.Abs(d))));
        }
    }

    /// <summary>hardshrink: x where |x| &gt; lambd, else 0 (a = lambd).</summary>
    [ElementwiseOp("hardshrink", Variants.Function | Variants.Method | Variants.Out, Parameters = "double lambd = 0.5", Summary = "Each element, or 0 where it lies within [-lambd, lambd].")]
    internal struct HardshrinkOp : IFloatUnaryArgs
    {
        public static string Name => "hardshrink";
        public static (double, double, double) Arguments(Tensor input, Tensor? @out, double lambd)
        {
            Unary.CheckFloatOnly(input, @out, "hardshrink_cpu");
            return (lambd, 0, 0);
        }
        // g outside [-lambd, lambd], 0 inside and for NaN
        public static UnaryDerivative Derivative { get; } = new("HardshrinkBackward0", (g, x, y, lambd, _, _) =>
            g * torch.logical_or(x.lt(-lambd), x.gt(lambd)).to(g.dtype));
        public static T Apply<T>(T x, T lambd, T b, T c) where T : unmanaged, IFloatingPointIeee754<T> =>
            x >= -lambd && x <= lambd ? T.Zero : x;
    }

    /// <summary>softshrink: x - lambd above lambd, x + lambd below -lambd, else 0 (a = lambd).</summary>
    [ElementwiseOp("softshrink", Variants.Function | Variants.Out, Parameters = "double lambd = 0.5", Summary = "Each element moved toward 0 by lambd, or 0 where it lies within [-lambd, lambd].")]
    internal struct SoftshrinkOp : IFloatUnaryArgs
    {
        public static string Name => "softshrink";
        public static (double, double, double) Arguments(Tensor input, Tensor? @out, double lambd)
        {
            if (lambd < 0) throw new ArgumentException($"lambda must be greater or equal to 0, but found to be {Printing.PyFormat.Repr(lambd)}.");
            Unary.CheckFloatOnly(input, @out, "softshrink_cpu");
            return (lambd, 0, 0);
        }
        public static UnaryDerivative Derivative { get; } = new("SoftshrinkBackward0", (g, x, y, lambd, _, _) =>
            g * torch.logical_or(x.lt(-lambd), x.gt(lambd)).to(g.dtype));
        // NaN falls in neither branch and gives 0, as PyTorch's kernel
        public static T Apply<T>(T x, T lambd, T b, T c) where T : unmanaged, IFloatingPointIeee754<T> =>
            x > lambd ? x - lambd : x < -lambd ? x + lambd : T.Zero;
    }

    /// <summary>celu: elu with scale 1 and input scale 1 / alpha (a = alpha, b = 1, c = 1 / alpha).</summary>
    [ElementwiseOp("celu", Variants.Function | Variants.FunctionInPlace | Variants.InPlace, Parameters = "double alpha = 1.0", Summary = "The CELU max(0, x) + min(0, alpha * (exp(x / alpha) - 1)) of each element.")]
    internal struct CeluOp : IFloatUnaryArgs
    {
        public static string Name => "celu";
        public static (double, double, double) Arguments(Tensor input, Tensor? @out, double alpha)
        {
            if (alpha == 0) throw new ArgumentException("ZeroDivisionError: alpha cannot be 0 for CELU");
            Unary.CheckFloatOnly(input, @out, "elu_cpu");
            return (alpha, 1, 1 / alpha);
        }
        public static UnaryDerivative Derivative { get; } = new("CeluBackward0", (g, x, y, alpha, scale, inputScale) =>
            g * torch.where(x.gt(0), torch.ones_like(x), (x * inputScale).exp()));
        public static T Apply<T>(T x, T alpha, T scale, T inputScale) where T : unmanaged, IFloatingPointIeee754<T> =>
            EluOp.Apply(x, alpha, scale, inputScale);
    }

    /// <summary>threshold: x where x &gt; threshold, else value (a = threshold, b = value); integer dtypes stay integer.</summary>
    [ElementwiseOp("threshold", Variants.Function | Variants.FunctionInPlace | Variants.InPlace | Variants.Out, Parameters = "double threshold, double value",
        Summary = "x where x &gt; threshold, value elsewhere.")]
    internal struct ThresholdOp : INumericUnaryArgs
    {
        public static string Name => "threshold";
        public static (double, double, double) Arguments(Tensor input, Tensor? @out, double threshold, double value)
        {
            if (input.dtype.IsBool || input.dtype == DType.Float16) throw Unary.NotImplemented("threshold_cpu", input.dtype);
            Unary.CheckSameDTypeOut(input, @out);
            if (!input.dtype.is_floating_point) { CheckFits(threshold, input.dtype); CheckFits(value, input.dtype); }
            return (threshold, value, 0);
        }
        /// <summary>An integer tensor takes the numbers converted to its type; one out of its range is refused (PyTorch's Scalar conversion).</summary>
        private static void CheckFits(double v, DType dt)
        {
            var (lo, hi, name) = dt.name switch
            {
                "uint8" => (0.0, 255.0, "uint8_t"),
                "int8" => (-128.0, 127.0, "int8_t"),
                "int16" => (-32768.0, 32767.0, "int16_t"),
                "int32" => (-2147483648.0, 2147483647.0, "int"),
                _ => (-9223372036854775808.0, 9223372036854775807.0, "int64_t"),
            };
            if (!(v >= lo && v <= hi))
                throw new ArgumentException($"value cannot be converted to type {name} without overflow");
        }
        // g where x > threshold (NaN included), 0 elsewhere
        public static UnaryDerivative Derivative { get; } = new("ThresholdBackward0", (g, x, y, threshold, _, _) =>
            g * x.le(threshold).logical_not().to(g.dtype));
        public static T Apply<T>(T x, T threshold, T value, T c) where T : unmanaged, INumber<T> => x <= threshold ? value : x;
    }
}

using System.Numerics;
using System.Numerics.Tensors;
using Flint.Ops;
using Flint.Ops.Kernels;

// Unary math: exponentials, logarithms, roots, trigonometric and hyperbolic functions, the error function
// family, reciprocal, sigmoid and logit. Integer and bool inputs promote to the default float dtype.
// Each op's public forms (torch.exp(input, out), torch.exp_, Tensor.exp(), Tensor.exp_(), aliases) are written by
// Flint.Generators from its [ElementwiseOp] declaration; they call Unary.Float<TOp> (Ops/UnaryCommon.cs).

namespace Flint.Ops.Kernels
{
    [ElementwiseOp("exp", Variants.All, Error = "exp_vml_cpu", Summary = "The exponential e^x of each element.")]
    internal struct ExpOp : IFloatUnary
    {
        public static string Name => "exp";
        public static UnaryDerivative Derivative { get; } = new("ExpBackward0", (g, x, y) => g * y, Saves.Output);
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Exp(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Exp(x, y); return true; }
    }

    [ElementwiseOp("exp2", Variants.All, Error = "exp2", HalfOk = true, Summary = "The base-2 exponential 2^x of each element.")]
    internal struct Exp2Op : IFloatUnary
    {
        public static string Name => "exp2";
        public static UnaryDerivative Derivative { get; } = new("Exp2Backward0", (g, x, y) => g * y * 0.69314718055994530942, Saves.Output);
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Exp2(x);
    }

    [ElementwiseOp("expm1", Variants.All, Error = "expm1_vml_cpu", Summary = "exp(x) - 1 of each element, accurate near 0.")]
    internal struct Expm1Op : IFloatUnary
    {
        public static string Name => "expm1";
        public static UnaryDerivative Derivative { get; } = new("Expm1Backward0", (g, x, y) => g * (y + 1), Saves.Output);
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(SpecialMath.Expm1(double.CreateTruncating(x)));
    }

    [ElementwiseOp("log", Variants.All, Error = "log_vml_cpu", Summary = "The natural logarithm of each element.")]
    internal struct LogOp : IFloatUnary
    {
        public static string Name => "log";
        public static UnaryDerivative Derivative { get; } = new("LogBackward0", (g, x, y) => g / x);
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Log(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Log(x, y); return true; }
    }

    [ElementwiseOp("log2", Variants.All, Error = "log2_vml_cpu", Summary = "The base-2 logarithm of each element.")]
    internal struct Log2Op : IFloatUnary
    {
        public static string Name => "log2";
        public static UnaryDerivative Derivative { get; } = new("Log2Backward0", (g, x, y) => g / (x * 0.69314718055994530942));
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Log2(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Log2(x, y); return true; }
    }

    [ElementwiseOp("log10", Variants.All, Error = "log10_vml_cpu", Summary = "The base-10 logarithm of each element.")]
    internal struct Log10Op : IFloatUnary
    {
        public static string Name => "log10";
        public static UnaryDerivative Derivative { get; } = new("Log10Backward0", (g, x, y) => g / (x * 2.30258509299404568402));
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Log10(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Log10(x, y); return true; }
    }

    [ElementwiseOp("log1p", Variants.All, Error = "log1p_vml_cpu", Summary = "log(1 + x) of each element, accurate near 0.")]
    internal struct Log1pOp : IFloatUnary
    {
        public static string Name => "log1p";
        public static UnaryDerivative Derivative { get; } = new("Log1PBackward0", (g, x, y) => g / (x + 1));
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(SpecialMath.Log1p(double.CreateTruncating(x)));
    }

    [ElementwiseOp("sqrt", Variants.All, Error = "sqrt_vml_cpu", Summary = "The square root of each element.")]
    internal struct SqrtOp : IFloatUnary
    {
        public static string Name => "sqrt";
        public static UnaryDerivative Derivative { get; } = new("SqrtBackward0", (g, x, y) => g / (y * 2), Saves.Output);
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Sqrt(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Sqrt(x, y); return true; }
    }

    [ElementwiseOp("rsqrt", Variants.All, Error = "rsqrt_cpu", Summary = "The reciprocal square root 1 / sqrt(x) of each element.")]
    internal struct RsqrtOp : IFloatUnary
    {
        public static string Name => "rsqrt";
        public static UnaryDerivative Derivative { get; } = new("RsqrtBackward0", (g, x, y) => g * y.pow(3) * -0.5, Saves.Output);
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.One / T.Sqrt(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.ReciprocalSqrt(x, y); return true; }
    }

    [ElementwiseOp("sin", Variants.All, Error = "sin_vml_cpu", Summary = "The sine of each element (radians).")]
    internal struct SinOp : IFloatUnary
    {
        public static string Name => "sin";
        public static UnaryDerivative Derivative { get; } = new("SinBackward0", (g, x, y) => g * x.cos());
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Sin(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Sin(x, y); return true; }
    }

    [ElementwiseOp("cos", Variants.All, Error = "cos_vml_cpu", Summary = "The cosine of each element (radians).")]
    internal struct CosOp : IFloatUnary
    {
        public static string Name => "cos";
        public static UnaryDerivative Derivative { get; } = new("CosBackward0", (g, x, y) => g * -x.sin());
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Cos(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Cos(x, y); return true; }
    }

    [ElementwiseOp("tan", Variants.All, Error = "tan_vml_cpu", Summary = "The tangent of each element (radians).")]
    internal struct TanOp : IFloatUnary
    {
        public static string Name => "tan";
        public static UnaryDerivative Derivative { get; } = new("TanBackward0", (g, x, y) => g * (y * y + 1), Saves.Output);
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Tan(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Tan(x, y); return true; }
    }

    [ElementwiseOp("asin", Variants.All, Error = "asin_vml_cpu", Summary = "The arcsine of each element.")]
    [ElementwiseOp("arcsin", Variants.Function | Variants.Out | Variants.Method | Variants.InPlace, Error = "asin_vml_cpu", Summary = "The arcsine of each element; alias of asin.")]
    internal struct AsinOp : IFloatUnary
    {
        public static string Name => "asin";
        public static UnaryDerivative Derivative { get; } = new("AsinBackward0", (g, x, y) => g * (1 - x * x).rsqrt());
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Asin(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Asin(x, y); return true; }
    }

    [ElementwiseOp("acos", Variants.All, Error = "acos_vml_cpu", Summary = "The arccosine of each element.")]
    [ElementwiseOp("arccos", Variants.Function | Variants.Out | Variants.Method | Variants.InPlace, Error = "acos_vml_cpu", Summary = "The arccosine of each element; alias of acos.")]
    internal struct AcosOp : IFloatUnary
    {
        public static string Name => "acos";
        public static UnaryDerivative Derivative { get; } = new("AcosBackward0", (g, x, y) => -g * (1 - x * x).rsqrt());
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Acos(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Acos(x, y); return true; }
    }

    [ElementwiseOp("atan", Variants.All, Error = "atan_vml_cpu", Summary = "The arctangent of each element.")]
    [ElementwiseOp("arctan", Variants.Function | Variants.Out | Variants.Method | Variants.InPlace, Error = "atan_vml_cpu", Summary = "The arctangent of each element; alias of atan.")]
    internal struct AtanOp : IFloatUnary
    {
        public static string Name => "atan";
        public static UnaryDerivative Derivative { get; } = new("AtanBackward0", (g, x, y) => g / (x * x + 1));
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Atan(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Atan(x, y); return true; }
    }

    [ElementwiseOp("sinh", Variants.All, Error = "sinh_cpu", Summary = "The hyperbolic sine of each element.")]
    internal struct SinhOp : IFloatUnary
    {
        public static string Name => "sinh";
        public static UnaryDerivative Derivative { get; } = new("SinhBackward0", (g, x, y) => g * x.cosh());
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Sinh(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Sinh(x, y); return true; }
    }

    [ElementwiseOp("cosh", Variants.All, Error = "cosh_cpu", Summary = "The hyperbolic cosine of each element.")]
    internal struct CoshOp : IFloatUnary
    {
        public static string Name => "cosh";
        public static UnaryDerivative Derivative { get; } = new("CoshBackward0", (g, x, y) => g * x.sinh());
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Cosh(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Cosh(x, y); return true; }
    }

    [ElementwiseOp("tanh", Variants.All, Error = "tanh_vml_cpu", Summary = "The hyperbolic tangent of each element.")]
    internal struct TanhOp : IFloatUnary
    {
        public static string Name => "tanh";
        public static UnaryDerivative Derivative { get; } = new("TanhBackward0", (g, x, y) => g * (1 - y * y), Saves.Output);
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Tanh(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Tanh(x, y); return true; }
    }

    [ElementwiseOp("asinh", Variants.All, Error = "asinh_cpu", Summary = "The inverse hyperbolic sine of each element.")]
    [ElementwiseOp("arcsinh", Variants.Function | Variants.Out | Variants.Method | Variants.InPlace, Error = "asinh_cpu", Summary = "The inverse hyperbolic sine of each element; alias of asinh.")]
    internal struct AsinhOp : IFloatUnary
    {
        public static string Name => "asinh";
        public static UnaryDerivative Derivative { get; } = new("AsinhBackward0", (g, x, y) => g * (x * x + 1).rsqrt());
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Asinh(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Asinh(x, y); return true; }
    }

    [ElementwiseOp("acosh", Variants.All, Error = "acosh_cpu", Summary = "The inverse hyperbolic cosine of each element.")]
    [ElementwiseOp("arccosh", Variants.Function | Variants.Out | Variants.Method | Variants.InPlace, Error = "acosh_cpu", Summary = "The inverse hyperbolic cosine of each element; alias of acosh.")]
    internal struct AcoshOp : IFloatUnary
    {
        public static string Name => "acosh";
        public static UnaryDerivative Derivative { get; } = new("AcoshBackward0", (g, x, y) => g * (x * x - 1).rsqrt());
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Acosh(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Acosh(x, y); return true; }
    }

    [ElementwiseOp("atanh", Variants.All, Error = "atanh_cpu", Summary = "The inverse hyperbolic tangent of each element.")]
    [ElementwiseOp("arctanh", Variants.Function | Variants.Out | Variants.Method | Variants.InPlace, Error = "atanh_cpu", Summary = "The inverse hyperbolic tangent of each element; alias of atanh.")]
    internal struct AtanhOp : IFloatUnary
    {
        public static string Name => "atanh";
        public static UnaryDerivative Derivative { get; } = new("AtanhBackward0", (g, x, y) => g / (1 - x * x));
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Atanh(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Atanh(x, y); return true; }
    }

    [ElementwiseOp("erf", Variants.All, Error = "erf_vml_cpu", Summary = "The error function of each element.")]
    internal struct ErfOp : IFloatUnary
    {
        public static string Name => "erf";
        public static UnaryDerivative Derivative { get; } = new("ErfBackward0", (g, x, y) => g * (-(x * x)).exp() * (2 / Math.Sqrt(Math.PI)));
        public static Backends.KernelId Kernel => Backends.KernelId.Erf;
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(SpecialMath.Erf(double.CreateTruncating(x)));
    }

    [ElementwiseOp("erfc", Variants.All, Error = "erfc_vml_cpu", Summary = "The complementary error function 1 - erf(x) of each element.")]
    internal struct ErfcOp : IFloatUnary
    {
        public static string Name => "erfc";
        public static UnaryDerivative Derivative { get; } = new("ErfcBackward0", (g, x, y) => g * (-(x * x)).exp() * -(2 / Math.Sqrt(Math.PI)));
        public static Backends.KernelId Kernel => Backends.KernelId.Erfc;
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(SpecialMath.Erfc(double.CreateTruncating(x)));
    }

    [ElementwiseOp("erfinv", Variants.All, Error = "erfinv_vml_cpu", Summary = "The inverse error function of each element.")]
    internal struct ErfinvOp : IFloatUnary
    {
        public static string Name => "erfinv";
        public static UnaryDerivative Derivative { get; } = new("ErfinvBackward0", (g, x, y) => g * (y * y).exp() * (Math.Sqrt(Math.PI) / 2), Saves.Output);
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(SpecialMath.Erfinv(double.CreateTruncating(x)));
    }

    [ElementwiseOp("reciprocal", Variants.All, Error = "reciprocal", HalfOk = true, Summary = "The reciprocal 1 / x of each element (integers give floats).")]
    internal struct ReciprocalOp : IFloatUnary
    {
        public static string Name => "reciprocal";
        public static UnaryDerivative Derivative { get; } = new("ReciprocalBackward0", (g, x, y) => -g * y * y, Saves.Output);
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.One / x;
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Reciprocal(x, y); return true; }
    }

    [ElementwiseOp("sigmoid", Variants.All, Error = "sigmoid_cpu", Summary = "The logistic sigmoid 1 / (1 + exp(-x)) of each element.")]
    internal struct SigmoidOp : IFloatUnary
    {
        public static string Name => "sigmoid";
        public static UnaryDerivative Derivative { get; } = new("SigmoidBackward0", (g, x, y) => g * y * (1 - y), Saves.Output);
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.One / (T.One + T.Exp(-x));
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Sigmoid(x, y); return true; }
    }

    /// <summary>logit with eps: a = eps, b = 1 - eps, c = 1 when clamping (eps given and >= 0), else 0.</summary>
    [ElementwiseOp("logit", Variants.All, Parameters = "double? eps = null",
        Summary = "log(p / (1 - p)); with <c>eps</c> the input is first clamped to [eps, 1 - eps].")]
    internal struct LogitOp : IFloatUnaryArgs
    {
        public static string Name => "logit";
        public static (double, double, double) Arguments(Tensor input, Tensor? @out, double? eps)
        {
            var result = Elementwise.FloatResult(input.dtype);
            if (result == DType.Float16) throw Unary.NotImplemented("logit_cpu", result);
            bool clamp = eps is >= 0;
            double lo = eps ?? 0;
            // PyTorch forms 1 - eps in the compute type
            double hi = result == DType.Float64 ? 1 - lo : (double)(1f - (float)lo);
            return (lo, hi, clamp ? 1 : 0);
        }
        public static UnaryDerivative Derivative { get; } = new("LogitBackward0", (g, x, y, lo, hi, clamped) =>
        {
            var d = g / (x * (1 - x));
            return clamped != 0 ? torch.where(torch.logical_or(x.lt(lo), x.gt(hi)), torch.zeros_like(x), d) : d;
        });
        public static T Apply<T>(T x, T lo, T hi, T clamp) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (clamp != T.Zero) x = x < lo ? lo : x > hi ? hi : x;
            return T.Log(x / (T.One - x));
        }
    }
}

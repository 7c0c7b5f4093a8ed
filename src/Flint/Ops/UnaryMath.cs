using System.Numerics;
using System.Numerics.Tensors;
using Flint.Ops;
using Flint.Ops.Kernels;

// Unary math: exponentials, logarithms, roots, trigonometric and hyperbolic functions, the error function
// family, reciprocal, sigmoid and logit. Integer and bool inputs promote to the default float dtype.

namespace Flint.Ops.Kernels
{
    internal struct ExpOp : IFloatUnary
    {
        public static string Name => "exp";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Exp(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Exp(x, y); return true; }
    }

    internal struct Exp2Op : IFloatUnary
    {
        public static string Name => "exp2";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Exp2(x);
    }

    internal struct Expm1Op : IFloatUnary
    {
        public static string Name => "expm1";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(SpecialMath.Expm1(double.CreateTruncating(x)));
    }

    internal struct LogOp : IFloatUnary
    {
        public static string Name => "log";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Log(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Log(x, y); return true; }
    }

    internal struct Log2Op : IFloatUnary
    {
        public static string Name => "log2";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Log2(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Log2(x, y); return true; }
    }

    internal struct Log10Op : IFloatUnary
    {
        public static string Name => "log10";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Log10(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Log10(x, y); return true; }
    }

    internal struct Log1pOp : IFloatUnary
    {
        public static string Name => "log1p";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(SpecialMath.Log1p(double.CreateTruncating(x)));
    }

    internal struct SqrtOp : IFloatUnary
    {
        public static string Name => "sqrt";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Sqrt(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Sqrt(x, y); return true; }
    }

    internal struct RsqrtOp : IFloatUnary
    {
        public static string Name => "rsqrt";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.One / T.Sqrt(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.ReciprocalSqrt(x, y); return true; }
    }

    internal struct SinOp : IFloatUnary
    {
        public static string Name => "sin";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Sin(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Sin(x, y); return true; }
    }

    internal struct CosOp : IFloatUnary
    {
        public static string Name => "cos";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Cos(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Cos(x, y); return true; }
    }

    internal struct TanOp : IFloatUnary
    {
        public static string Name => "tan";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Tan(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Tan(x, y); return true; }
    }

    internal struct AsinOp : IFloatUnary
    {
        public static string Name => "asin";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Asin(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Asin(x, y); return true; }
    }

    internal struct AcosOp : IFloatUnary
    {
        public static string Name => "acos";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Acos(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Acos(x, y); return true; }
    }

    internal struct AtanOp : IFloatUnary
    {
        public static string Name => "atan";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Atan(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Atan(x, y); return true; }
    }

    internal struct SinhOp : IFloatUnary
    {
        public static string Name => "sinh";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Sinh(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Sinh(x, y); return true; }
    }

    internal struct CoshOp : IFloatUnary
    {
        public static string Name => "cosh";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Cosh(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Cosh(x, y); return true; }
    }

    internal struct TanhOp : IFloatUnary
    {
        public static string Name => "tanh";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Tanh(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Tanh(x, y); return true; }
    }

    internal struct AsinhOp : IFloatUnary
    {
        public static string Name => "asinh";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Asinh(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Asinh(x, y); return true; }
    }

    internal struct AcoshOp : IFloatUnary
    {
        public static string Name => "acosh";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Acosh(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Acosh(x, y); return true; }
    }

    internal struct AtanhOp : IFloatUnary
    {
        public static string Name => "atanh";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Atanh(x);
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Atanh(x, y); return true; }
    }

    internal struct ErfOp : IFloatUnary
    {
        public static string Name => "erf";
        public static Backends.KernelId Kernel => Backends.KernelId.Erf;
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(SpecialMath.Erf(double.CreateTruncating(x)));
    }

    internal struct ErfcOp : IFloatUnary
    {
        public static string Name => "erfc";
        public static Backends.KernelId Kernel => Backends.KernelId.Erfc;
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(SpecialMath.Erfc(double.CreateTruncating(x)));
    }

    internal struct ErfinvOp : IFloatUnary
    {
        public static string Name => "erfinv";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(SpecialMath.Erfinv(double.CreateTruncating(x)));
    }

    internal struct ReciprocalOp : IFloatUnary
    {
        public static string Name => "reciprocal";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.One / x;
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Reciprocal(x, y); return true; }
    }

    internal struct SigmoidOp : IFloatUnary
    {
        public static string Name => "sigmoid";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.One / (T.One + T.Exp(-x));
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> { TensorPrimitives.Sigmoid(x, y); return true; }
    }

    /// <summary>logit with eps: a = eps, b = 1 - eps, c = 1 when clamping (eps given and >= 0), else 0.</summary>
    internal struct LogitOp : IFloatUnaryArgs
    {
        public static string Name => "logit";
        public static T Apply<T>(T x, T lo, T hi, T clamp) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (clamp != T.Zero) x = x < lo ? lo : x > hi ? hi : x;
            return T.Log(x / (T.One - x));
        }
    }
}

namespace Flint
{
    public static partial class torch
    {
        public static Tensor exp(Tensor input, Tensor? @out = null) => Unary.Float<ExpOp>(input, @out, false, "exp_vml_cpu");
        public static Tensor exp_(Tensor input) => input.exp_();
        public static Tensor exp2(Tensor input, Tensor? @out = null) => Unary.Float<Exp2Op>(input, @out, false, "exp2", halfOk: true);
        public static Tensor exp2_(Tensor input) => input.exp2_();
        public static Tensor expm1(Tensor input, Tensor? @out = null) => Unary.Float<Expm1Op>(input, @out, false, "expm1_vml_cpu");
        public static Tensor expm1_(Tensor input) => input.expm1_();
        public static Tensor log(Tensor input, Tensor? @out = null) => Unary.Float<LogOp>(input, @out, false, "log_vml_cpu");
        public static Tensor log_(Tensor input) => input.log_();
        public static Tensor log2(Tensor input, Tensor? @out = null) => Unary.Float<Log2Op>(input, @out, false, "log2_vml_cpu");
        public static Tensor log2_(Tensor input) => input.log2_();
        public static Tensor log10(Tensor input, Tensor? @out = null) => Unary.Float<Log10Op>(input, @out, false, "log10_vml_cpu");
        public static Tensor log10_(Tensor input) => input.log10_();
        public static Tensor log1p(Tensor input, Tensor? @out = null) => Unary.Float<Log1pOp>(input, @out, false, "log1p_vml_cpu");
        public static Tensor log1p_(Tensor input) => input.log1p_();
        public static Tensor sqrt(Tensor input, Tensor? @out = null) => Unary.Float<SqrtOp>(input, @out, false, "sqrt_vml_cpu");
        public static Tensor sqrt_(Tensor input) => input.sqrt_();
        public static Tensor rsqrt(Tensor input, Tensor? @out = null) => Unary.Float<RsqrtOp>(input, @out, false, "rsqrt_cpu");
        public static Tensor rsqrt_(Tensor input) => input.rsqrt_();
        public static Tensor sin(Tensor input, Tensor? @out = null) => Unary.Float<SinOp>(input, @out, false, "sin_vml_cpu");
        public static Tensor sin_(Tensor input) => input.sin_();
        public static Tensor cos(Tensor input, Tensor? @out = null) => Unary.Float<CosOp>(input, @out, false, "cos_vml_cpu");
        public static Tensor cos_(Tensor input) => input.cos_();
        public static Tensor tan(Tensor input, Tensor? @out = null) => Unary.Float<TanOp>(input, @out, false, "tan_vml_cpu");
        public static Tensor tan_(Tensor input) => input.tan_();
        public static Tensor asin(Tensor input, Tensor? @out = null) => Unary.Float<AsinOp>(input, @out, false, "asin_vml_cpu");
        public static Tensor asin_(Tensor input) => input.asin_();
        public static Tensor arcsin(Tensor input, Tensor? @out = null) => asin(input, @out);
        public static Tensor acos(Tensor input, Tensor? @out = null) => Unary.Float<AcosOp>(input, @out, false, "acos_vml_cpu");
        public static Tensor acos_(Tensor input) => input.acos_();
        public static Tensor arccos(Tensor input, Tensor? @out = null) => acos(input, @out);
        public static Tensor atan(Tensor input, Tensor? @out = null) => Unary.Float<AtanOp>(input, @out, false, "atan_vml_cpu");
        public static Tensor atan_(Tensor input) => input.atan_();
        public static Tensor arctan(Tensor input, Tensor? @out = null) => atan(input, @out);
        public static Tensor sinh(Tensor input, Tensor? @out = null) => Unary.Float<SinhOp>(input, @out, false, "sinh_cpu");
        public static Tensor sinh_(Tensor input) => input.sinh_();
        public static Tensor cosh(Tensor input, Tensor? @out = null) => Unary.Float<CoshOp>(input, @out, false, "cosh_cpu");
        public static Tensor cosh_(Tensor input) => input.cosh_();
        public static Tensor tanh(Tensor input, Tensor? @out = null) => Unary.Float<TanhOp>(input, @out, false, "tanh_vml_cpu");
        public static Tensor tanh_(Tensor input) => input.tanh_();
        public static Tensor asinh(Tensor input, Tensor? @out = null) => Unary.Float<AsinhOp>(input, @out, false, "asinh_cpu");
        public static Tensor asinh_(Tensor input) => input.asinh_();
        public static Tensor arcsinh(Tensor input, Tensor? @out = null) => asinh(input, @out);
        public static Tensor acosh(Tensor input, Tensor? @out = null) => Unary.Float<AcoshOp>(input, @out, false, "acosh_cpu");
        public static Tensor acosh_(Tensor input) => input.acosh_();
        public static Tensor arccosh(Tensor input, Tensor? @out = null) => acosh(input, @out);
        public static Tensor atanh(Tensor input, Tensor? @out = null) => Unary.Float<AtanhOp>(input, @out, false, "atanh_cpu");
        public static Tensor atanh_(Tensor input) => input.atanh_();
        public static Tensor arctanh(Tensor input, Tensor? @out = null) => atanh(input, @out);
        public static Tensor erf(Tensor input, Tensor? @out = null) => Unary.Float<ErfOp>(input, @out, false, "erf_vml_cpu");
        public static Tensor erf_(Tensor input) => input.erf_();
        public static Tensor erfc(Tensor input, Tensor? @out = null) => Unary.Float<ErfcOp>(input, @out, false, "erfc_vml_cpu");
        public static Tensor erfc_(Tensor input) => input.erfc_();
        public static Tensor erfinv(Tensor input, Tensor? @out = null) => Unary.Float<ErfinvOp>(input, @out, false, "erfinv_vml_cpu");
        public static Tensor erfinv_(Tensor input) => input.erfinv_();
        public static Tensor reciprocal(Tensor input, Tensor? @out = null) => Unary.Float<ReciprocalOp>(input, @out, false, "reciprocal", halfOk: true);
        public static Tensor reciprocal_(Tensor input) => input.reciprocal_();
        public static Tensor sigmoid(Tensor input, Tensor? @out = null) => Unary.Float<SigmoidOp>(input, @out, false, "sigmoid_cpu");
        public static Tensor sigmoid_(Tensor input) => input.sigmoid_();

        /// <summary>log(p / (1 - p)); with <paramref name="eps"/> the input is first clamped to [eps, 1 - eps].</summary>
        public static Tensor logit(Tensor input, double? eps = null, Tensor? @out = null) => LogitImpl(input, eps, @out, false);
        public static Tensor logit_(Tensor input, double? eps = null) => LogitImpl(input, eps, null, true);

        internal static Tensor LogitImpl(Tensor input, double? eps, Tensor? @out, bool inPlace)
        {
            var result = Elementwise.FloatResult(input.dtype);
            if (result == DType.Float16) throw Unary.NotImplemented("logit_cpu", result);
            bool clamp = eps is >= 0;
            double lo = eps ?? 0;
            // PyTorch forms 1 - eps in the compute type
            double hi = result == DType.Float64 ? 1 - lo : (double)(1f - (float)lo);
            return Unary.FloatArgs<LogitOp>(input, @out, inPlace, lo, hi, clamp ? 1 : 0);
        }
    }

    public partial class Tensor
    {
        public Tensor exp() => torch.exp(this);
        public Tensor exp_() => Unary.Float<ExpOp>(this, null, true, "exp_vml_cpu");
        public Tensor exp2() => torch.exp2(this);
        public Tensor exp2_() => Unary.Float<Exp2Op>(this, null, true, "exp2", halfOk: true);
        public Tensor expm1() => torch.expm1(this);
        public Tensor expm1_() => Unary.Float<Expm1Op>(this, null, true, "expm1_vml_cpu");
        public Tensor log() => torch.log(this);
        public Tensor log_() => Unary.Float<LogOp>(this, null, true, "log_vml_cpu");
        public Tensor log2() => torch.log2(this);
        public Tensor log2_() => Unary.Float<Log2Op>(this, null, true, "log2_vml_cpu");
        public Tensor log10() => torch.log10(this);
        public Tensor log10_() => Unary.Float<Log10Op>(this, null, true, "log10_vml_cpu");
        public Tensor log1p() => torch.log1p(this);
        public Tensor log1p_() => Unary.Float<Log1pOp>(this, null, true, "log1p_vml_cpu");
        public Tensor sqrt() => torch.sqrt(this);
        public Tensor sqrt_() => Unary.Float<SqrtOp>(this, null, true, "sqrt_vml_cpu");
        public Tensor rsqrt() => torch.rsqrt(this);
        public Tensor rsqrt_() => Unary.Float<RsqrtOp>(this, null, true, "rsqrt_cpu");
        public Tensor sin() => torch.sin(this);
        public Tensor sin_() => Unary.Float<SinOp>(this, null, true, "sin_vml_cpu");
        public Tensor cos() => torch.cos(this);
        public Tensor cos_() => Unary.Float<CosOp>(this, null, true, "cos_vml_cpu");
        public Tensor tan() => torch.tan(this);
        public Tensor tan_() => Unary.Float<TanOp>(this, null, true, "tan_vml_cpu");
        public Tensor asin() => torch.asin(this);
        public Tensor asin_() => Unary.Float<AsinOp>(this, null, true, "asin_vml_cpu");
        public Tensor arcsin() => asin();
        public Tensor arcsin_() => asin_();
        public Tensor acos() => torch.acos(this);
        public Tensor acos_() => Unary.Float<AcosOp>(this, null, true, "acos_vml_cpu");
        public Tensor arccos() => acos();
        public Tensor arccos_() => acos_();
        public Tensor atan() => torch.atan(this);
        public Tensor atan_() => Unary.Float<AtanOp>(this, null, true, "atan_vml_cpu");
        public Tensor arctan() => atan();
        public Tensor arctan_() => atan_();
        public Tensor sinh() => torch.sinh(this);
        public Tensor sinh_() => Unary.Float<SinhOp>(this, null, true, "sinh_cpu");
        public Tensor cosh() => torch.cosh(this);
        public Tensor cosh_() => Unary.Float<CoshOp>(this, null, true, "cosh_cpu");
        public Tensor tanh() => torch.tanh(this);
        public Tensor tanh_() => Unary.Float<TanhOp>(this, null, true, "tanh_vml_cpu");
        public Tensor asinh() => torch.asinh(this);
        public Tensor asinh_() => Unary.Float<AsinhOp>(this, null, true, "asinh_cpu");
        public Tensor arcsinh() => asinh();
        public Tensor arcsinh_() => asinh_();
        public Tensor acosh() => torch.acosh(this);
        public Tensor acosh_() => Unary.Float<AcoshOp>(this, null, true, "acosh_cpu");
        public Tensor arccosh() => acosh();
        public Tensor arccosh_() => acosh_();
        public Tensor atanh() => torch.atanh(this);
        public Tensor atanh_() => Unary.Float<AtanhOp>(this, null, true, "atanh_cpu");
        public Tensor arctanh() => atanh();
        public Tensor arctanh_() => atanh_();
        public Tensor erf() => torch.erf(this);
        public Tensor erf_() => Unary.Float<ErfOp>(this, null, true, "erf_vml_cpu");
        public Tensor erfc() => torch.erfc(this);
        public Tensor erfc_() => Unary.Float<ErfcOp>(this, null, true, "erfc_vml_cpu");
        public Tensor erfinv() => torch.erfinv(this);
        public Tensor erfinv_() => Unary.Float<ErfinvOp>(this, null, true, "erfinv_vml_cpu");
        public Tensor reciprocal() => torch.reciprocal(this);
        public Tensor reciprocal_() => Unary.Float<ReciprocalOp>(this, null, true, "reciprocal", halfOk: true);
        public Tensor sigmoid() => torch.sigmoid(this);
        public Tensor sigmoid_() => Unary.Float<SigmoidOp>(this, null, true, "sigmoid_cpu");
        public Tensor logit(double? eps = null) => torch.logit(this, eps);
        public Tensor logit_(double? eps = null) => torch.logit_(this, eps);
    }
}

using System.Numerics;
using System.Numerics.Tensors;
using Flint.Ops;
using Flint.Ops.Kernels;

// Activation functions: relu, relu6, gelu (erf and tanh forms), silu, softplus, mish, elu, selu, leaky_relu,
// hardtanh. Apart from relu/relu6/hardtanh (which keep integer dtypes) they accept floating inputs only, and
// their out= must match the input dtype, as PyTorch's CPU kernels.

namespace Flint.Ops.Kernels
{
    internal struct ReluOp : INumericUnary
    {
        public static string Name => "relu";
        public static T Apply<T>(T x) where T : unmanaged, INumber<T> => x < T.Zero ? T.Zero : x;
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, INumber<T> { TensorPrimitives.Max(x, T.Zero, y); return true; }
    }

    internal struct GeluOp : IFloatUnary
    {
        public static string Name => "gelu";
        public static Backends.KernelId Kernel => Backends.KernelId.Gelu;
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
        {
            double d = double.CreateTruncating(x);
            return T.CreateTruncating(d * 0.5 * (1.0 + SpecialMath.Erf(d * 0.70710678118654752)));
        }
    }

    internal struct GeluTanhOp : IFloatUnary
    {
        public static string Name => "gelu_tanh";
        public static Backends.KernelId Kernel => Backends.KernelId.GeluTanh;
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
        {
            double d = double.CreateTruncating(x);
            const double k = 0.79788456080286536;   // sqrt(2 / pi)
            return T.CreateTruncating(0.5 * d * (1.0 + Math.Tanh(k * (d + 0.044715 * d * d * d))));
        }
    }

    /// <summary>
    /// The tanh-form GELU as PyTorch evaluates it for bfloat16: every intermediate (and both constants) rounded to
    /// bfloat16. Runs on the float32 compute copy of a bfloat16 tensor.
    /// </summary>
    internal struct GeluTanhBFloat16Op : IFloatUnary
    {
        public static string Name => "gelu_tanh_bfloat16";
        private static float R(float v) => (float)(BFloat16)v;
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
        {
            float v = float.CreateTruncating(x);
            float beta = R(0.79788456080286536f), kappa = R(0.044715f);
            float cube = R(R(v * v) * v);
            float inner = R(beta * R(v + R(kappa * cube)));
            return T.CreateTruncating(R(R(0.5f * v) * R(1f + R(MathF.Tanh(inner)))));
        }
    }

    internal struct SiluOp : IFloatUnary
    {
        public static string Name => "silu";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x / (T.One + T.Exp(-x));
    }

    internal struct MishOp : IFloatUnary
    {
        public static string Name => "mish";
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
        {
            double d = double.CreateTruncating(x);
            return T.CreateTruncating(d * Math.Tanh(SpecialMath.Log1p(Math.Exp(d))));
        }
    }

    /// <summary>softplus: a = beta, b = threshold; linear once x * beta exceeds the threshold.</summary>
    internal struct SoftplusOp : IFloatUnaryArgs
    {
        public static string Name => "softplus";
        public static T Apply<T>(T x, T beta, T threshold, T unused) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T bx = x * beta;
            if (bx > threshold) return x;
            return T.CreateTruncating(SpecialMath.Log1p(Math.Exp(double.CreateTruncating(bx)))) / beta;
        }
    }

    /// <summary>elu: a = alpha, b = scale, c = input_scale (selu is elu with fixed constants).</summary>
    internal struct EluOp : IFloatUnaryArgs
    {
        public static string Name => "elu";
        public static T Apply<T>(T x, T alpha, T scale, T inputScale) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (x > T.Zero || T.IsNaN(x)) return x * scale;
            T em1 = T.CreateTruncating(SpecialMath.Expm1(double.CreateTruncating(x * inputScale)));
            return em1 * (alpha * scale);
        }
    }

    internal struct LeakyReluOp : IFloatUnaryArgs
    {
        public static string Name => "leaky_relu";
        public static T Apply<T>(T x, T slope, T b, T c) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? x : x * slope;
    }

    /// <summary>min(max(x, lo), hi): NaN passes through; with lo &gt; hi every element becomes hi.</summary>
    internal struct HardtanhOp : INumericUnaryArgs
    {
        public static string Name => "hardtanh";
        public static T Apply<T>(T x, T lo, T hi, T c) where T : unmanaged, INumber<T>
        {
            T y = x < lo ? lo : x;
            return y > hi ? hi : y;
        }
    }
}

namespace Flint
{
    public static partial class torch
    {
        private const double SeluAlpha = 1.6732632423543772848170429916717;
        private const double SeluScale = 1.0507009873554804934193349852946;

        public static Tensor relu(Tensor input) => ReluImpl(input, false);
        public static Tensor relu_(Tensor input) => ReluImpl(input, true);

        private static Tensor ReluImpl(Tensor input, bool inPlace)
        {
            if (input.dtype.IsBool) throw new NotSupportedException("Boolean inputs not supported for relu");
            if (input.dtype == DType.Float16) throw Unary.NotImplemented("clamp_min_cpu", input.dtype);
            return Elementwise.NumericUnary<ReluOp>(input, null, inPlace);
        }

        /// <summary>GELU; <paramref name="approximate"/> is "none" (the erf form) or "tanh".</summary>
        public static Tensor gelu(Tensor input, string approximate = "none", Tensor? @out = null)
        {
            if (approximate != "none" && approximate != "tanh")
                throw new ArgumentException("approximate argument must be either none or tanh.");
            if (approximate == "tanh" && input.dtype == DType.BFloat16)
                return Unary.FloatOnly<GeluTanhBFloat16Op>(input, @out, false, "GeluKernelImpl");
            return approximate == "tanh"
                ? Unary.FloatOnly<GeluTanhOp>(input, @out, false, "GeluKernelImpl")
                : Unary.FloatOnly<GeluOp>(input, @out, false, "GeluKernelImpl");
        }

        public static Tensor silu(Tensor input, Tensor? @out = null) => Unary.FloatOnly<SiluOp>(input, @out, false, "silu_cpu");
        public static Tensor silu_(Tensor input) => Unary.FloatOnly<SiluOp>(input, null, true, "silu_cpu");
        public static Tensor mish(Tensor input, Tensor? @out = null) => Unary.FloatOnly<MishOp>(input, @out, false, "mish_cpu", bfloat16Ok: false);
        public static Tensor mish_(Tensor input) => Unary.FloatOnly<MishOp>(input, null, true, "mish_cpu", bfloat16Ok: false);

        /// <summary>log(1 + exp(beta * x)) / beta, or x itself where beta * x &gt; threshold.</summary>
        public static Tensor softplus(Tensor input, double beta = 1, double threshold = 20, Tensor? @out = null)
        {
            Unary.CheckFloatOnly(input, @out, "softplus_cpu");
            return Unary.FloatArgs<SoftplusOp>(input, @out, false, beta, threshold);
        }

        public static Tensor elu(Tensor input, double alpha = 1.0, Tensor? @out = null) => EluImpl(input, alpha, 1, 1, @out, false);
        public static Tensor elu_(Tensor input, double alpha = 1.0) => EluImpl(input, alpha, 1, 1, null, true);
        public static Tensor selu(Tensor input) => EluImpl(input, SeluAlpha, SeluScale, 1, null, false);
        public static Tensor selu_(Tensor input) => EluImpl(input, SeluAlpha, SeluScale, 1, null, true);

        private static Tensor EluImpl(Tensor input, double alpha, double scale, double inputScale, Tensor? @out, bool inPlace)
        {
            Unary.CheckFloatOnly(input, @out, "elu_cpu");
            return Unary.FloatArgs<EluOp>(input, @out, inPlace, alpha, scale, inputScale);
        }

        public static Tensor leaky_relu(Tensor input, double negative_slope = 0.01, Tensor? @out = null)
        {
            Unary.CheckFloatOnly(input, @out, "leaky_relu_cpu");
            return Unary.FloatArgs<LeakyReluOp>(input, @out, false, negative_slope);
        }

        public static Tensor leaky_relu_(Tensor input, double negative_slope = 0.01)
        {
            Unary.CheckFloatOnly(input, null, "leaky_relu_cpu");
            return Unary.FloatArgs<LeakyReluOp>(input, null, true, negative_slope);
        }

        /// <summary>Clamps to [min_val, max_val]; integer dtypes stay integer (the limits truncate).</summary>
        public static Tensor hardtanh(Tensor input, double min_val = -1.0, double max_val = 1.0, Tensor? @out = null) =>
            HardtanhImpl(input, min_val, max_val, @out, false);
        public static Tensor hardtanh_(Tensor input, double min_val = -1.0, double max_val = 1.0) =>
            HardtanhImpl(input, min_val, max_val, null, true);
        public static Tensor relu6(Tensor input) => HardtanhImpl(input, 0, 6, null, false);
        public static Tensor relu6_(Tensor input) => HardtanhImpl(input, 0, 6, null, true);

        private static Tensor HardtanhImpl(Tensor input, double min, double max, Tensor? @out, bool inPlace)
        {
            if (input.dtype.IsBool) throw new NotSupportedException("Bool inputs not supported for hardtanh");
            if (input.dtype == DType.UInt8 && (min < 0 || max < 0))
                throw new ArgumentException("cannot do hardtanh on an unsigned type with negative limits");
            Unary.CheckSameDTypeOut(input, @out);
            if (input.dtype == DType.Float16) throw Unary.NotImplemented("clamp_scalar_cpu", input.dtype);
            return Unary.NumericArgs<HardtanhOp>(input, @out, inPlace, min, max);
        }
    }

    public partial class Tensor
    {
        public Tensor relu() => torch.relu(this);
        public Tensor relu_() => torch.relu_(this);
        public Tensor relu6() => torch.relu6(this);
        public Tensor relu6_() => torch.relu6_(this);
        public Tensor gelu(string approximate = "none") => torch.gelu(this, approximate);
        public Tensor silu() => torch.silu(this);
        public Tensor silu_() => torch.silu_(this);
        public Tensor mish() => torch.mish(this);
        public Tensor mish_() => torch.mish_(this);
        public Tensor softplus(double beta = 1, double threshold = 20) => torch.softplus(this, beta, threshold);
        public Tensor elu(double alpha = 1.0) => torch.elu(this, alpha);
        public Tensor elu_(double alpha = 1.0) => torch.elu_(this, alpha);
        public Tensor selu() => torch.selu(this);
        public Tensor selu_() => torch.selu_(this);
        public Tensor leaky_relu(double negative_slope = 0.01) => torch.leaky_relu(this, negative_slope);
        public Tensor leaky_relu_(double negative_slope = 0.01) => torch.leaky_relu_(this, negative_slope);
        public Tensor hardtanh(double min_val = -1.0, double max_val = 1.0) => torch.hardtanh(this, min_val, max_val);
        public Tensor hardtanh_(double min_val = -1.0, double max_val = 1.0) => torch.hardtanh_(this, min_val, max_val);
    }
}

using System.Numerics;
using System.Numerics.Tensors;
using Flint.Ops;
using Flint.Ops.Kernels;

// Activation functions: relu, relu6, gelu (erf and tanh forms), silu, softplus, mish, elu, selu, leaky_relu,
// hardtanh. Apart from relu/relu6/hardtanh (which keep integer dtypes) they accept floating inputs only, and
// their out= must match the input dtype, as PyTorch's CPU kernels.

namespace Flint.Ops.Kernels
{
    [ElementwiseOp("relu", Variants.Function | Variants.FunctionInPlace | Variants.Method | Variants.InPlace, Error = "clamp_min_cpu", HalfOk = false, Summary = "The rectified linear unit max(0, x) of each element.")]
    internal struct ReluOp : INumericUnary
    {
        public static string Name => "relu";
        public static void CheckInput(Tensor input)
        {
            if (input.dtype.IsBool) throw new NotSupportedException("Boolean inputs not supported for relu");
        }
        public static UnaryDerivative Derivative { get; } = new("ReluBackward0", (g, x, y) => ReluGrad(g, y) ?? g * y.gt(0).to(g.dtype), Saves.Output);
        public static T Apply<T>(T x) where T : unmanaged, INumber<T> => x < T.Zero ? T.Zero : x;
        public static bool Span<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, INumber<T> { TensorPrimitives.Max(x, T.Zero, y); return true; }

        /// <summary>
        /// relu's gradient in one kernel (threshold_backward: 0 where the output is &lt;= 0, else g, so a NaN output passes
        /// its gradient as PyTorch) for contiguous float32 tensors of one shape on one device when no graph of the
        /// gradient is wanted; null otherwise (the caller then uses the tensor formula).
        /// </summary>
        internal static Tensor? ReluGrad(Tensor g, Tensor y)
        {
            if ((Autograd.GradMode.IsEnabled && g.requires_grad) || g.dtype != DType.Float32 || y.dtype != DType.Float32 || g.device != y.device) return null;
            if (!Tensor.HasContiguousStrides(g._shape, g._strides) || !Tensor.HasContiguousStrides(y._shape, y._strides)) return null;
            if (!g._shape.AsSpan().SequenceEqual(y._shape)) return null;
            // a gradient only the engine holds is overwritten in place (each element is read before it is written)
            var r = Autograd.GradOwnership.CanSteal(g) ? g : Tensor.Empty(g._shape, DType.Float32, g.device);
            r.Backend.ThresholdBackward(g, y, r, 0);
            return r;
        }

    }

    internal struct GeluOp : IFloatUnary
    {
        public static string Name => "gelu";
        public static UnaryDerivative Derivative { get; } = new("GeluBackward0", (g, x, y) =>
        {
            if (FusedGrad(g, x, tanh: false) is { } fused) return fused;
            var cdf = (x * (1 / Math.Sqrt(2))).erf().add(1).mul(0.5);
            var pdf = (x * x * -0.5).exp() * (1 / Math.Sqrt(2 * Math.PI));
            return g * (cdf + x * pdf);
        });
        public static Backends.KernelId Kernel => Backends.KernelId.Gelu;
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
        {
            double d = double.CreateTruncating(x);
            return T.CreateTruncating(d * 0.5 * (1.0 + SpecialMath.Erf(d * 0.70710678118654752)));
        }

        /// <summary>
        /// GELU's gradient in one kernel for contiguous float32/float64 tensors of one shape, dtype and device when no
        /// graph of the gradient is wanted; null otherwise (the caller then uses the tensor formula).
        /// </summary>
        internal static Tensor? FusedGrad(Tensor g, Tensor x, bool tanh)
        {
            if (Autograd.GradMode.IsEnabled && (g.requires_grad || x.requires_grad)) return null;
            if ((g.dtype != DType.Float32 && g.dtype != DType.Float64) || x.dtype != g.dtype || g.device != x.device) return null;
            if (!Tensor.HasContiguousStrides(g._shape, g._strides) || !Tensor.HasContiguousStrides(x._shape, x._strides)) return null;
            if (!g._shape.AsSpan().SequenceEqual(x._shape)) return null;
            var r = Autograd.GradOwnership.CanSteal(g) ? g : Tensor.Empty(g._shape, g.dtype, g.device);
            r.Backend.GeluBackward(g, x, r, tanh);
            return r;
        }
    }

    internal struct GeluTanhOp : IFloatUnary
    {
        public static string Name => "gelu_tanh";
        public static UnaryDerivative Derivative { get; } = new("GeluBackward0", (g, x, y) =>
        {
            if (GeluOp.FusedGrad(g, x, tanh: true) is { } fused) return fused;
            double k = Math.Sqrt(2 / Math.PI);
            var inner = (x + x.pow(3) * 0.044715) * k;
            var t = inner.tanh();
            var dinner = (1 + x * x * (3 * 0.044715)) * k;
            return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * dinner);
        });
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
        public static UnaryDerivative Derivative { get; } = new("GeluBackward0", (g, x, y) =>
        {
            double k = Math.Sqrt(2 / Math.PI);
            var t = ((x + x.pow(3) * 0.044715) * k).tanh();
            return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * ((1 + x * x * (3 * 0.044715)) * k));
        });
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

    [ElementwiseOp("silu", Variants.All, Error = "silu_cpu", Rule = OpRule.FloatOnly, Summary = "The SiLU (swish) x * sigmoid(x) of each element.")]
    internal struct SiluOp : IFloatUnary
    {
        public static string Name => "silu";
        public static UnaryDerivative Derivative { get; } = new("SiluBackward0", (g, x, y) => { var s = x.sigmoid(); return g * s * (1 + x * (1 - s)); });
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x / (T.One + T.Exp(-x));
    }

    [ElementwiseOp("mish", Variants.All, Error = "mish_cpu", Rule = OpRule.FloatOnly, BFloat16Ok = false, Summary = "The Mish activation x * tanh(softplus(x)) of each element.")]
    internal struct MishOp : IFloatUnary
    {
        public static string Name => "mish";
        public static UnaryDerivative Derivative { get; } = new("MishBackward0", (g, x, y) =>
        {
            var sp = torch.softplus(x); var t = sp.tanh();
            return g * (t + x * (1 - t * t) * x.sigmoid());
        });
        public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
        {
            double d = double.CreateTruncating(x);
            return T.CreateTruncating(d * Math.Tanh(SpecialMath.Log1p(Math.Exp(d))));
        }
    }

    /// <summary>softplus: a = beta, b = threshold; linear once x * beta exceeds the threshold.</summary>
    [ElementwiseOp("softplus", Variants.Function | Variants.Out | Variants.Method, Parameters = "double beta = 1, double threshold = 20",
        Summary = "log(1 + exp(beta * x)) / beta, or x itself where beta * x &gt; threshold.")]
    internal struct SoftplusOp : IFloatUnaryArgs
    {
        public static string Name => "softplus";
        public static (double, double, double) Arguments(Tensor input, Tensor? @out, double beta, double threshold)
        {
            Unary.CheckFloatOnly(input, @out, "softplus_cpu");
            return (beta, threshold, 0);
        }
        public static UnaryDerivative Derivative { get; } = new("SoftplusBackward0", (g, x, y, beta, threshold, _) =>
        {
            var bx = x * beta;
            return g * torch.where(bx.gt(threshold), torch.ones_like(x), bx.sigmoid());
        });
        public static T Apply<T>(T x, T beta, T threshold, T unused) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T bx = x * beta;
            if (bx > threshold) return x;
            return T.CreateTruncating(SpecialMath.Log1p(Math.Exp(double.CreateTruncating(bx)))) / beta;
        }
    }

    /// <summary>elu: a = alpha, b = scale, c = input_scale (selu is elu with fixed constants).</summary>
    [ElementwiseOp("elu", Variants.All, Parameters = "double alpha = 1.0", Summary = "The ELU of each element: x above 0, alpha * (exp(x) - 1) below.")]
    [ElementwiseOp("selu", Variants.Function | Variants.FunctionInPlace | Variants.Method | Variants.InPlace, Parameters = "", Summary = "The scaled ELU (SELU) of each element, with the fixed alpha and scale of self-normalizing networks.")]
    internal struct EluOp : IFloatUnaryArgs
    {
        public static string Name => "elu";
        private const double SeluAlpha = 1.6732632423543772848170429916717;
        private const double SeluScale = 1.0507009873554804934193349852946;
        /// <summary>elu: alpha, no scale.</summary>
        public static (double, double, double) Arguments(Tensor input, Tensor? @out, double alpha) => Arguments(input, @out, alpha, 1);
        /// <summary>selu: elu with PyTorch's fixed alpha and scale.</summary>
        public static (double, double, double) Arguments(Tensor input, Tensor? @out) => Arguments(input, @out, SeluAlpha, SeluScale);
        private static (double, double, double) Arguments(Tensor input, Tensor? @out, double alpha, double scale)
        {
            Unary.CheckFloatOnly(input, @out, "elu_cpu");
            return (alpha, scale, 1);
        }
        public static UnaryDerivative Derivative { get; } = new("EluBackward0", (g, x, y, alpha, scale, inputScale) =>
            g * torch.where(x.gt(0), torch.full_like(x, scale), (x * inputScale).exp() * (alpha * scale * inputScale)));
        public static T Apply<T>(T x, T alpha, T scale, T inputScale) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (x > T.Zero || T.IsNaN(x)) return x * scale;
            T em1 = T.CreateTruncating(SpecialMath.Expm1(double.CreateTruncating(x * inputScale)));
            return em1 * (alpha * scale);
        }
    }

    [ElementwiseOp("leaky_relu", Variants.All, Parameters = "double negative_slope = 0.01", Summary = "max(0, x) + negative_slope * min(0, x) of each element.")]
    internal struct LeakyReluOp : IFloatUnaryArgs
    {
        public static string Name => "leaky_relu";
        public static (double, double, double) Arguments(Tensor input, Tensor? @out, double negative_slope)
        {
            Unary.CheckFloatOnly(input, @out, "leaky_relu_cpu");
            return (negative_slope, 0, 0);
        }
        public static UnaryDerivative Derivative { get; } = new("LeakyReluBackward0", (g, x, y, slope, _, _) =>
            g * torch.where(x.gt(0), torch.ones_like(x), torch.full_like(x, slope)));
        public static T Apply<T>(T x, T slope, T b, T c) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? x : x * slope;
    }

    /// <summary>min(max(x, lo), hi): NaN passes through; with lo &gt; hi every element becomes hi.</summary>
    [ElementwiseOp("hardtanh", Variants.All, Parameters = "double min_val = -1.0, double max_val = 1.0",
        Summary = "Clamps to [min_val, max_val]; integer dtypes stay integer (the limits truncate).")]
    [ElementwiseOp("relu6", Variants.Function | Variants.FunctionInPlace | Variants.Method | Variants.InPlace, Parameters = "", Summary = "min(max(0, x), 6) of each element.")]
    internal struct HardtanhOp : INumericUnaryArgs
    {
        public static string Name => "hardtanh";
        /// <summary>relu6: hardtanh between 0 and 6.</summary>
        public static (double, double, double) Arguments(Tensor input, Tensor? @out) => Arguments(input, @out, 0, 6);
        public static (double, double, double) Arguments(Tensor input, Tensor? @out, double min_val, double max_val)
        {
            if (input.dtype.IsBool) throw new NotSupportedException("Bool inputs not supported for hardtanh");
            if (input.dtype == DType.UInt8 && (min_val < 0 || max_val < 0))
                throw new ArgumentException("cannot do hardtanh on an unsigned type with negative limits");
            Unary.CheckSameDTypeOut(input, @out);
            if (input.dtype == DType.Float16) throw Unary.NotImplemented("clamp_scalar_cpu", input.dtype);
            return (min_val, max_val, 0);
        }
        public static UnaryDerivative Derivative { get; } = new("HardtanhBackward0", (g, x, y, lo, hi, _) =>
            g * torch.logical_and(x.gt(lo), x.lt(hi)).to(g.dtype));
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
    }

    public partial class Tensor
    {
        /// <summary>The GELU of each element, as <c>tensor.gelu(approximate)</c>; <paramref name="approximate"/> is <c>"none"</c> (the erf form) or <c>"tanh"</c>.</summary>
        public Tensor gelu(string approximate = "none") => torch.gelu(this, approximate);
    }
}

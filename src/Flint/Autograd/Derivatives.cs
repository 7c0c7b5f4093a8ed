namespace Flint.Autograd;

/// <summary>A unary op's backward: grad_input from (grad_output, input, output, op arguments).</summary>
internal sealed record UnaryDerivative(string Name, Func<Tensor, Tensor, Tensor, double, double, double, Tensor> Backward, bool SavesInput = true, bool SavesOutput = false);

/// <summary>A binary op's backward: (grad_a, grad_b) before broadcasting is undone.</summary>
/// <remarks><paramref name="ScalarOverload"/>: with a Python-number operand PyTorch calls a Scalar overload whose node has only the tensor input.</remarks>
internal sealed record BinaryDerivative(Func<Tensor, Tensor, string> Name, Func<Tensor, Tensor, Tensor, Tensor, bool, bool, (Tensor?, Tensor?)> Backward, bool SavesInputs = true, bool SavesOutput = false, bool ScalarOverload = false);

internal sealed record TernaryDerivative(string Name, Func<Tensor, Tensor, Tensor, Tensor, Tensor, double, (Tensor?, Tensor?, Tensor?)> Backward);

/// <summary>
/// The backward formulas of the elementwise ops, keyed by kernel name (the <c>Name</c> of the op struct), with
/// PyTorch's node names. Formulas are written with differentiable tensor ops, so gradients of gradients work.
/// </summary>
internal static class Derivatives
{
    private const double Ln2 = 0.69314718055994530942, Ln10 = 2.30258509299404568402;
    private static readonly double TwoOverSqrtPi = 2 / Math.Sqrt(Math.PI);

    private static UnaryDerivative U(string name, Func<Tensor, Tensor, Tensor, Tensor> f, bool x = true, bool y = false) =>
        new(name, (g, xi, yi, _, _, _) => f(g, xi, yi), x, y);

    /// <summary>
    /// relu's gradient in one kernel (threshold_backward: 0 where the output is <= 0, else g, so a NaN output passes
    /// its gradient as PyTorch) for contiguous float32 tensors of one shape on one device when no graph of the
    /// gradient is wanted; null otherwise (the caller then uses the tensor formula).
    /// </summary>
    private static Tensor? ReluGrad(Tensor g, Tensor y)
    {
        if ((GradMode.IsEnabled && g.requires_grad) || g.dtype != DType.Float32 || y.dtype != DType.Float32 || g.device != y.device) return null;
        if (!Tensor.HasContiguousStrides(g._shape, g._strides) || !Tensor.HasContiguousStrides(y._shape, y._strides)) return null;
        if (!g._shape.AsSpan().SequenceEqual(y._shape)) return null;
        // a gradient only the engine holds is overwritten in place (each element is read before it is written)
        var r = GradOwnership.CanSteal(g) ? g : Tensor.Empty(g._shape, DType.Float32, g.device);
        r.Backend.ThresholdBackward(g, y, r, 0);
        return r;
    }

    internal static readonly Dictionary<string, UnaryDerivative> Unary = new()
    {
        ["exp"] = U("ExpBackward0", (g, x, y) => g * y, false, true),
        ["exp2"] = U("Exp2Backward0", (g, x, y) => g * y * Ln2, false, true),
        ["expm1"] = U("Expm1Backward0", (g, x, y) => g * (y + 1), false, true),
        ["log"] = U("LogBackward0", (g, x, y) => g / x),
        ["log2"] = U("Log2Backward0", (g, x, y) => g / (x * Ln2)),
        ["log10"] = U("Log10Backward0", (g, x, y) => g / (x * Ln10)),
        ["log1p"] = U("Log1PBackward0", (g, x, y) => g / (x + 1)),
        ["sqrt"] = U("SqrtBackward0", (g, x, y) => g / (y * 2), false, true),
        ["rsqrt"] = U("RsqrtBackward0", (g, x, y) => g * y.pow(3) * -0.5, false, true),
        ["sin"] = U("SinBackward0", (g, x, y) => g * x.cos()),
        ["cos"] = U("CosBackward0", (g, x, y) => g * -x.sin()),
        ["tan"] = U("TanBackward0", (g, x, y) => g * (y * y + 1), false, true),
        ["asin"] = U("AsinBackward0", (g, x, y) => g * (1 - x * x).rsqrt()),
        ["acos"] = U("AcosBackward0", (g, x, y) => -g * (1 - x * x).rsqrt()),
        ["atan"] = U("AtanBackward0", (g, x, y) => g / (x * x + 1)),
        ["sinh"] = U("SinhBackward0", (g, x, y) => g * x.cosh()),
        ["cosh"] = U("CoshBackward0", (g, x, y) => g * x.sinh()),
        ["tanh"] = U("TanhBackward0", (g, x, y) => g * (1 - y * y), false, true),
        ["asinh"] = U("AsinhBackward0", (g, x, y) => g * (x * x + 1).rsqrt()),
        ["acosh"] = U("AcoshBackward0", (g, x, y) => g * (x * x - 1).rsqrt()),
        ["atanh"] = U("AtanhBackward0", (g, x, y) => g / (1 - x * x)),
        ["erf"] = U("ErfBackward0", (g, x, y) => g * (-(x * x)).exp() * TwoOverSqrtPi),
        ["erfc"] = U("ErfcBackward0", (g, x, y) => g * (-(x * x)).exp() * -TwoOverSqrtPi),
        ["erfinv"] = U("ErfinvBackward0", (g, x, y) => g * (y * y).exp() * (Math.Sqrt(Math.PI) / 2), false, true),
        ["reciprocal"] = U("ReciprocalBackward0", (g, x, y) => -g * y * y, false, true),
        ["sigmoid"] = U("SigmoidBackward0", (g, x, y) => g * y * (1 - y), false, true),
        ["neg"] = U("NegBackward0", (g, x, y) => -g, false),
        ["abs"] = U("AbsBackward0", (g, x, y) => g * x.sign()),
        ["sign"] = U("SignBackward0", (g, x, y) => torch.zeros_like(g), false),
        ["square"] = U("PowBackward0", (g, x, y) => g * x * 2),
        ["floor"] = U("FloorBackward0", (g, x, y) => torch.zeros_like(g), false),
        ["ceil"] = U("CeilBackward0", (g, x, y) => torch.zeros_like(g), false),
        ["trunc"] = U("TruncBackward0", (g, x, y) => torch.zeros_like(g), false),
        ["round"] = U("RoundBackward0", (g, x, y) => torch.zeros_like(g), false),
        ["frac"] = U("FracBackward0", (g, x, y) => g, false),
        ["relu"] = U("ReluBackward0", (g, x, y) => ReluGrad(g, y) ?? g * y.gt(0).to(g.dtype), false, true),
        ["silu"] = U("SiluBackward0", (g, x, y) => { var s = x.sigmoid(); return g * s * (1 + x * (1 - s)); }),
        ["mish"] = U("MishBackward0", (g, x, y) =>
        {
            var sp = torch.softplus(x); var t = sp.tanh();
            return g * (t + x * (1 - t * t) * x.sigmoid());
        }),
        ["gelu"] = U("GeluBackward0", (g, x, y) =>
        {
            var cdf = (x * (1 / Math.Sqrt(2))).erf().add(1).mul(0.5);
            var pdf = (x * x * -0.5).exp() * (1 / Math.Sqrt(2 * Math.PI));
            return g * (cdf + x * pdf);
        }),
        ["gelu_tanh"] = U("GeluBackward0", (g, x, y) =>
        {
            double k = Math.Sqrt(2 / Math.PI);
            var inner = (x + x.pow(3) * 0.044715) * k;
            var t = inner.tanh();
            var dinner = (1 + x * x * (3 * 0.044715)) * k;
            return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * dinner);
        }),
        ["gelu_tanh_bfloat16"] = U("GeluBackward0", (g, x, y) =>
        {
            double k = Math.Sqrt(2 / Math.PI);
            var t = ((x + x.pow(3) * 0.044715) * k).tanh();
            return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * ((1 + x * x * (3 * 0.044715)) * k));
        }),
        ["softplus"] = new("SoftplusBackward0", (g, x, y, beta, threshold, _) =>
        {
            var bx = x * beta;
            return g * torch.where(bx.gt(threshold), torch.ones_like(x), bx.sigmoid());
        }),
        ["elu"] = new("EluBackward0", (g, x, y, alpha, scale, inputScale) =>
            g * torch.where(x.gt(0), torch.full_like(x, scale), (x * inputScale).exp() * (alpha * scale * inputScale))),
        ["leaky_relu"] = new("LeakyReluBackward0", (g, x, y, slope, _, _) =>
            g * torch.where(x.gt(0), torch.ones_like(x), torch.full_like(x, slope))),
        ["hardtanh"] = new("HardtanhBackward0", (g, x, y, lo, hi, _) =>
            g * torch.logical_and(x.gt(lo), x.lt(hi)).to(g.dtype)),
        ["logit"] = new("LogitBackward0", (g, x, y, lo, hi, clamped) =>
        {
            var d = g / (x * (1 - x));
            return clamped != 0 ? torch.where(torch.logical_or(x.lt(lo), x.gt(hi)), torch.zeros_like(x), d) : d;
        }),
        ["nan_to_num"] = U("NanToNumBackward0", (g, x, y) => g * x.isfinite().to(g.dtype)),
    };

    private static BinaryDerivative B(string name, Func<Tensor, Tensor, Tensor, Tensor, (Tensor?, Tensor?)> f, bool inputs = true, bool output = false) =>
        new((_, _) => name, (g, a, b, y, _, _) => f(g, a, b, y), inputs, output);

    internal static readonly Dictionary<string, BinaryDerivative> Binary = new()
    {
        ["add"] = B("AddBackward0", (g, a, b, y) => (g, g), false),
        ["sub"] = B("SubBackward0", (g, a, b, y) => (g, -g), false),
        ["mul"] = new((_, _) => "MulBackward0", (g, a, b, y, na, nb) => (na ? g * b : null, nb ? g * a : null)),
        ["div"] = new((_, _) => "DivBackward0", (g, a, b, y, na, nb) => (na ? g / b : null, nb ? -g * a / (b * b) : null)),
        ["pow"] = new((a, b) => b.IsWrappedNumber || (b.dim() == 0 && !b.requires_grad && a.dim() > 0) ? "PowBackward0" : a.IsWrappedNumber ? "PowBackward2" : "PowBackward1",
            (g, a, b, y, na, nb) =>
            {
                Tensor? ga = null, gb = null;
                if (na) ga = torch.where(b.eq(0), torch.zeros_like(g), g * b * a.pow(b - 1));
                if (nb) gb = torch.where(torch.logical_and(a.eq(0), b.ge(0)), torch.zeros_like(g), g * y * a.log());
                return (ga, gb);
            }, true, true, ScalarOverload: true),
        ["maximum"] = B("MaximumBackward0", (g, a, b, y) =>
        {
            var half = a.eq(b).to(g.dtype) * 0.5;
            var ma = a.gt(b).to(g.dtype) + half;
            return (g * ma, g * (1 - ma));
        }),
        ["minimum"] = B("MinimumBackward0", (g, a, b, y) =>
        {
            var half = a.eq(b).to(g.dtype) * 0.5;
            var ma = a.lt(b).to(g.dtype) + half;
            return (g * ma, g * (1 - ma));
        }),
        ["atan2"] = B("Atan2Backward0", (g, a, b, y) =>
        {
            var den = a * a + b * b;
            return (g * b / den, g * -a / den);
        }),
        ["remainder"] = new((a, b) => b.IsWrappedNumber ? "RemainderBackward0" : "RemainderBackward1",
            (g, a, b, y, _, _) => (g, -g * a.div(b, rounding_mode: "floor")), ScalarOverload: true),
        ["fmod"] = new((a, b) => b.IsWrappedNumber ? "FmodBackward0" : "FmodBackward1",
            (g, a, b, y, _, _) => (g, -g * a.div(b, rounding_mode: "trunc")), ScalarOverload: true),
        ["hypot"] = B("HypotBackward0", (g, a, b, y) => (g * a / y, g * b / y), true, true),
        ["copysign"] = B("CopysignBackward0", (g, a, b, y) => (g * torch.where(a.eq(0), torch.zeros_like(a), y / a), torch.zeros_like(g)), true, true),
        ["fmax"] = B("FmaxBackward0", (g, a, b, y) => { var m = torch.logical_or(a.ge(b), b.isnan()).to(g.dtype); return (g * m, g * (1 - m)); }),
        ["fmin"] = B("FminBackward0", (g, a, b, y) => { var m = torch.logical_or(a.le(b), b.isnan()).to(g.dtype); return (g * m, g * (1 - m)); }),
        ["clamp_min"] = B("ClampMinBackward1", (g, a, b, y) => { var m = a.ge(b).to(g.dtype); return (g * m, g * (1 - m)); }),
        ["clamp_max"] = B("ClampMaxBackward1", (g, a, b, y) => { var m = a.le(b).to(g.dtype); return (g * m, g * (1 - m)); }),
        ["div_trunc"] = new((a, b) => b.IsWrappedNumber ? "DivBackward3" : "DivBackward2", (g, a, b, y, _, _) => (torch.zeros_like(g), torch.zeros_like(g)), false, ScalarOverload: true),
        ["div_floor"] = new((a, b) => b.IsWrappedNumber ? "DivBackward3" : "DivBackward2", (g, a, b, y, _, _) => (torch.zeros_like(g), torch.zeros_like(g)), false, ScalarOverload: true),
    };

    internal static readonly Dictionary<string, TernaryDerivative> Ternary = new()
    {
        ["lerp"] = new("LerpBackward1", (g, a, b, w, y, v) => (g * (1 - w), g * w, g * (b - a))),
        ["addcmul"] = new("AddcmulBackward0", (g, a, b, c, y, v) => (g, g * c * v, g * b * v)),
        ["addcdiv"] = new("AddcdivBackward0", (g, a, b, c, y, v) => (g, g / c * v, -g * b / (c * c) * v)),
    };
}

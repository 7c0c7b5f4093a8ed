using Flint.Autograd;

namespace Flint;

// logaddexp and logaddexp2: log(e^a + e^b) and log2(2^a + 2^b) without overflow, as max(a, b) + log1p(e^-|a-b|).
// Both are custom autograd Functions (torch.autograd.Function): forward runs as plain tensor ops without recording,
// backward is written out by hand, and its ops are differentiable so second derivatives work too.

public static partial class torch
{
    /// <summary>log(exp(input) + exp(other)) elementwise, computed stably (broadcasting; floating results only).</summary>
    public static Tensor logaddexp(Tensor input, Tensor other, Tensor? @out = null) =>
        LogAddExpCommon.Run<LogAddExpCommon.LogAddExp>(input, other, @out, "logaddexp");

    /// <summary>log2(2**input + 2**other) elementwise, computed stably (broadcasting; floating results only).</summary>
    public static Tensor logaddexp2(Tensor input, Tensor other, Tensor? @out = null) =>
        LogAddExpCommon.Run<LogAddExpCommon.LogAddExp2>(input, other, @out, "logaddexp2");
}

public partial class Tensor
{
    /// <summary><c>log(exp(this) + exp(other))</c> without overflow, as <c>tensor.logaddexp</c>.</summary>
    public Tensor logaddexp(Tensor other) => torch.logaddexp(this, other);
    /// <summary><c>log2(2^this + 2^other)</c> without overflow, as <c>tensor.logaddexp2</c>.</summary>
    public Tensor logaddexp2(Tensor other) => torch.logaddexp2(this, other);
}

internal static class LogAddExpCommon
{
    internal static Tensor Run<TFn>(Tensor input, Tensor other, Tensor? @out, string name) where TFn : torch.autograd.Function<TFn>, new()
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(other);
        var result = torch.result_type(input, other);
        if (!result.is_floating_point || result == torch.float16)
            throw new NotSupportedException($"\"{name}_cpu\" not implemented for '{result.LegacyName}'");
        // an out= that requires grad is refused like an input that does, naming the op (PyTorch's wording)
        if (@out is not null) Differentiation.CheckOut(@out, name, [input, other, @out]);
        var r = torch.autograd.Function<TFn>.apply(input, other);
        if (@out is null) return r;
        if (!Ops.TypePromotion.CanCast(r.dtype, @out.dtype))
            throw new ArgumentException($"result type {r.dtype.LegacyName} can't be cast to the desired output type {@out.dtype.LegacyName}");
        return Ops.OutArgument.Deliver(r, @out);
    }

    /// <summary>
    /// max(a, b) + log1p(base^-|a-b|) (in log base e or 2), computed in float64 and rounded once; where a and b are
    /// the same infinity the result is that infinity (the formula alone would give NaN from inf - inf).
    /// </summary>
    private static Tensor Forward(Tensor a, Tensor b, bool base2)
    {
        var result = torch.result_type(a, b);
        var a64 = a.to(torch.float64); var b64 = b.to(torch.float64);
        var m = torch.maximum(a64, b64);
        var negGap = -(a64 - b64).abs();
        var r = base2 ? m + (negGap.exp2().log1p() / Math.Log(2)) : m + negGap.exp().log1p();
        var sameInf = torch.logical_and(a64.isinf(), a64.eq(b64));
        r = torch.where(sameInf, a64.expand_as(r), r);
        return r.to(result);
    }

    /// <summary>d/da = 1 / (1 + base^(b - a)); d/db likewise with a and b swapped.</summary>
    private static Tensor?[] Backward(torch.autograd.FunctionCtx ctx, Tensor g, bool base2)
    {
        var a = ctx.saved_tensors[0]; var b = ctx.saved_tensors[1];
        Tensor Share(Tensor x, Tensor y) => g / ((base2 ? (y - x).exp2() : (y - x).exp()) + 1);
        return [ctx.needs_input_grad[0] ? Share(a, b) : null, ctx.needs_input_grad[1] ? Share(b, a) : null];
    }

    /// <summary>The Function of both ops: base e or 2 and the node name are all that differ.</summary>
    internal abstract class LogAddExpFunction<TSelf> : torch.autograd.Function<TSelf> where TSelf : LogAddExpFunction<TSelf>, new()
    {
        protected abstract bool Base2 { get; }
        public override Tensor forward(torch.autograd.FunctionCtx ctx, params Tensor[] inputs)
        {
            ctx.save_for_backward(inputs[0], inputs[1]);
            return Forward(inputs[0], inputs[1], Base2);
        }
        public override Tensor?[] backward(torch.autograd.FunctionCtx ctx, Tensor grad_output) => Backward(ctx, grad_output, Base2);
    }

    internal sealed class LogAddExp : LogAddExpFunction<LogAddExp>
    {
        protected internal override string node_name => "LogaddexpBackward0";
        protected override bool Base2 => false;
    }

    internal sealed class LogAddExp2 : LogAddExpFunction<LogAddExp2>
    {
        protected internal override string node_name => "Logaddexp2Backward0";
        protected override bool Base2 => true;
    }
}

using System.Text.Json;
using Flint;
using Flint.Tests.Support;

namespace Flint.Tests.Binary;

/// <summary>Maps a recorded PyTorch call (op name, mode, args, kwargs) onto Flint's API: a few ops by hand, every other by name.</summary>
internal static class BinaryDispatch
{
    private static Scalar? OptScalar(JsonElement kw, string key) =>
        kw.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null ? Reference.Scalar(v) : null;

    private static object? OptArg(JsonElement kw, string key)
    {
        if (!kw.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return Reference.IsScalar(v) ? Reference.Scalar(v) : Reference.Tensor(v);
    }

    private static Tensor T(object o) => o as Tensor ?? throw new InvalidOperationException("expected a tensor argument");
    private static Scalar S(object o) => o is Scalar s ? s : throw new InvalidOperationException("expected a scalar argument");

    public static object Call(string op, string mode, object[] args, JsonElement kw, Tensor? @out)
    {
        switch (op)
        {
            case "promote_types": return torch.promote_types(Reference.DTypeOf((string)args[0]), Reference.DTypeOf((string)args[1]));
            case "can_cast": return torch.can_cast(Reference.DTypeOf((string)args[0]), Reference.DTypeOf((string)args[1]));
            case "result_type":
                return (args[0], args[1]) switch
                {
                    (Tensor a, Tensor b) => torch.result_type(a, b),
                    (Tensor a, Scalar b) => torch.result_type(a, b),
                    (Scalar a, Tensor b) => torch.result_type(a, b),
                    (Scalar a, Scalar b) => torch.result_type(a, b),
                    _ => throw new InvalidOperationException(),
                };
            case "logical_not":
                return mode == "inplace" ? T(args[0]).logical_not_() : torch.logical_not(T(args[0]), @out);
            case "bitwise_not":
                return mode == "inplace" ? T(args[0]).bitwise_not_() : torch.bitwise_not(T(args[0]), @out);
            case "~": return ~T(args[0]);
            case "+" or "-" or "*" or "/" or "%" or "==" or "!=" or "<" or "<=" or ">" or ">=" or "&" or "|" or "^" or "<<" or ">>":
                return Operator(op, args[0], args[1]);
            case "clamp" or "clip":
            {
                var min = OptArg(kw, "min"); var max = OptArg(kw, "max");
                bool tensors = min is Tensor || max is Tensor;
                var x = T(args[0]);
                if (mode == "inplace")
                    return tensors ? x.clamp_((Tensor?)min, (Tensor?)max) : x.clamp_((Scalar?)min, (Scalar?)max);
                if (op == "clip")
                    return tensors ? torch.clip(x, (Tensor?)min, (Tensor?)max, @out) : torch.clip(x, (Scalar?)min, (Scalar?)max, @out);
                return tensors ? torch.clamp(x, (Tensor?)min, (Tensor?)max, @out) : torch.clamp(x, (Scalar?)min, (Scalar?)max, @out);
            }
            case "clamp_min":
                return args[1] is Tensor tmn ? torch.clamp_min(T(args[0]), tmn, @out) : torch.clamp_min(T(args[0]), S(args[1]), @out);
            case "clamp_max":
                return args[1] is Tensor tmx ? torch.clamp_max(T(args[0]), tmx, @out) : torch.clamp_max(T(args[0]), S(args[1]), @out);
            case "lerp":
                if (mode == "inplace")
                    return args[2] is Tensor wi ? T(args[0]).lerp_(T(args[1]), wi) : T(args[0]).lerp_(T(args[1]), S(args[2]));
                return args[2] is Tensor w ? torch.lerp(T(args[0]), T(args[1]), w, @out) : torch.lerp(T(args[0]), T(args[1]), S(args[2]), @out);
            case "addcmul" or "addcdiv":
            {
                var value = OptScalar(kw, "value");
                var (x, a, b) = (T(args[0]), T(args[1]), T(args[2]));
                if (mode == "inplace") return op == "addcmul" ? x.addcmul_(a, b, value) : x.addcdiv_(a, b, value);
                return op == "addcmul" ? torch.addcmul(x, a, b, value, @out) : torch.addcdiv(x, a, b, value, @out);
            }
            case "where":
            {
                var cond = T(args[0]);
                if (mode == "method") return T(args[1]).where(cond, T(args[2]));
                return (args[1], args[2]) switch
                {
                    (Tensor a, Tensor b) => torch.where(cond, a, b, @out),
                    (Scalar a, Tensor b) => torch.where(cond, a, b, @out),
                    (Tensor a, Scalar b) => torch.where(cond, a, b, @out),
                    (Scalar a, Scalar b) => torch.where(cond, a, b, @out),
                    _ => throw new InvalidOperationException(),
                };
            }
            case "isclose" or "allclose":
            {
                double rtol = kw.TryGetProperty("rtol", out var r) ? Reference.Scalar(r).ToDouble() : 1e-05;
                double atol = kw.TryGetProperty("atol", out var at) ? Reference.Scalar(at).ToDouble() : 1e-08;
                bool en = kw.TryGetProperty("equal_nan", out var e) && e.GetProperty("scalar").GetBoolean();
                return op == "isclose" ? torch.isclose(T(args[0]), T(args[1]), rtol, atol, en) : torch.allclose(T(args[0]), T(args[1]), rtol, atol, en);
            }
            case "equal": return torch.equal(T(args[0]), T(args[1]));
        }

        // every other op by name (OpInvoker): torch.op(a, b, **kw, out=o), a.op_(b, **kw); div_trunc/div_floor are div
        // with that rounding mode
        var kws = OpInvoker.Keywords(kw);
        if (op is "div_trunc" or "div_floor") (op, kws["rounding_mode"]) = ("div", op[4..]);
        if (mode == "inplace") return OpInvoker.Method(T(args[0]), op + "_", args[1..], kws)!;
        if (@out is not null) kws["out"] = @out;
        return OpInvoker.Function(op, args, kws)!;
    }

    private static Tensor Operator(string sym, object x, object y)
    {
        return (x, y) switch
        {
            (Tensor a, Tensor b) => sym switch
            {
                "+" => a + b, "-" => a - b, "*" => a * b, "/" => a / b, "%" => a % b, "==" => a == b, "!=" => a != b,
                "<" => a < b, "<=" => a <= b, ">" => a > b, ">=" => a >= b, "&" => a & b, "|" => a | b, "^" => a ^ b,
                "<<" => a << b, ">>" => a >> b, _ => throw new InvalidOperationException(sym),
            },
            (Tensor a, Scalar b) => sym switch
            {
                "+" => a + b, "-" => a - b, "*" => a * b, "/" => a / b, "%" => a % b, "==" => a == b, "!=" => a != b,
                "<" => a < b, "<=" => a <= b, ">" => a > b, ">=" => a >= b, "&" => a & b, "|" => a | b, "^" => a ^ b,
                "<<" => a << b.ToInt64(), ">>" => a >> b.ToInt64(), _ => throw new InvalidOperationException(sym),
            },
            (Scalar a, Tensor b) => sym switch
            {
                "+" => a + b, "-" => a - b, "*" => a * b, "/" => a / b, "%" => a % b, "&" => a & b, "|" => a | b, "^" => a ^ b,
                _ => throw new InvalidOperationException(sym),
            },
            _ => throw new InvalidOperationException(sym),
        };
    }
}

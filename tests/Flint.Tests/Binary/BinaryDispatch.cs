using System.Text.Json;
using Flint;
using Flint.Tests.Support;

namespace Flint.Tests.Binary;

/// <summary>Maps a recorded PyTorch call (op name, mode, args, kwargs) onto Flint's API.</summary>
internal static class BinaryDispatch
{
    private sealed record Bin(
        Func<Tensor, Tensor, Tensor?, Tensor> TT,
        Func<Tensor, Scalar, Tensor?, Tensor>? TS = null,
        Func<Scalar, Tensor, Tensor?, Tensor>? ST = null,
        Func<Tensor, Tensor, Tensor>? IpT = null,
        Func<Tensor, Scalar, Tensor>? IpS = null);

    private static Scalar? OptScalar(JsonElement kw, string key) =>
        kw.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null ? Reference.Scalar(v) : null;

    private static string? OptString(JsonElement kw, string key) =>
        kw.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static object? OptArg(JsonElement kw, string key)
    {
        if (!kw.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return Reference.IsScalar(v) ? Reference.Scalar(v) : Reference.Tensor(v);
    }

    private static Bin Table(string op, JsonElement kw)
    {
        var alpha = OptScalar(kw, "alpha");
        var mode = OptString(kw, "rounding_mode");
        return op switch
        {
            "add" => new((a, b, o) => torch.add(a, b, alpha, o), (a, b, o) => torch.add(a, b, alpha, o), null, (a, b) => a.add_(b, alpha), (a, b) => a.add_(b, alpha)),
            "sub" => new((a, b, o) => torch.sub(a, b, alpha, o), (a, b, o) => torch.sub(a, b, alpha, o), null, (a, b) => a.sub_(b, alpha), (a, b) => a.sub_(b, alpha)),
            "mul" => new((a, b, o) => torch.mul(a, b, o), (a, b, o) => torch.mul(a, b, o), null, (a, b) => a.mul_(b), (a, b) => a.mul_(b)),
            "div" => new((a, b, o) => torch.div(a, b, mode, o), (a, b, o) => torch.div(a, b, mode, o), null, (a, b) => a.div_(b, mode), (a, b) => a.div_(b, mode)),
            "div_trunc" => new((a, b, o) => torch.div(a, b, "trunc", o), (a, b, o) => torch.div(a, b, "trunc", o), null, (a, b) => a.div_(b, "trunc"), (a, b) => a.div_(b, "trunc")),
            "div_floor" => new((a, b, o) => torch.div(a, b, "floor", o), (a, b, o) => torch.div(a, b, "floor", o), null, (a, b) => a.div_(b, "floor"), (a, b) => a.div_(b, "floor")),
            "floor_divide" => new((a, b, o) => torch.floor_divide(a, b, o), (a, b, o) => torch.floor_divide(a, b, o), null, (a, b) => a.floor_divide_(b), (a, b) => a.floor_divide_(b)),
            "remainder" => new((a, b, o) => torch.remainder(a, b, o), (a, b, o) => torch.remainder(a, b, o), (a, b, o) => torch.remainder(a, b, o), (a, b) => a.remainder_(b), (a, b) => a.remainder_(b)),
            "fmod" => new((a, b, o) => torch.fmod(a, b, o), (a, b, o) => torch.fmod(a, b, o), null, (a, b) => a.fmod_(b), (a, b) => a.fmod_(b)),
            "pow" => new((a, b, o) => torch.pow(a, b, o), (a, b, o) => torch.pow(a, b, o), (a, b, o) => torch.pow(a, b, o), (a, b) => a.pow_(b), (a, b) => a.pow_(b)),
            "eq" => new((a, b, o) => torch.eq(a, b, o), (a, b, o) => torch.eq(a, b, o), null, (a, b) => a.eq_(b), (a, b) => a.eq_(b)),
            "ne" => new((a, b, o) => torch.ne(a, b, o), (a, b, o) => torch.ne(a, b, o), null, (a, b) => a.ne_(b), (a, b) => a.ne_(b)),
            "lt" => new((a, b, o) => torch.lt(a, b, o), (a, b, o) => torch.lt(a, b, o), null, (a, b) => a.lt_(b), (a, b) => a.lt_(b)),
            "le" => new((a, b, o) => torch.le(a, b, o), (a, b, o) => torch.le(a, b, o), null, (a, b) => a.le_(b), (a, b) => a.le_(b)),
            "gt" => new((a, b, o) => torch.gt(a, b, o), (a, b, o) => torch.gt(a, b, o), null, (a, b) => a.gt_(b), (a, b) => a.gt_(b)),
            "ge" => new((a, b, o) => torch.ge(a, b, o), (a, b, o) => torch.ge(a, b, o), null, (a, b) => a.ge_(b), (a, b) => a.ge_(b)),
            "logical_and" => new((a, b, o) => torch.logical_and(a, b, o), null, null, (a, b) => a.logical_and_(b)),
            "logical_or" => new((a, b, o) => torch.logical_or(a, b, o), null, null, (a, b) => a.logical_or_(b)),
            "logical_xor" => new((a, b, o) => torch.logical_xor(a, b, o), null, null, (a, b) => a.logical_xor_(b)),
            "maximum" => new((a, b, o) => torch.maximum(a, b, o)),
            "minimum" => new((a, b, o) => torch.minimum(a, b, o)),
            "fmax" => new((a, b, o) => torch.fmax(a, b, o)),
            "fmin" => new((a, b, o) => torch.fmin(a, b, o)),
            "atan2" => new((a, b, o) => torch.atan2(a, b, o), null, null, (a, b) => a.atan2_(b)),
            "hypot" => new((a, b, o) => torch.hypot(a, b, o), null, null, (a, b) => a.hypot_(b)),
            "copysign" => new((a, b, o) => torch.copysign(a, b, o), (a, b, o) => torch.copysign(a, b, o), null, (a, b) => a.copysign_(b), (a, b) => a.copysign_(b)),
            "bitwise_and" => new((a, b, o) => torch.bitwise_and(a, b, o), (a, b, o) => torch.bitwise_and(a, b, o), (a, b, o) => torch.bitwise_and(a, b, o), (a, b) => a.bitwise_and_(b), (a, b) => a.bitwise_and_(b)),
            "bitwise_or" => new((a, b, o) => torch.bitwise_or(a, b, o), (a, b, o) => torch.bitwise_or(a, b, o), (a, b, o) => torch.bitwise_or(a, b, o), (a, b) => a.bitwise_or_(b), (a, b) => a.bitwise_or_(b)),
            "bitwise_xor" => new((a, b, o) => torch.bitwise_xor(a, b, o), (a, b, o) => torch.bitwise_xor(a, b, o), (a, b, o) => torch.bitwise_xor(a, b, o), (a, b) => a.bitwise_xor_(b), (a, b) => a.bitwise_xor_(b)),
            "bitwise_left_shift" => new((a, b, o) => torch.bitwise_left_shift(a, b, o), (a, b, o) => torch.bitwise_left_shift(a, b, o), (a, b, o) => torch.bitwise_left_shift(a, b, o), (a, b) => a.bitwise_left_shift_(b), (a, b) => a.bitwise_left_shift_(b)),
            "bitwise_right_shift" => new((a, b, o) => torch.bitwise_right_shift(a, b, o), (a, b, o) => torch.bitwise_right_shift(a, b, o), (a, b, o) => torch.bitwise_right_shift(a, b, o), (a, b) => a.bitwise_right_shift_(b), (a, b) => a.bitwise_right_shift_(b)),
            _ => throw new InvalidOperationException($"no dispatch for {op}"),
        };
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

        var bin = Table(op, kw);
        switch (mode)
        {
            case "inplace":
                return args[1] is Tensor ot ? bin.IpT!(T(args[0]), ot) : bin.IpS!(T(args[0]), S(args[1]));
            default:
                return (args[0], args[1]) switch
                {
                    (Tensor a, Tensor b) => bin.TT(a, b, @out),
                    (Tensor a, Scalar b) => bin.TS!(a, b, @out),
                    (Scalar a, Tensor b) => bin.ST!(a, b, @out),
                    _ => throw new InvalidOperationException(),
                };
        }
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

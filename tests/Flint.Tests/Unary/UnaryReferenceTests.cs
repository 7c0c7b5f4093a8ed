using System.Reflection;
using System.Text.Json;
using Flint;
using Flint.Tests.Support;
using Xunit;

namespace Flint.Tests.Unary;

/// <summary>Replays every PyTorch-recorded case of tools/refs/gen_unary.py (function, out= and in-place forms).</summary>
public class UnaryReferenceTests
{
    private static double? D(JsonElement kw, string k) =>
        kw.TryGetProperty(k, out var v) && v.ValueKind != JsonValueKind.Null ? v.GetDouble() : null;

    private static Tensor Call(string op, Tensor x, JsonElement kw, Tensor? o) => op switch
    {
        "logit" => torch.logit(x, D(kw, "eps"), o),
        "round" => torch.round(x, (long)(D(kw, "decimals") ?? 0), o),
        "nan_to_num" => torch.nan_to_num(x, D(kw, "nan") ?? 0, D(kw, "posinf"), D(kw, "neginf"), o),
        "positive" => torch.positive(x),
        "isnan" => torch.isnan(x),
        "isinf" => torch.isinf(x),
        "isfinite" => torch.isfinite(x),
        "isreal" => torch.isreal(x),
        "relu" => torch.relu(x),
        "relu6" => torch.relu6(x),
        "selu" => torch.selu(x),
        "gelu" => torch.gelu(x, kw.TryGetProperty("approximate", out var a) ? a.GetString()! : "none", o),
        "softplus" => torch.softplus(x, D(kw, "beta") ?? 1, D(kw, "threshold") ?? 20, o),
        "elu" => torch.elu(x, D(kw, "alpha") ?? 1, o),
        "leaky_relu" => torch.leaky_relu(x, D(kw, "negative_slope") ?? 0.01, o),
        "hardtanh" => torch.hardtanh(x, D(kw, "min_val") ?? -1, D(kw, "max_val") ?? 1, o),
        _ => Invoke(typeof(torch).GetMethod(op, [typeof(Tensor), typeof(Tensor)])
                    ?? throw new InvalidOperationException($"no torch.{op}(Tensor, Tensor?)"), null, [x, o]),
    };

    private static Tensor CallInPlace(string op, Tensor x, JsonElement kw) => op switch
    {
        "logit" => x.logit_(D(kw, "eps")),
        "round" => x.round_((long)(D(kw, "decimals") ?? 0)),
        "nan_to_num" => x.nan_to_num_(D(kw, "nan") ?? 0, D(kw, "posinf"), D(kw, "neginf")),
        "elu" => x.elu_(D(kw, "alpha") ?? 1),
        "leaky_relu" => x.leaky_relu_(D(kw, "negative_slope") ?? 0.01),
        "hardtanh" => x.hardtanh_(D(kw, "min_val") ?? -1, D(kw, "max_val") ?? 1),
        _ => Invoke(typeof(Tensor).GetMethod(op + "_", Type.EmptyTypes)
                    ?? throw new InvalidOperationException($"no Tensor.{op}_()"), x, []),
    };

    private static Tensor Invoke(MethodInfo m, object? self, object?[] args)
    {
        try { return (Tensor)m.Invoke(self, args)!; }
        catch (TargetInvocationException e) when (e.InnerException is not null) { throw e.InnerException; }
    }

    private static object Run(JsonElement c)
    {
        string op = c.GetProperty("op").GetString()!, kind = c.GetProperty("kind").GetString()!;
        var kw = c.GetProperty("kw");
        var x = Reference.Tensor(c.GetProperty("x"));
        switch (kind)
        {
            case "fn":
                return Call(op, x, kw, null);
            case "out":
            {
                var o = Reference.Tensor(c.GetProperty("out"));
                var r = Call(op, x, kw, o);
                Assert.True(ReferenceEquals(r, o), "out= must return the out tensor");
                return o;
            }
            default:
            {
                var r = CallInPlace(op, x, kw);
                Assert.True(ReferenceEquals(r, x), "in-place must return self");
                return x;
            }
        }
    }

    public static TheoryData<string> CaseNames() => Reference.CaseNames("unary");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesPyTorch(string name)
    {
        var c = Reference.Case("unary", name);
        Reference.Check(c.GetProperty("res"), () => Run(c), name);
    }
}

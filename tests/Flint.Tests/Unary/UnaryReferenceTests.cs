using System.Text.Json;
using Flint;
using Flint.Tests.Support;
using Xunit;

namespace Flint.Tests.Unary;

/// <summary>Replays every PyTorch-recorded case of tools/refs/gen_unary.py (function, out= and in-place forms).</summary>
public class UnaryReferenceTests
{
    /// <summary>torch.op(x, **kw, out=o): every op by name (<see cref="OpInvoker"/>), no per-op code.</summary>
    private static Tensor Call(string op, Tensor x, JsonElement kw, Tensor? o)
    {
        var kws = OpInvoker.Keywords(kw);
        if (o is not null) kws["out"] = o;
        return (Tensor)OpInvoker.Function(op, [x], kws)!;
    }

    /// <summary>x.op_(**kw).</summary>
    private static Tensor CallInPlace(string op, Tensor x, JsonElement kw) => (Tensor)OpInvoker.Method(x, op + "_", [], OpInvoker.Keywords(kw))!;

    internal static object Run(JsonElement c)
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

using System.Text.Json;
using Flint;
using Flint.Tests.Support;
using Xunit;

namespace Flint.Tests.Binary;

/// <summary>Replays tools/refs/gen_binary.py's PyTorch records (binary.json), one theory row per case.</summary>
public class BinaryReferenceTests
{
    /// <summary>
    /// Every recorded case but two kinds: Python-only argument errors (a number where PyTorch has no Scalar overload)
    /// do not compile in C#, and PyTorch's internal asserts are bugs, not behaviour to copy.
    /// </summary>
    public static TheoryData<string> CaseNames() => Reference.CaseNames("binary", c =>
        !(c.TryGetProperty("type", out var ty) && ty.GetString() == "TypeError")
        && !(c.TryGetProperty("error", out var er) && er.GetString()!.Contains("INTERNAL ASSERT")));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesPyTorch(string name) => CheckCase(Reference.Case("binary", name), name);

    private static void CheckCase(JsonElement c, string name)
    {
        var mode = c.GetProperty("mode").GetString()!;
        var args = c.GetProperty("args").EnumerateArray().Select(Arg).ToArray();
        var kw = c.GetProperty("kw");
        Tensor? outT = c.TryGetProperty("out_init", out var oi) ? Reference.Tensor(oi) : null;
        var op = c.GetProperty("op").GetString()!;
        Tensor? target = mode == "inplace" ? (Tensor)args[0] : outT;
        if (c.TryGetProperty("out", out var res) && res.ValueKind == JsonValueKind.Object && res.TryGetProperty("dtype_result", out var dr))
        {
            var got = BinaryDispatch.Call(op, mode, args, kw, outT);
            Assert.Equal(dr.GetString(), ((DType)got).name);
            return;
        }
        if (c.TryGetProperty("error", out var err))
        {
            Reference.AssertError(c, () => BinaryDispatch.Call(op, mode, args, kw, outT), name);
            if (c.TryGetProperty("after", out var after) && target is not null)
            {
                var exp = Reference.Tensor(after);
                // a resized out= holds uninitialized memory in PyTorch: only its dtype and shape are meaningful
                if (mode == "out" && exp.shape != Reference.Tensor(oi).shape)
                    Assert.True(exp.shape == target.shape && exp.dtype == target.dtype, $"out after error: {target.shape} != {exp.shape}");
                else Reference.AssertClose(exp, target, "target after error");
            }
            return;
        }
        Reference.Check(c, () =>
        {
            var r = BinaryDispatch.Call(op, mode, args, kw, outT);
            if (mode == "inplace") Assert.True(ReferenceEquals(r, args[0]), "in-place op must return self");
            if (mode == "out") Assert.True(ReferenceEquals(r, outT), "out= op must return out");
            return r;
        }, name);
    }

    private static object Arg(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.String) return e.GetString()!;
        if (Reference.IsScalar(e)) return Reference.Scalar(e);
        return Reference.Tensor(e);
    }
}

using System.Text.Json;
using Flint;
using Flint.Tests.Support;
using Xunit;

namespace Flint.Tests.Binary;

/// <summary>Replays tools/refs/gen_binary.py's PyTorch records (binary.json), one theory row per op.</summary>
public class BinaryReferenceTests
{
    private static readonly Lazy<JsonElement[]> All = new(() => Reference.Cases("binary"));

    public static TheoryData<string> Ops()
    {
        var d = new TheoryData<string>();
        foreach (var op in All.Value.Select(c => c.GetProperty("op").GetString()!).Distinct()) d.Add(op);
        return d;
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void MatchesPyTorch(string op)
    {
        var failures = new List<string>();
        int run = 0;
        foreach (var c in All.Value.Where(c => c.GetProperty("op").GetString() == op))
        {
            var name = c.GetProperty("name").GetString()!;
            // Python-only argument errors (a number where PyTorch has no Scalar overload) do not compile in C#;
            // PyTorch's internal asserts are bugs, not behaviour to copy.
            if (c.TryGetProperty("type", out var ty) && ty.GetString() == "TypeError") continue;
            if (c.TryGetProperty("error", out var er) && er.GetString()!.Contains("INTERNAL ASSERT")) continue;
            run++;
            try { CheckCase(c, name); }
            catch (Exception ex) { failures.Add($"{name}: {ex.Message.Split('\n')[0]}"); }
        }
        Assert.True(failures.Count == 0, $"{failures.Count}/{run} {op} cases differ from PyTorch:\n" + string.Join("\n", failures));
    }

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
            var ex = Assert.ThrowsAny<Exception>(() => BinaryDispatch.Call(op, mode, args, kw, outT));
            var expected = err.GetString()!;
            Assert.True(ex.Message.Contains(expected) || expected.Contains(ex.Message),
                $"error \"{ex.Message}\" does not match PyTorch's \"{expected}\"");
            var type = c.GetProperty("type").GetString();
            bool typeOk = ex is ArgumentException or InvalidOperationException or NotSupportedException or DivideByZeroException or IndexOutOfRangeException;
            Assert.True(typeOk, $"unexpected exception type {ex.GetType().Name} for {type}");
            if (ex.Message.Contains("not implemented for")) Assert.IsType<NotSupportedException>(ex);
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

using System.Text.Json;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Core;

/// <summary>torch.broadcast_shapes, torch.broadcast_tensors and F.relu_/elu_/leaky_relu_ against tools/refs/gen_broadcasting.py.</summary>
public class BroadcastingTests
{
    public static TheoryData<string> Keys(string kind) => Reference.CaseNames("broadcasting", c => c.GetProperty("kind").GetString() == kind);
    public static TheoryData<string> ShapeCases() => Keys("shapes");
    public static TheoryData<string> TensorCases() => Keys("tensors");
    public static TheoryData<string> InPlaceCases() => Keys("inplace");

    private static long[][] Shapes(JsonElement c) =>
        c.GetProperty("shapes").EnumerateArray().Select(s => s.EnumerateArray().Select(d => d.GetInt64()).ToArray()).ToArray();

    [Theory]
    [MemberData(nameof(ShapeCases))]
    public void BroadcastShapesMatchPyTorch(string key)
    {
        var c = Reference.Case("broadcasting", key);
        var shapes = Shapes(c);
        if (c.TryGetProperty("error", out _)) { Reference.AssertError(c, () => broadcast_shapes(shapes)); return; }
        Assert.Equal(c.GetProperty("out").EnumerateArray().Select(d => d.GetInt64()), broadcast_shapes(shapes));
    }

    [Theory]
    [MemberData(nameof(TensorCases))]
    public void BroadcastTensorsMatchPyTorch(string key)
    {
        var c = Reference.Case("broadcasting", key);
        var shapes = Shapes(c);
        var ins = shapes.Select((s, i) => arange(s.Aggregate(1L, (a, b) => a * b), dtype: float64).reshape(s).requires_grad_(i == 0)).ToArray();
        if (c.TryGetProperty("error", out _)) { Reference.AssertError(c, () => broadcast_tensors(ins)); return; }
        var outs = broadcast_tensors(ins);
        var want = c.GetProperty("outs").EnumerateArray().ToArray();
        var fns = c.GetProperty("grad_fn").EnumerateArray().ToArray();
        for (int i = 0; i < outs.Length; i++)
        {
            Assert.Equal(want[i].EnumerateArray().Select(d => d.GetInt64()), outs[i].shape);
            Assert.Equal(fns[i].ValueKind == JsonValueKind.Null ? null : fns[i].GetString(), outs[i].grad_fn?.name());
            Assert.True(outs[i].equal(ins[i].expand(outs[i].shape)));
        }
        outs.Select(o => o.sum()).Aggregate((a, b) => a + b).backward();
        Reference.AssertClose(Reference.Tensor(c.GetProperty("grads")[0]), ins[0].grad!, "grad");
    }

    [Theory]
    [MemberData(nameof(InPlaceCases))]
    public void InPlaceActivationsMatchPyTorch(string key)
    {
        var c = Reference.Case("broadcasting", key);
        var kw = c.GetProperty("kw");
        var t = Reference.Tensor(c.GetProperty("input")).requires_grad_().clone();
        var r = c.GetProperty("fn").GetString() switch
        {
            "relu_" => F.relu_(t),
            "elu_" => F.elu_(t, kw.TryGetProperty("alpha", out var a) ? a.GetDouble() : 1.0),
            "leaky_relu_" => F.leaky_relu_(t, kw.TryGetProperty("negative_slope", out var s) ? s.GetDouble() : 0.01),
            var other => throw new InvalidOperationException(other),
        };
        Assert.Same(t, r);
        Reference.AssertClose(Reference.Tensor(c.GetProperty("out")), r, "out");
        Assert.Equal(c.GetProperty("grad_fn").GetString(), r.grad_fn?.name());
    }
}

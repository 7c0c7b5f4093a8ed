using System.Text.Json;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Nn;

/// <summary>
/// Replays References/rms_norm.json (tools/refs/gen_rms_norm.py): the fused rms_norm's output, node name and the
/// gradients of the input and the weight against PyTorch's, at sizes that run its vector kernels (rows past the
/// vector widths and the statistics block, NaN/inf rows, a strided input, float32 and float64).
/// </summary>
public class RmsNormReferenceTests
{
    public static TheoryData<string> Cases() => Reference.CaseNames("rms_norm");

    private static Tensor? Opt(JsonElement c, string name) =>
        c.TryGetProperty(name, out var e) && e.ValueKind != JsonValueKind.Null ? Reference.Tensor(e) : null;

    [Theory]
    [MemberData(nameof(Cases))]
    public void RmsNormMatchesPyTorch(string key)
    {
        var c = Reference.Case("rms_norm", key);
        var x = Reference.Tensor(c.GetProperty("x")).requires_grad_();
        var w = Opt(c, "w")?.requires_grad_();
        var ns = c.GetProperty("ns").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        double? eps = c.GetProperty("eps").ValueKind == JsonValueKind.Null ? null : c.GetProperty("eps").GetDouble();
        var y = F.rms_norm(x, ns, w, eps);
        Reference.AssertClose(Reference.Tensor(c.GetProperty("out")), y, "out");
        Assert.Equal(c.GetProperty("out_fn").GetString(), y.grad_fn?.name());
        y.backward(Reference.Tensor(c.GetProperty("gout")));
        var (rt, at) = x.dtype == float32 ? (1e-4, 1e-4) : (1e-10, 1e-10);
        Reference.AssertClose(Reference.Tensor(c.GetProperty("gx")), x.grad!, "grad of x", rtol: rt, atol: at);
        if (w is not null) Reference.AssertClose(Reference.Tensor(c.GetProperty("gw")), w.grad!, "grad of weight", rtol: rt, atol: at);
    }
}

using Flint.Tests.Support;
using Xunit;
using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Spatial;

/// <summary>F.interpolate(mode: "area") on 5-D input against tools/refs/gen_interpolate_area3d.py: values, node name, gradient.</summary>
public class InterpolateArea3dTests
{
    public static TheoryData<string> Cases() => Reference.CaseNames("interpolate_area3d");

    [Theory]
    [MemberData(nameof(Cases))]
    public void AreaOnFiveDimsMatchesPyTorch(string key)
    {
        var c = Reference.Case("interpolate_area3d", key);
        var x = Reference.Tensor(c.GetProperty("x")).requires_grad_();
        var kw = c.GetProperty("kw");
        var y = kw.TryGetProperty("size", out var size)
            ? F.interpolate(x, size: size.EnumerateArray().Select(e => e.GetInt64()).ToArray(), mode: "area")
            : F.interpolate(x, scale_factor: kw.GetProperty("scale_factor").GetDouble(), mode: "area");
        Reference.AssertClose(Reference.Tensor(c.GetProperty("out")), y, "out");
        Assert.Equal(c.GetProperty("grad_fn").GetString(), y.grad_fn?.name());
        var g = autograd.grad([y], [x], [Reference.Tensor(c.GetProperty("gout"))])[0];
        Reference.AssertClose(Reference.Tensor(c.GetProperty("grad")), g!, "grad");
    }
}

using Flint.Tests.Support;
using Xunit;
using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Nn;

/// <summary>
/// F.gaussian_nll_loss and nn.GaussianNLLLoss with var given as a float, as PyTorch 2.x accepts
/// (References/gaussian_float_var.json, tools/refs/gen_gaussian_float_var.py): the loss, its node and the input's
/// gradient equal PyTorch's for the same variance as a tensor of input's shape; a negative float is refused.
/// </summary>
public class GaussianNllFloatVarTests
{
    public static TheoryData<string> Cases() => Reference.CaseNames("gaussian_float_var", c => !c.TryGetProperty("error", out _));
    public static TheoryData<string> Errors() => Reference.CaseNames("gaussian_float_var", c => c.TryGetProperty("error", out _));

    [Theory]
    [MemberData(nameof(Cases))]
    public void FloatVarMatchesPyTorch(string key)
    {
        var c = Reference.Case("gaussian_float_var", key);
        var x = Reference.Tensor(c.GetProperty("input")).requires_grad_();
        var t = Reference.Tensor(c.GetProperty("target"));
        double var = c.GetProperty("var").GetDouble(), eps = c.GetProperty("eps").GetDouble();
        bool full = c.GetProperty("full").GetBoolean();
        string red = c.GetProperty("reduction").GetString()!;
        var (rtol, atol) = Reference.Tolerance(x.dtype);
        var y = F.gaussian_nll_loss(x, t, var, full, eps, red);
        Reference.AssertClose(Reference.Tensor(c.GetProperty("out")), y, "loss", rtol, atol);
        Assert.Equal(c.GetProperty("out_fn").GetString(), y.grad_fn?.name());
        y.sum().backward();
        Reference.AssertClose(Reference.Tensor(c.GetProperty("gin")), x.grad!, "grad of input", rtol, atol);
        // the module takes the float too, and agrees with the functional form
        var m = nn.GaussianNLLLoss(full, eps, red);
        Reference.AssertClose(y.detach(), m.call(x, t, var).detach(), "module", 0, 0);
    }

    [Theory]
    [MemberData(nameof(Errors))]
    public void NegativeFloatVarIsRefused(string key)
    {
        var c = Reference.Case("gaussian_float_var", key);
        Reference.AssertError(c, () => F.gaussian_nll_loss(ones(3), zeros(3), c.GetProperty("var").GetDouble()));
        Reference.AssertError(c, () => nn.GaussianNLLLoss().call(ones(3), zeros(3), c.GetProperty("var").GetDouble()));
    }
}

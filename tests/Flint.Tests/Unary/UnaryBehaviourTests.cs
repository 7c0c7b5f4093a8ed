using Flint;
using Xunit;

namespace Flint.Tests.Unary;

/// <summary>Behaviour the reference replay does not reach: operators, identity results, versions, accuracy near ±1.</summary>
public class UnaryBehaviourTests
{
    [Fact]
    public void UnaryMinusIsNeg()
    {
        var x = torch.tensor(new float[] { 1.5f, -2f, 0f });
        Assert.Equal(new float[] { -1.5f, 2f, -0f }, (-x).ToArray<float>());
        var b = torch.tensor(new bool[] { true });
        var ex = Assert.Throws<ArgumentException>(() => -b);
        Assert.StartsWith("Negation, the `-` operator, on a bool tensor is not supported.", ex.Message);
    }

    [Fact]
    public void PositiveReturnsTheSameTensor()
    {
        var x = torch.tensor(new int[] { 1, -2 });
        Assert.True(ReferenceEquals(x, +x));
        Assert.True(ReferenceEquals(x, x.positive()));
        Assert.Throws<ArgumentException>(() => +torch.tensor(new bool[] { false }));
    }

    [Fact]
    public void InPlaceBumpsTheVersion()
    {
        var x = torch.tensor(new double[] { 0.25, 4 });
        long v = x._version_count;
        x.sqrt_();
        x.relu_();
        x.floor_();
        Assert.Equal(v + 3, x._version_count);
        Assert.Equal(new double[] { 0, 2 }, x.ToArray<double>());
    }

    [Fact]
    public void MethodsMatchFunctions()
    {
        var x = torch.tensor(new float[] { -1.25f, 0.5f, 3f });
        foreach (var (m, f) in new (Func<Tensor, Tensor>, Func<Tensor, Tensor>)[]
        {
            (t => t.exp(), t => torch.exp(t)), (t => t.sigmoid(), t => torch.sigmoid(t)), (t => t.gelu("tanh"), t => torch.gelu(t, "tanh")),
            (t => t.round(1), t => torch.round(t, 1)), (t => t.abs(), t => torch.abs(t)), (t => t.nan_to_num(), t => torch.nan_to_num(t)),
            (t => t.softplus(2, 5), t => torch.softplus(t, 2, 5)), (t => t.hardtanh(-1, 1), t => torch.hardtanh(t, -1, 1)),
        })
            Assert.Equal(f(x).ToArray<float>(), m(x).ToArray<float>());
    }

    [Fact]
    public void ErfinvTailIsAccurate()
    {
        // Ground truth from mpmath at 30 digits; PyTorch 1.13 is off by ~7e-6 (float32) and ~5e-7 (float64) here.
        var f = torch.erfinv(torch.tensor(0.9999999f)).item<double>();
        Assert.Equal(3.7439211627768, f, 5);
        var d = torch.erfinv(torch.tensor(new double[] { 0.999999999999 })).ToArray<double>()[0];
        Assert.Equal(5.04203189857269613, d, 12);
    }

    [Fact]
    public void OutOfAnotherDTypeIsRefusedWhereItMustMatch()
    {
        var x = torch.tensor(new float[] { 1.5f });
        var ex = Assert.Throws<InvalidOperationException>(() => torch.floor(x, @out: torch.zeros([1], torch.float64)));
        Assert.Equal("Found dtype Double but expected Float", ex.Message);
        // float ops cast into a wider float out
        var o = torch.zeros([1], torch.float64);
        torch.exp(x, @out: o);
        Assert.Equal(Math.Exp(1.5), o.item<double>(), 6);
    }
}

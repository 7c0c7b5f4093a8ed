using Xunit;
using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Nn;

/// <summary>cross_entropy / nll_loss on class indices without weights take a one-node route: it must agree with the general one.</summary>
[Collection("GlobalGenerator")]
public class LossFastPathTests
{
    [Theory]
    [InlineData("mean", -100L)]
    [InlineData("sum", -100L)]
    [InlineData("mean", 1L)]
    [InlineData("sum", 2L)]
    public void MatchesGeneralRoute(string reduction, long ignore)
    {
        foreach (var dt in new[] { float32, float64 })
        {
            manual_seed(3);
            var x1 = randn(new long[] { 6, 4 }, dtype: dt).requires_grad_();
            var x2 = x1.detach().clone().requires_grad_();
            var y = tensor(new long[] { 0, 3, 1, 1, 2, 0 });
            var fast = F.cross_entropy(x1, y, ignore_index: ignore, reduction: reduction);
            // a weight of ones gives the same values through the general route
            var slow = F.cross_entropy(x2, y, weight: ones(4, dtype: dt), ignore_index: ignore, reduction: reduction);
            Assert.Equal("NllLossBackward0", fast.grad_fn!.name());
            Assert.Equal("LogSoftmaxBackward0", fast.grad_fn.next_functions[0].node!.name());
            Assert.Equal(dt, fast.dtype);
            Assert.True(allclose(fast, slow.detach()));
            (fast * 3).backward(); (slow * 3).backward();
            Assert.True(allclose(x1.grad!, x2.grad!));
        }
    }

    [Fact]
    public void OutOfBoundsTarget()
    {
        var x = randn(3, 4);
        var e = Assert.Throws<IndexOutOfRangeException>(() => F.cross_entropy(x, tensor(new long[] { 0, 5, 1 })));
        Assert.Equal("Target 5 is out of bounds.", e.Message);
        Assert.Throws<IndexOutOfRangeException>(() => F.nll_loss(x, tensor(new long[] { -1, 0, 1 })));
    }

    [Fact]
    public void AllIgnoredMeanIsNaN()
    {
        var l = F.nll_loss(randn(2, 3), tensor(new long[] { -100, -100 }));
        Assert.True(double.IsNaN(l.item<float>()));
    }

    [Fact]
    public void SecondOrder()
    {
        var y = tensor(new long[] { 2, 0, 1 });
        Assert.True(autograd.gradgradcheck(xs => F.cross_entropy(xs[0], y), [randn(new long[] { 3, 4 }, dtype: float64).requires_grad_()]));
    }
}

/// <summary>relu's one-pass backward keeps PyTorch's rule: zero where the output is &lt;= 0, the gradient elsewhere (NaN included).</summary>
public class ReluBackwardTests
{
    [Fact]
    public void ThresholdRule()
    {
        var x = tensor(new float[] { float.NaN, -1, 2, 0 }).requires_grad_();
        var y = relu(x);
        Assert.Equal("ReluBackward0", y.grad_fn!.name());
        y.backward(tensor(new float[] { 5, float.PositiveInfinity, 3, float.NaN }));
        var want = new float[] { 5, 0, 3, 0 };
        for (int i = 0; i < 4; i++) Assert.Equal(want[i], x.grad!.select(0, i).item<float>());
    }

    [Fact]
    public void SecondOrder()
    {
        Assert.True(autograd.gradgradcheck(xs => relu(xs[0]) * xs[0], [tensor(new double[] { -1.5, 0.5, 2 }).requires_grad_()]));
    }
}

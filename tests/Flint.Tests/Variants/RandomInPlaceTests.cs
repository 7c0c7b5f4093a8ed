using Flint;
using Xunit;

namespace Flint.Tests.Variants;

/// <summary>
/// The values of the random in-place fills' forms the variants table cannot compare (its records hold grad_fn and the
/// cut gradient only): random_() draws PyTorch's default range, bernoulli_(Tensor p) follows p elementwise.
/// </summary>
public class RandomInPlaceTests
{
    [Fact]
    public void RandomWithNoBoundsDrawsIntegersUpToTheMantissa()
    {
        torch.manual_seed(3);
        var f = torch.empty(4096).random_();
        var v = f.ToArray<float>();
        Assert.All(v, e => Assert.True(e >= 0 && e <= (1 << 24) && e == MathF.Floor(e), $"{e} is not an integer in [0, 2^24]"));
        Assert.True(v.Max() > (1 << 23), "the draws cover the range");
        var b = torch.empty(256, dtype: torch.uint8).random_().ToArray<byte>();
        Assert.True(b.Max() > 200, "uint8 draws cover [0, 255]");
        var i8 = torch.empty(256, dtype: torch.int8).random_().ToArray<sbyte>();
        Assert.All(i8, e => Assert.True(e >= 0));
    }

    [Fact]
    public void BernoulliWithATensorOfProbabilitiesFollowsEachElement()
    {
        var p = torch.tensor(new[] { 0.0, 1.0, 0.0, 1.0 }).reshape(2, 2);
        var y = torch.full([3, 2, 2], 0.5).bernoulli_(p);
        Assert.Equal(new float[] { 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1 }, y.ToArray<float>());
        Assert.Equal(torch.float32, y.dtype);
    }

    [Fact]
    public void RandomFillsOnANonLeafCutTheGradient()
    {
        var x = torch.ones(3).requires_grad_();
        var y = x * 2;
        var p = torch.full([3], 0.5).requires_grad_();
        y.bernoulli_(p);
        Assert.Equal("BernoulliBackward1", y.grad_fn!.name());
        y.sum().backward();
        Assert.Equal(new float[] { 0, 0, 0 }, x.grad!.ToArray<float>());
        Assert.Equal(new float[] { 0, 0, 0 }, p.grad!.ToArray<float>());
    }
}

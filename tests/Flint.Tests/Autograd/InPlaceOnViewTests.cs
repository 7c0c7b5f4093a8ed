using Flint;
using Xunit;

namespace Flint.Tests.Autograd;

/// <summary>
/// In-place ops through views of tensors in the graph (CopySlices): first and second derivatives against
/// finite differences, and views of views. The recorded PyTorch scenarios are in AutogradBehaviourTests.
/// </summary>
public class InPlaceOnViewTests
{
    private static Tensor SliceWrites(Tensor[] a)
    {
        var x = a[0];
        var y = x * 1;
        y[0].mul_(x[1]);
        y[TensorIndex.Slice(1, 3)] = (x[TensorIndex.Slice(0, 2)] * 2).exp();
        return y;
    }

    [Fact]
    public void GradcheckAndGradgradcheckThroughWritesIntoViews()
    {
        var x = torch.tensor(new[] { 0.3, -0.7, 1.1, 0.4 }, requires_grad: true);
        Assert.True(torch.autograd.gradcheck(SliceWrites, [x]));
        Assert.True(torch.autograd.gradgradcheck(SliceWrites, [x]));
    }

    [Fact]
    public void AColumnOfATransposedResult()
    {
        var x = torch.tensor(new[,] { { 0.1, 0.2, 0.3, 0.4 }, { -0.5, 0.6, -0.7, 0.8 }, { 0.9, -1.0, 1.1, 1.2 } }, requires_grad: true);
        Assert.True(torch.autograd.gradcheck(a =>
        {
            var y = a[0].t() * 1;
            y[TensorIndex.Colon, 1].add_(a[0][0] * 3);
            return y;
        }, [x]));
    }

    [Fact]
    public void AViewOfAView()
    {
        var x = torch.tensor(new[] { 1.0, 2.0, 3.0, 4.0 }, requires_grad: true);
        var y = x * 2;
        var z = y[TensorIndex.Slice(1, 3)];
        z[0].mul_(10);   // y[1]
        Assert.Equal("torch::autograd::CopySlices", y.grad_fn!.name());
        y.sum().backward();
        Assert.Equal(new[] { 2.0, 20.0, 2.0, 2.0 }, x.grad!.ToArray<double>());
        Assert.Equal(new[] { 2.0, 40.0, 6.0, 8.0 }, y.detach().ToArray<double>());
    }
}

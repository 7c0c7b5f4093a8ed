using Flint;
using Xunit;

namespace Flint.Tests.Autograd;

/// <summary>
/// Nodes of the ops whose backward is declared next to them and that the reference replays do not reach: the
/// random draws with tensor arguments, unique's nodes and set_ on a tensor in the graph (names as PyTorch 1.13).
/// </summary>
public class DeclaredNodeTests
{
    private static Tensor X(params long[] shape) => torch.randn(shape, dtype: torch.float64).requires_grad_();

    [Fact]
    public void NormalWithATensorStdGivesTheStdZeros()
    {
        var mean = X(2, 3); var std = torch.ones([3], dtype: torch.float64).requires_grad_();
        var both = torch.normal(mean, std);
        Assert.Equal("NormalBackward3", both.grad_fn!.name());
        both.sum().backward();
        Assert.True(torch.equal(std.grad!, torch.zeros(3, dtype: torch.float64)));

        var std2 = torch.ones([3], dtype: torch.float64).requires_grad_();
        var s = torch.normal(2.0, std2);
        Assert.Equal("NormalBackward2", s.grad_fn!.name());
        s.sum().backward();
        Assert.True(torch.equal(std2.grad!, torch.zeros(3, dtype: torch.float64)));
    }

    [Fact]
    public void UniqueNamesItsNodes()
    {
        var x = X(2, 2);
        Assert.Equal("Unique2Backward0", torch.unique(x).grad_fn!.name());
        Assert.Equal("UniqueDimBackward0", torch.unique(x, dim: 0).grad_fn!.name());
    }

    [Fact]
    public void SetOnATensorInTheGraphRecordsANodeOverItsHistory()
    {
        var a = X(3);
        var b = a * 2;
        b.set_(torch.zeros([2], dtype: torch.float64));
        Assert.True(b.requires_grad);
        var next = b.grad_fn!.next_functions;
        Assert.Single(next);
        Assert.Equal("MulBackward0", next[0].node!.name());
        var ex = Assert.Throws<NotSupportedException>(() => b.sum().backward());
        Assert.Contains("set_", ex.Message);
    }
}

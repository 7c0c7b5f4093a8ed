using Flint;
using Xunit;

namespace Flint.Tests.Autograd;

/// <summary>
/// A leaf's first gradient is handed over without a copy only when the engine alone holds it; every other
/// gradient (shared between leaves, seen by a hook or a custom Function, given by the caller) is copied, so a
/// .grad never shares memory with another tensor the user can reach.
/// </summary>
public class GradOwnershipTests
{
    private static void AssertIndependent(Tensor grad, Tensor other, string what)
    {
        var before = grad.clone();
        other.add_(1000);
        Assert.True(torch.equal(before, grad), $"{what}: writing to the other tensor changed .grad");
    }

    [Fact]
    public void ALinearLayersWeightGradientIsNotCopied()
    {
        var lin = torch.nn.Linear(784, 512);
        var x = torch.randn(64, 784);
        lin.forward(x).sum().backward();   // warm up
        lin.zero_grad();
        var loss = lin.forward(x).sum();
        long before = GC.GetAllocatedBytesForCurrentThread();
        loss.backward();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long weightBytes = 784 * 512 * 4;
        // the weight gradient is computed once (weightBytes); a copy into .grad would double it
        Assert.True(allocated < weightBytes * 3 / 2, $"backward allocated {allocated} bytes for a {weightBytes}-byte weight gradient");
        var expected = torch.ones(64, 512).t().mm(x);
        Assert.True(torch.allclose(lin.weight.grad!, expected, rtol: 1e-5, atol: 1e-4));
    }

    [Fact]
    public void OneGradientDeliveredToTwoLeavesIsCopiedForOne()
    {
        var a = torch.randn(3, 4, requires_grad: true);
        var b = torch.randn(3, 4, requires_grad: true);
        (a * 2 + b).sum().backward();
        Assert.True(torch.equal(a.grad!, torch.full([3, 4], 2.0f)));
        Assert.True(torch.equal(b.grad!, torch.ones(3, 4)));
        AssertIndependent(a.grad!, b.grad!, "a.grad vs b.grad");

        var c = torch.randn(5, requires_grad: true);
        var d = torch.randn(5, requires_grad: true);
        ((c + d) * 3).sum().backward();   // AddBackward hands the same tensor to both leaves
        Assert.True(torch.equal(d.grad!, torch.full([5], 3.0f)));
        AssertIndependent(c.grad!, d.grad!, "c.grad vs d.grad");
    }

    [Fact]
    public void ViewsOfOneGradientAreCopied()
    {
        var a = torch.randn(4, requires_grad: true);
        var b = torch.randn(4, requires_grad: true);
        (torch.stack([a, b]) * 5).sum().backward();   // both gradients are views of one buffer
        Assert.True(torch.equal(b.grad!, torch.full([4], 5.0f)));
        AssertIndependent(a.grad!, b.grad!, "stack views");
    }

    [Fact]
    public void AGradientAHookSawIsCopied()
    {
        var x = torch.randn(6, requires_grad: true);
        var y = x * 2;
        Tensor? kept = null;
        y.register_hook(g => { kept = g * 3; return kept; });
        y.sum().backward();
        AssertIndependent(x.grad!, kept!, "hook result");
        Assert.True(torch.equal(x.grad!, torch.full([6], 6.0f)));
    }

    private sealed class Keeper : torch.autograd.Function<Keeper>
    {
        internal static Tensor? Kept;
        public override Tensor forward(torch.autograd.FunctionCtx ctx, params Tensor[] inputs) => inputs[0] * 2;
        public override Tensor?[] backward(torch.autograd.FunctionCtx ctx, Tensor grad_output) => [Kept = grad_output * 2];
    }

    [Fact]
    public void AGradientACustomFunctionReturnsIsCopied()
    {
        var x = torch.randn(5, requires_grad: true);
        Keeper.apply(x).sum().backward();
        AssertIndependent(x.grad!, Keeper.Kept!, "custom Function result");
        Assert.True(torch.equal(x.grad!, torch.full([5], 2.0f)));
    }

    [Fact]
    public void TheCallersGradientIsCopied()
    {
        var x = torch.randn(3, requires_grad: true);
        var g = torch.tensor(new float[] { 1, 2, 3 });
        x.backward(g);
        AssertIndependent(x.grad!, g, "the gradient argument");

        var w = torch.randn(3, requires_grad: true);
        var y = w * 1;
        var gy = torch.tensor(new float[] { 4, 5, 6 });
        y.backward(gy);
        AssertIndependent(w.grad!, gy, "the gradient argument through a node");
    }

    [Fact]
    public void ASecondBackwardAccumulatesIntoTheStolenGradient()
    {
        var lin = torch.nn.Linear(8, 4);
        var x = torch.randn(2, 8);
        lin.forward(x).sum().backward();
        var first = lin.weight.grad!.clone();
        lin.forward(x).sum().backward();
        Assert.True(torch.allclose(lin.weight.grad!, first * 2));
    }

    [Fact]
    public void ReluBackwardReusesOnlyAGradientNothingElseNeeds()
    {
        // AddBackward hands one gradient to both relu nodes: the first must not overwrite it for the second
        var x = torch.tensor(new float[] { -1, 2, -3, 4 }, requires_grad: true);
        var w = torch.tensor(new float[] { 5, -6, 7, -8 }, requires_grad: true);
        var s = x.relu() + w.relu();
        (s * torch.tensor(new float[] { 1, 2, 3, 4 })).sum().backward();
        Assert.Equal(new float[] { 0, 2, 0, 4 }, x.grad!.ToArray<float>());
        Assert.Equal(new float[] { 1, 0, 3, 0 }, w.grad!.ToArray<float>());

        // a hook that keeps the incoming gradient sees it unchanged after backward
        var a = torch.tensor(new float[] { -1, 1, 2 }, requires_grad: true);
        var y = a * 3;
        var r = y.relu();
        Tensor? seen = null;
        r.register_hook(g => { seen = g; return null; });
        (r * torch.tensor(new float[] { 10, 20, 30 })).sum().backward();
        Assert.Equal(new float[] { 10, 20, 30 }, seen!.ToArray<float>());
        Assert.Equal(new float[] { 0, 60, 90 }, a.grad!.ToArray<float>());
    }
}

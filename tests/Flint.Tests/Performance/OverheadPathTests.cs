using Flint;
using Xunit;

namespace Flint.Tests.Performance;

/// <summary>
/// The cheap routes for small ops (numbers as kernel operands, same-shape operands with history, the backward
/// engine's bookkeeping on nodes) must give exactly what the general routes give.
/// </summary>
[Collection("KernelPaths")]
public class OverheadPathTests
{
    private static double[] V(Tensor t) => t.ToDoubleArray();

    [Fact]
    public void NumberOperandsMatchTensorOperands()
    {
        var x = torch.tensor(new float[] { 1.5f, -2.25f, 3f, 0.1f, 7f, -0.5f }).reshape(2, 3);
        var xt = x.t();   // non-contiguous
        foreach (var t in new[] { x, xt })
        {
            Assert.Equal(V(t + torch.tensor(0.3)), V(t + 0.3));
            Assert.Equal(V(torch.tensor(0.3) - t), V(0.3 - t));
            Assert.Equal(V(t * torch.tensor(3L)), V(t * 3));
            Assert.Equal(V(torch.tensor(2.0) / t), V(2.0 / t));
            Assert.Equal(V(t / torch.tensor(7L)), V(t / 7));
            Assert.Equal(t.shape, (t + 1).shape);
            // the result is laid out as the input (PyTorch's TensorIterator): a transposed input, a transposed result
            Assert.Equal(t.stride(), (t * 2).stride());
        }
        var d = torch.tensor(new double[] { 1e-300, 3.5 });
        Assert.Equal(new[] { 1e-300 * 0.1, 3.5 * 0.1 }, V(d * 0.1));
        Assert.Equal(torch.float64, (d * 0.1).dtype);
    }

    [Fact]
    public void NumberOperandsKeepPromotionRules()
    {
        var i = torch.tensor(new long[] { 1, 2, 3 });
        Assert.Equal(torch.int64, (i + 1).dtype);
        Assert.Equal(new double[] { 2, 3, 4 }, V(i + 1));
        Assert.Equal(torch.float32, (i + 0.5).dtype);
        Assert.Equal(torch.float32, (i / 2).dtype);
        Assert.Equal(new double[] { 0.5, 1, 1.5 }, V(i / 2));
        var h = torch.tensor(new float[] { 1, 2 }).half();
        Assert.Equal(torch.float16, (h * 2).dtype);
        var b = torch.tensor(new[] { true, false });
        Assert.Equal(torch.int64, (b + 1).dtype);
        Assert.Throws<ArgumentException>(() => torch.sub(b, true));
    }

    [Fact]
    public void AlphaIsAppliedAsASeparateRoundedProduct()
    {
        torch.manual_seed(3);
        foreach (var dt in new[] { torch.float32, torch.float64 })
        {
            var a = torch.randn(4, 5, dtype: dt); var b = torch.randn(4, 5, dtype: dt); var row = torch.randn(5, dtype: dt);
            Assert.Equal(V(a + b * 0.3), V(torch.add(a, b, alpha: 0.3)));
            Assert.Equal(V(a - b * 0.3), V(torch.sub(a, b, alpha: 0.3)));
            Assert.Equal(V(a + row * -2.5), V(torch.add(a, row, alpha: -2.5)));
            Assert.Equal(V(a + b.t().t() * 0.7), V(a.add(b.t().t(), alpha: 0.7)));
            var o = torch.empty(1, dtype: dt);
            torch.add(a, b, alpha: 1.5, @out: o);
            Assert.Equal(V(a + b * 1.5), V(o));
            var c = a.clone();
            c.add_(b, alpha: 0.1);
            Assert.Equal(V(a + b * 0.1), V(c));
            c = a.clone();
            c.add_(c, alpha: 3);
            Assert.Equal(V(a + a * 3), V(c));
        }
        var big = torch.randn(1100, 1000); var big2 = torch.randn(1100, 1000);
        Assert.Equal(V(big + big2 * 0.01), V(torch.add(big, big2, alpha: 0.01)));
        var i = torch.tensor(new long[] { 1, 2 });
        Assert.Equal(new double[] { 7, 14 }, V(torch.add(i, i, alpha: 6)));
    }

    [Fact]
    public void SmallWrappedIntegersAreNotChangedByOps()
    {
        var x = torch.ones(3);
        x.add_(2);
        x.mul_(2);
        var y = torch.zeros(3) + 2;
        Assert.Equal(new double[] { 6, 6, 6 }, V(x));
        Assert.Equal(new double[] { 2, 2, 2 }, V(y));
        Assert.Equal(2, x._version_count);
    }

    [Fact]
    public void BroadcastValueOperandsMatchMaterializedOnes()
    {
        var s = torch.tensor(new float[] { 2.5f });
        var e = s.expand(2, 3);
        var m = torch.full([2, 3], 2.5);
        var r = torch.randn(2, 3);
        Assert.Equal(V(m * r), V(e * r));
        Assert.Equal(V(r - m), V(r - e));
        Assert.Equal(V(m / 3), V(e / 3));
        Assert.Equal(V(m + m), V(e + e));
    }

    [Fact]
    public void RecordedFastRoutesGiveTheSameGraphsAndGradients()
    {
        var x = torch.ones(2, 2, requires_grad: true);
        var y = x + 1; var z = y * y * 2; var o = z.mean();
        Assert.Equal("AddBackward0", y.grad_fn!.name());
        Assert.Equal("MulBackward0", z.grad_fn!.name());
        Assert.Equal("MeanBackward0", o.grad_fn!.name());
        o.backward();
        Assert.Equal(new double[] { 2, 2, 2, 2 }, V(x.grad!));   // d mean(2 (x+1)^2) / dx = x + 1

        var a = torch.tensor(new double[] { 0.5, 2 }, requires_grad: true);
        var u = (a.exp() / a).sum();
        var ga = torch.autograd.grad(u, [a], create_graph: true)[0]!;
        var expected = a.detach().exp() * (a.detach() - 1) / (a.detach() * a.detach());
        Assert.Equal(V(expected), V(ga));
        Assert.NotNull(ga.grad_fn);
    }

    [Fact]
    public void LeavesGetTheirOwnGradientMemory()
    {
        var a = torch.ones(3, requires_grad: true);
        var b = torch.ones(3, requires_grad: true);
        (a + b).sum().backward();
        a.grad!.add_(10);
        Assert.Equal(new double[] { 1, 1, 1 }, V(b.grad!));
        var c = torch.ones(3, requires_grad: true);
        var g = torch.ones(3);
        c.backward(g);
        g.add_(5);
        Assert.Equal(new double[] { 1, 1, 1 }, V(c.grad!));
    }

    [Fact]
    public void BackwardInsideAHookOverTheSameGraphWorks()
    {
        var x = torch.tensor(new double[] { 1, 2 }, requires_grad: true);
        var y = x * x;
        Tensor? inner = null;
        y.register_hook(g =>
        {
            using (torch.enable_grad())
            {
                inner = torch.autograd.grad((x * 3).sum(), [x])[0];
                (x * 3).sum().backward();   // x's accumulator belongs to the running backward
            }
            return null;
        });
        y.sum().backward();
        Assert.Equal(new double[] { 5, 7 }, V(x.grad!));
        Assert.Equal(new double[] { 3, 3 }, V(inner!));
        // the nodes were handed back: another backward over part of the graph still runs
        var w = (x * 5).sum();
        w.backward();
        Assert.Equal(new double[] { 10, 12 }, V(x.grad!));
    }

    [Fact]
    public void ABackwardOnAnotherThreadOverNodesInUseWorks()
    {
        var x = torch.ones(2, requires_grad: true);
        var y = x * 2;
        var a = y * 3;
        using var reached = new ManualResetEventSlim();
        using var otherDone = new ManualResetEventSlim();
        a.register_hook(g => { reached.Set(); otherDone.Wait(TimeSpan.FromSeconds(30)); return null; });
        Exception? failure = null;
        var first = new Thread(() =>
        {
            try { a.sum().backward(retain_graph: true); } catch (Exception e) { failure = e; }
        });
        first.Start();
        Assert.True(reached.Wait(TimeSpan.FromSeconds(30)));
        // the first backward holds y's node and x's accumulator: this one runs with its own bookkeeping
        (y * 5).sum().backward(retain_graph: true);
        Assert.Equal(new double[] { 10, 10 }, V(x.grad!));
        otherDone.Set();
        first.Join();
        Assert.Null(failure);
        Assert.Equal(new double[] { 16, 16 }, V(x.grad!));
    }

    [Fact]
    public void FailedBackwardLeavesTheGraphUsable()
    {
        var x = torch.ones(2, requires_grad: true);
        var y = x * 2;
        y.register_hook(_ => throw new InvalidOperationException("boom"));
        var e = Assert.Throws<InvalidOperationException>(() => y.sum().backward(retain_graph: true));
        Assert.Equal("boom", e.Message);
        var z = (x * 4).sum();
        z.backward();
        Assert.Equal(new double[] { 4, 4 }, V(x.grad!));
    }

    [Fact]
    public void InPlaceAfterSaveIsStillDetected()
    {
        var x = torch.ones(2, requires_grad: true);
        var y = x * 1;
        var z = y * y;
        y.add_(1);
        var e = Assert.Throws<InvalidOperationException>(() => z.sum().backward());
        Assert.Contains("is at version 1; expected version 0 instead", e.Message);
    }
}

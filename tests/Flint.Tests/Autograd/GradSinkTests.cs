using Flint;
using Xunit;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Autograd;

/// <summary>
/// Backward kernels that add their gradient straight into a leaf's existing .grad, or into the sum the engine
/// alone keeps for a node, give the bits of the unfused <c>grad + g</c>, keep the .grad object and bump its
/// version, and step aside whenever something could tell the difference (hooks, a second edge into the leaf, a
/// .grad with other strides or sharing memory with what the kernel reads, create_graph).
/// </summary>
public class GradSinkTests
{
    public static TheoryData<string, DType> Ops => new()
    {
        { "softmax", DType.Float32 }, { "softmax", DType.Float64 }, { "log_softmax", DType.Float32 },
        { "softmax0", DType.Float32 }, { "log_softmax0", DType.Float64 },
        { "layer_norm", DType.Float32 }, { "layer_norm", DType.Float64 }, { "layer_norm_plain", DType.Float32 },
    };

    private static Tensor Apply(string op, Tensor x) => op switch
    {
        "softmax" => x.softmax(-1),
        "log_softmax" => x.log_softmax(-1),
        "softmax0" => x.softmax(0),
        "log_softmax0" => x.log_softmax(0),
        "layer_norm" => F.layer_norm(x, [x.shape[^1]], torch.linspace(0.5, 1.5, x.shape[^1], dtype: x.dtype), torch.linspace(-1, 1, x.shape[^1], dtype: x.dtype)),
        "layer_norm_plain" => F.layer_norm(x, [x.shape[^1]]),
        _ => throw new ArgumentException(op),
    };

    /// <summary>The gradient of x alone, through autograd.grad (which never adds into anything).</summary>
    private static Tensor GradOf(string op, Tensor x, Tensor g) => torch.autograd.grad([Apply(op, x)], [x], [g])[0]!;

    private static bool Same(Tensor a, Tensor b) => a.dtype == b.dtype && a.shape.Equals(b.shape) && torch.equal(a, b);

    [Theory]
    [MemberData(nameof(Ops))]
    public void ALeafsGradientIsAddedIntoItsGradInPlaceWithTheUnfusedBits(string op, DType dt)
    {
        foreach (long[] shape in new long[][] { [7, 13], [33, 1030], [4, 3, 17] })
        {
            var x = torch.randn(shape, dtype: dt).requires_grad_();
            var g = torch.randn(shape, dtype: dt);
            var start = torch.randn(shape, dtype: dt);
            x.grad = start.clone();
            var held = x.grad;
            long version = held._version.Value;
            var expected = start + GradOf(op, x, g);
            Apply(op, x).backward(g);
            Assert.Same(held, x.grad);
            Assert.True(held._version.Value > version, $"{op} {Shape.Str(shape)}: the .grad's version did not move");
            Assert.True(Same(expected, x.grad!), $"{op} {dt} {Shape.Str(shape)}: grad differs from start + g");
        }
    }

    [Theory]
    [InlineData("softmax")]
    [InlineData("layer_norm")]
    public void TheGradientIsNotMaterialized(string op)
    {
        var x = torch.randn(256, 1024).requires_grad_();
        var g = torch.randn(256, 1024);
        Apply(op, x).backward(g);   // warm up; leaves x.grad for the next to add into
        var y = Apply(op, x);
        long before = GC.GetAllocatedBytesForCurrentThread();
        y.backward(g);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 256 * 1024 * 4 / 2, $"{op}'s backward allocated {allocated} bytes: the gradient was made apart from x.grad");
    }

    [Fact]
    public void HooksSeeTheGradientAndNothingIsAddedBehindThem()
    {
        var x = torch.randn(5, 9).requires_grad_();
        var g = torch.randn(5, 9);
        var start = torch.randn(5, 9);
        var gx = GradOf("softmax", x, g);

        x.grad = start.clone();
        int seen = 0;
        using (x.register_hook(t => { seen++; return t * 2; }))
            x.softmax(-1).backward(g);
        Assert.Equal(1, seen);
        Assert.True(Same(start + gx * 2, x.grad!));

        x.grad = start.clone();
        Tensor? atHook = null;
        using (x.register_post_accumulate_grad_hook(p => atHook = p.grad!.clone()))
            x.softmax(-1).backward(g);
        Assert.True(Same(start + gx, atHook!));
        Assert.True(Same(start + gx, x.grad!));
    }

    [Fact]
    public void ALeafReachedTwiceGetsTheSumOfBoth()
    {
        var x = torch.randn(6, 11).requires_grad_();
        var g = torch.randn(6, 11);
        var start = torch.randn(6, 11);
        Func<Tensor, Tensor> f = t => t.softmax(-1) + F.layer_norm(t, [11]);
        var both = torch.autograd.grad([f(x)], [x], [g])[0]!;
        x.grad = start.clone();
        f(x).backward(g);
        Assert.True(Same(start + both, x.grad!));
    }

    [Fact]
    public void ANodesGradientIsAddedIntoTheSumTheEngineKeeps()
    {
        // h's gradient arrives from the softmax and the layer norm: the second adds into the first's sum
        var x = torch.randn(8, 40).requires_grad_();
        var g = torch.randn(8, 40);
        Func<Tensor, Tensor> f = t => { var h = t * 1.5; return h.exp() * 0.25 + h.softmax(-1) + F.layer_norm(h, [40]); };
        var expected = torch.autograd.grad([f(x)], [x], [g])[0]!;
        f(x).backward(g);
        Assert.True(Same(expected, x.grad!));
        f(x).backward(g);
        Assert.True(Same(expected + expected, x.grad!));
    }

    [Fact]
    public void AGradWithOtherStridesOrSharedMemoryIsAddedToAfterwards()
    {
        var x = torch.randn(7, 5).requires_grad_();
        var g = torch.randn(7, 5);
        var gx = GradOf("softmax", x, g);

        // a transposed .grad: the gradient is made apart and added, the strides stay
        var start = torch.randn(5, 7).t();
        x.grad = start.clone().t().contiguous().t();
        x.grad.copy_(start);
        x.softmax(-1).backward(g);
        Assert.Equal(new long[] { 1, 7 }, x.grad!.stride().ToArray());
        Assert.True(Same(start + gx, x.grad!.contiguous()));

        // a .grad that is the very output the backward reads
        var y = x.softmax(-1);
        var yBefore = y.detach().clone();
        x.grad = y.detach();
        var expected = yBefore + GradOf("softmax", x, g);
        y.backward(g);
        Assert.True(Same(expected, x.grad!));
    }

    [Fact]
    public void CreateGraphKeepsTheGradientDifferentiable()
    {
        var x = torch.randn(4, 6, dtype: DType.Float64).requires_grad_();
        var g = torch.randn(4, 6, dtype: DType.Float64);
        var start = torch.randn(4, 6, dtype: DType.Float64);
        var gx = GradOf("softmax", x, g);
        x.grad = start.clone();
        x.softmax(-1).backward(g, create_graph: true);
        Assert.True(torch.allclose(start + gx, x.grad!, rtol: 1e-12, atol: 1e-12));
        Assert.NotNull(x.grad!.grad_fn);
    }
}

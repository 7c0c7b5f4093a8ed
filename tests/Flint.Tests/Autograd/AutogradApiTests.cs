using Flint;
using Flint.Autograd;
using Xunit;

namespace Flint.Tests.Autograd;

/// <summary>Autograd behaviour PyTorch 1.13 cannot record (Flint extensions, object identity, memory).</summary>
[Collection("Console")]
public class AutogradApiTests
{
    [Fact]
    public void SeedExampleNextFunctionsShareNodes()
    {
        var x = torch.ones(2, 2, requires_grad: true);
        var y = x + 2;
        var z = y * y * 3;
        var o = z.mean();
        var inner = z.grad_fn!.next_functions[0].node!;
        Assert.Equal("MulBackward0", inner.name());
        Assert.Same(y.grad_fn, inner.next_functions[0].node);
        Assert.Same(y.grad_fn, inner.next_functions[1].node);
        var acc = Assert.IsType<AccumulateGrad>(y.grad_fn!.next_functions[0].node);
        Assert.Same(x, acc.variable);
        Assert.Null(y.grad_fn.next_functions[1].node);
        Assert.Same(acc, (x * 1).grad_fn!.next_functions[0].node);
        Assert.Equal("<MeanBackward0 object>", o.grad_fn!.ToString());
    }

    [Fact]
    public void PostAccumulateGradHookSeesUpdatedGrad()
    {
        var x = torch.tensor(new double[] { 1, 2 }, requires_grad: true);
        var seen = new List<double[]>();
        var h = x.register_post_accumulate_grad_hook(t => seen.Add(t.grad!.ToArray<double>()));
        (x * 3).sum().backward();
        (x * x).sum().backward();
        Assert.Equal(new[] { 3.0, 3.0 }, seen[0]);
        Assert.Equal(new[] { 5.0, 7.0 }, seen[1]);
        h.remove();
        (x * 3).sum().backward();
        Assert.Equal(2, seen.Count);
        var ex = Assert.Throws<InvalidOperationException>(() => (x * 2).register_post_accumulate_grad_hook(_ => { }));
        Assert.Equal("post accumulate grad hooks cannot be registered on non-leaf tensors", ex.Message);
    }

    [Fact]
    public void HookHandleDisposeRemoves()
    {
        var x = torch.tensor(new double[] { 1, 2 }, requires_grad: true);
        using (x.register_hook(g => g * 100)) { }
        (x * 1).sum().backward();
        Assert.Equal(new[] { 1.0, 1.0 }, x.grad!.ToArray<double>());
    }

    [Fact]
    public void AnomalyModeNamesForwardOpAndRestores()
    {
        var x = torch.tensor(new float[] { 0, 1 }, requires_grad: true);
        var err = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            using (torch.autograd.detect_anomaly())
            {
                Assert.True(torch.autograd.is_anomaly_enabled());
                var y = x.sqrt() * 0;
                var ex = Assert.Throws<InvalidOperationException>(() => y.sum().backward());
                Assert.Equal("Function 'SqrtBackward0' returned nan values in its 0th output.", ex.Message);
                var trace = (string)ex.Data["forward_trace"]!;
                Assert.Contains("Flint.Tensor.sqrt()", trace);
                Assert.Contains(nameof(AnomalyModeNamesForwardOpAndRestores), trace);
                Assert.DoesNotContain("Flint.Autograd.", trace);
            }
        }
        finally { Console.SetError(err); }
        Assert.StartsWith("Warning: Error detected in SqrtBackward0. Traceback of forward call that caused the error:", captured.ToString());
        Assert.False(torch.autograd.is_anomaly_enabled());
    }

    [Fact]
    public void ToDotShowsNamesShapesAndSavedTensors()
    {
        var w = torch.ones(3, 2, requires_grad: true);
        var x = torch.ones(4, 3);
        var y = x.mm(w).exp().sum();
        var dot = torch.autograd.to_dot(y, new Dictionary<string, Tensor> { ["w"] = w });
        Assert.StartsWith("digraph {", dot);
        Assert.Contains("SumBackward0", dot);
        Assert.Contains("ExpBackward0", dot);
        Assert.Contains("MmBackward0", dot);
        Assert.Contains("saved: float32[4, 2]", dot); // exp's result
        Assert.Contains("saved: float32[4, 3]", dot); // mm's self
        Assert.Contains("w\\ntorch.Size([3, 2])", dot);
        Assert.Contains("label=\"torch.Size([])\"", dot);
        Assert.EndsWith("}" + Environment.NewLine, dot);
    }

    [Fact]
    public void LogAddExpIsACustomFunctionThatPassesGradcheckAndGradgradcheck()
    {
        torch.manual_seed(0);
        var a = torch.randn(3, 4, dtype: torch.float64, requires_grad: true);
        var b = torch.randn(4, dtype: torch.float64, requires_grad: true);
        Assert.True(torch.autograd.gradcheck(xs => torch.logaddexp(xs[0], xs[1]), [a, b]));
        Assert.True(torch.autograd.gradgradcheck(xs => torch.logaddexp(xs[0], xs[1]), [a, b]));
        Assert.True(torch.autograd.gradcheck(xs => torch.logaddexp2(xs[0], xs[1]), [a, b]));
        Assert.True(torch.autograd.gradgradcheck(xs => torch.logaddexp2(xs[0], xs[1]), [a, b]));
        // stable where the naive log(exp(a) + exp(b)) overflows
        var big = torch.tensor(new double[] { 800, -800 });
        Assert.Equal(new[] { 800 + Math.Log(2), -800 + Math.Log(2) }, torch.logaddexp(big, big).ToArray<double>());
        Assert.True(double.IsInfinity(torch.log(torch.exp(big) + torch.exp(big)).ToArray<double>()[0]));
    }

    [Fact]
    public void GradcheckCatchesWrongCustomFunction()
    {
        var x = torch.tensor(new double[] { 1, 2 }, requires_grad: true);
        var ex = Assert.Throws<GradcheckError>(() => torch.autograd.gradcheck(xs => AutogradBehaviourTests.WrongSquare.apply(xs), [x]));
        Assert.StartsWith("Jacobian mismatch for output 0 with respect to input 0,", ex.Message);
        Assert.False(torch.autograd.gradcheck(xs => AutogradBehaviourTests.WrongSquare.apply(xs), [x], raise_exception: false));
    }

    private sealed class BadShape : torch.autograd.Function<BadShape>
    {
        public override Tensor forward(torch.autograd.FunctionCtx ctx, params Tensor[] inputs) => inputs[0] * 2;
        public override Tensor?[] backward(torch.autograd.FunctionCtx ctx, Tensor g) => [torch.ones(5)];
    }

    private sealed class TooMany : torch.autograd.Function<TooMany>
    {
        public override Tensor forward(torch.autograd.FunctionCtx ctx, params Tensor[] inputs) => inputs[0] * 2;
        public override Tensor?[] backward(torch.autograd.FunctionCtx ctx, Tensor g) => [g, g];
    }

    [Fact]
    public void CustomFunctionGradientChecks()
    {
        var x = torch.ones(2, requires_grad: true);
        var e1 = Assert.Throws<ArgumentException>(() => BadShape.apply(x).sum().backward());
        Assert.Equal("Function BadShapeBackward returned an invalid gradient at index 0 - got [5] but expected shape compatible with [2]", e1.Message);
        var e2 = Assert.Throws<InvalidOperationException>(() => TooMany.apply(x).sum().backward());
        Assert.Equal("function TooManyBackward returned an incorrect number of gradients (expected 1, got 2)", e2.Message);
        Assert.False(BadShape.apply(torch.ones(2)).requires_grad);
        using (torch.no_grad()) Assert.Null(BadShape.apply(x).grad_fn);
    }

    [Fact]
    public void DetachSharesStorageAndVersion()
    {
        var x = torch.tensor(new float[] { 1, 2 }, requires_grad: true);
        var y = x * 2;
        var d = y.detach();
        d[0] = torch.tensor(10f);
        Assert.Equal(10f, y.ToArray<float>()[0]);
        Assert.Equal(y._version_count, d._version_count);
        Assert.Equal(1, y._version_count);
        // .data does not share the version counter (PyTorch's way to edit without autograd noticing)
        var e = x.exp();
        e.data.add_(1);
        e.sum().backward();
    }

    /// <summary>
    /// 100,000 forward/backward passes over a small graph with no Dispose anywhere: every node, saved tensor and
    /// gradient becomes garbage once the pass ends, so the managed heap stays flat.
    /// </summary>
    [Fact]
    public void ManyBackwardPassesKeepTheHeapFlat()
    {
        var w = torch.tensor(new float[] { 0.5f, -0.25f, 1 }, requires_grad: true);
        var x = torch.tensor(new float[] { 1, 2, 3 });
        void Pass()
        {
            (w * x).tanh().sum().backward();
            w.grad = null;
        }
        for (int i = 0; i < 2_000; i++) Pass(); // warm up caches and JIT
        long before = GC.GetTotalMemory(forceFullCollection: true);
        for (int i = 0; i < 100_000; i++) Pass();
        long after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.True(after - before < 2_000_000, $"managed heap grew by {after - before:N0} bytes over 100,000 passes");
    }
}

using Flint;
using Xunit;

namespace Flint.Tests.Autograd;

/// <summary>Custom Functions with several outputs: finite differences and the engine's checks on what backward returns.</summary>
public class MultiTensorFunctionTests
{
    private sealed class SinCos : torch.autograd.MultiTensorFunction<SinCos>
    {
        public override Tensor[] forward(torch.autograd.FunctionCtx ctx, params Tensor[] inputs)
        {
            ctx.save_for_backward(inputs[0]);
            return [inputs[0].sin(), inputs[0].cos() * inputs[1]];
        }
        public override Tensor?[] backward(torch.autograd.FunctionCtx ctx, Tensor[] g)
        {
            var x = ctx.saved_tensors[0];
            return [g[0] * x.cos() - g[1] * x.sin() * 2, (g[1] * x.cos()).sum(0, keepdim: true)];
        }
    }

    private sealed class TooFew : torch.autograd.MultiTensorFunction<TooFew>
    {
        public override Tensor[] forward(torch.autograd.FunctionCtx ctx, params Tensor[] inputs) => [inputs[0] * 2, inputs[1] * 3];
        public override Tensor?[] backward(torch.autograd.FunctionCtx ctx, Tensor[] g) => [g[0] * 2];
    }

    [Fact]
    public void GradcheckThroughBothOutputs()
    {
        var x = torch.tensor(new[] { 0.3, -1.2, 2.0 }, requires_grad: true);
        // the second input is broadcast in forward; backward returns its gradient summed to shape [1]
        var w = torch.tensor(new[] { 2.0 }, requires_grad: true);
        Assert.True(torch.autograd.gradcheck(a =>
        {
            var r = SinCos.apply(a[0], a[1]);
            return r[0] * 1.5 + r[1];
        }, [x, w]));
    }

    [Fact]
    public void TheWrongNumberOfGradientsIsRefused()
    {
        var a = torch.ones(2, requires_grad: true);
        var b = torch.ones(2, requires_grad: true);
        var r = TooFew.apply(a, b);
        var ex = Assert.Throws<InvalidOperationException>(() => (r[0] + r[1]).sum().backward());
        Assert.Equal("function TooFewBackward returned an incorrect number of gradients (expected 2, got 1)", ex.Message);
    }
}

using Xunit;

namespace Flint.Cuda.Tests;

public class AutogradTests
{
    [Fact]
    public void GradientsThroughCudaTensorsMatchTheCpu()
    {
        torch.manual_seed(11);
        var x0 = torch.randn([4, 3], dtype: DType.Float64);
        var w0 = torch.randn([3, 5], dtype: DType.Float64);
        var b0 = torch.randn([5], dtype: DType.Float64);
        (Tensor, Tensor, Tensor, string) Run(Device d)
        {
            var x = x0.detach().to(d).requires_grad_();
            var w = w0.detach().to(d).requires_grad_();
            var b = b0.detach().to(d).requires_grad_();
            var y = (torch.tanh(x.matmul(w) + b) * 2).sigmoid().mean();
            string name = y.grad_fn!.name();
            y.backward();
            return (x.grad!, w.grad!, b.grad!, name);
        }
        var (cx, cw, cb, cn) = Run(Device.CPU);
        var (dx, dw, db, dn) = Run(Gpu.Cuda);
        Assert.Equal(cn, dn);
        Gpu.Close(cx, dx, 1e-10, 1e-12);
        Gpu.Close(cw, dw, 1e-10, 1e-12);
        Gpu.Close(cb, db, 1e-10, 1e-12);
        Assert.True(dx.is_cuda);
    }

    [Fact]
    public void TheGradientOfAMoveGoesBackToTheCpu()
    {
        var x = torch.tensor(new[] { 1.0, 2.0, 3.0 }).requires_grad_();
        var d = x.to(Gpu.Cuda);
        Assert.Equal("ToCopyBackward0", d.grad_fn!.name());
        (d * d).sum().backward();
        Assert.False(x.grad!.is_cuda);
        Gpu.Close(torch.tensor(new[] { 2.0, 4.0, 6.0 }), x.grad!.to(Gpu.Cuda), 0, 0);
    }
}

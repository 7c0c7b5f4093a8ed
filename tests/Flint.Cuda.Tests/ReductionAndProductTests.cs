using Xunit;

namespace Flint.Cuda.Tests;

public class ReductionAndProductTests
{
    [Fact]
    public void SumMeanMaxMinOverEveryDimSet()
    {
        foreach (var dt in new[] { DType.Float32, DType.Float64 })
        {
            torch.manual_seed(3);
            var x = torch.randn([4, 5, 6], dtype: dt);
            foreach (var v in new[] { x, x.permute(2, 0, 1), x[.., TensorIndex.Slice(null, null, 2)] })
            {
                Gpu.Same(d => v.to(d).sum(), 1e-5, 1e-5);
                Gpu.Same(d => v.to(d).mean(), 1e-5, 1e-5);
                Gpu.Same(d => v.to(d).amax());
                Gpu.Same(d => v.to(d).amin());
                for (int dim = 0; dim < 3; dim++)
                {
                    Gpu.Same(d => v.to(d).sum(dim), 1e-5, 1e-5);
                    Gpu.Same(d => v.to(d).mean(dim, keepdim: true), 1e-5, 1e-5);
                    Gpu.Same(d => v.to(d).amax(dim));
                    Gpu.Same(d => v.to(d).amin(dim, keepdim: true));
                }
                Gpu.Same(d => v.to(d).sum([0, 2]), 1e-5, 1e-5);
                Gpu.Same(d => v.to(d).amax([1, 2]));
            }
        }
    }

    [Fact]
    public void IntegerSumsAndNanPropagation()
    {
        var i = torch.arange(-30, 30, dtype: DType.Int32).view(6, 10);
        Gpu.Same(d => i.to(d).sum());
        Gpu.Same(d => i.to(d).sum(1));
        Gpu.Same(d => i.to(d).amax(0));
        Gpu.Same(d => i.to(DType.Int8).to(d).amin(1));
        var n = Gpu.Edgy([5, 8], DType.Float32);
        Gpu.Same(d => n.to(d).amax(1));
        Gpu.Same(d => n.to(d).amin(0));
        Gpu.Same(d => n.to(d).sum(1));
        Gpu.Same(d => torch.zeros([0], device: d).sum());
        Gpu.Same(d => torch.zeros([0, 3], device: d).mean(0));
    }

    [Fact]
    public void MaxAlongADimGivesTheFirstIndex()
    {
        var x = torch.tensor(new float[] { 1, 3, 3, 2, float.NaN, 5, 0, -1, -1 }).view(3, 3);
        foreach (var v in new[] { x, x.t() })
            for (int dim = 0; dim < 2; dim++)
            {
                var (cv, ci) = v.max(dim);
                var (dv, di) = v.to(Gpu.Cuda).max(dim);
                Gpu.Close(cv, dv, 0, 0);
                Gpu.Close(ci, di, 0, 0);
                Gpu.Same(d => v.to(d).argmin(dim));
                Gpu.Same(d => v.to(d).argmax());
            }
    }

    [Fact]
    public void MatrixProductsMatchTheCpu()
    {
        foreach (var dt in new[] { DType.Float32, DType.Float64 })
        {
            torch.manual_seed(5);
            var a = torch.randn([7, 5], dtype: dt);
            var b = torch.randn([5, 9], dtype: dt);
            Gpu.Same(d => a.to(d).matmul(b.to(d)), 1e-5, 1e-5);
            Gpu.Same(d => a.t().to(d).t().matmul(b.to(d)), 1e-5, 1e-5);
            Gpu.Same(d => b.t().to(d).matmul(a.t().to(d)), 1e-5, 1e-5);
            var ba = torch.randn([3, 7, 5], dtype: dt);
            Gpu.Same(d => ba.to(d).matmul(b.to(d)), 1e-5, 1e-5);
            var bb = torch.randn([3, 5, 2], dtype: dt);
            Gpu.Same(d => torch.bmm(ba.to(d), bb.to(d)), 1e-5, 1e-5);
            Gpu.Same(d => a.to(d).matmul(b[.., 0].to(d)), 1e-5, 1e-5);
            Gpu.Same(d => torch.dot(b[0].to(d), b[1].to(d)), 1e-5, 1e-5);
            var c = torch.randn([7, 9], dtype: dt);
            Gpu.Same(d => torch.addmm(c.to(d), a.to(d), b.to(d), beta: 0.5, alpha: 2), 1e-5, 1e-5);
            Gpu.Same(d => torch.addmm(c.to(d), a.to(d), b.to(d), beta: 0, alpha: 1), 1e-5, 1e-5);
        }
        var ia = torch.arange(-6, 6, dtype: DType.Int64).view(3, 4);
        Gpu.Same(d => ia.to(d).matmul(ia.t().to(d)));
        Gpu.Same(d => torch.ones([0, 3], device: d).matmul(torch.ones([3, 2], device: d)));
        Gpu.Same(d => torch.ones([2, 0], device: d).matmul(torch.ones([0, 2], device: d)));
    }

    [Fact]
    public void SoftmaxAndItsGradient()
    {
        var x = Gpu.Edgy([4, 6], DType.Float64).nan_to_num(0, 50, -50);
        x[2].fill_(double.NegativeInfinity);
        foreach (var v in new[] { x, x.t() })
            for (int dim = 0; dim < 2; dim++)
            {
                Gpu.Same(d => torch.softmax(v.to(d), dim));
                Gpu.Same(d => torch.log_softmax(v.to(d), dim));
            }
        var w = torch.randn([4, 6], dtype: DType.Float64);
        foreach (bool log in new[] { false, true })
        {
            var xs = torch.randn([4, 6], dtype: DType.Float64);
            Tensor Grad(Device d)
            {
                var leaf = xs.detach().to(d).requires_grad_();
                var y = log ? torch.log_softmax(leaf, 1) : torch.softmax(leaf, 0);
                (y * w.to(d)).sum().backward();
                return leaf.grad!;
            }
            Gpu.Same(Grad, 1e-10, 1e-12);
        }
    }
}

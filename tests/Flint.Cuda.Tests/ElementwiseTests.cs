using Xunit;

namespace Flint.Cuda.Tests;

public class ElementwiseTests
{
    // contiguous, transposed, stepped-slice and broadcast (expanded) operands of the same values
    private static IEnumerable<Tensor> Layouts(Tensor x)
    {
        yield return x;
        yield return x.t();
        yield return x[TensorIndex.Slice(null, null, 2)];
        yield return x[0].expand(3, x.shape[1]);
    }

    [Fact]
    public void FloatUnaryOpsMatchTheCpu()
    {
        foreach (var dt in new[] { DType.Float32, DType.Float64 })
            foreach (var x in Layouts(Gpu.Edgy([6, 5], dt)))
            {
                Gpu.Same(d => x.to(d).exp());
                Gpu.Same(d => x.to(d).sin());
                Gpu.Same(d => x.to(d).tanh());
                Gpu.Same(d => torch.sigmoid(x.to(d)));
                Gpu.Same(d => x.to(d).sqrt());
                Gpu.Same(d => x.to(d).log());
                Gpu.Same(d => torch.isnan(x.to(d)));
                Gpu.Same(d => torch.isinf(x.to(d)));
            }
    }

    [Fact]
    public void NumericUnaryOpsOverIntegersAndFloats()
    {
        foreach (var dt in new[] { DType.Float32, DType.Int64, DType.Int32, DType.Int16, DType.Int8, DType.UInt8 })
        {
            var x = (Gpu.Edgy([4, 7], DType.Float64).nan_to_num(0, 0, 0) * 10).to(dt);
            foreach (var v in Layouts(x))
            {
                Gpu.Same(d => v.to(d).neg());
                Gpu.Same(d => v.to(d).clamp(-5, 7));
                Gpu.Same(d => torch.nn.functional.relu(v.to(d)));
            }
        }
    }

    [Fact]
    public void BinaryOpsBroadcastOverEveryLayout()
    {
        foreach (var dt in new[] { DType.Float32, DType.Float64 })
        {
            var a = Gpu.Edgy([6, 5], dt);
            var row = Gpu.Edgy([6], dt).flip(0);
            var col = Gpu.Edgy([6, 1], dt);
            foreach (var x in Layouts(a))
            {
                var r = row[TensorIndex.Slice(null, x.shape[1])];
                Gpu.Same(d => x.to(d) + r.to(d));
                Gpu.Same(d => x.to(d) - 2.5);
                Gpu.Same(d => x.to(d) * r.to(d));
                Gpu.Same(d => x.to(d) / r.to(d));
                Gpu.Same(d => torch.maximum(x.to(d), r.to(d)));
                Gpu.Same(d => torch.atan2(x.to(d), r.to(d)));
                Gpu.Same(d => x.to(d).lt(r.to(d)));
                Gpu.Same(d => x.to(d).eq(x.to(d)));
                Gpu.Same(d => torch.where(x.to(d).gt(0), x.to(d), r.to(d)));
            }
            Gpu.Same(d => a.to(d) * col.to(d));
            Gpu.Same(d => col.to(d) + row.to(d));
        }
    }

    [Fact]
    public void IntegerBinaryOpsWrapAsTheCpuDoes()
    {
        foreach (var dt in new[] { DType.Int64, DType.Int32, DType.Int16, DType.Int8, DType.UInt8 })
        {
            var a = (torch.arange(-20, 22, dtype: DType.Int64).view(6, 7) * 7).to(dt);
            var b = (torch.arange(1, 8, dtype: DType.Int64) * 3).to(dt);
            var b7 = b;
            foreach (var x in new[] { a, a.t()[TensorIndex.Slice(null, 6)].t() })
            {
                b = b7[TensorIndex.Slice(null, x.shape[1])];
                Gpu.Same(d => x.to(d) + b.to(d));
                Gpu.Same(d => x.to(d) * b.to(d));
                Gpu.Same(d => x.to(d) - b.to(d));
                Gpu.Same(d => torch.maximum(x.to(d), b.to(d)));
                Gpu.Same(d => torch.bitwise_and(x.to(d), b.to(d)));
                Gpu.Same(d => torch.bitwise_xor(x.to(d), b.to(d)));
                Gpu.Same(d => x.to(d).ge(b.to(d)));
            }
        }
        // bool operands
        var p = torch.tensor(new[] { true, false, true, false });
        var q = torch.tensor(new[] { true, true, false, false });
        Gpu.Same(d => torch.logical_xor(p.to(d), q.to(d)));
        Gpu.Same(d => p.to(d).eq(q.to(d)));
    }

    [Fact]
    public void OpsIlgpuCannotCompileAreRefusedByName()
    {
        var x = torch.ones([3], device: Gpu.Cuda);
        var e = Assert.Throws<NotSupportedException>(() => torch.nn.functional.gelu(x));
        Assert.StartsWith("gelu is not implemented for CUDA tensors in Flint yet (ILGPU cannot compile its kernel", e.Message);
        Assert.StartsWith("abs is not implemented for CUDA tensors in Flint yet", Assert.Throws<NotSupportedException>(() => x.abs()).Message);
        Assert.StartsWith("lerp is not implemented for CUDA tensors in Flint yet", Assert.Throws<NotSupportedException>(() => torch.lerp(x, x, 0.5)).Message);
        var e2 = Assert.Throws<NotSupportedException>(() => torch.pow(x, x));
        Assert.StartsWith("pow is not implemented for CUDA tensors in Flint yet", e2.Message);
    }

    [Fact]
    public void InPlaceOpsWriteTheirOwnStorage()
    {
        Gpu.Same(d => { var x = torch.arange(12.0, device: d).view(3, 4); x.t().mul_(2); x[1].add_(1); return x; });
        Gpu.Same(d => { var x = torch.ones([4, 4], device: d); x.t().sub_(torch.arange(4.0, device: d)); return x; });
    }

    [Fact]
    public void ZeroSizesLaunchNothing()
    {
        Gpu.Same(d => torch.ones([0, 3], device: d).exp());
        Gpu.Same(d => torch.ones([0, 3], device: d) + torch.ones([3], device: d));
        Gpu.Same(d => torch.ones([2, 0], device: d).sum(1));
    }
}

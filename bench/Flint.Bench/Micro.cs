using BenchmarkDotNet.Attributes;
using Flint;

namespace Flint.Bench;

/// <summary>Kernel micro-benchmarks (run with --micro): elementwise, reduction and GEMM kernels in isolation.</summary>
[MemoryDiagnoser]
public class ElementwiseMicro
{
    Tensor small1 = null!, small2 = null!, big1 = null!, big2 = null!, bigT = null!, row = null!;

    [GlobalSetup]
    public void Setup()
    {
        torch.manual_seed(0);
        small1 = torch.randn(5, 3); small2 = torch.randn(5, 3);
        big1 = torch.randn(1000, 1000); big2 = torch.randn(1000, 1000);
        bigT = big2.t(); row = torch.randn(1000);
    }

    [Benchmark] public Tensor AddSmall() => small1 + small2;
    [Benchmark] public Tensor AddInplaceSmall() => small1.add_(small2);
    [Benchmark] public Tensor Add1M() => big1 + big2;
    [Benchmark] public Tensor AddTransposed1M() => big1 + bigT;
    [Benchmark] public Tensor AddBroadcastRow1M() => big1 + row;
    [Benchmark] public Tensor Exp1M() => big1.exp();
    [Benchmark] public Tensor Sum1M() => big1.sum();
    [Benchmark] public Tensor SumDim1() => big1.sum(1);
    [Benchmark] public Tensor SumDim0() => big1.sum(0);
}

public class GemmMicro
{
    Tensor x = null!, w = null!, g = null!;

    [GlobalSetup]
    public void Setup()
    {
        torch.manual_seed(0);
        x = torch.randn(64, 784); w = torch.randn(512, 784); g = torch.randn(64, 512);
    }

    [Benchmark] public Tensor Forward_64x784_by_784x512() => torch.matmul(x, w.t());
    [Benchmark] public Tensor GradInput_64x512_by_512x784() => torch.matmul(g, w);
    [Benchmark] public Tensor GradWeight_512x64_by_64x784() => torch.matmul(g.t(), x);
}

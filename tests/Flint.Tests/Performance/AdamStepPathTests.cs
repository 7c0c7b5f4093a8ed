using Flint.Backends.Cpu;
using Xunit;

namespace Flint.Tests.Performance;

/// <summary>
/// Adam/AdamW's fused step on every forced path gives bit for bit what the chain of in-place tensor ops gives (the
/// single-tensor formula the PyTorch-recorded trajectories check), across lerp from either end, weight decay,
/// maximize, lengths around the vector width, and float32/float64.
/// </summary>
[Collection("KernelPaths")]
public class AdamStepPathTests
{
    /// <summary>The step as tensor ops, as the optimizer writes it for the cases the kernel does not take.</summary>
    private static void ChainStep(Tensor p, Tensor grad, Tensor m, Tensor v, int step, double lr, double b1, double b2, double eps, double wd, bool maximize)
    {
        using var _ = torch.no_grad();
        var g = maximize ? -grad : grad;
        if (wd != 0) p.mul_(1 - lr * wd);
        m.lerp_(g, 1 - b1);
        v.mul_(b2).addcmul_(g, g, value: 1 - b2);
        double bc1 = 1 - Math.Pow(b1, step), bc2 = 1 - Math.Pow(b2, step);
        var denom = (v.sqrt() / Math.Sqrt(bc2)).add_(eps);
        p.addcdiv_(m, denom, value: -(lr / bc1));
    }

    [Fact]
    public void FusedStepEqualsTheInPlaceChainBitForBit()
    {
        var failures = new List<string>();
        foreach (var dt in new[] { DType.Float32, DType.Float64 })
            foreach (long n in new long[] { 1, 7, 8, 17, 1000, 70001 })
                foreach (var (b1, wd, maximize) in new[] { (0.9, 0.0, false), (0.9, 0.01, false), (0.3, 0.05, true), (0.5, 0.0, true) })
                {
                    string ctx = $"{dt} n={n} b1={b1} wd={wd} maximize={maximize}";
                    PathHarness.ForEachPath(failures, tag =>
                    {
                        torch.manual_seed(3);
                        var init = torch.randn(n, dtype: dt);
                        var p = new Parameter(init.clone());
                        var q = init.clone();
                        var mq = torch.zeros(n, dtype: dt); var vq = torch.zeros(n, dtype: dt);
                        var opt = torch.optim.AdamW([p], lr: 1e-2, betas: (b1, 0.99), eps: 1e-8, weight_decay: wd, maximize: maximize);
                        for (int step = 1; step <= 3; step++)
                        {
                            var grad = torch.randn(n, dtype: dt) * 3;
                            if (n > 3) grad[2] = torch.tensor(0.0, dtype: dt);
                            p.grad = grad.clone();
                            opt.step();
                            ChainStep(q, grad, mq, vq, step, 1e-2, b1, 0.99, 1e-8, wd, maximize);
                        }
                        if (!torch.equal(p.detach(), q)) failures.Add($"{ctx} {tag}: param differs (max |d| {(p.detach() - q).abs().max().item<double>():R})");
                        var s = opt.state[p];
                        if (!torch.equal((Tensor)s["exp_avg"], mq) || !torch.equal((Tensor)s["exp_avg_sq"], vq)) failures.Add($"{ctx} {tag}: moments differ");
                    });
                }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public void KernelRefusesMismatchedOperands()
    {
        var ex = Assert.Throws<ArgumentException>(() => CpuBackend.Instance.AdamStep(torch.ones(3), torch.ones(2), torch.ones(3), torch.ones(3), 1, 0.9, 0.99, 1, 1e-8, 1e-3, false));
        Assert.Contains("adam_step", ex.Message);
        Assert.Throws<NotSupportedException>(() => CpuBackend.Instance.AdamStep(torch.ones(3, dtype: DType.BFloat16), torch.ones(3, dtype: DType.BFloat16),
            torch.ones(3, dtype: DType.BFloat16), torch.ones(3, dtype: DType.BFloat16), 1, 0.9, 0.99, 1, 1e-8, 1e-3, false));
    }
}

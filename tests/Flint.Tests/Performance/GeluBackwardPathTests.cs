using Flint.Backends.Cpu;
using Xunit;

namespace Flint.Tests.Performance;

/// <summary>
/// GELU's fused gradient (both forms) on every forced path against the tensor formula evaluated in float64, on
/// lengths around the vector width and the kernel's block, with NaN, ±inf, zeros and large magnitudes; and the
/// routes that must keep the formula (a graph of the gradient, broadcast gradients).
/// </summary>
[Collection("KernelPaths")]
public class GeluBackwardPathTests
{
    private static Tensor Inputs(long n, int seed)
    {
        var v = PathHarness.Values(n, seed, specials: true);
        // small magnitudes, where Φ(x) is near 0.5 and the erfc form must not lose bits
        for (long i = 3; i < n; i += 7) v[i] *= 1e-3;
        if (n > 6) { v[3] = -0.0; v[4] = 40; v[5] = -40; }
        return torch.tensor(v, dtype: DType.Float64);
    }

    /// <summary>The formula GeluBackward0 evaluates, as tensor ops in float64.</summary>
    private static Tensor Formula(Tensor g, Tensor x, bool tanh)
    {
        if (tanh)
        {
            double k = Math.Sqrt(2 / Math.PI);
            var t = ((x + x.pow(3) * 0.044715) * k).tanh();
            return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * ((1 + x * x * (3 * 0.044715)) * k));
        }
        var cdf = (x * (1 / Math.Sqrt(2))).erf().add(1).mul(0.5);
        var pdf = (x * x * -0.5).exp() * (1 / Math.Sqrt(2 * Math.PI));
        return g * (cdf + x * pdf);
    }

    [Fact]
    public void FusedGradientMatchesTheFormulaOnEveryPath()
    {
        var failures = new List<string>();
        foreach (long n in new long[] { 0, 1, 7, 8, 15, 16, 17, 63, 511, 512, 513, 1025, 70001 })
            foreach (bool tanh in new[] { false, true })
                foreach (var dt in new[] { DType.Float32, DType.Float64 })
                {
                    var x64 = Inputs(n, 11);
                    var g64 = torch.tensor(PathHarness.Values(n, 12, specials: false), dtype: DType.Float64);
                    var x = x64.to(dt); var g = g64.to(dt);
                    // the reference from the operands as they are in dt, so only the kernel's own error counts
                    var expected = Formula(g.to(DType.Float64), x.to(DType.Float64), tanh).to(dt);
                    PathHarness.ForEachPath(failures, tag =>
                    {
                        var r = torch.empty_like(g);
                        CpuBackend.Instance.GeluBackward(g, x, r, tanh);
                        double rtol = dt == DType.Float32 ? 2e-6 : 1e-12, atol = dt == DType.Float32 ? 2e-6 : 1e-13;
                        PathHarness.Close(failures, $"gelu_backward n={n} tanh={tanh} {dt} {tag}", expected, r, rtol, atol * 10);
                    });
                }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public void AutogradUsesTheKernelAndKeepsTheFormulaWhereAGraphIsWanted()
    {
        foreach (var approximate in new[] { "none", "tanh" })
        {
            var x = torch.randn(3, 70, dtype: DType.Float64, requires_grad: true);
            var g = torch.randn(3, 70, dtype: DType.Float64);
            var y = torch.nn.functional.gelu(x, approximate);
            Assert.Equal("GeluBackward0", y.grad_fn!.name());
            y.backward(g);
            var expected = Formula(g, x.detach(), approximate == "tanh");
            Assert.True(torch.allclose(x.grad!, expected, rtol: 1e-12, atol: 1e-14), approximate);

            // create_graph: the gradient is itself differentiable (second derivative through the formula)
            var x2 = x.detach().requires_grad_();
            var gx = torch.autograd.grad([torch.nn.functional.gelu(x2, approximate).sum()], [x2], create_graph: true)[0]!;
            Assert.NotNull(gx.grad_fn);
            var gg = torch.autograd.grad([gx.sum()], [x2])[0]!;
            var xd = x2.detach().requires_grad_();
            var viaFormula = torch.autograd.grad([Formula(torch.ones_like(xd), xd, approximate == "tanh").sum()], [xd])[0]!;
            Assert.True(torch.allclose(gg, viaFormula, rtol: 1e-10, atol: 1e-12), approximate);

            // a broadcast (stride-0) gradient takes the formula and gives the same values
            var x3 = x.detach().requires_grad_();
            torch.nn.functional.gelu(x3, approximate).sum().backward();
            Assert.True(torch.allclose(x3.grad!, Formula(torch.ones_like(x3), x3.detach(), approximate == "tanh"), rtol: 1e-12, atol: 1e-14));
        }
    }

    [Fact]
    public void KernelRefusesMismatchedOperands()
    {
        var ex = Assert.Throws<ArgumentException>(() => CpuBackend.Instance.GeluBackward(torch.ones(3), torch.ones(2), torch.ones(3), false));
        Assert.Contains("gelu_backward", ex.Message);
        Assert.Throws<ArgumentException>(() => CpuBackend.Instance.GeluBackward(torch.ones(3, 2).t(), torch.ones(2, 3), torch.ones(2, 3), false));
        Assert.Throws<NotSupportedException>(() => CpuBackend.Instance.GeluBackward(torch.ones(3, dtype: DType.Int32), torch.ones(3, dtype: DType.Int32), torch.ones(3, dtype: DType.Int32), false));
    }
}

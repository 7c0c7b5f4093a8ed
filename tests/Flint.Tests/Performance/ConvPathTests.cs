using Flint;
using Xunit;

namespace Flint.Tests.Performance;

/// <summary>
/// The fast paths of pooling and convolution against per-element references: the 2×2 stride-2 max pool (NaN,
/// ±inf, ties, odd sizes that drop the last row/column) and the per-sample convolution products with a batch
/// larger than the weight-gradient split.
/// </summary>
[Collection("KernelPaths")]
public class ConvPathTests
{
    [Fact]
    public void MaxPool2x2MatchesTheWindowRule()
    {
        var rng = new Random(5);
        foreach (var (h, w) in new[] { (4, 4), (5, 7), (2, 2), (9, 3) })
        {
            int planes = 3;
            var v = new double[planes * h * w];
            for (int i = 0; i < v.Length; i++)
                v[i] = rng.Next(8) switch { 0 => double.NaN, 1 => double.NegativeInfinity, 2 => double.PositiveInfinity, 3 => 1.0, _ => Math.Round(rng.NextDouble() * 4 - 2, 1) };
            foreach (var dt in new[] { torch.float32, torch.float64 })
            {
                var x = torch.from_array(v, [1, planes, h, w]).to(dt);
                var (y, idx) = torch.nn.functional.max_pool2d_with_indices(x, 2);
                var yv = y.to(torch.float64).ToArray<double>(); var iv = idx.ToArray<long>();
                int oh = h / 2, ow = w / 2;
                for (int p = 0; p < planes; p++)
                    for (int i = 0; i < oh; i++)
                        for (int j = 0; j < ow; j++)
                        {
                            double best = double.NegativeInfinity; long at = 2 * i * w + 2 * j;
                            for (int a = 0; a < 2; a++)
                                for (int b = 0; b < 2; b++)
                                {
                                    long pos = (2 * i + a) * w + 2 * j + b;
                                    double e = v[p * h * w + pos];
                                    if (dt == torch.float32) e = (float)e;
                                    if (e > best || double.IsNaN(e)) { best = e; at = pos; }
                                }
                            int o = (p * oh + i) * ow + j;
                            Assert.Equal(at, iv[o]);
                            Assert.Equal(best, yv[o]);
                        }
            }
        }
    }

    [Fact]
    public void Im2ColRowCopiesAreExactOnEveryPath()
    {
        // image rows shorter than a 256-bit vector, between one and two vectors, and longer; padded and not
        var failures = new List<string>();
        foreach (var dt in new[] { torch.float32, torch.float64 })
            foreach (int width in new[] { 3, 9, 13, 20, 37 })
                foreach (int pad in new[] { 0, 1 })
                {
                    torch.manual_seed(width);
                    var x = torch.randn(2, 3, 5, width, dtype: dt);
                    var w = torch.randn(4, 3, 3, 3, dtype: dt);
                    Tensor reference;
                    var (oldPath, oldThreads) = (Backends.Cpu.KernelOptions.Path, Backends.Cpu.KernelOptions.Threads);
                    try
                    {
                        Backends.Cpu.KernelOptions.Path = Backends.Cpu.VectorPath.Scalar;
                        Backends.Cpu.KernelOptions.Threads = false;
                        reference = torch.nn.functional.conv2d(x, w, padding: pad);
                    }
                    finally { Backends.Cpu.KernelOptions.Path = oldPath; Backends.Cpu.KernelOptions.Threads = oldThreads; }
                    PathHarness.ForEachPath(failures, tag =>
                        PathHarness.Close(failures, $"conv2d width {width} pad {pad} {dt} {tag}", reference, torch.nn.functional.conv2d(x, w, padding: pad)));
                }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    [Fact]
    public void PerSampleConvolutionMatchesUnbatched()
    {
        // a batch of 11 (more than the weight-gradient split of 8, not a multiple of it), with and without threads
        torch.manual_seed(3);
        var x = torch.randn(11, 3, 7, 6, dtype: torch.float64).requires_grad_(true);
        var w = torch.randn(4, 3, 3, 2, dtype: torch.float64).requires_grad_(true);
        var b = torch.randn(4, dtype: torch.float64).requires_grad_(true);
        var y = torch.nn.functional.conv2d(x, w, b, padding: 1, stride: 2);
        var gy = torch.randn(y.shape.ToArray(), dtype: torch.float64);
        var gs = torch.autograd.grad([y], [x, w], [gy]);
        var gx = gs[0]!; var gw = gs[1]!;
        for (int i = 0; i < 11; i++)
        {
            var xi = x.detach().narrow(0, i, 1).clone().requires_grad_(true);
            var yi = torch.nn.functional.conv2d(xi, w.detach(), b.detach(), padding: 1, stride: 2);
            Assert.True(torch.allclose(yi, y.detach().narrow(0, i, 1), 1e-12, 1e-12));
            var gxi = torch.autograd.grad([yi], [xi], [gy.narrow(0, i, 1)])[0]!;
            Assert.True(torch.allclose(gxi, gx.narrow(0, i, 1), 1e-12, 1e-12));
        }
        var gwRef = torch.zeros_like(w);
        for (int i = 0; i < 11; i++)
        {
            var wi = w.detach().clone().requires_grad_(true);
            var yi = torch.nn.functional.conv2d(x.detach().narrow(0, i, 1), wi, null, padding: 1, stride: 2);
            gwRef = gwRef + torch.autograd.grad([yi], [wi], [gy.narrow(0, i, 1)])[0]!;
        }
        Assert.True(torch.allclose(gw, gwRef, 1e-10, 1e-10));
    }
}

using Xunit;

namespace Flint.Tests.Performance;

/// <summary>The fast float sum/mean paths (full, trailing dims, leading dims, both around a kept block) on every forced path against a double reference.</summary>
[Collection("KernelPaths")]
public class ReductionPathTests
{
    [Fact]
    public void SumAndMeanMatchTheReferenceOnEveryPath()
    {
        var failures = new List<string>();
        var shapes = new long[][] { [0], [1], [7], [16], [33], [1000], [70001], [2100], [3, 5000], [5, 0], [0, 5], [37, 41], [3, 4, 33], [300, 257], [5, 3, 7, 9], [2, 64, 14, 14] };
        foreach (var dt in new[] { DType.Float32, DType.Float64 })
            foreach (var shape in shapes)
                foreach (var specials in new[] { false, true })
                {
                    var x = PathHarness.Make(shape, dt, 5, specials);
                    var views = new List<(string, Tensor)> { ("contig", x) };
                    if (shape.Length == 2) views.Add(("transposed", x.t()));
                    foreach (var (vname, v) in views)
                    {
                        var dims = new List<long[]?> { null };
                        for (int d = 0; d < v.dim(); d++) dims.Add([d]);
                        if (v.dim() == 3) { dims.Add([1, 2]); dims.Add([0, 1]); dims.Add([0, 2]); }
                        // a bias gradient (NCHW to C) and other reductions around a kept middle block
                        if (v.dim() == 4) { dims.Add([0, 2, 3]); dims.Add([0, 3]); dims.Add([0, 1, 3]); dims.Add([3, 0, 2]); }
                        foreach (var dim in dims)
                        {
                            var (esum, emean) = Reference(v, dim, dt);
                            double rtol = dt == DType.Float32 ? 1e-6 : 1e-12;
                            // float sums add short stretches in float (as PyTorch's cascade sum does): the error
                            // scales with the sum of magnitudes, not with a result that may cancel to near zero
                            double atolSum = 1e-9, atolMean = 1e-9;
                            if (dt == DType.Float32 && v.numel() > 0)
                            {
                                var (asum, amean) = Reference(v.abs().to(DType.Float64), dim, DType.Float64);
                                if (asum.numel() > 0)
                                {
                                    atolSum += 1e-7 * asum.nan_to_num(0, 0, 0).max().item<double>();
                                    atolMean += 1e-7 * amean.nan_to_num(0, 0, 0).max().item<double>();
                                }
                            }
                            string ctx = $"{vname} {Shape.Str(v._shape)} {dt} dim={(dim is null ? "all" : string.Join(",", dim))} specials={specials}";
                            PathHarness.ForEachPath(failures, tag =>
                            {
                                var s = dim is null ? v.sum() : v.sum(dim);
                                PathHarness.Close(failures, $"sum {ctx} {tag}", esum, s, rtol, atolSum);
                                var m = dim is null ? v.mean() : v.mean(dim);
                                PathHarness.Close(failures, $"mean {ctx} {tag}", emean, m, rtol, atolMean);
                                if (dim is not null)
                                {
                                    var sk = v.sum(dim, keepdim: true);
                                    PathHarness.Close(failures, $"sum keepdim {ctx} {tag}", esum.reshape(sk.shape.ToArray()), sk, rtol, atolSum);
                                }
                            });
                        }
                    }
                }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public void FullFloatSumDoesNotDependOnThreadingAndStaysNearTheDoubleSum()
    {
        // several blocks and float runs plus a ragged tail; the threaded run splits the blocks across the pool
        var failures = new List<string>();
        foreach (long n in new long[] { 1023, 1024, 1025, 3 * 16384 + 5000 + 7, 100_003 })
        {
            var v = PathHarness.Values(n, 11, false);
            var x = torch.tensor(v, dtype: DType.Float32);
            double exact = 0; foreach (var f in x.ToArray<float>()) exact += f;
            double scale = 0; foreach (var f in x.ToArray<float>()) scale += Math.Abs(f);
            foreach (var p in PathHarness.Paths)
            {
                var (oldPath, oldThreads) = (Backends.Cpu.KernelOptions.Path, Backends.Cpu.KernelOptions.Threads);
                try
                {
                    Backends.Cpu.KernelOptions.Path = p;
                    Backends.Cpu.KernelOptions.Threads = false;
                    float single = x.sum().item<float>();
                    Backends.Cpu.KernelOptions.Threads = true;
                    float threaded = x.sum().item<float>();
                    if (BitConverter.SingleToInt32Bits(single) != BitConverter.SingleToInt32Bits(threaded))
                        failures.Add($"n={n} [{p}]: threaded {threaded:R} != single-threaded {single:R}");
                    if (Math.Abs(single - exact) > 1e-6 * scale + 1e-5)
                        failures.Add($"n={n} [{p}]: {single:R} too far from {exact:R}");
                }
                finally { Backends.Cpu.KernelOptions.Path = oldPath; Backends.Cpu.KernelOptions.Threads = oldThreads; }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Sums in double by walking the logical index of x; dims null means all.</summary>
    private static (Tensor sum, Tensor mean) Reference(Tensor x, long[]? dims, DType dt)
    {
        var shape = x.shape.ToArray();
        var vals = x.contiguous().ToArray<double>();
        int nd = shape.Length;
        var red = new bool[nd];
        if (dims is null) for (int d = 0; d < nd; d++) red[d] = true;
        else foreach (var d in dims) red[d] = true;
        var outShape = Enumerable.Range(0, nd).Where(d => !red[d]).Select(d => shape[d]).ToArray();
        long outN = 1; foreach (var d in outShape) outN *= d;
        var sums = new double[outN]; var counts = new long[outN];
        var idx = new long[nd];
        for (long i = 0; i < vals.Length; i++)
        {
            long r = i;
            for (int d = nd - 1; d >= 0; d--) { idx[d] = r % shape[d]; r /= shape[d]; }
            long o = 0;
            for (int d = 0; d < nd; d++) if (!red[d]) o = o * shape[d] + idx[d];
            sums[o] += vals[i]; counts[o]++;
        }
        long inner = 1; for (int d = 0; d < nd; d++) if (red[d]) inner *= shape[d];
        var means = sums.Select(s => s / inner).ToArray();
        Func<double, double> cast = dt == DType.Float32 ? v => (float)v : v => v;
        return (torch.tensor(sums.Select(cast).ToArray(), dtype: dt).reshape(outShape),
                torch.tensor(means.Select(cast).ToArray(), dtype: dt).reshape(outShape));
    }
}

using Flint.Backends.Cpu;
using Xunit;

namespace Flint.Tests.Performance;

/// <summary>
/// The vectorized, threaded softmax/log_softmax (forward and the fused backward), var/std, and the slice walks
/// of every other reduction, index reduction and scan along any dim, on every forced path against the reference
/// walks (the scalar path, which PyTorch's records check): vector tails, first/middle/last dims, non-contiguous
/// inputs, NaN and ±inf (an all -inf row), zero sizes.
/// </summary>
[Collection("KernelPaths")]
public class SoftmaxReductionPathTests
{
    private static readonly long[][] Shapes =
        [[1], [7], [15], [16], [17], [1025], [3, 7], [2, 15], [16, 16], [5, 17], [3, 1025], [1025, 3], [2, 4100], [4, 7, 17], [2, 16, 15], [3, 1, 7], [2, 3, 4, 5]];

    /// <summary>The inputs of one shape: contiguous, with NaN/±inf, a row of -inf, and a non-contiguous view of the same values.</summary>
    private static IEnumerable<(string name, Tensor x)> Inputs(long[] shape, DType dt)
    {
        var plain = PathHarness.Make(shape, dt, 3, false);
        yield return ("plain", plain);
        var special = PathHarness.Make(shape, dt, 4, true);
        if (shape.Length >= 2 && shape[0] > 0 && dt.is_floating_point) special[0] = torch.full(special[0].shape.ToArray(), double.NegativeInfinity, dtype: dt);
        yield return ("specials", special);
        if (shape.Length >= 2) yield return ("transposed", plain.transpose(0, -1).contiguous().transpose(0, -1));
    }

    /// <summary>Runs <paramref name="f"/> on the scalar single-threaded reference path.</summary>
    private static Tensor Reference(Func<Tensor> f)
    {
        var (p, t) = (KernelOptions.Path, KernelOptions.Threads);
        try { KernelOptions.Path = VectorPath.Scalar; KernelOptions.Threads = false; return f(); }
        finally { KernelOptions.Path = p; KernelOptions.Threads = t; }
    }

    private static Tensor Grad(Tensor g, Tensor x, int dim, Tensor y, bool log)
    {
        using (torch.no_grad()) return Ops.Reductions.SoftmaxGrad(g, x, dim, y, log)!;
    }

    [Fact]
    public void SoftmaxForwardAndBackwardMatchTheReferenceOnEveryPath()
    {
        var failures = new List<string>();
        foreach (var dt in new[] { DType.Float32, DType.Float64 })
            foreach (var shape in Shapes)
                foreach (var (name, x) in Inputs(shape, dt))
                    for (int dim = 0; dim < shape.Length; dim++)
                        foreach (var log in new[] { false, true })
                        {
                            int d = dim;
                            var g = PathHarness.Make(shape, dt, 9, false) / 10;
                            var ey = Reference(() => log ? x.log_softmax(d) : x.softmax(d));
                            var eg = Reference(() => Grad(g, x, d, ey, log));
                            double rtol = dt == DType.Float32 ? 1e-5 : 1e-12, atol = dt == DType.Float32 ? 1e-5 : 1e-12;
                            string ctx = $"{(log ? "log_softmax" : "softmax")} {name} {Shape.Str(shape)} {dt} dim={d}";
                            PathHarness.ForEachPath(failures, tag =>
                            {
                                var y = log ? x.log_softmax(d) : x.softmax(d);
                                PathHarness.Close(failures, $"{ctx} {tag}", ey, y, rtol, atol);
                                var gx = Grad(g, x, d, ey, log);
                                PathHarness.Close(failures, $"{ctx} backward {tag}", eg, gx, rtol, atol);
                                // added into an existing gradient: the bits of that gradient + gx
                                var into = PathHarness.Make(shape, dt, 11, false);
                                var expectedSum = into + gx;
                                into.Backend.SoftmaxBackward(g, ey, d, into, log, accumulate: true);
                                PathHarness.Close(failures, $"{ctx} backward accumulated {tag}", expectedSum, into);
                                // the output gradient as a broadcast view (stride 0) and non-contiguous
                                var gb = torch.full([1], 0.25, dtype: dt).expand(shape);
                                PathHarness.Close(failures, $"{ctx} backward expanded {tag}", Reference(() => Grad(gb, x, d, ey, log)), Grad(gb, x, d, ey, log), rtol, atol);
                            });
                        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public void SoftmaxOfAnAllNegativeInfinityRowIsNaNAndZeroSizesAreEmpty()
    {
        var failures = new List<string>();
        PathHarness.ForEachPath(failures, tag =>
        {
            foreach (var n in new long[] { 1, 7, 16, 17, 1025 })
            {
                var x = torch.full([3, n], double.NegativeInfinity);
                x[1] = torch.zeros(n);
                var y = x.softmax(-1);
                if (!y[0].isnan().all().item<bool>() || !y[2].isnan().all().item<bool>()) failures.Add($"softmax -inf row n={n} {tag}: not NaN");
                if (Math.Abs(y[1].sum().item<float>() - 1) > 1e-5) failures.Add($"softmax zero row n={n} {tag}: sum != 1");
                if (!x.t().softmax(0).t()[0].isnan().all().item<bool>()) failures.Add($"softmax -inf column n={n} {tag}: not NaN");
                if (!x.log_softmax(-1)[0].isnan().all().item<bool>()) failures.Add($"log_softmax -inf row n={n} {tag}: not NaN");
            }
            foreach (var shape in new long[][] { [0], [0, 5], [5, 0], [2, 0, 3] })
                for (int d = 0; d < shape.Length; d++)
                {
                    var x = torch.zeros(shape, requires_grad: true);
                    var y = x.softmax(d);
                    y.backward(torch.ones(shape));
                    if (!y.shape.SequenceEqual(shape) || !x.grad!.shape.SequenceEqual(shape)) failures.Add($"zero-size {Shape.Str(shape)} dim={d} {tag}");
                }
        });
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public void SoftmaxBackwardRunsTheFusedKernelAndKeepsDoubleBackward()
    {
        // through autograd: the fused kernel's gradient equals the formula's, and create_graph still differentiates
        var x = PathHarness.Make([6, 33], DType.Float64, 5, false).requires_grad_();
        var g = PathHarness.Make([6, 33], DType.Float64, 6, false);
        foreach (var log in new[] { false, true })
        {
            var y = log ? x.log_softmax(1) : x.softmax(1);
            var gx = torch.autograd.grad([y], [x], [g], create_graph: true)[0]!;
            Tensor formula;
            using (torch.no_grad())
                formula = log ? g - y.exp() * g.sum(1, keepdim: true) : y * (g - (g * y).sum(1, keepdim: true));
            Assert.True(torch.allclose(gx, formula, 1e-12, 1e-12));
            Assert.NotNull(gx.grad_fn);
            var gg = torch.autograd.grad([gx.sum()], [x])[0]!;
            Assert.Equal(x.shape.ToArray(), gg.shape.ToArray());
            var y2 = log ? x.log_softmax(1) : x.softmax(1);
            y2.backward(g);
            Assert.True(torch.allclose(x.grad!, formula, 1e-12, 1e-12));
            x.grad = null;
        }
        Assert.True(torch.autograd.gradcheck(t => t[0].softmax(0), [PathHarness.Make([5, 4], DType.Float64, 7, false).requires_grad_()]));
        Assert.True(torch.autograd.gradcheck(t => t[0].log_softmax(1), [PathHarness.Make([5, 4], DType.Float64, 8, false).requires_grad_()]));
    }

    // (name, op) for the reductions over one dim that every path must compute exactly as the reference walk (sum and
    // mean have vector kernels of their own, checked in ReductionPathTests; var, std and logsumexp below)
    private static readonly (string name, Func<Tensor, long, Tensor> f, bool empty)[] DimOps =
    [
        ("prod", (x, d) => x.prod(d), true), ("nansum", (x, d) => x.nansum(d), true),
        ("amax", (x, d) => x.amax(d), false), ("amin", (x, d) => x.amin(d), false),
        ("max", (x, d) => x.max(d).values, false), ("max.indices", (x, d) => x.max(d).indices, false),
        ("min.indices", (x, d) => x.min(d).indices, false), ("argmax", (x, d) => x.argmax(d), false), ("argmin", (x, d) => x.argmin(d), false),
        ("median", (x, d) => x.median(d).values, false),
        ("norm1", (x, d) => x.norm(1, d), true), ("norm2", (x, d) => x.norm(2, d), true), ("norm3", (x, d) => x.norm(3, d), true),
        ("norminf", (x, d) => x.norm(double.PositiveInfinity, d), false),
        ("any", (x, d) => x.any(d), true), ("all", (x, d) => x.all(d), true),
        ("cumsum", (x, d) => x.cumsum(d), true), ("cumprod", (x, d) => x.cumprod(d), true),
    ];

    [Fact]
    public void ReductionsAlongAnyDimMatchTheReferenceWalkOnEveryPath()
    {
        var failures = new List<string>();
        var shapes = Shapes.Concat([[0, 5], [5, 0], [2, 0, 3]]).ToArray();
        foreach (var dt in new[] { DType.Float32, DType.Float64, DType.Int32 })
            foreach (var shape in shapes)
                foreach (var (name, x0) in Inputs(shape, dt))
                {
                    var x = dt == DType.Int32 ? x0 % 5 : x0 / 8;
                    bool empty = x.numel() == 0;
                    for (int dim = 0; dim < shape.Length; dim++)
                        foreach (var (op, f, emptyOk) in DimOps)
                        {
                            if (empty && (!emptyOk || shape[dim] == 0 && op.StartsWith("cum"))) continue;
                            if (dt == DType.Int32 && (op == "median" || op.StartsWith("norm"))) continue;
                            long d = dim;
                            var e = Reference(() => f(x, d));
                            PathHarness.ForEachPath(failures, tag => PathHarness.Close(failures, $"{op} {name} {Shape.Str(shape)} {dt} dim={d} {tag}", e, f(x, d)));
                        }
                    // adjacent dims at once, and every dim
                    if (shape.Length >= 3 && !empty)
                        foreach (var dims in new long[][] { [0, 1], [1, 2], [0, 1, 2] })
                        {
                            var e = Reference(() => x.amax(dims));
                            PathHarness.ForEachPath(failures, tag => PathHarness.Close(failures, $"amax {name} {Shape.Str(shape)} {dt} dims={string.Join(",", dims)} {tag}", e, x.amax(dims)));
                        }
                }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public void VarAndStdMatchTheReferenceOnEveryPath()
    {
        var failures = new List<string>();
        foreach (var dt in new[] { DType.Float32, DType.Float64 })
            foreach (var shape in Shapes.Concat([[0, 5], [5, 0]]))
                foreach (var (name, x) in Inputs(shape, dt))
                {
                    var dimsList = new List<long[]?> { null };
                    for (int d = 0; d < shape.Length; d++) dimsList.Add([d]);
                    if (shape.Length >= 3) { dimsList.Add([0, 1]); dimsList.Add([1, 2]); }
                    foreach (var dims in dimsList)
                        foreach (var c in new double[] { 0, 1, 2 })
                        {
                            var ev = Reference(() => x.var(dims, correction: c));
                            var es = Reference(() => x.std(dims, correction: c, keepdim: true));
                            double rtol = dt == DType.Float32 ? 1e-5 : 1e-12;
                            string ctx = $"{name} {Shape.Str(shape)} {dt} dims={(dims is null ? "all" : string.Join(",", dims))} correction={c}";
                            PathHarness.ForEachPath(failures, tag =>
                            {
                                PathHarness.Close(failures, $"var {ctx} {tag}", ev, x.var(dims, correction: c), rtol, 1e-12);
                                PathHarness.Close(failures, $"std {ctx} {tag}", es, x.std(dims, correction: c, keepdim: true), rtol, 1e-12);
                            });
                        }
                }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public void LogSumExpMatchesTheReferenceOnEveryPath()
    {
        var failures = new List<string>();
        foreach (var dt in new[] { DType.Float32, DType.Float64 })
            foreach (var shape in Shapes.Concat([[0, 5], [5, 0]]))
                foreach (var (name, x) in Inputs(shape, dt))
                {
                    var dimsList = new List<long[]> { Enumerable.Range(0, shape.Length).Select(d => (long)d).ToArray() };
                    for (int d = 0; d < shape.Length; d++) dimsList.Add([d]);
                    if (shape.Length >= 3) { dimsList.Add([0, 1]); dimsList.Add([1, 2]); }
                    foreach (var dims in dimsList)
                    {
                        var e = Reference(() => x.logsumexp(dims));
                        double rtol = dt == DType.Float32 ? 1e-6 : 1e-13;
                        string ctx = $"logsumexp {name} {Shape.Str(shape)} {dt} dims={string.Join(",", dims)}";
                        PathHarness.ForEachPath(failures, tag => PathHarness.Close(failures, $"{ctx} {tag}", e, x.logsumexp(dims), rtol, 1e-6));
                    }
                }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public void FloatVarIsStableFarFromZero()
    {
        // a mean of 1e4 with unit spread: E[x²] - E[x]² in float would lose every digit of the variance
        var failures = new List<string>();
        var noise = PathHarness.Make([64, 1025], DType.Float64, 12, false) / 5.8;
        var x = (noise + 1e4).to(DType.Float32);
        var xd = x.to(DType.Float64);
        foreach (var dim in new long[] { 0, 1 })
        {
            var exact = xd.var(dim).to(DType.Float32);
            PathHarness.ForEachPath(failures, tag => PathHarness.Close(failures, $"var dim={dim} {tag}", exact, x.var(dim), 1e-5));
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }
}

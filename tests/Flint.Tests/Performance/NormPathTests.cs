using Flint.Backends.Cpu;
using Xunit;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Performance;

/// <summary>
/// The vectorized, threaded normalization kernels (layer, rms, group, batch and instance norm, forward and backward) on
/// every forced path against the scalar reference kernels (the Scalar path, one thread): row lengths around the
/// vector widths and the statistics blocks, NaN and infinite rows, empty inputs, and inputs far from zero compared
/// with a float64 reference.
/// </summary>
[Collection("KernelPaths")]
public class NormPathTests
{
    /// <summary>A case: builds its inputs afresh, runs the op forward and backward, returns what to compare.</summary>
    private delegate Tensor[] NormCase(DType dt);

    private static Tensor Input(long[] shape, DType dt, int seed, bool specials, bool grad = true)
    {
        var t = PathHarness.Make(shape, dt, seed, specials);
        return grad ? t.requires_grad_() : t;
    }

    /// <summary>
    /// The output and the leaves' gradients after one backward; a second backward then adds into those .grad
    /// (in place, through the kernels that accumulate into an existing gradient), which must give exactly twice them.
    /// </summary>
    private static Tensor[] Outputs(Tensor y, int seed, params Tensor?[] leaves)
    {
        var g = PathHarness.Make(y.shape.ToArray(), y.dtype, seed + 100, false);
        y.backward(g, retain_graph: true);
        var outs = new List<Tensor> { y.detach() };
        var first = new List<Tensor?>();
        foreach (var t in leaves) if (t is not null) { outs.Add(t.grad ?? t.detach()); first.Add(t.grad?.clone()); }
        y.backward(g);
        int k = 0;
        foreach (var t in leaves)
        {
            if (t is null) continue;
            if (first[k++] is { } f)
            {
                var twice = f + f;
                var same = (twice == t.grad!) | (twice.isnan() & t.grad!.isnan());
                if (!same.all().item<bool>()) throw new InvalidOperationException($"a second backward's gradient is not twice the first for leaf {k - 1}");
            }
        }
        return [.. outs];
    }

    private static Tensor[] Reference(NormCase f, DType dt)
    {
        var (oldPath, oldThreads) = (KernelOptions.Path, KernelOptions.Threads);
        try { KernelOptions.Path = VectorPath.Scalar; KernelOptions.Threads = false; return f(dt); }
        finally { KernelOptions.Path = oldPath; KernelOptions.Threads = oldThreads; }
    }

    /// <summary>Compares within rtol plus an atol scaled by the largest finite expected magnitude.</summary>
    private static void Close(List<string> failures, string ctx, Tensor expected, Tensor actual, double tol)
    {
        double scale = 1;
        if (expected.numel() > 0)
        {
            var e = expected.detach().to(DType.Float64);
            scale = Math.Max(1, e.nan_to_num(0, 0, 0).abs().max().item<double>());
        }
        PathHarness.Close(failures, ctx, expected.detach(), actual.detach(), tol, tol * scale);
    }

    private static void CheckAllPaths(List<string> failures, string name, NormCase f, DType[]? dtypes = null)
    {
        foreach (var dt in dtypes ?? [DType.Float32, DType.Float64])
        {
            var expected = Reference(f, dt);
            double tol = dt == DType.Float32 ? 2e-5 : 1e-11;
            PathHarness.ForEachPath(failures, tag =>
            {
                var actual = f(dt);
                for (int i = 0; i < expected.Length; i++) Close(failures, $"{name} {dt} output {i} {tag}", expected[i], actual[i], tol);
            });
        }
    }

    private static readonly long[] RowLengths = [1, 7, 15, 16, 17, 63, 1025, 4100];

    [Fact]
    public void LayerNormMatchesTheReferenceOnEveryPath()
    {
        var failures = new List<string>();
        foreach (long cols in RowLengths)
            foreach (long rows in new long[] { 1, 3, 40 })
                foreach (var affine in new[] { 0, 1, 2 })
                    foreach (var specials in new[] { false, true })
                    {
                        if (cols == 4100 && rows == 40) continue;
                        CheckAllPaths(failures, $"layer_norm [{rows}, {cols}] affine={affine} specials={specials}", dt =>
                        {
                            var x = Input([rows, cols], dt, 1, specials && cols > 4);
                            var w = affine >= 1 ? Input([cols], dt, 2, false) : null;
                            var b = affine == 2 ? Input([cols], dt, 3, false) : null;
                            return Outputs(F.layer_norm(x, [cols], w, b), 4, x, w, b);
                        });
                    }
        // normalized over the last two dims of a 3-D input
        CheckAllPaths(failures, "layer_norm [3, 5, 13] over [5, 13]", dt =>
        {
            var x = Input([3, 5, 13], dt, 5, false);
            var w = Input([5, 13], dt, 6, false); var b = Input([5, 13], dt, 7, false);
            return Outputs(F.layer_norm(x, [5, 13], w, b, 1e-3), 8, x, w, b);
        });
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public void RmsNormMatchesTheReferenceOnEveryPath()
    {
        var failures = new List<string>();
        foreach (long cols in RowLengths)
            foreach (long rows in new long[] { 1, 3, 40 })
                foreach (var affine in new[] { false, true })
                    foreach (var specials in new[] { false, true })
                    {
                        if (cols == 4100 && rows == 40) continue;
                        // a row of one element: gx = g·w·eps / (x² + eps)^1.5 is two nearly equal terms cancelling,
                        // which float32 cannot resolve against a double reference; float64 checks it
                        CheckAllPaths(failures, $"rms_norm [{rows}, {cols}] affine={affine} specials={specials}", dt =>
                        {
                            var x = Input([rows, cols], dt, 71, specials && cols > 4);
                            var w = affine ? Input([cols], dt, 72, false) : null;
                            return Outputs(F.rms_norm(x, [cols], w), 73, x, w);
                        }, cols == 1 ? [DType.Float64] : null);
                    }
        // normalized over the last two dims of a 3-D input, an explicit eps, and a strided (transposed) input
        CheckAllPaths(failures, "rms_norm [3, 5, 13] over [5, 13]", dt =>
        {
            var x = Input([3, 5, 13], dt, 74, false); var w = Input([5, 13], dt, 75, false);
            return Outputs(F.rms_norm(x, [5, 13], w, 1e-3), 76, x, w);
        });
        CheckAllPaths(failures, "rms_norm transposed [33, 19]", dt =>
        {
            var x = Input([19, 33], dt, 77, false); var w = Input([19], dt, 78, false);
            return Outputs(F.rms_norm(x.transpose(0, 1), [19], w), 79, x, w);
        });
        CheckAllPaths(failures, "rms_norm [0, 16]", dt =>
        {
            var x = Input([0, 16], dt, 80, false); var w = Input([16], dt, 81, false);
            return Outputs(F.rms_norm(x, [16], w), 82, x, w);
        });
        CheckAllPaths(failures, "rms_norm [3, 0]", dt =>
        {
            var x = Input([3, 0], dt, 83, false);
            return Outputs(F.rms_norm(x, [0]), 84, x);
        });
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    /// <summary>The fused rms_norm's values and gradients against the op-by-op formula (PyTorch's composite) in float64.</summary>
    [Fact]
    public void RmsNormMatchesItsCompositeFormula()
    {
        foreach (var (shape, ns) in new (long[], long[])[] { ([4, 37], [37]), ([2, 3, 1029], [1029]), ([2, 5, 17], [5, 17]) })
            foreach (var affine in new[] { false, true })
            {
                var x = PathHarness.Make(shape, DType.Float64, 91, false).requires_grad_();
                var w = affine ? PathHarness.Make(ns, DType.Float64, 92, false).requires_grad_() : null;
                var g = PathHarness.Make(shape, DType.Float64, 93, false);
                var dims = Enumerable.Range(shape.Length - ns.Length, ns.Length).Select(i => (long)i).ToArray();
                var x2 = x.detach().requires_grad_(); var w2 = w?.detach().requires_grad_();
                var c = x2 * torch.rsqrt(x2.pow(2).mean(dims, keepdim: true) + 1e-6);
                if (w2 is not null) c = c * w2;
                c.backward(g);
                var y = F.rms_norm(x, ns, w, 1e-6);
                Assert.Equal("MulBackward0", y.grad_fn?.name());
                y.backward(g);
                string ctx = $"{Shape.Str(shape)} over {Shape.Str(ns)} affine={affine}";
                var failures = new List<string>();
                PathHarness.Close(failures, ctx + " out", c.detach(), y.detach(), 1e-12, 1e-12);
                PathHarness.Close(failures, ctx + " grad x", x2.grad!, x.grad!, 1e-10, 1e-10);
                if (w is not null) PathHarness.Close(failures, ctx + " grad w", w2!.grad!, w.grad!, 1e-10, 1e-10);
                Assert.True(failures.Count == 0, string.Join("\n", failures));
            }
    }

    /// <summary>The backward of the fused rms_norm is itself differentiable (its formula runs under create_graph).</summary>
    [Fact]
    public void RmsNormPassesGradgradcheck()
    {
        var x = PathHarness.Make([3, 6], DType.Float64, 94, false).div(5).requires_grad_();
        var w = PathHarness.Make([6], DType.Float64, 95, false).div(5).requires_grad_();
        Assert.True(torch.autograd.gradgradcheck(a => F.rms_norm(a[0], [6], a[1], 1e-3), [x, w]));
        Assert.True(torch.autograd.gradgradcheck(a => F.rms_norm(a[0], [2, 3], eps: 1e-3), [x.reshape(3, 2, 3).detach().requires_grad_()]));
    }

    [Fact]
    public void GroupNormMatchesTheReferenceOnEveryPath()
    {
        var failures = new List<string>();
        var cases = new (long[] shape, long groups)[]
        {
            ([2, 6, 7], 3), ([3, 4], 2), ([2, 8, 17], 4), ([1, 4, 1025], 1), ([2, 6, 5, 3], 2), ([2, 4, 16], 4), ([1, 2, 63, 65], 2),
        };
        foreach (var (shape, groups) in cases)
            foreach (var affine in new[] { false, true })
                foreach (var specials in new[] { false, true })
                    CheckAllPaths(failures, $"group_norm {Shape.Str(shape)} groups={groups} affine={affine} specials={specials}", dt =>
                    {
                        var x = Input(shape, dt, 11, specials);
                        var w = affine ? Input([shape[1]], dt, 12, false) : null;
                        var b = affine ? Input([shape[1]], dt, 13, false) : null;
                        return Outputs(F.group_norm(x, groups, w, b), 14, x, w, b);
                    });
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public void BatchNormMatchesTheReferenceOnEveryPathInTrainAndEval()
    {
        var failures = new List<string>();
        var shapes = new long[][] { [7, 5], [4, 3, 17], [2, 16, 63], [3, 2, 1025], [5, 4, 3, 5], [2, 3, 16, 16], [1, 3, 4100] };
        foreach (var shape in shapes)
            foreach (var training in new[] { true, false })
                foreach (var affine in new[] { false, true })
                    foreach (var specials in new[] { false, true })
                        CheckAllPaths(failures, $"batch_norm {Shape.Str(shape)} training={training} affine={affine} specials={specials}", dt =>
                        {
                            long c = shape[1];
                            var x = Input(shape, dt, 21, specials);
                            var w = affine ? Input([c], dt, 22, false) : null;
                            var b = affine ? Input([c], dt, 23, false) : null;
                            var rm = Input([c], dt, 24, false, grad: false);
                            var rv = Input([c], dt, 25, false, grad: false).abs().add(0.5);
                            var y = F.batch_norm(x, rm, rv, w, b, training, 0.1, 1e-5);
                            return [.. Outputs(y, 26, x, w, b), rm, rv];
                        });
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public void InstanceNormMatchesTheReferenceOnEveryPath()
    {
        var failures = new List<string>();
        foreach (var shape in new long[][] { [2, 3, 17], [1, 4, 7, 9], [3, 2, 1025] })
            foreach (var affine in new[] { false, true })
                CheckAllPaths(failures, $"instance_norm {Shape.Str(shape)} affine={affine}", dt =>
                {
                    long c = shape[1];
                    var x = Input(shape, dt, 31, false);
                    var w = affine ? Input([c], dt, 32, false) : null;
                    var b = affine ? Input([c], dt, 33, false) : null;
                    var rm = torch.zeros(c, dtype: dt); var rv = torch.ones(c, dtype: dt);
                    return [.. Outputs(F.instance_norm(x, rm, rv, w, b), 34, x, w, b), rm, rv];
                });
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public void EmptyInputsTakeEveryPathWithoutFailing()
    {
        var failures = new List<string>();
        CheckAllPaths(failures, "layer_norm [0, 16]", dt =>
        {
            var x = Input([0, 16], dt, 41, false); var w = Input([16], dt, 42, false); var b = Input([16], dt, 43, false);
            return Outputs(F.layer_norm(x, [16], w, b), 44, x, w, b);
        });
        CheckAllPaths(failures, "layer_norm [3, 0]", dt =>
        {
            var x = Input([3, 0], dt, 45, false);
            return Outputs(F.layer_norm(x, [0]), 46, x);
        });
        CheckAllPaths(failures, "group_norm [0, 4, 3]", dt =>
        {
            var x = Input([0, 4, 3], dt, 47, false); var w = Input([4], dt, 48, false); var b = Input([4], dt, 49, false);
            return Outputs(F.group_norm(x, 2, w, b), 50, x, w, b);
        });
        CheckAllPaths(failures, "batch_norm [0, 3, 5]", dt =>
        {
            var x = Input([0, 3, 5], dt, 51, false);
            return Outputs(F.batch_norm(x, torch.zeros(3, dtype: dt), torch.ones(3, dtype: dt), training: true), 52, x);
        });
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    /// <summary>Values 1e4 plus noise of about one: float32 on every path against the float64 reference (no cancellation).</summary>
    [Fact]
    public void InputsFarFromZeroKeepFloat32PrecisionOnEveryPath()
    {
        var failures = new List<string>();
        var rng = new Random(61);
        Tensor Offset(long[] shape)
        {
            long n = 1; foreach (var d in shape) n *= d;
            var v = new double[n];
            for (long i = 0; i < n; i++) v[i] = 1e4 + (rng.NextDouble() * 2 - 1);
            return torch.tensor(v, dtype: DType.Float32).reshape(shape);
        }
        var cases = new (string name, long[] shape, Func<Tensor, Tensor> op)[]
        {
            ("layer_norm", [6, 4100], x => F.layer_norm(x, [4100])),
            ("layer_norm", [8, 1025], x => F.layer_norm(x, [1025])),
            ("group_norm", [2, 4, 1025], x => F.group_norm(x, 2)),
            ("batch_norm", [4, 3, 2049], x => F.batch_norm(x, null, null, training: true)),
            ("instance_norm", [2, 3, 1025], x => F.instance_norm(x)),
        };
        foreach (var (name, shape, op) in cases)
        {
            var x32 = Offset(shape);
            var g32 = PathHarness.Make(shape, DType.Float32, 62, false);
            Tensor[] Run(Tensor x0, Tensor g)
            {
                var x = x0.clone().requires_grad_();
                var y = op(x);
                y.backward(g);
                return [y.detach(), x.grad!];
            }
            var expected = Reference(_ => Run(x32.to(DType.Float64), g32.to(DType.Float64)), DType.Float64);
            PathHarness.ForEachPath(failures, tag =>
            {
                var actual = Run(x32, g32);
                for (int i = 0; i < 2; i++)
                    Close(failures, $"{name} {Shape.Str(shape)} output {i} {tag}", expected[i].to(DType.Float32), actual[i], 2e-4);
            });
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }
}

using Flint.Backends.Cpu;
using Xunit;

namespace Flint.Tests.Performance;

/// <summary>
/// The tiled walks for transposed operands (elementwise, copy/cast, predicates), the vectorized softmax and
/// log_softmax, and the vector erf/erfc/GELU, on every forced path against per-element references.
/// </summary>
[Collection("KernelPaths")]
public class TiledSoftmaxPathTests
{
    // (name, make a view of the given dtype); every view is [rows, cols] and at least one runs across memory
    private static IEnumerable<(string name, Func<DType, Tensor> make)> Views()
    {
        foreach (var (r, c) in new (long, long)[] { (1, 5), (3, 2), (31, 33), (70, 45), (64, 32), (33, 100) })
        {
            yield return ($"t[{r}x{c}]", dt => PathHarness.Make([c, r], dt, 5, true).t());
            yield return ($"t3d[2x{r}x{c}]", dt => PathHarness.Make([2, c, r], dt, 6, true).transpose(1, 2));
        }
        yield return ("t-stepped[40x37]", dt => PathHarness.Make([74, 40], dt, 7, true).t()[.., ..(37 * 2)].as_strided([40, 37], [1, 80], 0));
        yield return ("zero[0x40]", dt => PathHarness.Make([40, 0], dt, 8, true).t());
    }

    /// <summary>A fresh tensor of <paramref name="shape"/> whose last two dims are stored transposed.</summary>
    private static Tensor TransposedEmpty(long[] shape, DType dt)
    {
        var s = (long[])shape.Clone();
        (s[^1], s[^2]) = (s[^2], s[^1]);
        return torch.empty(s, dtype: dt).transpose(-1, -2);
    }

    [Fact]
    public void TransposedOperandsTakeTheTiledWalk()
    {
        var failures = new List<string>();
        foreach (var dt in new[] { DType.Float32, DType.Float64, DType.Int32 })
            foreach (var (name, make) in Views())
            {
                var x = make(dt);
                var shape = x.shape.ToArray();
                var xs = x.contiguous();
                var xv = xs.ToArray<double>();
                var other = PathHarness.Make(shape, dt, 9, true);
                var ov = other.ToArray<double>();
                Tensor Ref(Func<double, double, double> f) =>
                    torch.tensor(xv.Select((v, i) => dt == DType.Float32 ? (float)f(v, ov[i]) : dt == DType.Int32 ? (int)f(v, ov[i]) : f(v, ov[i])).ToArray(), dtype: dt).reshape(shape);
                var sum = Ref((p, q) => p + q); var prod = Ref((p, q) => p * q);
                PathHarness.ForEachPath(failures, tag =>
                {
                    string ctx = $"{name} {dt} {tag}";
                    PathHarness.Close(failures, "add " + ctx, sum, x + other);
                    PathHarness.Close(failures, "add-rev " + ctx, sum, other + x);
                    PathHarness.Close(failures, "mul-both " + ctx, Ref((p, q) => p * p), x * x);
                    PathHarness.Close(failures, "copy " + ctx, xs, x.contiguous());
                    PathHarness.Close(failures, "clone " + ctx, xs, x.clone());
                    PathHarness.Close(failures, "cast " + ctx, xs.to(DType.Float64), x.to(DType.Float64));
                    PathHarness.Close(failures, "gt " + ctx, xs.gt(0), x.gt(0));
                    PathHarness.Close(failures, "where " + ctx, torch.where(xs.gt(0), xs, other), torch.where(x.gt(0), x, other));
                    // in place into a transposed output, and into a contiguous one from a transposed input
                    var tt = TransposedEmpty(shape, dt); tt.copy_(xs);
                    tt.mul_(other);
                    PathHarness.Close(failures, "mul_-into-transposed " + ctx, prod, tt);
                    var cc = other.clone(); cc.add_(x);
                    PathHarness.Close(failures, "add_-from-transposed " + ctx, sum, cc);
                    var dst = TransposedEmpty(shape, dt);
                    dst.copy_(xs);
                    PathHarness.Close(failures, "copy_-into-transposed " + ctx, xs, dst);
                    if (dt.is_floating_point)
                    {
                        double rtol = dt == DType.Float32 ? 2e-6 : 1e-14;
                        PathHarness.Close(failures, "exp " + ctx, xs.exp(), x.exp(), rtol);
                        PathHarness.Close(failures, "clamp " + ctx, xs.clamp(-1, 2), x.clamp(-1, 2));
                        var f = TransposedEmpty(shape, dt);
                        torch.neg(x, @out: f);
                        PathHarness.Close(failures, "neg-out-transposed " + ctx, xs.neg(), f);
                    }
                });
            }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public void OverlappingInPlaceIsRefusedOnEveryPathAndLeavesTheTensorAlone()
    {
        // an input that is a transposed view of the output would be read after it is written: PyTorch refuses it
        var failures = new List<string>();
        var baseline = torch.arange(0, 36, dtype: DType.Float32).reshape(6, 6);
        PathHarness.ForEachPath(failures, tag =>
        {
            var t = baseline.clone();
            var ex = Record.Exception(() => t.add_(t.t()));
            if (ex is not ArgumentException || !ex.Message.StartsWith("unsupported operation: some elements of the input tensor"))
                failures.Add($"x.add_(x.t()) {tag}: {ex?.GetType().Name ?? "no exception"} {ex?.Message}");
            PathHarness.Close(failures, $"x after the refused x.add_(x.t()) {tag}", baseline, t);
        });
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    private static double[] SoftmaxRef(double[] row, bool log)
    {
        double max = double.NegativeInfinity;
        foreach (var v in row) max = double.IsNaN(v) || double.IsNaN(max) ? double.NaN : Math.Max(max, v);
        double sum = 0;
        foreach (var v in row) sum += Math.Exp(v - max);
        return row.Select(v => log ? v - max - Math.Log(sum) : Math.Exp(v - max) / sum).ToArray();
    }

    [Fact]
    public void SoftmaxMatchesTheReferenceOnEveryPath()
    {
        var failures = new List<string>();
        var shapes = new long[][] { [1], [7], [3, 17], [4, 33], [2, 3, 70], [5, 1], [6, 40, 3], [0, 4] };
        foreach (var dt in new[] { DType.Float32, DType.Float64 })
            foreach (var shape in shapes)
                for (int dim = 0; dim < shape.Length; dim++)
                    foreach (bool specials in new[] { false, true })
                    {
                        var x = PathHarness.Make(shape, dt, 11 + dim, specials);
                        // reference: move dim last, softmax each row in double, move back
                        var moved = x.movedim(dim, -1).contiguous();
                        long len = shape[dim];
                        var mv = moved.ToArray<double>();
                        var outRef = new double[mv.Length];
                        var outLog = new double[mv.Length];
                        for (long o = 0; len > 0 && o < mv.Length / len; o++)
                        {
                            var row = mv.AsSpan((int)(o * len), (int)len).ToArray();
                            SoftmaxRef(row, false).CopyTo(outRef, o * len);
                            SoftmaxRef(row, true).CopyTo(outLog, o * len);
                        }
                        Tensor Back(double[] v) => torch.tensor(v.Select(e => dt == DType.Float32 ? (float)e : e).ToArray(), dtype: dt)
                            .reshape(moved.shape.ToArray()).movedim(-1, dim);
                        var es = Back(outRef); var el = Back(outLog);
                        double rtol = dt == DType.Float32 ? 1e-5 : 1e-12, atol = dt == DType.Float32 ? 1e-6 : 1e-14;
                        PathHarness.ForEachPath(failures, tag =>
                        {
                            string ctx = $"[{string.Join(",", shape)}] dim {dim} {dt} specials={specials} {tag}";
                            PathHarness.Close(failures, "softmax " + ctx, es, torch.softmax(x, dim), rtol, atol);
                            PathHarness.Close(failures, "log_softmax " + ctx, el, torch.log_softmax(x, dim), rtol, atol);
                            if (shape.Length == 2)
                                PathHarness.Close(failures, "softmax(transposed) " + ctx, es.t(), torch.softmax(x.t(), 1 - dim), rtol, atol);
                        });
                    }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public void VectorErfAndGeluStayWithinFloatTolerance()
    {
        var failures = new List<string>();
        var vals = new List<double> { 0, -0.0, 1e-30, -1e-30, 1e-8, 0.4999, 0.5, -0.5, 3, -3, 5.5, -5.5, 9, -9, 12, -12, 40, -40,
            double.NaN, double.PositiveInfinity, double.NegativeInfinity, 3e38, -3e38 };
        for (int i = 0; i <= 4000; i++) vals.Add(-10 + i * 0.005);
        foreach (int n in new[] { 1, 3, 7, 8, 15, 16, 17, 33, vals.Count })
        {
            var x = torch.tensor(vals.Take(n).ToArray(), dtype: DType.Float32);
            var x64 = x.to(DType.Float64);
            var cases = new (string, Func<Tensor, Tensor>)[]
            {
                ("gelu", t => torch.nn.functional.gelu(t)), ("gelu_tanh", t => torch.nn.functional.gelu(t, "tanh")),
                ("erf", t => t.erf()), ("erfc", t => t.erfc()),
            };
            foreach (var (name, f) in cases)
            {
                var expected = f(x64).to(DType.Float32);
                PathHarness.ForEachPath(failures, tag =>
                {
                    PathHarness.Close(failures, $"{name} n={n} {tag}", expected, f(x), 1.3e-6, 1e-5);
                    PathHarness.Close(failures, $"{name} strided n={n} {tag}", expected[..n], f(torch.stack([x, x], 1)[.., 0]), 1.3e-6, 1e-5);
                });
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }
}

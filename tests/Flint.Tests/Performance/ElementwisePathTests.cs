using Flint.Backends.Cpu;
using Xunit;

namespace Flint.Tests.Performance;

/// <summary>
/// Every elementwise fast path (flat, broadcast-scalar, row-broadcast, strided rows; Vector512/Vector256/scalar;
/// single-threaded and split across the pool) against a per-element reference computed here in double.
/// </summary>
[Collection("KernelPaths")]
public class ElementwisePathTests
{
    // operand makers: (name, output shape, make a, make b); views are built from larger bases
    private static IEnumerable<(string name, long[] shape, Func<DType, Tensor> a, Func<DType, Tensor> b)> Cases()
    {
        foreach (var n in new long[] { 0, 1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 100, 1000 })
            yield return ($"flat[{n}]", [n], dt => PathHarness.Make([n], dt, 1, true), dt => PathHarness.Make([n], dt, 2, true));
        yield return ("zero-dim-mid", [7, 0, 3], dt => PathHarness.Make([7, 0, 3], dt, 1, true), dt => PathHarness.Make([7, 0, 3], dt, 2, true));
        yield return ("2d", [37, 41], dt => PathHarness.Make([37, 41], dt, 1, true), dt => PathHarness.Make([37, 41], dt, 2, true));
        yield return ("scalar-b", [37, 41], dt => PathHarness.Make([37, 41], dt, 1, true), dt => PathHarness.Make([], dt, 2, false));
        yield return ("scalar-a", [5, 19], dt => PathHarness.Make([1, 1], dt, 3, false), dt => PathHarness.Make([5, 19], dt, 2, true));
        yield return ("row-broadcast", [37, 41], dt => PathHarness.Make([37, 41], dt, 1, true), dt => PathHarness.Make([41], dt, 2, true));
        yield return ("col-broadcast", [37, 41], dt => PathHarness.Make([37, 41], dt, 1, true), dt => PathHarness.Make([37, 1], dt, 2, true));
        yield return ("transposed-b", [37, 41], dt => PathHarness.Make([37, 41], dt, 1, true), dt => PathHarness.Make([41, 37], dt, 2, true).t());
        yield return ("both-transposed", [29, 18], dt => PathHarness.Make([18, 29], dt, 1, true).t(), dt => PathHarness.Make([18, 29], dt, 2, true).t());
        yield return ("strided", [9, 20], dt => PathHarness.Make([9, 40], dt, 1, true).as_strided([9, 20], [40, 2], 1), dt => PathHarness.Make([9, 20], dt, 2, true));
        yield return ("narrowed-3d", [4, 5, 33], dt => PathHarness.Make([4, 7, 33], dt, 1, true).narrow(1, 1, 5), dt => PathHarness.Make([5, 33], dt, 2, true));
        yield return ("big-flat", [70001], dt => PathHarness.Make([70001], dt, 1, true), dt => PathHarness.Make([70001], dt, 2, true));
        // long runs take the aligned, unrolled loop; a view shifted by one element starts unaligned
        yield return ("big-offset", [5003], dt => PathHarness.Make([5004], dt, 1, true).narrow(0, 1, 5003), dt => PathHarness.Make([5004], dt, 2, true).narrow(0, 1, 5003));
        // runs of 64Ki elements and more go through TensorPrimitives (also from an unaligned start)
        yield return ("long-offset", [70001], dt => PathHarness.Make([70002], dt, 1, true).narrow(0, 1, 70001), dt => PathHarness.Make([70001], dt, 2, true));
        yield return ("big-broadcast", [300, 257], dt => PathHarness.Make([300, 257], dt, 1, true), dt => PathHarness.Make([257], dt, 2, true));
    }

    private static readonly (string name, Func<Tensor, Tensor, Tensor> op, Func<double, double, double> reference, bool floatOnly)[] Ops =
    [
        ("add", (a, b) => a + b, (x, y) => x + y, false),
        ("sub", (a, b) => a - b, (x, y) => x - y, false),
        ("mul", (a, b) => a * b, (x, y) => x * y, false),
        ("div", (a, b) => a / b, (x, y) => x / y, true),
        ("maximum", (a, b) => torch.maximum(a, b), (x, y) => double.IsNaN(x) || double.IsNaN(y) ? double.NaN : Math.Max(x, y), false),
    ];

    private static Tensor Expected(Tensor a, Tensor b, long[] shape, DType dt, Func<double, double, double> f)
    {
        var av = a.expand(shape).ToArray<double>(); var bv = b.expand(shape).ToArray<double>();
        var r = new double[av.Length];
        for (int i = 0; i < r.Length; i++)
        {
            double v = f(av[i], bv[i]);
            r[i] = dt == DType.Float32 ? (float)v : v;
        }
        return torch.tensor(r, dtype: dt).reshape(shape);
    }

    [Fact]
    public void BinaryOpsMatchTheReferenceOnEveryPath()
    {
        var failures = new List<string>();
        foreach (var dt in new[] { DType.Float32, DType.Float64, DType.Int64, DType.Int32, DType.Int16 })
            foreach (var (cname, shape, ma, mb) in Cases())
            {
                var a = ma(dt); var b = mb(dt);
                foreach (var (oname, op, reference, floatOnly) in Ops)
                {
                    if (floatOnly && !dt.is_floating_point) continue;
                    var expected = Expected(a, b, shape, dt, reference);
                    PathHarness.ForEachPath(failures, tag =>
                    {
                        PathHarness.Close(failures, $"{oname} {cname} {dt} {tag}", expected, op(a, b));
                        // in place into a contiguous copy of a broadcast-free target
                        if (a.shape.Equals(expected.shape))
                        {
                            var t = a.clone();
                            var r = oname switch { "add" => t.add_(b), "sub" => t.sub_(b), "mul" => t.mul_(b), "div" => t.div_(b), _ => null };
                            if (r is not null) PathHarness.Close(failures, $"{oname}_ {cname} {dt} {tag}", expected, t);
                        }
                    });
                }
            }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public void UnaryOpsMatchTheReferenceOnEveryPath()
    {
        var failures = new List<string>();
        foreach (var dt in new[] { DType.Float32, DType.Float64 })
            foreach (var (cname, _, ma, _) in Cases())
            {
                var x = ma(dt);
                var shape = x.shape.ToArray();
                var xs = x.contiguous().ToArray<double>();
                var exp = torch.tensor(xs.Select(v => dt == DType.Float32 ? (float)Math.Exp(v) : Math.Exp(v)).ToArray(), dtype: dt).reshape(shape);
                var neg = torch.tensor(xs.Select(v => -v).ToArray(), dtype: dt).reshape(shape);
                double rtol = dt == DType.Float32 ? 2e-6 : 1e-14;
                PathHarness.ForEachPath(failures, tag =>
                {
                    PathHarness.Close(failures, $"exp {cname} {dt} {tag}", exp, x.exp(), rtol);
                    PathHarness.Close(failures, $"neg {cname} {dt} {tag}", neg, x.neg(), rtol);
                    var t = x.clone(); t.exp_();
                    PathHarness.Close(failures, $"exp_ {cname} {dt} {tag}", exp, t, rtol);
                });
            }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public void MixedDtypesAndScalarsStillPromote()
    {
        var failures = new List<string>();
        PathHarness.ForEachPath(failures, tag =>
        {
            var i = torch.tensor(new long[] { 1, 2, 3 });
            var f = torch.tensor(new float[] { 0.5f, 1.5f, 2.5f });
            PathHarness.Close(failures, $"int+float {tag}", torch.tensor(new float[] { 1.5f, 3.5f, 5.5f }), i + f);
            PathHarness.Close(failures, $"int+2.5 {tag}", torch.tensor(new float[] { 3.5f, 4.5f, 5.5f }), i + 2.5);
            PathHarness.Close(failures, $"float*2 {tag}", torch.tensor(new float[] { 1f, 3f, 5f }), f * 2);
        });
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void InPlaceOnAGradLeafStillThrows()
    {
        var x = torch.ones(3, requires_grad: true);
        var ex = Assert.Throws<InvalidOperationException>(() => x.add_(torch.ones(3)));
        Assert.Contains("leaf Variable that requires grad", ex.Message);
    }

    [Fact]
    public void WorkerPoolCoversEveryIndexOnceAndPropagatesErrors()
    {
        foreach (var (n, grain, cpt) in new (long, long, int)[] { (1, 1, 1), (10, 1, 1), (10, 3, 4), (1000, 7, 4), (100000, 32768, 1), (5, 100, 1) })
        {
            var hits = new int[n];
            WorkerPool.For(n, grain, (b, e) => { for (long i = b; i < e; i++) Interlocked.Increment(ref hits[i]); }, cpt);
            Assert.All(hits, h => Assert.Equal(1, h));
        }
        var err = Assert.Throws<InvalidOperationException>(() =>
            WorkerPool.For(100, 1, (b, e) => { if (b <= 50 && 50 < e) throw new InvalidOperationException("boom"); }));
        Assert.Equal("boom", err.Message);
    }

    [Fact]
    public void SetNumThreadsIsHonoured()
    {
        int old = torch.get_num_threads();
        try
        {
            torch.set_num_threads(1);
            var seen = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>();
            WorkerPool.For(1000, 1, (b, e) => seen[Environment.CurrentManagedThreadId] = true);
            Assert.Single(seen);
        }
        finally { torch.set_num_threads(old); }
    }
}

using Flint;
using Flint.Backends.Cpu;
using Flint.Backends.Cpu.Gemm;
using Xunit;

namespace Flint.Tests.Linalg;

/// <summary>
/// Forces each GEMM path (scalar, Vector256, Vector512 micro-kernels; threaded or not; default or tiny cache
/// blocking; with or without the matrix-vector shortcuts) and checks each against a naive double-precision
/// product on odd shapes, transposed and strided operands, broadcast batches and strided outputs.
/// </summary>
public class GemmPathTests
{
    private sealed record Layout(string Name, bool TransA, bool TransB, int StepA, int StepB, bool TransC, bool StepC, bool BroadcastA);

    private static readonly (int batch, int m, int n, int k)[] Shapes =
    [
        (1, 1, 1, 1), (1, 7, 5, 13), (1, 6, 32, 16), (1, 13, 37, 300), (2, 17, 33, 29), (1, 1, 45, 70), (1, 45, 1, 70),
        (3, 5, 3, 0), (1, 97, 2, 2), (1, 2, 97, 3), (1, 129, 65, 257),
        // few rows and at least four times as many columns (k of 64 and more): computed as the transposed product
        (1, 20, 97, 70), (2, 17, 80, 65),
    ];

    private static readonly Layout[] Layouts =
    [
        new("plain", false, false, 1, 1, false, false, false),
        new("tA", true, false, 1, 1, false, false, false),
        new("tB", false, true, 1, 1, false, false, false),
        new("tAtB_tC", true, true, 1, 1, true, false, false),
        new("stepA_stepB_stepC", false, false, 2, 3, false, true, false),
        new("bcastA", false, true, 1, 1, false, false, true),
    ];

    private static Tensor Make(long[] shape, int seed, DType dt, bool transpose, int step, double scale)
    {
        long n = shape.Aggregate(1L, (x, y) => x * y);
        var buildShape = (long[])shape.Clone();
        if (transpose) (buildShape[^1], buildShape[^2]) = (buildShape[^2], buildShape[^1]);
        buildShape[^1] *= step;
        long total = buildShape.Aggregate(1L, (x, y) => x * y);
        var v = new double[total];
        var rng = new Random(seed);
        for (long i = 0; i < total; i++) v[i] = dt.is_floating_point ? Math.Round((rng.NextDouble() * 2 - 1) * scale, 3) : rng.Next(-100, 100);
        var t = torch.from_array(v, buildShape).to(dt);
        if (step > 1)
        {
            var st = t.stride();
            var sh = (long[])buildShape.Clone(); sh[^1] /= step;
            st[^1] *= step;
            t = t.as_strided(sh, st, 0);
        }
        if (transpose) t = t.transpose(-1, -2);
        Assert.Equal(shape, t.shape.ToArray());
        _ = n;
        return t;
    }

    private static double[] Naive(Tensor a, Tensor b, Tensor c0, double alpha, double beta, bool abs = false)
    {
        int batch = (int)c0.size(0), m = (int)c0.size(1), n = (int)c0.size(2), k = (int)a.size(2);
        var av = a.contiguous().ToArray<double>(); var bv = b.contiguous().ToArray<double>(); var cv = c0.contiguous().ToArray<double>();
        if (abs)
        {
            av = av.Select(Math.Abs).ToArray(); bv = bv.Select(Math.Abs).ToArray(); cv = cv.Select(Math.Abs).ToArray();
            alpha = Math.Abs(alpha); beta = Math.Abs(beta);
        }
        var r = new double[batch * m * n];
        for (int bi = 0; bi < batch; bi++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += av[(bi * m + i) * k + p] * bv[(bi * k + p) * n + j];
                    r[(bi * m + i) * n + j] = alpha * s + (beta == 0 ? 0 : beta * cv[(bi * m + i) * n + j]);
                }
        return r;
    }

    private static IEnumerable<(string name, Action setup)> Configs()
    {
        var paths = new List<VectorPath> { VectorPath.Scalar };
        if (KernelOptions.Vector256Available) paths.Add(VectorPath.Vector256);
        if (KernelOptions.Vector512Available) paths.Add(VectorPath.Vector512);
        foreach (var p in paths)
            foreach (var threads in new bool?[] { false, true })
                foreach (var tiny in new[] { false, true })
                    foreach (var packA in new[] { true, false })
                    {
                        var path = p; var th = threads; var tb = tiny; var pa = packA;
                        // packA false reads A where it lies (when it has a unit stride), true packs it
                        yield return ($"{p}/threads={th}/tiny={tb}/packA={pa}", () =>
                        {
                            GemmOptions.Path = path;
                            GemmOptions.Threads = th;
                            GemmOptions.Blocking = tb ? (7, 5, 9) : null;
                            GemmOptions.NoGemv = tb;
                            GemmOptions.PackA = pa;
                        });
                    }
    }

    private static void Reset()
    {
        GemmOptions.Path = VectorPath.Auto;
        GemmOptions.Threads = null;
        GemmOptions.Blocking = null;
        GemmOptions.NoGemv = false;
        GemmOptions.PackA = null;
    }

    private static List<string> RunAll(DType dt, double alpha, double beta)
    {
        var failures = new List<string>();
        int seed = 1;
        foreach (var (batch, m, n, k) in Shapes)
            foreach (var lay in Layouts)
            {
                var a = Make([lay.BroadcastA ? 1 : batch, m, k], seed++, dt, lay.TransA, lay.StepA, 2);
                if (lay.BroadcastA) a = a.expand(batch, m, k);
                var b = Make([batch, k, n], seed++, dt, lay.TransB, lay.StepB, 2);
                var c0 = Make([batch, m, n], seed++, dt, false, 1, 1);
                var expected = Naive(a, b, c0, alpha, beta);
                double[] absBound = Naive(a, b, c0, alpha, beta, abs: true);
                foreach (var (cfg, setup) in Configs())
                {
                    var c = Make([batch, m, n], 0, dt, lay.TransC, lay.StepC ? 2 : 1, 1);
                    c.copy_(c0);
                    try
                    {
                        setup();
                        c.Backend.Gemm(a, b, c, alpha, beta);
                    }
                    finally { Reset(); }
                    var got = c.contiguous().ToArray<double>();
                    double eps = dt == DType.Float32 ? 1e-6 : dt == DType.Float64 ? 1e-14 : 0;
                    for (int i = 0; i < got.Length; i++)
                    {
                        double tol = eps * (absBound[i] + 1) * 4;
                        bool ok = dt.is_floating_point ? Math.Abs(got[i] - expected[i]) <= tol : got[i] == Wrap(expected[i], dt);
                        if (!ok)
                        {
                            failures.Add($"{dt} {batch}x{m}x{n}x{k} {lay.Name} {cfg}: element {i}: {got[i]:R} != {expected[i]:R}");
                            break;
                        }
                    }
                }
            }
        return failures;
    }

    private static double Wrap(double v, DType dt)
    {
        long l = (long)v;
        return dt.scalar_type switch
        {
            ScalarType.Int8 => (sbyte)l,
            ScalarType.Int16 => (short)l,
            ScalarType.Int32 => (int)l,
            _ => l,
        };
    }

    [Theory]
    [InlineData("float32", 1.0, 0.0)]
    [InlineData("float32", -1.5, 0.5)]
    [InlineData("float64", 1.0, 0.0)]
    [InlineData("float64", 0.25, -2.0)]
    public void EveryPathMatchesNaive(string dtype, double alpha, double beta)
    {
        var failures = RunAll(Support.Reference.DTypeOf(dtype), alpha, beta);
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(30)));
    }

    [Theory]
    [InlineData("int64")]
    [InlineData("int8")]
    public void IntegerProductsWrapLikeTheDtype(string dtype)
    {
        var dt = Support.Reference.DTypeOf(dtype);
        foreach (var (batch, m, n, k) in Shapes.Take(6))
        {
            var a = Make([batch, m, k], 3, dt, true, 1, 1);
            var b = Make([batch, k, n], 4, dt, false, 2, 1);
            var c = torch.zeros([batch, m, n], dtype: dt);
            c.Backend.Gemm(a, b, c, 1, 0);
            var exp = Naive(a.to(torch.float64), b.to(torch.float64), c.to(torch.float64), 1, 0);
            var got = c.ToArray<long>();
            for (int i = 0; i < got.Length; i++) Assert.Equal(Wrap(exp[i], dt), got[i]);
        }
    }

    [Fact]
    public void BetaZeroIgnoresNaNInOutput()
    {
        foreach (var (cfg, setup) in Configs())
        {
            var a = torch.ones([1, 7, 5]); var b = torch.ones([1, 5, 40]);
            var c = torch.full([1, 7, 40], double.NaN);
            try { setup(); c.Backend.Gemm(a, b, c, 1, 0); }
            finally { Reset(); }
            Assert.True(c.ToArray<float>().All(v => v == 5), cfg);
        }
    }

    [Fact]
    public void LargeProductThreadsAndMatchesSingleThread()
    {
        var a = Make([1, 150, 300], 11, DType.Float32, false, 1, 1);
        var b = Make([1, 300, 200], 12, DType.Float32, true, 1, 1);
        var c1 = torch.zeros([1, 150, 200]); var c2 = torch.zeros([1, 150, 200]);
        try { GemmOptions.Threads = false; c1.Backend.Gemm(a, b, c1, 1, 0); }
        finally { Reset(); }
        c2.Backend.Gemm(a, b, c2, 1, 0);
        Assert.Equal(c1.ToArray<float>(), c2.ToArray<float>());
    }
}

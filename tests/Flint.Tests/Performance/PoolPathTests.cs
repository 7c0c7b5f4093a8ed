using System.Text.Json;
using Flint;
using Flint.Backends.Cpu;
using Flint.Tests.Support;
using Xunit;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Performance;

/// <summary>
/// The vector paths of pooling (max pools across the width, global average pools as plane sums) and of where,
/// masked_fill and the comparisons on broadcast, transposed, strided and in-place layouts, on every forced kernel path: against
/// PyTorch's records (References/pool_paths.json, tools/refs/gen_pool_paths.py) and against the scalar path.
/// </summary>
[Collection("KernelPaths")]
public class PoolPathTests
{
    private const string File = "pool_paths";

    public static TheoryData<string> PoolCases => Reference.CaseNames(File, c => c.GetProperty("name").GetString()!.Contains("pool"));
    public static TheoryData<string> SelectCases => Reference.CaseNames(File, c => !c.GetProperty("name").GetString()!.Contains("pool"));

    private static SizeArg Size(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select(v => v.GetInt64()).ToArray() : e.GetInt64();

    private static SizeArg? Arg(JsonElement kw, string name) => kw.TryGetProperty(name, out var v) ? Size(v) : (SizeArg?)null;

    /// <summary>The recorded pool's output and indices (null for an average pool).</summary>
    private static (Tensor y, Tensor? idx) Pool(JsonElement c, Tensor x)
    {
        var kw = c.GetProperty("kwargs");
        bool ceil = kw.TryGetProperty("ceil_mode", out var cm) && cm.GetBoolean();
        switch (c.GetProperty("op").GetString())
        {
            case "max_pool1d_with_indices":
                return F.max_pool1d_with_indices(x, Size(kw.GetProperty("kernel_size")), Arg(kw, "stride"), Arg(kw, "padding"), Arg(kw, "dilation"), ceil);
            case "max_pool2d_with_indices":
                return F.max_pool2d_with_indices(x, Size(kw.GetProperty("kernel_size")), Arg(kw, "stride"), Arg(kw, "padding"), Arg(kw, "dilation"), ceil);
            case "max_pool3d_with_indices":
                return F.max_pool3d_with_indices(x, Size(kw.GetProperty("kernel_size")), Arg(kw, "stride"), Arg(kw, "padding"), Arg(kw, "dilation"), ceil);
            case "adaptive_avg_pool1d": return (F.adaptive_avg_pool1d(x, Size(kw.GetProperty("output_size"))), null);
            case "adaptive_avg_pool2d": return (F.adaptive_avg_pool2d(x, Size(kw.GetProperty("output_size"))), null);
            case "adaptive_avg_pool3d": return (F.adaptive_avg_pool3d(x, Size(kw.GetProperty("output_size"))), null);
            default: throw new InvalidOperationException(c.GetProperty("op").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(PoolCases))]
    public void PoolsMatchPyTorchOnEveryPath(string name)
    {
        var c = Reference.Case(File, name);
        var expectedY = Reference.Tensor(c.GetProperty("y"));
        var expectedGx = Reference.Tensor(c.GetProperty("gx"));
        var gy = Reference.Tensor(c.GetProperty("gy"));
        var failures = new List<string>();
        PathHarness.ForEachPath(failures, tag =>
        {
            var x = Reference.Tensor(c.GetProperty("x")).requires_grad_();
            var (y, idx) = Pool(c, x);
            y.backward(gy);
            var (rt, at) = Reference.Tolerance(expectedY.dtype);
            PathHarness.Close(failures, $"{name} {tag} output", expectedY, y.detach(), rt, at);
            if (idx is not null) PathHarness.Close(failures, $"{name} {tag} indices", Reference.Tensor(c.GetProperty("indices")), idx);
            PathHarness.Close(failures, $"{name} {tag} input gradient", expectedGx, x.grad!, rt, at);
        });
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
    }

    [Theory]
    [MemberData(nameof(SelectCases))]
    public void SelectionsAndComparisonsMatchPyTorchOnEveryPath(string name)
    {
        var c = Reference.Case(File, name);
        var expected = Reference.Tensor(c.GetProperty("y"));
        var mask = c.TryGetProperty("mask", out var me) ? Reference.Tensor(me) : null;
        var failures = new List<string>();
        PathHarness.ForEachPath(failures, tag =>
        {
            var x = Reference.Tensor(c.GetProperty("x"));
            Tensor Other() => Reference.Tensor(c.GetProperty("other"));
            Tensor y = c.GetProperty("op").GetString() switch
            {
                "masked_fill" => x.masked_fill(mask!, Reference.Scalar(c.GetProperty("value"))),
                "masked_fill_" => x.masked_fill_(mask!, Reference.Scalar(c.GetProperty("value"))),
                "where" => torch.where(mask!, x, Other()),
                "eq" => torch.eq(x, Other()),
                "ne" => torch.ne(x, Other()),
                "lt" => torch.lt(x, Other()),
                "le" => torch.le(x, Other()),
                "gt" => torch.gt(x, Other()),
                "ge" => torch.ge(x, Other()),
                var op => throw new InvalidOperationException(op),
            };
            if (c.GetProperty("op").GetString() == "masked_fill_" && !ReferenceEquals(y, x)) failures.Add($"{name} {tag}: masked_fill_ returned another tensor");
            PathHarness.Close(failures, $"{name} {tag}", expected, y);
        });
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
    }

    /// <summary>The result of <paramref name="run"/> on the scalar path, single-threaded.</summary>
    private static T OnScalarPath<T>(Func<T> run)
    {
        var (oldPath, oldThreads) = (KernelOptions.Path, KernelOptions.Threads);
        try { KernelOptions.Path = VectorPath.Scalar; KernelOptions.Threads = false; return run(); }
        finally { KernelOptions.Path = oldPath; KernelOptions.Threads = oldThreads; }
    }

    [Fact]
    public void MaxPoolVectorRowsMatchTheScalarLoopOverWindowShapes()
    {
        // widths around one and two vectors of outputs, every padding a kernel allows, strides 1 and 2 (vector)
        // and 3 (scalar), dilations, ceil mode; NaN, ±inf and ties in the data
        var failures = new List<string>();
        int cases = 0;
        foreach (int w in new[] { 9, 16, 17, 23, 33, 40 })
            foreach (int k in new[] { 1, 2, 3, 4 })
                foreach (int s in new[] { 1, 2, 3 })
                    foreach (int d in new[] { 1, 2 })
                        for (int p = 0; p <= k / 2; p++)
                            foreach (bool ceil in new[] { false, true })
                            {
                                if ((k - 1) * d + 1 > 4 + 2 * p) continue;
                                var x = PathHarness.Make([1, 2, 4, w], torch.float32, w * 31 + k * 7 + s, specials: true);
                                x = (x / 4).round();   // ties
                                var (ey, ei) = OnScalarPath(() => F.max_pool2d_with_indices(x, k, s, p, d, ceil));
                                cases++;
                                PathHarness.ForEachPath(failures, tag =>
                                {
                                    var (y, idx) = F.max_pool2d_with_indices(x, (long[])[1, k], (long[])[1, s], (long[])[0, p], (long[])[1, d], ceil);
                                    var (y2, idx2) = F.max_pool2d_with_indices(x, k, s, p, d, ceil);
                                    string ctx = $"w{w} k{k} s{s} p{p} d{d} ceil={ceil} {tag}";
                                    PathHarness.Close(failures, ctx, ey, y2);
                                    PathHarness.Close(failures, ctx + " indices", ei, idx2);
                                    var (ry, ri) = OnScalarPath(() => F.max_pool2d_with_indices(x, (long[])[1, k], (long[])[1, s], (long[])[0, p], (long[])[1, d], ceil));
                                    PathHarness.Close(failures, ctx + " rows", ry, y);
                                    PathHarness.Close(failures, ctx + " rows indices", ri, idx);
                                });
                            }
        Assert.True(cases > 100);
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
    }

    [Fact]
    public void MaxPoolOfTransposedAndExpandedInputsMatchesTheContiguousCopy()
    {
        var failures = new List<string>();
        var x = PathHarness.Make([2, 3, 40, 20], torch.float32, 3, specials: true).transpose(2, 3);
        var e = PathHarness.Make([1, 3, 20, 1], torch.float32, 4, specials: false).expand(2, 3, 20, 40);
        foreach (var input in new[] { x, e })
        {
            var (ey, ei) = OnScalarPath(() => F.max_pool2d_with_indices(input.contiguous(), 3, 2, 1));
            PathHarness.ForEachPath(failures, tag =>
            {
                var (y, idx) = F.max_pool2d_with_indices(input, 3, 2, 1);
                PathHarness.Close(failures, tag, ey, y);
                PathHarness.Close(failures, tag + " indices", ei, idx);
            });
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
    }

    [Fact]
    public void GlobalAveragePoolIsThePlaneMeanAndItsGradient()
    {
        // against the window loop of avg_pool2d with the whole plane as its window, forward and backward
        var failures = new List<string>();
        foreach (var dt in new[] { torch.float32, torch.float64 })
            foreach (var (h, w) in new[] { (7, 7), (1, 1), (3, 37), (16, 16) })
            {
                var x0 = PathHarness.Make([3, 130, h, w], dt, h * w, specials: false);
                var g = PathHarness.Make([3, 130, 1, 1], dt, 2, specials: false);
                var xr = x0.clone().requires_grad_();
                var ey = F.avg_pool2d(xr, (long[])[h, w]);
                ey.backward(g);
                PathHarness.ForEachPath(failures, tag =>
                {
                    var x = x0.clone().requires_grad_();
                    var y = F.adaptive_avg_pool2d(x, 1);
                    y.backward(g);
                    var (rt, at) = Reference.Tolerance(dt);
                    PathHarness.Close(failures, $"{dt} {h}x{w} {tag}", ey.detach(), y.detach(), rt, at);
                    PathHarness.Close(failures, $"{dt} {h}x{w} {tag} gradient", xr.grad!, x.grad!, rt, at);
                });
            }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
    }

    [Fact]
    public void WhereOnExpandedAndTransposedOperandsMatchesTheScalarPath()
    {
        // each operand in turn broadcast along one dim (stride 0), transposed, or a stepped view; rows longer and
        // shorter than a vector of every element width
        var failures = new List<string>();
        foreach (var dt in new[] { torch.float32, torch.float64, torch.int64, torch.int16, torch.uint8, torch.@bool, torch.float16 })
            foreach (int n in new[] { 3, 31, 33, 70 })
            {
                var a = PathHarness.Make([4, n], torch.float64, n, specials: false).round().to(dt);
                var b = PathHarness.Make([n, 4], torch.float64, n + 1, specials: false).round().to(dt).t();
                var row = PathHarness.Make([1, n], torch.float64, n + 2, specials: false).round().to(dt).expand(4, n);
                var col = PathHarness.Make([4, 1], torch.float64, n + 3, specials: false).round().to(dt).expand(4, n);
                var stepped = PathHarness.Make([4, 2 * n], torch.float64, n + 4, specials: false).round().to(dt)[TensorIndex.Colon, TensorIndex.Slice(null, null, 2)];
                var m = PathHarness.Make([4, n], torch.float64, n + 5, specials: false) > 0;
                var mt = (PathHarness.Make([n, 4], torch.float64, n + 6, specials: false) > 0).t();
                var mr = (PathHarness.Make([1, n], torch.float64, n + 7, specials: false) > 0).expand(4, n);
                var operands = new[] { a, b, row, col, stepped };
                foreach (var cond in new[] { m, mt, mr })
                    foreach (var x in operands)
                        foreach (var y in operands)
                        {
                            var expected = OnScalarPath(() => torch.where(cond, x, y));
                            PathHarness.ForEachPath(failures, tag => PathHarness.Close(failures, $"{dt} n{n} {tag}", expected, torch.where(cond, x, y)));
                        }
                // in place: masked_fill_ writes over its own (contiguous, transposed) input
                foreach (var target in new[] { a, b })
                {
                    var expected = OnScalarPath(() => target.clone().masked_fill_(mr, dt == torch.@bool ? true : 5));
                    PathHarness.ForEachPath(failures, tag =>
                    {
                        var t = target.clone();
                        t.masked_fill_(mr, dt == torch.@bool ? true : 5);
                        PathHarness.Close(failures, $"{dt} n{n} {tag} masked_fill_", expected, t);
                    });
                }
            }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
    }
}

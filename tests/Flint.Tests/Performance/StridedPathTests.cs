using Flint;
using Flint.Backends.Cpu;
using Flint.Tests.Support;
using Xunit;

namespace Flint.Tests.Performance;

/// <summary>
/// The strided elementwise rows (unary, binary, comparisons, where, masked_fill) on every vector path and thread
/// mode against the scalar walk over row-major copies: inputs stepped along the row (gathered chunks), transposed
/// (the walk turns the dims round to the output's order), broadcast along or across rows, in-place into stepped and
/// transposed targets (scattered outputs); row lengths 0, under a vector, past one gather chunk and several chunks
/// with tails; NaN and ±inf in the floating data.
/// </summary>
[Collection("KernelPaths")]
public class StridedPathTests
{
    private static readonly long[] Lengths = [0, 5, 17, 255, 257, 600];

    /// <summary>
    /// A loop that is one long row, cut into runs across the pool (clone, copy_ into an offset view, every element
    /// size; a converting copy; a unary and a binary op on a 1-D strided view) gives every element at its place,
    /// threaded or not.
    /// </summary>
    [Fact]
    public void ADenseCopyCutAcrossThreadsKeepsEveryElement()
    {
        const long n = 400_003;
        foreach (var dt in new[] { torch.float32, torch.float64, torch.int64, torch.uint8, torch.int16 })
            foreach (bool? threads in new bool?[] { null, true, false })
            {
                var old = KernelOptions.Threads;
                try
                {
                    KernelOptions.Threads = threads;
                    var src = torch.arange(n + 17, dtype: torch.int64).remainder(251).to(dt);
                    var view = src.narrow(0, 17, n);
                    var clone = view.clone();
                    Assert.True(torch.equal(clone, torch.arange(17, n + 17, dtype: torch.int64).remainder(251).to(dt)), $"clone {dt} threads {threads}");
                    var dst = torch.zeros(n + 40, dtype: dt);
                    dst.narrow(0, 31, n).copy_(view);
                    Assert.True(torch.equal(dst.narrow(0, 31, n), clone), $"copy_ {dt} threads {threads}");
                    Assert.Equal(0, dst.narrow(0, 0, 31).abs().sum().item<double>());
                    Assert.Equal(0, dst.narrow(0, n + 31, 9).abs().sum().item<double>());
                    var converted = torch.empty(n, dtype: torch.float64);
                    converted.copy_(view);
                    Assert.True(torch.equal(converted, clone.to(torch.float64)), $"converting copy {dt} threads {threads}");
                    if (dt.is_floating_point)
                    {
                        // one long strided row through the unary and binary walks: element i of the view is src[2 + 3i]
                        long m = (n + 15) / 3;
                        var stepped = src.as_strided([m], [3], 2);
                        var values = torch.arange(2, 2 + 3 * m, 3, dtype: torch.int64).remainder(251).to(dt);
                        Assert.True(torch.equal(stepped.neg(), values.neg()), $"strided neg {dt} threads {threads}");
                        Assert.True(torch.equal(stepped * src.as_strided([m], [3], 0), values * torch.arange(0, 3 * m, 3, dtype: torch.int64).remainder(251).to(dt)),
                            $"strided mul {dt} threads {threads}");
                    }
                }
                finally { KernelOptions.Threads = old; }
            }
    }

    /// <summary>The operand layouts of shape [3, n]: name and a maker from a seed.</summary>
    private static (string name, Func<int, Tensor> make)[] Layouts(long n, DType dt) =>
    [
        ("contig", s => Data([3, n], dt, s)),
        ("stepped", s => { var b = Data([3, 2 * n], dt, s); return b.as_strided([3, n], [2 * n, 2], 0); }),
        ("stepped3", s => { var b = Data([3, 3 * n + 1], dt, s); return b.as_strided([3, n], [3 * n + 1, 3], 1); }),
        ("transposed", s => Data([n, 3], dt, s).t()),
        ("row_bcast", s => Data([1, n], dt, s).expand(3, n)),
        ("col_bcast", s => Data([3, 1], dt, s).expand(3, n)),
    ];

    private static Tensor Data(long[] shape, DType dt, int seed)
    {
        var t = PathHarness.Make(shape, torch.float64, seed, specials: dt.is_floating_point);
        return dt.is_floating_point ? t.to(dt) : (t / 2).round().nan_to_num(0, 0, 0).to(dt);
    }

    /// <summary>Runs <paramref name="op"/> on every path and compares with the scalar walk over row-major copies.</summary>
    private static void Check(List<string> failures, string what, Tensor[] operands, Func<Tensor[], Tensor> op, bool exact)
    {
        Tensor expected;
        var (p, t) = (KernelOptions.Path, KernelOptions.Threads);
        try
        {
            KernelOptions.Path = VectorPath.Scalar; KernelOptions.Threads = false;
            expected = op(operands.Select(x => x.contiguous()).ToArray());
        }
        finally { KernelOptions.Path = p; KernelOptions.Threads = t; }
        PathHarness.ForEachPath(failures, tag =>
        {
            var got = op(operands);
            Reference.AssertClose(expected, got, $"{what} {tag}", rtol: exact ? 0 : 1e-5, atol: exact ? 0 : 1e-6);
        });
    }

    [Fact]
    public void UnaryRowsOnStridedInputs()
    {
        var failures = new List<string>();
        var ops = new (string, DType, Func<Tensor[], Tensor>, bool)[]
        {
            ("exp", torch.float32, x => torch.exp(x[0]), false), ("exp", torch.float64, x => torch.exp(x[0]), false),
            ("sigmoid", torch.float32, x => torch.sigmoid(x[0]), false), ("neg", torch.float32, x => torch.neg(x[0]), true),
            ("neg", torch.int32, x => torch.neg(x[0]), true), ("abs", torch.int64, x => torch.abs(x[0]), true),
        };
        foreach (long n in Lengths)
            foreach (var (name, dt, op, exact) in ops)
                foreach (var (lname, make) in Layouts(n, dt))
                    Check(failures, $"{name} {dt} {lname} n={n}", [make(1)], op, exact);
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    [Fact]
    public void UnaryInPlaceScattersIntoStridedTargets()
    {
        var failures = new List<string>();
        foreach (long n in Lengths)
            foreach (var (lname, make) in Layouts(n, torch.float32).Where(l => l.name is "stepped" or "stepped3" or "transposed"))
            {
                Check(failures, $"exp_ {lname} n={n}", [make(2)], x => x[0].is_contiguous() ? torch.exp(x[0]) : x[0].clone(torch.preserve_format).exp_(), false);
                // a stepped target keeps its gaps: exp_ on the view itself
                Check(failures, $"neg_ view {lname} n={n}", [make(3)], x =>
                {
                    if (x[0].is_contiguous()) return torch.neg(x[0]);
                    var v = make(3); v.neg_(); return v;
                }, true);
            }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    [Fact]
    public void BinaryRowsOnStridedInputs()
    {
        var failures = new List<string>();
        var ops = new (string, Func<Tensor[], Tensor>)[]
        {
            ("add", x => x[0] + x[1]), ("mul", x => x[0] * x[1]), ("sub", x => x[0] - x[1]),
        };
        foreach (long n in Lengths)
            foreach (var dt in new[] { torch.float32, torch.float64, torch.int32, torch.int64 })
                foreach (var (an, am) in Layouts(n, dt))
                    foreach (var (bn, bm) in Layouts(n, dt))
                    {
                        if (an == "contig" && bn == "contig") continue;
                        foreach (var (name, op) in ops)
                            Check(failures, $"{name} {dt} {an}+{bn} n={n}", [am(4), bm(5)], op, exact: true);
                        if (dt.is_floating_point) Check(failures, $"div {dt} {an}+{bn} n={n}", [am(4), bm(5)], x => x[0] / x[1], exact: true);
                    }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    [Fact]
    public void BinaryInPlaceScattersIntoStridedTargets()
    {
        var failures = new List<string>();
        foreach (long n in Lengths)
            foreach (var dt in new[] { torch.float32, torch.int64 })
            {
                var layouts = Layouts(n, dt);
                foreach (var (tn, tm) in layouts.Where(l => l.name is "stepped" or "stepped3" or "transposed"))
                    foreach (var (bn, bm) in layouts)
                        Check(failures, $"add_ {dt} {tn}+={bn} n={n}", [tm(6), bm(7)], x =>
                        {
                            if (x[0].is_contiguous()) return x[0] + x[1];
                            var target = tm(6); target.add_(x[1]); return target;
                        }, exact: true);
            }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    [Fact]
    public void ComparisonsWhereAndMaskedFillOnStridedInputs()
    {
        var failures = new List<string>();
        foreach (long n in Lengths)
            foreach (var dt in new[] { torch.float32, torch.float64, torch.int32 })
            {
                var layouts = Layouts(n, dt);
                foreach (var (an, am) in layouts)
                    foreach (var (bn, bm) in layouts)
                    {
                        var a = am(8); var b = bm(9);
                        Check(failures, $"gt {dt} {an}>{bn} n={n}", [a, b], x => torch.gt(x[0], x[1]), true);
                        Check(failures, $"eq {dt} {an}=={bn} n={n}", [a, b], x => torch.eq(x[0], x[1]), true);
                        // the condition laid out as the first operand, and stepped (a gathered bool row)
                        var cond = torch.gt(a, 0);
                        var stepped = torch.gt(Data([3, 2 * n], dt, 10), 0).as_strided([3, n], [2 * n, 2], 0);
                        Check(failures, $"where {dt} {an}/{bn} n={n}", [cond, a, b], x => torch.where(x[0], x[1], x[2]), true);
                        Check(failures, $"where stepped {dt} {an}/{bn} n={n}", [stepped, a, b], x => torch.where(x[0], x[1], x[2]), true);
                        Check(failures, $"masked_fill {dt} {an}/{bn} n={n}", [a, torch.gt(b, 0)], x => x[0].masked_fill(x[1], 2), true);
                    }
            }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }
}

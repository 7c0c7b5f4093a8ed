using System.Text.Json;
using Flint;
using Flint.Backends;
using Flint.Backends.Cpu;
using Flint.Backends.Cpu.Conv;
using Flint.Tests.Support;
using Xunit;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Performance;

/// <summary>
/// Every CPU convolution algorithm, forced (blocked implicit GEMM with the default and with tiny column blocks,
/// pointwise, depthwise, Winograd, batch-folded, the direct forward, the reference), with and without threads: against PyTorch's records
/// (tools/refs/gen_conv_algorithms.py) and against the reference algorithm on shapes that stress block remainders,
/// strides, dilation, groups, padding, batch 1 and 0.
/// </summary>
[Collection("KernelPaths")]
public class ConvAlgorithmTests
{
    private const string File = "conv_algorithms";

    /// <summary>The forced settings: an algorithm and a column-block size in bytes (0: the default).</summary>
    private static readonly (ConvAlgorithm algo, int block)[] Modes =
    [
        (ConvAlgorithm.Auto, 0), (ConvAlgorithm.Reference, 0), (ConvAlgorithm.Blocked, 0), (ConvAlgorithm.Blocked, 64),
        (ConvAlgorithm.Blocked, 1000), (ConvAlgorithm.Pointwise, 0), (ConvAlgorithm.Depthwise, 0),
        // Winograd with its default tile blocks and with blocks of one or a few tiles (the block tails)
        (ConvAlgorithm.Winograd, 0), (ConvAlgorithm.Winograd, 64), (ConvAlgorithm.Winograd, 3000),
        // the batch-folded implicit GEMM with its default folds, one sample per fold, and folds of a few samples (a short last fold)
        (ConvAlgorithm.BatchFolded, 0), (ConvAlgorithm.BatchFolded, 64), (ConvAlgorithm.BatchFolded, 6000),
        // the direct forward with its default row blocks, one output row per task, and blocks of a few rows (a short last block)
        (ConvAlgorithm.Direct, 0), (ConvAlgorithm.Direct, 64), (ConvAlgorithm.Direct, 5000),
    ];

    private static T With<T>(ConvAlgorithm algo, int block, bool? threads, Func<T> body)
    {
        var (oa, ob, ot) = (ConvOptions.Algorithm, ConvOptions.BlockBytes, KernelOptions.Threads);
        try
        {
            ConvOptions.Algorithm = algo; ConvOptions.BlockBytes = block; KernelOptions.Threads = threads;
            return body();
        }
        finally { ConvOptions.Algorithm = oa; ConvOptions.BlockBytes = ob; KernelOptions.Threads = ot; }
    }

    private static Tensor Conv(int dims, Tensor x, Tensor w, Tensor? b, SizeArg stride, SizeArg padding, SizeArg dilation, long groups) => dims switch
    {
        1 => F.conv1d(x, w, b, stride, padding, dilation, groups),
        2 => F.conv2d(x, w, b, stride, padding, dilation, groups),
        _ => F.conv3d(x, w, b, stride, padding, dilation, groups),
    };

    /// <summary>y and the gradients of x, w (and b) for upstream gy.</summary>
    private static Tensor[] Run(int dims, Tensor x, Tensor w, Tensor? b, SizeArg stride, SizeArg padding, SizeArg dilation, long groups, Tensor? gy)
    {
        var inputs = b is null ? new[] { x, w } : new[] { x, w, b };
        var leaves = inputs.Select(t => t.detach().requires_grad_(true)).ToArray();
        var y = Conv(dims, leaves[0], leaves[1], b is null ? null : leaves[2], stride, padding, dilation, groups);
        gy ??= torch.randn(y.shape.ToArray(), dtype: y.dtype);
        var gs = torch.autograd.grad([y], leaves, [gy]);
        return [y.detach(), .. gs.Select(g => g!)];
    }

    private static SizeArg Size(JsonElement e) =>
        e.ValueKind == JsonValueKind.Number ? (SizeArg)e.GetInt64() : (SizeArg)e.EnumerateArray().Select(v => v.GetInt64()).ToArray();

    public static TheoryData<string> Names => Reference.CaseNames(File);

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryAlgorithmMatchesPyTorch(string name)
    {
        var c = Reference.Case(File, name);
        int dims = c.GetProperty("dims").GetInt32();
        var x = Reference.Tensor(c.GetProperty("x"));
        var w = Reference.Tensor(c.GetProperty("w"));
        var b = c.GetProperty("b").ValueKind == JsonValueKind.Null ? null : Reference.Tensor(c.GetProperty("b"));
        var gy = Reference.Tensor(c.GetProperty("gy"));
        var (stride, padding, dilation) = (Size(c.GetProperty("stride")), Size(c.GetProperty("padding")), Size(c.GetProperty("dilation")));
        long groups = c.GetProperty("groups").GetInt64();
        string[] keys = b is null ? ["y", "gx", "gw"] : ["y", "gx", "gw", "gb"];
        bool f32 = x.dtype == torch.float32;
        foreach (var (algo, block) in Modes)
            foreach (bool threads in new[] { false, true })
            {
                var r = With(algo, block, threads, () => Run(dims, x, w, b, stride, padding, dilation, groups, gy));
                for (int i = 0; i < keys.Length; i++)
                    Reference.AssertClose(Reference.Tensor(c.GetProperty(keys[i])), r[i], $"{name} {keys[i]} [{algo}, block {block}, threads {threads}]",
                        rtol: f32 ? 1e-5 : null, atol: f32 ? 1e-4 : null);
            }
        var y = With(ConvAlgorithm.Auto, 0, null, () => Conv(dims, x.requires_grad_(true), w, b, stride, padding, dilation, groups));
        Assert.Equal(c.GetProperty("grad_fn").GetString(), y.grad_fn!.name());
    }

    /// <summary>(N, Ci, Co, spatial, kernel, stride, padding, dilation, groups, bias).</summary>
    public static TheoryData<int, int, int, long[], long[], long[], long[], long[], int, bool> Shapes => new()
    {
        // column blocks: a plane much larger than any tiny block, channels that leave remainders
        { 2, 7, 5, [13, 17], [3, 3], [1, 1], [1, 1], [1, 1], 1, true },
        { 1, 3, 4, [23, 19], [7, 7], [2, 2], [3, 3], [1, 1], 1, false },
        { 3, 6, 9, [9, 8], [2, 3], [2, 1], [0, 2], [3, 2], 3, true },
        { 1, 33, 17, [5, 6], [3, 3], [1, 1], [1, 1], [1, 1], 1, false },
        { 2, 4, 6, [1, 30], [1, 4], [1, 3], [0, 5], [1, 2], 2, true },
        { 5, 2, 3, [6, 5], [1, 1], [1, 1], [0, 0], [1, 1], 1, true },
        { 2, 5, 4, [8, 9], [1, 1], [2, 3], [0, 0], [1, 1], 1, false },
        { 2, 2, 3, [3, 3], [3, 3], [1, 1], [4, 4], [1, 1], 1, true },
        { 11, 3, 4, [7, 6], [3, 2], [2, 2], [1, 1], [1, 1], 1, true },
        { 0, 3, 4, [5, 5], [3, 3], [1, 1], [1, 1], [1, 1], 1, true },
        // the direct forward: width strides 3 and 4 with dilation, output channels past a six-channel tile, rows wider
        // than two vector tiles; a width stride of 5 (not direct) falls back
        { 2, 3, 13, [9, 150], [3, 5], [1, 4], [2, 3], [2, 3], 1, true },
        { 3, 6, 9, [12, 71], [2, 7], [3, 3], [1, 0], [1, 1], 3, false },
        { 2, 2, 5, [6, 40], [3, 3], [2, 5], [1, 1], [1, 1], 1, true },
        { 4, 3, 64, [32, 32], [7, 7], [2, 2], [3, 3], [1, 1], 1, false },
        // depthwise, multipliers 1 and 3
        { 2, 5, 5, [11, 12], [3, 3], [1, 1], [1, 1], [1, 1], 5, true },
        { 3, 4, 12, [10, 7], [5, 3], [2, 3], [2, 1], [1, 2], 4, false },
        // 3x3 stride 1 (Winograd): one-row planes, a single tile, groups, one channel, padding 0 and 2, odd sizes
        { 3, 20, 18, [1, 9], [3, 3], [1, 1], [1, 1], [1, 1], 1, true },
        { 2, 16, 24, [4, 4], [3, 3], [1, 1], [0, 0], [1, 1], 1, false },
        { 4, 18, 12, [7, 7], [3, 3], [1, 1], [1, 1], [1, 1], 3, true },
        { 2, 1, 3, [6, 5], [3, 3], [1, 1], [2, 2], [1, 1], 1, true },
        { 1, 5, 7, [11, 3], [3, 3], [1, 1], [2, 0], [1, 1], 1, false },
        { 1, 6, 6, [4, 33], [3, 3], [1, 1], [3, 3], [2, 2], 6, true },
        { 0, 4, 4, [5, 5], [3, 3], [1, 1], [1, 1], [1, 1], 4, true },
        // Winograd's vector transforms: runs of 35 tiles in a row (whole vectors and a ragged end), an odd width
        // whose last tile has one column, padding on the left edge only where the staged rows start outside
        { 2, 3, 5, [6, 70], [3, 3], [1, 1], [1, 1], [1, 1], 1, true },
        { 1, 4, 3, [5, 71], [3, 3], [1, 1], [0, 0], [1, 1], 1, false },
        // 3-D, and 1-D (a 1-element kernel list)
        { 2, 3, 4, [4, 5, 6], [2, 3, 3], [1, 2, 1], [1, 0, 1], [2, 1, 1], 1, true },
        { 2, 3, 6, [4, 5, 6], [3, 2, 3], [2, 1, 1], [1, 1, 1], [1, 1, 2], 3, true },
        { 3, 4, 6, [40], [5], [2], [3], [2], 2, true },
        { 2, 4, 8, [40], [3], [1], [1], [1], 4, false },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryAlgorithmMatchesTheReference(int n, int ci, int co, long[] spatial, long[] kernel, long[] stride, long[] padding,
        long[] dilation, int groups, bool bias)
    {
        torch.manual_seed(n * 1000 + ci * 10 + co);
        int dims = spatial.Length;
        var x = torch.randn([n, ci, .. spatial], dtype: torch.float64);
        var w = torch.randn([co, ci / groups, .. kernel], dtype: torch.float64);
        var b = bias ? torch.randn(co, dtype: torch.float64) : null;
        var probe = Conv(dims, x, w, b, stride, padding, dilation, groups);
        var gy = torch.randn(probe.shape.ToArray(), dtype: torch.float64);
        var expected = With(ConvAlgorithm.Reference, 0, false, () => Run(dims, x, w, b, stride, padding, dilation, groups, gy));
        foreach (var (algo, block) in Modes)
            foreach (bool threads in new[] { false, true })
            {
                var r = With(algo, block, threads, () => Run(dims, x, w, b, stride, padding, dilation, groups, gy));
                for (int i = 0; i < expected.Length; i++)
                    Reference.AssertClose(expected[i], r[i], $"result {i} [{algo}, block {block}, threads {threads}]", rtol: 1e-12, atol: 1e-12);
                // float32 through the same route
                var r32 = With(algo, block, threads, () => Run(dims, x.to(torch.float32), w.to(torch.float32), b?.to(torch.float32), stride, padding,
                    dilation, groups, gy.to(torch.float32)));
                for (int i = 0; i < expected.Length; i++)
                    Reference.AssertClose(expected[i].to(torch.float32), r32[i], $"float32 result {i} [{algo}, block {block}, threads {threads}]",
                        rtol: 1e-4, atol: 1e-4);
            }
    }

    /// <summary>
    /// The direct forward's register tiles (scalar, 256-bit, and 512-bit where the hardware has it; chosen by the
    /// GEMM's vector-width knob, as the micro-kernels they resemble), float32 and
    /// float64, on shapes whose output rows end inside a tile and whose channels end inside the six-channel tile (or fill only a four-channel one),
    /// against the reference algorithm; infinities and NaN in the input reach exactly the outputs whose windows hold them.
    /// </summary>
    [Theory]
    [InlineData(2, 3, 64, 37, 41, 7, 2, 3, 1)]
    [InlineData(2, 3, 10, 21, 64, 3, 2, 2, 1)]
    [InlineData(1, 2, 4, 16, 35, 7, 2, 1, 2)]
    [InlineData(3, 4, 11, 9, 70, 3, 1, 1, 2)]
    [InlineData(1, 2, 7, 15, 33, 5, 3, 2, 3)]
    public void TheDirectTilesMatchTheReference(int n, int ci, int co, int h, int w, int k, int stride, int pad, int dilation)
    {
        torch.manual_seed(n + ci + co + h + w);
        foreach (var dt in new[] { torch.float32, torch.float64 })
        {
            var x = torch.randn([n, ci, h, w], dtype: dt);
            x[0, 0, 4, 4].fill_(double.PositiveInfinity);
            x[n - 1, ci - 1, 1, 1].fill_(double.NaN);
            var wt = torch.randn([co, ci, k, k], dtype: dt);
            var b = torch.randn(co, dtype: dt);
            Tensor Conv(ConvAlgorithm algo) => With(algo, 0, null, () => F.conv2d(x, wt, b, stride, pad, dilation));
            var expected = Conv(ConvAlgorithm.Reference);
            foreach (var path in new[] { VectorPath.Scalar, VectorPath.Vector256, VectorPath.Vector512 })
            {
                if (path == VectorPath.Vector512 && !KernelOptions.Vector512Available) continue;
                var old = Flint.Backends.Cpu.Gemm.GemmOptions.Path;
                try
                {
                    Flint.Backends.Cpu.Gemm.GemmOptions.Path = path;
                    var y = Conv(ConvAlgorithm.Direct);
                    Assert.True(torch.equal(expected.isnan(), y.isnan()), $"{dt} {path}: NaN positions differ");
                    Assert.True(torch.equal(expected.isinf(), y.isinf()), $"{dt} {path}: infinite positions differ");
                    Assert.True(expected.isnan().any().item<bool>(), "the NaN reached no output");
                    var finite = expected.isfinite();
                    Reference.AssertClose(expected[finite], y[finite], $"{dt} {path}", rtol: dt == torch.float32 ? 1e-5 : 1e-12, atol: dt == torch.float32 ? 1e-4 : 1e-12);
                }
                finally { Flint.Backends.Cpu.Gemm.GemmOptions.Path = old; }
            }
        }
    }

    /// <summary>
    /// Winograd mixes a tile's 16 inputs into all four of its outputs, so with a NaN or an infinity among the operands
    /// the backend takes the implicit GEMM: non-finite values reach exactly the outputs and gradients the reference's
    /// reach (a NaN on a tile's corner leaves the tile's opposite output finite), whether Winograd is forced or chosen.
    /// </summary>
    [Fact]
    public void NonFiniteOperandsReachWhatTheReferenceReaches()
    {
        torch.manual_seed(7);
        var x = torch.randn(2, 16, 14, 14);
        x[0, 1, 4, 4].fill_(double.NaN);
        x[1, 2, 7, 8].fill_(double.PositiveInfinity);
        var w = torch.randn(16, 16, 3, 3);
        var gy = torch.randn(2, 16, 14, 14);
        gy[1, 3, 4, 4].fill_(double.NegativeInfinity);
        var expected = With(ConvAlgorithm.Reference, 0, null, () => Run(2, x, w, null, 1, 1, 1, 1, gy));
        Assert.True(expected[0][0, 0, 2, 2].isfinite().item<bool>(), "the output beside the NaN's window should be finite");
        Assert.True(expected[0][0, 0, 3, 3].isnan().item<bool>(), "the NaN should reach the output whose window holds it");
        foreach (var algo in new[] { ConvAlgorithm.Winograd, ConvAlgorithm.Auto })
        {
            var got = With(algo, 0, null, () => Run(2, x, w, null, 1, 1, 1, 1, gy));
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(torch.equal(expected[i].isnan(), got[i].isnan()), $"{algo} result {i}: NaN positions differ");
                Assert.True(torch.equal(expected[i].isinf(), got[i].isinf()), $"{algo} result {i}: infinite positions differ");
                var finite = expected[i].isfinite();
                Reference.AssertClose(expected[i][finite], got[i][finite], $"{algo} result {i}", rtol: 1e-4, atol: 1e-4);
            }
        }
    }

    [Fact]
    public void TheWeightGradientDoesNotDependOnTheThreads()
    {
        torch.manual_seed(7);
        var x = torch.randn(6, 20, 15, 14);
        var w = torch.randn(9, 20, 3, 3);
        var gy = torch.randn(6, 9, 15, 14);
        foreach (var algo in new[] { ConvAlgorithm.Blocked, ConvAlgorithm.Winograd, ConvAlgorithm.BatchFolded, ConvAlgorithm.Auto })
        {
            var one = With(algo, 0, false, () => Run(2, x, w, null, 1, 1, 1, 1, gy));
            var many = With(algo, 0, true, () => Run(2, x, w, null, 1, 1, 1, 1, gy));
            Assert.True(torch.equal(one[2], many[2]), $"{algo}: weight gradient differs with threads");
        }
        var dw = torch.randn(10, 1, 3, 3);
        var gyd = torch.randn(6, 10, 15, 14);
        var xd = torch.randn(6, 10, 15, 14);
        var d1 = With(ConvAlgorithm.Depthwise, 0, false, () => Run(2, xd, dw, null, 1, 1, 1, 10, gyd));
        var d2 = With(ConvAlgorithm.Depthwise, 0, true, () => Run(2, xd, dw, null, 1, 1, 1, 10, gyd));
        Assert.True(torch.equal(d1[2], d2[2]), "depthwise weight gradient differs with threads");
    }

    [Fact]
    public void TheSelectorPicksPerShape()
    {
        var g3 = new WindowGeometry(8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 8, 8);
        var g1 = new WindowGeometry(8, 8, 1, 1, 1, 1, 0, 0, 1, 1, 8, 8);
        var g1s2 = new WindowGeometry(8, 8, 1, 1, 2, 2, 0, 0, 1, 1, 4, 4);
        var g3s2 = new WindowGeometry(8, 8, 3, 3, 2, 2, 1, 1, 1, 1, 4, 4);
        var g3d2 = new WindowGeometry(8, 8, 3, 3, 1, 1, 2, 2, 2, 2, 8, 8);
        var g56 = new WindowGeometry(56, 56, 3, 3, 1, 1, 1, 1, 1, 1, 56, 56);
        Assert.Equal(ConvAlgorithm.Winograd, ConvOptions.Choose(g56, 16, 1, DType.Float32));
        // ResNet's 14x14 stage is Winograd's, its 7x7 stage the implicit GEMM's
        Assert.Equal(ConvAlgorithm.Winograd, ConvOptions.Choose(new WindowGeometry(14, 14, 3, 3, 1, 1, 1, 1, 1, 1, 14, 14), 256, 1, DType.Float32));
        Assert.Equal(ConvAlgorithm.Blocked, ConvOptions.Choose(new WindowGeometry(7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 7, 7), 512, 1, DType.Float32));
        // a batch of small planes folds its samples into one product; one sample, or a large plane, does not
        var g7 = new WindowGeometry(7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 7, 7);
        var g28s2 = new WindowGeometry(28, 28, 3, 3, 2, 2, 1, 1, 1, 1, 14, 14);
        Assert.Equal(ConvAlgorithm.BatchFolded, ConvOptions.Choose(g7, 512, 1, DType.Float32, batch: 8));
        Assert.Equal(ConvAlgorithm.BatchFolded, ConvOptions.Choose(g28s2, 128, 1, DType.Float32, batch: 8));
        Assert.Equal(ConvAlgorithm.Blocked, ConvOptions.Choose(g7, 512, 1, DType.Float32, batch: 1));
        Assert.Equal(ConvAlgorithm.BatchFolded, ConvOptions.Choose(g3s2, 64, 1, DType.Float32, batch: 8));
        Assert.Equal(ConvAlgorithm.Winograd, ConvOptions.Choose(g56, 64, 1, DType.Float32, batch: 8));
        Assert.Equal(ConvAlgorithm.Blocked, ConvOptions.Choose(new WindowGeometry(56, 56, 3, 3, 2, 2, 1, 1, 1, 1, 28, 28), 64, 1, DType.Float32, batch: 8));
        Assert.Equal(ConvAlgorithm.Blocked, ConvOptions.Choose(g3, 64, 1, DType.Float32));
        Assert.Equal(ConvAlgorithm.Blocked, ConvOptions.Choose(g3s2, 64, 1, DType.Float32));
        Assert.Equal(ConvAlgorithm.Blocked, ConvOptions.Choose(g3d2, 64, 1, DType.Float32));
        // few input channels × taps (at most 160): the direct forward, as the RGB stem's 3 x 7x7 = 147 and MNIST's first 3x3
        var stem = new WindowGeometry(224, 224, 7, 7, 2, 2, 3, 3, 1, 1, 112, 112);
        Assert.Equal(ConvAlgorithm.Direct, ConvOptions.Choose(stem, 3, 1, DType.Float32, batch: 16));
        Assert.Equal(ConvAlgorithm.Blocked, ConvOptions.Choose(stem, 4, 1, DType.Float32, batch: 16));
        Assert.Equal(ConvAlgorithm.Direct, ConvOptions.Choose(g3, 1, 1, DType.Float32, batch: 64));
        Assert.Equal(ConvAlgorithm.Direct, ConvOptions.Choose(g3, 8, 1, DType.Float32));
        Assert.Equal(ConvAlgorithm.Direct, ConvOptions.Choose(g3d2, 17, 1, DType.Float64));
        Assert.Equal(ConvAlgorithm.Blocked, ConvOptions.Choose(g3d2, 18, 1, DType.Float64));
        Assert.Equal(ConvAlgorithm.Blocked, ConvOptions.Choose(new WindowGeometry(8, 40, 3, 3, 1, 5, 1, 1, 1, 1, 8, 8), 2, 1, DType.Float32));
        Assert.Equal(ConvAlgorithm.Reference, ConvOptions.Choose(stem, 3, 1, DType.Float16));
        Assert.True(Winograd.AppliesToInputGrad(g3));
        Assert.False(Winograd.AppliesToInputGrad(new WindowGeometry(8, 8, 3, 3, 1, 1, 3, 3, 1, 1, 12, 12)));
        Assert.Equal(ConvAlgorithm.Pointwise, ConvOptions.Choose(g1, 16, 1, DType.Float64));
        Assert.Equal(ConvAlgorithm.Direct, ConvOptions.Choose(g1s2, 16, 1, DType.Float32));
        Assert.Equal(ConvAlgorithm.Blocked, ConvOptions.Choose(g1s2, 256, 1, DType.Float32));
        Assert.Equal(ConvAlgorithm.Depthwise, ConvOptions.Choose(g3, 16, 16, DType.Float32));
        Assert.Equal(ConvAlgorithm.Direct, ConvOptions.Choose(g3, 16, 4, DType.Float32));
        Assert.Equal(ConvAlgorithm.Blocked, ConvOptions.Choose(g3, 128, 4, DType.Float32));
        Assert.Equal(ConvAlgorithm.Reference, ConvOptions.Choose(g3, 16, 1, DType.Int64));
        // a forced algorithm that does not apply to the shape falls back to the choice
        Assert.Equal(ConvAlgorithm.Winograd, With(ConvAlgorithm.Depthwise, 0, null, () => ConvOptions.Choose(g56, 16, 1, DType.Float32)));
        Assert.Equal(ConvAlgorithm.Direct, With(ConvAlgorithm.Pointwise, 0, null, () => ConvOptions.Choose(g3, 8, 1, DType.Float32)));
        Assert.Equal(ConvAlgorithm.Blocked, With(ConvAlgorithm.Winograd, 0, null, () => ConvOptions.Choose(g3s2, 32, 1, DType.Float32)));
        Assert.Equal(ConvAlgorithm.Winograd, With(ConvAlgorithm.Direct, 0, null, () => ConvOptions.Choose(g56, 32, 1, DType.Float32)));
        Assert.Equal(ConvAlgorithm.Direct, With(ConvAlgorithm.Direct, 0, null, () => ConvOptions.Choose(g56, 16, 1, DType.Float32)));
        Assert.Equal(ConvAlgorithm.Winograd, With(ConvAlgorithm.Winograd, 0, null, () => ConvOptions.Choose(g3, 1, 1, DType.Float32)));
        Assert.Equal(ConvAlgorithm.Reference, With(ConvAlgorithm.Winograd, 0, null, () => ConvOptions.Choose(g3, 16, 1, DType.Int32)));
        Assert.Equal(ConvAlgorithm.Reference, With(ConvAlgorithm.Reference, 0, null, () => ConvOptions.Choose(g1, 16, 1, DType.Float32)));
    }

    /// <summary>
    /// Winograd's float32 tolerance: its transforms only add, subtract and halve, so its error, like the direct sum's,
    /// is a few units in the last place of the sum of |terms| (Σ|x||w| over the window, the conv of |x| with |w|);
    /// measured at about 1.5e-7 of it against 0.4 to 1.9e-7 for the direct sum (64 and 256 channels). The bound
    /// asserted is 1e-6 of that sum for the output and both gradients, on ResNet-like channel counts.
    /// </summary>
    [Theory]
    [InlineData(64, 14)]
    [InlineData(256, 7)]
    public void WinogradFloat32ErrorIsAFewUlpsOfTheSumOfTerms(int channels, int size)
    {
        torch.manual_seed(channels + size);
        var x = torch.randn([2, channels, size, size], dtype: torch.float64);
        var w = torch.randn([channels, channels, 3, 3], dtype: torch.float64);
        var gy = torch.randn([2, channels, size, size], dtype: torch.float64);
        var exact = With(ConvAlgorithm.Reference, 0, null, () => Run(2, x, w, null, 1, 1, 1, 1, gy));
        var terms = With(ConvAlgorithm.Reference, 0, null, () => Run(2, x.abs(), w.abs(), null, 1, 1, 1, 1, gy.abs()));
        foreach (bool threads in new[] { false, true })
        {
            var r = With(ConvAlgorithm.Winograd, 0, threads, () => Run(2, x.to(torch.float32), w.to(torch.float32), null, 1, 1, 1, 1, gy.to(torch.float32)));
            for (int i = 0; i < 3; i++)
            {
                var err = (r[i].to(torch.float64) - exact[i]).abs();
                var worst = (err / terms[i]).max().item<double>();
                Assert.True(worst <= 1e-6, $"result {i} threads {threads}: error {worst:E2} of the sum of |terms|");
                Assert.True(err.max().item<double>() > 0, "float32 Winograd matched float64 exactly: not the float32 route");
            }
        }
    }

    [Fact]
    public void ColumnBlocksFitTheCacheBudget()
    {
        // 576 rows of float32 (64 channels, 3x3): 256 KiB hold 113 columns; tiny forced blocks go down to one column
        Assert.Equal(113, ConvOptions.BlockColumns(576, 3136, 4));
        Assert.Equal(3136, ConvOptions.BlockColumns(1, 3136, 4));
        Assert.Equal(49, ConvOptions.BlockColumns(4608, 49, 4));
        Assert.Equal(1, With(ConvAlgorithm.Auto, 64, null, () => ConvOptions.BlockColumns(576, 3136, 4)));
    }
}

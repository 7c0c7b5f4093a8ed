using Flint;
using Flint.Backends.Cpu;
using Xunit;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Spatial;

/// <summary>What the reference replay does not reach: the parallel kernels' paths, the meta device, the refusals.</summary>
public class SpatialBehaviourTests
{
    private static readonly Func<Tensor, Tensor>[] Ops =
    [
        x => F.interpolate(x, size: (67, 45), mode: "bilinear"),
        x => F.interpolate(x, scale_factor: 1.7, mode: "bicubic", align_corners: true),
        x => F.interpolate(x, scale_factor: (0.5, 2.5), mode: "nearest"),
        x => F.interpolate(x, size: (33, 80), mode: "nearest-exact"),
        x => F.pad(x, [3, 2, 5, 1], mode: "reflect"),
        x => F.pad(x, [7, 0, 2, 9], mode: "replicate"),
        x => F.unfold(x, 3, padding: 1, stride: 2),
    ];

    /// <summary>The kernels split rows across the worker pool; every split gives the one-thread result, forward and backward.</summary>
    [Fact]
    public void Parallel_and_serial_kernels_agree()
    {
        torch.manual_seed(3);
        var x = torch.randn([2, 3, 40, 36], dtype: torch.float64);
        foreach (var op in Ops)
        {
            var (y1, g1) = Run(op, x, threads: false);
            var (y2, g2) = Run(op, x, threads: true);
            Assert.True(torch.equal(y1, y2));
            Assert.True(torch.allclose(g1, g2, rtol: 1e-12, atol: 1e-12));
        }
    }

    private static (Tensor y, Tensor g) Run(Func<Tensor, Tensor> op, Tensor x, bool threads)
    {
        var old = KernelOptions.Threads;
        KernelOptions.Threads = threads;
        try
        {
            var xr = x.detach().requires_grad_(true);
            var y = op(xr);
            var gy = torch.arange(y.numel(), dtype: torch.float64).reshape(y.shape.ToArray()).sin();
            var g = torch.autograd.grad([(y * gy).sum()], [xr])[0]!;
            return (y.detach(), g);
        }
        finally { KernelOptions.Threads = old; }
    }

    [Fact]
    public void Meta_tensors_get_the_cpu_shapes()
    {
        var cpu = torch.randn([2, 3, 10, 9]);
        var meta = torch.empty([2, 3, 10, 9], device: "meta");
        foreach (var op in Ops)
        {
            var y = op(meta);
            Assert.Equal(op(cpu).shape, y.shape);
            Assert.Equal("meta", y.device.type.ToString().ToLowerInvariant());
        }
    }

    [Fact]
    public void Antialias_is_refused_clearly()
    {
        var ex = Assert.Throws<NotSupportedException>(() => F.interpolate(torch.randn([1, 1, 8, 8]), size: 4, mode: "bilinear", antialias: true));
        Assert.Contains("antialias", ex.Message);
    }

    [Fact]
    public void Area_of_a_5d_input_is_the_3d_adaptive_average_pool()
    {
        var x = torch.randn([1, 1, 4, 4, 4]);
        Assert.True(F.interpolate(x, size: 2, mode: "area").equal(F.adaptive_avg_pool3d(x, 2)));
    }

    [Fact]
    public void Circular_pad_layer_checks_the_rank()
    {
        var ex = Assert.Throws<ArgumentException>(() => torch.nn.CircularPad2d(1).forward(torch.randn([3, 3])));
        Assert.Equal("expected 3D or 4D input (got 2D input)", ex.Message);
    }

    /// <summary>Bilinear upsampling of an image matches the per-pixel formula (the backend's row passes in PyTorch's weighting order).</summary>
    [Fact]
    public void Bilinear_of_an_image_matches_the_formula()
    {
        torch.manual_seed(5);
        var x = torch.randn([1, 3, 64, 48]);
        var y = F.interpolate(x, scale_factor: 2, mode: "bilinear");
        Assert.Equal(new long[] { 1, 3, 128, 96 }, y.shape.ToArray());
        var xs = x.to(torch.float64);
        foreach (var (c, oh, ow) in new[] { (0, 0L, 0L), (1, 127L, 95L), (2, 37L, 58L), (0, 64L, 1L) })
        {
            double sh = Math.Max((oh + 0.5) * 0.5 - 0.5, 0), sw = Math.Max((ow + 0.5) * 0.5 - 0.5, 0);
            long h0 = (long)sh, w0 = (long)sw, h1 = Math.Min(h0 + 1, 63), w1 = Math.Min(w0 + 1, 47);
            double lh = sh - h0, lw = sw - w0;
            double v(long h, long w) => xs[0, c, h, w].item<double>();
            double e = (1 - lh) * ((1 - lw) * v(h0, w0) + lw * v(h0, w1)) + lh * ((1 - lw) * v(h1, w0) + lw * v(h1, w1));
            Assert.Equal(e, y[0, c, oh, ow].item<float>(), 5);
        }
    }

    /// <summary>A backend applies tables without bounds checks per element, so a malformed table is refused up front.</summary>
    [Fact]
    public void Malformed_resample_tables_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new Backends.ResampleTable(2, [0, 1, 2], [1, 0, 1]));
        Assert.Throws<ArgumentException>(() => new Backends.ResampleTable(2, [0, 1], null));
        Assert.Throws<ArgumentException>(() => new Backends.ResampleTable(1, [0, 1], [1]));
        var x = torch.zeros([1, 3, 1]);
        var y = torch.zeros([1, 2, 1]);
        var ex = Assert.Throws<ArgumentException>(() => x.Backend.Resample(x, y, new Backends.ResampleTable(1, [0, 3], null)));
        Assert.Equal("resample: the table reads position 3 of a dim of 3", ex.Message);
        Assert.Throws<ArgumentException>(() => x.Backend.Resample(x, y, new Backends.ResampleTable(1, [-1, 0], [1, 1])));
        Assert.Throws<ArgumentException>(() => x.Backend.ResampleBackward(y, x, new Backends.ResampleTable(1, [0, 5], null)));
    }

    /// <summary>bfloat16 is weighted in float32 with bfloat16 weights and rounded once (PyTorch 2.x's kernels).</summary>
    [Theory]
    [InlineData("bilinear")]
    [InlineData("bicubic")]
    public void Bfloat16_interpolation_is_float32_rounded_once(string mode)
    {
        torch.manual_seed(7);
        var x = torch.randn([1, 2, 5, 4]).to(torch.bfloat16);
        var y = F.interpolate(x, size: (9, 7), mode: mode);
        Assert.Equal(torch.bfloat16, y.dtype);
        var e = F.interpolate(x.to(torch.float32), size: (9, 7), mode: mode);
        Assert.True(torch.allclose(y.to(torch.float32), e, rtol: 2e-2, atol: 2e-2));
        var xr = x.detach().requires_grad_(true);
        var g = torch.autograd.grad([F.interpolate(xr, size: (9, 7), mode: mode).sum()], [xr])[0]!;
        Assert.Equal(torch.bfloat16, g.dtype);
    }
}

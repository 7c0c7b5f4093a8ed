using Flint;
using Xunit;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Conv;

/// <summary>float64 gradchecks of the 1-d/3-d convolutions and poolings, max_unpool and lp_pool, and their meta shapes.</summary>
public class ConvPoolBehaviourTests
{
    private static Tensor R(params long[] shape) => torch.randn(shape, dtype: torch.float64).requires_grad_(true);

    [Fact]
    public void Conv3d_and_transposed_gradcheck()
    {
        torch.manual_seed(11);
        Assert.True(torch.autograd.gradcheck(a => F.conv3d(a[0], a[1], a[2], stride: new long[] { 2, 1, 1 }, padding: 1, dilation: new long[] { 1, 2, 1 }),
            [R(1, 2, 4, 5, 3), R(3, 2, 2, 2, 2), R(3)]));
        Assert.True(torch.autograd.gradcheck(a => F.conv3d(a[0], a[1], null, padding: "same", groups: 2), [R(4, 3, 3, 3), R(2, 2, 2, 3, 2)]));
        Assert.True(torch.autograd.gradcheck(a => F.conv_transpose1d(a[0], a[1], a[2], stride: 2, padding: 1, output_padding: 1, groups: 2),
            [R(2, 2, 4), R(2, 2, 3), R(4)]));
        Assert.True(torch.autograd.gradcheck(a => F.conv_transpose3d(a[0], a[1], a[2], stride: 2, padding: 1, output_padding: new long[] { 1, 0, 1 }, dilation: new long[] { 1, 1, 2 }),
            [R(1, 2, 2, 3, 2), R(2, 2, 2, 3, 2), R(2)]));
    }

    [Fact]
    public void Conv3d_gradgradcheck()
    {
        torch.manual_seed(12);
        Assert.True(torch.autograd.gradgradcheck(a => F.conv3d(a[0], a[1], a[2], stride: 2, padding: 1), [R(1, 2, 3, 3, 3), R(2, 2, 2, 2, 2), R(2)]));
        Assert.True(torch.autograd.gradgradcheck(a => F.conv_transpose3d(a[0], a[1], null, stride: 2), [R(1, 2, 2, 2, 2), R(2, 1, 2, 2, 2)]));
    }

    /// <summary>Distinct values, so that the maxima (and their finite differences) are unambiguous.</summary>
    private static Tensor Distinct(params long[] shape) =>
        (torch.randperm(shape.Aggregate(1L, (x, y) => x * y), dtype: torch.float64).reshape(shape) * 0.1 + torch.rand(shape, dtype: torch.float64) * 0.01)
        .requires_grad_(true);

    [Fact]
    public void Pooling_gradcheck()
    {
        torch.manual_seed(13);
        Assert.True(torch.autograd.gradcheck(a => F.max_pool3d(a[0], 3, stride: 2, padding: 1, dilation: new long[] { 1, 1, 2 }, ceil_mode: true), [Distinct(1, 2, 5, 4, 6)]));
        Assert.True(torch.autograd.gradcheck(a => F.avg_pool3d(a[0], 3, stride: 2, padding: 1, ceil_mode: true, count_include_pad: false), [R(1, 2, 5, 4, 6)]));
        Assert.True(torch.autograd.gradcheck(a => F.avg_pool3d(a[0], new long[] { 2, 1, 2 }, divisor_override: 3), [R(2, 4, 3, 4)]));
        Assert.True(torch.autograd.gradcheck(a => F.avg_pool1d(a[0], 3, stride: 2, padding: 1, count_include_pad: false), [R(2, 3, 7)]));
        Assert.True(torch.autograd.gradcheck(a => F.adaptive_avg_pool1d(a[0], 3), [R(2, 3, 7)]));
        Assert.True(torch.autograd.gradcheck(a => F.adaptive_avg_pool3d(a[0], new long[] { 2, 3, 2 }), [R(1, 2, 5, 4, 3)]));
        Assert.True(torch.autograd.gradcheck(a => F.adaptive_max_pool1d(a[0], 3), [Distinct(2, 2, 7)]));
        Assert.True(torch.autograd.gradcheck(a => F.adaptive_max_pool3d(a[0], new long[] { 2, 3, 2 }), [Distinct(1, 2, 5, 4, 3)]));
        Assert.True(torch.autograd.gradcheck(a => F.lp_pool1d(a[0], 2, 3, stride: 2), [(torch.rand(1, 2, 7, dtype: torch.float64) + 0.5).requires_grad_(true)]));
        Assert.True(torch.autograd.gradcheck(a => F.lp_pool2d(a[0], 3, new long[] { 2, 3 }), [(torch.rand(1, 2, 4, 6, dtype: torch.float64) + 0.5).requires_grad_(true)]));
    }

    [Fact]
    public void Pooling_gradgradcheck()
    {
        torch.manual_seed(14);
        Assert.True(torch.autograd.gradgradcheck(a => F.max_pool3d(a[0], 2), [Distinct(1, 2, 4, 4, 4)]));
        Assert.True(torch.autograd.gradgradcheck(a => F.avg_pool3d(a[0], 2, stride: 1, padding: 1), [R(1, 2, 3, 3, 3)]));
        Assert.True(torch.autograd.gradgradcheck(a => F.adaptive_avg_pool3d(a[0], 2), [R(1, 2, 3, 4, 3)]));
    }

    [Fact]
    public void Max_unpool_gradcheck_and_inverts_max_pool_at_the_maxima()
    {
        torch.manual_seed(15);
        var x = Distinct(1, 2, 4, 4, 4);
        var (y, idx) = F.max_pool3d_with_indices(x, 2);
        Assert.True(torch.autograd.gradcheck(a => F.max_unpool3d(a[0], idx, 2), [y.detach().requires_grad_(true)]));
        var (y2, i2) = F.max_pool2d_with_indices(x.select(2, 0), 2);
        Assert.True(torch.autograd.gradcheck(a => F.max_unpool2d(a[0], i2, 2), [y2.detach().requires_grad_(true)]));
        var (y1, i1) = F.adaptive_max_pool1d_with_indices(x.select(2, 0).select(2, 0), 2);
        Assert.True(torch.autograd.gradcheck(a => F.max_unpool1d(a[0], i1, 2), [y1.detach().requires_grad_(true)]));
        // pooling the unpooled tensor gives the pooled values back
        using var _ = torch.no_grad();
        var back = F.max_pool3d(F.max_unpool3d(y, idx, 2), 2);
        Assert.True(torch.equal(back, y));
    }

    [Fact]
    public void Meta_device_gives_the_shapes()
    {
        var x = torch.empty([2, 3, 5, 6, 7], device: "meta");
        var w = torch.empty([4, 3, 3, 2, 3], device: "meta");
        Assert.Equal(new long[] { 2, 4, 3, 5, 5 }, F.conv3d(x, w).shape);
        Assert.Equal(new long[] { 2, 2, 11, 12, 15 }, F.conv_transpose3d(x, torch.empty([3, 2, 3, 2, 3], device: "meta"), stride: 2).shape);
        Assert.Equal(new long[] { 2, 3, 2, 3, 3 }, F.max_pool3d(x, 2).shape);
        Assert.Equal(new long[] { 2, 3, 2, 3, 3 }, F.avg_pool3d(x, 2).shape);
        Assert.Equal(new long[] { 2, 3, 2, 2, 2 }, F.adaptive_avg_pool3d(x, 2).shape);
        Assert.Equal(new long[] { 2, 3, 3 }, F.avg_pool1d(torch.empty([2, 3, 7], device: "meta"), 2).shape);
        Assert.Equal(new long[] { 2, 4, 15 }, F.conv_transpose1d(torch.empty([2, 3, 7], device: "meta"), torch.empty([3, 4, 3], device: "meta"), stride: 2).shape);
        var pooled = torch.empty([2, 3, 2, 3, 3], device: "meta");
        var at = torch.empty([2, 3, 2, 3, 3], dtype: torch.int64, device: "meta");
        Assert.Equal(new long[] { 2, 3, 4, 6, 6 }, F.max_unpool3d(pooled, at, 2).shape);
    }
}

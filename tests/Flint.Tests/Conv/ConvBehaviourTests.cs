using Flint;
using Flint.Modules;
using Flint.Tests.Support;
using Xunit;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Conv;

public class ConvBehaviourTests
{
    internal static Sequential Cnn() => torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 3, padding: 1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 3, padding: 1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(3136, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10));

    private static Tensor R(params long[] shape) => torch.randn(shape, dtype: torch.float64).requires_grad_(true);

    [Fact]
    public void Grad_fn_names_match_pytorch()
    {
        torch.manual_seed(1);
        var x = torch.randn(2, 3, 8, 8).requires_grad_(true);
        var w = torch.randn(4, 3, 3, 3).requires_grad_(true);
        Assert.Equal("ConvolutionBackward0", F.conv2d(x, w).grad_fn!.name());
        Assert.Equal("SqueezeBackward1", F.conv2d(x.select(0, 0), w).grad_fn!.name());
        Assert.Equal("ConvolutionBackward0", F.conv1d(x.select(2, 0), w.select(2, 0)).grad_fn!.name());
        Assert.Equal("ConvolutionBackward0", F.conv_transpose2d(x, w.transpose(0, 1)).grad_fn!.name());
        var gx = torch.autograd.grad([F.conv2d(x, w).sum()], [x], create_graph: true)[0]!;
        Assert.Equal("ConvolutionBackwardBackward0", gx.grad_fn!.name());
        Assert.Equal("MaxPool2DWithIndicesBackward0", F.max_pool2d(x, 2).grad_fn!.name());
        Assert.Equal("SqueezeBackward1", F.max_pool1d(x.select(0, 0), 2).grad_fn!.name());
        Assert.Equal("AvgPool2DBackward0", F.avg_pool2d(x, 2).grad_fn!.name());
        Assert.Equal("AdaptiveAvgPool2DBackward0", F.adaptive_avg_pool2d(x, 3).grad_fn!.name());
        Assert.Equal("MeanBackward1", F.adaptive_avg_pool2d(x, 1).grad_fn!.name());
        Assert.Equal("AdaptiveMaxPool2DBackward0", F.adaptive_max_pool2d(x, 3).grad_fn!.name());
        var gm = torch.autograd.grad([F.max_pool2d(x, 2).sum()], [x], create_graph: true)[0]!;
        Assert.Equal("MaxPool2DWithIndicesBackwardBackward0", gm.grad_fn!.name());
        var ga = torch.autograd.grad([F.avg_pool2d(x, 2).sum()], [x], create_graph: true)[0]!;
        Assert.Equal("AvgPool2DBackwardBackward0", ga.grad_fn!.name());
    }

    [Fact]
    public void Conv_gradcheck()
    {
        torch.manual_seed(2);
        Assert.True(torch.autograd.gradcheck(a => F.conv2d(a[0], a[1], a[2], stride: (2, 1), padding: 1, dilation: (1, 2)), [R(2, 2, 5, 6), R(3, 2, 2, 3), R(3)]));
        Assert.True(torch.autograd.gradcheck(a => F.conv2d(a[0], a[1], null, padding: 1, groups: 2), [R(1, 4, 4, 4), R(4, 2, 3, 3)]));
        Assert.True(torch.autograd.gradcheck(a => F.conv2d(a[0], a[1], null, padding: "same"), [R(3, 5, 4), R(2, 3, 2, 2)]));
        Assert.True(torch.autograd.gradcheck(a => F.conv1d(a[0], a[1], a[2], stride: 2, padding: 1), [R(2, 2, 7), R(3, 2, 3), R(3)]));
        Assert.True(torch.autograd.gradcheck(a => F.conv_transpose2d(a[0], a[1], a[2], stride: 2, padding: 1, output_padding: 1, groups: 2),
            [R(2, 2, 3, 3), R(2, 2, 3, 3), R(4)]));
    }

    [Fact]
    public void Conv_gradgradcheck()
    {
        torch.manual_seed(3);
        Assert.True(torch.autograd.gradgradcheck(a => F.conv2d(a[0], a[1], a[2], stride: 2, padding: 1), [R(2, 2, 4, 4), R(3, 2, 3, 3), R(3)]));
        Assert.True(torch.autograd.gradgradcheck(a => F.conv_transpose2d(a[0], a[1], null, stride: 2, groups: 2), [R(1, 2, 3, 3), R(2, 1, 2, 2)]));
    }

    [Fact]
    public void Pool_gradcheck()
    {
        torch.manual_seed(4);
        Assert.True(torch.autograd.gradcheck(a => F.max_pool2d(a[0], 3, stride: 2, padding: 1, ceil_mode: true), [R(2, 2, 6, 7)]));
        Assert.True(torch.autograd.gradcheck(a => F.max_pool1d(a[0], 2, dilation: 2), [R(2, 7)]));
        Assert.True(torch.autograd.gradcheck(a => F.avg_pool2d(a[0], 3, stride: 2, padding: 1, ceil_mode: true, count_include_pad: false), [R(1, 2, 6, 5)]));
        Assert.True(torch.autograd.gradcheck(a => F.adaptive_avg_pool2d(a[0], (3, 2)), [R(2, 5, 7)]));
        Assert.True(torch.autograd.gradcheck(a => F.adaptive_max_pool2d(a[0], 2), [R(1, 2, 5, 5)]));
        Assert.True(torch.autograd.gradgradcheck(a => F.max_pool2d(a[0], 2), [R(1, 2, 4, 4)]));
        Assert.True(torch.autograd.gradgradcheck(a => F.avg_pool2d(a[0], 2, stride: 1, padding: 1), [R(1, 1, 3, 4)]));
        Assert.True(torch.autograd.gradgradcheck(a => F.adaptive_avg_pool2d(a[0], 2), [R(1, 1, 3, 5)]));
    }

    [Fact]
    public void Large_batch_runs_in_chunks_with_the_same_result()
    {
        // 40 × (16·9) × 64·64 columns exceed the column budget, so the batch is split
        torch.manual_seed(5);
        var x = torch.randn(40, 16, 64, 64);
        var w = torch.randn(4, 16, 3, 3).requires_grad_(true);
        var y = F.conv2d(x, w, null, padding: 1);
        var y0 = F.conv2d(x.narrow(0, 39, 1), w, null, padding: 1);
        Reference.AssertClose(y0, y.narrow(0, 39, 1), "last item", rtol: 1e-5, atol: 1e-4);
        var g = torch.autograd.grad([y.sum()], [w])[0]!;
        var gParts = torch.autograd.grad([F.conv2d(x.narrow(0, 0, 20), w, null, padding: 1).sum() + F.conv2d(x.narrow(0, 20, 20), w, null, padding: 1).sum()], [w])[0]!;
        Reference.AssertClose(gParts, g, "weight grad", rtol: 1e-4, atol: 1e-2);
    }

    [Fact]
    public void Cnn_trains_a_step()
    {
        torch.manual_seed(0);
        var model = Cnn();
        var x = torch.randn(4, 1, 28, 28);
        var target = torch.tensor(new long[] { 1, 7, 3, 0 });
        var opt = torch.optim.SGD(model.parameters(), lr: 0.05);
        double first = 0, last = 0;
        for (int i = 0; i < 3; i++)
        {
            opt.zero_grad();
            var loss = F.cross_entropy(model.forward(x), target);
            loss.backward();
            opt.step();
            if (i == 0) first = loss.item<double>();
            last = loss.item<double>();
        }
        Assert.True(last < first, $"loss did not decrease: {first} -> {last}");
        Assert.All(model.parameters(), p => Assert.NotNull(p.grad));
    }

    [Fact]
    public void Layers_work_unbatched_and_report_parameters()
    {
        torch.manual_seed(6);
        var conv = torch.nn.Conv2d(3, 5, 3, stride: 2, padding: 1);
        Assert.Equal(new long[] { 5, 4, 4 }, conv.forward(torch.randn(3, 8, 8)).shape.ToArray());
        Assert.Equal(2, conv.parameters().Count());
        var ct = torch.nn.ConvTranspose2d(5, 3, 3, stride: 2, padding: 1, output_padding: 1);
        Assert.Equal(new long[] { 2, 3, 8, 8 }, ct.forward(torch.randn(2, 5, 4, 4)).shape.ToArray());
        var (y, idx) = torch.nn.MaxPool2d(2).forward_with_indices(torch.randn(1, 2, 4, 4));
        Assert.Equal(new long[] { 1, 2, 2, 2 }, y.shape.ToArray());
        Assert.Equal(torch.int64, idx.dtype);
        Assert.Equal(new long[] { 2, 3, 1, 1 }, torch.nn.AdaptiveAvgPool2d(1).forward(torch.randn(2, 3, 5, 5)).shape.ToArray());
    }
}

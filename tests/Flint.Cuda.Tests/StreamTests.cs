using Xunit;

namespace Flint.Cuda.Tests;

public class StreamTests
{
    [Fact]
    public void WorkOnAStreamAndTimingEvents()
    {
        _ = Gpu.Cuda;
        var s = new torch.cuda.Stream();
        Assert.Equal(torch.cuda.default_stream(), torch.cuda.current_stream());
        var start = new torch.cuda.Event(enable_timing: true);
        var end = new torch.cuda.Event(enable_timing: true);
        Tensor y;
        using (torch.cuda.stream(s))
        {
            Assert.Equal(s, torch.cuda.current_stream());
            start.record();
            y = (torch.ones([256, 256], device: Gpu.Cuda) * 3).sum();
            end.record();
        }
        Assert.Equal(torch.cuda.default_stream(), torch.cuda.current_stream());
        end.synchronize();
        Assert.True(end.query());
        Assert.True(start.elapsed_time(end) >= 0);
        s.synchronize();
        torch.cuda.synchronize();
        Assert.Equal(196608f, y.item<float>());
        var untimed = new torch.cuda.Event();
        untimed.record();
        var e = Assert.Throws<InvalidOperationException>(() => untimed.elapsed_time(end));
        Assert.Equal("Both events must be created with argument 'enable_timing=True'.", e.Message);
    }
}

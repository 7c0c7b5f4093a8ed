using Xunit;

namespace Flint.Cuda.Tests;

public class DeviceAndCopyTests
{
    private static readonly DType[] AllTypes = [DType.Float32, DType.Float64, DType.Int64, DType.Int32, DType.Int16, DType.Int8, DType.UInt8, DType.Bool, DType.Float16, DType.BFloat16];

    [Fact]
    public void TheCpuAcceleratorIsTheCudaDevice()
    {
        _ = Gpu.Cuda;
        Assert.True(torch.cuda.is_available());
        Assert.Equal(1, torch.cuda.device_count());
        Assert.True(FlintCuda.IsCpuAccelerator);
        Assert.Contains("CPU accelerator", torch.cuda.get_device_name());
        string report = torch.cuda.explain();
        Assert.Contains("Flint.Cuda backend", report);
        Assert.Contains("cuBLAS: not used on ILGPU's CPU accelerator", report);
        var x = torch.zeros([2, 3], device: Gpu.Cuda);
        Assert.True(x.is_cuda);
        Assert.Equal("cuda:0", x.device.ToString());
    }

    [Fact]
    public void EveryDtypeRoundTrips()
    {
        foreach (var dt in AllTypes)
        {
            var x = Gpu.Edgy([3, 5], DType.Float32).to(dt);
            var d = x.to(Gpu.Cuda);
            Assert.Equal(dt, d.dtype);
            Gpu.Close(x, d, 0, 0);
        }
    }

    [Fact]
    public void StridedUploadsAndDownloads()
    {
        var x = Gpu.Edgy([4, 6], DType.Float64);
        // a transposed and a stepped slice go up; a transposed device tensor comes down
        Gpu.Close(x.t(), x.t().to(Gpu.Cuda), 0, 0);
        var stepped = x[.., TensorIndex.Slice(1, null, 2)];
        Gpu.Close(stepped, stepped.to(Gpu.Cuda), 0, 0);
        var d = x.to(Gpu.Cuda);
        Gpu.Close(x.t(), d.t(), 0, 0);
        Gpu.Close(x.t().contiguous(), d.t().contiguous(), 0, 0);
        // upload with a dtype change, and copy_ between devices both ways with broadcasting
        Gpu.Close(x.to(DType.Int32), x.to(Gpu.Cuda, DType.Int32), 0, 0);
        var target = torch.zeros([3, 4, 6], device: Gpu.Cuda);
        target.copy_(x);
        Gpu.Close(x.expand(3, 4, 6).@float(), target, 0, 0);
        var host = torch.zeros([4, 6], dtype: DType.Float32);
        host.copy_(d);
        Gpu.Close(x.@float(), host.to(Gpu.Cuda), 0, 0);
    }

    [Fact]
    public void ItemAndPrintingReadTheDevice()
    {
        var x = torch.tensor(new[] { 1.5f, -2f, 3.25f });
        var d = x.to(Gpu.Cuda);
        Assert.Equal(-2f, d[1].item<float>());
        Assert.Equal("tensor([ 1.5000, -2.0000,  3.2500], device='cuda:0')", d.ToString());
        Assert.Equal(7L, torch.tensor(new long[] { 7 }, device: Gpu.Cuda).item<long>());
        Assert.True(torch.ones([1], dtype: DType.Bool, device: Gpu.Cuda).item<bool>());
    }

    [Fact]
    public void FactoriesOnTheDevice()
    {
        Gpu.Same(dev => torch.zeros([3, 4], device: dev));
        Gpu.Same(dev => torch.ones([2, 0, 3], device: dev));
        Gpu.Same(dev => torch.full([5], 2.5, device: dev));
        Gpu.Same(dev => torch.full([2, 2], 7, dtype: DType.Int16, device: dev));
        Gpu.Same(dev => torch.arange(0, 10, 3, device: dev));
        Gpu.Same(dev => torch.arange(0.5, 3.0, 0.25, device: dev));
        Gpu.Same(dev => torch.zeros([4], dtype: DType.Bool, device: dev).fill_(true));
        Gpu.Same(dev => torch.empty([6], dtype: DType.Float16, device: dev).fill_(0.1));
        Gpu.Same(dev => torch.ones([3, 4], device: dev).t()[1..].fill_(-1));
        Gpu.Same(dev => torch.zeros_like(torch.ones([2, 3], device: dev), dtype: DType.Int64));
    }

    [Fact]
    public void ConversionsBetweenEveryPairFollowTheCpuCasts()
    {
        DType[] types = [DType.Float32, DType.Float64, DType.Int64, DType.Int32, DType.Int16, DType.Int8, DType.UInt8, DType.Bool];
        var values = torch.tensor(new[] { 0.0, -0.0, 1.0, -1.7, 2.9, 255.5, 256.0, -129.0, 40000.5, 3e9, -3e9, 1e19, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.2 });
        foreach (var from in types)
        {
            var src = values.to(from);
            // strided source: every other element, reversed order through a transposed 2-D view
            var srcStrided = src.view(4, 4).t();
            foreach (var to in types)
            {
                Gpu.Close(src.to(to), src.to(Gpu.Cuda).to(to), 0, 0);
                Gpu.Close(srcStrided.to(to), srcStrided.to(Gpu.Cuda).to(to), 0, 0);
            }
        }
    }

    [Fact]
    public void HalfConversionsOnTheDeviceAreRefusedNotWrong()
    {
        var d = torch.ones([3], device: Gpu.Cuda);
        var e = Assert.Throws<NotSupportedException>(() => d.half());
        Assert.Equal("converting float32 to float16 is not implemented for CUDA tensors in Flint yet", e.Message);
    }

    [Fact]
    public void MixingDevicesIsRefusedWithPyTorchsText()
    {
        var a = torch.ones([3], device: Gpu.Cuda);
        var b = torch.ones([3]);
        var e = Assert.ThrowsAny<Exception>(() => a + b);
        Assert.Equal("Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!", e.Message);
        var e2 = Assert.ThrowsAny<Exception>(() => torch.ones([2, 3], device: Gpu.Cuda).matmul(torch.ones([3, 2])));
        Assert.Contains("Expected all tensors to be on the same device, but found at least two devices", e2.Message);
        // the masked ops and index_put_ name the two devices too (they used to say CUDA was missing)
        var mask = torch.tensor(new[] { true, false, true });
        var e3 = Assert.ThrowsAny<Exception>(() => a.masked_fill(mask, 0));
        Assert.Equal("Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!", e3.Message);
        var e4 = Assert.ThrowsAny<Exception>(() => a.masked_fill_(mask, 0));
        Assert.Equal("Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!", e4.Message);
    }

    [Fact]
    public void SeamKernelsNotWrittenYetRefuseByName()
    {
        var x = torch.ones([4], device: Gpu.Cuda);
        var e = Assert.Throws<NotSupportedException>(() => x.sort());
        Assert.Equal("sort is not implemented for CUDA tensors in Flint yet", e.Message);
        var e2 = Assert.Throws<NotSupportedException>(() => x.cumsum(0));
        Assert.Equal("cumsum is not implemented for CUDA tensors in Flint yet", e2.Message);
        var e3 = Assert.Throws<NotSupportedException>(() => x.prod());
        Assert.Equal("prod is not implemented for CUDA tensors in Flint yet", e3.Message);
    }
}

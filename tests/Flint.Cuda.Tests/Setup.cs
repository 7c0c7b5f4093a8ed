using Flint.Cuda;
using Xunit;

// the memory statistics are process-wide: tests run one at a time
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Flint.Cuda.Tests;

/// <summary>The cuda device of these tests: ILGPU's CPU accelerator, registered once, and the comparisons with the CPU backend.</summary>
internal static class Gpu
{
    private static readonly Lazy<bool> Started = new(() => { FlintCuda.UseCpuAccelerator(); return true; });

    public static Device Cuda { get { _ = Started.Value; return new Device("cuda"); } }

    /// <summary>Runs <paramref name="f"/> on the CPU and on cuda (inputs made on the CPU, moved by <c>to</c>) and compares the results.</summary>
    public static void Same(Func<Device, Tensor> f, double rtol = 1e-5, double atol = 1e-6)
    {
        var cpu = f(Device.CPU);
        var dev = f(Cuda);
        Assert.Equal("cuda:0", dev.device.ToString());
        Close(cpu, dev, rtol, atol);
    }

    public static void Close(Tensor expected, Tensor onDevice, double rtol = 1e-5, double atol = 1e-6)
    {
        Assert.Equal(expected.dtype, onDevice.dtype);
        Assert.Equal(expected.shape, onDevice.shape);
        var back = onDevice.cpu();
        if (expected.dtype.is_floating_point)
            Assert.True(torch.allclose(expected.@double(), back.@double(), rtol, atol, equal_nan: true), $"expected\n{expected}\ngot\n{back}");
        else
            Assert.True(torch.equal(expected, back), $"expected\n{expected}\ngot\n{back}");
    }

    /// <summary>Values with the edge cases: zeros of both signs, NaN, infinities, tiny and large magnitudes.</summary>
    public static Tensor Edgy(long[] shape, DType dtype)
    {
        torch.manual_seed(7);
        var x = torch.randn(shape, dtype: DType.Float64) * 3;
        var flat = x.view(-1);
        double[] specials = [0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e-30, 1e30, -2.5];
        for (int i = 0; i < specials.Length && i < flat.shape[0]; i++) flat[i * 7 % flat.shape[0]].fill_(specials[i]);
        return x.to(dtype);
    }
}

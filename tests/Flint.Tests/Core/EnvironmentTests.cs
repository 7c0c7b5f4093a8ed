using Flint;
using Xunit;

namespace Flint.Tests.Core;

[Collection("KernelPaths")]
public class EnvironmentTests
{
    [Fact]
    public void CollectEnvHasTheKeyLines()
    {
        string r = torch.utils.collect_env();
        foreach (var key in new[] { "Flint version: " + torch.__version__, ".NET runtime: ", "OS: ", "Process architecture: ",
                     "CPU model: ", "AVX-512F: ", "AVX2: ", "FMA: ", "AdvSimd (Arm NEON): ", "Vector512.IsHardwareAccelerated: ",
                     "Vector256.IsHardwareAccelerated: ", "Kernel vector width: ",
                     "Logical processors: " + Environment.ProcessorCount, "Flint threads (torch.get_num_threads): ",
                     "Default dtype: torch.", "Is CUDA available: False", "CUDA status: ", "  CUDA driver library search:" })
            Assert.Contains(key, r);
        Assert.DoesNotContain("\r", r);
        if (File.Exists("/proc/cpuinfo") && CpuInfo.CpuModel() is string model)
            Assert.Contains("CPU model: " + model, r);
    }

    [Fact]
    public void CollectEnvComparesTheKernelWidthWithTheCpus()
    {
        string r = torch.utils.collect_env();
        int kernel = CpuInfo.KernelVectorBits();
        Assert.Contains("Kernel vector width: " + CpuInfo.KernelVectorWidth(), r);
        if (CpuInfo.CpuVectorBits() is not int cpu)
        {
            Assert.False(System.Runtime.Intrinsics.X86.X86Base.IsSupported);
            return;
        }
        // the JIT never uses vectors the CPU lacks; it may use narrower ones (DOTNET_ settings, 512-bit throttling CPUs)
        Assert.True(cpu >= kernel, $"CPUID {cpu} bits, kernels {kernel} bits");
        Assert.Contains($"CPU vector width (CPUID): {cpu} bits", r);
        Assert.Equal(cpu > kernel, r.Contains("Note: the CPU has"));
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported) Assert.Equal(512, cpu);
        else if (System.Runtime.Intrinsics.X86.Avx2.IsSupported) Assert.True(cpu >= 256);
    }

    [Fact]
    public void NumThreadsDefaultsToProcessorsAndValidates()
    {
        int before = torch.get_num_threads();
        try
        {
            Assert.True(before >= 1);
            torch.set_num_threads(3);
            Assert.Equal(3, torch.get_num_threads());
            Assert.Contains("Flint threads (torch.get_num_threads): 3", torch.utils.collect_env());
            var ex = Assert.Throws<ArgumentException>(() => torch.set_num_threads(0));
            Assert.Equal("set_num_threads expects a positive integer", ex.Message);
            Assert.Throws<ArgumentException>(() => torch.set_num_threads(-1));
            Assert.Equal(3, torch.get_num_threads());
        }
        finally { torch.set_num_threads(before); }
    }
}

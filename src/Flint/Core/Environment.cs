using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using X86 = System.Runtime.Intrinsics.X86;
using Arm = System.Runtime.Intrinsics.Arm;

namespace Flint;

/// <summary>Process-wide settings that kernels read: how many threads an op may use.</summary>
internal static class Threading
{
    private static volatile int numThreads = System.Environment.ProcessorCount;

    /// <summary>The number of threads a CPU kernel may use (torch.set_num_threads); at least 1.</summary>
    internal static int NumThreads
    {
        get => numThreads;
        set
        {
            if (value <= 0) throw new ArgumentException("set_num_threads expects a positive integer");
            numThreads = value;
        }
    }
}

public static partial class torch
{
    /// <summary>The number of threads Flint's CPU kernels may use (default: the logical processor count).</summary>
    public static int get_num_threads() => Threading.NumThreads;

    /// <summary>Sets the number of threads Flint's CPU kernels may use; kernels started afterwards read it.</summary>
    public static void set_num_threads(int num) => Threading.NumThreads = num;

    /// <summary>PyTorch's <c>torch.utils</c>.</summary>
    public static partial class utils
    {
        /// <summary>
        /// A report of the environment Flint runs in, for bug reports (like <c>python -m torch.utils.collect_env</c>):
        /// versions, OS, CPU and the SIMD features Flint's kernels use, threads, default dtype, and CUDA status.
        /// </summary>
        public static string collect_env()
        {
            var sb = new StringBuilder();
            void Line(string key, object value) => sb.Append(key).Append(": ").AppendLine(Convert.ToString(value, CultureInfo.InvariantCulture));
            static string YesNo(bool b) => b ? "Yes" : "No";

            Line("Flint version", __version__);
            Line(".NET runtime", $"{RuntimeInformation.FrameworkDescription} ({System.Environment.Version})");
            Line("OS", RuntimeInformation.OSDescription);
            Line("Process architecture", RuntimeInformation.ProcessArchitecture);
            Line("CPU model", CpuInfo.CpuModel() ?? "unknown");
            Line("AVX-512F", YesNo(X86.Avx512F.IsSupported));
            Line("AVX2", YesNo(X86.Avx2.IsSupported));
            Line("FMA", YesNo(X86.Fma.IsSupported));
            Line("AdvSimd (Arm NEON)", YesNo(Arm.AdvSimd.IsSupported));
            Line("Vector512.IsHardwareAccelerated", Vector512.IsHardwareAccelerated);
            Line("Vector256.IsHardwareAccelerated", Vector256.IsHardwareAccelerated);
            Line("Vector128.IsHardwareAccelerated", Vector128.IsHardwareAccelerated);
            Line("Kernel vector width", CpuInfo.KernelVectorWidth());
            if (CpuInfo.CpuVectorBits() is int cpuBits)
            {
                Line("CPU vector width (CPUID)", $"{cpuBits} bits");
                if (cpuBits > CpuInfo.KernelVectorBits())
                    Line("Note", $"the CPU has {cpuBits}-bit vectors but this build's kernels use {CpuInfo.KernelVectorBits()} bits: a NativeAOT app compiled "
                        + "for an older CPU (set IlcInstructionSet in the app's project, see README \"NativeAOT and trimming\"), DOTNET_EnableAVX* "
                        + "or DOTNET_PreferredVectorBitWidth settings, or the JIT keeping to 256 bits on a CPU that slows down with 512-bit vectors");
            }
            Line("Logical processors", System.Environment.ProcessorCount);
            Line("Flint threads (torch.get_num_threads)", get_num_threads());
            Line("Default dtype", get_default_dtype());
            Line("Is CUDA available", cuda.is_available() ? "True" : "False");
            Line("CUDA status", Backends.Cuda.CudaRuntime.Why(Backends.Cuda.CudaRuntime.Result));
            foreach (var line in cuda.explain().Split('\n', StringSplitOptions.RemoveEmptyEntries))
                sb.Append("  ").AppendLine(line.TrimEnd('\r'));
            return sb.ToString();
        }

    }
}

/// <summary>What collect_env reports about the processor: the kernels' vector width, the CPU's own (CPUID), its model name.</summary>
internal static class CpuInfo
{
    /// <summary>
    /// The widest vectors the vectorized kernels (Flint's and TensorPrimitives) use in this process. Under the JIT
    /// that is what the CPU and OS offer; under NativeAOT it is what the app was compiled for (IlcInstructionSet).
    /// </summary>
    internal static string KernelVectorWidth() => KernelVectorBits() switch
    {
        512 => "512 bits (Vector512)",
        256 => "256 bits (Vector256)",
        128 => "128 bits (Vector128)",
        _ => "none (scalar loops)",
    };

    internal static int KernelVectorBits() =>
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 0;

    /// <summary>
    /// The widest float vectors the x86 processor itself reports (CPUID: AVX-512F, AVX2, else SSE2's 128 bits),
    /// whatever this build uses; null off x86. CPUID is asked directly because under NativeAOT the ISA classes'
    /// IsSupported only tell what the app was compiled for.
    /// </summary>
    internal static int? CpuVectorBits()
    {
        if (!X86.X86Base.IsSupported) return null;
        var (_, _, ecx1, _) = X86.X86Base.CpuId(1, 0);
        bool osXsave = (ecx1 & (1 << 27)) != 0, avx = (ecx1 & (1 << 28)) != 0;
        if (!osXsave || !avx) return 128;
        var (_, ebx7, _, _) = X86.X86Base.CpuId(7, 0);
        if ((ebx7 & (1 << 16)) != 0) return 512;
        return (ebx7 & (1 << 5)) != 0 ? 256 : 128;
    }

    /// <summary>The CPU's model name from /proc/cpuinfo (Linux) or PROCESSOR_IDENTIFIER (Windows); null if unreadable.</summary>
    internal static string? CpuModel()
    {
        try
        {
            if (OperatingSystem.IsWindows())
                return System.Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER");
            if (!File.Exists("/proc/cpuinfo")) return null;
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                int colon = line.IndexOf(':');
                if (colon < 0) continue;
                string key = line[..colon].Trim();
                if (key is "model name" or "Model" or "Hardware" or "cpu model")
                    return line[(colon + 1)..].Trim();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }
}

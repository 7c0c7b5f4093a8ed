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
            Line("CPU model", CpuModel() ?? "unknown");
            Line("AVX-512F", YesNo(X86.Avx512F.IsSupported));
            Line("AVX2", YesNo(X86.Avx2.IsSupported));
            Line("FMA", YesNo(X86.Fma.IsSupported));
            Line("AdvSimd (Arm NEON)", YesNo(Arm.AdvSimd.IsSupported));
            Line("Vector512.IsHardwareAccelerated", Vector512.IsHardwareAccelerated);
            Line("Vector256.IsHardwareAccelerated", Vector256.IsHardwareAccelerated);
            Line("Vector128.IsHardwareAccelerated", Vector128.IsHardwareAccelerated);
            Line("Kernel vector width", KernelVectorWidth());
            Line("Logical processors", System.Environment.ProcessorCount);
            Line("Flint threads (torch.get_num_threads)", get_num_threads());
            Line("Default dtype", get_default_dtype());
            Line("Is CUDA available", cuda.is_available() ? "True" : "False");
            Line("CUDA status", Backends.Cuda.CudaRuntime.Why(Backends.Cuda.CudaRuntime.Result));
            foreach (var line in cuda.explain().Split('\n', StringSplitOptions.RemoveEmptyEntries))
                sb.Append("  ").AppendLine(line.TrimEnd('\r'));
            return sb.ToString();
        }

        /// <summary>The widest vectors the vectorized kernels (TensorPrimitives) use on this CPU.</summary>
        internal static string KernelVectorWidth() =>
            Vector512.IsHardwareAccelerated ? "512 bits (Vector512)"
            : Vector256.IsHardwareAccelerated ? "256 bits (Vector256)"
            : Vector128.IsHardwareAccelerated ? "128 bits (Vector128)"
            : "none (scalar loops)";

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
}

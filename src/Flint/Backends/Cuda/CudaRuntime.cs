using System.Runtime.InteropServices;
using System.Text;

namespace Flint.Backends.Cuda;

/// <summary>
/// Finds the NVIDIA driver. Flint ships no native code: a CUDA backend talks to libcuda through P/Invoke.
/// Until that backend lands, this probe explains exactly what was found, so asking for CUDA fails with a reason.
/// </summary>
internal static class CudaRuntime
{
    private static readonly string[] DriverNames = OperatingSystem.IsWindows()
        ? ["nvcuda.dll"]
        : ["libcuda.so.1", "libcuda.so"];

    private static readonly Lazy<(bool found, string report)> Probe = new(RunProbe);

    private static (bool, string) RunProbe()
    {
        var sb = new StringBuilder();
        bool found = false;
        foreach (var name in DriverNames)
        {
            if (NativeLibrary.TryLoad(name, out var h))
            {
                sb.AppendLine($"  {name}: found");
                NativeLibrary.Free(h);
                found = true;
                break;
            }
            sb.AppendLine($"  {name}: not found");
        }
        return (found, sb.ToString());
    }

    internal static bool DriverFound => Probe.Value.found;

    /// <summary>A multi-line report of what was looked for and what was found.</summary>
    internal static string Report()
    {
        var sb = new StringBuilder();
        sb.AppendLine("CUDA driver library search:");
        sb.Append(Probe.Value.report);
        if (!DriverFound)
            sb.AppendLine("No NVIDIA driver library was found: this machine has no NVIDIA GPU, or its driver is not installed. CUDA is unavailable.");
        else
            sb.AppendLine("The NVIDIA driver is present, but this build of Flint has no CUDA backend yet: tensors stay on the CPU.");
        return sb.ToString();
    }

    internal static Exception Unavailable()
    {
        string why = DriverFound
            ? "the NVIDIA driver was found, but this build of Flint has no CUDA backend yet"
            : "no NVIDIA driver library (libcuda.so.1) was found on this machine, so there is no GPU to use";
        return new InvalidOperationException(
            $"Torch not compiled with CUDA enabled: {why}. Call torch.cuda.is_available() before using a CUDA device, and torch.cuda.explain() to see what was searched.");
    }
}

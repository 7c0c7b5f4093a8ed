using System.Runtime.CompilerServices;
using Flint.Backends;
using Flint.Backends.Cuda;

namespace Flint.Cuda;

/// <summary>
/// Installs the CUDA backend for the <c>cuda</c> device. Flint loads this assembly the first time a CUDA device is
/// asked for, which registers the backend when ILGPU finds an NVIDIA GPU; with the environment variable
/// FLINT_CUDA_CPU_ACCELERATOR=1 (or <see cref="UseCpuAccelerator"/>), ILGPU's CPU accelerator serves as the device
/// instead, running the same kernels on the CPU (for tests on machines without a GPU).
/// </summary>
public static class FlintCuda
{
    private static readonly object Gate = new();
    private static CudaBackend? backend;
    private static string status = "not started";

    /// <summary>The environment variable that makes ILGPU's CPU accelerator the <c>cuda</c> device.</summary>
    public const string CpuAcceleratorVariable = "FLINT_CUDA_CPU_ACCELERATOR";

    /// <summary>True when a backend is registered for the <c>cuda</c> device.</summary>
    public static bool IsRegistered { get { lock (Gate) return backend is not null; } }

    /// <summary>True when the registered device is ILGPU's CPU accelerator rather than a GPU.</summary>
    public static bool IsCpuAccelerator { get { lock (Gate) return backend?.Dev.IsCpuAccelerator ?? false; } }

    /// <summary>What the last registration attempt chose, or why it registered nothing.</summary>
    public static string Status { get { lock (Gate) return status; } }

    /// <summary>Registers the backend on the first NVIDIA GPU (or, when FLINT_CUDA_CPU_ACCELERATOR=1, the CPU accelerator); false when there is none.</summary>
    public static bool Register()
    {
        bool cpu = Environment.GetEnvironmentVariable(CpuAcceleratorVariable) == "1";
        return Start(allowCpu: cpu, preferCpu: cpu);
    }

    /// <summary>Registers ILGPU's CPU accelerator as the <c>cuda</c> device (kernels run on the CPU: for tests).</summary>
    public static void UseCpuAccelerator()
    {
        if (!Start(allowCpu: true, preferCpu: true)) throw new InvalidOperationException("ILGPU's CPU accelerator could not start: " + Status);
    }

    private static bool Start(bool allowCpu, bool preferCpu)
    {
        lock (Gate)
        {
            if (backend is not null && (!preferCpu || backend.Dev.IsCpuAccelerator)) return true;
            if (backend is not null) { status = "a GPU is already registered"; return true; }
            var dev = CudaDevice.Create(allowCpu, preferCpu, out var why);
            status = why;
            if (dev is null) return false;
            backend = new CudaBackend(dev);
            BackendRegistry.Register(DeviceType.CUDA, backend);
            CudaHooks.Runtime = new Runtime(backend);
            return true;
        }
    }

#pragma warning disable CA2255 // the backend registers itself when Flint loads this assembly
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void OnLoad()
    {
        try { Register(); }
        catch (Exception e) when (e is not OutOfMemoryException) { lock (Gate) status = $"registration failed: {e.Message}"; }
    }
}

using System.Reflection;
using System.Runtime.CompilerServices;

namespace Flint.Backends.Cuda;

/// <summary>
/// What <c>torch.cuda</c> asks of an installed CUDA backend (the Flint.Cuda package): device count and names,
/// synchronization, streams, events and the caching allocator's statistics. The core library holds no GPU code:
/// the backend sets <see cref="CudaHooks.Runtime"/> when it registers.
/// </summary>
internal interface ICudaRuntime
{
    int DeviceCount { get; }
    string DeviceName(int device);
    void Synchronize();
    long MemoryAllocated { get; }
    long MaxMemoryAllocated { get; }
    long MemoryReserved { get; }
    long MaxMemoryReserved { get; }
    void EmptyCache();
    void ResetPeakMemoryStats();
    /// <summary>A new stream of the device (an opaque handle for torch.cuda.Stream).</summary>
    object CreateStream();
    object CurrentStream { get; }
    object DefaultStream { get; }
    /// <summary>Makes <paramref name="stream"/> current on this thread; returns the previous one.</summary>
    object SetCurrentStream(object stream);
    void SynchronizeStream(object stream);
    /// <summary>A new event handle; <paramref name="timing"/>: it can measure elapsed time.</summary>
    object CreateEvent(bool timing);
    void RecordEvent(object evt, object stream);
    void SynchronizeEvent(object evt);
    bool EventQuery(object evt);
    double ElapsedMs(object start, object end);
    /// <summary>What the backend found and chose (the accelerator, the GEMM library), for torch.cuda.explain().</summary>
    string Report();
}

/// <summary>Finds the CUDA backend: the Flint.Cuda assembly, when the application ships it, registers itself on load.</summary>
internal static class CudaHooks
{
    /// <summary>Set by the CUDA backend when it registers for <see cref="DeviceType.CUDA"/>.</summary>
    internal static volatile ICudaRuntime? Runtime;

    private static int loadTried;

    /// <summary>
    /// Loads the Flint.Cuda assembly once when it is beside the application and runs its registration; does nothing
    /// under native AOT (the backend compiles kernels at run time) or when the assembly is absent.
    /// </summary>
    internal static ICudaRuntime? EnsureLoaded()
    {
        if (Runtime is { } r) return r;
        if (!RuntimeFeature.IsDynamicCodeSupported || Interlocked.Exchange(ref loadTried, 1) != 0) return Runtime;
        try
        {
            var asm = Assembly.Load(new AssemblyName("Flint.Cuda"));
            RuntimeHelpers.RunModuleConstructor(asm.ManifestModule.ModuleHandle);
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException) { }
        return Runtime;
    }

    /// <summary>The installed runtime, or the reason CUDA cannot be used.</summary>
    internal static ICudaRuntime Require() => EnsureLoaded() ?? throw CudaRuntime.Unavailable();
}

/// <summary>The scope of <c>torch.cuda.stream(s)</c>: disposing it makes the previous stream current again.</summary>
internal sealed class CudaStreamScope(ICudaRuntime rt, object previous) : IDisposable
{
    private bool done;
    public void Dispose() { if (!done) { done = true; rt.SetCurrentStream(previous); } }
}

using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace Flint.Cuda;

/// <summary>
/// The ILGPU context and accelerator behind the <c>cuda</c> device: an NVIDIA GPU when the driver reports one, else
/// (only when asked: tests, FLINT_CUDA_CPU_ACCELERATOR=1) ILGPU's CPU accelerator, which runs the same kernels on
/// the CPU. Owns the caching allocator and the streams.
/// </summary>
internal sealed class CudaDevice
{
    public readonly Context Context;
    public readonly Accelerator Accelerator;
    public readonly CachingAllocator Allocator;
    /// <summary>True when the kernels run on ILGPU's CPU accelerator rather than a GPU.</summary>
    public readonly bool IsCpuAccelerator;
    public readonly string Name;

    [ThreadStatic] private static AcceleratorStream? current;

    private CudaDevice(Context context, Accelerator accelerator, bool cpu)
    {
        Context = context;
        Accelerator = accelerator;
        IsCpuAccelerator = cpu;
        Allocator = new CachingAllocator(accelerator);
        Name = cpu ? $"ILGPU CPU accelerator ({accelerator.Name})" : accelerator.Name;
    }

    /// <summary>The stream kernels are queued on from this thread.</summary>
    public AcceleratorStream CurrentStream
    {
        get => current ?? Accelerator.DefaultStream;
        set => current = value;
    }

    /// <summary>
    /// The device: the first CUDA GPU ILGPU finds, else the CPU accelerator when <paramref name="allowCpu"/>; null
    /// (with the reason in <paramref name="why"/>) when neither.
    /// </summary>
    public static CudaDevice? Create(bool allowCpu, bool preferCpu, out string why)
    {
        Context? context = null;
        try
        {
            // O0: ILGPU 1.5.3's if-conversion pass fails (NullReferenceException) on some of these kernels
            context = Context.Create(b => b.Cuda().CPU().EnableAlgorithms().Profiling().Optimize(OptimizationLevel.O0));
            if (!preferCpu && context.GetCudaDevices().Count > 0)
            {
                var acc = context.GetCudaDevice(0).CreateAccelerator(context);
                why = $"CUDA device 0: {acc.Name}";
                return new CudaDevice(context, acc, cpu: false);
            }
            if (!allowCpu)
            {
                why = "ILGPU found no CUDA device";
                context.Dispose();
                return null;
            }
            var cpuAcc = context.CreateCPUAccelerator(0);
            why = "ILGPU's CPU accelerator (asked for; no GPU is used)";
            return new CudaDevice(context, cpuAcc, cpu: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            context?.Dispose();
            why = $"ILGPU could not start: {e.GetType().Name}: {e.Message}";
            return null;
        }
    }
}

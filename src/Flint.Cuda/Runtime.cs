using System.Text;
using Flint.Backends.Cuda;
using ILGPU.Runtime;

namespace Flint.Cuda;

/// <summary>torch.cuda's view of the backend: devices, synchronization, streams, events and memory statistics.</summary>
internal sealed class Runtime(CudaBackend backend) : ICudaRuntime
{
    private CudaDevice Dev => backend.Dev;

    public int DeviceCount => 1;
    public string DeviceName(int device) => device == 0 ? Dev.Name : throw new ArgumentException($"Invalid device id {device}: Flint's CUDA backend uses device 0");
    public void Synchronize() => Dev.Accelerator.Synchronize();
    public long MemoryAllocated => Dev.Allocator.Allocated;
    public long MaxMemoryAllocated => Dev.Allocator.MaxAllocated;
    public long MemoryReserved => Dev.Allocator.Reserved;
    public long MaxMemoryReserved => Dev.Allocator.MaxReserved;
    public void EmptyCache() => Dev.Allocator.EmptyCache();
    public void ResetPeakMemoryStats() => Dev.Allocator.ResetPeaks();

    public object CreateStream() => Dev.Accelerator.CreateStream();
    public object CurrentStream => Dev.CurrentStream;
    public object DefaultStream => Dev.Accelerator.DefaultStream;

    public object SetCurrentStream(object stream)
    {
        var prev = Dev.CurrentStream;
        Dev.CurrentStream = (AcceleratorStream)stream;
        return prev;
    }

    public void SynchronizeStream(object stream) => ((AcceleratorStream)stream).Synchronize();

    private sealed class EventHandle(ProfilingMarker marker)
    {
        public readonly ProfilingMarker Marker = marker;
        public bool Done;
    }

    public object CreateEvent(bool timing) => new EventBox();

    private sealed class EventBox { public EventHandle? Handle; }

    public void RecordEvent(object evt, object stream) => ((EventBox)evt).Handle = new EventHandle(((AcceleratorStream)stream).AddProfilingMarker());

    public void SynchronizeEvent(object evt)
    {
        if (((EventBox)evt).Handle is { } h) { h.Marker.Synchronize(); h.Done = true; }
    }

    // ILGPU's markers cannot be polled: asking waits for the event (so the answer is always true once it returns)
    public bool EventQuery(object evt)
    {
        SynchronizeEvent(evt);
        return true;
    }

    public double ElapsedMs(object start, object end)
    {
        var (s, e) = (((EventBox)start).Handle!, ((EventBox)end).Handle!);
        s.Marker.Synchronize();
        e.Marker.Synchronize();
        return e.Marker.MeasureFrom(s.Marker).TotalMilliseconds;
    }

    public string Report()
    {
        var sb = new StringBuilder();
        sb.AppendLine("Flint.Cuda backend: " + FlintCuda.Status);
        sb.AppendLine($"  device 0: {Dev.Name} ({Dev.Accelerator.AcceleratorType}, {CachingAllocator.Format(Dev.Accelerator.MemorySize)})");
        sb.Append(Cublas.Report(Dev.IsCpuAccelerator));
        return sb.ToString();
    }
}

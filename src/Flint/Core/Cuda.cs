using Flint.Backends.Cuda;

namespace Flint;

public static partial class torch
{
    /// <summary>
    /// PyTorch's <c>torch.cuda</c>: whether a GPU can be used (and why not), synchronization, streams, events and
    /// the caching allocator's statistics. The GPU backend is the Flint.Cuda package; without it (or without a GPU)
    /// <see cref="is_available"/> is false and the statistics are 0, as in PyTorch before CUDA is initialized.
    /// </summary>
    public static class cuda
    {
        /// <summary>True when a CUDA device can hold tensors. False on machines without an NVIDIA driver or without the Flint.Cuda package.</summary>
        public static bool is_available() => CudaHooks.EnsureLoaded() is { DeviceCount: > 0 };

        /// <summary>The number of CUDA devices, as <c>torch.cuda.device_count()</c>: 0 when no CUDA backend is installed.</summary>
        public static int device_count() => CudaHooks.EnsureLoaded()?.DeviceCount ?? 0;

        /// <summary>The index of the current device (Flint uses device 0).</summary>
        public static int current_device() { CudaHooks.Require(); return 0; }

        /// <summary>The name of the device, as <c>torch.cuda.get_device_name()</c>.</summary>
        public static string get_device_name(int device = 0) => CudaHooks.Require().DeviceName(device);

        /// <summary>What Flint looked for to use CUDA and what it found, as text for a person to read.</summary>
        public static string explain() => CudaHooks.EnsureLoaded() is { } r ? r.Report() : CudaRuntime.Report();

        /// <summary>Waits for every kernel queued on every stream of the device, as <c>torch.cuda.synchronize()</c>.</summary>
        public static void synchronize() => CudaHooks.Require().Synchronize();

        /// <summary>Bytes of device memory held by tensors now, as <c>torch.cuda.memory_allocated()</c>.</summary>
        public static long memory_allocated() => CudaHooks.EnsureLoaded()?.MemoryAllocated ?? 0;

        /// <summary>The peak of <see cref="memory_allocated"/> since the start or the last <see cref="reset_peak_memory_stats"/>.</summary>
        public static long max_memory_allocated() => CudaHooks.EnsureLoaded()?.MaxMemoryAllocated ?? 0;

        /// <summary>Bytes of device memory the caching allocator holds (in use or cached for reuse), as <c>torch.cuda.memory_reserved()</c>.</summary>
        public static long memory_reserved() => CudaHooks.EnsureLoaded()?.MemoryReserved ?? 0;

        /// <summary>The peak of <see cref="memory_reserved"/>.</summary>
        public static long max_memory_reserved() => CudaHooks.EnsureLoaded()?.MaxMemoryReserved ?? 0;

        /// <summary>Returns the cached blocks no tensor uses to the device, as <c>torch.cuda.empty_cache()</c>.</summary>
        public static void empty_cache() => CudaHooks.EnsureLoaded()?.EmptyCache();

        /// <summary>Starts the peaks of the memory statistics again from the current values.</summary>
        public static void reset_peak_memory_stats() => CudaHooks.EnsureLoaded()?.ResetPeakMemoryStats();

        /// <summary>The stream kernels are queued on from this thread, as <c>torch.cuda.current_stream()</c>.</summary>
        public static Stream current_stream() => new(CudaHooks.Require().CurrentStream);

        /// <summary>The device's default stream, as <c>torch.cuda.default_stream()</c>.</summary>
        public static Stream default_stream() => new(CudaHooks.Require().DefaultStream);

        /// <summary>Makes <paramref name="s"/> the current stream until the returned scope is disposed, as <c>with torch.cuda.stream(s):</c>.</summary>
        public static IDisposable stream(Stream s)
        {
            ArgumentNullException.ThrowIfNull(s);
            var rt = CudaHooks.Require();
            return new CudaStreamScope(rt, rt.SetCurrentStream(s.Handle));
        }

        /// <summary>A queue of kernels on the device, as <c>torch.cuda.Stream</c>: work on one stream runs in order.</summary>
        public sealed class Stream
        {
            internal object Handle { get; }
            internal Stream(object handle) => Handle = handle;
            /// <summary>A new stream on the current device.</summary>
            public Stream() => Handle = CudaHooks.Require().CreateStream();
            /// <summary>Waits until every kernel queued on this stream has finished.</summary>
            public void synchronize() => CudaHooks.Require().SynchronizeStream(Handle);
            /// <summary>Records a new event on this stream and returns it.</summary>
            public Event record_event(Event? @event = null) { var e = @event ?? new Event(); e.record(this); return e; }
            /// <inheritdoc/>
            public override bool Equals(object? obj) => obj is Stream s && ReferenceEquals(s.Handle, Handle);
            /// <inheritdoc/>
            public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Handle);
            /// <inheritdoc/>
            public override string ToString() => $"<torch.cuda.Stream device=cuda:0 cuda_stream={Handle}>";
        }

        /// <summary>A marker in a stream, as <c>torch.cuda.Event</c>: synchronize on it, or time the work between two.</summary>
        public sealed class Event
        {
            private readonly ICudaRuntime rt;
            private readonly bool timing;
            private object? handle;

            /// <summary>A new event; <paramref name="enable_timing"/> lets <see cref="elapsed_time"/> measure it.</summary>
            public Event(bool enable_timing = false) { rt = CudaHooks.Require(); timing = enable_timing; }

            /// <summary>Records the event on <paramref name="stream"/> (the current stream by default).</summary>
            public void record(Stream? stream = null)
            {
                handle = rt.CreateEvent(timing);
                rt.RecordEvent(handle, (stream ?? current_stream()).Handle);
            }

            /// <summary>Waits until the work recorded before this event has finished.</summary>
            public void synchronize() { if (handle is not null) rt.SynchronizeEvent(handle); }

            /// <summary>True when the work recorded before this event has finished.</summary>
            public bool query() => handle is null || rt.EventQuery(handle);

            /// <summary>Milliseconds between this event and <paramref name="end_event"/>, both recorded and with timing enabled.</summary>
            public double elapsed_time(Event end_event)
            {
                ArgumentNullException.ThrowIfNull(end_event);
                if (!timing || !end_event.timing)
                    throw new InvalidOperationException("Both events must be created with argument 'enable_timing=True'.");
                if (handle is null || end_event.handle is null)
                    throw new InvalidOperationException("Both events must be recorded before calculating elapsed time.");
                return rt.ElapsedMs(handle, end_event.handle);
            }
        }
    }
}

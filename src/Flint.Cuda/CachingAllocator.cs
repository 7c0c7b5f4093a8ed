using ILGPU;
using ILGPU.Runtime;

namespace Flint.Cuda;

/// <summary>A block of device memory from the caching allocator: its buffer, its size class and the stream it was last used on.</summary>
internal sealed class Block(MemoryBuffer1D<byte, Stride1D.Dense> buffer, long size, AcceleratorStream stream)
{
    public readonly MemoryBuffer1D<byte, Stride1D.Dense> Buffer = buffer;
    /// <summary>The size class: the buffer's length in bytes.</summary>
    public readonly long Size = size;
    /// <summary>The stream the block is ordered on: a freed block is handed out again only to allocations on it.</summary>
    public AcceleratorStream Stream = stream;
    /// <summary>The bytes counted as allocated while a storage holds the block (the request rounded to 512).</summary>
    public long Counted;
}

/// <summary>
/// Device memory in size classes, reused without going back to the driver: a freed block waits in a free list of its
/// size and stream, and an allocation on that stream takes it. Reuse on the same stream needs no synchronization:
/// the stream runs the kernels that used the block before those of its next owner (PyTorch's stream-ordered
/// caching). Requests are rounded up to 512 bytes; above 1 MiB the size classes are multiples of 2 MiB.
/// Frees may come from the finalizer thread: every method takes the lock.
/// </summary>
internal sealed class CachingAllocator(Accelerator accelerator)
{
    private const long SmallLimit = 1 << 20, SmallRound = 512, LargeRound = 2 << 20;
    private readonly object gate = new();
    private readonly Dictionary<(long size, AcceleratorStream stream), Stack<Block>> free = new();
    // the blocks storages hold: ILGPU's buffers free their memory in their own finalizers, so a buffer must stay
    // reachable from here while its storage lives, else the GC could finalize both together and hand a freed buffer back
    private readonly HashSet<Block> live = new(ReferenceEqualityComparer.Instance);
    private long allocated, maxAllocated, reserved, maxReserved;

    /// <summary>When set (tests), the device is taken to have this many bytes: a request past it fails as the device's would.</summary>
    internal long? LimitBytes;

    /// <summary>Counted in the statistics: the bytes tensors hold (rounded to 512).</summary>
    public long Allocated { get { lock (gate) return allocated; } }
    /// <summary>The peak of <see cref="Allocated"/>.</summary>
    public long MaxAllocated { get { lock (gate) return maxAllocated; } }
    /// <summary>The bytes of every block held, in use or cached.</summary>
    public long Reserved { get { lock (gate) return reserved; } }
    /// <summary>The peak of <see cref="Reserved"/>.</summary>
    public long MaxReserved { get { lock (gate) return maxReserved; } }

    /// <summary>The size class of a request of <paramref name="bytes"/> bytes.</summary>
    internal static long SizeClass(long bytes)
    {
        long b = Math.Max(bytes, 1);
        return b <= SmallLimit ? (b + SmallRound - 1) / SmallRound * SmallRound : (b + LargeRound - 1) / LargeRound * LargeRound;
    }

    /// <summary>A block of at least <paramref name="bytes"/> bytes ordered on <paramref name="stream"/>: a cached one, else new memory; on failure the cache and the GC's garbage are released and it tries again.</summary>
    public Block Allocate(long bytes, AcceleratorStream stream)
    {
        long size = SizeClass(bytes);
        long counted = (Math.Max(bytes, 1) + SmallRound - 1) / SmallRound * SmallRound;
        lock (gate)
        {
            if (free.TryGetValue((size, stream), out var st) && st.Count > 0)
            {
                var b = st.Pop();
                live.Add(b);
                Count(b, counted);
                return b;
            }
        }
        var buffer = TryNew(size) ?? Retry(size, bytes);
        var block = new Block(buffer, size, stream);
        lock (gate)
        {
            reserved += size;
            maxReserved = Math.Max(maxReserved, reserved);
            live.Add(block);
            Count(block, counted);
        }
        return block;
    }

    private void Count(Block b, long counted)
    {
        b.Counted = counted;
        allocated += counted;
        maxAllocated = Math.Max(maxAllocated, allocated);
    }

    private MemoryBuffer1D<byte, Stride1D.Dense>? TryNew(long size)
    {
        lock (gate)
            if (LimitBytes is long cap && reserved + size > cap) return null;
        try { return accelerator.Allocate1D<byte>(size); }
        catch (Exception e) when (e is OutOfMemoryException or AcceleratorException or InsufficientExecutionStackException) { return null; }
    }

    // what PyTorch does before it reports out of memory: free the cache; here also let the GC collect dead tensors
    private MemoryBuffer1D<byte, Stride1D.Dense> Retry(long size, long bytes)
    {
        EmptyCache();
        if (TryNew(size) is { } b) return b;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        EmptyCache();
        return TryNew(size) ?? throw new CudaOutOfMemoryException(
            $"CUDA out of memory. Tried to allocate {Format(bytes)} (GPU 0; {Format(Allocated)} already allocated; {Format(Reserved)} reserved in total by Flint)");
    }

    /// <summary>Gives a block back to its free list (the storage that held it was collected).</summary>
    public void Free(Block b)
    {
        lock (gate)
        {
            if (!live.Remove(b)) return;
            allocated -= b.Counted;
            b.Counted = 0;
            if (!free.TryGetValue((b.Size, b.Stream), out var st)) free[(b.Size, b.Stream)] = st = new Stack<Block>();
            st.Push(b);
        }
    }

    /// <summary>Returns every cached block to the device (after the queued kernels finish, as they may still use them).</summary>
    public void EmptyCache()
    {
        List<Block> blocks;
        lock (gate)
        {
            blocks = free.Values.SelectMany(s => s).ToList();
            free.Clear();
            foreach (var b in blocks) reserved -= b.Size;
        }
        if (blocks.Count == 0) return;
        accelerator.Synchronize();
        foreach (var b in blocks) b.Buffer.Dispose();
    }

    /// <summary>Starts the peaks again from the current values.</summary>
    public void ResetPeaks()
    {
        lock (gate) { maxAllocated = allocated; maxReserved = reserved; }
    }

    internal static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):F2} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):F2} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:F2} KiB",
        _ => $"{bytes} bytes",
    };
}

/// <summary>The device has no memory left for an allocation, even after the cache was emptied and the GC collected dead tensors (PyTorch's <c>torch.cuda.OutOfMemoryError</c>).</summary>
public sealed class CudaOutOfMemoryException : Exception
{
    /// <summary>An out-of-memory error with PyTorch's wording.</summary>
    public CudaOutOfMemoryException(string message) : base(message) { }
}

using Xunit;

namespace Flint.Cuda.Tests;

public class MemoryTests
{
    private static CachingAllocator Allocator => ((CudaBackend)Backends.BackendRegistry.For(DeviceType.CUDA)).Dev.Allocator;

    private static void Collect()
    {
        for (int i = 0; i < 3; i++) { GC.Collect(); GC.WaitForPendingFinalizers(); }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void AllocateAndDrop(long[] shape) => _ = torch.empty(shape, device: Gpu.Cuda);

    [Fact]
    public void StatisticsCountBlocksRoundedTo512Bytes()
    {
        _ = Gpu.Cuda;
        Collect();
        long before = torch.cuda.memory_allocated();
        var x = torch.empty([100], device: Gpu.Cuda);            // 400 bytes -> 512
        Assert.Equal(before + 512, torch.cuda.memory_allocated());
        var y = torch.empty([1000], dtype: DType.Float64, device: Gpu.Cuda); // 8000 -> 8192
        Assert.Equal(before + 512 + 8192, torch.cuda.memory_allocated());
        Assert.True(torch.cuda.max_memory_allocated() >= before + 512 + 8192);
        Assert.True(torch.cuda.memory_reserved() >= torch.cuda.memory_allocated());
        GC.KeepAlive(x); GC.KeepAlive(y);
    }

    [Fact]
    public void CollectedTensorsGiveTheirBlocksBackForReuse()
    {
        _ = Gpu.Cuda;
        Collect();
        long allocated = torch.cuda.memory_allocated();
        AllocateAndDrop([3 << 18]);                               // 3 MiB: a 4 MiB size class
        Collect();
        Assert.Equal(allocated, torch.cuda.memory_allocated());
        long reserved = torch.cuda.memory_reserved();
        AllocateAndDrop([3 << 18]);                               // the cached block again: nothing new reserved
        Assert.Equal(reserved, torch.cuda.memory_reserved());
        Collect();
        torch.cuda.empty_cache();
        Assert.True(torch.cuda.memory_reserved() <= reserved - (4 << 20));
        torch.cuda.reset_peak_memory_stats();
        Assert.Equal(torch.cuda.memory_allocated(), torch.cuda.max_memory_allocated());
    }

    [Fact]
    public void AnAllocationThatFailsCollectsAndRetries()
    {
        _ = Gpu.Cuda;
        Collect();
        torch.cuda.empty_cache();
        var alloc = Allocator;
        long cap = alloc.Reserved + (6 << 20);
        alloc.LimitBytes = cap;
        try
        {
            // 4 MiB dropped without a collection: the next 4 MiB request only fits once the GC has run the finalizer
            AllocateAndDrop([1 << 20]);
            var fresh = torch.empty([1 << 20], dtype: DType.Int16, device: Gpu.Cuda); // a 2 MiB class: fits beside
            var big = torch.empty([1 << 20], device: Gpu.Cuda);                         // 4 MiB more: fits once the dropped block is collected
            Assert.True(big.is_cuda);
            var e = Assert.Throws<CudaOutOfMemoryException>(() => torch.empty([64 << 20], device: Gpu.Cuda));
            Assert.StartsWith("CUDA out of memory. Tried to allocate 256.00 MiB (GPU 0;", e.Message);
            GC.KeepAlive(fresh); GC.KeepAlive(big);
        }
        finally { alloc.LimitBytes = null; }
    }

    [Fact]
    public void SizeClasses()
    {
        Assert.Equal(512, CachingAllocator.SizeClass(1));
        Assert.Equal(512, CachingAllocator.SizeClass(512));
        Assert.Equal(1024, CachingAllocator.SizeClass(513));
        Assert.Equal(1 << 20, CachingAllocator.SizeClass(1 << 20));
        Assert.Equal(2 << 20, CachingAllocator.SizeClass((1 << 20) + 1));
        Assert.Equal(4 << 20, CachingAllocator.SizeClass((2 << 20) + 1));
    }
}

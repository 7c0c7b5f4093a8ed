using System.Runtime.CompilerServices;
using Flint.Backends.Cpu;
using Xunit;

namespace Flint.Tests.Performance;

/// <summary>A finished parallel region keeps nothing alive: what its body captured is collectable at once.</summary>
[Collection("KernelPaths")]
public class WorkerPoolTests
{
    private static void Collect()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    /// <summary>Runs one region over a fresh array on the pool; true when a pool worker took part in it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool RegionOverArray(out WeakReference captured)
    {
        var data = new float[1 << 20];
        captured = new WeakReference(data);
        int caller = Environment.CurrentManagedThreadId, others = 0;
        WorkerPool.For(data.Length, 1 << 12, (b, e) =>
        {
            for (long i = b; i < e; i++) data[i] = i;
            if (Environment.CurrentManagedThreadId != caller) Interlocked.Exchange(ref others, 1);
            Thread.SpinWait(2000);
        });
        return others == 1;
    }

    [Fact]
    public void ARegionsBodyIsNotKeptAfterTheRegion()
    {
        int old = torch.get_num_threads();
        try
        {
            torch.set_num_threads(Math.Max(2, old));
            WeakReference? captured = null;
            bool pooled = false;
            for (int attempt = 0; attempt < 50 && !pooled; attempt++) pooled = RegionOverArray(out captured);
            Assert.True(pooled, "no region ran on a pool worker");
            Thread.Sleep(5);   // the workers finish their spin and block
            Collect();
            Assert.False(captured!.IsAlive, "the array a finished region's body captured is still reachable");
        }
        finally { torch.set_num_threads(old); }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference ParallelResult()
    {
        // a parallel elementwise kernel (grain 32768) writing into a new result under the storage pool's size (bytes,
        // so that more than two grains fit), whose array would otherwise be kept on purpose for the next tensor of its length
        var x = torch.ones(80_000, dtype: torch.uint8);
        var y = x + x;
        Assert.True(y.numel() * y.element_size() < StoragePool.MinBytes && y.numel() > 2 * KernelOptions.GrainSize);
        return new WeakReference(((CpuStorage)y._storage).Data);
    }

    [Fact]
    public void ADroppedResultOfAParallelOpIsCollectable()
    {
        int old = torch.get_num_threads();
        try
        {
            torch.set_num_threads(Math.Max(2, old));
            var result = ParallelResult();
            Thread.Sleep(5);
            Collect();
            Assert.False(result.IsAlive, "a dropped parallel op's result stayed reachable");
        }
        finally { torch.set_num_threads(old); }
    }
}

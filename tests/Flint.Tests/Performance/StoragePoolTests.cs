using System.Runtime.CompilerServices;
using Flint.Backends;
using Flint.Backends.Cpu;
using Xunit;

namespace Flint.Tests.Performance;

/// <summary>
/// The CPU storage pool: the array of a collected large tensor goes back to its thread and serves the next tensor
/// of its element type and length, zero-filled when the tensor must be zero; an array that left the backend, or
/// a tensor another thread saw, is never handed out again; small tensors are not pooled; and a loop that drops its
/// large tensors settles on a few arrays without waiting for a full collection. Each test uses lengths of its own,
/// so what other tests leave in the pools cannot answer for it.
/// </summary>
public class StoragePoolTests
{
    private static System.Array ArrayOf(Tensor t) => ((CpuStorage)t._storage).Data;

    /// <summary>A dropped tensor of <paramref name="n"/> floats (its storage unreachable on return), and its array.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static System.Array Dropped(long n, Action<Tensor>? use = null)
    {
        var t = torch.ones(n);
        use?.Invoke(t);
        return ArrayOf(t);
    }

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    [Fact]
    public void ACollectedTensorsArrayServesTheNextTensorOfItsLength()
    {
        long n = (1 << 18) + 101;   // 1 MiB and a little: pooled
        var first = Dropped(n);
        Collect();
        var again = torch.empty(n);
        Assert.Same(first, ArrayOf(again));
        Assert.NotNull(again._storage.Lease);
    }

    [Fact]
    public void AReusedArrayIsZeroWhenTheTensorMustBe()
    {
        long n = (1 << 18) + 203;
        var first = Dropped(n);   // filled with ones
        Collect();
        var z = torch.zeros(n);
        Assert.Same(first, ArrayOf(z));
        Assert.True(z.eq(0).all().item<bool>());
    }

    [Fact]
    public void AnotherLengthOrElementTypeGetsItsOwnArray()
    {
        long n = (1 << 18) + 307;
        var first = Dropped(n);
        Collect();
        Assert.NotSame(first, ArrayOf(torch.empty(n + 1)));
        Assert.NotSame(first, ArrayOf(torch.empty([n], dtype: torch.int32)));
        Assert.Same(first, ArrayOf(torch.empty(n)));
    }

    [Fact]
    public void AnArrayThatLeftTheBackendIsNeverReused()
    {
        long n = (1 << 18) + 409;
        var first = Dropped(n, t => HostMemory.Data(t._storage));   // as the array bridge and the file formats take it
        Collect();
        Assert.NotSame(first, ArrayOf(torch.empty(n)));
    }

    [Fact]
    public void ATensorAnotherThreadSawIsNeverReused()
    {
        long n = (1 << 18) + 511;
        var first = Dropped(n, t =>
        {
            var other = new Thread(() => t.sum().item<float>());
            other.Start();
            other.Join();
        });
        Collect();
        Assert.NotSame(first, ArrayOf(torch.empty(n)));
    }

    [Fact]
    public void ArraysComeBackOnlyToTheThreadThatAllocatedThem()
    {
        long n = (1 << 18) + 613;
        var first = Dropped(n);
        Collect();
        System.Array? seen = null;
        var other = new Thread(() => seen = ArrayOf(torch.empty(n)));
        other.Start();
        other.Join();
        Assert.NotSame(first, seen);
        Assert.Same(first, ArrayOf(torch.empty(n)));
    }

    [Fact]
    public void SmallTensorsAreNotPooled()
    {
        var t = torch.empty(StoragePool.MinBytes / 4 - 1);
        Assert.Null(t._storage.Lease);
        Assert.NotNull(torch.empty(StoragePool.MinBytes / 4)._storage.Lease);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static System.Array Step(long n)
    {
        var a = torch.empty(n);
        a.fill_(1);
        return ArrayOf(a);
    }

    [Fact]
    public void ALoopThatDropsItsTensorsSettlesOnAFewArrays()
    {
        // 8 MiB per step: without reuse, 80 steps would allocate 640 MiB of fresh arrays; the pool collects the
        // young generation after about a budget's worth and lends the same arrays again from then on (on a thread of
        // its own, whose pool starts with the first budget)
        long n = (2L << 20) + 7;
        var distinct = new HashSet<System.Array>(ReferenceEqualityComparer.Instance);
        int induced = 0;
        var loop = new Thread(() =>
        {
            for (int i = 0; i < 80; i++) distinct.Add(Step(n));
            induced = StoragePool.InducedCollections;
        });
        loop.Start();
        loop.Join();
        // at most a collection per budget's worth of steps (fewer when other collections ran meanwhile)
        Assert.InRange(induced, 0, 80 * n * 4 / StoragePool.MinBudget + 1);
        long perBudget = StoragePool.MinBudget / (n * 4) + 1;
        Assert.InRange(distinct.Count, 1, 2 * perBudget);
    }

    [Fact]
    public void AnArrayAStepNeedsOnceOutlivesTheCollectionsOfAStep()
    {
        // each step drops one 4 MiB tensor of a fixed length, then 64 MiB of tensors of lengths never seen before
        // (misses that make the thread collect several times per step): the fixed-length array must still be in the
        // pool when the next step asks for it, or every step allocates it afresh
        long a = (1L << 20) + 11;
        var seen = new HashSet<System.Array>(ReferenceEqualityComparer.Instance);
        int induced = 0;
        var loop = new Thread(() =>
        {
            for (int i = 0; i < 8; i++)
            {
                seen.Add(Dropped(a));
                for (int j = 0; j < 32; j++) Dropped((1L << 19) + 1000 + 32 * i + j);
            }
            induced = StoragePool.InducedCollections;
        });
        loop.Start();
        loop.Join();
        Assert.True(induced >= 16, $"{induced} collections in 8 steps: the test needs several per step");
        Assert.InRange(seen.Count, 1, 2);
    }

    [Fact]
    public void ResultsDoNotDependOnReuse()
    {
        // a chain whose intermediates are pooled and dropped gives the same values every time round
        long n = (1 << 18) + 719;
        var x = torch.arange(n, dtype: torch.float32) / n;
        Tensor? first = null;
        for (int i = 0; i < 12; i++)
        {
            var y = ((x * 2).exp() - x.sin()).sum();
            first ??= y;
            Assert.True(y.equal(first));
            Collect();
        }
    }
}

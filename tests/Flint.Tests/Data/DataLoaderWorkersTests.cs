using System.Collections.Concurrent;
using System.Text.Json;
using Flint.Data;
using Flint.Tests.Nn;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;

namespace Flint.Tests.Data;

/// <summary>
/// DataLoader with worker threads: PyTorch's batch order and generator draws for any number of workers (recorded by
/// tools/refs/gen_data.py), batches in sampler order with several in flight, the dataset's own exception, nothing
/// left running or unobserved after an early break, worker_init_fn, persistent workers, PyTorch's argument errors.
/// </summary>
[Collection("GlobalGenerator")]
public class DataLoaderWorkersTests
{
    private static TheoryData<string> Of(string kind) => Reference.CaseNames("data", c => c.GetProperty("kind").GetString() == kind);
    public static TheoryData<string> OrderCases() => Of("order");
    public static TheoryData<string> ErrorCases() => Of("error");

    [Fact]
    public void FiftyOrderCasesAreRecorded() => Assert.True(Reference.Cases("data").Count(c => c.GetProperty("kind").GetString() == "order") >= 50);

    [Theory]
    [MemberData(nameof(OrderCases))]
    public void OrderAndDrawsMatchPyTorchForAnyNumberOfWorkers(string key)
    {
        var c = Reference.Case("data", key);
        long seed = c.GetProperty("seed").GetInt64(), n = c.GetProperty("n").GetInt64(), bs = c.GetProperty("batch_size").GetInt64();
        bool drop = c.GetProperty("drop_last").GetBoolean(), persistent = c.GetProperty("persistent_workers").GetBoolean();
        int workers = c.GetProperty("num_workers").GetInt32();
        var gs = c.GetProperty("gen_seed");
        var pf = c.GetProperty("prefetch_factor");
        var takes = c.GetProperty("takes").EnumerateArray().Select(t => t.ValueKind == JsonValueKind.Null ? (int?)null : t.GetInt32()).ToArray();
        manual_seed(seed);
        var ds = new TensorDataset(arange(n), arange(n) * 10);
        Generator? g = gs.ValueKind == JsonValueKind.Null ? null : new Generator().manual_seed(gs.GetInt64());
        using var dl = new DataLoader(ds, bs, shuffle: true, drop_last: drop, generator: g, num_workers: workers,
            prefetch_factor: pf.ValueKind == JsonValueKind.Null ? null : pf.GetInt32(), persistent_workers: persistent);
        var epochs = c.GetProperty("epochs").EnumerateArray().ToArray();
        for (int e = 0; e < takes.Length; e++)
        {
            var got = new List<(Tensor input, Tensor target)>();
            foreach (var batch in dl)
            {
                got.Add(batch);
                if (takes[e] is { } t && got.Count == t) break;
            }
            var exp = epochs[e].EnumerateArray().ToArray();
            Assert.Equal(exp.Length, got.Count);
            for (int i = 0; i < exp.Length; i++)
            {
                Assert.Equal(NnRecords.Longs(exp[i]), got[i].input.ToArray<long>());
                Assert.Equal(NnRecords.Longs(exp[i]).Select(v => v * 10).ToArray(), got[i].target.ToArray<long>());
            }
        }
        Assert.Equal(NnRecords.Doubles(c.GetProperty("rand_after")), rand(2).ToArray<float>().Select(v => (double)v).ToArray());
    }

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void ArgumentErrorsAreRaisedWithPyTorchsWords(string key)
    {
        var ds = new TensorDataset(arange(4), arange(4));
        var c = Reference.Case("data", key);
        var kw = c.GetProperty("kw");
        int workers = kw.TryGetProperty("num_workers", out var w) ? w.GetInt32() : 0;
        int? prefetch = kw.TryGetProperty("prefetch_factor", out var p) ? p.GetInt32() : null;
        bool persistent = kw.TryGetProperty("persistent_workers", out var pw) && pw.GetBoolean();
        Assert.Equal("ValueError", c.GetProperty("type").GetString());
        Reference.AssertError(c, () => new DataLoader(ds, num_workers: workers, prefetch_factor: prefetch, persistent_workers: persistent));
    }

    [Fact]
    public void DataLoaderOptionChecks()
    {
        var ds = new TensorDataset(arange(4), arange(4));
        // PyTorch checks the workers' options before the batch size
        Assert.StartsWith("num_workers option", Assert.Throws<ArgumentException>(() => new DataLoader(ds, batch_size: 0, num_workers: -1)).Message);
        Assert.Equal(2, new DataLoader(ds, num_workers: 3).prefetch_factor);
        Assert.Null(new DataLoader(ds).prefetch_factor);
        var zero = new DataLoader(ds, num_workers: 1, prefetch_factor: 0);
        Assert.Throws<InvalidOperationException>(() => zero.ToList());
    }

    /// <summary>Item i (one per batch) takes longer the earlier it comes, so later batches finish first.</summary>
    private sealed class Slow(int n) : Dataset
    {
        public int Running, MaxRunning;
        public readonly ConcurrentQueue<long> Started = new();
        public override long Count => n;
        public override (Tensor input, Tensor target) GetItem(long index)
        {
            Started.Enqueue(index);
            int now = Interlocked.Increment(ref Running);
            int seen;
            while ((seen = Volatile.Read(ref MaxRunning)) < now && Interlocked.CompareExchange(ref MaxRunning, now, seen) != seen) { }
            Thread.Sleep(index < 6 ? (int)(6 - index) * 15 : 1);
            Interlocked.Decrement(ref Running);
            return (tensor(index), tensor(index * 2));
        }
    }

    [Fact]
    public void BatchesComeOutInSamplerOrderWithSeveralInFlight()
    {
        var ds = new Slow(12);
        var got = new DataLoader(ds, batch_size: 1, num_workers: 3).Select(b => b.input.ToArray<long>()[0]).ToArray();
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i).ToArray(), got);
        Assert.True(ds.MaxRunning >= 2, $"at most {ds.MaxRunning} batch was built at a time");

        // shuffled: the sampler's order, whichever worker finishes first
        manual_seed(3);
        var serial = new DataLoader(new Slow(12), batch_size: 2, shuffle: true).Select(b => b.input.ToArray<long>()).ToArray();
        manual_seed(3);
        var threaded = new DataLoader(new Slow(12), batch_size: 2, shuffle: true, num_workers: 4).Select(b => b.input.ToArray<long>()).ToArray();
        Assert.Equal(serial, threaded);
    }

    private sealed class Counting(int n) : Dataset
    {
        public int Calls;
        public override long Count => n;
        public override (Tensor input, Tensor target) GetItem(long index)
        {
            Interlocked.Increment(ref Calls);
            return (tensor(index), tensor(index));
        }
    }

    private static void WaitFor(Func<bool> condition)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (!condition() && sw.ElapsedMilliseconds < 10_000) Thread.Sleep(1);
    }

    [Fact]
    public void PrefetchKeepsPrefetchFactorBatchesPerWorkerAhead()
    {
        foreach (var (workers, prefetch) in new[] { (2, 2), (1, 3), (3, 1) })
        {
            var ds = new Counting(40);
            using var it = new DataLoader(ds, num_workers: workers, prefetch_factor: prefetch).GetEnumerator();
            Assert.True(it.MoveNext());
            // PyTorch sends prefetch_factor * num_workers batches, then one more for each batch handed out
            int window = workers * prefetch;
            WaitFor(() => Volatile.Read(ref ds.Calls) >= window + 1);
            Thread.Sleep(50);
            Assert.Equal(window + 1, Volatile.Read(ref ds.Calls));
            Assert.True(it.MoveNext());
            WaitFor(() => Volatile.Read(ref ds.Calls) >= window + 2);
            Thread.Sleep(20);
            Assert.Equal(window + 2, Volatile.Read(ref ds.Calls));
        }
    }

    private sealed class DatasetFailure(string message) : Exception(message);

    private sealed class Failing(int n, long bad, string marker) : Dataset
    {
        public volatile bool Thrown;
        public int Calls;
        public override long Count => n;
        public override (Tensor input, Tensor target) GetItem(long index)
        {
            Interlocked.Increment(ref Calls);
            if (index == bad)
            {
                Thrown = true;
                throw new DatasetFailure(marker);
            }
            return (tensor(index), tensor(index));
        }
    }

    [Fact]
    public void ADatasetsExceptionReachesTheLoopAsItself()
    {
        foreach (int workers in new[] { 0, 1, 3 })
        {
            var dl = new DataLoader(new Failing(10, 4, "bad sample"), batch_size: 2, num_workers: workers);
            var seen = new List<long>();
            var ex = Assert.Throws<DatasetFailure>(() => { foreach (var (x, _) in dl) seen.Add(x.ToArray<long>()[0]); });
            Assert.Equal("bad sample", ex.Message);
            Assert.Contains(nameof(Failing.GetItem), ex.StackTrace);
            Assert.Equal(new long[] { 0, 2 }, seen);   // the batches before the failing one still came, in order
        }
    }

    [Fact]
    public void BreakingEarlyLeavesNoUnobservedExceptionAndNoWorkRunning()
    {
        string marker = "unobserved-" + Guid.NewGuid().ToString("N");
        var unobserved = new ConcurrentBag<Exception>();
        EventHandler<UnobservedTaskExceptionEventArgs> handler = (_, e) =>
        {
            if (e.Exception.Flatten().InnerExceptions.Any(x => x.Message == marker)) unobserved.Add(e.Exception);
        };
        TaskScheduler.UnobservedTaskException += handler;
        try
        {
            foreach (int workers in new[] { 1, 2 })
            {
                var ds = new Failing(50, 1, marker);
                BreakAfterFirst(ds, workers);
                WaitFor(() => ds.Thrown);
                Thread.Sleep(20);
                int calls = Volatile.Read(ref ds.Calls);
                for (int i = 0; i < 3; i++) { GC.Collect(); GC.WaitForPendingFinalizers(); }
                Thread.Sleep(50);
                Assert.Equal(calls, Volatile.Read(ref ds.Calls));   // leaving the loop stopped the batches not started
                Assert.True(calls < 50);
            }
        }
        finally { TaskScheduler.UnobservedTaskException -= handler; }
        Assert.Empty(unobserved);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void BreakAfterFirst(Dataset ds, int workers)
    {
        foreach (var _ in new DataLoader(ds, batch_size: 1, num_workers: workers)) break;
    }

    private sealed class ThreadRecording(int n) : Dataset
    {
        public readonly ConcurrentDictionary<int, bool> Threads = new();
        public readonly ConcurrentQueue<bool> GradEnabled = new();
        public override long Count => n;
        public override (Tensor input, Tensor target) GetItem(long index)
        {
            Threads[Environment.CurrentManagedThreadId] = true;
            GradEnabled.Enqueue(is_grad_enabled());
            return (tensor(index), tensor(index));
        }
    }

    [Fact]
    public void WorkerInitFnRunsOnceOnEachWorkerBeforeItsBatches()
    {
        var inits = new ConcurrentQueue<(int id, int thread)>();
        var ds = new ThreadRecording(12);
        var dl = new DataLoader(ds, batch_size: 2, num_workers: 3, worker_init_fn: id => inits.Enqueue((id, Environment.CurrentManagedThreadId)));
        Assert.Equal(6, dl.Count());
        Assert.Equal(new[] { 0, 1, 2 }, inits.Select(i => i.id).Order().ToArray());
        Assert.Subset(inits.Select(i => i.thread).ToHashSet(), ds.Threads.Keys.ToHashSet());
        Assert.DoesNotContain(Environment.CurrentManagedThreadId, ds.Threads.Keys);
        dl.Count();
        Assert.Equal(6, inits.Count);   // new workers for each epoch

        var persistentInits = new ConcurrentQueue<int>();
        using var persistent = new DataLoader(new ThreadRecording(12), batch_size: 2, num_workers: 3, persistent_workers: true,
            worker_init_fn: persistentInits.Enqueue);
        for (int epoch = 0; epoch < 3; epoch++) Assert.Equal(6, persistent.Count());
        Assert.Equal(new[] { 0, 1, 2 }, persistentInits.Order().ToArray());   // the same workers every epoch
        persistent.Dispose();   // ends the workers; a later epoch starts new ones
        Assert.Equal(6, persistent.Count());
        Assert.Equal(6, persistentInits.Count);
        // disposed while a loop runs: the loop fails instead of waiting for workers that are gone
        var long_ = new DataLoader(new ThreadRecording(40), batch_size: 2, num_workers: 3, persistent_workers: true);
        Assert.Throws<ObjectDisposedException>(() => { foreach (var _ in long_) long_.Dispose(); });

        var failing = new DataLoader(new ThreadRecording(4), num_workers: 2, worker_init_fn: id => { if (id == 1) throw new DatasetFailure("init " + id); });
        var seen = new List<long>();
        var ex = Assert.Throws<DatasetFailure>(() => { foreach (var (x, _) in failing) seen.Add(x.item<long>()); });
        Assert.Equal("init 1", ex.Message);
        Assert.Equal(new long[] { 0 }, seen);   // worker 1's first batch reports its failure
    }

    [Fact]
    public void BatchesAreBuiltInTheLoopsGradModeAndPinMemoryIsAccepted()
    {
        var ds = new ThreadRecording(6);
        using (no_grad()) Assert.Equal(3, new DataLoader(ds, batch_size: 2, num_workers: 2).Count());
        Assert.Equal(3, new DataLoader(ds, batch_size: 2, num_workers: 2, pin_memory: true).Count());
        Assert.Equal(Enumerable.Repeat(false, 6).Concat(Enumerable.Repeat(true, 6)).ToArray(), ds.GradEnabled.ToArray());

        var plain = new DataLoader(new TensorDataset(arange(5), arange(5)), batch_size: 2).ToList();
        var pinned = new DataLoader(new TensorDataset(arange(5), arange(5)), batch_size: 2, num_workers: 2, pin_memory: true).ToList();
        Assert.Equal(plain.Count, pinned.Count);
        for (int i = 0; i < plain.Count; i++) Assert.True(equal(plain[i].input, pinned[i].input));
    }
}

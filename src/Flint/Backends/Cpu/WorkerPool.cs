namespace Flint.Backends.Cpu;

/// <summary>
/// A persistent pool of worker threads for CPU kernels (torch.get_num_threads of them, counting the caller).
/// A worker that finishes a region watches for the next one for a short while (<see cref="SpinMicroseconds"/>),
/// since kernels come in quick succession (a training step runs dozens), then blocks on a semaphore, so an idle
/// pool burns no CPU. A region's range is cut into chunks that
/// the caller and the woken workers take in turn; the caller never waits for a worker that has not started
/// (on a busy machine it simply does the chunks itself), only for chunks already being worked on. One region
/// runs at a time; a region started while another runs (another thread, or nested in a kernel) runs inline.
/// </summary>
internal static class WorkerPool
{
    /// <summary>The body of a region: processes chunk [begin, end) of the range.</summary>
    internal delegate void RangeBody(long begin, long end);

    /// <summary>
    /// One parallel region: immutable but for its counters, so a worker that wakes late only sees a finished region.
    /// Its body (and the arrays the body captured) is dropped as soon as every chunk has run, so a region that some
    /// thread still refers to keeps nothing large alive.
    /// </summary>
    private sealed class Region(RangeBody body, long total, long chunk, long chunks)
    {
        public RangeBody? Body = body;
        public readonly long Total = total, Chunk = chunk, Chunks = chunks;
        public long Next;
        public long Finished;
        public Exception? Failure;
        public readonly ManualResetEventSlim Done = new(false);

        /// <summary>Takes chunks until none is left.</summary>
        public void Drain()
        {
            long c;
            while ((c = Interlocked.Increment(ref Next) - 1) < Chunks)
            {
                try
                {
                    long b = c * Chunk, e = Math.Min(Total, b + Chunk);
                    if (b < e) Body!(b, e);
                }
                catch (Exception ex) { Interlocked.CompareExchange(ref Failure, ex, null); }
                finally { if (Interlocked.Increment(ref Finished) == Chunks) Done.Set(); }
            }
        }
    }

    private sealed class Worker
    {
        public readonly SemaphoreSlim Wake = new(0);
        /// <summary>1 while the worker is (about to be) blocked on <see cref="Wake"/>; whoever swaps it to 0 owns the wake-up.</summary>
        public int Sleeping;
    }

    /// <summary>How long a worker keeps watching for a new region after its last one before it blocks.</summary>
    internal const int SpinMicroseconds = 100;
    private static readonly long SpinTicks = System.Diagnostics.Stopwatch.Frequency * SpinMicroseconds / 1_000_000;

    /// <summary>Counts regions started: a spinning worker sees a new region by a change in it.</summary>
    private static long generation;

    private static readonly object Gate = new();
    private static readonly List<Worker> Workers = [];
    private static volatile Region? current;
    private static int busy;               // 1 while a region runs
    [ThreadStatic] private static bool insideRegion;

    /// <summary>How many threads a region may use now (at least 1).</summary>
    internal static int MaxThreads => Math.Max(1, Threading.NumThreads);

    /// <summary>
    /// Runs <paramref name="f"/> over [0, <paramref name="n"/>) cut into chunks of at least <paramref name="grain"/>
    /// elements; chunks run on the pool when there are two or more, on the calling thread otherwise.
    /// </summary>
    /// <param name="n">the number of elements.</param>
    /// <param name="grain">the least number of elements in a chunk.</param>
    /// <param name="f">the body, called with each chunk's [begin, end).</param>
    /// <param name="chunksPerThread">more than 1 cuts finer chunks that threads take as they finish (uneven work).</param>
    internal static void For(long n, long grain, RangeBody f, int chunksPerThread = 1)
    {
        if (n <= 0) return;
        int threads = MaxThreads;
        if (grain < 1) grain = 1;
        long pieces = grain == long.MaxValue ? 1 : (n + grain - 1) / grain;
        long want = Math.Min(threads, pieces);
        if (want <= 1 || insideRegion || Interlocked.CompareExchange(ref busy, 1, 0) != 0)
        {
            f(0, n);
            return;
        }
        try { RunRegion(n, (int)want, Math.Min(pieces, want * Math.Max(1, chunksPerThread)), f); }
        finally { current = null; Volatile.Write(ref busy, 0); }
    }

    private static void RunRegion(long n, int threads, long chunks, RangeBody f)
    {
        EnsureWorkers(threads - 1);
        long chunk = (n + chunks - 1) / chunks;
        var region = new Region(f, n, chunk, (n + chunk - 1) / chunk);
        current = region;
        Interlocked.Increment(ref generation);
        for (int w = 0; w < threads - 1; w++)
            if (Interlocked.Exchange(ref Workers[w].Sleeping, 0) == 1) Workers[w].Wake.Release();
        insideRegion = true;
        try { region.Drain(); }
        finally { insideRegion = false; }
        // every chunk is taken; wait only for those still running on workers
        if (Volatile.Read(ref region.Finished) < region.Chunks) region.Done.Wait();
        // no chunk is left to run: nothing may keep the body's captures (a kernel's input and output arrays)
        region.Body = null;
        var failure = region.Failure;
        region.Failure = null;
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
    }

    private static void EnsureWorkers(int count)
    {
        if (Workers.Count >= count) return;
        lock (Gate)
        {
            while (Workers.Count < count)
            {
                var w = new Worker();
                var t = new Thread(() => Loop(w)) { IsBackground = true, Name = $"Flint worker {Workers.Count + 1}" };
                // no captured execution context: a worker's thread carries no flow state (grad mode, say) of
                // whichever code happened to start it
                t.UnsafeStart();
                Workers.Add(w);
            }
        }
    }

    private static void Loop(Worker w)
    {
        insideRegion = true;   // kernels a worker runs never start nested regions
        long seen = Volatile.Read(ref generation);
        while (true)
        {
            WaitForRegion(w, seen);
            seen = Volatile.Read(ref generation);
            DrainCurrent();
        }
    }

    /// <summary>
    /// Helps with the current region, if any. A method of its own, so the reference to the region lives in this
    /// frame only: the worker's loop frame, which stays on the stack while the worker sleeps, never holds it.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void DrainCurrent() => current?.Drain();

    /// <summary>Returns once a region newer than <paramref name="seen"/> started: spins briefly, then blocks.</summary>
    private static void WaitForRegion(Worker w, long seen)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        while (Volatile.Read(ref generation) == seen)
        {
            if (System.Diagnostics.Stopwatch.GetTimestamp() - start > SpinTicks)
            {
                Interlocked.Exchange(ref w.Sleeping, 1);
                // a region that started before the flag was visible would not wake us: take the flag back and go
                if (Volatile.Read(ref generation) != seen && Interlocked.Exchange(ref w.Sleeping, 0) == 1) return;
                w.Wake.Wait();
                return;
            }
            Thread.SpinWait(16);
        }
    }
}

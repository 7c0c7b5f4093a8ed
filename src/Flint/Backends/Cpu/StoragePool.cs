namespace Flint.Backends.Cpu;

/// <summary>
/// Reuse of large CPU arrays. A training step allocates the same large activations and gradients every step; as
/// new arrays they cost a page fault per page of fresh memory and, past the large-object budget, a full (gen2)
/// collection every few steps. Tensors of at least <see cref="MinBytes"/> bytes that the op layer allocates are
/// lent from the allocating thread's pool: the pool keeps the array and a weak reference to the storage, and once
/// the GC has collected the storage the array is the thread's to lend again, to its next tensor of the same
/// element type and length (see <see cref="StorageLease"/> for why that is safe).
/// <para>
/// Arrays come back only through collections. When a thread has lent <see cref="MinBudget"/> bytes or more since
/// the last collection and finds no array of the length it needs, it runs a young-generation collection (cheap:
/// tensors and storages are small objects, the arrays are not scanned); step-local storages die young, so that
/// collection hands their arrays back and the steady state of a loop allocates no large array and runs no full
/// collection. The budget then becomes the bytes still lent out (the GC's own rule: collect after as much again
/// as survived), doubled while more leaves the pool (tensors seen by other threads) than comes back, so a program
/// whose tensors move between threads is not made to collect more often than the GC would.
/// </para>
/// <para>
/// The GC sees every pooled array as live memory. An array still unused after <see cref="IdleInducedLimit"/> of its
/// thread's collections since it came back, or through two full collections, is dropped; an allocation that fails
/// empties every pool and collects before it tries again. (A step of a large model runs several of its thread's
/// collections: ResNet-18's forward at batch 8 lends about 220 MiB against a budget of about 50, so four. An array
/// the step needs once, such as the stem's 25 MiB output, must outlive them, or every step allocates it afresh.)
/// </para>
/// </summary>
internal static class StoragePool
{
    /// <summary>
    /// Arrays of at least this many bytes are pooled: the GC's large-object threshold, from which an array lives on the
    /// large-object heap that only a full collection frees (an LSTM step's [32, 1024] gates, 128 KiB, are such arrays).
    /// </summary>
    internal const long MinBytes = 85_000;

    /// <summary>A free array is dropped once this many of its thread's own collections found it unused.</summary>
    internal const int IdleInducedLimit = 16;

    /// <summary>The bytes a thread lends before a miss makes it collect, at first.</summary>
    internal const long MinBudget = 16L << 20;

    /// <summary>The most a thread's budget grows to: an eighth of the memory the GC may use.</summary>
    private static readonly long MaxBudget = Math.Max(MinBudget, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 8);

    /// <summary>Off with FLINT_STORAGE_POOL=0 (and in tests that need fresh arrays).</summary>
    internal static bool Enabled = Environment.GetEnvironmentVariable("FLINT_STORAGE_POOL") != "0";

    [ThreadStatic] private static ThreadPool? mine;

    /// <summary>The calling thread's pool.</summary>
    private static ThreadPool Mine => mine ??= ThreadPool.Create();

    private static readonly List<WeakReference<ThreadPool>> all = [];

    static StoragePool() => _ = new Gen2Callback();

    /// <summary>Whether an allocation of <paramref name="count"/> elements of <paramref name="itemBytes"/> bytes is pooled.</summary>
    internal static bool Pools(long count, int itemBytes) => Enabled && count * itemBytes >= MinBytes;

    /// <summary>An array of exactly <paramref name="n"/> elements from the calling thread's pool, or null.</summary>
    internal static T[]? Rent<T>(int n) where T : unmanaged => (T[]?)Mine.Rent(typeof(T[]), n);

    /// <summary>Lends <paramref name="array"/> (new or rented) to <paramref name="storage"/>: it comes back to the calling thread's pool once the storage is collected.</summary>
    internal static StorageLease Lend(Storage storage, System.Array array, long bytes) => Mine.Lend(storage, array, bytes);

    /// <summary>Bytes waiting in all pools (tests and diagnostics).</summary>
    internal static long PooledBytes()
    {
        long b = 0;
        foreach (var p in Live()) b += p.FreeBytes;
        return b;
    }

    /// <summary>Young-generation collections the calling thread's pool has run (tests and diagnostics).</summary>
    internal static int InducedCollections => Mine.Induced;

    /// <summary>Empties every pool (after a failed allocation, and for tests).</summary>
    internal static void Drain()
    {
        foreach (var p in Live()) p.Drain();
    }

    private static List<ThreadPool> Live()
    {
        var r = new List<ThreadPool>();
        lock (all)
        {
            all.RemoveAll(w => !w.TryGetTarget(out _));
            foreach (var w in all) if (w.TryGetTarget(out var p)) r.Add(p);
        }
        return r;
    }

    /// <summary>
    /// One thread's arrays: those lent out (with a weak reference to the storage holding each) and those free, by
    /// element type and length. Only its thread lends and rents; the lock is for <see cref="Drain"/> and the
    /// trimming at full collections, which run on other threads.
    /// </summary>
    private sealed class ThreadPool
    {
        private readonly List<Loan> lent = [];
        private readonly Dictionary<(Type, int), Stack<Free>> free = [];
        private int seenCollections = GC.CollectionCount(0), seenOlder = GC.CollectionCount(1);
        private long lentSinceCollection, liveBytes, lostBytes, budget = MinBudget;
        private int slack = 1;
        internal long FreeBytes;
        internal int Induced;

        private readonly record struct Loan(WeakReference<Storage> Storage, StorageLease Lease, System.Array Array, long Bytes);

        /// <summary>A free array, with the trims of each kind that found it free since it came back.</summary>
        private sealed class Free(System.Array array, long bytes)
        {
            internal readonly System.Array Array = array;
            internal readonly long Bytes = bytes;
            internal int IdleInduced, IdleFull;
        }

        internal static ThreadPool Create()
        {
            var p = new ThreadPool();
            lock (all) all.Add(new WeakReference<ThreadPool>(p));
            return p;
        }

        internal System.Array? Rent(Type type, int n)
        {
            lock (this)
            {
                if (GC.CollectionCount(0) != seenCollections) Sweep();
                if (Take(type, n) is { } a) return a;
                if (lentSinceCollection < budget) return null;
            }
            // lent a budget's worth since the last collection and nothing fits: collect the young generation, where
            // the storages of the last steps died (never while holding the lock: the trimming callback takes it)
            GC.Collect(1, GCCollectionMode.Forced, blocking: true);
            lock (this)
            {
                Induced++;
                // arrays that stayed free through many of this thread's collections are no longer needed
                TrimLocked(full: false);
                long back = Sweep();
                // the next collection after as much again as is still lent out (the GC's own rule: a budget
                // proportional to what survives), and more while tensors leave the pool (seen by another thread,
                // handed out of the backend) faster than collections bring arrays back
                slack = lostBytes > back ? Math.Min(slack * 2, 16) : 1;
                budget = Math.Min(Math.Max(MinBudget, liveBytes) * slack, MaxBudget);
                lentSinceCollection = 0;
                return Take(type, n);
            }
        }

        internal StorageLease Lend(Storage storage, System.Array array, long bytes)
        {
            var lease = new StorageLease();
            lock (this)
            {
                lent.Add(new Loan(new WeakReference<Storage>(storage), lease, array, bytes));
                lentSinceCollection += bytes;
            }
            return lease;
        }

        /// <summary>After a collection: the arrays of collected storages become free; returns their bytes.</summary>
        private long Sweep()
        {
            seenCollections = GC.CollectionCount(0);
            // a gen0 collection frees only the storages that died before surviving one: the budget counts from the
            // last collection of generation 1 or 2, which reach the rest
            if (GC.CollectionCount(1) != seenOlder) { seenOlder = GC.CollectionCount(1); lentSinceCollection = 0; }
            long back = 0;
            liveBytes = 0;
            lostBytes = 0;
            for (int i = lent.Count - 1; i >= 0; i--)
            {
                var l = lent[i];
                bool alive = l.Storage.TryGetTarget(out _);
                if (alive && l.Lease.Returnable) { liveBytes += l.Bytes; continue; }
                if (!alive && l.Lease.Returnable)
                {
                    var key = (l.Array.GetType(), l.Array.Length);
                    if (!free.TryGetValue(key, out var s)) free[key] = s = new();
                    s.Push(new Free(l.Array, l.Bytes));
                    FreeBytes += l.Bytes;
                    back += l.Bytes;
                }
                else lostBytes += l.Bytes;
                lent[i] = lent[^1];
                lent.RemoveAt(lent.Count - 1);
            }
            return back;
        }

        private System.Array? Take(Type type, int n)
        {
            if (!free.TryGetValue((type, n), out var s) || s.Count == 0) return null;
            var f = s.Pop();
            FreeBytes -= f.Bytes;
            return f.Array;
        }

        internal void Drain()
        {
            lock (this) { free.Clear(); FreeBytes = 0; }
        }

        /// <summary>At a full collection: drops the arrays the previous full collection's trim already found free, counts the others.</summary>
        internal void Trim()
        {
            lock (this) TrimLocked(full: true);
        }

        /// <summary>
        /// Counts one more trim of its kind for every free array and drops those that reached the kind's limit: two
        /// full collections, or <see cref="IdleInducedLimit"/> of the thread's own.
        /// </summary>
        private void TrimLocked(bool full)
        {
            foreach (var (key, s) in free.ToArray())
            {
                var keep = new List<Free>(s.Count);
                foreach (var f in s.Reverse())
                {
                    int idle = full ? ++f.IdleFull : ++f.IdleInduced;
                    if (idle >= (full ? 2 : IdleInducedLimit)) FreeBytes -= f.Bytes;
                    else keep.Add(f);
                }
                if (keep.Count == 0) free.Remove(key);
                else free[key] = new Stack<Free>(keep);
            }
        }
    }

    /// <summary>Finalized at each full collection (it lives in generation 2): trims the pools.</summary>
    private sealed class Gen2Callback
    {
        private int seen = GC.CollectionCount(2);

        ~Gen2Callback()
        {
            if (Environment.HasShutdownStarted) return;
            try
            {
                int now = GC.CollectionCount(2);
                if (now != seen)
                {
                    seen = now;
                    foreach (var p in Live()) p.Trim();
                }
            }
            catch { /* trimming is best effort; a finalizer must not throw */ }
            GC.ReRegisterForFinalize(this);
        }
    }
}

using System.Collections;

namespace Flint.Data;

/// <summary>
/// Batches a dataset (PyTorch's <c>DataLoader</c>): shuffles with torch's generator when asked, stacks samples
/// into batch tensors, and with <c>num_workers</c> &gt; 0 builds batches on that many worker threads, up to
/// <c>prefetch_factor</c> batches per worker ahead of the loop, handing them out in sampler order whichever worker
/// finishes first. The sampler's draws from the generators do not depend on the number of workers, except where
/// PyTorch's do too (prefetching asks the sampler ahead; persistent workers keep one iterator, which draws the
/// workers' base seed once). A dataset's exception reaches the loop as itself, with its own stack trace.
/// <para>Workers are threads of this process: they share the global generator, and each batch is built in the
/// execution context of the loop that asked for it (grad mode included), as with <c>num_workers=0</c>. Leaving
/// the loop early (break, an exception) stops the batches not yet started and waits for those being built.</para>
/// </summary>
public sealed class DataLoader : IEnumerable<(Tensor input, Tensor target)>, IDisposable
{
    private readonly Dataset dataset;
    /// <summary>The number of samples in a batch.</summary>
    public long batch_size { get; }
    /// <summary>Whether the sample order is reshuffled each epoch.</summary>
    public bool shuffle { get; }
    /// <summary>Whether the last, smaller batch is dropped.</summary>
    public bool drop_last { get; }
    private readonly Generator? generator;
    /// <summary>The number of worker threads that load batches ahead (0: batches are made on the iterating thread).</summary>
    public int num_workers { get; }
    /// <summary>Batches loaded ahead per worker (null without workers; 2 by default with them, as PyTorch).</summary>
    public int? prefetch_factor { get; }
    /// <summary>Keeps the workers (and their worker_init_fn state) from one epoch to the next.</summary>
    public bool persistent_workers { get; }
    /// <summary>Accepted for PyTorch compatibility; batches are built in CPU memory, which needs no pinning.</summary>
    public bool pin_memory { get; }
    /// <summary>Called on each worker thread with its id (0 to num_workers - 1) before it builds its first batch.</summary>
    public Action<int>? worker_init_fn { get; }

    private DataLoaderWorkers? persistent;
    private bool persistentStarted;
    private readonly object persistentGate = new();

    /// <summary>Iterates over <paramref name="dataset"/> in batches of <paramref name="batch_size"/>, as <c>torch.utils.data.DataLoader</c>: <paramref name="shuffle"/> draws a new order each epoch from <paramref name="generator"/> (or the global generator), <paramref name="drop_last"/> drops the last incomplete batch.</summary>
    public DataLoader(Dataset dataset, long batch_size = 1, bool shuffle = false, bool drop_last = false, Generator? generator = null,
        int num_workers = 0, bool pin_memory = false, Action<int>? worker_init_fn = null, int? prefetch_factor = null,
        bool persistent_workers = false, DistributedSampler? sampler = null)
    {
        // PyTorch's checks, in its order (the batch size is checked last, by its BatchSampler)
        if (num_workers < 0)
            throw new ArgumentException("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.");
        if (num_workers == 0 && prefetch_factor is not null)
            throw new ArgumentException("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None.");
        if (prefetch_factor is < 0) throw new ArgumentException("prefetch_factor option should be non-negative");
        if (persistent_workers && num_workers == 0) throw new ArgumentException("persistent_workers option needs num_workers > 0");
        if (sampler is not null && shuffle) throw new ArgumentException("sampler option is mutually exclusive with shuffle");
        this.sampler = sampler;
        if (batch_size <= 0) throw new ArgumentException($"batch_size should be a positive integer value, but got batch_size={batch_size}");
        this.dataset = dataset; this.batch_size = batch_size; this.shuffle = shuffle; this.drop_last = drop_last;
        this.generator = generator; this.num_workers = num_workers;
        this.prefetch_factor = num_workers > 0 ? prefetch_factor ?? 2 : null;
        this.persistent_workers = persistent_workers; this.pin_memory = pin_memory; this.worker_init_fn = worker_init_fn;
    }

    /// <summary>The dataset the batches are drawn from.</summary>
    public Dataset Dataset => dataset;

    /// <summary>The number of batches per epoch.</summary>
    public long Count => drop_last ? Length / batch_size : (Length + batch_size - 1) / batch_size;
    /// <summary>The indices an epoch draws from (PyTorch's sampler; null: all of them, shuffled or in order).</summary>
    public DistributedSampler? sampler { get; }
    private long Length => sampler?.num_samples ?? dataset.Count;
    /// <summary>The number of batches per epoch, as <c>len(loader)</c>.</summary>
    public long __len__() => Count;

    /// <summary>Ends persistent workers (they also end by themselves once the loader is collected).</summary>
    public void Dispose()
    {
        lock (persistentGate)
        {
            persistent?.Shutdown();
            persistent = null;
        }
    }

    /// <inheritdoc/>
    public IEnumerator<(Tensor input, Tensor target)> GetEnumerator() => num_workers == 0 ? InProcess() : WithWorkers();

    /// <summary>One epoch's sampler order, drawn as PyTorch's iterator draws it.</summary>
    private sealed class Plan
    {
        internal required long[] Order;
        internal required Generator? SamplerGen;
        internal required long Batches;
        /// <summary>
        /// The request (batch number) during which the sampler draws its trailing permutation: the batch sampler asks
        /// the sampler past its end while filling a partial last batch, else when asked for the batch after the last.
        /// </summary>
        internal required long DrawAt;
        private bool drawn;

        internal void Requested(long request)
        {
            if (drawn || request != DrawAt) return;
            drawn = true;
            SamplerExhausted(SamplerGen, Order.LongLength);
        }
    }

    private Plan Start(bool drawBaseSeed)
    {
        long n = Length;
        // PyTorch's iterator first draws a base seed for workers from the loader's generator (or the global one);
        // a shuffling sampler without a generator then seeds a fresh generator from the global one and permutes with it
        if (drawBaseSeed) _ = DrawSeed(generator ?? Generator.Default);
        Tensor order;
        Generator? samplerGen = null;
        if (sampler is not null) order = torch.tensor(sampler.Indices());
        else if (shuffle)
        {
            samplerGen = generator ?? new Generator().manual_seed(DrawSeed(Generator.Default));
            order = torch.randperm(n, samplerGen);
        }
        else order = torch.arange(n);
        long batches = Count;
        return new Plan
        {
            Order = order.ToArray<long>(), SamplerGen = samplerGen, Batches = batches,
            DrawAt = !drop_last && n % batch_size != 0 ? batches - 1 : batches,
        };
    }

    private IEnumerator<(Tensor input, Tensor target)> InProcess()
    {
        var plan = Start(drawBaseSeed: true);
        for (long b = 0; b < plan.Batches; b++)
        {
            plan.Requested(b);
            yield return MakeBatch(plan.Order, b);
        }
        plan.Requested(plan.Batches);
    }

    private IEnumerator<(Tensor input, Tensor target)> WithWorkers()
    {
        // PyTorch accepts 0 when the loader is made and fails its worker iterator's assertion when a loop starts
        if (prefetch_factor is not > 0) throw new InvalidOperationException("prefetch_factor should be positive to load batches with workers, but got prefetch_factor=0");
        var context = ExecutionContext.Capture();
        DataLoaderWorkers workers;
        bool owned = !persistent_workers;
        bool drawBaseSeed = true;
        var epochOwner = new object();
        if (owned) workers = new DataLoaderWorkers(num_workers, worker_init_fn, epochOwner, context);
        else
        {
            lock (persistentGate)
            {
                workers = persistent ??= new DataLoaderWorkers(num_workers, worker_init_fn, this, context);
                // one iterator serves every epoch: PyTorch draws the base seed when it is made, not when it is reset
                drawBaseSeed = !persistentStarted;
                persistentStarted = true;
            }
        }
        var epoch = new DataLoaderWorkers.Epoch(context);
        try
        {
            var plan = Start(drawBaseSeed);
            int window = prefetch_factor.Value * num_workers;
            var slots = new DataLoaderWorkers.Slot?[window];
            long requests = 0, sent = 0;
            // PyTorch's _try_put_index: each call asks the sampler for one batch and sends it to the next worker in turn
            void Request()
            {
                plan.Requested(requests++);
                if (sent >= plan.Batches) return;
                long b = sent++;
                var order = plan.Order;
                slots[b % window] = workers.Send((int)(b % num_workers), epoch, () => MakeBatch(order, b));
            }
            for (int i = 0; i < window; i++) Request();
            for (long b = 0; b < plan.Batches; b++)
            {
                var slot = slots[b % window]!;
                slots[b % window] = null;
                (Tensor, Tensor) batch;
                try { batch = slot.Take(); }
                finally { Request(); }
                yield return batch;
            }
        }
        finally
        {
            epoch.CancelAndWait();
            if (owned) workers.Shutdown();
            GC.KeepAlive(epochOwner);
        }
    }

    /// <summary>
    /// PyTorch's RandomSampler draws one more permutation (for the num_samples % n remainder, empty here) when it is
    /// run to its end; with a user generator that draw moves the generator, so the next epoch's order depends on it.
    /// </summary>
    private static void SamplerExhausted(Generator? samplerGen, long n)
    {
        if (samplerGen is not null) torch.randperm(n, samplerGen);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>What <c>torch.empty((), dtype=torch.int64).random_(generator=g)</c> draws: a 64-bit output modulo 2^63.</summary>
    private static long DrawSeed(Generator g)
    {
        lock (g.SyncRoot) return (long)(g.NextUInt64() & long.MaxValue);
    }

    private (Tensor, Tensor) MakeBatch(long[] order, long b)
    {
        long start = b * batch_size;
        long len = Math.Min(batch_size, order.LongLength - start);
        var slice = new long[len];
        Array.Copy(order, start, slice, 0, len);
        if (dataset is TensorDataset td) return td.Batch(torch.from_numpy(slice));
        if (dataset is IBatchDataset bd) return bd.GetBatch(slice);
        var inputs = new Tensor[len]; var targets = new Tensor[len];
        for (long i = 0; i < len; i++) (inputs[i], targets[i]) = dataset.GetItem(slice[i]);
        return (torch.stack(inputs), torch.stack(targets));
    }
}

/// <summary>A dataset that can build a whole batch at once, faster than item by item.</summary>
public interface IBatchDataset
{
    /// <summary>The batch of the samples at <paramref name="indices"/>: inputs and targets stacked along a new first dim.</summary>
    (Tensor input, Tensor target) GetBatch(long[] indices);
}

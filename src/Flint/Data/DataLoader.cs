using System.Collections;

namespace Flint.Data;

/// <summary>
/// Batches a dataset (PyTorch's <c>DataLoader</c>): shuffles with torch's generator when asked, stacks samples
/// into batch tensors, and can prepare the next batch on a worker thread while the model trains.
/// </summary>
public sealed class DataLoader : IEnumerable<(Tensor input, Tensor target)>
{
    private readonly Dataset dataset;
    public long batch_size { get; }
    public bool shuffle { get; }
    public bool drop_last { get; }
    private readonly Generator? generator;
    private readonly int num_workers;

    public DataLoader(Dataset dataset, long batch_size = 1, bool shuffle = false, bool drop_last = false, Generator? generator = null, int num_workers = 0)
    {
        if (batch_size <= 0) throw new ArgumentException($"batch_size should be a positive integer value, but got batch_size={batch_size}");
        this.dataset = dataset; this.batch_size = batch_size; this.shuffle = shuffle; this.drop_last = drop_last;
        this.generator = generator; this.num_workers = num_workers;
    }

    public Dataset Dataset => dataset;

    /// <summary>The number of batches per epoch.</summary>
    public long Count => drop_last ? dataset.Count / batch_size : (dataset.Count + batch_size - 1) / batch_size;
    public long __len__() => Count;

    public IEnumerator<(Tensor input, Tensor target)> GetEnumerator()
    {
        long n = dataset.Count;
        // PyTorch's iterator first draws a base seed for workers from the loader's generator (or the global one);
        // a shuffling sampler without a generator then seeds a fresh generator from the global one and permutes with it
        _ = DrawSeed(generator ?? Generator.Default);
        Tensor order;
        Generator? samplerGen = null;
        if (shuffle)
        {
            samplerGen = generator ?? new Generator().manual_seed(DrawSeed(Generator.Default));
            order = torch.randperm(n, samplerGen);
        }
        else order = torch.arange(n);
        var idx = order.ToArray<long>();
        long batches = Count;
        if (num_workers <= 0)
        {
            for (long b = 0; b < batches; b++) yield return MakeBatch(idx, b);
            SamplerExhausted(samplerGen, n);
            yield break;
        }
        // one batch ahead on a worker thread
        Task<(Tensor, Tensor)>? next = batches > 0 ? Task.Run(() => MakeBatch(idx, 0)) : null;
        for (long b = 0; b < batches; b++)
        {
            var current = next!.Result;
            long nb = b + 1;
            next = nb < batches ? Task.Run(() => MakeBatch(idx, nb)) : null;
            yield return current;
        }
        SamplerExhausted(samplerGen, n);
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
    (Tensor input, Tensor target) GetBatch(long[] indices);
}

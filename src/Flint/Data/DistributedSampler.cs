using System.Collections;

namespace Flint.Data;

/// <summary>
/// The part of a dataset one rank trains on (PyTorch's <c>torch.utils.data.distributed.DistributedSampler</c>): each
/// epoch the indices are permuted with a generator seeded with seed + epoch (the same permutation on every rank),
/// padded by repeating the first indices up to a multiple of num_replicas (cut down to one with drop_last), and rank
/// r takes every num_replicas-th index starting at r. Give it to a DataLoader as
/// its sampler and call <see cref="set_epoch"/> before each epoch.
/// </summary>
public sealed class DistributedSampler : IReadOnlyCollection<long>
{
    private readonly long length;
    /// <summary>The number of processes the dataset is split over (the world size).</summary>
    public int num_replicas { get; }
    /// <summary>This process's rank: which share of the indices it gets.</summary>
    public int rank { get; }
    /// <summary>Whether the indices are shuffled (with <c>seed</c> plus the epoch).</summary>
    public bool shuffle { get; }
    /// <summary>The seed of the shuffle, the same on every rank.</summary>
    public long seed { get; }
    /// <summary>Whether the tail that does not split evenly is dropped (otherwise it is padded with indices from the start).</summary>
    public bool drop_last { get; }
    private long currentEpoch; // PyTorch's .epoch (C# reserves set_epoch for a property named epoch)
    /// <summary>The number of indices this rank gets per epoch.</summary>
    public long num_samples { get; }
    /// <summary>The number of indices over all ranks after padding or dropping.</summary>
    public long total_size { get; }

    /// <summary>A sampler that gives this rank its share of <paramref name="dataset"/>'s indices, as <c>torch.utils.data.distributed.DistributedSampler</c>.</summary>
    /// <param name="dataset">The dataset whose indices are split.</param>
    /// <param name="num_replicas">The number of ranks (default: the default process group's world size).</param>
    /// <param name="rank">This process's rank (default: its rank in the default process group).</param>
    /// <param name="shuffle">Whether the indices are shuffled each epoch.</param>
    /// <param name="seed">The seed of the shuffle, the same on every rank.</param>
    /// <param name="drop_last">Whether the tail that does not split evenly is dropped instead of padded.</param>
    public DistributedSampler(Dataset dataset, int? num_replicas = null, int? rank = null, bool shuffle = true, long seed = 0, bool drop_last = false)
        : this(dataset.Count, num_replicas, rank, shuffle, seed, drop_last) { }

    /// <summary>A sampler for a dataset of <paramref name="length"/> samples.</summary>
    public DistributedSampler(long length, int? num_replicas = null, int? rank = null, bool shuffle = true, long seed = 0, bool drop_last = false)
    {
        int replicas = num_replicas ?? torch.distributed.get_world_size();
        int r = rank ?? torch.distributed.get_rank();
        if (r >= replicas || r < 0) throw new ArgumentException($"Invalid rank {r}, rank should be in the interval [0, {replicas - 1}]");
        this.length = length; this.num_replicas = replicas; this.rank = r;
        this.shuffle = shuffle; this.seed = seed; this.drop_last = drop_last;
        num_samples = drop_last && length % replicas != 0 ? CeilDiv(length - replicas, replicas) : CeilDiv(length, replicas);
        total_size = num_samples * replicas;
    }

    private static long CeilDiv(long a, long b) => (long)Math.Ceiling((double)a / b);

    /// <summary>Sets the epoch, which (with the seed) picks the permutation: call it before each epoch.</summary>
    public void set_epoch(long epoch) => currentEpoch = epoch;

    /// <summary>The number of indices this rank gets.</summary>
    public int Count => checked((int)num_samples);
    /// <summary>The number of indices this rank gets, as <c>len(sampler)</c>.</summary>
    public long __len__() => num_samples;

    /// <summary>This rank's indices for the current epoch, in order.</summary>
    public long[] Indices()
    {
        long[] all;
        if (shuffle)
        {
            var g = new Generator().manual_seed(seed + currentEpoch);
            all = torch.randperm(length, g).ToArray<long>();
        }
        else
        {
            all = new long[length];
            for (long i = 0; i < length; i++) all[i] = i;
        }
        var padded = new long[total_size];
        if (total_size <= all.LongLength) Array.Copy(all, padded, total_size);
        else
        {
            // pad by repeating the list from its start (PyTorch's indices += (indices * k)[:padding])
            if (all.LongLength == 0) throw new InvalidOperationException("DistributedSampler cannot pad an empty dataset");
            for (long i = 0; i < total_size; i++) padded[i] = all[i % all.LongLength];
        }
        var mine = new long[num_samples];
        for (long i = 0; i < num_samples; i++) mine[i] = padded[rank + i * num_replicas];
        return mine;
    }

    /// <inheritdoc/>
    public IEnumerator<long> GetEnumerator() => ((IEnumerable<long>)Indices()).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

namespace Flint.Data;

/// <summary>The samples of a dataset at the given indices (PyTorch's <c>Subset</c>).</summary>
public sealed class Subset<T> : Dataset<T>
{
    /// <summary>The dataset the samples come from.</summary>
    public Dataset<T> dataset { get; }
    /// <summary>The positions in <c>dataset</c> of this subset's samples.</summary>
    public long[] indices { get; }

    /// <summary>The samples of <paramref name="dataset"/> at <paramref name="indices"/>, as <c>torch.utils.data.Subset</c>.</summary>
    public Subset(Dataset<T> dataset, long[] indices) { this.dataset = dataset; this.indices = indices; }

    /// <inheritdoc/>
    public override long Count => indices.LongLength;
    /// <inheritdoc/>
    public override T GetItem(long index)
    {
        if (index < 0) index += indices.LongLength;
        if (index < 0 || index >= indices.LongLength) throw new IndexOutOfRangeException($"index {index} is out of range");
        return dataset.GetItem(indices[index]);
    }
}

/// <summary>A Subset of (input, target) samples, usable with <see cref="DataLoader"/>.</summary>
public sealed class PairSubset : Dataset
{
    /// <summary>The dataset the samples come from.</summary>
    public Dataset dataset { get; }
    /// <summary>The positions in <c>dataset</c> of this subset's samples.</summary>
    public long[] indices { get; }

    /// <summary>The samples of <paramref name="dataset"/> at <paramref name="indices"/>, as <c>torch.utils.data.Subset</c>.</summary>
    public PairSubset(Dataset dataset, long[] indices) { this.dataset = dataset; this.indices = indices; }

    /// <inheritdoc/>
    public override long Count => indices.LongLength;
    /// <inheritdoc/>
    public override (Tensor input, Tensor target) GetItem(long index)
    {
        if (index < 0) index += indices.LongLength;
        if (index < 0 || index >= indices.LongLength) throw new IndexOutOfRangeException($"index {index} is out of range");
        return dataset.GetItem(indices[index]);
    }
}

/// <summary>PyTorch's <c>torch.utils.data</c> functions: <c>random_split</c> and friends.</summary>
public static class data
{
    /// <summary>
    /// Splits a dataset into non-overlapping random subsets of the given lengths (or fractions summing to 1),
    /// drawing the permutation from torch's generator as PyTorch's <c>random_split</c> does.
    /// </summary>
    public static PairSubset[] random_split(Dataset dataset, double[] lengths, Generator? generator = null)
    {
        var sizes = Sizes(dataset.Count, lengths);
        var perm = torch.randperm(dataset.Count, generator).ToArray<long>();
        var result = new PairSubset[sizes.Length];
        long offset = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            result[i] = new PairSubset(dataset, perm.AsSpan((int)offset, (int)sizes[i]).ToArray());
            offset += sizes[i];
        }
        return result;
    }

    internal static long[] Sizes(long n, double[] lengths)
    {
        bool fractions = Math.Abs(lengths.Sum() - 1) < 1e-9 && lengths.Sum() <= 1 && n != 1;
        if (fractions && lengths.All(l => l >= 0 && l <= 1) && lengths.Any(l => l != Math.Floor(l)))
        {
            var sizes = lengths.Select(f => (long)Math.Floor(n * f)).ToArray();
            long remainder = n - sizes.Sum();
            for (int i = 0; i < remainder; i++) sizes[i % sizes.Length]++;
            return sizes;
        }
        var ints = lengths.Select(l => (long)l).ToArray();
        if (ints.Sum() != n)
            throw new ArgumentException("Sum of input lengths does not equal the length of the input dataset!");
        return ints;
    }
}

/// <summary>A dataset read as a stream of samples (PyTorch's <c>IterableDataset</c>).</summary>
public abstract class IterableDataset : IEnumerable<(Tensor input, Tensor target)>
{
    /// <summary>The batches of one epoch, each (inputs, targets).</summary>
    public abstract IEnumerator<(Tensor input, Tensor target)> GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Batches the stream: consecutive samples stacked by <paramref name="collate_fn"/> (default: torch.stack).</summary>
    public IEnumerable<(Tensor input, Tensor target)> batched(long batch_size, bool drop_last = false,
        Func<IReadOnlyList<(Tensor input, Tensor target)>, (Tensor, Tensor)>? collate_fn = null)
    {
        if (batch_size <= 0) throw new ArgumentException($"batch_size should be a positive integer value, but got batch_size={batch_size}");
        var collate = collate_fn ?? DefaultCollate;
        var buf = new List<(Tensor, Tensor)>();
        foreach (var s in this)
        {
            buf.Add(s);
            if (buf.Count == batch_size) { yield return collate(buf); buf = []; }
        }
        if (buf.Count > 0 && !drop_last) yield return collate(buf);
    }

    internal static (Tensor, Tensor) DefaultCollate(IReadOnlyList<(Tensor input, Tensor target)> samples) =>
        (torch.stack(samples.Select(s => s.input).ToArray()), torch.stack(samples.Select(s => s.target).ToArray()));
}

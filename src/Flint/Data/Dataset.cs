namespace Flint.Data;

/// <summary>A map-style dataset (PyTorch's <c>torch.utils.data.Dataset</c>): a length and indexed samples.</summary>
public abstract class Dataset<T>
{
    /// <summary>The number of samples, as <c>len(dataset)</c>.</summary>
    public abstract long Count { get; }
    /// <summary>The sample at <paramref name="index"/>, as <c>dataset[index]</c> (<c>__getitem__</c>).</summary>
    public abstract T GetItem(long index);
    /// <summary>The sample at <paramref name="index"/>, as <c>dataset[index]</c>.</summary>
    public T this[long index] => GetItem(index);
    /// <summary>The number of samples, as <c>len(dataset)</c>.</summary>
    public long __len__() => Count;
}

/// <summary>Samples as (input, target) pairs of tensors: the shape most datasets and <see cref="DataLoader"/> use.</summary>
public abstract class Dataset : Dataset<(Tensor input, Tensor target)> { }

/// <summary>Wraps tensors that share their first dimension (PyTorch's <c>TensorDataset</c>).</summary>
public sealed class TensorDataset : Dataset
{
    private readonly Tensor inputs, targets;

    /// <summary>A dataset whose sample i is (<paramref name="inputs"/>[i], <paramref name="targets"/>[i]), as <c>torch.utils.data.TensorDataset</c>.</summary>
    public TensorDataset(Tensor inputs, Tensor targets)
    {
        if (inputs.size(0) != targets.size(0)) throw new ArgumentException("Size mismatch between tensors");
        this.inputs = inputs; this.targets = targets;
    }

    /// <inheritdoc/>
    public override long Count => inputs.size(0);
    /// <inheritdoc/>
    public override (Tensor input, Tensor target) GetItem(long index) => (inputs.select(0, index), targets.select(0, index));

    /// <summary>Whole batches by gathering rows (fast path used by DataLoader).</summary>
    internal (Tensor, Tensor) Batch(Tensor indices) => (inputs.index_select(0, indices), targets.index_select(0, indices));
}

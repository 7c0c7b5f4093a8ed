namespace Flint.Data;

/// <summary>A map-style dataset (PyTorch's <c>torch.utils.data.Dataset</c>): a length and indexed samples.</summary>
public abstract class Dataset<T>
{
    public abstract long Count { get; }
    public abstract T GetItem(long index);
    public T this[long index] => GetItem(index);
    public long __len__() => Count;
}

/// <summary>Samples as (input, target) pairs of tensors: the shape most datasets and <see cref="DataLoader"/> use.</summary>
public abstract class Dataset : Dataset<(Tensor input, Tensor target)> { }

/// <summary>Wraps tensors that share their first dimension (PyTorch's <c>TensorDataset</c>).</summary>
public sealed class TensorDataset : Dataset
{
    private readonly Tensor inputs, targets;

    public TensorDataset(Tensor inputs, Tensor targets)
    {
        if (inputs.size(0) != targets.size(0)) throw new ArgumentException("Size mismatch between tensors");
        this.inputs = inputs; this.targets = targets;
    }

    public override long Count => inputs.size(0);
    public override (Tensor input, Tensor target) GetItem(long index) => (inputs.select(0, index), targets.select(0, index));

    /// <summary>Whole batches by gathering rows (fast path used by DataLoader).</summary>
    internal (Tensor, Tensor) Batch(Tensor indices) => (inputs.index_select(0, indices), targets.index_select(0, indices));
}

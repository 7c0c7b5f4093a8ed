namespace Flint;

public partial class Tensor
{
    /// <summary>
    /// Whether the elements are laid out without gaps in <paramref name="memory_format"/>, as
    /// <c>tensor.is_contiguous(memory_format=...)</c>: channels_last asks a 4-d tensor for (N, H, W, C) order,
    /// channels_last_3d a 5-d one for (N, D, H, W, C); dims of size 1 may have any stride.
    /// </summary>
    public bool is_contiguous(MemoryFormat memory_format)
    {
        ArgumentNullException.ThrowIfNull(memory_format);
        return MemoryFormats.IsContiguous(_shape, _strides, memory_format);
    }

    /// <summary>
    /// This tensor if it is contiguous in <paramref name="memory_format"/>, else a copy laid out in it, as
    /// <c>tensor.contiguous(memory_format=...)</c> (the preserve format is refused, as PyTorch).
    /// </summary>
    public Tensor contiguous(MemoryFormat memory_format)
    {
        ArgumentNullException.ThrowIfNull(memory_format);
        if (is_contiguous(memory_format)) return this;
        if (memory_format.Kind == MemoryFormatKind.Preserve)
            throw new InvalidOperationException("preserve memory format is unsupported by the contiguous operator");
        return clone(memory_format);
    }

    /// <summary>
    /// A copy with its own memory laid out in <paramref name="memory_format"/>, as
    /// <c>tensor.clone(memory_format=...)</c>; the preserve format is <see cref="clone()"/>.
    /// </summary>
    public Tensor clone(MemoryFormat memory_format)
    {
        ArgumentNullException.ThrowIfNull(memory_format);
        if (memory_format.Kind == MemoryFormatKind.Preserve) return clone();
        var r = EmptyLike(this, dtype, device, memory_format);
        r.Backend.Copy(r, this);
        return CloneDerivative.Record(r, [this], default);
    }

    /// <summary>
    /// This tensor laid out in <paramref name="memory_format"/>, as <c>tensor.to(memory_format=...)</c>: the tensor
    /// itself when its strides already suggest that format (or the format is preserve), else a copy.
    /// </summary>
    public Tensor to(MemoryFormat memory_format) => to(dtype, false, false, memory_format);

    /// <summary>
    /// The format a layout suggests, as PyTorch's C++ <c>Tensor::suggest_memory_format</c>: channels_last (or
    /// channels_last_3d) when the strides rank a 4-d (5-d) tensor's dims as that format does, else contiguous;
    /// with <paramref name="channels_last_strides_exact_match"/>, only for exactly that format's strides.
    /// </summary>
    public MemoryFormat suggest_memory_format(bool channels_last_strides_exact_match = false) =>
        MemoryFormats.Suggest(_shape, _strides, channels_last_strides_exact_match);

    /// <summary>Whether <c>to(..., memory_format)</c> may return the tensor itself (PyTorch's to_will_alias, for the format).</summary>
    private bool KeepsFormat(MemoryFormat? memory_format) =>
        memory_format is null || memory_format.Kind == MemoryFormatKind.Preserve || ReferenceEquals(suggest_memory_format(), memory_format);

    /// <summary>An uninitialized tensor with exactly these sizes and strides (checked by the caller) over a storage just large enough.</summary>
    internal static Tensor EmptyStrided(long[] shape, long[] strides, DType dtype, Device device)
    {
        var backend = Backends.BackendRegistry.For(device.type);
        var st = backend.Allocate(dtype, Shape.StridedStorageCount(shape, strides, 0, dtype.itemsize), zeroed: false);
        return new Tensor(st, (long[])shape.Clone(), strides, 0);
    }
}

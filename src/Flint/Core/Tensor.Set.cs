namespace Flint;

// set_: a tensor takes another storage (or another tensor's storage and layout) in place.
public partial class Tensor
{
    /// <summary>Makes this tensor share <paramref name="source"/>'s storage, sizes, strides and offset.</summary>
    public Tensor set_(Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.dtype != dtype)
            throw new ArgumentException($"Could not set tensor of type {dtype.LegacyName} to a tensor of type {source.dtype.LegacyName}: set_ needs the same dtype");
        return SetStorage(source._storage, source._offset, source._shape, source._strides);
    }

    /// <summary>Makes this tensor a 1-D view of the whole of <paramref name="source"/>.</summary>
    public Tensor set_(Storage source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return set_(source, 0, [source.Count]);
    }

    /// <summary>
    /// Makes this tensor a view of <paramref name="source"/> with the given sizes and strides (contiguous strides when
    /// none are given) from <paramref name="storage_offset"/>. The layout is checked against the storage's size first:
    /// a view that would reach past it is refused with PyTorch's message, and this tensor is left unchanged.
    /// </summary>
    public Tensor set_(Storage source, long storage_offset, long[] size, long[]? stride = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(size);
        if (source.dtype != dtype)
            throw new ArgumentException($"Expected a Storage of type {dtype.LegacyName.ToLowerInvariant()} or an UntypedStorage, but got type {source.dtype.LegacyName} for argument 1 'storage'");
        Shape.CheckSizes(size);
        Shape.Numel(size);
        var strides = stride is null ? Shape.ContiguousStrides(size) : (long[])stride.Clone();
        return SetStorage(source, storage_offset, (long[])size.Clone(), strides);
    }

    /// <summary>Makes this tensor an empty 1-D tensor over a new, empty storage.</summary>
    public Tensor set_() => SetStorage(Backend.Allocate(dtype, 0, zeroed: true), 0, [0], [1]);

    private Tensor SetStorage(Storage storage, long offset, long[] size, long[] strides)
    {
        if (storage.device != device)
            throw new ArgumentException($"Attempted to set the storage of a tensor on device \"{device}\" to a storage on different device \"{storage.device}\".  This is no longer allowed; the devices must match.");
        Shape.CheckInBounds(size, strides, offset, storage.Count, dtype.itemsize);
        Autograd.AutogradHooks.CheckInPlace(this);
        var history = Autograd.GradMode.IsEnabled && requires_grad ? Autograd.Recording.EdgeOf(this) : null;
        _storage = storage; _shape = size; _strides = strides; _offset = offset;
        _viewBase = null;
        BumpVersion();
        if (history is { } edge) SetDerivative.RecordInPlace(this, edge, default);
        return this;
    }

    /// <summary>set_ has no derivative: PyTorch records a NotImplemented node, and backward through it fails.</summary>
    private static readonly Ops.Kernels.NodeDerivative<Ops.Kernels.NoState> SetDerivative = Ops.Kernels.NodeDerivative<Ops.Kernels.NoState>.NotImplemented("set_");
}

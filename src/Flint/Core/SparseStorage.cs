namespace Flint;

/// <summary>
/// The storage of a sparse COO tensor: a dtype and a device, no elements. The elements live in the tensor's
/// indices and values (dense tensors of their own); every kernel, every read of memory and every view that
/// reaches this storage belongs to an op that has no sparse form, and is refused with <see cref="Unsupported()"/>
/// instead of reading nothing as if it were data.
/// </summary>
internal sealed class SparseStorage : Storage
{
    private readonly Device _device;
    internal SparseStorage(DType dtype, Device device) : base(dtype, 0) { _device = device; }

    public override Device device => _device;
    internal override Backends.IBackend Backend => throw Unsupported();
    internal override System.Array? HostArray => throw Unsupported();

    /// <summary>The error for an op without a sparse form on this storage's device.</summary>
    internal NotSupportedException Unsupported() => Unsupported(null, _device);

    /// <summary>
    /// The error for an op without a sparse form: PyTorch's dispatcher text (naming <paramref name="op"/> when the
    /// caller knows it), then what a sparse tensor does support.
    /// </summary>
    internal static NotSupportedException Unsupported(string? op, Device device) =>
        new($"Could not run {(op is null ? "this operation" : $"'{op}'")} with arguments from the '{(device.type == DeviceType.CPU ? "SparseCPU" : "SparseCUDA")}' backend. "
            + "A sparse COO tensor supports only its metadata (size, dtype, device, layout, is_sparse, _nnz, sparse_dim, dense_dim), _indices()/_values(), "
            + "indices()/values(), coalesce(), is_coalesced(), to_dense(), clone(), detach(), zero_() and addition; call to_dense() first.");
}

namespace Flint;

/// <summary>
/// Storage on the meta device: a dtype and an element count, no memory. Tensors over it carry shape, strides and
/// dtype, so every op can run its shape, dtype and error logic without computing anything.
/// </summary>
internal sealed class MetaStorage : Storage
{
    internal MetaStorage(DType dtype, long count) : base(dtype, count) { }

    public override Device device => Device.Meta;
    internal override Backends.IBackend Backend => Backends.Meta.MetaBackend.Instance;

    /// <summary>PyTorch's error for reading the values of a meta tensor (copy to another device, tolist, printing values).</summary>
    internal static NotSupportedException NoData() => new("Cannot copy out of meta tensor; no data!");

    /// <summary>
    /// PyTorch's error for an op that has no kernel on the meta device, because its output shape depends on the
    /// input's values (nonzero, masked_select, unique).
    /// </summary>
    internal static NotSupportedException NoKernel(string op) =>
        new($"Could not run '{op}' with arguments from the 'Meta' backend. This could be because the operator doesn't exist for this backend, or was omitted during the selective/custom build process (if using custom build).");
}

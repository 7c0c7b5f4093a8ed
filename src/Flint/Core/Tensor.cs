namespace Flint;

/// <summary>
/// An n-dimensional array with PyTorch's semantics: a view (shape, strides, offset) of a storage, with a
/// dtype and a device. Memory belongs to the GC: a tensor never needs <c>Dispose</c>.
/// </summary>
public partial class Tensor
{
    internal Storage _storage;
    internal long[] _shape;
    internal long[] _strides;
    internal long _offset;
    /// <summary>
    /// Counts in-place modifications; shared by all views of the same data. Made on first use: most
    /// intermediate results are never viewed, saved for backward or modified in place.
    /// </summary>
    private VersionCounter? _versionField;

    internal VersionCounter _version => _versionField ?? MakeVersion();

    private VersionCounter MakeVersion()
    {
        Interlocked.CompareExchange(ref _versionField, new VersionCounter(), null);
        return _versionField!;
    }

    /// <summary>The current version without making a counter (0 until one exists).</summary>
    internal long VersionValue => _versionField?.Value ?? 0;

    internal Tensor(Storage storage, long[] shape, long[] strides, long offset, VersionCounter? version = null)
    {
        // only a sparse tensor's own constructor holds a SparseStorage: a view of one (or any tensor over it) is refused here
        if (storage is SparseStorage sparse) throw sparse.Unsupported();
        if (CheckLayouts && !Shape.LiesInside(shape, strides, offset, storage.Count))
            throw new InvalidOperationException($"layout outside its storage: sizes {Shape.Str(shape)}, strides {Shape.Str(strides)}, offset {offset}, storage of {storage.Count} elements");
        _storage = storage; _shape = shape; _strides = strides; _offset = offset;
        _versionField = version;
    }

    /// <summary>A tensor sharing <paramref name="data"/>'s storage, layout and version counter, or its sparse parts (a Parameter over data).</summary>
    private protected Tensor(Tensor data)
    {
        _storage = data._storage; _shape = data._shape; _strides = data._strides; _offset = data._offset;
        _versionField = data._sparse is null ? data._version : null;
        _sparse = data._sparse;
    }

    /// <summary>
    /// Set by the test suite: every tensor made checks that its shape, strides and offset stay inside its storage,
    /// so an op that computes a wrong view fails its tests instead of reading past the storage. The public entry
    /// points that take a layout from the user or a file (as_strided, set_, from_array, the loaders) check always.
    /// </summary>
    internal static bool CheckLayouts;

    /// <summary>
    /// A new contiguous tensor on <paramref name="device"/> that takes <paramref name="shape"/> and
    /// <paramref name="strides"/> as they are (no copies): callers pass arrays that nothing mutates (tensors never
    /// mutate their shape arrays, so another tensor's arrays qualify).
    /// </summary>
    internal static Tensor Owned(Device device, DType dtype, long numel, long[] shape, long[] strides) =>
        new(Backends.BackendRegistry.For(device.type).Allocate(dtype, numel, zeroed: false), shape, strides, 0);

    /// <summary>A tensor over the storage and layout a kernel made (a result whose size only the kernel knew).</summary>
    internal static Tensor FromLayout(Backends.TensorLayout l) => new(l.Storage, l.Shape, l.Strides, l.Offset);

    /// <summary>True when <paramref name="strides"/> are exactly the contiguous strides of <paramref name="shape"/>.</summary>
    internal static bool HasContiguousStrides(long[] shape, long[] strides)
    {
        long acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (strides[i] != acc) return false;
            long d = shape[i];
            acc *= d > 1 ? d : 1;
        }
        return true;
    }

    /// <summary>
    /// A new contiguous tensor on <paramref name="like"/>'s device shaped like it, sharing its shape (and strides
    /// when they are contiguous).
    /// </summary>
    internal static Tensor ContiguousLike(Tensor like, DType dtype)
    {
        var shape = like._shape;
        long n = Shape.Numel(shape);
        var strides = HasContiguousStrides(shape, like._strides) ? like._strides : Shape.ContiguousStrides(shape);
        return new Tensor(like._storage.Backend.Allocate(dtype, n, zeroed: false), shape, strides, 0);
    }

    /// <summary>A new contiguous tensor on <paramref name="device"/> whose contents are undefined (torch.empty): the caller writes every element.</summary>
    internal static Tensor Empty(long[] shape, DType dtype, Device device) => New(shape, dtype, device, zeroed: false);

    /// <summary>A new contiguous tensor of zeros on <paramref name="device"/>.</summary>
    internal static Tensor Zeros(long[] shape, DType dtype, Device device) => New(shape, dtype, device, zeroed: true);

    private static Tensor New(long[] shape, DType dtype, Device device, bool zeroed)
    {
        Shape.CheckSizes(shape);
        var backend = Backends.BackendRegistry.For(device.type);
        var st = backend.Allocate(dtype, Shape.ContiguousStorageCount(shape, dtype.itemsize), zeroed);
        if (shape.Length == 0) return new Tensor(st, NoDims, NoDims, 0);
        return new Tensor(st, (long[])shape.Clone(), Shape.ContiguousStrides(shape), 0);
    }

    /// <summary>
    /// A new tensor laid out as PyTorch's preserve memory format lays out a copy of <paramref name="like"/>
    /// (clone, to, *_like): the same strides when <paramref name="like"/> is dense, else dense strides in its
    /// dim order; or the strides of another <paramref name="format"/> (channels_last on a 4-d tensor, ...).
    /// </summary>
    internal static Tensor EmptyLike(Tensor like, DType dtype, Device device, MemoryFormat? format = null)
    {
        var shape = like._shape;
        var strides = format is null || format.Kind == MemoryFormatKind.Preserve ? Shape.PreserveStrides(shape, like._strides)
            : MemoryFormats.Strides(shape, format);
        var backend = Backends.BackendRegistry.For(device.type);
        var st = backend.Allocate(dtype, Shape.StridedStorageCount(shape, strides, 0, dtype.itemsize), zeroed: false);
        return new Tensor(st, (long[])shape.Clone(), strides, 0);
    }

    /// <summary>The element type, as <c>tensor.dtype</c>.</summary>
    public DType dtype => _storage.dtype;
    /// <summary>The device the elements live on, as <c>tensor.device</c>.</summary>
    public Device device => _storage.device;
    /// <summary>The sizes of the dims, as <c>tensor.shape</c>.</summary>
    public Size shape => new(_shape, false);
    /// <summary>The sizes of the dims, as <c>tensor.size()</c>.</summary>
    public Size size() => shape;
    /// <summary>The size of dim <paramref name="dim"/> (negative counts from the end), as <c>tensor.size(dim)</c>.</summary>
    public long size(int dim) => _shape[Shape.WrapDimStrict(dim, _shape.Length)];
    /// <summary>The stride of each dim in elements, as <c>tensor.stride()</c>.</summary>
    public long[] stride() => (long[])_strides.Clone();
    /// <summary>The stride of dim <paramref name="dim"/> in elements, as <c>tensor.stride(dim)</c>.</summary>
    public long stride(int dim) => _strides[Shape.WrapDimStrict(dim, _shape.Length)];
    /// <summary>The position of the first element in the storage, as <c>tensor.storage_offset()</c>.</summary>
    public long storage_offset() => _offset;
    /// <summary>The number of dims, as <c>tensor.dim()</c>.</summary>
    public int dim() => _shape.Length;
    /// <summary>The number of dims, as <c>tensor.ndim</c>.</summary>
    public int ndim => _shape.Length;
    /// <summary>The number of elements, as <c>tensor.numel()</c>.</summary>
    public long numel() => Shape.Numel(_shape);
    /// <summary>The size of one element in bytes, as <c>tensor.element_size()</c>.</summary>
    public long element_size() => dtype.itemsize;
    /// <summary>Whether the dtype is floating point, as <c>tensor.is_floating_point()</c>.</summary>
    public bool is_floating_point() => dtype.is_floating_point;
    /// <summary>Whether the tensor is on a CUDA device, as <c>tensor.is_cuda</c>.</summary>
    public bool is_cuda => device.type == DeviceType.CUDA;
    /// <summary>Whether the tensor is on the CPU, as <c>tensor.is_cpu</c>.</summary>
    public bool is_cpu => device.type == DeviceType.CPU;
    /// <summary>True on the meta device: the tensor has shape, dtype and strides but no data.</summary>
    public bool is_meta => _storage is MetaStorage;
    /// <summary>The storage the tensor views, as <c>tensor.untyped_storage()</c>.</summary>
    public Storage untyped_storage() => _sparse is null ? _storage : throw new NotSupportedException("Cannot access storage of SparseTensorImpl");
    /// <summary>The number of in-place modifications made to this tensor's data (PyTorch's <c>_version</c>).</summary>
    public long _version_count => VersionValue;

    internal Backends.IBackend Backend => _storage.Backend;

    /// <summary>Whether the elements are laid out row-major without gaps, as <c>tensor.is_contiguous()</c>.</summary>
    public bool is_contiguous() => Shape.IsContiguous(_shape, _strides);

    internal bool IsScalar => _shape.Length == 0;

    /// <summary>Marks a Python number wrapped as a 0-dim tensor, which ranks lowest in type promotion.</summary>
    internal bool IsWrappedNumber { get; set; }

    internal void BumpVersion() => _version.Value++;

    /// <summary>An empty shape (or stride) array, shared: tensors never mutate their shape arrays.</summary>
    internal static readonly long[] NoDims = [];
}

/// <summary>The version counter shared by a tensor and its views.</summary>
internal sealed class VersionCounter
{
    public long Value;
}

namespace Flint.Backends;

/// <summary>
/// What a kernel sees of a tensor: its storage and the layout of the elements in it (shape, strides, offset,
/// all in elements), and the dtype. Nothing of autograd (gradients, version counters, history) crosses the
/// seam: a backend reads and writes memory, the op layer keeps the bookkeeping. The arrays are shared with the
/// tensor and must not be mutated.
/// </summary>
public readonly struct TensorLayout
{
    /// <summary>The storage the elements live in.</summary>
    public Storage Storage { get; }
    /// <summary>The sizes of the dims.</summary>
    public long[] Shape { get; }
    /// <summary>The stride of each dim, in elements.</summary>
    public long[] Strides { get; }
    /// <summary>The position of the first element in the storage, in elements.</summary>
    public long Offset { get; }

    /// <summary>A view of <paramref name="storage"/> with the given shape, strides and offset (in elements).</summary>
    public TensorLayout(Storage storage, long[] shape, long[] strides, long offset)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(strides);
        if (shape.Length != strides.Length) throw new ArgumentException($"shape has {shape.Length} dims but strides {strides.Length}");
        storage.Lease?.NoteUse();
        Storage = storage; Shape = shape; Strides = strides; Offset = offset;
    }

    /// <summary>A contiguous layout of <paramref name="shape"/> at the start of <paramref name="storage"/>.</summary>
    public static TensorLayout Contiguous(Storage storage, long[] shape) =>
        new(storage, shape, shape.Length == 0 ? Tensor.NoDims : Flint.Shape.ContiguousStrides(shape), 0);

    /// <summary>The element type (the storage's).</summary>
    public DType DType => Storage.dtype;
    /// <summary>The device the storage lives on.</summary>
    public Device Device => Storage.device;
    /// <summary>The number of dims.</summary>
    public int Rank => Shape.Length;
    /// <summary>The number of elements.</summary>
    public long Numel => Flint.Shape.Numel(Shape);
    /// <summary>Whether the elements are laid out row-major without gaps.</summary>
    public bool IsContiguous => Flint.Shape.IsContiguous(Shape, Strides);

    /// <summary>One element of <paramref name="storage"/> at <paramref name="offset"/> as a 0-dim layout (a number operand).</summary>
    internal static TensorLayout Number(Storage storage, long offset = 0) => new(storage, Tensor.NoDims, Tensor.NoDims, offset, trusted: true);

    /// <summary>The same storage seen through another layout.</summary>
    public TensorLayout View(long[] shape, long[] strides, long offset) => new(Storage, shape, strides, offset);

    /// <summary>A tensor's storage and layout (what every kernel call passes).</summary>
    public static implicit operator TensorLayout(Tensor t) => new(t._storage, t._shape, t._strides, t._offset, trusted: true);

    /// <summary>An optional operand's layout: none for no tensor.</summary>
    public static implicit operator TensorLayout?(Tensor? t) => t is null ? default(TensorLayout?) : new TensorLayout(t._storage, t._shape, t._strides, t._offset, trusted: true);

    /// <summary>The layouts of several tensors (index operands).</summary>
    internal static TensorLayout[] Of(Tensor[] tensors)
    {
        var r = new TensorLayout[tensors.Length];
        for (int i = 0; i < r.Length; i++) r[i] = tensors[i];
        return r;
    }

    // tensors keep their layout valid: the conversion on every kernel call skips the checks
    private TensorLayout(Storage storage, long[] shape, long[] strides, long offset, bool trusted)
    {
        storage.Lease?.NoteUse();
        Storage = storage; Shape = shape; Strides = strides; Offset = offset;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{DType} {Flint.Shape.Str(Shape)} strides {Flint.Shape.Str(Strides)} offset {Offset} on {Device}";
}

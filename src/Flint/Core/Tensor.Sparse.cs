using Flint.Autograd;

namespace Flint;

/// <summary>
/// The two dense tensors a sparse COO tensor is made of: indices (sparse_dim, nnz) of int64 and values
/// (nnz, dense sizes...), with whether the indices are known to be sorted and distinct.
/// </summary>
internal sealed class SparseParts(Tensor indices, Tensor values, bool coalesced)
{
    internal readonly Tensor Indices = indices;
    internal readonly Tensor Values = values;
    internal readonly bool Coalesced = coalesced;
}

/// <summary>
/// Sparse COO tensors, as far as sparse gradients and SparseAdam need them: a tensor whose layout is
/// torch.sparse_coo holds <see cref="SparseParts"/> and a <see cref="SparseStorage"/> without elements, so the
/// dense ops, which all go through storage, refuse it. What works on one: its metadata, its parts, coalesce,
/// to_dense, clone, detach, zero_, and addition with another sparse or a dense tensor (Ops/SparseAddition.cs).
/// </summary>
public partial class Tensor
{
    /// <summary>The indices and values of a sparse tensor; null for a strided one.</summary>
    internal SparseParts? _sparse;

    private Tensor(SparseParts parts, long[] size)
    {
        _storage = new SparseStorage(parts.Values.dtype, parts.Values.device);
        _shape = size;
        _strides = size.Length == 0 ? NoDims : Shape.ContiguousStrides(size);
        _offset = 0;
        _sparse = parts;
    }

    /// <summary>
    /// A sparse tensor over <paramref name="indices"/> and <paramref name="values"/> as they are (checked by the
    /// caller); fewer than two entries are coalesced whatever the caller says, as PyTorch marks them.
    /// </summary>
    internal static Tensor SparseOf(Tensor indices, Tensor values, long[] size, bool coalesced) =>
        new(new SparseParts(indices, values, coalesced || values.size(0) < 2), size);

    /// <summary>Whether this tensor is a sparse COO tensor, as <c>tensor.is_sparse</c>.</summary>
    public bool is_sparse => _sparse is not null;

    /// <summary>How the tensor holds its elements (<c>torch.strided</c> or <c>torch.sparse_coo</c>), as <c>tensor.layout</c>.</summary>
    public Layout layout => _sparse is null ? Layout.Strided : Layout.SparseCoo;

    private SparseParts Parts(string op) =>
        _sparse ?? throw new NotSupportedException($"Could not run 'aten::{op}' with arguments from the '{(is_cuda ? "CUDA" : "CPU")}' backend: it is defined for sparse tensors only (layout=torch.sparse_coo)");

    /// <summary>The indices (sparse_dim, nnz) of a sparse tensor, coalesced or not, as <c>tensor._indices()</c>.</summary>
    public Tensor _indices() => Parts("_indices").Indices;

    /// <summary>The values (nnz, dense sizes...) of a sparse tensor, coalesced or not, as <c>tensor._values()</c>.</summary>
    public Tensor _values() => Parts("_values").Values;

    /// <summary>The indices of a coalesced sparse tensor, as <c>tensor.indices()</c>.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not coalesced (PyTorch's message).</exception>
    public Tensor indices()
    {
        var p = Parts("indices");
        if (!p.Coalesced) throw new InvalidOperationException("Cannot get indices on an uncoalesced tensor, please call .coalesce() first");
        return p.Indices.detach();
    }

    /// <summary>The values of a coalesced sparse tensor, as <c>tensor.values()</c>.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not coalesced (PyTorch's message).</exception>
    public Tensor values()
    {
        var p = Parts("values");
        if (!p.Coalesced) throw new InvalidOperationException("Cannot get values on an uncoalesced tensor, please call .coalesce() first");
        return p.Values.detach();
    }

    /// <summary>Whether the indices of a sparse tensor are known to be sorted and distinct, as <c>tensor.is_coalesced()</c>.</summary>
    public bool is_coalesced() => Parts("is_coalesced").Coalesced;

    /// <summary>The number of stored entries of a sparse tensor, as <c>tensor._nnz()</c>.</summary>
    public long _nnz() => Parts("_nnz").Values.size(0);

    /// <summary>The number of dims the indices address, as <c>tensor.sparse_dim()</c> (0 for a strided tensor).</summary>
    public long sparse_dim() => _sparse is { } p ? p.Indices.size(0) : 0;

    /// <summary>The number of dims each stored value has, as <c>tensor.dense_dim()</c> (the dim count for a strided tensor).</summary>
    public long dense_dim() => _sparse is { } p ? p.Values.dim() - 1 : dim();

    /// <summary>
    /// The sparse tensor with sorted, distinct indices, values at a repeated index summed in the order they were
    /// stored, as <c>tensor.coalesce()</c>; the tensor itself when it is coalesced already.
    /// </summary>
    public Tensor coalesce()
    {
        var p = Parts("coalesce");
        if (p.Coalesced) return this;
        using var _ = new GradModeScope(false);
        if (p.Values.size(0) == 0) return SparseOf(p.Indices, p.Values, _shape, coalesced: true);
        var (unique, inverse, counts) = torch.unique(LinearIndices(p), sorted: true, return_inverse: true);
        var summed = torch.zeros([unique.size(0), .. p.Values.shape.ToArray()[1..]], p.Values.dtype, p.Values.device)
            .index_add_(0, inverse!, p.Values);
        return SparseOf(Unravel(unique, (int)p.Indices.size(0)), summed, _shape, coalesced: true);
    }

    /// <summary>The strided tensor this sparse tensor stands for (entries at a repeated index summed), as <c>tensor.to_dense()</c>.</summary>
    public Tensor to_dense()
    {
        if (_sparse is not { } p) return this;
        using var _ = new GradModeScope(false);
        int s = (int)p.Indices.size(0);
        var rows = _shape[..s].Aggregate(1L, (a, b) => a * b);
        var flat = torch.zeros([rows, .. _shape[s..]], p.Values.dtype, p.Values.device);
        if (p.Values.size(0) > 0) flat.index_add_(0, LinearIndices(p), p.Values);
        return flat.view(_shape);
    }

    /// <summary>Each entry's position in the sparse dims read row-major (the index into the flattened sparse dims).</summary>
    private Tensor LinearIndices(SparseParts p)
    {
        int s = (int)p.Indices.size(0);
        Tensor? lin = null;
        long stride = 1;
        for (int d = s - 1; d >= 0; d--)
        {
            var row = p.Indices.select(0, d);
            var term = stride == 1 ? row : row * stride;
            lin = lin is null ? term : lin + term;
            stride *= _shape[d];
        }
        return lin ?? torch.zeros([p.Values.size(0)], DType.Int64, p.Indices.device);
    }

    /// <summary>Indices (sparse_dim, n) from positions in the flattened sparse dims.</summary>
    private Tensor Unravel(Tensor linear, int sparseDim)
    {
        var rows = new Tensor[sparseDim];
        long stride = 1;
        for (int d = sparseDim - 1; d >= 0; d--)
        {
            rows[d] = torch.remainder(stride == 1 ? linear : torch.div(linear, stride, rounding_mode: "floor"), _shape[d]);
            stride *= _shape[d];
        }
        return sparseDim == 0 ? torch.zeros([0, linear.size(0)], DType.Int64, linear.device) : torch.stack(rows);
    }

    /// <summary>clone() of a sparse tensor: copies of its indices and values.</summary>
    private Tensor SparseClone(SparseParts p)
    {
        using var _ = new GradModeScope(false);
        return SparseOf(p.Indices.clone(), p.Values.clone(), _shape, p.Coalesced);
    }

    /// <summary>zero_() of a sparse tensor: no entries left (which is coalesced), as PyTorch.</summary>
    private Tensor SparseZero(SparseParts p)
    {
        var vshape = p.Values.shape.ToArray();
        vshape[0] = 0;
        SetSparse(torch.zeros([p.Indices.size(0), 0], DType.Int64, p.Indices.device), torch.zeros(vshape, p.Values.dtype, p.Values.device), coalesced: true);
        return this;
    }

    /// <summary>Replaces a sparse tensor's parts in place (in-place sparse ops), counting a version.</summary>
    internal void SetSparse(Tensor indices, Tensor values, bool coalesced)
    {
        _sparse = new SparseParts(indices, values, coalesced || values.size(0) < 2);
        if (_storage.dtype != values.dtype) _storage = new SparseStorage(values.dtype, values.device);
        BumpVersion();
    }
}

public static partial class torch
{
    /// <summary>
    /// A sparse COO tensor with <paramref name="values"/> at <paramref name="indices"/> (sparse_dim, nnz), as
    /// <c>torch.sparse_coo_tensor</c>. Without <paramref name="size"/> each sparse dim is one past its largest
    /// index and the dense dims are the values'. The result is not coalesced unless <paramref name="is_coalesced"/> says so.
    /// </summary>
    /// <exception cref="ArgumentException">The indices are not int64 (sparse_dim, nnz), the counts or sizes disagree, or an index lies outside the size (PyTorch's messages).</exception>
    public static Tensor sparse_coo_tensor(Tensor indices, Tensor values, long[]? size = null, DType? dtype = null, Device? device = null, bool? is_coalesced = null)
    {
        if (indices.is_sparse || values.is_sparse) throw SparseStorage.Unsupported("aten::sparse_coo_tensor.indices", indices.is_sparse ? indices.device : values.device);
        if (indices.dtype != int64) throw new ArgumentException($"indices must be an int64 tensor");
        if (indices.dim() != 2) throw new ArgumentException($"indices must be sparse_dim x nnz, but got: {indices.shape}");
        if (values.dim() == 0) throw new ArgumentException("values must have at least one dimension (nnz), but got a 0-dim tensor");
        long sparseDim = indices.size(0), nnz = indices.size(1);
        if (values.size(0) != nnz)
            throw new ArgumentException($"indices and values must have same nnz, but got nnz from indices: {nnz}, nnz from values: {values.size(0)}");
        var denseSizes = values.shape.ToArray()[1..];
        var maxIndex = new long[sparseDim];
        if (nnz > 0)
        {
            var all = indices.contiguous().ToArray<long>();
            for (int d = 0; d < sparseDim; d++)
            {
                long lo = long.MaxValue, hi = long.MinValue;
                for (long k = 0; k < nnz; k++) { long x = all[d * nnz + k]; lo = Math.Min(lo, x); hi = Math.Max(hi, x); }
                if (lo < 0) throw new ArgumentException($"found negative index {lo} for dim {d}");
                maxIndex[d] = hi;
            }
        }
        long[] shape;
        if (size is null) shape = [.. maxIndex.Select(m => nnz > 0 ? m + 1 : 0), .. denseSizes];
        else
        {
            shape = (long[])size.Clone();
            Shape.CheckSizes(shape);
            if (shape.Length != sparseDim + denseSizes.Length)
                throw new ArgumentException($"number of dimensions must be sparse_dim ({sparseDim}) + dense_dim ({denseSizes.Length}), but got {shape.Length}");
            for (int d = 0; d < sparseDim; d++)
                if (nnz > 0 && maxIndex[d] >= shape[d])
                    throw new ArgumentException($"size is inconsistent with indices: for dim {d}, size is {shape[d]} but found index {maxIndex[d]}");
            if (!shape.AsSpan((int)sparseDim).SequenceEqual(denseSizes))
                throw new ArgumentException($"values has incorrect size, expected {Shape.Str([nnz, .. shape[(int)sparseDim..]])}, got {values.shape}");
        }
        var v = values.detach();
        if (dtype is { } dt && dt != v.dtype) v = v.to(dt);
        if (device is { } dev && dev != v.device) v = v.to(dev);
        var i = indices.detach();
        if (i.device != v.device) i = i.to(v.device);
        return Tensor.SparseOf(i, v, shape, is_coalesced ?? false);
    }
}

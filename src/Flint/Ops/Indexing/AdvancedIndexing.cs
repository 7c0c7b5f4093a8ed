using Flint.Ops.Kernels;
using Flint.Backends;

namespace Flint.Ops;

/// <summary>
/// Advanced (tensor) indexing shared by the indexer, index_put_, gather/scatter and index_select: masks are
/// expanded into index tensors, index tensors broadcast together, every index is checked and wrapped, and
/// the operands are restrided so a backend kernel walks one iteration shape.
/// </summary>
internal static class AdvancedIndexing
{
    /// <summary>What a kernel needs: self seen at the result shape (stride 0 along indexed dims), the index tensors seen at the result shape, and the strides the indices step by.</summary>
    internal readonly record struct Plan(Tensor Self, Tensor[] Indices, long[] Strides, long[] Shape);

    /// <summary>A 0-dim tensor seen as 1-D of size 1 (a view); other tensors as they are.</summary>
    internal static Tensor OneDim(Tensor t) => t.ndim == 0 ? t.View([1], [1], t._offset) : t;

    internal static bool IsMask(Tensor t) => t.dtype == DType.Bool || t.dtype == DType.UInt8;

    /// <summary>
    /// Plans self[indices] where each entry indexes the next dim (null leaves the dim alone; a k-dim mask covers k dims).
    /// </summary>
    internal static Plan Make(Tensor self, IReadOnlyList<Tensor?> indices)
    {
        var list = new List<Tensor?>();
        foreach (var t in indices)
        {
            if (t is null) { list.Add(null); continue; }
            if (t.device != self.device) throw new InvalidOperationException($"indices should be either on cpu or on the same device as the indexed tensor ({self.device.Normalized})");
            if (IsMask(t))
            {
                int start = list.Count;
                for (int j = 0; j < t.ndim; j++)
                    if (start + j < self.ndim && t._shape[j] != self._shape[start + j])
                        throw new IndexOutOfRangeException($"The shape of the mask {Shape.Str(t._shape)} at index {j} does not match the shape of the indexed tensor {Shape.Str(self._shape)} at index {start + j}");
                var nz = Tensor.FromLayout(t.Backend.Nonzero(t.dtype == DType.Bool ? t : t.to(DType.Bool)));
                for (int j = 0; j < t.ndim; j++) list.Add(nz.select(1, j));
            }
            else list.Add(t);
        }
        foreach (var t in list)
            if (t is not null && t.dtype != DType.Int64)
                throw new IndexOutOfRangeException("tensors used as indices must be long, byte or bool tensors");
        if (list.Count > self.ndim)
            throw new IndexOutOfRangeException($"too many indices for tensor of dimension {self.ndim} (got {list.Count})");
        while (list.Count < self.ndim) list.Add(null);

        var dims = new List<int>();
        for (int d = 0; d < list.Count; d++) if (list[d] is not null) dims.Add(d);
        long[] b = [];
        try
        {
            foreach (var d in dims) b = Flint.Shape.Broadcast(b, list[d]!._shape);
        }
        catch (ArgumentException)
        {
            throw new IndexOutOfRangeException("shape mismatch: indexing tensors could not be broadcast together with shapes " +
                string.Join(", ", dims.Select(d => Flint.Shape.Str(list[d]!._shape))));
        }

        var idx = new Tensor[dims.Count];
        var strides = new long[dims.Count];
        for (int k = 0; k < dims.Count; k++)
        {
            int d = dims[k];
            idx[k] = Normalize(list[d]!, self._shape[d], k);
            strides[k] = self._strides[d];
        }

        bool adjacent = dims.Count == 0 || dims[^1] - dims[0] == dims.Count - 1;
        var shape = new List<long>(); var selfStrides = new List<long>();
        var idxStrides = idx.Select(_ => new List<long>()).ToArray();
        void Plain(int d)
        {
            shape.Add(self._shape[d]); selfStrides.Add(self._strides[d]);
            foreach (var l in idxStrides) l.Add(0);
        }
        void Broadcast()
        {
            shape.AddRange(b);
            selfStrides.AddRange(new long[b.Length]);
            for (int k = 0; k < idx.Length; k++) idxStrides[k].AddRange(Flint.Shape.BroadcastStrides(idx[k], b));
        }
        if (adjacent)
        {
            for (int d = 0; d < self.ndim; d++)
            {
                if (dims.Count > 0 && d == dims[0]) Broadcast();
                if (list[d] is null) Plain(d);
            }
        }
        else
        {
            Broadcast();
            for (int d = 0; d < self.ndim; d++) if (list[d] is null) Plain(d);
        }
        var shp = shape.ToArray();
        var selfR = self.View(shp, selfStrides.ToArray(), self._offset);
        var idxR = new Tensor[idx.Length];
        for (int k = 0; k < idx.Length; k++) idxR[k] = idx[k].View((long[])shp.Clone(), idxStrides[k].ToArray(), idx[k]._offset);
        return new Plan(selfR, idxR, strides, shp);
    }

    /// <summary>Checks every index against <paramref name="size"/> and wraps negatives: a fresh contiguous int64 tensor.</summary>
    internal static Tensor Normalize(Tensor index, long size, int dimForMessage, Func<long, string>? message = null, bool runtimeError = false, bool wrap = true)
    {
        // a meta index has no values to check or wrap (PyTorch skips the check there too)
        if (index.is_meta)
        {
            // except that nothing fits a dimension of size 0
            if (size == 0 && index.numel() > 0 && message is null)
                throw runtimeError ? new ArgumentException("index is out of bounds for dimension with size 0") : new IndexOutOfRangeException("index is out of bounds for dimension with size 0");
            return Tensor.Empty(index._shape, DType.Int64, index.device);
        }
        var v = index.ToLongArray();
        for (int i = 0; i < v.Length; i++)
        {
            long x = v[i];
            if (x < (wrap ? -size : 0) || x >= size)
            {
                var text = message is not null ? message(x) : size == 0 ? "index is out of bounds for dimension with size 0" : $"index {x} is out of bounds for dimension {dimForMessage} with size {size}";
                if (runtimeError) throw new ArgumentException(text);
                throw new IndexOutOfRangeException(text);
            }
            if (x < 0) v[i] = x + size;
        }
        return torch.from_array(v, index._shape);
    }

    internal static Tensor Index(Tensor self, IReadOnlyList<Tensor?> indices)
    {
        var p = Make(self, indices);
        var dst = Tensor.Empty(p.Shape, self.dtype, self.device);
        if (dst.numel() > 0) self.Backend.IndexGather(dst, p.Self, Backends.TensorLayout.Of(p.Indices), p.Strides);
        return IndexDerivative.Record(dst, [self], (self._shape, indices));
    }

    /// <summary>The gradient put back (accumulating) at the indexed positions of a zero tensor.</summary>
    internal static readonly NodeDerivative<(long[] shape, IReadOnlyList<Tensor?> indices)> IndexDerivative = new("IndexBackward0", null,
        (g, s) => torch.zeros(s.shape, dtype: g.dtype, device: g.device).index_put(s.indices.ToArray(), g, accumulate: true));

    /// <summary>self[indices] = values (or += with accumulate); values must already have self's dtype.</summary>
    internal static void IndexPut(Tensor self, IReadOnlyList<Tensor?> indices, Tensor values, bool accumulate)
    {
        var p = Make(self, indices);
        if (!Expandable(values._shape, p.Shape))
            throw new ArgumentException($"shape mismatch: value tensor of shape {Flint.Shape.Str(values._shape)} cannot be broadcast to indexing result of shape {Flint.Shape.Str(p.Shape)}");
        Autograd.AutogradHooks.CheckInPlace(self);
        if (ReferenceEquals(values._storage, self._storage)) values = values.clone();
        var v = values.expand(p.Shape);
        if (v.numel() > 0) self.Backend.IndexScatter(p.Self, v, Backends.TensorLayout.Of(p.Indices), p.Strides, accumulate ? ScatterReduce.Add : ScatterReduce.None);
        self.BumpVersion();
    }

    /// <summary>Writes a computed result into an out= tensor of the same dtype (resized when its shape differs).</summary>
    internal static Tensor CopyOut(Tensor result, Tensor @out, string? dtypeMessage = null)
    {
        if (@out.dtype != result.dtype)
            throw new ArgumentException(dtypeMessage ?? $"Expected out tensor to have dtype {result.dtype.CppName}, but got {@out.dtype.CppName} instead");
        OutArgument.Prepare(@out, result._shape).Backend.Copy(@out, result);
        return @out;
    }

    internal static bool Expandable(long[] from, long[] to)
    {
        if (from.Length > to.Length) return false;
        for (int i = 1; i <= from.Length; i++)
            if (from[^i] != 1 && from[^i] != to[^i]) return false;
        return true;
    }
}

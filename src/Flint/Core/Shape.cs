namespace Flint;

/// <summary>Shape and stride arithmetic shared by every op: broadcasting, dim wrapping, contiguity.</summary>
internal static class Shape
{
    /// <summary>
    /// The element count of a shape. The product is checked: a product past the range of a long throws PyTorch's
    /// "numel: integer multiplication overflow" instead of wrapping (a wrapped count would let a tensor claim
    /// more elements than its storage holds). The overflow is sticky, as PyTorch's: a later zero does not clear it.
    /// </summary>
    internal static long Numel(ReadOnlySpan<long> shape)
    {
        ulong n = 1, high = 0;
        foreach (var d in shape) high |= Math.BigMul(n, unchecked((ulong)d), out n);
        if (high != 0 || n > long.MaxValue) throw new ArgumentException("numel: integer multiplication overflow");
        return (long)n;
    }

    /// <summary>
    /// The element count of a new contiguous storage for <paramref name="shape"/>, refusing a count whose size in
    /// bytes overflows (PyTorch's computeStorageNbytesContiguous and its message).
    /// </summary>
    internal static long ContiguousStorageCount(ReadOnlySpan<long> shape, int itemsize)
    {
        ulong n = 1, high = 0;
        foreach (var d in shape) high |= Math.BigMul(n, unchecked((ulong)d), out n);
        high |= Math.BigMul(n, (ulong)itemsize, out ulong bytes);
        if (high != 0 || bytes > long.MaxValue)
            throw new ArgumentException($"Storage size calculation overflowed with sizes={Str(shape)}");
        return (long)n;
    }

    /// <summary>
    /// The number of storage elements a (sizes, strides, offset) view reaches: one past its furthest element, or 0
    /// when it has no elements (PyTorch's computeStorageNbytes, in elements). Every product and sum is checked;
    /// negative strides and offsets count as overflow, as PyTorch's unsigned arithmetic makes them.
    /// </summary>
    internal static long StridedStorageCount(ReadOnlySpan<long> sizes, ReadOnlySpan<long> strides, long offset, int itemsize)
    {
        ulong reach = 1, high = 0;
        bool overflow = false;
        for (int i = 0; i < sizes.Length; i++)
        {
            if (sizes[i] == 0) return 0;
            high |= Math.BigMul(unchecked((ulong)strides[i]), unchecked((ulong)(sizes[i] - 1)), out ulong span);
            ulong sum = reach + span;
            overflow |= sum < reach;
            reach = sum;
        }
        ulong withOffset = reach + unchecked((ulong)offset);
        overflow |= withOffset < reach || offset < 0;
        high |= Math.BigMul(withOffset, (ulong)itemsize, out ulong bytes);
        if (overflow || high != 0 || bytes > long.MaxValue)
            throw new ArgumentException($"Storage size calculation overflowed with sizes={Str(sizes)} and strides={Str(strides)}");
        return (long)withOffset;
    }

    /// <summary>
    /// True when every element of a (sizes, strides, offset) view lies inside a storage of
    /// <paramref name="storageCount"/> elements, with negative strides allowed (the internal layouts flip makes);
    /// exact in 128-bit arithmetic. Views with no elements are always inside.
    /// </summary>
    internal static bool LiesInside(ReadOnlySpan<long> sizes, ReadOnlySpan<long> strides, long offset, long storageCount)
    {
        if (sizes.Length != strides.Length) return false;
        ulong n = 1, over = 0;
        foreach (var d in sizes)
        {
            if (d < 0) return false;
            over |= Math.BigMul(n, (ulong)d, out n);
        }
        if (over != 0 || n > long.MaxValue) return false;
        if (n == 0) return true;
        Int128 low = offset, high = offset;
        for (int i = 0; i < sizes.Length; i++)
        {
            Int128 span = (Int128)(sizes[i] - 1) * strides[i];
            if (span < 0) low += span; else high += span;
        }
        return low >= 0 && high < storageCount;
    }

    /// <summary>
    /// Checks that a (sizes, strides, offset) view of a storage of <paramref name="storageCount"/> elements stays
    /// inside it, with PyTorch's messages (the setStorage check of as_strided and set_, the numel check).
    /// </summary>
    internal static void CheckInBounds(ReadOnlySpan<long> sizes, ReadOnlySpan<long> strides, long offset, long storageCount, int itemsize)
    {
        if (sizes.Length != strides.Length)
            throw new ArgumentException($"mismatch in length of strides and shape");
        if (offset < 0) throw new ArgumentException($"Tensor: invalid storage offset {offset}");
        long need = StridedStorageCount(sizes, strides, offset, itemsize);
        if (need > storageCount)
            throw new ArgumentException($"setStorage: sizes {Str(sizes)}, strides {Str(strides)}, storage offset {offset}, and itemsize {itemsize} requiring a storage size of {need * itemsize} are out of bounds for storage of size {storageCount * itemsize}");
        Numel(sizes);
    }

    internal static long[] ContiguousStrides(ReadOnlySpan<long> shape)
    {
        var s = new long[shape.Length];
        long acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--) { s[i] = acc; acc *= Math.Max(shape[i], 1); }
        return s;
    }

    internal static bool IsContiguous(ReadOnlySpan<long> shape, ReadOnlySpan<long> strides)
    {
        foreach (var d in shape) if (d == 0) return true;   // no elements: every layout is contiguous
        long expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] == 0) return true;
            if (shape[i] == 1) continue;
            if (strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    internal static void CheckSizes(ReadOnlySpan<long> shape)
    {
        foreach (var d in shape)
            if (d < 0) throw new ArgumentException($"Trying to create tensor with negative dimension {d}: [{string.Join(", ", shape.ToArray())}]");
    }

    /// <summary>Wraps a dim for size(d), stride(d) and unbind, which refuse 0-dim tensors (PyTorch's text).</summary>
    internal static int WrapDimStrict(long dim, int ndim)
    {
        if (ndim == 0) throw new IndexOutOfRangeException($"Dimension specified as {dim} but tensor has no dimensions");
        return WrapDim(dim, ndim);
    }

    /// <summary>
    /// True when the elements cover a dense block without overlap in some dim order (PyTorch's
    /// is_non_overlapping_and_dense): such tensors keep their strides when copied with the preserve format.
    /// </summary>
    internal static bool IsNonOverlappingAndDense(long[] shape, long[] strides)
    {
        int n = shape.Length;
        if (n == 1) return shape[0] < 2 || strides[0] == 1;
        var order = Enumerable.Range(0, n).Where(i => shape[i] >= 2).OrderBy(i => strides[i]).ToArray();
        long need = 1;
        foreach (var i in order)
        {
            if (strides[i] != need) return false;
            need *= shape[i];
        }
        return true;
    }

    /// <summary>
    /// Contiguous strides laid out in the memory order of (shape, strides): dims sorted by stride, smallest
    /// innermost; stride-0 dims keep their place; equal strides put the smaller size inside (PyTorch's
    /// infer_dense_strides, the layout rule of the preserve memory format).
    /// </summary>
    internal static long[] DenseStridesLike(long[] shape, long[] strides)
    {
        int n = shape.Length;
        if (n == 0) return [];
        if (n == 1) return [1];
        // order[0] is the innermost dim; start from the row-major order and insertion-sort it
        var order = Enumerable.Range(0, n).Reverse().ToArray();
        int Compare(int a, int b)
        {
            long sa = strides[a], sb = strides[b];
            if (sa == 0 || sb == 0) return 0;
            if (sa != sb) return sa < sb ? -1 : 1;
            return shape[a] > shape[b] ? 1 : 0;
        }
        for (int i = 1; i < n; i++)
        {
            int cur = i;
            for (int j = i - 1; j >= 0; j--)
            {
                int c = Compare(order[j], order[cur]);
                if (c > 0) { (order[j], order[cur]) = (order[cur], order[j]); cur = j; }
                else if (c < 0) break;
            }
        }
        var r = new long[n];
        long acc = 1;
        foreach (var d in order)
        {
            r[d] = acc;
            if (shape[d] > 1) acc *= shape[d];
        }
        return r;
    }

    /// <summary>The strides a copy made with PyTorch's preserve memory format gets (clone, to, *_like).</summary>
    internal static long[] PreserveStrides(long[] shape, long[] strides) =>
        // a tensor without elements is dense whatever its strides, and keeps them (as PyTorch's empty_strided copy)
        Numel(shape) == 0 ? (long[])strides.Clone()
        : IsContiguous(shape, strides) ? ContiguousStrides(shape)
        : IsNonOverlappingAndDense(shape, strides) ? (long[])strides.Clone()
        : DenseStridesLike(shape, strides);

    /// <summary>Wraps a possibly negative dim into [0, ndim), with PyTorch's IndexError text.</summary>
    internal static int WrapDim(long dim, int ndim, bool scalarAsOne = true)
    {
        int n = ndim == 0 && scalarAsOne ? 1 : ndim;
        if (n <= 0) throw new IndexOutOfRangeException($"dimension specified as {dim} but tensor has no dimensions");
        if (dim < -n || dim >= n)
            throw new IndexOutOfRangeException($"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})");
        return (int)(dim < 0 ? dim + n : dim);
    }

    internal static long[] Broadcast(ReadOnlySpan<long> a, ReadOnlySpan<long> b)
    {
        int n = Math.Max(a.Length, b.Length);
        var r = new long[n];
        for (int i = 0; i < n; i++)
        {
            int ia = a.Length - n + i, ib = b.Length - n + i;
            long da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
            if (da == db || db == 1) r[i] = da;
            else if (da == 1) r[i] = db;
            else throw new ArgumentException($"The size of tensor a ({da}) must match the size of tensor b ({db}) at non-singleton dimension {i}");
        }
        return r;
    }

    internal static long[] Broadcast(params Tensor[] ts)
    {
        long[] r = ts[0]._shape;
        for (int i = 1; i < ts.Length; i++) r = Broadcast(r, ts[i]._shape);
        return r;
    }

    /// <summary>Strides of <paramref name="t"/> seen at the broadcast <paramref name="shape"/> (0 where expanded).</summary>
    internal static long[] BroadcastStrides(Tensor t, ReadOnlySpan<long> shape)
    {
        var r = new long[shape.Length];
        int off = shape.Length - t._shape.Length;
        for (int i = 0; i < t._shape.Length; i++)
            r[off + i] = t._shape[i] == 1 && shape[off + i] != 1 ? 0 : t._strides[i];
        return r;
    }

    internal static string Str(ReadOnlySpan<long> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    /// <summary>Infers a -1 entry of a view/reshape target, with PyTorch's errors.</summary>
    internal static long[] InferSize(ReadOnlySpan<long> shape, long numel)
    {
        var r = shape.ToArray();
        int infer = -1;
        ulong product = 1, high = 0;
        for (int i = 0; i < r.Length; i++)
        {
            if (r[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException("only one dimension can be inferred");
                infer = i;
            }
            else if (r[i] < 0) throw new ArgumentException($"invalid shape dimension {r[i]}");
            else high |= Math.BigMul(product, (ulong)r[i], out product);
        }
        // a product that wraps could pass the size check below and view more elements than exist
        bool overflow = high != 0 || product > long.MaxValue;
        long known = unchecked((long)product);
        if (numel == known || (infer >= 0 && known > 0 && numel % known == 0))
        {
            if (overflow) throw new ArgumentException("numel: integer multiplication overflow");
            if (infer >= 0)
            {
                if (known == 0)
                    throw new ArgumentException($"cannot reshape tensor of 0 elements into shape {Str(shape)} because the unspecified dimension size -1 can be any value and is ambiguous");
                r[infer] = numel / known;
            }
            return r;
        }
        throw new ArgumentException($"shape '{Str(shape)}' is invalid for input of size {numel}");
    }

    /// <summary>
    /// Strides that view (oldShape, oldStrides) as newShape without copying, or null when impossible
    /// (PyTorch's computeStride).
    /// </summary>
    internal static long[]? ComputeViewStrides(long[] oldShape, long[] oldStrides, long[] newShape)
    {
        long numel = Numel(oldShape);
        if (oldShape.Length == 0) return ContiguousStrides(newShape);
        var ns = new long[newShape.Length];
        if (numel == 0)
        {
            if (oldShape.AsSpan().SequenceEqual(newShape)) return (long[])oldStrides.Clone();
            return ContiguousStrides(newShape);
        }
        int viewD = newShape.Length - 1;
        long chunkBase = oldStrides.Length > 0 ? oldStrides[^1] : 1;
        long tensorNumel = 1, viewNumel = 1;
        for (int d = oldShape.Length - 1; d >= 0; d--)
        {
            tensorNumel *= oldShape[d];
            if (d == 0 || (oldShape[d - 1] != 1 && oldStrides[d - 1] != tensorNumel * chunkBase))
            {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1))
                {
                    ns[viewD] = viewNumel * chunkBase;
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0) { chunkBase = oldStrides[d - 1]; tensorNumel = 1; viewNumel = 1; }
            }
        }
        if (viewD != -1) return null;
        return ns;
    }
}

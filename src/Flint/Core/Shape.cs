namespace Flint;

/// <summary>Shape and stride arithmetic shared by every op: broadcasting, dim wrapping, contiguity.</summary>
internal static class Shape
{
    internal static long Numel(ReadOnlySpan<long> shape)
    {
        long n = 1;
        foreach (var d in shape) n *= d;
        return n;
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

    /// <summary>The element count of a shape, refusing negative sizes and overflow as PyTorch's numel check.</summary>
    internal static long CheckedNumel(ReadOnlySpan<long> shape)
    {
        ulong n = 1;
        bool overflow = false;
        foreach (var d in shape)
        {
            ulong u = unchecked((ulong)d);
            if (u != 0 && n > ulong.MaxValue / u) overflow = true;
            n = unchecked(n * u);
        }
        if (overflow || n > long.MaxValue) throw new ArgumentException("numel: integer multiplication overflow");
        return (long)n;
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
        IsContiguous(shape, strides) ? ContiguousStrides(shape)
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
        long known = 1;
        for (int i = 0; i < r.Length; i++)
        {
            if (r[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException("only one dimension can be inferred");
                infer = i;
            }
            else if (r[i] < 0) throw new ArgumentException($"invalid shape dimension {r[i]}");
            else known *= r[i];
        }
        if (numel == known || (infer >= 0 && known > 0 && numel % known == 0))
        {
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

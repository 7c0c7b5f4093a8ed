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
        if (infer >= 0)
        {
            if (known == 0 || numel % known != 0)
                throw new ArgumentException($"shape '{Str(shape)}' is invalid for input of size {numel}");
            r[infer] = numel / known;
        }
        else if (known != numel)
            throw new ArgumentException($"shape '{Str(shape)}' is invalid for input of size {numel}");
        return r;
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

namespace Flint.Backends.Cpu;

/// <summary>
/// Walks the elements of an output shape for several operands with their own strides, as rows along the
/// innermost dimension. Dimensions that are laid out back to back in every operand are merged first, so a
/// contiguous (or uniformly broadcast) operation is a single long row.
/// </summary>
internal readonly struct StridedLoop
{
    public readonly long[] Shape;
    public readonly long[][] Strides;
    public readonly long[] Offsets;

    public StridedLoop(long[] shape, long[][] strides, long[] offsets)
    {
        (Shape, Strides) = Coalesce(shape, strides);
        Offsets = offsets;
    }

    /// <summary>Operands in order; each is seen at <paramref name="shape"/> through broadcasting.</summary>
    public static StridedLoop For(long[] shape, params Tensor[] operands)
    {
        var strides = new long[operands.Length][];
        var offsets = new long[operands.Length];
        for (int k = 0; k < operands.Length; k++)
        {
            strides[k] = Flint.Shape.BroadcastStrides(operands[k], shape);
            offsets[k] = operands[k]._offset;
        }
        return new StridedLoop(shape, strides, offsets);
    }

    private static (long[], long[][]) Coalesce(long[] shape, long[][] strides)
    {
        int nd = shape.Length;
        if (nd <= 1) return (shape.Length == 0 ? [1] : shape, shape.Length == 0 ? strides.Select(_ => new long[] { 0 }).ToArray() : strides);
        var sh = new List<long>(nd);
        var st = strides.Select(_ => new List<long>(nd)).ToArray();
        // walk from innermost outwards
        long curSize = shape[nd - 1];
        var cur = strides.Select(s => s[nd - 1]).ToArray();
        for (int d = nd - 2; d >= 0; d--)
        {
            long size = shape[d];
            bool merge = size == 1 || curSize == 1;
            if (!merge)
            {
                merge = true;
                for (int k = 0; k < strides.Length; k++)
                    if (strides[k][d] != cur[k] * curSize) { merge = false; break; }
            }
            if (merge)
            {
                if (curSize == 1) for (int k = 0; k < strides.Length; k++) cur[k] = strides[k][d];
                curSize *= size;
            }
            else
            {
                sh.Add(curSize);
                for (int k = 0; k < strides.Length; k++) st[k].Add(cur[k]);
                curSize = size;
                for (int k = 0; k < strides.Length; k++) cur[k] = strides[k][d];
            }
        }
        sh.Add(curSize);
        for (int k = 0; k < strides.Length; k++) st[k].Add(cur[k]);
        sh.Reverse();
        foreach (var l in st) l.Reverse();
        return (sh.ToArray(), st.Select(l => l.ToArray()).ToArray());
    }

    public long Numel { get { long n = 1; foreach (var d in Shape) n *= d; return n; } }
    public long RowLength => Shape[^1];
    public long InnerStride(int operand) => Strides[operand][^1];

    public delegate void RowAction(ReadOnlySpan<long> offsets, long n);

    /// <summary>Calls <paramref name="row"/> once per innermost row with each operand's start offset.</summary>
    public void ForEachRow(RowAction row)
    {
        if (Numel == 0) return;
        int nd = Shape.Length, nops = Offsets.Length;
        Span<long> offs = stackalloc long[nops];
        Offsets.CopyTo(offs);
        if (nd == 1) { row(offs, Shape[0]); return; }
        Span<long> idx = stackalloc long[nd - 1];
        long rowLen = Shape[nd - 1];
        while (true)
        {
            row(offs, rowLen);
            int d = nd - 2;
            for (; d >= 0; d--)
            {
                idx[d]++;
                for (int k = 0; k < nops; k++) offs[k] += Strides[k][d];
                if (idx[d] < Shape[d]) break;
                for (int k = 0; k < nops; k++) offs[k] -= Strides[k][d] * Shape[d];
                idx[d] = 0;
            }
            if (d < 0) return;
        }
    }
}

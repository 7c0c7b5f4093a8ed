namespace Flint.Backends.Cpu;

/// <summary>
/// Walks the elements of an output shape for several operands with their own strides, as rows along the
/// innermost dimension. Dimensions that are laid out back to back in every operand are merged first, so a
/// contiguous (or uniformly broadcast) operation is a single long row. Rows can be walked in ranges, so a
/// kernel can hand row ranges to the worker pool.
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
        int nd = shape.Length, nops = strides.Length;
        if (nd == 0)
        {
            var z = new long[nops][];
            for (int k = 0; k < nops; k++) z[k] = [0];
            return ([1], z);
        }
        if (nd == 1) return (shape, strides);
        // walk from innermost outwards, writing merged dims from the back
        var sh = new long[nd];
        var st = new long[nops][];
        for (int k = 0; k < nops; k++) st[k] = new long[nd];
        int outDims = 0;
        long curSize = shape[nd - 1];
        Span<long> cur = nops <= 16 ? stackalloc long[nops] : new long[nops];
        for (int k = 0; k < nops; k++) cur[k] = strides[k][nd - 1];
        for (int d = nd - 2; d >= 0; d--)
        {
            long size = shape[d];
            bool merge = size == 1 || curSize == 1;
            if (!merge)
            {
                merge = true;
                for (int k = 0; k < nops; k++)
                    if (strides[k][d] != cur[k] * curSize) { merge = false; break; }
            }
            if (merge)
            {
                if (curSize == 1) for (int k = 0; k < nops; k++) cur[k] = strides[k][d];
                curSize *= size;
            }
            else
            {
                sh[nd - 1 - outDims] = curSize;
                for (int k = 0; k < nops; k++) st[k][nd - 1 - outDims] = cur[k];
                outDims++;
                curSize = size;
                for (int k = 0; k < nops; k++) cur[k] = strides[k][d];
            }
        }
        sh[nd - 1 - outDims] = curSize;
        for (int k = 0; k < nops; k++) st[k][nd - 1 - outDims] = cur[k];
        outDims++;
        if (outDims == nd) return (sh, st);
        var rs = sh[(nd - outDims)..];
        var rst = new long[nops][];
        for (int k = 0; k < nops; k++) rst[k] = st[k][(nd - outDims)..];
        return (rs, rst);
    }

    public long Numel { get { long n = 1; foreach (var d in Shape) n *= d; return n; } }
    public long RowLength => Shape[^1];
    /// <summary>The number of innermost rows.</summary>
    public long Rows { get { long n = 1; for (int d = 0; d < Shape.Length - 1; d++) n *= Shape[d]; return RowLength == 0 ? 0 : n; } }
    public long InnerStride(int operand) => Strides[operand][^1];

    public delegate void RowAction(ReadOnlySpan<long> offsets, long n);

    /// <summary>Calls <paramref name="row"/> once per innermost row with each operand's start offset.</summary>
    public void ForEachRow(RowAction row)
    {
        if (Numel == 0) return;
        ForEachRow(0, Rows, row);
    }

    /// <summary>Calls <paramref name="row"/> for rows [<paramref name="begin"/>, <paramref name="end"/>) in order.</summary>
    public void ForEachRow(long begin, long end, RowAction row)
    {
        if (begin >= end || RowLength == 0) return;
        int nd = Shape.Length, nops = Offsets.Length;
        Span<long> offs = stackalloc long[nops];
        Offsets.CopyTo(offs);
        long rowLen = Shape[nd - 1];
        if (nd == 1) { row(offs, rowLen); return; }
        Span<long> idx = stackalloc long[nd - 1];
        // the multi-index of row `begin`
        long r = begin;
        for (int d = nd - 2; d >= 0; d--)
        {
            idx[d] = r % Shape[d]; r /= Shape[d];
            for (int k = 0; k < nops; k++) offs[k] += idx[d] * Strides[k][d];
        }
        for (long rowNo = begin; rowNo < end; rowNo++)
        {
            row(offs, rowLen);
            for (int d = nd - 2; d >= 0; d--)
            {
                idx[d]++;
                for (int k = 0; k < nops; k++) offs[k] += Strides[k][d];
                if (idx[d] < Shape[d]) break;
                for (int k = 0; k < nops; k++) offs[k] -= Strides[k][d] * Shape[d];
                idx[d] = 0;
            }
        }
    }

    /// <summary>
    /// Like <see cref="ForEachRow(RowAction)"/>, with row ranges spread over the worker pool when the loop holds
    /// enough elements (rows must then write disjoint outputs, as elementwise kernels do).
    /// </summary>
    public void ForEachRowParallel(RowAction row)
    {
        long rows = Rows;
        if (rows == 0) return;
        long grain = KernelOptions.Grain();
        long rowGrain = grain == long.MaxValue ? long.MaxValue : Math.Max(1, grain / Math.Max(1, RowLength));
        if (rows < 2 || rowGrain >= rows) { ForEachRow(0, rows, row); return; }
        var self = this;
        WorkerPool.For(rows, rowGrain, (b, e) => self.ForEachRow(b, e, row));
    }
}

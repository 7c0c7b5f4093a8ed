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
    public static StridedLoop For(long[] shape, params TensorLayout[] operands)
    {
        var strides = new long[operands.Length][];
        var offsets = new long[operands.Length];
        for (int k = 0; k < operands.Length; k++)
        {
            strides[k] = BroadcastStrides(operands[k], shape);
            offsets[k] = operands[k].Offset;
        }
        return new StridedLoop(shape, strides, offsets);
    }

    /// <summary>
    /// Like <see cref="For"/>, with the dims first put in the operands' memory order (PyTorch's TensorIterator
    /// reorder_dimensions: by the first operand's strides, ties and broadcast dims decided by the next ones, equal
    /// strides putting the smaller size inside), so that an output laid out like a permuted (transposed,
    /// channels_last) input is walked as long unit-stride rows that then coalesce. Only for kernels whose elements
    /// are independent of the walking order (elementwise maps and copies into memory the inputs do not share).
    /// </summary>
    public static StridedLoop ForElementwise(long[] shape, params TensorLayout[] operands)
    {
        int nd = shape.Length, nops = operands.Length;
        var strides = new long[nops][];
        var offsets = new long[nops];
        for (int k = 0; k < nops; k++)
        {
            strides[k] = BroadcastStrides(operands[k], shape);
            offsets[k] = operands[k].Offset;
        }
        if (nd < 2) return new StridedLoop(shape, strides, offsets);
        // perm[0] is the innermost dim: start from row-major order and insertion-sort with ambiguous comparisons
        Span<int> perm = nd <= 16 ? stackalloc int[nd] : new int[nd];
        for (int i = 0; i < nd; i++) perm[i] = nd - 1 - i;
        bool moved = false;
        for (int i = 1; i < nd; i++)
        {
            int dim1 = i;
            for (int dim0 = i - 1; dim0 >= 0; dim0--)
            {
                int c = ShouldSwap(shape, strides, perm[dim0], perm[dim1]);
                if (c > 0) { (perm[dim0], perm[dim1]) = (perm[dim1], perm[dim0]); dim1 = dim0; moved = true; }
                else if (c < 0) break;
            }
        }
        if (!moved) return new StridedLoop(shape, strides, offsets);
        var sh = new long[nd];
        for (int j = 0; j < nd; j++) sh[nd - 1 - j] = shape[perm[j]];
        var st = new long[nops][];
        for (int k = 0; k < nops; k++)
        {
            st[k] = new long[nd];
            for (int j = 0; j < nd; j++) st[k][nd - 1 - j] = strides[k][perm[j]];
        }
        return new StridedLoop(sh, st, offsets);
    }

    /// <summary>1 when dim <paramref name="d0"/> belongs outside <paramref name="d1"/>, -1 inside, 0 when no operand tells.</summary>
    private static int ShouldSwap(long[] shape, long[][] strides, int d0, int d1)
    {
        foreach (var s in strides)
        {
            long s0 = s[d0], s1 = s[d1];
            if (s0 == 0 || s1 == 0) continue;
            if (s0 < s1) return -1;
            if (s0 > s1) return 1;
            if (shape[d0] > shape[d1]) return 1;
        }
        return 0;
    }

    /// <summary>The operand's strides seen at <paramref name="shape"/> (0 along broadcast dims).</summary>
    private static long[] BroadcastStrides(TensorLayout t, long[] shape)
    {
        var r = new long[shape.Length];
        int off = shape.Length - t.Shape.Length;
        for (int i = 0; i < t.Shape.Length; i++)
            r[off + i] = t.Shape[i] == 1 && shape[off + i] != 1 ? 0 : t.Strides[i];
        return r;
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
    /// enough elements (rows must then write disjoint outputs, as elementwise kernels do). A loop that is one long
    /// row (every operand's dims coalesced: a clone, a 1-D strided view) is cut into runs of that row instead.
    /// </summary>
    public void ForEachRowParallel(RowAction row)
    {
        long rows = Rows;
        if (rows == 0) return;
        long grain = KernelOptions.Grain();
        if (rows == 1 && grain != long.MaxValue && RowLength >= 2 * grain)
        {
            var self1 = this;
            WorkerPool.For(RowLength, grain, (b, e) => self1.ForRun(b, e, row));
            return;
        }
        long rowGrain = grain == long.MaxValue ? long.MaxValue : Math.Max(1, grain / Math.Max(1, RowLength));
        if (rows < 2 || rowGrain >= rows) { ForEachRow(0, rows, row); return; }
        var self = this;
        WorkerPool.For(rows, rowGrain, (b, e) => self.ForEachRow(b, e, row));
    }

    /// <summary>Calls <paramref name="row"/> for elements [<paramref name="begin"/>, <paramref name="end"/>) of a one-row loop.</summary>
    private void ForRun(long begin, long end, RowAction row)
    {
        int nd = Shape.Length, nops = Offsets.Length;
        Span<long> offs = stackalloc long[nops];
        for (int k = 0; k < nops; k++) offs[k] = Offsets[k] + begin * Strides[k][nd - 1];
        row(offs, end - begin);
    }

    /// <summary>Tile edge (rows and columns) of the tiled walk.</summary>
    internal const int Tile = 32;

    /// <summary>
    /// True when some operand runs across memory along the innermost dim but along memory on the dim before
    /// it (a transposed view): walking plain rows would touch a new cache line per element of that operand.
    /// </summary>
    internal bool WantsTiles()
    {
        int nd = Shape.Length;
        if (nd < 2 || Shape[nd - 1] < 2 || Shape[nd - 2] < 2) return false;
        for (int k = 0; k < Strides.Length; k++)
        {
            long sc = Math.Abs(Strides[k][nd - 1]), sr = Math.Abs(Strides[k][nd - 2]);
            if (sc > 1 && sr < sc) return true;
        }
        return false;
    }

    /// <summary>
    /// <see cref="ForEachRowParallel(RowAction)"/> in tile order when that suits the layout (see
    /// <see cref="WantsTiles"/>). Only for kernels whose inputs never partly overlap the output: the order of
    /// elements changes.
    /// </summary>
    public void ForEachRowParallelTiled(RowAction row)
    {
        if (Rows == 0) return;
        if (WantsTiles()) ForEachTileParallel(row);
        else ForEachRowParallel(row);
    }

    public delegate void TileAction(ReadOnlySpan<long> offsets, int rows, int cols);

    /// <summary>An operand's stride along the second-innermost dim (the rows of a tile).</summary>
    public long RowStride(int operand) => Strides[operand][^2];

    /// <summary>
    /// Calls <paramref name="row"/> on row pieces of at most <see cref="Tile"/> elements, tile by tile (see
    /// <see cref="ForEachTileParallel(Func{TileAction})"/>).
    /// </summary>
    public void ForEachTileParallel(RowAction row)
    {
        int nops = Offsets.Length;
        var self = this;
        ForEachTileParallel(() => (offs, rows, cols) =>
        {
            Span<long> o = stackalloc long[nops];
            for (int r = 0; r < rows; r++)
            {
                for (int k = 0; k < nops; k++) o[k] = offs[k] + r * self.Strides[k][^2];
                row(o, cols);
            }
        });
    }

    /// <summary>
    /// Walks the two innermost dims in tiles of at most <see cref="Tile"/> x <see cref="Tile"/>, so every
    /// operand's cache lines are reused while they are still near; <paramref name="make"/> gives the tile body
    /// once per chunk of work (so it can own scratch buffers). Bands of tile rows go to the worker pool; each
    /// element belongs to one tile.
    /// </summary>
    public void ForEachTileParallel(Func<TileAction> make)
    {
        int nd = Shape.Length, nops = Offsets.Length;
        long r = Shape[nd - 2], c = Shape[nd - 1];
        long slices = Numel / (r * c);
        long bands = (r + Tile - 1) / Tile;
        long units = slices * bands;
        long grain = KernelOptions.Grain();
        long unitGrain = grain == long.MaxValue ? long.MaxValue : Math.Max(1, grain / (Tile * c));
        var self = this;
        WorkerPool.For(units, unitGrain, (b, e) =>
        {
            var tile = make();
            Span<long> baseOffs = stackalloc long[nops];
            Span<long> offs = stackalloc long[nops];
            for (long u = b; u < e; u++)
            {
                long slice = u / bands, r0 = (u % bands) * Tile, r1 = Math.Min(r, r0 + Tile);
                self.Offsets.CopyTo(baseOffs);
                long rest = slice;
                for (int d = nd - 3; d >= 0; d--)
                {
                    long i = rest % self.Shape[d]; rest /= self.Shape[d];
                    for (int k = 0; k < nops; k++) baseOffs[k] += i * self.Strides[k][d];
                }
                for (long c0 = 0; c0 < c; c0 += Tile)
                {
                    for (int k = 0; k < nops; k++)
                        offs[k] = baseOffs[k] + r0 * self.Strides[k][nd - 2] + c0 * self.Strides[k][nd - 1];
                    tile(offs, (int)(r1 - r0), (int)Math.Min(Tile, c - c0));
                }
            }
        });
    }
}

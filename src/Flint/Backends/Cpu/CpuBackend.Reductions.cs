using System.Numerics;
using Flint.Ops.Kernels;

namespace Flint.Backends.Cpu;

// Every kernel here works slice by slice: the dims being reduced (or scanned, or sorted) form the inner slice,
// the others the outer index. Offsets of both are precomputed from the strides, so any layout works; each
// slice is gathered into a contiguous scratch span, handed to the op, and the result scattered back.
internal sealed partial class CpuBackend
{
    /// <summary>Storage offsets of every index of <paramref name="shape"/> in row-major order.</summary>
    private static long[] RelOffsets(long[] shape, long[] strides, long start)
    {
        long n = Shape.Numel(shape);
        var r = new long[n];
        if (n == 0) return r;
        int nd = shape.Length;
        var idx = new long[nd];
        long off = start;
        for (long i = 0; i < n; i++)
        {
            r[i] = off;
            for (int d = nd - 1; d >= 0; d--)
            {
                idx[d]++; off += strides[d];
                if (idx[d] < shape[d]) break;
                off -= strides[d] * shape[d]; idx[d] = 0;
            }
        }
        return r;
    }

    /// <summary>The outer (kept dims) and inner (given dims) offsets of x and of outputs in keepdim or full form.</summary>
    private sealed class Slices
    {
        public readonly long[] OuterX, InnerX;
        public readonly long[][] OuterOut, InnerOut;
        public int Inner => InnerX.Length;

        /// <summary>The slices along one dim (a 0-dim x is one slice of one element).</summary>
        public static Slices Along(TensorLayout x, int dim, params TensorLayout?[] outs) => new(x, x.Rank == 0 ? [] : [dim], outs);

        /// <summary>Copies outer slice <paramref name="o"/> of x's elements into <paramref name="buf"/>.</summary>
        public void Gather<T>(T[] xa, int o, T[] buf)
        {
            long bx = OuterX[o];
            var inner = InnerX;
            for (int i = 0; i < buf.Length; i++) buf[i] = At(xa, bx + inner[i]);
        }

        public Slices(TensorLayout x, int[] dims, params TensorLayout?[] outs)
        {
            int nd = x.Rank;
            var red = new bool[nd];
            foreach (var d in dims) red[d] = true;
            var kept = Enumerable.Range(0, nd).Where(d => !red[d]).ToArray();
            long[] Pick(long[] a, int[] ds) => ds.Select(d => a[d]).ToArray();
            var outerShape = Pick(x.Shape, kept);
            var innerShape = Pick(x.Shape, dims);
            OuterX = RelOffsets(outerShape, Pick(x.Strides, kept), x.Offset);
            InnerX = RelOffsets(innerShape, Pick(x.Strides, dims), 0);
            OuterOut = new long[outs.Length][];
            InnerOut = new long[outs.Length][];
            for (int k = 0; k < outs.Length; k++)
            {
                if (outs[k] is not { } o) { OuterOut[k] = []; InnerOut[k] = []; continue; }
                OuterOut[k] = RelOffsets(outerShape, Pick(o.Strides, kept), o.Offset);
                var st = dims.Select(d => o.Shape[d] == 1 ? 0 : o.Strides[d]).ToArray();
                InnerOut[k] = RelOffsets(innerShape, st, 0);
            }
        }
    }

    private static bool IsFloatType(DType dt) => dt == DType.Float32 || dt == DType.Float64;

    // ---------------- reduce ----------------

    public void Reduce<TOp>(TensorLayout x, int[] dims, TensorLayout y, double arg) where TOp : IReduceOp
    {
        var v = new ReduceV<TOp>(in x, dims, in y, arg);
        DTypeDispatch.Numeric(x.DType, TOp.Name, ref v);
    }

    private readonly ref struct ReduceV<TOp> : INumericVisitor where TOp : IReduceOp
    {
        private readonly ref readonly TensorLayout x, y;
        private readonly int[] dims;
        private readonly double arg;
        public ReduceV(ref readonly TensorLayout x, int[] dims, ref readonly TensorLayout y, double arg) { this.x = ref x; this.dims = dims; this.y = ref y; this.arg = arg; }
        public void Visit<T>() where T : unmanaged, INumber<T> => ReduceT<T, TOp>(x, dims, y, arg);
    }

    private static void ReduceT<T, TOp>(in TensorLayout x, int[] dims, in TensorLayout y, double arg) where T : unmanaged, INumber<T> where TOp : IReduceOp
    {
        var xa = Arr<T>(x); var ya = Arr<T>(y);
        if (TOp.Kernel is KernelId.Sum or KernelId.Mean && typeof(T) == typeof(float) | typeof(T) == typeof(double)
            && TrySumFast<T>(x, dims, y, TOp.Kernel == KernelId.Mean))
            return;
        if (TOp.Kernel is KernelId.Var or KernelId.Std && TryVarianceFast<T>(x, dims, y, arg, TOp.Kernel == KernelId.Std))
            return;
        if (TOp.Kernel == KernelId.LogSumExp && TryLogSumExpFast<T>(x, dims, y)) return;
        if (Grouped(x, dims, out long outer, out long r, out long inner) && Flat(y, outer * inner))
        {
            WalkSlices(xa, x.Offset, outer, r, inner, new ReduceSlice<T, TOp>(ya, y.Offset, arg));
            return;
        }
        if (dims.Length == x.Rank && x.IsContiguous)
        {
            // a full reduction of contiguous data needs no offset tables
            var all = xa.AsSpan((int)x.Offset, (int)x.Numel).ToArray();
            At(ya, y.Offset) = TOp.Reduce<T>(all, arg);
            return;
        }
        var s = new Slices(x, dims, y);
        var buf = new T[s.Inner];
        var outerY = s.OuterOut[0];
        for (int o = 0; o < s.OuterX.Length; o++)
        {
            s.Gather(xa, o, buf);
            At(ya, outerY[o]) = TOp.Reduce<T>(buf, arg);
        }
    }

    // ---------------- index reduce ----------------

    public void IndexReduce<TOp>(TensorLayout x, int dim, TensorLayout? values, TensorLayout indices, long arg) where TOp : IIndexReduceOp
        => DTypeDispatch.Numeric(x.DType, TOp.Name, new IndexReduceV<TOp>(x, dim, values, indices, arg));

    private readonly struct IndexReduceV<TOp>(TensorLayout x, int dim, TensorLayout? values, TensorLayout indices, long arg) : INumericVisitor
        where TOp : IIndexReduceOp
    {
        public void Visit<T>() where T : unmanaged, INumber<T> => IndexReduceT<T, TOp>(x, dim, values, indices, arg);
    }

    private static void IndexReduceT<T, TOp>(TensorLayout x, int dim, TensorLayout? values, TensorLayout indices, long arg) where T : unmanaged, INumber<T> where TOp : IIndexReduceOp
    {
        var xa = Arr<T>(x); var ia = Arr<long>(indices); var va = values is { } vl ? Arr<T>(vl) : null;
        if (x.Rank > 0 && Grouped(x, [dim], out long outer, out long r, out long inner) && Flat(indices, outer * inner)
            && (values is not { } vf || Flat(vf, outer * inner)))
        {
            WalkSlices(xa, x.Offset, outer, r, inner, new IndexReduceSlice<T, TOp>(ia, indices.Offset, va, values?.Offset ?? 0, arg));
            return;
        }
        var s = Slices.Along(x, dim, indices, values);
        var buf = new T[s.Inner];
        for (int o = 0; o < s.OuterX.Length; o++)
        {
            s.Gather(xa, o, buf);
            int k = TOp.Select<T>(buf, arg);
            At(ia, s.OuterOut[0][o]) = k;
            if (va is not null) At(va, s.OuterOut[1][o]) = buf[k];
        }
    }

    // ---------------- scan ----------------

    public void Scan<TOp>(TensorLayout x, int dim, TensorLayout y) where TOp : IScanOp
        => DTypeDispatch.Numeric(x.DType, TOp.Name, new ScanV<TOp>(x, dim, y));

    private readonly struct ScanV<TOp>(TensorLayout x, int dim, TensorLayout y) : INumericVisitor where TOp : IScanOp
    {
        public void Visit<T>() where T : unmanaged, INumber<T> => ScanT<T, TOp>(x, dim, y);
    }

    private static void ScanT<T, TOp>(TensorLayout x, int dim, TensorLayout y) where T : unmanaged, INumber<T> where TOp : IScanOp
    {
        var xa = Arr<T>(x); var ya = Arr<T>(y);
        if (x.Rank > 0 && Grouped(x, [dim], out long outer, out long r, out long inner) && Flat(y, x.Numel))
        {
            WalkSlices(xa, x.Offset, outer, r, inner, new ScanSlice<T, TOp>(ya, y.Offset, r, inner));
            return;
        }
        var s = Slices.Along(x, dim, y);
        var buf = new T[s.Inner];
        var iy = s.InnerOut[0];
        for (int o = 0; o < s.OuterX.Length; o++)
        {
            long by = s.OuterOut[0][o];
            s.Gather(xa, o, buf);
            TOp.Scan<T>(buf);
            for (int i = 0; i < buf.Length; i++) At(ya, by + iy[i]) = buf[i];
        }
    }

    // ---------------- sort ----------------

    public void Sort(TensorLayout x, int dim, bool descending, TensorLayout? values, TensorLayout indices) =>
        DTypeDispatch.Numeric(x.DType, "sort", new SortV(x, dim, descending, values, indices));

    private readonly struct SortV(TensorLayout x, int dim, bool descending, TensorLayout? values, TensorLayout indices) : INumericVisitor
    {
        public void Visit<T>() where T : unmanaged, INumber<T> => SortT<T>(x, dim, descending, values, indices);
    }

    /// <summary>Orders a before b (negative), NaN after every number; equal values compare 0.</summary>
    private static int CompareNanLast<T>(T a, T b) where T : INumber<T> => NanOrder.Compare(a, b);

    private static void SortT<T>(TensorLayout x, int dim, bool descending, TensorLayout? values, TensorLayout indices) where T : unmanaged, INumber<T>
    {
        var xa = Arr<T>(x); var ia = Arr<long>(indices); var va = values is { } vl ? Arr<T>(vl) : null;
        var s = Slices.Along(x, dim, indices, values);
        var buf = new T[s.Inner];
        var order = new int[s.Inner];
        Comparison<int> cmp = descending
            ? (a, b) => { int c = CompareNanLast(buf[b], buf[a]); return c != 0 ? c : a.CompareTo(b); }
            : (a, b) => { int c = CompareNanLast(buf[a], buf[b]); return c != 0 ? c : a.CompareTo(b); };
        for (int o = 0; o < s.OuterX.Length; o++)
        {
            s.Gather(xa, o, buf);
            for (int i = 0; i < order.Length; i++) order[i] = i;
            order.AsSpan().Sort(cmp);
            long bi = s.OuterOut[0][o];
            var ii = s.InnerOut[0];
            for (int i = 0; i < order.Length; i++) At(ia, bi + ii[i]) = order[i];
            if (va is not null)
            {
                long bv = s.OuterOut[1][o];
                var iv = s.InnerOut[1];
                for (int i = 0; i < order.Length; i++) At(va, bv + iv[i]) = buf[order[i]];
            }
        }
    }

    // ---------------- softmax ----------------

    public void Softmax(TensorLayout x, int dim, TensorLayout y, bool log) =>
        DTypeDispatch.Floating(x.DType, log ? "log_softmax" : "softmax", new SoftmaxV(x, dim, y, log));

    private readonly struct SoftmaxV(TensorLayout x, int dim, TensorLayout y, bool log) : IFloatVisitor
    {
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T> => SoftmaxT<T>(x, dim, y, log);
    }

    private static void SoftmaxT<T>(TensorLayout x, int dim, TensorLayout y, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (TrySoftmaxFast<T>(x, dim, y, log)) return;
        var xa = Arr<T>(x); var ya = Arr<T>(y);
        var s = Slices.Along(x, dim, y);
        var buf = new double[s.Inner];
        var ix = s.InnerX; var iy = s.InnerOut[0];
        for (int o = 0; o < s.OuterX.Length; o++)
        {
            long bx = s.OuterX[o], by = s.OuterOut[0][o];
            double max = double.NegativeInfinity;
            for (int i = 0; i < buf.Length; i++)
            {
                double v = double.CreateTruncating(At(xa, bx + ix[i]));
                buf[i] = v;
                if (double.IsNaN(v) || v > max) max = double.IsNaN(max) ? max : v;
            }
            double sum = 0;
            for (int i = 0; i < buf.Length; i++) sum += Math.Exp(buf[i] - max);
            if (log)
            {
                double lse = Math.Log(sum);
                for (int i = 0; i < buf.Length; i++) At(ya, by + iy[i]) = T.CreateTruncating(buf[i] - max - lse);
            }
            else
                for (int i = 0; i < buf.Length; i++) At(ya, by + iy[i]) = T.CreateTruncating(Math.Exp(buf[i] - max) / sum);
        }
    }

    // ---------------- unique ----------------

    public (TensorLayout values, TensorLayout inverse, TensorLayout counts) UniqueRows(TensorLayout x)
    {
        return x.DType.scalar_type switch
        {
            ScalarType.Float32 => UniqueRowsT<float>(x),
            ScalarType.Float64 => UniqueRowsT<double>(x),
            ScalarType.Int64 => UniqueRowsT<long>(x),
            ScalarType.Int32 => UniqueRowsT<int>(x),
            ScalarType.Int16 => UniqueRowsT<short>(x),
            ScalarType.Int8 => UniqueRowsT<sbyte>(x),
            ScalarType.UInt8 => UniqueRowsT<byte>(x),
            _ => throw Unsupported("unique", x.DType),
        };
    }

    private static (TensorLayout, TensorLayout, TensorLayout) UniqueRowsT<T>(TensorLayout x) where T : unmanaged, INumber<T>
    {
        int rows = (int)x.Shape[0], width = (int)x.Shape[1];
        var xa = Arr<T>(x);
        long b = x.Offset;
        int CompareRows(int r1, int r2)
        {
            for (int j = 0; j < width; j++)
            {
                int c = CompareNanLast(At(xa, b + (long)r1 * width + j), At(xa, b + (long)r2 * width + j));
                if (c != 0) return c;
            }
            return 0;
        }
        var order = Enumerable.Range(0, rows).ToArray();
        order.AsSpan().Sort((p, q) => { int c = CompareRows(p, q); return c != 0 ? c : p.CompareTo(q); });
        var inverse = Contig([rows], DType.Int64);
        var inv = Arr<long>(inverse);
        var starts = new List<int>();
        for (int i = 0; i < rows; i++)
        {
            // NaN never equals anything, so every NaN row stays distinct
            bool same = i > 0 && RowsEqual(order[i - 1], order[i]);
            if (!same) starts.Add(i);
            inv[order[i]] = starts.Count - 1;
        }
        bool RowsEqual(int r1, int r2)
        {
            for (int j = 0; j < width; j++)
                if (At(xa, b + (long)r1 * width + j) != At(xa, b + (long)r2 * width + j)) return false;
            return true;
        }
        int u = starts.Count;
        var values = Contig([u, width], x.DType);
        var counts = Contig([u], DType.Int64);
        var va = Arr<T>(values); var ca = Arr<long>(counts);
        for (int g = 0; g < u; g++)
        {
            int r = order[starts[g]];
            for (int j = 0; j < width; j++) va[(long)g * width + j] = At(xa, b + (long)r * width + j);
            ca[g] = (g + 1 < u ? starts[g + 1] : rows) - starts[g];
        }
        return (values, inverse, counts);
    }
}

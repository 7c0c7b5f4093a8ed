using System.Runtime.CompilerServices;

namespace Flint.Backends.Cpu;

internal sealed partial class CpuBackend
{
    public void IndexGather(TensorLayout dst, TensorLayout src, TensorLayout[] indices, long[] strides) =>
        DTypeDispatch.All(dst.DType, new IndexV(dst, src, indices, strides, gather: true, ScatterReduce.None));

    public void IndexScatter(TensorLayout dst, TensorLayout src, TensorLayout[] indices, long[] strides, ScatterReduce reduce) =>
        DTypeDispatch.All(dst.DType, new IndexV(dst, src, indices, strides, gather: false, reduce));

    private readonly struct IndexV(TensorLayout dst, TensorLayout src, TensorLayout[] indices, long[] strides, bool gather, ScatterReduce reduce)
        : IAnyTypeVisitor
    {
        public void Visit<T>() where T : unmanaged => IndexT<T>(dst, src, indices, strides, gather, reduce);
    }

    /// <summary>
    /// A gather walks dst and reads src at the offsets the indices give (src's offset plus index * stride per
    /// index tensor); a scatter walks src and combines each value into dst at those offsets.
    /// </summary>
    private static void IndexT<T>(TensorLayout dst, TensorLayout src, TensorLayout[] indices, long[] strides, bool gather, ScatterReduce reduce)
    {
        TensorLayout walked = gather ? dst : src, indexed = gather ? src : dst;
        var wa = Arr<T>(walked); var xa = Arr<T>(indexed);
        int k = indices.Length;
        var ia = new long[k][];
        var operands = new TensorLayout[k + 2];
        operands[0] = walked; operands[1] = indexed;
        for (int j = 0; j < k; j++) { ia[j] = Arr<long>(indices[j]); operands[j + 2] = indices[j]; }
        var loop = StridedLoop.For(walked.Shape, operands);
        var inner = new long[k + 2];
        for (int j = 0; j < k + 2; j++) inner[j] = loop.InnerStride(j);
        loop.ForEachRow((offs, n) =>
        {
            for (long i = 0; i < n; i++)
            {
                long o = offs[1] + i * inner[1];
                for (int j = 0; j < k; j++) o += At(ia[j], offs[j + 2] + i * inner[j + 2]) * strides[j];
                ref T w = ref At(wa, offs[0] + i * inner[0]);
                if (gather) w = At(xa, o);
                else
                {
                    ref T d = ref At(xa, o);
                    d = Combine(d, w, reduce);
                }
            }
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Combine<T>(T a, T b, ScatterReduce reduce)
    {
        if (reduce == ScatterReduce.None) return b;
        if (Convert.IsFloat<T>())
        {
            double x = Convert.ToDouble(a), y = Convert.ToDouble(b);
            return Convert.FromDouble<T>(reduce switch
            {
                ScatterReduce.Add => x + y,
                ScatterReduce.Multiply => x * y,
                ScatterReduce.Max => Math.Max(x, y),   // NaN wins, as PyTorch's amax
                _ => Math.Min(x, y),
            });
        }
        long p = Convert.ToLong(a), q = Convert.ToLong(b);
        return Convert.FromLong<T>(unchecked(reduce switch
        {
            ScatterReduce.Add => p + q,
            ScatterReduce.Multiply => p * q,
            ScatterReduce.Max => Math.Max(p, q),
            _ => Math.Min(p, q),
        }));
    }

    public TensorLayout Nonzero(TensorLayout mask)
    {
        var ma = Arr<bool>(mask);
        int nd = mask.Rank;
        var shape = mask.Shape;
        var loop = StridedLoop.For(shape, mask);
        long s = loop.InnerStride(0);
        long count = 0;
        loop.ForEachRow((offs, n) => { for (long i = 0; i < n; i++) if (At(ma, offs[0] + i * s)) count++; });
        var r = Contig([count, nd], DType.Int64);
        if (count == 0 || nd == 0) return r;
        var ra = Arr<long>(r);
        // walk in row-major order with an explicit coordinate counter (the loop above may have merged dims)
        var idx = new long[nd];
        long off = mask.Offset, w = 0, total = mask.Numel;
        for (long e = 0; e < total; e++)
        {
            if (At(ma, off)) { Array.Copy(idx, 0, ra, w, nd); w += nd; }
            for (int d = nd - 1; d >= 0; d--)
            {
                idx[d]++; off += mask.Strides[d];
                if (idx[d] < shape[d]) break;
                off -= mask.Strides[d] * shape[d]; idx[d] = 0;
            }
        }
        return r;
    }
}

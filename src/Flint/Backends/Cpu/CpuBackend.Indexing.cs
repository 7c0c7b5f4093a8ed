using System.Runtime.CompilerServices;

namespace Flint.Backends.Cpu;

internal sealed partial class CpuBackend
{
    public void IndexGather(TensorLayout dst, TensorLayout src, TensorLayout[] indices, long[] strides)
    {
        switch (dst.DType.scalar_type)
        {
            case ScalarType.Float32: IndexGatherT<float>(dst, src, indices, strides); break;
            case ScalarType.Float64: IndexGatherT<double>(dst, src, indices, strides); break;
            case ScalarType.Float16: IndexGatherT<Half>(dst, src, indices, strides); break;
            case ScalarType.BFloat16: IndexGatherT<BFloat16>(dst, src, indices, strides); break;
            case ScalarType.Int64: IndexGatherT<long>(dst, src, indices, strides); break;
            case ScalarType.Int32: IndexGatherT<int>(dst, src, indices, strides); break;
            case ScalarType.Int16: IndexGatherT<short>(dst, src, indices, strides); break;
            case ScalarType.Int8: IndexGatherT<sbyte>(dst, src, indices, strides); break;
            case ScalarType.UInt8: IndexGatherT<byte>(dst, src, indices, strides); break;
            case ScalarType.Bool: IndexGatherT<bool>(dst, src, indices, strides); break;
        }
    }

    private static void IndexGatherT<T>(TensorLayout dst, TensorLayout src, TensorLayout[] indices, long[] strides)
    {
        var da = Arr<T>(dst); var sa = Arr<T>(src);
        int k = indices.Length;
        var ia = new long[k][];
        var operands = new TensorLayout[k + 2];
        operands[0] = dst; operands[1] = src;
        for (int j = 0; j < k; j++) { ia[j] = Arr<long>(indices[j]); operands[j + 2] = indices[j]; }
        var loop = StridedLoop.For(dst.Shape, operands);
        var inner = new long[k + 2];
        for (int j = 0; j < k + 2; j++) inner[j] = loop.InnerStride(j);
        loop.ForEachRow((offs, n) =>
        {
            for (long i = 0; i < n; i++)
            {
                long o = offs[1] + i * inner[1];
                for (int j = 0; j < k; j++) o += At(ia[j], offs[j + 2] + i * inner[j + 2]) * strides[j];
                At(da, offs[0] + i * inner[0]) = At(sa, o);
            }
        });
    }

    public void IndexScatter(TensorLayout dst, TensorLayout src, TensorLayout[] indices, long[] strides, ScatterReduce reduce)
    {
        switch (dst.DType.scalar_type)
        {
            case ScalarType.Float32: IndexScatterT<float>(dst, src, indices, strides, reduce); break;
            case ScalarType.Float64: IndexScatterT<double>(dst, src, indices, strides, reduce); break;
            case ScalarType.Float16: IndexScatterT<Half>(dst, src, indices, strides, reduce); break;
            case ScalarType.BFloat16: IndexScatterT<BFloat16>(dst, src, indices, strides, reduce); break;
            case ScalarType.Int64: IndexScatterT<long>(dst, src, indices, strides, reduce); break;
            case ScalarType.Int32: IndexScatterT<int>(dst, src, indices, strides, reduce); break;
            case ScalarType.Int16: IndexScatterT<short>(dst, src, indices, strides, reduce); break;
            case ScalarType.Int8: IndexScatterT<sbyte>(dst, src, indices, strides, reduce); break;
            case ScalarType.UInt8: IndexScatterT<byte>(dst, src, indices, strides, reduce); break;
            case ScalarType.Bool: IndexScatterT<bool>(dst, src, indices, strides, reduce); break;
        }
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

    private static void IndexScatterT<T>(TensorLayout dst, TensorLayout src, TensorLayout[] indices, long[] strides, ScatterReduce reduce)
    {
        var da = Arr<T>(dst); var sa = Arr<T>(src);
        int k = indices.Length;
        var ia = new long[k][];
        var operands = new TensorLayout[k + 2];
        operands[0] = src; operands[1] = dst;
        for (int j = 0; j < k; j++) { ia[j] = Arr<long>(indices[j]); operands[j + 2] = indices[j]; }
        var loop = StridedLoop.For(src.Shape, operands);
        var inner = new long[k + 2];
        for (int j = 0; j < k + 2; j++) inner[j] = loop.InnerStride(j);
        loop.ForEachRow((offs, n) =>
        {
            for (long i = 0; i < n; i++)
            {
                long o = offs[1] + i * inner[1];
                for (int j = 0; j < k; j++) o += At(ia[j], offs[j + 2] + i * inner[j + 2]) * strides[j];
                ref T d = ref At(da, o);
                d = Combine(d, At(sa, offs[0] + i * inner[0]), reduce);
            }
        });
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

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Flint.Backends.Cpu;

internal sealed partial class CpuBackend
{
    public void Copy(TensorLayout dst, TensorLayout src)
    {
        MemoryOverlap.Check(dst, src);
        if (src.Device != dst.Device)
            throw new InvalidOperationException($"CPU backend cannot copy from {src.Device} to {dst.Device}");
        if (ReferenceEquals(src.DType, dst.DType) && !ReferenceEquals(src.Storage, dst.Storage) && dst.Numel < KernelOptions.Grain()
            && dst.IsContiguous && src.IsContiguous
            && dst.Shape.AsSpan().SequenceEqual(src.Shape))
        {
            // small, one dtype, both dense in row-major order, separate arrays: a block copy (a gradient detached, a clone)
            Array.Copy(HostArray(src), src.Offset, HostArray(dst), dst.Offset, dst.Numel);
            return;
        }
        switch (src.DType.scalar_type)
        {
            case ScalarType.Float32: CopyFrom<float>(dst, src); break;
            case ScalarType.Float64: CopyFrom<double>(dst, src); break;
            case ScalarType.Float16: CopyFrom<Half>(dst, src); break;
            case ScalarType.BFloat16: CopyFrom<BFloat16>(dst, src); break;
            case ScalarType.Int64: CopyFrom<long>(dst, src); break;
            case ScalarType.Int32: CopyFrom<int>(dst, src); break;
            case ScalarType.Int16: CopyFrom<short>(dst, src); break;
            case ScalarType.Int8: CopyFrom<sbyte>(dst, src); break;
            case ScalarType.UInt8: CopyFrom<byte>(dst, src); break;
            case ScalarType.Bool: CopyFrom<bool>(dst, src); break;
        }
    }

    private static Array HostArray(in TensorLayout t) => t.Storage is CpuStorage s ? s.Data : throw ForeignOperand(t);

    private static void CopyFrom<TSrc>(TensorLayout dst, TensorLayout src) where TSrc : struct
    {
        switch (dst.DType.scalar_type)
        {
            case ScalarType.Float32: CopyT<TSrc, float>(dst, src); break;
            case ScalarType.Float64: CopyT<TSrc, double>(dst, src); break;
            case ScalarType.Float16: CopyT<TSrc, Half>(dst, src); break;
            case ScalarType.BFloat16: CopyT<TSrc, BFloat16>(dst, src); break;
            case ScalarType.Int64: CopyT<TSrc, long>(dst, src); break;
            case ScalarType.Int32: CopyT<TSrc, int>(dst, src); break;
            case ScalarType.Int16: CopyT<TSrc, short>(dst, src); break;
            case ScalarType.Int8: CopyT<TSrc, sbyte>(dst, src); break;
            case ScalarType.UInt8: CopyT<TSrc, byte>(dst, src); break;
            case ScalarType.Bool: CopyT<TSrc, bool>(dst, src); break;
        }
    }

    private static void CopyT<TSrc, TDst>(TensorLayout dst, TensorLayout src) where TSrc : struct where TDst : struct
    {
        var sa = Arr<TSrc>(src); var da = Arr<TDst>(dst);
        var loop = StridedLoop.For(dst.Shape, dst, src);
        long sd = loop.InnerStride(0), ss = loop.InnerStride(1);
        bool overlap = ReferenceEquals(sa, da);
        if (overlap && typeof(TSrc) == typeof(TDst))
        {
            // copying between views of one array: go through a temporary so no element is read after it was written
            var tmp = Contig(dst.Shape, src.DType);
            CopyT<TSrc, TSrc>(tmp, src);
            CopyT<TSrc, TDst>(dst, tmp);
            return;
        }
        // (views of one array of the same type went through the temporary above; a converting copy reads
        // another array, so tile order cannot change what it reads)
        if (!ReferenceEquals(sa, da) && CopyTiles(loop, sa, da)) return;
        loop.ForEachRowParallel((offs, n) =>
        {
            long od = offs[0], os = offs[1];
            if (typeof(TSrc) == typeof(TDst) && sd == 1 && ss == 1)
            {
                MemoryMarshal.Cast<TSrc, TDst>(sa.AsSpan((int)os, (int)n)).CopyTo(da.AsSpan((int)od, (int)n));
                return;
            }
            if (sd == 1 && ss == 0)
            {
                // one value broadcast along the row (an expanded bias): a vector fill
                da.AsSpan((int)od, (int)n).Fill(Convert.To<TSrc, TDst>(sa[os]));
                return;
            }
            ref TSrc s0 = ref MemoryMarshal.GetArrayDataReference(sa);
            ref TDst d0 = ref MemoryMarshal.GetArrayDataReference(da);
            for (long i = 0; i < n; i++)
                Unsafe.Add(ref d0, (nint)(od + i * sd)) = Convert.To<TSrc, TDst>(Unsafe.Add(ref s0, (nint)(os + i * ss)));
        });
    }

    public void Fill(TensorLayout dst, Scalar value)
    {
        switch (dst.DType.scalar_type)
        {
            case ScalarType.Float32: FillT(dst, Convert.FromScalar<float>(value)); break;
            case ScalarType.Float64: FillT(dst, Convert.FromScalar<double>(value)); break;
            case ScalarType.Float16: FillT(dst, Convert.FromScalar<Half>(value)); break;
            case ScalarType.BFloat16: FillT(dst, Convert.FromScalar<BFloat16>(value)); break;
            case ScalarType.Int64: FillT(dst, Convert.FromScalar<long>(value)); break;
            case ScalarType.Int32: FillT(dst, Convert.FromScalar<int>(value)); break;
            case ScalarType.Int16: FillT(dst, Convert.FromScalar<short>(value)); break;
            case ScalarType.Int8: FillT(dst, Convert.FromScalar<sbyte>(value)); break;
            case ScalarType.UInt8: FillT(dst, Convert.FromScalar<byte>(value)); break;
            case ScalarType.Bool: FillT(dst, value.AsBool); break;
        }
    }

    private static void FillT<T>(TensorLayout dst, T v)
    {
        var da = Arr<T>(dst);
        if (dst.IsContiguous && dst.Numel < KernelOptions.Grain())
        {
            // a small contiguous tensor (a fresh one, a seed gradient): one span fill, no loop set up
            da.AsSpan((int)dst.Offset, (int)dst.Numel).Fill(v);
            return;
        }
        var loop = StridedLoop.For(dst.Shape, dst);
        long sd = loop.InnerStride(0);
        loop.ForEachRowParallelTiled((offs, n) =>
        {
            if (sd == 1) { da.AsSpan((int)offs[0], (int)n).Fill(v); return; }
            for (long i = 0; i < n; i++) da[offs[0] + i * sd] = v;
        });
    }
}

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
        DTypeDispatch.All(src.DType, new CopyFromV(dst, src));
    }

    private static Array HostArray(in TensorLayout t) => t.Storage is CpuStorage s ? s.Data : throw ForeignOperand(t);

    /// <summary>Picks the source element type, then <see cref="CopyToV{TSrc}"/> the destination's.</summary>
    private readonly struct CopyFromV(TensorLayout dst, TensorLayout src) : IAnyTypeVisitor
    {
        public void Visit<TSrc>() where TSrc : unmanaged => DTypeDispatch.All(dst.DType, new CopyToV<TSrc>(dst, src));
    }

    private readonly struct CopyToV<TSrc>(TensorLayout dst, TensorLayout src) : IAnyTypeVisitor where TSrc : unmanaged
    {
        public void Visit<TDst>() where TDst : unmanaged => CopyT<TSrc, TDst>(dst, src);
    }

    private static void CopyT<TSrc, TDst>(TensorLayout dst, TensorLayout src) where TSrc : struct where TDst : struct
    {
        var sa = Arr<TSrc>(src); var da = Arr<TDst>(dst);
        var loop = StridedLoop.ForElementwise(dst.Shape, dst, src);
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

    public void Fill(TensorLayout dst, Scalar value) => DTypeDispatch.All(dst.DType, new FillV(dst, value));

    private readonly struct FillV(TensorLayout dst, Scalar value) : IAnyTypeVisitor
    {
        public void Visit<T>() where T : unmanaged => FillT(dst, Convert.FromScalar<T>(value));
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
        FillStrided(dst, da, v);
    }

    // its own method: the lambda's captures would otherwise be allocated on every call, the small path's too
    private static void FillStrided<T>(TensorLayout dst, T[] da, T v)
    {
        var loop = StridedLoop.For(dst.Shape, dst);
        long sd = loop.InnerStride(0);
        loop.ForEachRowParallelTiled((offs, n) =>
        {
            if (sd == 1) { da.AsSpan((int)offs[0], (int)n).Fill(v); return; }
            for (long i = 0; i < n; i++) da[offs[0] + i * sd] = v;
        });
    }
}

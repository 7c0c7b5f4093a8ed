using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Flint.Backends;
using Flint.Cuda.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace Flint.Cuda;

// Copies within the device (with dtype conversion and broadcasting), between host and device, and fills. A copy
// from the device to host memory waits for the stream: .cpu(), .item() and printing see finished results.
internal sealed partial class CudaBackend
{
    public void Copy(TensorLayout dst, TensorLayout src)
    {
        bool dd = dst.Storage is CudaStorage, sd = src.Storage is CudaStorage;
        if (dd && sd) { DeviceCopy(dst, src); return; }
        if (dd && HostMemory.IsHost(src.Storage)) { Upload(dst, src); return; }
        if (sd && HostMemory.IsHost(dst.Storage)) { Download(dst, src); return; }
        throw new NotSupportedException($"copying from {src.Device} to {dst.Device} is not implemented for CUDA tensors in Flint yet");
    }

    private static bool Dense(in TensorLayout t)
    {
        long want = 1;
        for (int d = t.Rank - 1; d >= 0; d--)
        {
            if (t.Shape[d] != 1 && t.Strides[d] != want) return false;
            want *= t.Shape[d];
        }
        return true;
    }

    // host to device: the source made contiguous on the host (in its own dtype), uploaded, then converted and
    // broadcast on the device unless it already is dst's exact layout
    private void Upload(TensorLayout dst, TensorLayout src)
    {
        long n = Numel(src.Shape);
        var cpu = BackendRegistry.For(DeviceType.CPU);
        TensorLayout host = src;
        if (!Dense(src))
        {
            host = TensorLayout.Contiguous(HostMemory.Allocate(src.DType, n, zeroed: false), src.Shape);
            cpu.Copy(host, src);
        }
        bool direct = src.DType == dst.DType && Dense(dst) && src.Shape.AsSpan().SequenceEqual(dst.Shape);
        var target = direct ? dst : TensorLayout.Contiguous(new CudaStorage(Dev, src.DType, n), src.Shape);
        if (n > 0)
        {
            var bytes = HostBytes(host, n);
            var view = Mem(target).Block.Buffer.View.SubView(target.Offset * src.DType.itemsize, bytes.Length);
            view.CopyFromCPU(Stream, bytes);
            // the host array may move or change once this returns
            Stream.Synchronize();
        }
        if (!direct) DeviceCopy(dst, target);
    }

    // device to host: converted and made contiguous on the device when needed, downloaded, then placed by the CPU backend
    private void Download(TensorLayout dst, TensorLayout src)
    {
        long n = Numel(dst.Shape);
        bool direct = src.DType == dst.DType && Dense(src) && Dense(dst) && src.Shape.AsSpan().SequenceEqual(dst.Shape);
        var dev = direct ? src : TensorLayout.Contiguous(new CudaStorage(Dev, dst.DType, n), dst.Shape);
        if (!direct) DeviceCopy(dev, src);
        var host = direct ? dst : TensorLayout.Contiguous(HostMemory.Allocate(dst.DType, n, zeroed: false), dst.Shape);
        if (n > 0)
        {
            var bytes = HostBytes(host, n);
            var view = Mem(dev).Block.Buffer.View.SubView(dev.Offset * dst.DType.itemsize, bytes.Length);
            view.CopyToCPU(Stream, bytes);
        }
        Stream.Synchronize();
        if (!direct) BackendRegistry.For(DeviceType.CPU).Copy(dst, host);
    }

    /// <summary>The bytes of <paramref name="n"/> elements of a dense host layout, from its offset.</summary>
    private static Span<byte> HostBytes(in TensorLayout t, long n)
    {
        var arr = HostMemory.Data(t.Storage);
        int size = t.DType.itemsize;
        ref byte start = ref MemoryMarshal.GetArrayDataReference(arr);
        return MemoryMarshal.CreateSpan(ref Unsafe.Add(ref start, (nint)(t.Offset * size)), checked((int)(n * size)));
    }

    private void DeviceCopy(TensorLayout dst, TensorLayout src)
    {
        MemoryOverlap.Check(dst, src);
        if (Numel(dst.Shape) == 0) return;
        if (src.DType == dst.DType) { Raw.Dispatch(dst.DType, new SameTypeCopyV(this, dst, src)); return; }
        bool half = src.DType == DType.Float16 || src.DType == DType.BFloat16 || dst.DType == DType.Float16 || dst.DType == DType.BFloat16;
        if (half) throw NotYet($"converting {src.DType.name} to {dst.DType.name}");
        CastFrom(dst, src);
    }

    private readonly struct SameTypeCopyV(CudaBackend be, TensorLayout dst, TensorLayout src) : Raw.IVisitor
    {
        public void Visit<T>() where T : unmanaged
        {
            long n = Numel(dst.Shape);
            var (s, st) = Geometry.Plan(dst.Shape, Op(dst.Shape, src), (dst.Strides, dst.Offset));
            var k = be.Kernel<SameTypeCopyV, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, Shape8, Strides8, Strides8, long>>(
                acc => acc.LoadAutoGroupedKernel<Index1D, ArrayView<T>, ArrayView<T>, Shape8, Strides8, Strides8, long>(Copies.Same<T>));
            var (sv, dv) = (View<T>(src), View<T>(dst));
            foreach (var (start, c) in Geometry.Chunks(n)) k(be.Stream, c, sv, dv, s, st[0], st[1], start);
        }
    }

    private void CastFrom(TensorLayout dst, TensorLayout src)
    {
        var d = src.DType;
        if (d == DType.Float32) CastTo<float, ReadF32>(dst, src, true);
        else if (d == DType.Float64) CastTo<double, ReadF64>(dst, src, true);
        else if (d == DType.Int64) CastTo<long, ReadI64>(dst, src, false);
        else if (d == DType.Int32) CastTo<int, ReadI32>(dst, src, false);
        else if (d == DType.Int16) CastTo<short, ReadI16>(dst, src, false);
        else if (d == DType.Int8) CastTo<sbyte, ReadI8>(dst, src, false);
        else if (d == DType.UInt8 || d == DType.Bool) CastTo<byte, ReadU8>(dst, src, false);
        else throw NotYet($"converting {src.DType.name} to {dst.DType.name}");
    }

    private void CastTo<TS, TR>(TensorLayout dst, TensorLayout src, bool srcFloat) where TS : unmanaged where TR : struct, IRead<TS>
    {
        var d = dst.DType;
        if (d == DType.Float32) Cast<TS, float, TR, WriteF32>(dst, src, srcFloat);
        else if (d == DType.Float64) Cast<TS, double, TR, WriteF64>(dst, src, srcFloat);
        else if (d == DType.Int64) Cast<TS, long, TR, WriteI64>(dst, src, srcFloat);
        else if (d == DType.Int32) Cast<TS, int, TR, WriteI32>(dst, src, srcFloat);
        else if (d == DType.Int16) Cast<TS, short, TR, WriteI16>(dst, src, srcFloat);
        else if (d == DType.Int8) Cast<TS, sbyte, TR, WriteI8>(dst, src, srcFloat);
        else if (d == DType.UInt8) Cast<TS, byte, TR, WriteU8>(dst, src, srcFloat);
        else if (d == DType.Bool) Cast<TS, byte, TR, WriteBool>(dst, src, srcFloat);
        else throw NotYet($"converting {src.DType.name} to {dst.DType.name}");
    }

    private struct CastKey<TS, TD, TR, TW>;

    private void Cast<TS, TD, TR, TW>(TensorLayout dst, TensorLayout src, bool srcFloat)
        where TS : unmanaged where TD : unmanaged where TR : struct, IRead<TS> where TW : struct, IWrite<TD>
    {
        long n = Numel(dst.Shape);
        var (s, st) = Geometry.Plan(dst.Shape, Op(dst.Shape, src), (dst.Strides, dst.Offset));
        var k = Kernel<CastKey<TS, TD, TR, TW>, Action<AcceleratorStream, Index1D, ArrayView<TS>, ArrayView<TD>, Shape8, Strides8, Strides8, long, int>>(
            acc => acc.LoadAutoGroupedKernel<Index1D, ArrayView<TS>, ArrayView<TD>, Shape8, Strides8, Strides8, long, int>(Elementwise.Cast<TS, TD, TR, TW>));
        var (sv, dv) = (View<TS>(src), View<TD>(dst));
        foreach (var (start, c) in Geometry.Chunks(n)) k(Stream, c, sv, dv, s, st[0], st[1], start, srcFloat ? 1 : 0);
    }

    public void Fill(TensorLayout dst, Scalar value)
    {
        Mem(dst);
        if (Numel(dst.Shape) == 0) return;
        var d = dst.DType;
        if (d == DType.Float32) FillT(dst, Flint.Backends.Convert.FromScalar<float>(value));
        else if (d == DType.Float64) FillT(dst, Flint.Backends.Convert.FromScalar<double>(value));
        else if (d == DType.Int64) FillT(dst, Flint.Backends.Convert.FromScalar<long>(value));
        else if (d == DType.Int32) FillT(dst, Flint.Backends.Convert.FromScalar<int>(value));
        else if (d == DType.Int16) FillT(dst, Flint.Backends.Convert.FromScalar<short>(value));
        else if (d == DType.Int8) FillT(dst, Flint.Backends.Convert.FromScalar<sbyte>(value));
        else if (d == DType.UInt8) FillT(dst, Flint.Backends.Convert.FromScalar<byte>(value));
        else if (d == DType.Bool) FillT(dst, Flint.Backends.Convert.FromScalar<bool>(value) ? (byte)1 : (byte)0);
        else if (d == DType.Float16) { var h = Flint.Backends.Convert.FromScalar<System.Half>(value); FillT(dst, Unsafe.As<System.Half, ushort>(ref h)); }
        else if (d == DType.BFloat16) { var h = Flint.Backends.Convert.FromScalar<BFloat16>(value); FillT(dst, Unsafe.As<BFloat16, ushort>(ref h)); }
        else throw NotYet($"fill_ of {d}");
    }

    private struct FillKey<T>;

    private void FillT<T>(TensorLayout dst, T value) where T : unmanaged
    {
        long n = Numel(dst.Shape);
        var (s, st) = Geometry.Plan(dst.Shape, (dst.Strides, dst.Offset));
        var k = Kernel<FillKey<T>, Action<AcceleratorStream, Index1D, ArrayView<T>, Shape8, Strides8, long, T>>(
            acc => acc.LoadAutoGroupedKernel<Index1D, ArrayView<T>, Shape8, Strides8, long, T>(Elementwise.Fill<T>));
        var dv = View<T>(dst);
        foreach (var (start, c) in Geometry.Chunks(n)) k(Stream, c, dv, s, st[0], start, value);
    }
}

using Flint.Backends;
using ILGPU;
using ILGPU.Runtime;

namespace Flint.Cuda;

/// <summary>
/// The CUDA implementation of the backend seam: storage from the caching allocator, kernels compiled by ILGPU and
/// queued on the current stream. Kernels that reach the CPU (copies to host memory) wait for the stream; the rest
/// return as soon as the work is queued.
/// </summary>
internal sealed partial class CudaBackend : IBackend
{
    /// <summary>The one device this backend serves, <c>cuda:0</c>.</summary>
    internal static readonly Device CudaDevice0 = new(DeviceType.CUDA, 0);

    internal readonly CudaDevice Dev;

    internal CudaBackend(CudaDevice dev) => Dev = dev;

    public Device Device => CudaDevice0;

    private AcceleratorStream Stream => Dev.CurrentStream;

    public Storage Allocate(DType dtype, long count, bool zeroed)
    {
        var s = new CudaStorage(Dev, dtype, count);
        if (zeroed && count > 0) s.Block.Buffer.View.SubView(0, count * dtype.itemsize).MemSetToZero(Stream);
        return s;
    }

    public Storage NumberOperand(Scalar value, DType dtype)
    {
        var s = new CudaStorage(Dev, dtype, 1);
        Fill(TensorLayout.Contiguous(s, []), value);
        return s;
    }

    public Storage Scratch(DType dtype, long count) => new CudaStorage(Dev, dtype, count);

    /// <summary>The device storage of an operand; an operand on another device is refused with PyTorch's text.</summary>
    internal static CudaStorage Mem(in TensorLayout t) => t.Storage as CudaStorage ?? throw MixedDevices(t.Device);

    internal static InvalidOperationException MixedDevices(Device other) =>
        new($"Expected all tensors to be on the same device, but found at least two devices, cuda:0 and {other.Normalized}!");

    internal static ArrayView<T> View<T>(in TensorLayout t) where T : unmanaged => Mem(t).View<T>();

    /// <summary>
    /// An input on this device: a one-element host tensor (a wrapped number, which PyTorch lets CPU scalars be next to
    /// CUDA tensors) is copied into a device element seen at the same shape; other host tensors are refused.
    /// </summary>
    internal TensorLayout Local(TensorLayout t)
    {
        if (t.Storage is CudaStorage) return t;
        if (!HostMemory.IsHost(t.Storage) || Numel(t.Shape) != 1) throw MixedDevices(t.Device);
        var one = new CudaStorage(Dev, t.DType, 1);
        Copy(TensorLayout.Contiguous(one, []), new TensorLayout(t.Storage, [], [], t.Offset));
        return new TensorLayout(one, t.Shape, new long[t.Rank], 0);
    }

    /// <summary>The refusal of a seam kernel this backend does not have yet: never a wrong result.</summary>
    internal static NotSupportedException NotYet(string op) => new($"{op} is not implemented for CUDA tensors in Flint yet");

    internal static long Numel(long[] shape)
    {
        long n = 1;
        foreach (var s in shape) n *= s;
        return n;
    }

    /// <summary>The ILGPU kernel for one method instantiation on this accelerator, loaded (compiled) once.</summary>
    internal TDel Kernel<TKey, TDel>(Func<Accelerator, TDel> load) where TDel : Delegate
    {
        var acc = Dev.Accelerator;
        var slot = KernelSlot<TKey, TDel>.Value;
        if (slot is not null && ReferenceEquals(slot.Value.acc, acc)) return slot.Value.k;
        lock (KernelSlot<TKey, TDel>.Gate)
        {
            slot = KernelSlot<TKey, TDel>.Value;
            if (slot is not null && ReferenceEquals(slot.Value.acc, acc)) return slot.Value.k;
            TDel k;
            try { k = load(acc); }
            catch (ILGPU.InternalCompilerException e)
            {
                // the op's scalar function uses what ILGPU cannot compile (reflection on types, managed objects): refused, never run wrong
                throw new NotSupportedException($"{OpName(typeof(TKey))} is not implemented for CUDA tensors in Flint yet (ILGPU cannot compile its kernel: {(e.InnerException ?? e).Message})");
            }
            KernelSlot<TKey, TDel>.Value = (acc, k);
            return k;
        }
    }

    /// <summary>The op a kernel key stands for: the Name of its op struct, else the kernel's own name.</summary>
    private static string OpName(Type key)
    {
        if (key.IsGenericType)
            foreach (var a in key.GetGenericArguments())
                if (a.GetProperty("Name", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)?.GetValue(null) is string n) return n;
        string s = key.Name;
        int tick = s.IndexOf('`');
        return tick < 0 ? s : s[..tick];
    }

    private static class KernelSlot<TKey, TDel>
    {
        internal static readonly object Gate = new();
        internal static (Accelerator acc, TDel k)? Value;
    }
}

using ILGPU;
using ILGPU.Runtime;

namespace Flint.Cuda;

/// <summary>
/// Device memory holding a tensor's elements: a block of the caching allocator, given back when the GC collects the
/// storage (the finalizer), with the block's size added to the GC's memory pressure so that tensors on the GPU make
/// the GC collect as host arrays of that size would.
/// </summary>
internal sealed class CudaStorage : Storage
{
    private readonly CudaDevice dev;
    internal readonly Block Block;

    internal CudaStorage(CudaDevice dev, DType dtype, long count) : base(dtype, count)
    {
        this.dev = dev;
        long bytes = checked(count * dtype.itemsize);
        Block = dev.Allocator.Allocate(bytes, dev.CurrentStream);
        GC.AddMemoryPressure(Block.Size);
    }

    /// <inheritdoc/>
    public override Device device => CudaBackend.CudaDevice0;

    /// <summary>The elements as a typed view (bool as byte; half types as their 16 bits).</summary>
    internal ArrayView<T> View<T>() where T : unmanaged
    {
        long bytes = Count * dtype.itemsize;
        return Block.Buffer.View.AsContiguous().SubView(0, bytes).Cast<T>();
    }

    ~CudaStorage()
    {
        // a constructor that threw (out of memory) leaves no block
        if (Block is null) return;
        dev.Allocator.Free(Block);
        GC.RemoveMemoryPressure(Block.Size);
    }
}

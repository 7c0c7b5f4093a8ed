using System.Runtime.InteropServices;

namespace Flint;

/// <summary>
/// A flat block of elements that tensors view through shape, strides and offset. The backend that made it
/// owns its layout; the CPU's is a managed array, so the GC owns the memory and nothing needs disposing.
/// </summary>
public abstract class Storage
{
    /// <summary>The element type.</summary>
    public DType dtype { get; }
    /// <summary>The number of elements.</summary>
    public long Count { get; }
    /// <summary>The device the elements live on.</summary>
    public abstract Device device { get; }
    /// <summary>The backend registered for this storage's device type (see <see cref="Backends.BackendRegistry"/>).</summary>
    internal virtual Backends.IBackend Backend => Backends.BackendRegistry.For(device.type);

    /// <summary>
    /// The managed array holding the elements when this storage lives in host memory; null for device memory.
    /// Only <see cref="Backends.HostMemory"/> reads it.
    /// </summary>
    internal virtual System.Array? HostArray => null;
    /// <summary>The pool's claim on this storage's memory, for memory that goes back to a pool when the storage is collected; null otherwise.</summary>
    internal Backends.StorageLease? Lease { get; private protected set; }

    /// <summary>True when the memory belongs to a user array (from_numpy): it cannot be resized.</summary>
    internal bool Borrowed { get; init; }

    /// <summary>A storage of <paramref name="count"/> elements of <paramref name="dtype"/>.</summary>
    protected Storage(DType dtype, long count) { this.dtype = dtype; Count = count; }

    /// <summary>The backward run active on the allocating thread (0 for none): only a gradient made by the run may be stolen by it.</summary>
    internal readonly long BornInRun = Autograd.GradOwnership.CurrentRun;

    /// <summary>Made under torch.inference_mode(): tensors over it are inference tensors (PyTorch's is_inference).</summary>
    internal bool IsInference = Autograd.GradMode.IsInference;

    // Bookkeeping of the backward run that holds this storage as a gradient (see Autograd.GradOwnership).
    internal long GradRun;
    internal int GradHolders;
}

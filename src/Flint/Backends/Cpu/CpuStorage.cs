using System.Runtime.InteropServices;

namespace Flint.Backends.Cpu;

/// <summary>CPU storage: a managed array of the dtype's .NET type (bool[], float[], Half[], BFloat16[], ...).</summary>
internal sealed class CpuStorage : Storage
{
    internal readonly System.Array Data;

    internal CpuStorage(DType dtype, System.Array data) : base(dtype, data.LongLength) { Data = data; }

    /// <summary>
    /// Set by the test suite: memory handed out uninitialized is filled with a pattern (NaN, -1, true), so a kernel
    /// that relies on a new tensor being zero fails its tests instead of passing by luck.
    /// </summary>
    internal static bool PoisonUninitialized;

    /// <summary>
    /// A new array of <paramref name="count"/> elements: zero-filled when <paramref name="zeroed"/>, otherwise with
    /// whatever the memory held (as torch.empty; every kernel output writes all its elements). With
    /// <paramref name="pooled"/> (tensors the op layer allocates, never a kernel's own scratch) a large array comes
    /// from the thread's <see cref="StoragePool"/> when one of that length is there, and goes back to it when the
    /// storage is collected.
    /// </summary>
    internal static CpuStorage Allocate(DType dtype, long count, bool zeroed = true, bool pooled = false)
    {
        if (count > System.Array.MaxLength)
            throw new OutOfMemoryException($"Flint cannot allocate {count} elements of {dtype}: a CPU tensor holds at most {System.Array.MaxLength} elements.");
        int n = (int)count;
        if (Profiler.Recorder.Active) Profiler.Recorder.Allocated(count * dtype.itemsize);
        pooled &= StoragePool.Pools(count, dtype.itemsize);
        var v = new MakeV(n, zeroed, pooled);
        DTypeDispatch.All(dtype, ref v);
        var s = new CpuStorage(dtype, v.Array!);
        if (pooled) s.Lease = StoragePool.Lend(s, v.Array!, count * dtype.itemsize);
        return s;
    }

    private struct MakeV(int n, bool zeroed, bool pooled) : IAnyTypeVisitor
    {
        public System.Array? Array;
        public void Visit<T>() where T : unmanaged => Array = Make<T>(n, zeroed, pooled);
    }

    private static T[] Make<T>(int n, bool zeroed, bool pooled) where T : unmanaged
    {
        if (pooled && StoragePool.Rent<T>(n) is { } p)
        {
            if (zeroed) System.Array.Clear(p);
            else Poison(p);
            return p;
        }
        try { return New<T>(n, zeroed); }
        catch (OutOfMemoryException)
        {
            // pooled arrays are live memory to the GC: let them all go, collect, and try once more
            StoragePool.Drain();
            GC.Collect();
            return New<T>(n, zeroed);
        }
    }

    private static T[] New<T>(int n, bool zeroed) where T : unmanaged
    {
        if (zeroed) return new T[n];
        var a = System.GC.AllocateUninitializedArray<T>(n);
        Poison(a);
        return a;
    }

    private static void Poison<T>(T[] a) where T : unmanaged
    {
        if (!PoisonUninitialized) return;
        if (typeof(T) == typeof(bool)) MemoryMarshal.AsBytes(a.AsSpan()).Fill(1);
        else MemoryMarshal.AsBytes(a.AsSpan()).Fill(0xFF);
    }

    public override Device device => Device.CPU;
    internal override IBackend Backend => CpuBackend.Instance;
    internal override System.Array HostArray => Data;
}

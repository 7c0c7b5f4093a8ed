using System.Runtime.InteropServices;
using static Flint.torch.distributed;

namespace Flint.Distributed;

/// <summary>
/// The memory of one operation: tensors pinned in place when they are contiguous and of a type the engine
/// handles, otherwise contiguous (or float32) copies written back once the operation completes.
/// </summary>
internal sealed class Staging(ProcessGroup group)
{
    internal readonly List<GCHandle> Pins = [];
    private readonly List<Action> finish = [];

    internal ICollectiveBackend Engine => group.Live;

    /// <summary>The address of a tensor the operation only reads.</summary>
    internal nint In(Tensor t) => Pin(t.is_contiguous() ? t : t.contiguous());

    /// <summary>The address of a tensor the operation writes (and may read); copies are written back at completion.</summary>
    /// <paramref name="after"/> runs on the written buffer first (AVG's division).
    internal nint InOut(Tensor t, DType? asType = null, Action<Tensor>? after = null)
    {
        if (t.is_contiguous() && (asType is null || asType == t.dtype))
        {
            if (after is not null) finish.Add(() => after(t));
            return Pin(t);
        }
        var buf = (asType is null ? t : t.to(asType)).contiguous();
        if (ReferenceEquals(buf, t)) buf = t.clone();
        finish.Add(() =>
        {
            after?.Invoke(buf);
            t.copy_(buf);
        });
        return Pin(buf);
    }

    /// <summary>The address of <paramref name="buffer"/>, a contiguous tensor of the elements of <paramref name="targets"/>, written back into them (split along dim 0 or
    /// one per rank) at completion.</summary>
    internal nint Joined(IReadOnlyList<Tensor> targets, Tensor buffer, bool writeBack)
    {
        if (writeBack)
            finish.Add(() =>
            {
                long at = 0;
                foreach (var t in targets)
                {
                    long n = t.numel();
                    t.copy_(buffer.narrow(0, at, n).view(t.shape.ToArray()));
                    at += n;
                }
            });
        return Pin(buffer);
    }

    internal void Then(Action a) => finish.Add(a);

    internal nint Pin(Tensor c)
    {
        if (!Backends.HostMemory.IsHost(c._storage)) throw new InvalidOperationException($"ProcessGroupMPI: tensors must be on the CPU, got a tensor on {c.device}");
        var h = GCHandle.Alloc(Backends.HostMemory.Data(c._storage), GCHandleType.Pinned);
        Pins.Add(h);
        return h.AddrOfPinnedObject() + (nint)(c._offset * c.dtype.itemsize);
    }

    /// <summary>Starts the operation's requests and returns its Work (waited for unless <paramref name="async_op"/>).</summary>
    internal Work? Run(string opType, long numelIn, long numelOut, bool async_op, Func<ICollectiveBackend, IBackendRequest[]> start)
    {
        IBackendRequest[] requests;
        try { requests = start(Engine); }
        catch
        {
            foreach (var p in Pins) p.Free();
            throw;
        }
        var actions = finish.ToArray();
        var work = new Work(group, opType, numelIn, numelOut, requests, Pins, actions.Length == 0 ? null : () => { foreach (var a in actions) a(); });
        if (async_op) return work;
        work.wait();
        return null;
    }
}

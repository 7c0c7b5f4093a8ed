namespace Flint.Distributed;

/// <summary>
/// The process-group seam: what a communication engine provides to <c>torch.distributed</c> and
/// DistributedDataParallel, on raw memory (an address, an element count and a dtype), for the ranks of one group.
/// Every operation starts and returns a request at once; the tensor layer above pins or holds the memory until the
/// request completes, converts what the engine cannot reduce itself, makes contiguous copies of strided tensors and
/// implements the timeouts. MPI (<see cref="MpiBackend{H}"/>) is the engine for CPU memory; another engine (NCCL for
/// GPU memory) plugs in by implementing this interface and <see cref="ICollectiveBackendFactory"/>.
/// </summary>
public interface ICollectiveBackend : IDisposable
{
    /// <summary>The backend's name as torch.distributed.get_backend() returns it ("mpi").</summary>
    string Name { get; }
    /// <summary>This process's rank within the group.</summary>
    int Rank { get; }
    /// <summary>The number of processes in the group.</summary>
    int Size { get; }

    /// <summary>Whether the engine reduces elements of <paramref name="dtype"/> with <paramref name="op"/> itself;
    /// when not, the tensor layer reduces a float32 copy (half types) or reduces with SUM and divides (AVG).</summary>
    bool CanReduce(DType dtype, torch.distributed.ReduceOp op);

    /// <summary>In-place reduction of <paramref name="count"/> elements at <paramref name="buffer"/> over every rank.</summary>
    IBackendRequest AllReduce(nint buffer, long count, DType dtype, torch.distributed.ReduceOp op);
    /// <summary>The root's <paramref name="count"/> elements copied to every rank's buffer.</summary>
    IBackendRequest Broadcast(nint buffer, long count, DType dtype, int root);
    /// <summary>Reduction of every rank's <paramref name="send"/> into the root's <paramref name="recv"/> (unused elsewhere).</summary>
    IBackendRequest Reduce(nint send, nint recv, long count, DType dtype, torch.distributed.ReduceOp op, int root);
    /// <summary>Every rank's <paramref name="count"/> elements, concatenated in rank order into <paramref name="recv"/> (Size × count).</summary>
    IBackendRequest AllGather(nint send, nint recv, long count, DType dtype);
    /// <summary>The reduction of every rank's <paramref name="send"/> (Size × count), block r to rank r's <paramref name="recv"/>.</summary>
    IBackendRequest ReduceScatter(nint send, nint recv, long count, DType dtype, torch.distributed.ReduceOp op);
    /// <summary>Every rank's <paramref name="count"/> elements, concatenated in rank order at the root's <paramref name="recv"/>.</summary>
    IBackendRequest Gather(nint send, nint recv, long count, DType dtype, int root);
    /// <summary>Block r of the root's <paramref name="send"/> (Size × count) to rank r's <paramref name="recv"/>.</summary>
    IBackendRequest Scatter(nint send, nint recv, long count, DType dtype, int root);
    /// <summary>Block r of <paramref name="send"/> to rank r; block r of <paramref name="recv"/> from rank r (counts and offsets in elements).</summary>
    IBackendRequest AllToAll(nint send, long[] sendCounts, long[] sendOffsets, nint recv, long[] recvCounts, long[] recvOffsets, DType dtype);
    /// <summary>Starts sending <paramref name="count"/> elements at <paramref name="buffer"/> to rank <paramref name="dst"/> with the message tag <paramref name="tag"/>.</summary>
    IBackendRequest Send(nint buffer, long count, DType dtype, int dst, int tag);
    /// <summary>Receives from <paramref name="src"/>, or from any rank when it is null (the request's Source says which).</summary>
    IBackendRequest Recv(nint buffer, long count, DType dtype, int? src, int tag);
    /// <summary>Starts a barrier: the request completes when every process has entered it.</summary>
    IBackendRequest Barrier();

    /// <summary>Called when an operation timed out: peers may be stuck, so the engine must not wait for them when the
    /// process exits (MPI aborts the job instead of finalizing).</summary>
    void MarkFailed();

    /// <summary>A backend for the sub-group of <paramref name="ranks"/> (ranks of this group, sorted); every rank of this
    /// group calls it; returns null on the ranks outside the sub-group.</summary>
    ICollectiveBackend? Split(int[] ranks);
}

/// <summary>An operation in flight on a backend.</summary>
public interface IBackendRequest
{
    /// <summary>Makes progress and says whether the operation has completed (throws if it failed).</summary>
    bool Test();
    /// <summary>For a receive, the rank the data came from (once completed); otherwise -1.</summary>
    int Source { get; }
}

/// <summary>Makes the backend of a default process group (registered by name with torch.distributed.Backend.register_backend).</summary>
public interface ICollectiveBackendFactory
{
    /// <summary>Connects this process to its peers. <paramref name="worldSize"/> and <paramref name="rank"/> are -1 when not given
    /// (the engine's launcher assigns them).</summary>
    ICollectiveBackend Create(string initMethod, int worldSize, int rank, TimeSpan timeout);
}

/// <summary>A request that is already complete (a collective with nothing to move).</summary>
internal sealed class CompletedRequest : IBackendRequest
{
    internal static readonly CompletedRequest Instance = new();
    public bool Test() => true;
    public int Source => -1;
}

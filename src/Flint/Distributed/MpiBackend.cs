using System.Runtime.InteropServices;
using static Flint.torch.distributed;

namespace Flint.Distributed;

/// <summary>
/// The MPI engine behind backend "mpi": one communicator (MPI_COMM_WORLD for the default group, a sub-communicator
/// for new_group), non-blocking MPI calls (MPI_Iallreduce, ...) under one lock (MPI is initialized with
/// MPI_THREAD_SERIALIZED), errors returned rather than fatal (MPI_ERRORS_RETURN) so they surface as exceptions.
/// <typeparamref name="H"/> is the library's handle type (nint for Open MPI, int for MPICH).
/// </summary>
internal sealed unsafe class MpiBackend<H> : ICollectiveBackend where H : unmanaged, IEquatable<H>
{
    private static object Gate => MpiLibrary.Gate;
    private static bool s_finalizeAtExit;

    private readonly MpiLibrary<H> mpi;
    private H comm;
    private bool destroyed;
    private readonly bool owned;

    public string Name => "mpi";
    public int Rank { get; }
    public int Size { get; }

    private MpiBackend(MpiLibrary<H> mpi, H comm, bool owned)
    {
        this.mpi = mpi; this.comm = comm; this.owned = owned;
        int r, s;
        lock (Gate)
        {
            Check(mpi.CommRank(comm, &r), "MPI_Comm_rank");
            Check(mpi.CommSize(comm, &s), "MPI_Comm_size");
        }
        Rank = r; Size = s;
    }

    /// <summary>Initializes MPI (once per process; finalized when the process exits) and returns the world's backend.</summary>
    internal static MpiBackend<H> World(MpiLibrary<H> mpi)
    {
        lock (Gate)
        {
            int flag;
            Check(mpi, mpi.Finalized(&flag), "MPI_Finalized");
            if (flag != 0) throw new DistBackendError("MPI has already been finalized in this process; it cannot be initialized again.");
            Check(mpi, mpi.Initialized(&flag), "MPI_Initialized");
            if (flag == 0)
            {
                int provided;
                if (mpi.Abi == "Open MPI") OpenMpiTuning.Apply();
                Check(mpi, mpi.InitThread(null, 0, MpiLibrary.ThreadSerialized, &provided), "MPI_Init_thread");
                if (!s_finalizeAtExit)
                {
                    s_finalizeAtExit = true;
                    AppDomain.CurrentDomain.ProcessExit += (_, _) => FinalizeMpi(mpi);
                }
            }
            Check(mpi, mpi.CommSetErrhandler(mpi.CommWorld, mpi.ErrorsReturn), "MPI_Comm_set_errhandler");
        }
        return new MpiBackend<H>(mpi, mpi.CommWorld, owned: false);
    }

    private static void FinalizeMpi(MpiLibrary<H> mpi)
    {
        if (Monitor.TryEnter(Gate, TimeSpan.FromSeconds(5)))
        {
            try
            {
                int done;
                if (mpi.Finalized(&done) != MpiLibrary.Success || done != 0) return;
                MpiLibrary.Finalizing = true;
                int exit = System.Environment.ExitCode;
                if (MpiLibrary.Broken || exit != 0) mpi.Abort(mpi.CommWorld, exit != 0 ? exit : 1);
                else mpi.Finalize();
            }
            finally { Monitor.Exit(Gate); }
        }
        else mpi.Abort(mpi.CommWorld, 1);
    }

    /// <summary>Ends every process of the job (MPI_Abort), for a rank that cannot go on.</summary>
    public void Abort(int errorCode)
    {
        lock (Gate) mpi.Abort(mpi.CommWorld, errorCode);
    }

    public void MarkFailed() => MpiLibrary.Broken = true;

    public bool CanReduce(DType dtype, ReduceOp op) =>
        op != ReduceOp.AVG && dtype != DType.Float16 && dtype != DType.BFloat16;

    public IBackendRequest AllReduce(nint buffer, long count, DType dtype, ReduceOp op)
    {
        var (t, o) = Reduction(dtype, op);
        return Start("MPI_Iallreduce", (H* r) => mpi.Iallreduce(mpi.InPlace, buffer, Count(count), t, o, comm, r));
    }

    public IBackendRequest Broadcast(nint buffer, long count, DType dtype, int root) =>
        Start("MPI_Ibcast", (H* r) => mpi.Ibcast(buffer, Count(count), Moved(dtype), root, comm, r));

    public IBackendRequest Reduce(nint send, nint recv, long count, DType dtype, ReduceOp op, int root)
    {
        var (t, o) = Reduction(dtype, op);
        nint s = Rank == root && send == recv ? mpi.InPlace : send;
        return Start("MPI_Ireduce", (H* r) => mpi.Ireduce(s, recv, Count(count), t, o, root, comm, r));
    }

    public IBackendRequest AllGather(nint send, nint recv, long count, DType dtype)
    {
        var t = Moved(dtype);
        return Start("MPI_Iallgather", (H* r) => mpi.Iallgather(send, Count(count), t, recv, Count(count), t, comm, r));
    }

    public IBackendRequest ReduceScatter(nint send, nint recv, long count, DType dtype, ReduceOp op)
    {
        var (t, o) = Reduction(dtype, op);
        Count(count * Size);
        return Start("MPI_Ireduce_scatter_block", (H* r) => mpi.IreduceScatterBlock(send, recv, Count(count), t, o, comm, r));
    }

    public IBackendRequest Gather(nint send, nint recv, long count, DType dtype, int root)
    {
        var t = Moved(dtype);
        return Start("MPI_Igather", (H* r) => mpi.Igather(send, Count(count), t, recv, Count(count), t, root, comm, r));
    }

    public IBackendRequest Scatter(nint send, nint recv, long count, DType dtype, int root)
    {
        var t = Moved(dtype);
        return Start("MPI_Iscatter", (H* r) => mpi.Iscatter(send, Count(count), t, recv, Count(count), t, root, comm, r));
    }

    public IBackendRequest AllToAll(nint send, long[] sendCounts, long[] sendOffsets, nint recv, long[] recvCounts, long[] recvOffsets, DType dtype)
    {
        var t = Moved(dtype);
        // the four int arrays must stay put until the operation completes: native memory, freed by the request
        int n = Size;
        var ints = (int*)NativeMemory.Alloc((nuint)(4 * n), sizeof(int));
        for (int i = 0; i < n; i++)
        {
            ints[i] = Count(sendCounts[i]); ints[n + i] = Count(sendOffsets[i]);
            ints[2 * n + i] = Count(recvCounts[i]); ints[3 * n + i] = Count(recvOffsets[i]);
        }
        try
        {
            return Start("MPI_Ialltoallv", (H* r) => mpi.Ialltoallv(send, ints, ints + n, t, recv, ints + 2 * n, ints + 3 * n, t, comm, r), (nint)ints);
        }
        catch
        {
            NativeMemory.Free(ints);
            throw;
        }
    }

    public IBackendRequest Send(nint buffer, long count, DType dtype, int dst, int tag) =>
        Start("MPI_Isend", (H* r) => mpi.Isend(buffer, Count(count), Moved(dtype), dst, tag, comm, r));

    public IBackendRequest Recv(nint buffer, long count, DType dtype, int? src, int tag) =>
        Start("MPI_Irecv", (H* r) => mpi.Irecv(buffer, Count(count), Moved(dtype), src ?? mpi.AnySource, tag, comm, r));

    public IBackendRequest Barrier() => Start("MPI_Ibarrier", (H* r) => mpi.Ibarrier(comm, r));

    public ICollectiveBackend? Split(int[] ranks)
    {
        H group, sub, made;
        lock (Gate)
        {
            Check(mpi.CommGroup(comm, &group), "MPI_Comm_group");
            fixed (int* p = ranks) Check(mpi.GroupIncl(group, ranks.Length, p, &sub), "MPI_Group_incl");
            Check(mpi.CommCreate(comm, sub, &made), "MPI_Comm_create");
            mpi.GroupFree(&sub);
            mpi.GroupFree(&group);
            if (made.Equals(mpi.CommNull)) return null;
            Check(mpi.CommSetErrhandler(made, mpi.ErrorsReturn), "MPI_Comm_set_errhandler");
        }
        return new MpiBackend<H>(mpi, made, owned: true);
    }

    public void Dispose()
    {
        if (!owned || destroyed) return;
        lock (Gate)
        {
            int done;
            var c = comm;
            if (mpi.Finalized(&done) == MpiLibrary.Success && done == 0) mpi.CommFree(&c);
        }
        destroyed = true;
    }

    // ---------------- types and calls ----------------

    /// <summary>The MPI type that moves elements of the dtype (bit patterns: any type of the same size).</summary>
    private H Moved(DType dtype) => dtype.itemsize switch
    {
        1 => mpi.UInt8, 2 => mpi.Int16, 4 => mpi.Int32, 8 => mpi.Int64,
        _ => throw new NotSupportedException($"no MPI type moves {dtype.name}"),
    };

    /// <summary>The MPI type and operation that reduce the dtype; bool reduces as bytes with MPI's logical operations.</summary>
    private (H type, H op) Reduction(DType dtype, ReduceOp op)
    {
        if (dtype == DType.Bool)
            return (mpi.UInt8, op switch
            {
                ReduceOp.SUM or ReduceOp.MAX or ReduceOp.BOR => mpi.OpLor,
                ReduceOp.PRODUCT or ReduceOp.MIN or ReduceOp.BAND => mpi.OpLand,
                ReduceOp.BXOR => mpi.OpLxor,
                _ => throw new NotSupportedException($"MPI cannot reduce {dtype.name} with {op}"),
            });
        H type = dtype.scalar_type switch
        {
            ScalarType.UInt8 => mpi.UInt8, ScalarType.Int8 => mpi.Int8, ScalarType.Int16 => mpi.Int16,
            ScalarType.Int32 => mpi.Int32, ScalarType.Int64 => mpi.Int64,
            ScalarType.Float32 => mpi.Float, ScalarType.Float64 => mpi.Double,
            _ => throw new NotSupportedException($"MPI cannot reduce {dtype.name}; reduce a float32 copy"),
        };
        return (type, op switch
        {
            ReduceOp.SUM => mpi.OpSum, ReduceOp.PRODUCT => mpi.OpProd, ReduceOp.MIN => mpi.OpMin, ReduceOp.MAX => mpi.OpMax,
            ReduceOp.BAND => mpi.OpBand, ReduceOp.BOR => mpi.OpBor, ReduceOp.BXOR => mpi.OpBxor,
            _ => throw new NotSupportedException($"MPI cannot reduce with {op}; reduce with SUM and divide"),
        });
    }

    private static int Count(long count) =>
        count is >= 0 and <= int.MaxValue ? (int)count : throw new ArgumentException($"MPI moves at most {int.MaxValue} elements in one call, got {count}");

    private delegate int Call(H* request);

    private IBackendRequest Start(string name, Call call, nint nativeToFree = 0)
    {
        H request;
        lock (Gate)
        {
            if (destroyed) throw new DistBackendError("the process group has been destroyed");
            Check(call(&request), name);
        }
        return new MpiRequest(mpi, request, name, nativeToFree);
    }

    private void Check(int rc, string call) => Check(mpi, rc, call);

    private static void Check(MpiLibrary<H> mpi, int rc, string call)
    {
        if (rc != MpiLibrary.Success) throw new DistBackendError($"{call} failed: {mpi.Describe(rc)}");
    }

    private sealed class MpiRequest(MpiLibrary<H> mpi, H request, string name, nint nativeToFree) : IBackendRequest
    {
        private bool done;
        public int Source { get; private set; } = -1;

        public bool Test()
        {
            if (done) return true;
            var status = stackalloc byte[mpi.StatusBytes];
            int flag, rc;
            lock (Gate)
            {
                if (MpiLibrary.Finalizing) throw new DistBackendError($"{name} did not complete before MPI was finalized at exit");
                var r = request;
                rc = mpi.Test(&r, &flag, status);
                request = r;
            }
            if (rc != MpiLibrary.Success)
            {
                MpiLibrary.Broken = true;
                Release();
                throw new DistBackendError($"{name} failed: {mpi.Describe(rc)}");
            }
            if (flag == 0) return false;
            Source = *(int*)(status + mpi.StatusSourceOffset);
            Release();
            return true;
        }

        private void Release()
        {
            done = true;
            if (nativeToFree != 0) NativeMemory.Free((void*)nativeToFree);
            nativeToFree = 0;
        }
    }
}

using System.Runtime.InteropServices;

namespace Flint.Distributed;

/// <summary>
/// Finds the system's MPI library when a process group is first made, and tells the two ABIs apart: Open MPI's
/// handles are pointers (the addresses of exported objects such as ompi_mpi_comm_world), MPICH's (and its
/// derivatives') are integer constants from its mpi.h. The C API is called through function pointers typed by the
/// handle type (<see cref="MpiLibrary{H}"/>), so nothing here needs reflection or generated marshalling code.
/// </summary>
internal static class MpiLibrary
{
    /// <summary>Where the library is looked for, in order (FLINT_MPI_LIBRARY first when it is set; MPICH's names
    /// first when the process was started by MPICH's launcher).</summary>
    internal static readonly string[] OpenMpiNames = ["libmpi.so.40", "libmpi.so", "libmpi.40.dylib", "libmpi.dylib"];
    internal static readonly string[] MpichNames = ["libmpich.so.12", "libmpi.so.12", "libmpich.12.dylib", "libmpich.dylib"];
    internal static readonly string[] WindowsNames = ["msmpi.dll"];

    /// <summary>One lock around every MPI call (MPI is initialized with MPI_THREAD_SERIALIZED).</summary>
    internal static readonly object Gate = new();

    /// <summary>Set when an operation failed or timed out: the peers may be stuck in it, so the process must not
    /// finalize MPI at exit (MPI_Finalize waits for every rank) but abort the job, which ends the peers too. A process
    /// that exits with a failure code aborts the job too (with that code), as the peers would wait for it.</summary>
    internal static volatile bool Broken;

    /// <summary>Set (under <see cref="Gate"/>) when the process exits and MPI is finalized or aborted: no MPI call may follow.</summary>
    internal static volatile bool Finalizing;

    internal const int ThreadSerialized = 2, Success = 0;

    private static IMpiLibrary? s_loaded;
    private static readonly object s_loadGate = new();

    /// <summary>The loaded library (loads it on first use; the failure message names what was looked for).</summary>
    internal static IMpiLibrary Get()
    {
        lock (s_loadGate)
            return s_loaded ??= Load(SearchOrder(
                // MPICH's Hydra launcher sets PMI_RANK (and no OMPI_* variables)
                System.Environment.GetEnvironmentVariable("PMI_RANK") is not null && System.Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is null,
                System.Environment.GetEnvironmentVariable("FLINT_MPI_LIBRARY")));
    }

    /// <summary>True when an MPI library can be loaded (without initializing MPI).</summary>
    internal static bool IsAvailable()
    {
        try { Get(); return true; }
        catch (DllNotFoundException) { return false; }
        catch (NotSupportedException) { return false; }
    }

    /// <summary>The library names to try: <paramref name="given"/> (FLINT_MPI_LIBRARY) first, then MPICH's names ahead of
    /// Open MPI's when MPICH's launcher started the process, Open MPI's ahead otherwise.</summary>
    internal static List<string> SearchOrder(bool mpichLauncher, string? given)
    {
        var names = new List<string>();
        if (given is { Length: > 0 }) names.Add(given);
        names.AddRange(mpichLauncher ? MpichNames : OpenMpiNames);
        names.AddRange(mpichLauncher ? OpenMpiNames : MpichNames);
        names.AddRange(WindowsNames);
        return names;
    }

    /// <summary>The first of <paramref name="names"/> that loads and is Open MPI or MPICH.</summary>
    internal static IMpiLibrary Load(IReadOnlyList<string> names)
    {
        foreach (var name in names)
        {
            if (!NativeLibrary.TryLoad(name, out var handle)) continue;
            if (NativeLibrary.TryGetExport(handle, "ompi_mpi_comm_world", out _)) return MpiAbi.OpenMpi(name, handle);
            // MPICH and its derivatives (Intel MPI, MVAPICH) export MPICH's internal MPIR_ functions
            if (NativeLibrary.TryGetExport(handle, "MPIR_Err_create_code", out _) || NativeLibrary.TryGetExport(handle, "MPIR_Dup_fn", out _))
                return MpiAbi.Mpich(name, handle);
            if (NativeLibrary.TryGetExport(handle, "MPI_Init", out _))
                throw new NotSupportedException(
                    $"The MPI library {name} is neither Open MPI nor MPICH (Flint reads the handles of these two ABIs). Install Open MPI " +
                    "(Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev; Fedora: dnf install openmpi; macOS: brew install open-mpi) or MPICH, " +
                    "or point FLINT_MPI_LIBRARY at its libmpi.");
        }
        throw new DllNotFoundException(
            $"torch.distributed's MPI backend needs an MPI library, and none was found (looked for {string.Join(", ", names)} on the library search path). " +
            "Install Open MPI (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev; Fedora: dnf install openmpi; macOS: brew install open-mpi) or MPICH " +
            "(apt-get install mpich), or set FLINT_MPI_LIBRARY to the path of libmpi, and start the program with mpirun.");
    }
}

/// <summary>A loaded MPI library, whichever its ABI.</summary>
internal interface IMpiLibrary
{
    string Path { get; }
    /// <summary>"Open MPI" or "MPICH".</summary>
    string Abi { get; }
    /// <summary>Initializes MPI (once per process) and returns the world's backend.</summary>
    ICollectiveBackend World();
}

/// <summary>
/// The C API of one MPI library whose handles (MPI_Comm, MPI_Datatype, MPI_Op, MPI_Request, ...) are of type
/// <typeparamref name="H"/>: nint for Open MPI, int for MPICH. The handle values and the status layout come from
/// <see cref="MpiAbi"/>.
/// </summary>
internal sealed unsafe class MpiLibrary<H> : IMpiLibrary where H : unmanaged, IEquatable<H>
{
    public string Path { get; }
    public string Abi { get; }

    internal required H CommWorld, CommNull, ErrorsReturn, RequestNull;
    internal required H UInt8, Int8, Int16, Int32, Int64, Float, Double;
    internal required H OpSum, OpProd, OpMin, OpMax, OpBand, OpBor, OpBxor, OpLand, OpLor, OpLxor;
    internal required nint InPlace;
    internal required int AnySource;
    /// <summary>sizeof(MPI_Status) and where its MPI_SOURCE field is.</summary>
    internal required int StatusBytes, StatusSourceOffset;

    internal readonly delegate* unmanaged<int*, int> Initialized, Finalized;
    internal readonly delegate* unmanaged<int*, nint, int, int*, int> InitThread;
    internal readonly delegate* unmanaged<int> Finalize;
    internal readonly delegate* unmanaged<H, int*, int> CommRank, CommSize;
    internal readonly delegate* unmanaged<H, H, int> CommSetErrhandler;
    internal readonly delegate* unmanaged<int, byte*, int*, int> ErrorString;
    internal readonly delegate* unmanaged<H, H*, int> CommGroup;
    internal readonly delegate* unmanaged<H, int, int*, H*, int> GroupIncl;
    internal readonly delegate* unmanaged<H, H, H*, int> CommCreate;
    internal readonly delegate* unmanaged<H*, int> GroupFree, CommFree;
    internal readonly delegate* unmanaged<nint, nint, int, H, H, H, H*, int> Iallreduce;
    internal readonly delegate* unmanaged<nint, int, H, int, H, H*, int> Ibcast;
    internal readonly delegate* unmanaged<nint, nint, int, H, H, int, H, H*, int> Ireduce;
    internal readonly delegate* unmanaged<nint, int, H, nint, int, H, H, H*, int> Iallgather, Ialltoall;
    internal readonly delegate* unmanaged<nint, nint, int, H, H, H, H*, int> IreduceScatterBlock;
    internal readonly delegate* unmanaged<nint, int, H, nint, int, H, int, H, H*, int> Igather, Iscatter;
    internal readonly delegate* unmanaged<nint, int*, int*, H, nint, int*, int*, H, H, H*, int> Ialltoallv;
    internal readonly delegate* unmanaged<nint, int, H, int, int, H, H*, int> Isend, Irecv;
    internal readonly delegate* unmanaged<H, H*, int> Ibarrier;
    internal readonly delegate* unmanaged<H*, int*, byte*, int> Test;
    internal readonly delegate* unmanaged<H, int, int> Abort;

    internal MpiLibrary(string path, string abi, nint h)
    {
        Path = path; Abi = abi;
        nint Sym(string name) => NativeLibrary.GetExport(h, name);
        Initialized = (delegate* unmanaged<int*, int>)Sym("MPI_Initialized");
        Finalized = (delegate* unmanaged<int*, int>)Sym("MPI_Finalized");
        InitThread = (delegate* unmanaged<int*, nint, int, int*, int>)Sym("MPI_Init_thread");
        Finalize = (delegate* unmanaged<int>)Sym("MPI_Finalize");
        CommRank = (delegate* unmanaged<H, int*, int>)Sym("MPI_Comm_rank");
        CommSize = (delegate* unmanaged<H, int*, int>)Sym("MPI_Comm_size");
        CommSetErrhandler = (delegate* unmanaged<H, H, int>)Sym("MPI_Comm_set_errhandler");
        ErrorString = (delegate* unmanaged<int, byte*, int*, int>)Sym("MPI_Error_string");
        CommGroup = (delegate* unmanaged<H, H*, int>)Sym("MPI_Comm_group");
        GroupIncl = (delegate* unmanaged<H, int, int*, H*, int>)Sym("MPI_Group_incl");
        CommCreate = (delegate* unmanaged<H, H, H*, int>)Sym("MPI_Comm_create");
        GroupFree = (delegate* unmanaged<H*, int>)Sym("MPI_Group_free");
        CommFree = (delegate* unmanaged<H*, int>)Sym("MPI_Comm_free");
        Iallreduce = (delegate* unmanaged<nint, nint, int, H, H, H, H*, int>)Sym("MPI_Iallreduce");
        Ibcast = (delegate* unmanaged<nint, int, H, int, H, H*, int>)Sym("MPI_Ibcast");
        Ireduce = (delegate* unmanaged<nint, nint, int, H, H, int, H, H*, int>)Sym("MPI_Ireduce");
        Iallgather = (delegate* unmanaged<nint, int, H, nint, int, H, H, H*, int>)Sym("MPI_Iallgather");
        Ialltoall = (delegate* unmanaged<nint, int, H, nint, int, H, H, H*, int>)Sym("MPI_Ialltoall");
        IreduceScatterBlock = (delegate* unmanaged<nint, nint, int, H, H, H, H*, int>)Sym("MPI_Ireduce_scatter_block");
        Igather = (delegate* unmanaged<nint, int, H, nint, int, H, int, H, H*, int>)Sym("MPI_Igather");
        Iscatter = (delegate* unmanaged<nint, int, H, nint, int, H, int, H, H*, int>)Sym("MPI_Iscatter");
        Ialltoallv = (delegate* unmanaged<nint, int*, int*, H, nint, int*, int*, H, H, H*, int>)Sym("MPI_Ialltoallv");
        Isend = (delegate* unmanaged<nint, int, H, int, int, H, H*, int>)Sym("MPI_Isend");
        Irecv = (delegate* unmanaged<nint, int, H, int, int, H, H*, int>)Sym("MPI_Irecv");
        Ibarrier = (delegate* unmanaged<H, H*, int>)Sym("MPI_Ibarrier");
        Test = (delegate* unmanaged<H*, int*, byte*, int>)Sym("MPI_Test");
        Abort = (delegate* unmanaged<H, int, int>)Sym("MPI_Abort");
    }

    public ICollectiveBackend World() => MpiBackend<H>.World(this);

    /// <summary>MPI's text for an error code.</summary>
    internal string Describe(int code)
    {
        var buf = stackalloc byte[1024];
        int len = 0;
        if (ErrorString(code, buf, &len) != MpiLibrary.Success) return $"MPI error {code}";
        return $"{Marshal.PtrToStringUTF8((nint)buf, len)} (MPI error {code})";
    }
}

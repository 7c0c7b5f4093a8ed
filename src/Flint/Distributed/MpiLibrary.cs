using System.Runtime.InteropServices;

namespace Flint.Distributed;

/// <summary>
/// The system's MPI library, found when a process group is first made: its C API through function pointers
/// (NativeLibrary.GetExport, so nothing here needs reflection or generated marshalling code) and Open MPI's
/// predefined handles, which are the addresses of exported objects (ompi_mpi_comm_world, ompi_mpi_float, ...).
/// MPICH keeps its handles as integer constants; it is recognized and refused with a clear message.
/// </summary>
internal sealed unsafe class MpiLibrary
{
    /// <summary>Where the library is looked for, in order (FLINT_MPI_LIBRARY first when it is set).</summary>
    internal static readonly string[] Candidates = ["libmpi.so.40", "libmpi.so", "libmpi.so.12", "libmpich.so.12", "libmpi.dylib", "libmpi.40.dylib", "msmpi.dll"];

    private static MpiLibrary? s_loaded;
    private static readonly object s_gate = new();

    internal const int ThreadSerialized = 2, AnySource = -1, Success = 0;

    internal readonly string Path;
    internal readonly nint CommWorld, CommNull, ErrorsReturn, RequestNull, InPlace = 1;
    internal readonly nint Byte, UInt8, Int8, Int16, Int32, Int64, Float, Double;
    internal readonly nint OpSum, OpProd, OpMin, OpMax, OpBand, OpBor, OpBxor, OpLand, OpLor, OpLxor;

    internal readonly delegate* unmanaged<int*, int> Initialized, Finalized;
    internal readonly delegate* unmanaged<int*, nint, int, int*, int> InitThread;
    internal readonly delegate* unmanaged<int> Finalize;
    internal readonly delegate* unmanaged<nint, int*, int> CommRank, CommSize;
    internal readonly delegate* unmanaged<nint, nint, int> CommSetErrhandler;
    internal readonly delegate* unmanaged<int, byte*, int*, int> ErrorString;
    internal readonly delegate* unmanaged<nint, nint*, int> CommGroup;
    internal readonly delegate* unmanaged<nint, int, int*, nint*, int> GroupIncl;
    internal readonly delegate* unmanaged<nint, nint, nint*, int> CommCreate;
    internal readonly delegate* unmanaged<nint*, int> GroupFree, CommFree;
    internal readonly delegate* unmanaged<nint, nint, int, nint, nint, nint, nint*, int> Iallreduce;
    internal readonly delegate* unmanaged<nint, int, nint, int, nint, nint*, int> Ibcast;
    internal readonly delegate* unmanaged<nint, nint, int, nint, nint, int, nint, nint*, int> Ireduce;
    internal readonly delegate* unmanaged<nint, int, nint, nint, int, nint, nint, nint*, int> Iallgather, Ialltoall;
    internal readonly delegate* unmanaged<nint, nint, int, nint, nint, nint, nint*, int> IreduceScatterBlock;
    internal readonly delegate* unmanaged<nint, int, nint, nint, int, nint, int, nint, nint*, int> Igather, Iscatter;
    internal readonly delegate* unmanaged<nint, int*, int*, nint, nint, int*, int*, nint, nint, nint*, int> Ialltoallv;
    internal readonly delegate* unmanaged<nint, int, nint, int, int, nint, nint*, int> Isend, Irecv;
    internal readonly delegate* unmanaged<nint, nint*, int> Ibarrier;
    internal readonly delegate* unmanaged<nint*, int*, byte*, int> Test;
    internal readonly delegate* unmanaged<nint*, int> Cancel;
    internal readonly delegate* unmanaged<nint, int, int> Abort;

    /// <summary>The loaded library (loads it on first use; the failure message names what was looked for).</summary>
    internal static MpiLibrary Get()
    {
        lock (s_gate) return s_loaded ??= Load();
    }

    /// <summary>True when an MPI library can be loaded (without initializing MPI).</summary>
    internal static bool IsAvailable()
    {
        try { Get(); return true; }
        catch (DllNotFoundException) { return false; }
        catch (NotSupportedException) { return false; }
    }

    private static MpiLibrary Load()
    {
        var names = new List<string>();
        if (System.Environment.GetEnvironmentVariable("FLINT_MPI_LIBRARY") is { Length: > 0 } env) names.Add(env);
        names.AddRange(Candidates);
        return Load(names);
    }

    /// <summary>The first of <paramref name="names"/> that loads and is Open MPI.</summary>
    internal static MpiLibrary Load(IReadOnlyList<string> names)
    {
        foreach (var name in names)
        {
            if (!NativeLibrary.TryLoad(name, out var handle)) continue;
            if (NativeLibrary.TryGetExport(handle, "ompi_mpi_comm_world", out _)) return new MpiLibrary(name, handle);
            if (NativeLibrary.TryGetExport(handle, "MPI_Init", out _))
                throw new NotSupportedException(
                    $"The MPI library {name} is not Open MPI (MPICH and its derivatives keep their handles as integer constants, which Flint does not " +
                    "read yet). Install Open MPI (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev; Fedora: dnf install openmpi; macOS: brew install open-mpi) " +
                    "or point FLINT_MPI_LIBRARY at its libmpi.");
        }
        throw new DllNotFoundException(
            $"torch.distributed's MPI backend needs an MPI library, and none was found (looked for {string.Join(", ", names)} on the library search path). " +
            "Install Open MPI (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev; Fedora: dnf install openmpi; macOS: brew install open-mpi), " +
            "or set FLINT_MPI_LIBRARY to the path of libmpi, and start the program with mpirun.");
    }

    private MpiLibrary(string path, nint h)
    {
        Path = path;
        nint Sym(string name) => NativeLibrary.GetExport(h, name);
        CommWorld = Sym("ompi_mpi_comm_world"); CommNull = Sym("ompi_mpi_comm_null");
        ErrorsReturn = Sym("ompi_mpi_errors_return"); RequestNull = Sym("ompi_request_null");
        Byte = Sym("ompi_mpi_byte"); UInt8 = Sym("ompi_mpi_uint8_t"); Int8 = Sym("ompi_mpi_int8_t");
        Int16 = Sym("ompi_mpi_int16_t"); Int32 = Sym("ompi_mpi_int32_t"); Int64 = Sym("ompi_mpi_int64_t");
        Float = Sym("ompi_mpi_float"); Double = Sym("ompi_mpi_double");
        OpSum = Sym("ompi_mpi_op_sum"); OpProd = Sym("ompi_mpi_op_prod"); OpMin = Sym("ompi_mpi_op_min"); OpMax = Sym("ompi_mpi_op_max");
        OpBand = Sym("ompi_mpi_op_band"); OpBor = Sym("ompi_mpi_op_bor"); OpBxor = Sym("ompi_mpi_op_bxor");
        OpLand = Sym("ompi_mpi_op_land"); OpLor = Sym("ompi_mpi_op_lor"); OpLxor = Sym("ompi_mpi_op_lxor");

        Initialized = (delegate* unmanaged<int*, int>)Sym("MPI_Initialized");
        Finalized = (delegate* unmanaged<int*, int>)Sym("MPI_Finalized");
        InitThread = (delegate* unmanaged<int*, nint, int, int*, int>)Sym("MPI_Init_thread");
        Finalize = (delegate* unmanaged<int>)Sym("MPI_Finalize");
        CommRank = (delegate* unmanaged<nint, int*, int>)Sym("MPI_Comm_rank");
        CommSize = (delegate* unmanaged<nint, int*, int>)Sym("MPI_Comm_size");
        CommSetErrhandler = (delegate* unmanaged<nint, nint, int>)Sym("MPI_Comm_set_errhandler");
        ErrorString = (delegate* unmanaged<int, byte*, int*, int>)Sym("MPI_Error_string");
        CommGroup = (delegate* unmanaged<nint, nint*, int>)Sym("MPI_Comm_group");
        GroupIncl = (delegate* unmanaged<nint, int, int*, nint*, int>)Sym("MPI_Group_incl");
        CommCreate = (delegate* unmanaged<nint, nint, nint*, int>)Sym("MPI_Comm_create");
        GroupFree = (delegate* unmanaged<nint*, int>)Sym("MPI_Group_free");
        CommFree = (delegate* unmanaged<nint*, int>)Sym("MPI_Comm_free");
        Iallreduce = (delegate* unmanaged<nint, nint, int, nint, nint, nint, nint*, int>)Sym("MPI_Iallreduce");
        Ibcast = (delegate* unmanaged<nint, int, nint, int, nint, nint*, int>)Sym("MPI_Ibcast");
        Ireduce = (delegate* unmanaged<nint, nint, int, nint, nint, int, nint, nint*, int>)Sym("MPI_Ireduce");
        Iallgather = (delegate* unmanaged<nint, int, nint, nint, int, nint, nint, nint*, int>)Sym("MPI_Iallgather");
        Ialltoall = (delegate* unmanaged<nint, int, nint, nint, int, nint, nint, nint*, int>)Sym("MPI_Ialltoall");
        IreduceScatterBlock = (delegate* unmanaged<nint, nint, int, nint, nint, nint, nint*, int>)Sym("MPI_Ireduce_scatter_block");
        Igather = (delegate* unmanaged<nint, int, nint, nint, int, nint, int, nint, nint*, int>)Sym("MPI_Igather");
        Iscatter = (delegate* unmanaged<nint, int, nint, nint, int, nint, int, nint, nint*, int>)Sym("MPI_Iscatter");
        Ialltoallv = (delegate* unmanaged<nint, int*, int*, nint, nint, int*, int*, nint, nint, nint*, int>)Sym("MPI_Ialltoallv");
        Isend = (delegate* unmanaged<nint, int, nint, int, int, nint, nint*, int>)Sym("MPI_Isend");
        Irecv = (delegate* unmanaged<nint, int, nint, int, int, nint, nint*, int>)Sym("MPI_Irecv");
        Ibarrier = (delegate* unmanaged<nint, nint*, int>)Sym("MPI_Ibarrier");
        Test = (delegate* unmanaged<nint*, int*, byte*, int>)Sym("MPI_Test");
        Cancel = (delegate* unmanaged<nint*, int>)Sym("MPI_Cancel");
        Abort = (delegate* unmanaged<nint, int, int>)Sym("MPI_Abort");
    }

    /// <summary>MPI's text for an error code.</summary>
    internal string Describe(int code)
    {
        var buf = stackalloc byte[1024];
        int len = 0;
        if (ErrorString(code, buf, &len) != Success) return $"MPI error {code}";
        return $"{Marshal.PtrToStringUTF8((nint)buf, len)} (MPI error {code})";
    }

    /// <summary>Open MPI's MPI_Status: MPI_SOURCE, MPI_TAG, MPI_ERROR, _cancelled, then a size_t count.</summary>
    internal const int StatusBytes = 32, StatusSourceOffset = 0;
}

using System.Runtime.InteropServices;

namespace Flint.Distributed;

/// <summary>
/// The two MPI ABIs Flint reads. Open MPI: handles are pointers to exported objects (MPI_COMM_WORLD is
/// &amp;ompi_mpi_comm_world), MPI_IN_PLACE is 1, MPI_ANY_SOURCE -1, MPI_Status is {MPI_SOURCE, MPI_TAG, MPI_ERROR,
/// _cancelled, size_t _ucount}. MPICH: handles are ints with the values of its mpi.h, MPI_IN_PLACE is -1,
/// MPI_ANY_SOURCE -2, MPI_Status is {count_lo, count_hi_and_cancelled, MPI_SOURCE, MPI_TAG, MPI_ERROR}.
/// </summary>
internal static class MpiAbi
{
    internal static MpiLibrary<nint> OpenMpi(string path, nint lib)
    {
        nint S(string name) => NativeLibrary.GetExport(lib, name);
        return new MpiLibrary<nint>(path, "Open MPI", lib)
        {
            CommWorld = S("ompi_mpi_comm_world"), CommNull = S("ompi_mpi_comm_null"), ErrorsReturn = S("ompi_mpi_errors_return"), RequestNull = S("ompi_request_null"),
            UInt8 = S("ompi_mpi_uint8_t"), Int8 = S("ompi_mpi_int8_t"), Int16 = S("ompi_mpi_int16_t"), Int32 = S("ompi_mpi_int32_t"),
            Int64 = S("ompi_mpi_int64_t"), Float = S("ompi_mpi_float"), Double = S("ompi_mpi_double"),
            OpSum = S("ompi_mpi_op_sum"), OpProd = S("ompi_mpi_op_prod"), OpMin = S("ompi_mpi_op_min"), OpMax = S("ompi_mpi_op_max"),
            OpBand = S("ompi_mpi_op_band"), OpBor = S("ompi_mpi_op_bor"), OpBxor = S("ompi_mpi_op_bxor"),
            OpLand = S("ompi_mpi_op_land"), OpLor = S("ompi_mpi_op_lor"), OpLxor = S("ompi_mpi_op_lxor"),
            InPlace = 1, AnySource = -1, StatusBytes = 24, StatusSourceOffset = 0,
        };
    }

    /// <summary>MPICH's mpi.h values of the handles Flint uses (MPICH 3 and 4 share them).</summary>
    internal static readonly IReadOnlyDictionary<string, int> MpichHandles = new Dictionary<string, int>
    {
        ["MPI_COMM_WORLD"] = 0x44000000, ["MPI_COMM_NULL"] = 0x04000000, ["MPI_ERRORS_RETURN"] = 0x54000001, ["MPI_REQUEST_NULL"] = 0x2c000000,
        ["MPI_UINT8_T"] = 0x4c00013b, ["MPI_INT8_T"] = 0x4c000137, ["MPI_INT16_T"] = 0x4c000238, ["MPI_INT32_T"] = 0x4c000439,
        ["MPI_INT64_T"] = 0x4c00083a, ["MPI_FLOAT"] = 0x4c00040a, ["MPI_DOUBLE"] = 0x4c00080b,
        ["MPI_MAX"] = 0x58000001, ["MPI_MIN"] = 0x58000002, ["MPI_SUM"] = 0x58000003, ["MPI_PROD"] = 0x58000004,
        ["MPI_LAND"] = 0x58000005, ["MPI_BAND"] = 0x58000006, ["MPI_LOR"] = 0x58000007, ["MPI_BOR"] = 0x58000008,
        ["MPI_LXOR"] = 0x58000009, ["MPI_BXOR"] = 0x5800000a,
    };

    /// <summary>MPICH's other constants: MPI_IN_PLACE, MPI_ANY_SOURCE, sizeof(MPI_Status), offsetof(MPI_Status, MPI_SOURCE).</summary>
    internal const int MpichInPlace = -1, MpichAnySource = -2, MpichStatusBytes = 20, MpichStatusSourceOffset = 8;

    internal static MpiLibrary<int> Mpich(string path, nint lib)
    {
        var k = MpichHandles;
        return new MpiLibrary<int>(path, "MPICH", lib)
        {
            CommWorld = k["MPI_COMM_WORLD"], CommNull = k["MPI_COMM_NULL"], ErrorsReturn = k["MPI_ERRORS_RETURN"], RequestNull = k["MPI_REQUEST_NULL"],
            UInt8 = k["MPI_UINT8_T"], Int8 = k["MPI_INT8_T"], Int16 = k["MPI_INT16_T"], Int32 = k["MPI_INT32_T"],
            Int64 = k["MPI_INT64_T"], Float = k["MPI_FLOAT"], Double = k["MPI_DOUBLE"],
            OpSum = k["MPI_SUM"], OpProd = k["MPI_PROD"], OpMin = k["MPI_MIN"], OpMax = k["MPI_MAX"],
            OpBand = k["MPI_BAND"], OpBor = k["MPI_BOR"], OpBxor = k["MPI_BXOR"],
            OpLand = k["MPI_LAND"], OpLor = k["MPI_LOR"], OpLxor = k["MPI_LXOR"],
            InPlace = MpichInPlace, AnySource = MpichAnySource, StatusBytes = MpichStatusBytes, StatusSourceOffset = MpichStatusSourceOffset,
        };
    }
}

using Flint.Distributed;
using Flint.Tests.Support;
using Xunit;

namespace Flint.Tests.Distributed;

/// <summary>
/// The binding's MPICH ABI: its handle table against the values of MPICH's mpi.h (recorded by
/// tools/refs/gen_distributed.py from the package's headers), and how a loaded library is told apart.
/// </summary>
public class MpiAbiTests
{
    [Fact]
    public void MpichHandlesAreThoseOfMpichsHeader()
    {
        var recorded = Reference.Cases("distributed").Where(c => c.GetProperty("kind").GetString() == "mpich_handle")
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("value").GetInt32());
        Assert.NotEmpty(recorded);
        Assert.Equal(recorded.OrderBy(p => p.Key), MpiAbi.MpichHandles.OrderBy(p => p.Key));
    }

    [Fact]
    public void MpichsStatusAndSpecialValuesAreItsOwn()
    {
        // typedef struct MPI_Status { int count_lo; int count_hi_and_cancelled; int MPI_SOURCE; int MPI_TAG; int MPI_ERROR; }
        Assert.Equal((20, 8), (MpiAbi.MpichStatusBytes, MpiAbi.MpichStatusSourceOffset));
        // #define MPI_IN_PLACE (void *) -1, #define MPI_ANY_SOURCE (-2)
        Assert.Equal((-1, -2), (MpiAbi.MpichInPlace, MpiAbi.MpichAnySource));
    }

    [Fact]
    public void MpichsLauncherPutsMpichFirst()
    {
        var order = MpiLibrary.SearchOrder(mpichLauncher: true, given: null);
        Assert.Equal(MpiLibrary.MpichNames, order.Take(MpiLibrary.MpichNames.Length));
        var plain = MpiLibrary.SearchOrder(mpichLauncher: false, given: "/opt/mpi/libmpi.so");
        Assert.Equal(["/opt/mpi/libmpi.so", .. MpiLibrary.OpenMpiNames], plain.Take(1 + MpiLibrary.OpenMpiNames.Length));
        Assert.Equal(plain.Count, plain.Distinct().Count());
    }

    [Fact]
    public void ALibraryThatIsNeitherAbiIsRefusedByName()
    {
        // libc exports no MPI symbol at all: it is skipped, and the error names what was looked for
        var e = Assert.Throws<DllNotFoundException>(() => MpiLibrary.Load(["libc.so.6"]));
        Assert.Contains("looked for libc.so.6", e.Message);
        Assert.Contains("apt-get install mpich", e.Message);
    }
}

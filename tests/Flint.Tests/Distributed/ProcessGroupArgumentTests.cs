using Flint.Distributed;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;

namespace Flint.Tests.Distributed;

/// <summary>
/// torch.distributed without a process group (no MPI needed): PyTorch's errors for an uninitialized group and unknown
/// backends, and the message that names the libraries looked for when no MPI library is installed. The collectives
/// themselves run with real processes under mpirun (tests/Flint.Distributed.Tests/run.sh).
/// </summary>
public class ProcessGroupArgumentTests
{
    private static readonly string Uninitialized = Reference.CasesByName("distributed")["get_rank"].GetProperty("error").GetString()!;

    [Fact]
    public void EverythingNeedsTheDefaultGroup()
    {
        Assert.False(distributed.is_initialized());
        Assert.True(distributed.is_available());
        var t = zeros(2);
        foreach (var call in new Action[]
        {
            () => distributed.get_rank(), () => distributed.get_world_size(), () => distributed.barrier(),
            () => distributed.all_reduce(t), () => distributed.broadcast(t, 0), () => distributed.all_gather([t], t),
            () => distributed.send(t, 1), () => distributed.new_group([0]), () => distributed.destroy_process_group(),
            () => distributed.broadcast_object_list(new object?[1]),
        })
            Assert.Equal(Uninitialized, Assert.Throws<InvalidOperationException>(call).Message);
    }

    [Fact]
    public void UnknownAndMissingBackendsAreNamed()
    {
        Assert.Equal("Invalid backend: 'foo'", Assert.Throws<ArgumentException>(() => distributed.init_process_group("foo")).Message);
        Assert.Equal("Distributed package doesn't have NCCL built in", Assert.Throws<InvalidOperationException>(() => distributed.init_process_group("nccl")).Message);
        Assert.Equal("Distributed package doesn't have GLOO built in", Assert.Throws<InvalidOperationException>(() => distributed.init_process_group("gloo")).Message);
        Assert.False(distributed.is_initialized());
    }

    [Fact]
    public void ArgumentsAreCheckedBeforeMpiStarts()
    {
        Assert.Throws<ArgumentException>(() => distributed.init_process_group("mpi", init_method: "tcp://127.0.0.1:23456"));
        Assert.Throws<ArgumentException>(() => distributed.init_process_group("mpi", world_size: 2, rank: 2));
        Assert.Throws<ArgumentException>(() => distributed.init_process_group("mpi", timeout: TimeSpan.Zero));
        Assert.False(distributed.is_initialized());
    }

    [Fact]
    public void MissingMpiLibraryNamesWhatWasLookedForAndHowToInstallOne()
    {
        var e = Assert.Throws<DllNotFoundException>(() => MpiLibrary.Load(["libflint-no-such-mpi.so.40", "libc.so.6"]));
        Assert.Contains("looked for libflint-no-such-mpi.so.40, libc.so.6", e.Message);
        Assert.Contains("apt-get install openmpi-bin libopenmpi-dev", e.Message);
        Assert.Contains("FLINT_MPI_LIBRARY", e.Message);
    }

    [Fact]
    public void ReduceOpHasPyTorchsMembers()
    {
        Assert.Equal(["SUM", "AVG", "PRODUCT", "MIN", "MAX", "BAND", "BOR", "BXOR"], Enum.GetNames<distributed.ReduceOp>());
    }
}

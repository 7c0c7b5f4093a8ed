using Flint.Distributed;
using Xunit;

namespace Flint.Tests.Distributed;

/// <summary>The Open MPI settings Flint makes before MPI_Init: ring all-reduce for 2 and 3 ranks, never over a user's choice.</summary>
public class OpenMpiTuningTests
{
    private static Func<string, string?> Env(params (string name, string value)[] set) =>
        name => set.FirstOrDefault(v => v.name == name).value;

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void SmallJobsAllReduceOverTheRing(int ranks) =>
        Assert.Equal([(OpenMpiTuning.IallreduceAlgorithm, "1")], OpenMpiTuning.For(ranks, Env()));

    [Theory]
    [InlineData(null)]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(16)]
    public void OtherJobsKeepOpenMpisChoice(int? ranks) => Assert.Empty(OpenMpiTuning.For(ranks, Env()));

    [Fact]
    public void AUsersSettingWins() =>
        Assert.Empty(OpenMpiTuning.For(2, Env((OpenMpiTuning.IallreduceAlgorithm, "2"))));
}

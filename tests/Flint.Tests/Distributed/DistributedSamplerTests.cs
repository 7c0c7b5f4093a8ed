using System.Text.Json;
using Flint.Data;
using Flint.Tests.Nn;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;

namespace Flint.Tests.Distributed;

/// <summary>
/// DistributedSampler gives each rank PyTorch's exact indices (recorded by tools/refs/gen_distributed.py with
/// PyTorch's own sampler for several lengths, world sizes, seeds, epochs, shuffle and drop_last), with PyTorch's
/// argument errors; a DataLoader over it batches this rank's indices in the sampler's order.
/// </summary>
public class DistributedSamplerTests
{
    private static readonly IReadOnlyDictionary<string, JsonElement> Records = Reference.CasesByName("distributed");

    public static TheoryData<string> SamplerCases()
    {
        var d = new TheoryData<string>();
        foreach (var (name, c) in Records) if (c.GetProperty("kind").GetString() == "sampler") d.Add(name);
        return d;
    }

    [Theory]
    [MemberData(nameof(SamplerCases))]
    public void IndicesMatchPyTorchForEveryRank(string name)
    {
        var c = Records[name];
        long n = c.GetProperty("n").GetInt64();
        int replicas = c.GetProperty("num_replicas").GetInt32();
        var epochs = NnRecords.Longs(c.GetProperty("epochs"));
        var perRank = c.GetProperty("indices").EnumerateArray().ToArray();
        for (int rank = 0; rank < replicas; rank++)
        {
            var s = new DistributedSampler(n, replicas, rank, c.GetProperty("shuffle").GetBoolean(), c.GetProperty("seed").GetInt64(), c.GetProperty("drop_last").GetBoolean());
            Assert.Equal(c.GetProperty("len").GetInt64(), s.__len__());
            var expected = perRank[rank].EnumerateArray().ToArray();
            for (int e = 0; e < epochs.Length; e++)
            {
                s.set_epoch(epochs[e]);
                Assert.Equal(NnRecords.Longs(expected[e]), s.ToArray());
            }
        }
    }

    [Theory]
    [InlineData("rank2_of2")]
    [InlineData("rank-1_of2")]
    [InlineData("rank5_of3")]
    public void InvalidRankFailsWithPyTorchsMessage(string name)
    {
        var c = Records[name];
        var e = Assert.Throws<ArgumentException>(() => new DistributedSampler(c.GetProperty("n").GetInt64(), c.GetProperty("num_replicas").GetInt32(), c.GetProperty("rank").GetInt32()));
        Assert.Equal(c.GetProperty("error").GetString(), e.Message);
    }

    [Fact]
    public void DefaultReplicasNeedAProcessGroup()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new DistributedSampler(4));
        Assert.Equal(Records["sampler_default_replicas"].GetProperty("error").GetString(), e.Message);
    }

    [Fact]
    public void DataLoaderBatchesTheRanksIndicesInSamplerOrder()
    {
        var ds = new TensorDataset(arange(11) * 10, arange(11));
        var s = new DistributedSampler(ds, num_replicas: 3, rank: 1, shuffle: true, seed: 5);
        using var dl = new DataLoader(ds, batch_size: 2, sampler: s);
        Assert.Equal(2, dl.Count); // 4 indices per rank
        foreach (var epoch in new long[] { 0, 1 })
        {
            s.set_epoch(epoch);
            var got = dl.SelectMany(b => b.target.ToArray<long>()).ToArray();
            Assert.Equal(s.Indices(), got);
            Assert.Equal(got.Select(i => i * 10).ToArray(), dl.SelectMany(b => b.input.ToArray<long>()).ToArray());
        }
        var e = Assert.Throws<ArgumentException>(() => new DataLoader(ds, batch_size: 2, shuffle: true, sampler: s));
        Assert.Equal("sampler option is mutually exclusive with shuffle", e.Message);
    }
}

using Flint;
using Flint.Tests.Support;
using Xunit;

namespace Flint.Tests;

/// <summary>The public random API after torch.manual_seed equals PyTorch's values (recorded by tools/refs/gen_random_api.py).</summary>
[Collection("GlobalGenerator")]
public class RandomApiTests
{
    private static readonly Dictionary<string, Func<Tensor[]>> Cases = new()
    {
        ["rand_3x4"] = () => [torch.rand(3, 4)],
        ["rand_f64"] = () => [torch.rand(2, 9, dtype: torch.float64)],
        ["randn_5x3"] = () => [torch.randn(5, 3)],
        ["randn_big"] = () => [torch.randn(4, 10)],
        ["randn_f64_big"] = () => [torch.randn(33, dtype: torch.float64)],
        ["randint"] = () => [torch.randint(0, 10, [5]), torch.randint(-3, 3, [2, 3])],
        ["randint_high_only"] = () => [torch.randint(7, [6])],
        ["randperm"] = () => [torch.randperm(10), torch.randperm(1)],
        ["normal_tensors"] = () => [torch.normal(torch.arange(4.0), torch.ones(4) * 2)],
        ["normal_size"] = () => [torch.normal(2.0, 3.0, [3, 3])],
        ["bernoulli_probs"] = () => [torch.bernoulli(torch.full([2, 5], 0.3))],
        ["multinomial"] = () => [torch.multinomial(torch.tensor(new float[] { 0.1f, 0.2f, 0.7f }), 5, replacement: true),
            torch.multinomial(torch.tensor(new float[,] { { 1, 2, 3, 4 }, { 4, 3, 2, 1 } }), 2)],
        ["inplace"] = () => [torch.empty(3, 3).uniform_(-2, 2), torch.empty(20).normal_(1, 0.5),
            torch.empty([4], dtype: torch.int64).random_(0, 100), torch.empty(5).bernoulli_(0.5), torch.empty(6).exponential_(2.0)],
        ["sequence"] = () => [torch.rand(3), torch.randn(20), torch.randint(0, 5, [4]), torch.rand(2)],
        ["random_split"] = () =>
        [
            .. Flint.Data.data.random_split(new Flint.Data.TensorDataset(torch.arange(10), torch.arange(10)), [0.3, 0.7]).Select(sub => torch.tensor(sub.indices)),
            .. Flint.Data.data.random_split(new Flint.Data.TensorDataset(torch.arange(7), torch.arange(7)), [2, 5]).Select(sub => torch.tensor(sub.indices)),
        ],
        ["like"] = () => [torch.rand_like(torch.zeros(2, 2)), torch.randn_like(torch.zeros([3], dtype: torch.float64))],
    };

    public static TheoryData<string> CaseNames() => Reference.CaseNames("random_api");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void EveryRecordedCaseMatchesPyTorch(string key)
    {
        var c = Reference.Case("random_api", key);
        string name = c.GetProperty("name").GetString()!;
        long seed = c.GetProperty("seed").GetInt64();
        torch.manual_seed(seed);
        var got = Cases[name]();
        var expected = c.GetProperty("out").EnumerateArray().ToArray();
        Assert.Equal(expected.Length, got.Length);
        for (int i = 0; i < got.Length; i++)
            Reference.AssertClose(Reference.Tensor(expected[i]), got[i], $"{name} seed {seed} output {i}", rtol: 0, atol: 0);
    }

    [Fact]
    public void GeneratorsAreIndependentStreams()
    {
        var g = new Generator().manual_seed(3);
        torch.manual_seed(3);
        var a = torch.rand([4], generator: g);
        var b = torch.rand(4);
        Assert.True(torch.equal(a, b));
        torch.manual_seed(3);
        _ = torch.rand([4], generator: new Generator().manual_seed(9));
        Assert.True(torch.equal(torch.rand(4), b));
    }
}

using Flint;
using Xunit;

namespace Flint.Tests.Indexing;

/// <summary>The C# surface of indexing: Range/Index/params syntax, views versus copies, assignment.</summary>
public class IndexerSyntaxTests
{
    private static Tensor X() => torch.arange(24).reshape(2, 3, 4);

    private static long[] Shape(Tensor t) => t.shape.ToArray();

    [Fact]
    public void RangesIndicesAndFullSlices()
    {
        var x = X();
        Assert.Equal(new long[] { 3, 2 }, Shape(x[0, .., 1..3]));
        Assert.Equal(new long[] { 5, 6 }, x[0, 1, 1..3].ToArray<long>());
        Assert.Equal(23L, x[^1, ^1, ^1].item<long>());
        Assert.Equal(new long[] { 2, 3, 2 }, Shape(x[.., .., ^2..]));
        Assert.Equal(new long[] { 20, 21, 22 }, x[1, 2, ..^1].ToArray<long>());
        Assert.Equal(new long[] { 2, 3, 0 }, Shape(x[.., .., ^0..]));
        Assert.Equal(new long[] { 2, 3 }, Shape(x[TensorIndex.Ellipsis, 0]));
        Assert.Equal(new long[] { 1, 2, 3, 4 }, Shape(x[TensorIndex.None]));
        Assert.Equal(new long[] { 2, 1, 4 }, Shape(x[.., TensorIndex.None, 1]));
        Assert.Equal(new long[] { 1, 3, 5, 7, 9, 11 }, x[0, .., TensorIndex.Slice(1, null, 2)].reshape(-1).ToArray<long>());
        Assert.Equal(12L, x[-1, 0, 0].item<long>());
        Assert.Equal(new long[] { 2, 3, 4 }, Shape(x[TensorIndex.Colon]));
    }

    [Fact]
    public void BasicIndexingIsAViewThatWritesThrough()
    {
        var x = X();
        var row = x[1, .., 1..3];
        row.fill_(-1);
        Assert.Equal(-1L, x[1, 2, 2].item<long>());
        Assert.Equal(14L, x[1, 0, 0].item<long>() + 2);
        var e = x[TensorIndex.Ellipsis];
        Assert.False(ReferenceEquals(e, x));
        Assert.True(ReferenceEquals(e.untyped_storage(), x.untyped_storage()));
    }

    [Fact]
    public void AdvancedIndexingCopies()
    {
        var x = X();
        var picked = x[torch.tensor(new long[] { 0, 1 })];
        picked.fill_(100);
        Assert.Equal(0L, x[0, 0, 0].item<long>());
        var masked = x[x > 10];
        Assert.Equal(13, masked.numel());
        masked.fill_(0);
        Assert.Equal(23L, x[1, 2, 3].item<long>());
    }

    [Fact]
    public void AssignmentWritesIntoTheOriginal()
    {
        var x = torch.arange(6.0).reshape(2, 3);
        x[x > 2] = torch.tensor(0);
        Assert.Equal(new double[] { 0, 1, 2, 0, 0, 0 }, x.@double().ToArray<double>());
        x[0] = torch.tensor(new float[] { 7, 8, 9 });
        Assert.Equal(new double[] { 7, 8, 9, 0, 0, 0 }, x.@double().ToArray<double>());
        x[.., 1..] = torch.tensor(-1.0);
        Assert.Equal(new double[] { 7, -1, -1, 0, -1, -1 }, x.@double().ToArray<double>());
        x[torch.tensor(new long[] { 1 }), torch.tensor(new long[] { 0 })] = torch.tensor(5);
        Assert.Equal(5.0, x[1, 0].item<double>());
        x.masked_fill_(x < 0, 3);
        Assert.Equal(new double[] { 7, 3, 3, 5, 3, 3 }, x.@double().ToArray<double>());
        x.index_put_([torch.tensor(new long[] { 0, 0 })], torch.tensor(new float[] { 1, 1, 1 }), accumulate: true);
        Assert.Equal(new double[] { 9, 5, 5, 5, 3, 3 }, x.@double().ToArray<double>());
        x.index_put_([torch.tensor(new long[] { 1 })], 0);
        Assert.Equal(new double[] { 9, 5, 5, 0, 0, 0 }, x.@double().ToArray<double>());
    }

    [Fact]
    public void AssignmentThroughAViewBumpsTheSharedVersion()
    {
        var x = torch.zeros(3);
        long v = x._version_count;
        x[1] = torch.tensor(2.0);
        Assert.True(x._version_count > v);
        Assert.Equal(new float[] { 0, 2, 0 }, x.ToArray<float>());
    }

    [Fact]
    public void ErrorsHavePyTorchTexts()
    {
        var x = torch.zeros(2, 3);
        Assert.Equal("index 5 is out of bounds for dimension 1 with size 3", Assert.Throws<IndexOutOfRangeException>(() => x[0, 5]).Message);
        Assert.Equal("index -3 is out of bounds for dimension 0 with size 2", Assert.Throws<IndexOutOfRangeException>(() => x[^3]).Message);
        Assert.Equal("index 3 is out of bounds for dimension 1 with size 3", Assert.Throws<IndexOutOfRangeException>(() => x[.., ^0]).Message);
        Assert.Equal("too many indices for tensor of dimension 2", Assert.Throws<IndexOutOfRangeException>(() => x[0, 0, 0]).Message);
        Assert.Equal("step must be greater than zero", Assert.Throws<ArgumentException>(() => x[TensorIndex.Slice(null, null, -1)]).Message);
        Assert.Equal("slice step cannot be zero", Assert.Throws<ArgumentException>(() => x[TensorIndex.Slice(null, null, 0)]).Message);
        Assert.Equal("The shape of the mask [3] at index 0 does not match the shape of the indexed tensor [2, 3] at index 0",
            Assert.Throws<IndexOutOfRangeException>(() => x[torch.tensor(new[] { true, false, true })]).Message);
        Assert.Equal("tensors used as indices must be long, byte or bool tensors",
            Assert.Throws<IndexOutOfRangeException>(() => x[torch.tensor(new[] { 1.0 })]).Message);
        Assert.Equal("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number",
            Assert.Throws<IndexOutOfRangeException>(() => torch.tensor(1.0)[0]).Message);
        // nothing was written when an assignment fails
        var y = torch.zeros(3);
        Assert.Throws<IndexOutOfRangeException>(() => y[torch.tensor(new long[] { 0, 7 })] = torch.tensor(1.0));
        Assert.Equal(new float[] { 0, 0, 0 }, y.ToArray<float>());
    }

    [Fact]
    public void JoinAndFlipHaveTensorMethods()
    {
        var a = torch.arange(4).reshape(2, 2);
        Assert.Equal(new long[] { 4, 2 }, Shape(torch.cat([a, a])));
        Assert.Equal(new long[] { 2, 2, 2 }, Shape(torch.stack([a, a], dim: 2)));
        Assert.Equal(new long[] { 3, 2, 1, 0 }, a.flip(0, 1).reshape(-1).ToArray<long>());
        Assert.Equal(new long[] { 3, 0, 1, 2 }, torch.roll(torch.arange(4), 1).ToArray<long>());
        Assert.Equal(new long[] { 0, 1, 0, 1 }, torch.arange(2).repeat(2).ToArray<long>());
        var t = torch.nonzero(torch.tensor(new[] { 0, 3, 0, 4 }), as_tuple: true);
        Assert.Single(t);
        Assert.Equal(new long[] { 1, 3 }, t[0].ToArray<long>());
    }

    [Fact]
    public void OutArgumentsAreResizedAndDtypeChecked()
    {
        var x = torch.arange(6.0).reshape(2, 3);
        var o = torch.empty(0);
        var r = torch.index_select(x, 1, torch.tensor(new long[] { 2, 0 }), @out: o);
        Assert.True(ReferenceEquals(r, o));
        Assert.Equal(new float[] { 2, 0, 5, 3 }, o.ToArray<float>());
        torch.gather(x, 1, torch.tensor(new long[,] { { 1 }, { 2 } }), @out: o);
        Assert.Equal(new float[] { 1, 5 }, o.ToArray<float>());
        Assert.Equal("Expected out tensor to have dtype float, but got long int instead", Assert.Throws<ArgumentException>(() => torch.tril(x, @out: torch.empty(new long[] { 0 }, dtype: torch.int64))).Message);
        Assert.Equal("index_select(): self and result must have the same scalar type",
            Assert.Throws<ArgumentException>(() => torch.index_select(x, 0, torch.tensor(new long[] { 0 }), @out: torch.empty(new long[] { 0 }, dtype: torch.float64))).Message);
    }
}

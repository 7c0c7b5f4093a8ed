using Flint;
using Xunit;

namespace Flint.Tests.Reductions;

/// <summary>The C# surface: overloads, deconstruction, printing, in-place scans, larger inputs.</summary>
public class ReductionApiTests
{
    [Fact]
    public void MaxWithDimDeconstructs()
    {
        var x = torch.tensor(new float[,] { { 1, 5, 2 }, { 7, 0, 7 } });
        var (values, indices) = x.max(1);
        Assert.Equal(new float[] { 5, 7 }, values.ToArray<float>());
        Assert.Equal(new long[] { 1, 0 }, indices.ToArray<long>());
        var r = torch.min(x, dim: 0, keepdim: true);
        Assert.Equal(new long[] { 1, 3 }, r.values.shape.ToArray());
        Assert.StartsWith("torch.return_types.min(\nvalues=tensor(", r.ToString());
    }

    [Fact]
    public void OverloadsResolve()
    {
        var x = torch.arange(6).reshape(2, 3);
        Assert.Equal(15L, x.sum().item<long>());
        Assert.Equal(new long[] { 3, 12 }, x.sum(dim: 1).ToArray<long>());
        Assert.Equal(new long[] { 2, 1 }, x.sum(1, keepdim: true).shape.ToArray());
        Assert.Equal(15L, x.sum(new long[] { 0, 1 }).item<long>());
        Assert.Equal(torch.float64, x.sum(dtype: torch.float64).dtype);
        Assert.Equal(2.5, x.mean(dtype: torch.float64).item<double>());
        Assert.Equal(5L, x.amax().item<long>());
        Assert.Equal(5L, x.argmax().item<long>());
        var u = torch.unique(torch.tensor(new long[] { 3, 1, 3 }));
        Assert.Equal(new long[] { 1, 3 }, u.ToArray<long>());
        var (o, inv, counts) = torch.unique(torch.tensor(new long[] { 3, 1, 3 }), sorted: true, return_inverse: true, return_counts: true);
        Assert.Equal(new long[] { 1, 0, 1 }, inv!.ToArray<long>());
        Assert.Equal(new long[] { 1, 2 }, counts!.ToArray<long>());
        Assert.Equal(new long[] { 1, 3 }, o.ToArray<long>());
        var (s, m) = torch.std_mean(torch.tensor(new double[] { 1, 2, 3 }));
        Assert.Equal(1.0, s.item<double>(), 12);
        Assert.Equal(2.0, m.item<double>(), 12);
    }

    [Fact]
    public void InPlaceCumsumWritesBackAndBumpsVersion()
    {
        var x = torch.tensor(new float[] { 1, 2, 3 });
        long v = x._version_count;
        var r = x.cumsum_(0);
        Assert.True(ReferenceEquals(r, x));
        Assert.Equal(new float[] { 1, 3, 6 }, x.ToArray<float>());
        Assert.True(x._version_count > v);
        var ex = Assert.Throws<ArgumentException>(() => torch.tensor(new long[] { 1 }).cumsum_(0, torch.float32));
        Assert.Equal("Bad in-place call: input tensor dtype long int and output tensor dtype float should match", ex.Message);
    }

    [Fact]
    public void LargeInputsAreAccurateAndQuick()
    {
        var x = torch.ones(1000, 1000);
        Assert.Equal(1e6, x.sum().item<double>());
        Assert.Equal(new long[] { 1000 }, x.sum(0).shape.ToArray());
        Assert.All(x.t().sum(1).ToArray<float>(), v => Assert.Equal(1000f, v));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var s = ((99999L - torch.arange(100000))).sort();
        Assert.Equal(0L, s.values.select(0, 0).item<long>());
        Assert.Equal(99999L, s.indices.select(0, 0).item<long>());
        Assert.True(sw.ElapsedMilliseconds < 5000, $"sort took {sw.ElapsedMilliseconds} ms");
    }
}

using Xunit;

namespace Flint.Cuda.Tests;

public class GeometryTests
{
    [Fact]
    public void ContiguousDimsMergeAndSizeOneDimsDrop()
    {
        var (s, st) = Geometry.Plan([2, 1, 3, 4], ([12, 12, 4, 1], 5), ([12, 99, 4, 1], 0));
        Assert.Equal(1, s.Rank);
        Assert.Equal(24, s.S0);
        Assert.Equal(1, st[0].Dense);
        Assert.Equal(5, st[0].Offset);
        var (t, tt) = Geometry.Plan([3, 4], ([1, 3], 0), ([4, 1], 0));   // a transposed operand keeps two dims
        Assert.Equal(2, t.Rank);
        Assert.Equal(0, tt[0].Dense);
        Assert.Equal(1 + 2 * 3, tt[0].At(t, 1 * 4 + 2));
        var (b, bb) = Geometry.Plan([3, 4], ([0, 1], 0), ([4, 1], 0));   // a broadcast row
        Assert.Equal(2, bb[0].At(b, 2 * 4 + 2));
    }

    [Fact]
    public void MoreThanEightUnmergeableDimsAreRefused()
    {
        var shape = Enumerable.Repeat(2L, 9).ToArray();
        var strides = Enumerable.Range(0, 9).Select(i => 1L << (2 * (8 - i))).ToArray(); // gaps everywhere
        var e = Assert.Throws<NotSupportedException>(() => Geometry.Plan(shape, (strides, 0)));
        Assert.Contains("at most 8 dims", e.Message);
    }

    [Fact]
    public void LaunchesAreChunked()
    {
        var c = Geometry.Chunks((1L << 31) + 5).ToArray();
        Assert.Equal([(0L, 1 << 30), (1L << 30, 1 << 30), (1L << 31, 5)], c);
        Assert.Empty(Geometry.Chunks(0));
    }
}

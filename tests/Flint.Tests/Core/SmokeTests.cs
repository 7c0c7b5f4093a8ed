using Flint;
using Xunit;

namespace Flint.Tests.Core;

public class SmokeTests
{
    [Fact]
    public void AddBroadcastsAndPromotes()
    {
        var a = torch.tensor(new int[] { 1, 2, 3 });
        var b = torch.tensor(new double[,] { { 0.5 }, { 1.5 } });
        var c = a + b;
        Assert.Equal(torch.float64, c.dtype);
        Assert.Equal(new long[] { 2, 3 }, c.shape.ToArray());
        Assert.Equal(new double[] { 1.5, 2.5, 3.5, 2.5, 3.5, 4.5 }, c.ToArray<double>());
    }

    [Fact]
    public void IntTensorPlusFloatScalarIsDefaultFloat()
    {
        var c = torch.tensor(new long[] { 1, 2 }) + 1.5;
        Assert.Equal(torch.float32, c.dtype);
        Assert.Equal(new float[] { 2.5f, 3.5f }, c.ToArray<float>());
    }

    [Fact]
    public void InPlaceRefusesToBroadcastSelf()
    {
        var a = torch.ones(3);
        var ex = Assert.Throws<ArgumentException>(() => a.add_(torch.ones(2, 3)));
        Assert.Equal("output with shape [3] doesn't match the broadcast shape [2, 3]", ex.Message);
    }

    [Fact]
    public void FromNumpySharesMemory()
    {
        double[] ones = [1, 1, 1];
        var t = torch.from_numpy(ones);
        t.add_(1);
        Assert.Equal(new double[] { 2, 2, 2 }, ones);
        var view = t.numpy<double>();
        view[1] = 7;
        Assert.Equal(7, ones[1]);
    }
}

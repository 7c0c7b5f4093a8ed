using Flint;
using Xunit;
using SnTensor = System.Numerics.Tensors.Tensor;

namespace Flint.Tests.Bridge;

public class ArrayBridgeTests
{
    [Fact]
    public void FromNumpySharesMemoryBothWays()
    {
        float[] a = [1, 2, 3];
        var t = torch.from_numpy(a);
        Assert.Equal(torch.float32, t.dtype);
        Assert.Equal(new long[] { 3 }, t.shape.ToArray());
        t.mul_(2);
        Assert.Equal(new float[] { 2, 4, 6 }, a);
        a[0] = -1;
        Assert.Equal(-1f, t.select(0, 0).item<float>());
        // borrowed memory cannot be resized by out=
        Assert.Throws<InvalidOperationException>(() => torch.add(torch.ones(2, 2), 1, @out: t));
    }

    [Fact]
    public void FromArrayWithShape()
    {
        long[] a = [0, 1, 2, 3, 4, 5];
        var t = torch.from_array(a, 2, 3);
        Assert.Equal(new long[] { 2, 3 }, t.shape.ToArray());
        Assert.Equal(torch.int64, t.dtype);
        Assert.Equal(5L, t.select(0, 1).select(0, 2).item<long>());
        t.select(0, 1).fill_(9);
        Assert.Equal(new long[] { 0, 1, 2, 9, 9, 9 }, a);
        var scalar = torch.from_array(new double[] { 4.5 });
        Assert.Equal(0, scalar.ndim);
        var ex = Assert.Throws<ArgumentException>(() => torch.from_array(a, 4, 2));
        Assert.Equal("shape '[4, 2]' is invalid for input of size 6", ex.Message);
        foreach (var dt in DType.All)
            Assert.Equal(dt, FromArrayOf(dt).dtype);
    }

    private static Tensor FromArrayOf(DType dt) => dt.scalar_type switch
    {
        ScalarType.UInt8 => torch.from_numpy(new byte[2]), ScalarType.Int8 => torch.from_numpy(new sbyte[2]),
        ScalarType.Int16 => torch.from_numpy(new short[2]), ScalarType.Int32 => torch.from_numpy(new int[2]),
        ScalarType.Int64 => torch.from_numpy(new long[2]), ScalarType.Float16 => torch.from_numpy(new Half[2]),
        ScalarType.Float32 => torch.from_numpy(new float[2]), ScalarType.Float64 => torch.from_numpy(new double[2]),
        ScalarType.Bool => torch.from_numpy(new bool[2]), _ => torch.from_numpy(new BFloat16[2]),
    };

    [Fact]
    public void NumpySharesMemoryForContiguousTensors()
    {
        var t = torch.zeros(2, 3);
        var n = t.numpy<float>();
        Assert.Equal(new nint[] { 2, 3 }, n.Lengths.ToArray());
        n[[1, 2]] = 5;
        Assert.Equal(5f, t.select(0, 1).select(0, 2).item<float>());
        t.add_(1);
        Assert.Equal(6f, n[[1, 2]]);
        Assert.Equal(1f, n[[0, 0]]);
    }

    [Fact]
    public void NumpySharesMemoryForStridedViews()
    {
        var baseT = torch.from_array(Enumerable.Range(0, 24).Select(i => (double)i).ToArray(), 4, 6).clone();
        var views = new Dictionary<string, Tensor>
        {
            ["transposed"] = baseT.t(),
            ["stepped"] = baseT.as_strided([4, 3], [6, 2], 1),
            ["column"] = baseT.select(1, 4),
            ["narrowed"] = baseT.narrow(0, 2, 2).narrow(1, 3, 3),
            ["expanded"] = baseT.select(0, 3).expand(5, 6),
            ["unsqueezed"] = baseT.narrow(0, 3, 1).unsqueeze(-1),
            ["permuted3d"] = baseT.view(2, 3, 4).permute(2, 0, 1),
        };
        foreach (var (name, v) in views)
        {
            var n = v.numpy<double>();
            Assert.True(v.shape.ToArray().SequenceEqual(n.Lengths.ToArray().Select(x => (long)x)), name);
            var flat = new double[n.FlattenedLength];
            n.FlattenTo(flat);
            Assert.Equal(v.ToArray<double>(), flat);
            // a write through the numpy view shows in the tensor
            var idx = v.shape.Select(d => (nint)(d - 1)).ToArray();
            n[idx] = -100;
            Assert.Equal(-100.0, v.ToArray<double>()[^1]);
        }
    }

    [Fact]
    public void NumpyOfZeroDimAndEmptyTensors()
    {
        var s = torch.from_array(new long[] { 1, 2, 3 }, 3).select(0, 2);
        Assert.Equal(0, s.ndim);
        var n = s.numpy<long>();
        Assert.Equal(new nint[] { 1 }, n.Lengths.ToArray());
        n[[0]] = 30;
        Assert.Equal(30L, s.item<long>());
        var e = torch.zeros(0, 3).numpy<float>();
        Assert.Equal(0, e.FlattenedLength);
        Assert.Equal(new nint[] { 0, 3 }, e.Lengths.ToArray());
    }

    [Fact]
    public void NumpyErrors()
    {
        var x = torch.ones(2);
        x.requires_grad = true;
        var ex = Assert.Throws<InvalidOperationException>(() => x.numpy<float>());
        Assert.Equal("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.", ex.Message);
        Assert.Equal(2, x.detach().numpy<float>().FlattenedLength);
        var wrong = Assert.Throws<ArgumentException>(() => torch.ones(2).numpy<double>());
        Assert.Contains("numpy<Double>() does not match the tensor's dtype torch.float32", wrong.Message);
        Assert.Contains("numpy<Single>()", wrong.Message);
        Assert.Throws<ArgumentException>(() => torch.ones([2], dtype: torch.int32).numpy<uint>());
    }

    [Fact]
    public void ToArrayConverts()
    {
        var t = torch.from_array(new double[] { 1.5, -2.7, 3, 0 }, 2, 2).t();
        Assert.Equal(new double[] { 1.5, 3, -2.7, 0 }, t.ToArray<double>());
        Assert.Equal(new long[] { 1, 3, -2, 0 }, t.ToArray<long>());
        Assert.Equal(new bool[] { true, true, true, false }, t.ToArray<bool>());
        Assert.Equal(new float[] { 1.5f, 3, -2.7f, 0 }, t.ToArray<float>());
        Assert.Equal((Half)1.5, t.ToArray<Half>()[0]);
        Assert.Equal(1.5f, (float)t.ToArray<BFloat16>()[0]);
        Assert.Empty(torch.zeros(0, 2).ToArray<int>());
        var copy = t.ToArray<double>();
        copy[0] = 99;
        Assert.Equal(1.5, t.ToArray<double>()[0]);
    }

    [Fact]
    public void ToListNests()
    {
        Assert.Equal(2.5, torch.tensor(2.5).tolist());
        Assert.Equal(7L, torch.tensor(7L).tolist());
        Assert.Equal(true, torch.tensor(true).tolist());
        Assert.Equal(new long[] { 1, 2 }, torch.tensor(new int[] { 1, 2 }).tolist());
        var two = Assert.IsType<object[]>(torch.tensor(new double[,] { { 1, 2 }, { 3, 4 } }).t().tolist());
        Assert.Equal(new double[] { 1, 3 }, two[0]);
        Assert.Equal(new double[] { 2, 4 }, two[1]);
        var three = Assert.IsType<object[]>(torch.zeros([2, 1, 3], dtype: torch.@bool).tolist());
        Assert.Equal(2, three.Length);
        Assert.Equal(new bool[3], Assert.IsType<object[]>(three[1])[0]);
        Assert.Empty(Assert.IsType<double[]>(torch.zeros(0).tolist()));
        Assert.Equal(2, Assert.IsType<object[]>(torch.zeros(2, 0).tolist()).Length);
        Assert.Equal(new double[] { 1.5 }, torch.tensor(new float[] { 1.5f }).to(torch.float16).tolist());
    }

    [Fact]
    public void ItemConverts()
    {
        var f = torch.tensor(2.75);
        Assert.Equal(2.75f, f.item<float>());
        Assert.Equal(2.75, f.item<double>());
        Assert.Equal(2L, f.item<long>());
        Assert.True(f.item<bool>());
        Assert.Equal((Half)2.75, f.item<Half>());
        Assert.Equal(2.75f, (float)f.item<BFloat16>());
        Assert.Equal(2.75, f.item());
        Assert.Equal(5L, torch.tensor(5L).item());
        Assert.Equal(false, torch.tensor(false).item());
        Assert.Equal(3, torch.ones(1, 1).mul(3).item<int>());
        var ex = Assert.Throws<ArgumentException>(() => torch.ones(2, 3).item<float>());
        Assert.Equal("only one element tensors can be converted to Python scalars", ex.Message);
        Assert.Throws<ArgumentException>(() => torch.zeros(0).item());
    }

    [Fact]
    public void FromSystemNumericsTensorSharesMemory()
    {
        float[] data = [0, 1, 2, 3, 4, 5];
        var sn = SnTensor.Create(data, [2, 3]);
        var t = torch.from_numpy(sn);
        Assert.Equal(new long[] { 2, 3 }, t.shape.ToArray());
        t.add_(10);
        Assert.Equal(10f, data[0]);
        Assert.Equal(15f, sn[[1, 2]]);

        // a strided System.Numerics tensor keeps its strides and start
        var strided = SnTensor.Create(data, 1, [2, 2], [3, 1]);
        var ts = torch.from_numpy(strided);
        Assert.Equal(new long[] { 3, 1 }, ts.stride());
        Assert.Equal(1, ts.storage_offset());
        Assert.False(ts.is_contiguous());
        Assert.Equal(new float[] { 11, 12, 14, 15 }, ts.ToArray<float>());
        ts.fill_(0);
        Assert.Equal(new float[] { 10, 0, 0, 13, 0, 0 }, data);
        // a broadcast (stride 0) System.Numerics tensor
        var bc = torch.from_numpy(SnTensor.Create(data, 3, [2, 3], [0, 1]));
        Assert.Equal(new float[] { 13, 0, 0, 13, 0, 0 }, bc.ToArray<float>());

        // round trip: numpy() of a from_numpy tensor is the same memory
        data[0] = 10;
        var back = t.numpy<float>();
        back[[0, 0]] = 42;
        Assert.Equal(42f, data[0]);

        var empty = torch.from_numpy(SnTensor.Create(Array.Empty<double>(), [0, 4]));
        Assert.Equal(new long[] { 0, 4 }, empty.shape.ToArray());
        Assert.Equal(torch.float64, empty.dtype);
    }

    [Fact]
    public void AsTensorShares1DArraysAndCopiesOthers()
    {
        double[] d = [1, 2, 3];
        var t = torch.as_tensor(d);
        t.add_(1);
        Assert.Equal(new double[] { 2, 3, 4 }, d);
        var converted = torch.as_tensor(d, dtype: torch.float32);
        converted.add_(1);
        Assert.Equal(new double[] { 2, 3, 4 }, d);
        var m = new double[,] { { 1, 2 }, { 3, 4 } };
        var tm = torch.as_tensor(m);
        tm.add_(1);
        Assert.Equal(1.0, m[0, 0]);
        Assert.Equal(new long[] { 2, 2 }, tm.shape.ToArray());
        if (!torch.cuda.is_available())
            Assert.Throws<InvalidOperationException>(() => torch.as_tensor(d, device: torch.device("cuda")));
    }
}

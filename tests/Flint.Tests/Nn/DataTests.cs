using System.IO.Compression;
using Flint.Data;
using Flint.Tests.Support;
using Flint.Vision;
using Xunit;
using static Flint.torch;

namespace Flint.Tests.Nn;

/// <summary>DataLoader batching and shuffle order vs PyTorch, TensorDataset, IDX reading and transforms.</summary>
[Collection("GlobalGenerator")]
public class DataTests
{
    public static TheoryData<string> LoaderCases() => NnRecords.Keys("loader");

    [Theory]
    [MemberData(nameof(LoaderCases))]
    public void ShuffleOrderMatchesPyTorchDataLoader(string key)
    {
        var c = NnRecords.Case(key);
        long seed = c.GetProperty("seed").GetInt64(), n = c.GetProperty("n").GetInt64(), bs = c.GetProperty("batch_size").GetInt64();
        bool drop = c.GetProperty("drop_last").GetBoolean();
        var gs = c.GetProperty("gen_seed");
        manual_seed(seed);
        var ds = new TensorDataset(arange(n), arange(n) * 10);
        Generator? g = gs.ValueKind == System.Text.Json.JsonValueKind.Null ? null : new Generator().manual_seed(gs.GetInt64());
        var dl = new DataLoader(ds, bs, shuffle: true, drop_last: drop, generator: g);
        Assert.Equal(c.GetProperty("len").GetInt64(), dl.Count);
        foreach (var epoch in c.GetProperty("epochs").EnumerateArray())
        {
            var batches = dl.ToList();
            var exp = epoch.EnumerateArray().ToArray();
            Assert.Equal(exp.Length, batches.Count);
            for (int i = 0; i < exp.Length; i++)
            {
                Assert.Equal(NnRecords.Longs(exp[i]), batches[i].input.ToArray<long>());
                Assert.Equal(NnRecords.Longs(exp[i]).Select(v => v * 10).ToArray(), batches[i].target.ToArray<long>());
            }
        }
        // the loader consumed the global generator exactly as PyTorch's
        var after = NnRecords.Doubles(c.GetProperty("rand_after"));
        Assert.Equal(after, rand(2).ToArray<float>().Select(v => (double)v).ToArray());
    }

    [Fact]
    public void SequentialBatchingAndDropLast()
    {
        var ds = new TensorDataset(arange(10).reshape(5, 2), tensor(new long[] { 0, 1, 2, 3, 4 }));
        Assert.Equal(5, ds.Count);
        var (x2, y2) = ds[2];
        Assert.Equal(new long[] { 4, 5 }, x2.ToArray<long>());
        Assert.Equal(2L, y2.item<long>());
        var dl = new DataLoader(ds, batch_size: 2);
        Assert.Equal(3, dl.Count);
        var batches = dl.ToList();
        Assert.Equal([2L, 2], batches[0].input.shape.ToArray());
        Assert.Equal([1L, 2], batches[2].input.shape.ToArray());
        Assert.Equal(new long[] { 8, 9 }, batches[2].input.ToArray<long>());
        var dropped = new DataLoader(ds, batch_size: 2, drop_last: true);
        Assert.Equal(2, dropped.Count);
        Assert.Equal(2, dropped.Count());
        var threaded = new DataLoader(ds, batch_size: 2, num_workers: 1).ToList();
        for (int i = 0; i < 3; i++) Assert.True(equal(batches[i].input, threaded[i].input));
        Assert.Equal("batch_size should be a positive integer value, but got batch_size=0",
            Assert.Throws<ArgumentException>(() => new DataLoader(ds, batch_size: 0)).Message);
        Assert.Equal("Size mismatch between tensors", Assert.Throws<ArgumentException>(() => new TensorDataset(zeros(3), zeros(4))).Message);
    }

    private sealed class Squares : Dataset
    {
        public override long Count => 5;
        public override (Tensor input, Tensor target) GetItem(long index) => (full([2], (double)index), tensor(index * index));
    }

    [Fact]
    public void CustomDatasetIsStacked()
    {
        var batches = new DataLoader(new Squares(), batch_size: 3).ToList();
        Assert.Equal(2, batches.Count);
        Assert.Equal([3L, 2], batches[0].input.shape.ToArray());
        Assert.Equal(new long[] { 0, 1, 4 }, batches[0].target.ToArray<long>());
        Assert.Equal(new long[] { 9, 16 }, batches[1].target.ToArray<long>());
    }

    private static byte[] Idx(byte typeCode, int[] dims, byte[] data)
    {
        var ms = new MemoryStream();
        ms.Write([0, 0, typeCode, (byte)dims.Length]);
        foreach (var d in dims) { var b = new byte[4]; System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(b, d); ms.Write(b); }
        ms.Write(data);
        return ms.ToArray();
    }

    [Fact]
    public void FashionMnistReadsIdxFilesPlainAndGzipped()
    {
        var dir = Path.Combine(Path.GetTempPath(), "flint-idx-" + Guid.NewGuid().ToString("N"));
        var raw = Path.Combine(dir, "FashionMNIST", "raw");
        Directory.CreateDirectory(raw);
        try
        {
            var pixels = Enumerable.Range(0, 3 * 2 * 2).Select(i => (byte)(i * 20)).ToArray();
            File.WriteAllBytes(Path.Combine(raw, "train-images-idx3-ubyte"), Idx(8, [3, 2, 2], pixels));
            File.WriteAllBytes(Path.Combine(raw, "train-labels-idx1-ubyte"), Idx(8, [3], [7, 0, 9]));
            using (var fs = File.Create(Path.Combine(raw, "t10k-images-idx3-ubyte.gz")))
            using (var gz = new GZipStream(fs, CompressionMode.Compress)) gz.Write(Idx(8, [1, 2, 2], [255, 0, 51, 102]));
            using (var fs = File.Create(Path.Combine(raw, "t10k-labels-idx1-ubyte.gz")))
            using (var gz = new GZipStream(fs, CompressionMode.Compress)) gz.Write(Idx(8, [1], [3]));

            var train = datasets.FashionMNIST(dir, train: true, transform: transforms.ToTensor());
            Assert.Equal(3, train.Count);
            Assert.Equal(uint8, train.data.dtype);
            Assert.Equal([3L, 2, 2], train.data.shape.ToArray());
            Assert.Equal(new long[] { 7, 0, 9 }, train.targets.ToArray<long>());
            var (x, y) = train[1];
            Assert.Equal([1L, 2, 2], x.shape.ToArray());
            Assert.Equal(float32, x.dtype);
            Reference.AssertClose(tensor(new float[] { 80, 100, 120, 140 }).div(255).reshape(1, 2, 2), x, "ToTensor");
            Assert.Equal(0L, y.item<long>());
            var (bx, by) = train.GetBatch([2, 0]);
            Assert.Equal([2L, 1, 2, 2], bx.shape.ToArray());
            Assert.Equal(new long[] { 9, 7 }, by.ToArray<long>());

            var test = datasets.FashionMNIST(dir, train: false,
                transform: transforms.Compose(transforms.ToTensor(), transforms.Normalize([0.5], [0.5])));
            Assert.Equal(1, test.Count);
            Reference.AssertClose(tensor(new float[] { 1f, -1f, 51f / 255 * 2 - 1, 102f / 255 * 2 - 1 }).reshape(1, 2, 2), test[0].input, "Normalize");

            var loader = new DataLoader(train, batch_size: 2).ToList();
            Assert.Equal([2L, 1, 2, 2], loader[0].input.shape.ToArray());
            Assert.Throws<FileNotFoundException>(() => datasets.MNIST(Path.Combine(dir, "nope"), train: true));
            Assert.Throws<InvalidDataException>(() => MnistDataset.ReadIdx(new MemoryStream([1, 2, 3, 4])));
            Assert.Throws<InvalidDataException>(() => MnistDataset.ReadIdx(new MemoryStream(Idx(8, [4], [1, 2]))));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void TransformsMatchTorchvision()
    {
        var hwc = tensor(new byte[] { 0, 255, 51, 102, 153, 204 }).reshape(1, 2, 3);
        var chw = transforms.ToTensor()(hwc);
        Assert.Equal([3L, 1, 2], chw.shape.ToArray());
        Reference.AssertClose(tensor(new float[] { 0, 102, 255, 153, 51, 204 }).div(255).reshape(3, 1, 2), chw, "HWC->CHW");
        var norm = transforms.Normalize([0.1, 0.2, 0.3], [0.5, 0.25, 2.0])(chw);
        var exp = (chw - tensor(new float[] { 0.1f, 0.2f, 0.3f }).view(3, 1, 1)) / tensor(new float[] { 0.5f, 0.25f, 2.0f }).view(3, 1, 1);
        Reference.AssertClose(exp, norm, "Normalize");
        var fl = transforms.ToTensor()(tensor(new float[] { 0.5f, 2f }).reshape(1, 2));
        Reference.AssertClose(tensor(new float[] { 0.5f, 2f }).reshape(1, 1, 2), fl, "float input is not scaled");
    }
}

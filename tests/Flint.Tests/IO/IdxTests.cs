using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using Flint.Tests.Support;
using Flint.Vision;
using Xunit;

namespace Flint.Tests.IO;

/// <summary>
/// The IDX reader (MNIST-format files) against malformed and hostile input: the header is read first and checked
/// as torchvision checks it, only the payload it declares is read, and nothing else is accepted.
/// </summary>
public class IdxTests
{
    private static byte[] Idx(byte type, uint[] dims, byte[] data)
    {
        var ms = new MemoryStream();
        ms.Write([0, 0, type, (byte)dims.Length]);
        foreach (var d in dims) { var b = new byte[4]; BinaryPrimitives.WriteUInt32BigEndian(b, d); ms.Write(b); }
        ms.Write(data);
        return ms.ToArray();
    }

    private static byte[] Gzip(byte[] plain)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(plain);
        return ms.ToArray();
    }

    /// <summary>Reads through a seekable stream, a one-way stream and a gzipped stream; all must agree.</summary>
    private static Tensor Read(byte[] file)
    {
        var a = MnistDataset.ReadIdx(new MemoryStream(file));
        var b = MnistDataset.ReadIdx(new OneWayStream(file));
        var c = MnistDataset.ReadIdx(new GZipStream(new MemoryStream(Gzip(file)), CompressionMode.Decompress));
        Reference.AssertClose(a, b, "one-way", rtol: 0, atol: 0);
        Reference.AssertClose(a, c, "gzip", rtol: 0, atol: 0);
        return a;
    }

    private static string Refused(byte[] file)
    {
        var e = Assert.Throws<InvalidDataException>(() => MnistDataset.ReadIdx(new MemoryStream(file)));
        Assert.Throws<InvalidDataException>(() => MnistDataset.ReadIdx(new OneWayStream(file)));
        Assert.Throws<InvalidDataException>(() => MnistDataset.ReadIdx(new GZipStream(new MemoryStream(Gzip(file)), CompressionMode.Decompress)));
        return e.Message;
    }

    /// <summary>A one-way stream that counts the bytes taken from it.</summary>
    private sealed class Counting(Stream inner) : ForwardReadStream
    {
        public long Taken;
        public override int Read(Span<byte> buffer) { int n = inner.Read(buffer); Taken += n; return n; }
    }

    [Fact]
    public void AGzipBombIsNotDecompressedPastTheDeclaredPayload()
    {
        // a header declaring 2 bytes, then 64 MiB of zeros that compress to about 64 KiB
        var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(Idx(8, [2], [5, 6]));
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) z.Write(zeros);
        }
        Assert.True(gz.Length < 2 << 20);
        gz.Position = 0;
        var counting = new Counting(new GZipStream(gz, CompressionMode.Decompress));
        var sw = Stopwatch.StartNew();
        var e = Assert.Throws<InvalidDataException>(() => MnistDataset.ReadIdx(counting));
        Assert.Contains("trailing bytes", e.Message);
        Assert.True(counting.Taken <= 4 + 4 + 2 + 1, $"{counting.Taken} decompressed bytes were read");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2), $"took {sw.Elapsed}");
    }

    [Fact]
    public void TheNumberOfDimensionsMustBeOneToThree()
    {
        Assert.Contains("declares 0 dimensions", Refused(Idx(8, [], [7])));
        Assert.Contains("declares 4 dimensions", Refused(Idx(8, [1, 1, 1, 1], [7])));
        // the 20-byte header of four 65536 sizes holds 2^64 elements: refused, never a tensor over too small a storage
        var four = Idx(8, [65536, 65536, 65536, 65536], []);
        Assert.Equal(20, four.Length);
        Assert.Contains("declares 4 dimensions", Refused(four));
        Assert.Contains("declares 255 dimensions", Refused([0, 0, 8, 255, 0, 0, 0, 1, 7]));
    }

    [Fact]
    public void ShapesLargerThanATensorAreRefusedBeforeAllocating()
    {
        // 2^48 elements, and sizes read as unsigned (0xFFFFFFFF is 4294967295, not -1)
        Assert.Contains("at most", Refused(Idx(8, [65536, 65536, 65536], [])));
        Assert.Contains("[4294967295, 2]", Refused(Idx(8, [0xFFFFFFFF, 2], [])));
        Assert.Contains("at most", Refused(Idx(0x0E, [0x7FFFFFFF], [])));
        // a zero size makes an empty tensor, whatever the other sizes
        var empty = Read(Idx(8, [0xFFFFFFFF, 0], []));
        Assert.Equal([4294967295L, 0], empty.shape.ToArray());
    }

    [Fact]
    public void ThePayloadMustBeExactlyWhatTheHeaderDeclares()
    {
        Assert.Contains("IDX data is truncated: expected 4 bytes", Refused(Idx(8, [2, 2], [1, 2, 3])));
        Assert.Contains("1 trailing bytes", Assert.Throws<InvalidDataException>(() => MnistDataset.ReadIdx(new MemoryStream(Idx(8, [2, 2], [1, 2, 3, 4, 5])))).Message);
        Assert.Contains("trailing bytes", Refused(Idx(8, [2, 2], [1, 2, 3, 4, 5])));
        Assert.Contains("truncated", Refused([0, 0, 8, 2, 0, 0, 0]));
        Assert.Contains("truncated", Refused([0, 0, 8]));
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, Read(Idx(8, [2, 2], [1, 2, 3, 4])).ToArray<byte>());
    }

    [Fact]
    public void TheMagicNumberNamesOneOfTorchvisionsTypes()
    {
        Assert.Contains("not an IDX file", Refused([1, 2, 3, 4]));
        Assert.Contains("not an IDX file", Refused(Idx(0x0A, [1], [0])));   // 10 is not a type
        Assert.Contains("not an IDX file", Refused(Idx(0x07, [1], [0])));
        var bad = Idx(8, [1], [0]);
        bad[1] = 1;   // type 0x0108
        Assert.Contains("not an IDX file", Refused(bad));
    }

    [Fact]
    public void MultiByteTypesAreBigEndian()
    {
        var i16 = Read(Idx(0x0B, [2], [0x01, 0x02, 0xFF, 0xFE]));
        Assert.Equal(DType.Int16, i16.dtype);
        Assert.Equal(new short[] { 0x0102, -2 }, i16.ToArray<short>());
        var f32 = new byte[8];
        BinaryPrimitives.WriteSingleBigEndian(f32, 1.5f);
        BinaryPrimitives.WriteSingleBigEndian(f32.AsSpan(4), -0.25f);
        Assert.Equal(new[] { 1.5f, -0.25f }, Read(Idx(0x0D, [1, 2], f32)).ToArray<float>());
        var f64 = new byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(f64, Math.PI);
        Assert.Equal(new[] { Math.PI }, Read(Idx(0x0E, [1, 1, 1], f64)).ToArray<double>());
        var i32 = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(i32, -123456789);
        Assert.Equal(new[] { -123456789 }, Read(Idx(0x0C, [1], i32)).ToArray<int>());
        Assert.Equal(new sbyte[] { -1, 5 }, Read(Idx(0x09, [2], [0xFF, 5])).ToArray<sbyte>());
    }

    [Fact]
    public void DatasetFilesMustBeUint8ImagesAndLabels()
    {
        var dir = Path.Combine(Path.GetTempPath(), "flint-idx-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllBytes(Path.Combine(dir, "train-images-idx3-ubyte"), Idx(8, [2, 2], [1, 2, 3, 4]));
            File.WriteAllBytes(Path.Combine(dir, "train-labels-idx1-ubyte"), Idx(8, [2], [1, 2]));
            var e = Assert.Throws<InvalidDataException>(() => datasets.MNIST(dir));
            Assert.Contains("x should have 3 dimension instead of 2", e.Message);
            File.WriteAllBytes(Path.Combine(dir, "train-images-idx3-ubyte"), Idx(0x0B, [1, 1, 1], [0, 1]));
            e = Assert.Throws<InvalidDataException>(() => datasets.MNIST(dir));
            Assert.Contains("x should be of dtype torch.uint8 instead of torch.int16", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>Seeded mutations of small valid files, plain and gzipped: each loads or is refused with InvalidDataException.</summary>
    [Fact]
    public void MutatedFilesLoadOrFailWithTheDocumentedError()
    {
        var valids = new[]
        {
            Idx(8, [3, 2, 2], Enumerable.Range(0, 12).Select(i => (byte)(i * 20)).ToArray()),
            Idx(8, [5], [1, 2, 3, 4, 5]),
            Idx(0x0D, [2, 1], new byte[8]),
        };
        var rng = new Random(1998);
        int loaded = 0, refused = 0;
        var sw = Stopwatch.StartNew();
        for (int iter = 0; iter < 3000; iter++)
        {
            var v = valids[iter % valids.Length].ToList();
            for (int k = 1 + rng.Next(3); k > 0; k--)
            {
                switch (rng.Next(5))
                {
                    case 0 when v.Count > 0: v[rng.Next(v.Count)] ^= (byte)(1 << rng.Next(8)); break;
                    case 1 when v.Count > 0: v[rng.Next(Math.Min(v.Count, 16))] = (byte)rng.Next(256); break;
                    case 2: v = v.Take(rng.Next(v.Count + 1)).ToList(); break;
                    case 3: v.Insert(rng.Next(v.Count + 1), (byte)rng.Next(256)); break;
                    default: if (v.Count > 4) v[3] = (byte)rng.Next(6); break;
                }
            }
            var m = v.ToArray();
            bool ok = Attempt(() => MnistDataset.ReadIdx(new MemoryStream(m)));
            Assert.Equal(ok, Attempt(() => MnistDataset.ReadIdx(new OneWayStream(m))));
            // a corrupted gzip stream as well: the decompressor's errors are InvalidDataException too
            var gz = Gzip(m);
            if (iter % 2 == 0 && gz.Length > 0)
            {
                gz[rng.Next(gz.Length)] ^= (byte)(1 << rng.Next(8));
                Attempt(() => MnistDataset.ReadIdx(new GZipStream(new MemoryStream(gz), CompressionMode.Decompress)));
            }
            else Assert.Equal(ok, Attempt(() => MnistDataset.ReadIdx(new GZipStream(new MemoryStream(gz), CompressionMode.Decompress))));
            if (ok) loaded++; else refused++;
        }
        Assert.True(loaded > 50 && refused > 1000, $"{loaded} loaded, {refused} refused");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"the mutations took {sw.Elapsed}");
    }

    private static bool Attempt(Action load)
    {
        try { load(); return true; }
        catch (InvalidDataException) { return false; }
        catch (Exception e) { Assert.Fail($"a mutated file threw {e}"); return false; }
    }
}

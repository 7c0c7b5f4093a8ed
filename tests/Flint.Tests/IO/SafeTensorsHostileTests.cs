using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Flint;
using Flint.IO;
using Flint.Tests.Support;
using Xunit;

namespace Flint.Tests.IO;

/// <summary>
/// Malformed and hostile safetensors files: each case of the reference implementation's validation (the Rust
/// safetensors crate) is refused with its error before anything of the claimed size is allocated, through every
/// reader (seekable stream, one-way stream, memory-mapped file); files over 2 GiB read through 64-bit offsets.
/// </summary>
public class SafeTensorsHostileTests
{
    /// <summary>A file from a header (as JSON text, padded to 8 bytes as the reference writer pads) and data.</summary>
    private static byte[] File(string json, byte[]? data = null, bool pad = true)
    {
        var js = Encoding.UTF8.GetBytes(json).ToList();
        while (pad && js.Count % 8 != 0) js.Add((byte)' ');
        var bytes = new byte[8 + js.Count + (data?.Length ?? 0)];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)js.Count);
        js.CopyTo(bytes, 8);
        data?.CopyTo(bytes, 8 + js.Count);
        return bytes;
    }

    private static string TempPath() => Path.Combine(Path.GetTempPath(), $"flint-st-hostile-{Guid.NewGuid():N}.safetensors");

    /// <summary>Loads through the three readers; each must fail with the same case.</summary>
    private static InvalidDataException Refused(byte[] file, SafetensorErrorKind kind)
    {
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(new MemoryStream(file)));
        Assert.Equal(kind, SafetensorError.KindOf(e));
        var e2 = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(new OneWayStream(file)));
        Assert.Equal(kind, SafetensorError.KindOf(e2));
        var path = TempPath();
        try
        {
            System.IO.File.WriteAllBytes(path, file);
            var e3 = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
            Assert.Equal(kind, SafetensorError.KindOf(e3));
        }
        finally { System.IO.File.Delete(path); }
        return e;
    }

    private static Dictionary<string, Tensor> LoadAll(byte[] file)
    {
        var a = SafeTensors.Load(new MemoryStream(file));
        var b = SafeTensors.Load(new OneWayStream(file));
        Assert.Equal(a.Keys, b.Keys);
        foreach (var (k, v) in a) Reference.AssertClose(v, b[k], k, rtol: 0, atol: 0);
        return a;
    }

    [Fact]
    public void AShapeWhoseByteCountOverflowsIsRefusedNotAllocated()
    {
        // 2^62 * 4 elements: the count wraps to 0 in 64 bits, which matches data_offsets [0, 0] if unchecked
        var file = File("""{"embeddings":{"dtype":"U8","shape":[4611686018427387904,4],"data_offsets":[0,0]}}""", pad: false);
        Assert.Equal(90, file.Length);
        var e = Refused(file, SafetensorErrorKind.ValidationOverflow);
        Assert.Contains("overflow computing buffer size", e.Message);
        Assert.Contains("`embeddings`", e.Message);
        Refused(File("""{"a":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,0]}}"""), SafetensorErrorKind.ValidationOverflow);
        // a size past a signed 64-bit shape with a zero elsewhere: the count is 0, but Flint cannot hold the size
        Refused(File("""{"a":{"dtype":"F32","shape":[9223372036854775808,0],"data_offsets":[0,0]}}"""), SafetensorErrorKind.ValidationOverflow);
    }

    [Fact]
    public void HeaderLengthChecksFollowTheReference()
    {
        Assert.Contains("header too small", Refused([1, 2, 3], SafetensorErrorKind.HeaderTooSmall).Message);
        Refused([], SafetensorErrorKind.HeaderTooSmall);
        var big = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(big, 100_000_001);
        Assert.Contains("header too large", Refused(big, SafetensorErrorKind.HeaderTooLarge).Message);
        BinaryPrimitives.WriteUInt64LittleEndian(big, ulong.MaxValue);
        Refused(big, SafetensorErrorKind.HeaderTooLarge);
        BinaryPrimitives.WriteUInt64LittleEndian(big, 9);   // 9 bytes of header, 8 present
        Assert.Contains("truncated", Refused(big, SafetensorErrorKind.InvalidHeaderLength).Message);
    }

    [Fact]
    public void TheHeaderMustBeUtf8JsonOfTensorEntries()
    {
        var bad = File("{\"ab\":1}");
        bad[10] = 0xFF;   // the name's first byte
        Assert.Contains("invalid UTF-8", Refused(bad, SafetensorErrorKind.InvalidHeader).Message);
        Assert.Contains("invalid JSON", Refused(File("{\"a\":"), SafetensorErrorKind.InvalidHeaderDeserialization).Message);
        Refused(File("[1,2]"), SafetensorErrorKind.InvalidHeaderDeserialization);
        Refused(File("""{"\ud800":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}"""), SafetensorErrorKind.InvalidHeaderDeserialization);
        Refused(File("""{"__metadata__":{"k":"\udc00"}}"""), SafetensorErrorKind.InvalidHeaderDeserialization);
        Refused(File("""{"a":5}"""), SafetensorErrorKind.InvalidHeaderDeserialization);
        Refused(File("""{"a":{"shape":[],"data_offsets":[0,4]}}"""), SafetensorErrorKind.InvalidHeaderDeserialization);
        Refused(File("""{"a":{"dtype":"F32","shape":[1],"dtype":"F32","data_offsets":[0,4]}}""", new byte[4]), SafetensorErrorKind.InvalidHeaderDeserialization);
        var e = Refused(File("""{"a":{"dtype":"F99","shape":[1],"data_offsets":[0,4]}}""", new byte[4]), SafetensorErrorKind.InvalidHeaderDeserialization);
        Assert.Contains("unknown dtype \"F99\"", e.Message);
        e = Refused(File("""{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", new byte[4]), SafetensorErrorKind.InvalidHeaderDeserialization);
        Assert.Contains("non-negative integers, got -1", e.Message);
        Refused(File("""{"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}""", new byte[4]), SafetensorErrorKind.InvalidHeaderDeserialization);
        Refused(File("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}""", new byte[4]), SafetensorErrorKind.InvalidHeaderDeserialization);
        Refused(File("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}""", new byte[4]), SafetensorErrorKind.InvalidHeaderDeserialization);
    }

    [Fact]
    public void NamesAndMetadataKeysMustBeUnique()
    {
        var e = Refused(File("""{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}""", [1, 2]),
            SafetensorErrorKind.InvalidHeaderDeserialization);
        Assert.Contains("`a` appears twice", e.Message);
        Refused(File("""{"__metadata__":{"k":"1","k":"2"}}"""), SafetensorErrorKind.InvalidHeaderDeserialization);
        Refused(File("""{"__metadata__":{},"__metadata__":{}}"""), SafetensorErrorKind.InvalidHeaderDeserialization);
    }

    [Fact]
    public void MetadataIsAStringToStringMap()
    {
        var e = Refused(File("""{"__metadata__":{"format":1}}"""), SafetensorErrorKind.InvalidHeaderDeserialization);
        Assert.Contains("`format` is a number", e.Message);
        Refused(File("""{"__metadata__":["pt"]}"""), SafetensorErrorKind.InvalidHeaderDeserialization);
        // null is no metadata, as the reference's optional map reads it
        SafeTensors.Load(new MemoryStream(File("""{"__metadata__":null}""")), out var none);
        Assert.Empty(none);
        SafeTensors.Load(new MemoryStream(File("""{"__metadata__":{"format":"pt","é":"ü"}}""")), out var meta);
        Assert.Equal("pt", meta["format"]);
        Assert.Equal("ü", meta["é"]);
    }

    [Fact]
    public void OffsetsMustBeContiguousAndCoverTheDataExactly()
    {
        // a gap before the first tensor
        var e = Refused(File("""{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}""", [0, 1]), SafetensorErrorKind.InvalidOffset);
        Assert.Contains("invalid offset for tensor `a`", e.Message);
        // overlapping tensors
        Refused(File("""{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}""", [0, 1, 2]),
            SafetensorErrorKind.InvalidOffset);
        // two tensors on the same bytes
        Refused(File("""{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}""", [0, 1]),
            SafetensorErrorKind.InvalidOffset);
        // end before begin
        e = Refused(File("""{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"c":{"dtype":"U8","shape":[0],"data_offsets":[2,1]}}""", [0, 1]),
            SafetensorErrorKind.InvalidOffset);
        Assert.Contains("`c`: data_offsets [2, 1] end before they begin", e.Message);
        // bytes that do not match numel * itemsize
        e = Refused(File("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}""", new byte[4]), SafetensorErrorKind.TensorInvalidInfo);
        Assert.Contains("needs 8 bytes", e.Message);
        // truncated data, trailing data
        e = Refused(File("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", new byte[7]), SafetensorErrorKind.MetadataIncompleteBuffer);
        Assert.Contains("truncated", e.Message);
        e = Refused(File("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", new byte[9]), SafetensorErrorKind.MetadataIncompleteBuffer);
        Assert.Contains("trailing", e.Message);
        Refused(File("{}", [0]), SafetensorErrorKind.MetadataIncompleteBuffer);
        // the tensors may be listed in any order: offsets decide
        var ok = LoadAll(File("""{"b":{"dtype":"U8","shape":[1],"data_offsets":[2,3]},"z":{"dtype":"U8","shape":[0],"data_offsets":[2,2]},"a":{"dtype":"I16","shape":[],"data_offsets":[0,2]}}""", [1, 2, 3]));
        Assert.Equal(["b", "z", "a"], ok.Keys);
        Assert.Equal(0x0201, ok["a"].item<short>());
        Assert.Equal(3, ok["b"].item<byte>());
        Assert.Equal([0L], ok["z"].shape.ToArray());
    }

    [Fact]
    public void DtypesFlintLacksAreKnownButNotBuilt()
    {
        var file = File("""{"u":{"dtype":"U16","shape":[2],"data_offsets":[0,4]},"f":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""",
            [1, 0, 2, 0, 0, 0, 0x80, 0x3F]);
        var e = Refused(file, SafetensorErrorKind.UnsupportedDtype);
        Assert.Contains("`u` has dtype U16", e.Message);
        // the file is valid: the other tensors can be read one by one
        var path = TempPath();
        try
        {
            System.IO.File.WriteAllBytes(path, file);
            using var f = SafeTensors.Open(path);
            Assert.Equal(["f", "u"], f.keys());
            Assert.Equal(1f, f.get_tensor("f").item<float>());
            Assert.Equal(SafetensorErrorKind.UnsupportedDtype, SafetensorError.KindOf(Assert.Throws<InvalidDataException>(() => f.get_tensor("u"))));
            var nf = Assert.Throws<InvalidDataException>(() => f.get_tensor("nope"));
            Assert.Equal(SafetensorErrorKind.TensorNotFound, SafetensorError.KindOf(nf));
            Assert.Equal("File does not contain tensor nope", nf.Message);
        }
        finally { System.IO.File.Delete(path); }
        // sub-byte dtypes must end on a byte boundary (3 four-bit values do not)
        Refused(File("""{"a":{"dtype":"F4","shape":[3],"data_offsets":[0,1]}}""", [0]), SafetensorErrorKind.MisalignedSlice);
    }

    [Fact]
    public void ATensorLargerThanOneArrayIsRefusedClearly()
    {
        // 2^31 bytes of U8 is more than one .NET array holds; the header is valid, the data is sparse
        const long n = 1L << 31;
        var path = TempPath();
        try
        {
            WriteSparse(path, $$$"""{"big":{"dtype":"U8","shape":[{{{n}}}],"data_offsets":[0,{{{n}}}]}}""", n, []);
            var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
            Assert.Equal(SafetensorErrorKind.TensorTooLarge, SafetensorError.KindOf(e));
            Assert.Contains($"holds at most {Array.MaxLength}", e.Message);
            using var fs = System.IO.File.OpenRead(path);
            Assert.Equal(SafetensorErrorKind.TensorTooLarge, SafetensorError.KindOf(Assert.Throws<InvalidDataException>(() => SafeTensors.Load(fs))));
        }
        finally { System.IO.File.Delete(path); }
    }

    /// <summary>A file of <paramref name="dataLength"/> data bytes, all holes except <paramref name="writes"/>.</summary>
    private static long WriteSparse(string path, string json, long dataLength, (long offset, byte[] bytes)[] writes)
    {
        var head = File(json);
        using var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        fs.Write(head);
        fs.SetLength(head.Length + dataLength);
        foreach (var (offset, bytes) in writes)
        {
            fs.Position = head.Length + offset;
            fs.Write(bytes);
        }
        return head.Length;
    }

    [Fact]
    public void TensorsPastTwoGibibytesAreReadThroughTheMap()
    {
        // 3 GiB of holes, then two small tensors: only their pages are read
        const long gap = 3L << 30;
        var values = new float[] { 1.5f, -2f, 3.25f, 1e-3f };
        var f32 = new byte[16];
        for (int i = 0; i < 4; i++) BinaryPrimitives.WriteSingleLittleEndian(f32.AsSpan(4 * i), values[i]);
        var i64 = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(i64, long.MinValue + 7);
        BinaryPrimitives.WriteInt64LittleEndian(i64.AsSpan(8), 1L << 40);
        string json = $$$"""
            {"__metadata__":{"format":"pt"},
             "pad1":{"dtype":"U8","shape":[{{{gap / 2}}}],"data_offsets":[0,{{{gap / 2}}}]},
             "pad2":{"dtype":"U8","shape":[{{{gap / 2}}}],"data_offsets":[{{{gap / 2}}},{{{gap}}}]},
             "small":{"dtype":"F32","shape":[2,2],"data_offsets":[{{{gap}}},{{{gap + 16}}}]},
             "longs":{"dtype":"I64","shape":[2],"data_offsets":[{{{gap + 16}}},{{{gap + 32}}}]}}
            """;
        var path = TempPath();
        try
        {
            WriteSparse(path, json, gap + 32, [(gap, f32), (gap + 16, i64)]);
            Assert.True(new FileInfo(path).Length > gap);
            var sw = Stopwatch.StartNew();
            using (var f = SafeTensors.Open(path))
            {
                Assert.Equal(["longs", "pad1", "pad2", "small"], f.keys());
                Assert.Equal("pt", f.metadata()["format"]);
                Assert.Equal("F32", f.info("small").dtype);
                Assert.Equal([2L, 2], f.info("small").shape);
                var small = f.get_tensor("small");
                Assert.Equal(DType.Float32, small.dtype);
                Assert.Equal([2L, 2], small.shape.ToArray());
                Assert.Equal(values, small.ToArray<float>());
                Assert.Equal(new[] { long.MinValue + 7, 1L << 40 }, f.get_tensor("longs").ToArray<long>());
            }
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"reading two small tensors of a sparse 3 GiB file took {sw.Elapsed}");
        }
        finally { System.IO.File.Delete(path); }
    }

    [Fact]
    public void AClosedFileRefusesReads()
    {
        var path = TempPath();
        try
        {
            SafeTensors.Save(new Dictionary<string, Tensor> { ["a"] = torch.ones(3) }, path);
            var f = SafeTensors.Open(path);
            var a = f.get_tensor("a");
            f.Dispose();
            Assert.Equal(new float[] { 1, 1, 1 }, a.ToArray<float>());   // a copy, valid after closing
            Assert.Throws<ObjectDisposedException>(() => f.get_tensor("a"));
        }
        finally { System.IO.File.Delete(path); }
    }

    /// <summary>Counts what a writer sends, keeping nothing.</summary>
    private sealed class CountingStream : Stream
    {
        public long Written, LargestWrite;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Written;
        public override long Position { get => Written; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer) { Written += buffer.Length; LargestWrite = Math.Max(LargestWrite, buffer.Length); }
    }

    [Fact]
    public void SavingWritesTheHeaderThenEachTensorAsItIs()
    {
        var tensors = new Dictionary<string, Tensor>
        {
            ["w"] = torch.arange(300_000, dtype: torch.float32),   // 1.2 MB
            ["t"] = torch.arange(12).reshape(3, 4).t(),          // non-contiguous
            ["e"] = torch.zeros(0, 5),
        };
        var counting = new CountingStream();
        SafeTensors.Save(tensors, counting, new Dictionary<string, string> { ["format"] = "pt" });
        var ms = new MemoryStream();
        SafeTensors.Save(tensors, ms, new Dictionary<string, string> { ["format"] = "pt" });
        Assert.Equal(ms.Length, counting.Written);
        // the largest single write is one tensor's bytes, never the file's
        Assert.Equal(1_200_000, counting.LargestWrite);
        // the header is padded to 8 bytes with spaces and the data offsets are contiguous
        var bytes = ms.ToArray();
        long n = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        Assert.Equal(0, n % 8);
        var back = SafeTensors.Load(new MemoryStream(bytes), out var meta);
        Assert.Equal("pt", meta["format"]);
        Assert.Equal(tensors.Keys, back.Keys);
        foreach (var (k, v) in tensors) Reference.AssertClose(v, back[k], k, rtol: 0, atol: 0);
    }

    [Fact]
    public void AFailingSaveBeforeWritingLeavesNoFile()
    {
        var path = TempPath();
        Assert.Throws<ArgumentException>(() => SafeTensors.Save(new Dictionary<string, Tensor> { ["__metadata__"] = torch.ones(1) }, path));
        Assert.False(System.IO.File.Exists(path));
        Assert.Empty(Directory.GetFiles(Path.GetTempPath(), $".{Path.GetFileName(path)}*.tmp"));
    }

    /// <summary>
    /// Seeded mutations of a small valid file (flipped and replaced bytes, cuts, insertions, edited digits and
    /// header lengths): each mutant loads, or is refused with a safetensors error, through every reader.
    /// </summary>
    [Fact]
    public void MutatedFilesLoadOrFailWithTheDocumentedError()
    {
        var ms = new MemoryStream();
        SafeTensors.Save(new Dictionary<string, Tensor>
        {
            ["w"] = torch.arange(6, dtype: torch.float32).reshape(2, 3),
            ["b"] = torch.tensor(new long[] { -1, 7 }),
            ["m"] = torch.tensor(new[] { true, false, true }),
            ["h"] = torch.arange(3).to(torch.float16),
            ["s"] = torch.tensor(2.5),
            ["e"] = torch.zeros(0, 2),
        }, ms, new Dictionary<string, string> { ["format"] = "pt" });
        var valid = ms.ToArray();
        int headerEnd = 8 + (int)BinaryPrimitives.ReadInt64LittleEndian(valid);
        var rng = new Random(20240611);
        var path = TempPath();
        int loaded = 0, refused = 0;
        var sw = Stopwatch.StartNew();
        try
        {
            for (int iter = 0; iter < 3000; iter++)
            {
                var m = Mutate(valid, headerEnd, rng);
                bool ok = Attempt(() => SafeTensors.Load(new MemoryStream(m)), m);
                Assert.Equal(ok, Attempt(() => SafeTensors.Load(new OneWayStream(m)), m));
                if (iter % 10 == 0)
                {
                    System.IO.File.WriteAllBytes(path, m);
                    Assert.Equal(ok, Attempt(() => SafeTensors.Load(path), m));
                }
                if (ok) loaded++; else refused++;
            }
        }
        finally { System.IO.File.Delete(path); }
        Assert.True(loaded > 30 && refused > 1000, $"{loaded} loaded, {refused} refused in {sw.Elapsed}");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20), $"the mutations took {sw.Elapsed}");
    }

    private static bool Attempt(Action load, byte[] file)
    {
        try { load(); return true; }
        catch (InvalidDataException e) when (SafetensorError.KindOf(e) is not null) { return false; }
        catch (Exception e)
        {
            Assert.Fail($"a mutated file threw {e}\nfile: {Convert.ToHexString(file)}");
            return false;
        }
    }

    private static byte[] Mutate(byte[] valid, int headerEnd, Random rng)
    {
        var b = valid.ToList();
        int edits = 1 + rng.Next(3);
        for (int k = 0; k < edits; k++)
        {
            switch (rng.Next(8))
            {
                case 0 when b.Count > 0: { int i = rng.Next(b.Count); b[i] ^= (byte)(1 << rng.Next(8)); break; }
                case 1 when b.Count > 0: { int i = rng.Next(b.Count); b[i] = (byte)rng.Next(256); break; }
                case 2 when b.Count > 0: { int i = rng.Next(b.Count); b.RemoveRange(i, Math.Min(1 + rng.Next(8), b.Count - i)); break; }
                case 3: b.Insert(rng.Next(b.Count + 1), (byte)rng.Next(256)); break;
                case 4: b = b.Take(rng.Next(b.Count + 1)).ToList(); break;
                case 5:
                {
                    // a digit of the header becomes another digit or a long run of digits
                    var digits = Enumerable.Range(8, Math.Max(0, Math.Min(headerEnd, b.Count) - 8)).Where(i => b[i] is >= (byte)'0' and <= (byte)'9').ToList();
                    if (digits.Count == 0) break;
                    int i = digits[rng.Next(digits.Count)];
                    if (rng.Next(2) == 0) b[i] = (byte)('0' + rng.Next(10));
                    else b.InsertRange(i, Encoding.ASCII.GetBytes(rng.NextInt64().ToString()));
                    break;
                }
                case 6:
                {
                    // the header length changes
                    if (b.Count < 8) break;
                    var len = BitConverter.GetBytes(rng.Next(3) switch
                    {
                        0 => (ulong)(headerEnd - 8 + rng.Next(-9, 10)),
                        1 => (ulong)rng.NextInt64(),
                        _ => 100_000_000UL + (ulong)rng.Next(-2, 3),
                    });
                    for (int i = 0; i < 8; i++) b[i] = len[i];
                    break;
                }
                default:
                {
                    // a byte of the header becomes a JSON-significant character
                    if (headerEnd >= b.Count) break;
                    int i = 8 + rng.Next(headerEnd - 8);
                    const string chars = "{}[],:\"-.e0 ";
                    b[i] = (byte)chars[rng.Next(chars.Length)];
                    break;
                }
            }
        }
        return b.ToArray();
    }
}

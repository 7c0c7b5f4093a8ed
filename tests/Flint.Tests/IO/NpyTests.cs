using Flint.Tests.Support;
using System.IO.Compression;
using System.Text.Json;
using Flint;
using Xunit;

namespace Flint.Tests.IO;

/// <summary>Replays tools/refs/gen_npy.py: files NumPy wrote, the bytes it writes, and malformed files.</summary>
public class NpyTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "References", "npy");

    private static JsonElement[] Manifest()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "manifest.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    public static TheoryData<string> CaseNames(string kind)
    {
        var d = new TheoryData<string>();
        foreach (var c in Manifest()) if (c.GetProperty("kind").GetString() == kind) d.Add(c.GetProperty("file").GetString()!);
        return d;
    }

    public static TheoryData<string> ReadCases() => CaseNames("read");
    public static TheoryData<string> NpzCases() => CaseNames("npz");
    public static TheoryData<string> BytesCases() => CaseNames("bytes");
    public static TheoryData<string> ErrorCases() => CaseNames("error");

    private static JsonElement Case(string file) => Manifest().Single(c => c.GetProperty("file").GetString() == file);

    private static DType DT(string name) => DType.All.Single(d => d.name == name);

    /// <summary>Builds the tensor a manifest entry describes (C-order flat values).</summary>
    private static Tensor Build(JsonElement c)
    {
        var dt = DT(c.GetProperty("dtype").GetString()!);
        var shape = c.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
        var data = c.GetProperty("data").EnumerateArray().ToArray();
        if (dt.is_floating_point) return torch.from_array(data.Select(Num).ToArray(), shape).to(dt);
        if (dt == torch.@bool) return torch.from_array(data.Select(x => x.GetBoolean()).ToArray(), shape);
        return torch.from_array(data.Select(x => x.GetInt64()).ToArray(), shape).to(dt);
    }

    private static double Num(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? e.GetString() switch { "nan" => BitConverter.Int64BitsToDouble(0x7FF8000000000000), "inf" => double.PositiveInfinity, _ => double.NegativeInfinity }
        : e.GetDouble();

    /// <summary>Exact comparison: same dtype and shape, bit-identical values (NaN equals NaN, -0.0 is not 0.0).</summary>
    private static void AssertSame(Tensor expected, Tensor actual, string ctx)
    {
        Assert.True(expected.dtype == actual.dtype, $"{ctx}: dtype {actual.dtype}, expected {expected.dtype}");
        Assert.True(expected.shape == actual.shape, $"{ctx}: shape {actual.shape}, expected {expected.shape}");
        if (expected.is_floating_point())
        {
            var e = expected.ToArray<double>(); var a = actual.ToArray<double>();
            for (int i = 0; i < e.Length; i++)
                Assert.True(BitConverter.DoubleToInt64Bits(e[i]) == BitConverter.DoubleToInt64Bits(a[i]) || (double.IsNaN(e[i]) && double.IsNaN(a[i])),
                    $"{ctx}: element {i} is {a[i]}, expected {e[i]}");
        }
        else if (expected.dtype == torch.@bool) Assert.Equal(expected.ToArray<bool>(), actual.ToArray<bool>());
        else Assert.Equal(expected.ToArray<long>(), actual.ToArray<long>());
    }

    [Theory]
    [MemberData(nameof(ReadCases))]
    public void ReadsWhatNumPyWrote(string file)
    {
        var c = Case(file);
        var t = np.load(Path.Combine(Dir, file));
        AssertSame(Build(c), t, file);
        if (c.TryGetProperty("fortran", out var f) && f.GetBoolean())
        {
            Assert.False(t.is_contiguous(), $"{file}: a Fortran-order file should load as a Fortran-strided tensor");
            Assert.Equal(1, t.stride(0));
        }
        // the same bytes through a stream that cannot seek
        using var s = new OneWayStream(File.ReadAllBytes(Path.Combine(Dir, file)));
        AssertSame(Build(c), np.load(s), file + " (stream)");
    }

    [Theory]
    [MemberData(nameof(NpzCases))]
    public void ReadsNumPyArchives(string file)
    {
        var c = Case(file);
        var z = np.load_npz(Path.Combine(Dir, file));
        var expected = c.GetProperty("arrays").EnumerateObject().ToArray();
        Assert.Equal(expected.Select(p => p.Name), z.files);
        foreach (var p in expected) AssertSame(Build(p.Value), z[p.Name], $"{file}[{p.Name}]");
    }

    [Theory]
    [MemberData(nameof(BytesCases))]
    public void WritesTheBytesNumPyWrites(string file)
    {
        var c = Case(file);
        Tensor t = c.TryGetProperty("source", out var src) ? Build(src) : Build(c);
        if (c.TryGetProperty("transpose", out var tr))
        {
            var d = tr.EnumerateArray().Select(x => x.GetInt64()).ToArray();
            t = t.transpose(d[0], d[1]);
            Assert.False(t.is_contiguous());
        }
        var expected = File.ReadAllBytes(Path.Combine(Dir, file));
        var ms = new MemoryStream();
        np.save(ms, t);
        Assert.Equal(expected, ms.ToArray());

        var dir = TempDir();
        try
        {
            np.save(Path.Combine(dir, "a.npy"), t);
            Assert.Equal(expected, File.ReadAllBytes(Path.Combine(dir, "a.npy")));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void RefusesMalformedOrUnsupportedFiles(string file)
    {
        var c = Case(file);
        var ex = Record.Exception(() => np.load(Path.Combine(Dir, file)));
        Assert.NotNull(ex);
        Assert.Equal(c.GetProperty("type").GetString(), ex.GetType().Name);
        Assert.Contains(c.GetProperty("message").GetString()!, ex.Message);
        // a stream that cannot seek fails the same way (no length to check up front)
        using var s = new OneWayStream(File.ReadAllBytes(Path.Combine(Dir, file)));
        var ex2 = Record.Exception(() => np.load(s));
        Assert.NotNull(ex2);
        Assert.Equal(c.GetProperty("type").GetString(), ex2.GetType().Name);
    }

    private static Tensor Sample(DType dt, params long[] shape)
    {
        long n = shape.Aggregate(1L, (a, b) => a * b);
        var v = Enumerable.Range(0, (int)n).Select(i => (double)((i * 37) % 23) - 11.5).ToArray();
        if (dt == torch.@bool) return torch.from_array(v.Select(x => x > 0).ToArray(), shape);
        var t = torch.from_array(v, shape);
        return dt.is_floating_point ? t.to(dt) : (t + 20).to(dt);
    }

    public static TheoryData<string> NumpyDTypes() => new(DType.All.Where(d => d != DType.BFloat16).Select(d => d.name));

    [Theory]
    [MemberData(nameof(NumpyDTypes))]
    public void RoundTripsEveryDType(string dtype)
    {
        var dt = DT(dtype);
        foreach (var shape in new long[][] { [], [0], [5], [2, 3], [2, 0, 4], [2, 3, 4] })
        {
            var t = Sample(dt, shape);
            var ms = new MemoryStream();
            np.save(ms, t);
            ms.Position = 0;
            AssertSame(t, np.load(ms), $"{dtype} {string.Join("x", shape)}");
            Assert.Equal(ms.Length, ms.Position);
            Assert.Equal(0, (ms.Length - t.numel() * dt.itemsize) % 64);
        }
        // non-contiguous views: transposed, stepped, expanded, offset
        var big = Sample(dt, 4, 6);
        foreach (var v in new[] { big.t(), big.as_strided([4, 3], [6, 2], 1), big.select(1, 2), big.select(0, 0).expand(3, 6), big.narrow(0, 1, 2) })
        {
            var ms = new MemoryStream();
            np.save(ms, v);
            ms.Position = 0;
            AssertSame(v.contiguous(), np.load(ms), $"{dtype} view {v.shape}");
        }
    }

    [Fact]
    public void RefusesBFloat16WithAClearMessage()
    {
        var t = torch.ones([2], dtype: torch.bfloat16);
        var ex = Assert.Throws<NotSupportedException>(() => np.save(new MemoryStream(), t));
        Assert.Contains("bfloat16", ex.Message);
        Assert.Contains("to(torch.float32)", ex.Message);
        Assert.Throws<NotSupportedException>(() => np.savez(new MemoryStream(), new Dictionary<string, Tensor> { ["b"] = t }));
    }

    [Fact]
    public void SaveIsAtomicAndAppendsExtensions()
    {
        var dir = TempDir();
        try
        {
            string p = Path.Combine(dir, "x");
            np.save(p, torch.ones(3));
            Assert.True(File.Exists(p + ".npy"));
            var first = File.ReadAllBytes(p + ".npy");
            // a failed save leaves the old file intact and no temporary file behind
            Assert.Throws<NotSupportedException>(() => np.save(p + ".npy", torch.ones([2], dtype: torch.bfloat16)));
            Assert.Equal(first, File.ReadAllBytes(p + ".npy"));
            // overwriting replaces the whole file
            np.save(p + ".npy", torch.zeros(2, 2));
            AssertSame(torch.zeros(2, 2), np.load(p + ".npy"), "overwrite");
            np.savez(Path.Combine(dir, "z"), torch.ones(1));
            Assert.True(File.Exists(Path.Combine(dir, "z.npz")));
            np.savez_compressed(Path.Combine(dir, "zc.npz"), torch.ones(1));
            Assert.Equal(new[] { "x.npy", "z.npz", "zc.npz" }, Directory.GetFiles(dir).Select(Path.GetFileName).Order().ToArray());
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void SaveFailsCleanlyWhenTheFolderIsMissing()
    {
        string p = Path.Combine(Path.GetTempPath(), "flint-no-such-dir-" + Guid.NewGuid().ToString("N"), "a.npy");
        Assert.Throws<DirectoryNotFoundException>(() => np.save(p, torch.ones(1)));
        Assert.Throws<FileNotFoundException>(() => np.load(Path.Combine(Path.GetTempPath(), "flint-missing-" + Guid.NewGuid().ToString("N") + ".npy")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NpzRoundTripsAndEntriesAreNpyBytes(bool compressed)
    {
        var arrays = new Dictionary<string, Tensor>
        {
            ["weights"] = Sample(torch.float32, 30, 40).t(),
            ["ids"] = Sample(torch.int64, 5),
            ["flag"] = torch.tensor(true),
            ["h"] = Sample(torch.float16, 2, 0),
        };
        var ms = new MemoryStream();
        if (compressed) np.savez_compressed(ms, arrays); else np.savez(ms, arrays);
        ms.Position = 0;
        var z = np.load_npz(ms);
        Assert.Equal(arrays.Keys, z.files);
        Assert.Equal(4, z.Count);
        foreach (var (k, v) in arrays) AssertSame(v.contiguous(), z[k], k);
        var kex = Assert.Throws<KeyNotFoundException>(() => z["nope"]);
        Assert.Equal("nope is not a file in the archive", kex.Message);

        ms.Position = 0;
        using var zip = new ZipArchive(ms, ZipArchiveMode.Read);
        Assert.Equal(arrays.Keys.Select(k => k + ".npy"), zip.Entries.Select(e => e.FullName));
        foreach (var e in zip.Entries)
        {
            var one = new MemoryStream();
            np.save(one, arrays[e.FullName[..^4]]);
            var got = new MemoryStream();
            using (var es = e.Open()) es.CopyTo(got);
            Assert.Equal(one.ToArray(), got.ToArray());
            if (compressed && e.Length > 200) Assert.True(e.CompressedLength < e.Length, e.FullName);
            if (!compressed) Assert.Equal(e.Length, e.CompressedLength);
        }
    }

    [Fact]
    public void NpzPositionalNamesAndErrors()
    {
        var ms = new MemoryStream();
        np.savez(ms, torch.ones(2), torch.zeros(3));
        ms.Position = 0;
        Assert.Equal(new[] { "arr_0", "arr_1" }, np.load_npz(ms).files);

        var ex = Assert.Throws<InvalidDataException>(() => np.load_npz(new MemoryStream([1, 2, 3, 4, 5])));
        Assert.Contains(".npz", ex.Message);
        var npzAsNpy = Assert.Throws<InvalidDataException>(() => np.load(Path.Combine(Dir, "read_plain.npz")));
        Assert.Contains("np.load_npz", npzAsNpy.Message);

        // an archive whose entry is cut short names the entry
        var bad = new MemoryStream();
        using (var zip = new ZipArchive(bad, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var es = zip.CreateEntry("w.npy").Open();
            var full = new MemoryStream();
            np.save(full, torch.ones(10));
            es.Write(full.ToArray().AsSpan(0, (int)full.Length - 4));
        }
        bad.Position = 0;
        var ex2 = Assert.Throws<InvalidDataException>(() => np.load_npz(bad));
        Assert.Contains("w.npy", ex2.Message);
        Assert.Contains("EOF", ex2.Message);
    }

    [Fact]
    public void LoadedTensorsOwnTheirMemory()
    {
        var ms = new MemoryStream();
        np.save(ms, torch.from_array(new long[] { 0, 1, 2, 3 }, 4).clone());
        ms.Position = 0;
        var t = np.load(ms);
        t.add_(1);   // resizable, writable, independent of the stream
        Assert.Equal(new long[] { 1, 2, 3, 4 }, t.ToArray<long>());
    }

    private static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "flint-npy-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }
}

using Flint.Tests.Support;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Flint;
using Xunit;

namespace Flint.Tests.IO;

/// <summary>Replays tools/refs/gen_checkpoints.py: checkpoints PyTorch wrote, the bytes it writes, and malformed files.</summary>
public class CheckpointTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "References", "pt");
    private static readonly Lazy<JsonElement[]> Cases = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "manifest.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(e => e.Clone()).ToArray();
    });

    private static TheoryData<string> Names(string kind)
    {
        var d = new TheoryData<string>();
        foreach (var c in Cases.Value) if (c.GetProperty("kind").GetString() == kind) d.Add(c.GetProperty("file").GetString()!);
        return d;
    }

    public static TheoryData<string> ReadCases() => Names("read");
    public static TheoryData<string> ErrorCases() => Names("error");

    private static JsonElement Case(string file) => Cases.Value.Single(c => c.GetProperty("file").GetString() == file);

    // ---------------- comparing a loaded object with its description ----------------

    private sealed class Comparison
    {
        public readonly List<string> Errors = [];
        private readonly Dictionary<int, Storage> byId = [];
        private readonly Dictionary<Storage, int> idOf = new(ReferenceEqualityComparer.Instance);

        public void Check(JsonElement e, object? a, string path)
        {
            if (e.ValueKind == JsonValueKind.Null) { if (a is not null) Fail(path, $"expected None, got {a}"); return; }
            var prop = e.EnumerateObject().First();
            var v = prop.Value;
            switch (prop.Name)
            {
                case "int":
                    if (a is not long l || l != v.GetInt64()) Fail(path, $"expected int {v}, got {Show(a)}");
                    break;
                case "float":
                    {
                        double x = Num(v);
                        if (a is not double d || !(BitConverter.DoubleToInt64Bits(d) == BitConverter.DoubleToInt64Bits(x) || (double.IsNaN(d) && double.IsNaN(x))))
                            Fail(path, $"expected float {x}, got {Show(a)}");
                        break;
                    }
                case "str":
                    if (a is not string s || s != v.GetString()) Fail(path, $"expected str '{v.GetString()}', got {Show(a)}");
                    break;
                case "bool":
                    if (a is not bool b || b != v.GetBoolean()) Fail(path, $"expected bool {v}, got {Show(a)}");
                    break;
                case "size":
                    if (a is not Size sz || !sz.SequenceEqual(v.EnumerateArray().Select(x => x.GetInt64()))) Fail(path, $"expected torch.Size({v}), got {Show(a)}");
                    break;
                case "list":
                    if (a is not List<object?> list) { Fail(path, $"expected a list, got {Show(a)}"); break; }
                    CheckSeq(v, list, path);
                    break;
                case "tuple":
                    if (a is not object?[] tuple) { Fail(path, $"expected a tuple, got {Show(a)}"); break; }
                    CheckSeq(v, tuple, path);
                    break;
                case "dict":
                    {
                        List<KeyValuePair<object, object?>> pairs;
                        if (a is Dictionary<string, object?> sd) pairs = sd.Select(kv => new KeyValuePair<object, object?>(kv.Key, kv.Value)).ToList();
                        else if (a is Dictionary<object, object?> od) pairs = od.ToList();
                        else { Fail(path, $"expected a dict, got {Show(a)}"); break; }
                        var items = v.EnumerateArray().ToArray();
                        if (items.Length != pairs.Count) { Fail(path, $"expected {items.Length} items, got {pairs.Count}"); break; }
                        for (int i = 0; i < items.Length; i++)
                        {
                            Check(items[i][0], pairs[i].Key, $"{path}.key[{i}]");
                            Check(items[i][1], pairs[i].Value, $"{path}[{pairs[i].Key}]");
                        }
                        break;
                    }
                case "tensor":
                    CheckTensor(v, a, path);
                    break;
                default:
                    Fail(path, $"unknown description {prop.Name}");
                    break;
            }
        }

        private void CheckSeq(JsonElement v, IList<object?> items, string path)
        {
            var e = v.EnumerateArray().ToArray();
            if (e.Length != items.Count) { Fail(path, $"expected {e.Length} items, got {items.Count}"); return; }
            for (int i = 0; i < e.Length; i++) Check(e[i], items[i], $"{path}[{i}]");
        }

        private void CheckTensor(JsonElement v, object? a, string path)
        {
            if (a is not Tensor t) { Fail(path, $"expected a tensor, got {Show(a)}"); return; }
            string dt = v.GetProperty("dtype").GetString()!;
            if (t.dtype.name != dt) { Fail(path, $"dtype {t.dtype}, expected {dt}"); return; }
            var shape = Longs(v.GetProperty("shape"));
            if (!t.shape.SequenceEqual(shape)) Fail(path, $"shape {t.shape}, expected [{string.Join(", ", shape)}]");
            if (!t.stride().SequenceEqual(Longs(v.GetProperty("stride")))) Fail(path, $"stride [{string.Join(", ", t.stride())}], expected {v.GetProperty("stride")}");
            if (t.storage_offset() != v.GetProperty("offset").GetInt64()) Fail(path, $"offset {t.storage_offset()}, expected {v.GetProperty("offset")}");
            if (t.requires_grad != v.GetProperty("requires_grad").GetBoolean()) Fail(path, $"requires_grad {t.requires_grad}");
            if ((t is Parameter) != v.GetProperty("parameter").GetBoolean()) Fail(path, $"is Parameter: {t is Parameter}");
            long numel = v.GetProperty("storage_numel").GetInt64();
            if (numel > 0)
            {
                if (t.untyped_storage().Count != numel) Fail(path, $"storage holds {t.untyped_storage().Count} elements, expected {numel}");
                int id = v.GetProperty("storage").GetInt32();
                var st = t.untyped_storage();
                if (byId.TryGetValue(id, out var known) && !ReferenceEquals(known, st)) Fail(path, $"should share storage {id} with an earlier tensor");
                if (idOf.TryGetValue(st, out var knownId) && knownId != id) Fail(path, $"shares a storage it should not (with storage {knownId})");
                byId[id] = st; idOf[st] = id;
            }
            var data = v.GetProperty("data").EnumerateArray().ToArray();
            if (t.dtype.is_floating_point)
            {
                var got = t.detach().ToArray<double>();
                for (int i = 0; i < data.Length; i++)
                {
                    double x = Num(data[i]);
                    if (!(BitConverter.DoubleToInt64Bits(got[i]) == BitConverter.DoubleToInt64Bits(x) || (double.IsNaN(got[i]) && double.IsNaN(x))))
                    { Fail(path, $"element {i} is {got[i]}, expected {x}"); break; }
                }
            }
            else if (t.dtype == torch.@bool)
            {
                if (!t.ToArray<bool>().SequenceEqual(data.Select(x => x.GetBoolean()))) Fail(path, "bool values differ");
            }
            else if (!t.ToArray<long>().SequenceEqual(data.Select(x => x.GetInt64()))) Fail(path, "integer values differ");
        }

        private void Fail(string path, string msg) => Errors.Add($"{path}: {msg}");
        private static string Show(object? a) => a is null ? "None" : $"{a.GetType().Name} {a}";
    }

    private static long[] Longs(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt64()).ToArray();

    private static double Num(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? e.GetString() switch { "nan" => double.NaN, "inf" => double.PositiveInfinity, _ => double.NegativeInfinity }
        : e.GetDouble();

    private static void AssertMatches(string file, object? loaded, string how)
    {
        var cmp = new Comparison();
        cmp.Check(Case(file).GetProperty("object"), loaded, "$");
        Assert.True(cmp.Errors.Count == 0, $"{file} ({how}):\n" + string.Join("\n", cmp.Errors.Take(30)));
    }

    // ---------------- reading ----------------

    [Theory]
    [MemberData(nameof(ReadCases))]
    public void LoadsWhatPyTorchWrote(string file)
    {
        var path = Path.Combine(Dir, file);
        AssertMatches(file, torch.load(path), "file");
        using var s = new OneWayStream(File.ReadAllBytes(path));
        AssertMatches(file, torch.load(s), "non-seekable stream");
    }

    /// <summary>Flint saves what it loaded; loading Flint's file gives the same objects (sharing included).</summary>
    [Theory]
    [MemberData(nameof(ReadCases))]
    public void RoundTrips(string file)
    {
        var obj = torch.load(Path.Combine(Dir, file));
        var ms = new MemoryStream();
        torch.save(obj, ms);
        ms.Position = 0;
        AssertMatches(file, torch.load(ms), "Flint round trip");
        // For checking by hand with PyTorch: FLINT_CHECKPOINT_OUT=dir, then gen_checkpoints.py --verify dir/flint_*.pt
        if (Environment.GetEnvironmentVariable("FLINT_CHECKPOINT_OUT") is { Length: > 0 } outDir)
        {
            Directory.CreateDirectory(outDir);
            torch.save(obj, Path.Combine(outDir, "flint_" + file));
        }
    }

    [Fact]
    public void WritesTheBytesPyTorchWrites()
    {
        const string file = "bytes_state_dict.pt";
        var desc = Case(file).GetProperty("object").GetProperty("dict");
        var sd = new Dictionary<string, Tensor>();
        foreach (var kv in desc.EnumerateArray())
        {
            var t = kv[1].GetProperty("tensor");
            var dt = DType.All.Single(d => d.name == t.GetProperty("dtype").GetString());
            var shape = Longs(t.GetProperty("shape"));
            var data = t.GetProperty("data").EnumerateArray().ToArray();
            Tensor x = dt.is_floating_point ? torch.from_array(data.Select(Num).ToArray(), shape).to(dt)
                : dt == torch.@bool ? torch.from_array(data.Select(e => e.GetBoolean()).ToArray(), shape)
                : torch.from_array(data.Select(e => e.GetInt64()).ToArray(), shape).to(dt);
            sd[kv[0].GetProperty("str").GetString()!] = x;
        }
        var dir = Directory.CreateTempSubdirectory("flint_pt");
        try
        {
            var path = Path.Combine(dir.FullName, file);
            torch.save(sd, path);
            var expected = File.ReadAllBytes(Path.Combine(Dir, file));
            var actual = File.ReadAllBytes(path);
            int first = Enumerable.Range(0, Math.Min(expected.Length, actual.Length)).FirstOrDefault(i => expected[i] != actual[i], -1);
            Assert.True(expected.Length == actual.Length && first < 0,
                $"Flint wrote {actual.Length} bytes, PyTorch {expected.Length}; first difference at byte {first}");
            Assert.Single(Directory.GetFiles(dir.FullName));   // no temporary file left behind
        }
        finally { dir.Delete(true); }
    }

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void RefusesMalformedFiles(string file)
    {
        string expected = Case(file).GetProperty("error").GetString()!;
        var bytes = File.ReadAllBytes(Path.Combine(Dir, file));
        var e = Record.Exception(() => torch.load(new MemoryStream(bytes)));
        Assert.NotNull(e);
        Assert.True(e.GetType().Name == expected, $"{file}: {e.GetType().Name}: {e.Message}, expected {expected}");
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
    }

    [Fact]
    public void EveryTruncationOfAFileFailsWithATypedError()
    {
        var bytes = File.ReadAllBytes(Path.Combine(Dir, "read_nested.pt"));
        var legacy = File.ReadAllBytes(Path.Combine(Dir, "legacy_views.pt"));
        foreach (var src in new[] { bytes, legacy })
            for (int n = 0; n < src.Length; n += 7)
            {
                var e = Record.Exception(() => torch.load(new MemoryStream(src, 0, n)));
                Assert.True(e is InvalidDataException or UnpicklingError, $"prefix {n}: {e?.GetType().Name}: {e?.Message}");
            }
    }

    [Fact]
    public void UnknownGlobalIsNamed()
    {
        var e = Assert.Throws<UnpicklingError>(() => torch.load(Path.Combine(Dir, "bad_global.pt")));
        Assert.Contains("posix.system", e.Message);
    }

    // ---------------- semantics ----------------

    [Fact]
    public void LoadedViewsShareTheirStorage()
    {
        var d = (Dictionary<string, object?>)torch.load(Path.Combine(Dir, "read_views.pt"))!;
        var b = (Tensor)d["base"]!; var row = (Tensor)d["row"]!;
        Assert.Same(b.untyped_storage(), row.untyped_storage());
        b.fill_(9.0);
        Assert.All(row.ToArray<float>(), x => Assert.Equal(9f, x));
    }

    [Fact]
    public void SharedStoragesAreWrittenOnce()
    {
        var a = torch.arange(100, dtype: torch.float32);
        var ms = new MemoryStream();
        torch.save(new object?[] { a, a.narrow(0, 10, 10), a.view(10, 10) }, ms);
        ms.Position = 0;
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Read, leaveOpen: true))
            Assert.Equal(new[] { "archive/data.pkl", "archive/data/0", "archive/version" }, zip.Entries.Select(e => e.FullName).ToArray());
        ms.Position = 0;
        var t = (object?[])torch.load(ms)!;
        Assert.Same(((Tensor)t[0]!).untyped_storage(), ((Tensor)t[2]!).untyped_storage());
        Assert.Equal(10, ((Tensor)t[1]!).storage_offset());
    }

    [Fact]
    public void WritesPyTorchsZipLayout()
    {
        var ms = new MemoryStream();
        torch.save(new Dictionary<string, Tensor> { ["w"] = torch.ones(3), ["b"] = torch.zeros(2, dtype: torch.int64) }, ms);
        var bytes = ms.ToArray();
        var names = new List<string>();
        int pos = 0;
        while (BitConverter.ToUInt32(bytes, pos) == 0x04034b50)
        {
            Assert.Equal(0x0808, BitConverter.ToUInt16(bytes, pos + 6));   // data descriptor, UTF-8
            Assert.Equal(0, BitConverter.ToUInt16(bytes, pos + 8));        // stored
            int nameLen = BitConverter.ToUInt16(bytes, pos + 26), extraLen = BitConverter.ToUInt16(bytes, pos + 28);
            names.Add(Encoding.UTF8.GetString(bytes, pos + 30, nameLen));
            Assert.Equal("FB", Encoding.ASCII.GetString(bytes, pos + 30 + nameLen, 2));
            int data = pos + 30 + nameLen + extraLen;
            Assert.Equal(0, data % 64);
            using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
            long size = zip.GetEntry(names[^1])!.Length;
            pos = data + (int)size + 16;
        }
        Assert.Equal(new[] { "archive/data.pkl", "archive/data/0", "archive/data/1", "archive/version" }, names);
        using var z2 = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
        using var v = new StreamReader(z2.GetEntry("archive/version")!.Open());
        Assert.Equal("3\n", v.ReadToEnd());
    }

    [Fact]
    public void SaveIsAtomicAndFailsBeforeWriting()
    {
        var dir = Directory.CreateTempSubdirectory("flint_pt");
        try
        {
            var path = Path.Combine(dir.FullName, "ckpt.pt");
            torch.save(torch.ones(2), path);
            var before = File.ReadAllBytes(path);
            Assert.Throws<ArgumentException>(() => torch.save(new object?[] { torch.zeros(3), new object() }, path));
            Assert.Equal(before, File.ReadAllBytes(path));
            Assert.Single(Directory.GetFiles(dir.FullName));
            using var zip = ZipFile.OpenRead(path);
            Assert.Equal("ckpt/data.pkl", zip.Entries[0].FullName);   // the archive folder is named after the file, as PyTorch does
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void StateDictsSaveAsOrderedDictAndLoadIntoAModule()
    {
        var a = torch.nn.Linear(3, 2);
        var ms = new MemoryStream();
        torch.save(a.state_dict(), ms);
        ms.Position = 0;
        var b = torch.nn.Linear(3, 2);
        var (missing, unexpected) = b.load_state_dict((Dictionary<string, object?>)torch.load(ms)!);
        Assert.Empty(missing); Assert.Empty(unexpected);
        Assert.Equal(a.weight.ToArray<float>(), b.weight.ToArray<float>());
        ms.Position = 0;
        var sd = torch.load_state_dict(ms);
        Assert.Equal(new[] { "weight", "bias" }, sd.Keys.ToArray());
        Assert.Throws<InvalidDataException>(() => torch.load_state_dict(Path.Combine(Dir, "read_nested.pt")));
    }

    private sealed class FakeConv : torch.nn.Module
    {
        public Parameter weight = new(torch.zeros(3, 2, 3, 3));
        public Parameter bias = new(torch.zeros(3));
    }

    private sealed class Small : torch.nn.Module
    {
        public FakeConv conv = new();
        public torch.nn.Module bn = torch.nn.BatchNorm2d(3);
        public torch.nn.Module fc = torch.nn.Linear(4, 2);
    }

    [Fact]
    public void PyTorchStateDictLoadsIntoAFlintModel()
    {
        var m = new Small();
        var loaded = (Dictionary<string, object?>)torch.load(Path.Combine(Dir, "read_state_dict.pt"))!;
        m.load_state_dict(loaded);
        var sd = m.state_dict();
        foreach (var (k, v) in loaded)
            Assert.Equal(((Tensor)v!).to(torch.float64).ToArray<double>(), sd[k].to(torch.float64).ToArray<double>());
        loaded["fc.weight"] = "not a tensor";
        Assert.Throws<ArgumentException>(() => m.load_state_dict(loaded));
    }

    [Fact]
    public void RefusesToLoadOnAMissingCudaDevice()
    {
        if (torch.cuda.is_available()) return;
        var bytes = File.ReadAllBytes(Path.Combine(Dir, "read_top_tensor.pt"));
        // a cuda location needs a GPU unless map_location says otherwise; rebuild the archive with the location changed
        var src = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
        var outMs = new MemoryStream();
        using (var dst = new ZipArchive(outMs, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var e in src.Entries)
            {
                using var r = e.Open(); var buf = new MemoryStream(); r.CopyTo(buf);
                var data = buf.ToArray();
                if (e.FullName.EndsWith("data.pkl")) data = Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(data).Replace("X\u0003\0\0\0cpu", "X\u0006\0\0\0cuda:0"));
                using var w = dst.CreateEntry(e.FullName, CompressionLevel.Optimal).Open(); w.Write(data);
            }
        outMs.Position = 0;
        var ex = Assert.Throws<InvalidOperationException>(() => torch.load(outMs));
        Assert.Contains("torch.cuda.is_available() is False", ex.Message);
        outMs.Position = 0;
        var t = (Tensor)torch.load(outMs, map_location: "cpu")!;   // also reads a deflate-compressed archive
        Assert.Equal(new long[] { 3, 2 }, t.shape.ToArray());
    }

    [Fact]
    public void SavesPlainData()
    {
        var obj = new Dictionary<string, object?>
        {
            ["n"] = 5, ["big"] = long.MinValue, ["x"] = 2.5, ["s"] = "hé", ["none"] = null, ["flag"] = true,
            ["list"] = new List<object?> { 1, "a", new object?[] { 2L, 3.0 } }, ["tuple"] = (1, "b"),
            ["size"] = new Size(2, 3), ["ints"] = new long[] { 4, 5 },
        };
        var ms = new MemoryStream();
        torch.save(obj, ms);
        ms.Position = 0;
        var d = (Dictionary<string, object?>)torch.load(ms)!;
        Assert.Equal(5L, d["n"]); Assert.Equal(long.MinValue, d["big"]); Assert.Equal(2.5, d["x"]); Assert.Equal("hé", d["s"]);
        Assert.Null(d["none"]); Assert.Equal(true, d["flag"]);
        var list = (List<object?>)d["list"]!;
        Assert.Equal(1L, list[0]); Assert.Equal("a", list[1]); Assert.Equal(new object?[] { 2L, 3.0 }, (object?[])list[2]!);
        Assert.Equal(new object?[] { 1L, "b" }, (object?[])d["tuple"]!);
        Assert.Equal(new Size(2, 3), d["size"]);
        Assert.Equal(new List<object?> { 4L, 5L }, d["ints"]);
        Assert.Throws<ArgumentException>(() => torch.save(new Uri("http://x"), new MemoryStream()));
    }
}

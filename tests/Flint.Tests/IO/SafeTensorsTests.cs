using System.Text.Json;
using Flint;
using Flint.IO;
using Flint.Tests.Support;
using Xunit;

namespace Flint.Tests.IO;

public class SafeTensorsTests
{
    private static string Dir => Path.Combine(AppContext.BaseDirectory, "References", "safetensors");

    [Fact]
    public void ReadsAFileWrittenInPython()
    {
        var loaded = SafeTensors.Load(Path.Combine(Dir, "all_dtypes.safetensors"), out var meta);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "expected.json")));
        Assert.Equal("pt", meta["format"]);
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(names.OrderBy(n => n), loaded.Keys.OrderBy(n => n));
        foreach (var p in doc.RootElement.EnumerateObject())
            Reference.AssertClose(Reference.Tensor(p.Value), loaded[p.Name], p.Name, rtol: 0, atol: 0);
    }

    [Fact]
    public void RoundTripsEveryDtypeAndViews()
    {
        var tensors = new Dictionary<string, Tensor>();
        foreach (var dt in DType.All)
            tensors[dt.name] = torch.arange(12).reshape(3, 4).to(dt).t();   // non-contiguous on purpose
        tensors["scalar"] = torch.tensor(3.25);
        tensors["empty"] = torch.zeros(0, 2);
        var path = Path.Combine(Path.GetTempPath(), $"flint-st-{Guid.NewGuid():N}.safetensors");
        try
        {
            torch.save(tensors, path);
            var back = torch.load_safetensors(path);
            Assert.Equal(tensors.Keys, back.Keys);
            foreach (var (k, v) in tensors) Reference.AssertClose(v, back[k], k, rtol: 0, atol: 0);
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}*.tmp"));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void TruncatedOrCorruptFilesGiveClearErrors()
    {
        var bytes = File.ReadAllBytes(Path.Combine(Dir, "all_dtypes.safetensors"));
        var cut = new MemoryStream(bytes[..(bytes.Length - 10)]);
        var e1 = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(cut));
        Assert.Contains("truncated", e1.Message);
        var garbage = new MemoryStream([1, 2, 3]);
        Assert.Throws<InvalidDataException>(() => SafeTensors.Load(garbage));
        var badJson = new MemoryStream([4, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'x', (byte)'y', (byte)'z']);
        Assert.Contains("JSON", Assert.Throws<InvalidDataException>(() => SafeTensors.Load(badJson)).Message);
    }

    [Fact]
    public void AFailedSaveLeavesTheOldFileIntact()
    {
        var path = Path.Combine(Path.GetTempPath(), $"flint-st-{Guid.NewGuid():N}.safetensors");
        try
        {
            torch.save(new Dictionary<string, Tensor> { ["a"] = torch.ones(2) }, path);
            var before = File.ReadAllBytes(path);
            Assert.ThrowsAny<Exception>(() => torch.save(new Dictionary<string, Tensor> { ["__metadata__"] = torch.ones(2) }, path));
            Assert.Equal(before, File.ReadAllBytes(path));
        }
        finally { File.Delete(path); }
    }
}

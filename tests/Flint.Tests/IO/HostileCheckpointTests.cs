using System.Text.Json;
using Xunit;

namespace Flint.Tests.IO;

/// <summary>
/// Checkpoints written by PyTorch whose tensors claim layouts their storage cannot hold
/// (tools/refs/gen_hostile_pt.py): each fails with the loader's typed error and PyTorch's text, never a tensor
/// that reaches past its storage.
/// </summary>
public class HostileCheckpointTests
{
    private static string Dir => Path.Combine(AppContext.BaseDirectory, "References", "pt", "hostile");

    public static TheoryData<string> Names()
    {
        var d = new TheoryData<string>();
        foreach (var c in Cases()) d.Add(c.GetProperty("name").GetString()!);
        return d;
    }

    private static IEnumerable<JsonElement> Cases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "cases.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void LoadsAsPyTorchOrFailsTyped(string name)
    {
        var rec = Cases().Single(c => c.GetProperty("name").GetString() == name);
        var path = Path.Combine(Dir, name + ".pt");
        if (rec.TryGetProperty("error", out var err))
        {
            var ex = Assert.Throws<UnpicklingError>(() => torch.load(path));
            string expected = err.GetString()!;
            // PyTorch tries to grow a storage the file gave it and fails; Flint says which layout does not fit
            if (expected == "Trying to resize storage that is not resizable") expected = "are out of bounds for storage of size 40";
            Assert.Contains(expected, ex.Message);
            return;
        }
        var t = (Tensor)torch.load(path)!;
        Assert.Equal(rec.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray(), t.shape.ToArray());
        Assert.Equal(rec.GetProperty("data").EnumerateArray().Select(x => (float)x.GetDouble()).ToArray(), t.reshape(-1).ToArray<float>());
    }
}

using System.Text.Json;
using Flint.Tests.Support;

namespace Flint.Tests.Nn;

/// <summary>The records of References/nn.json (tools/refs/gen_nn.py) grouped by kind, and a failure collector.</summary>
internal static class NnRecords
{
    private static readonly Lazy<JsonElement[]> s_all = new(() => Reference.Cases("nn"));

    public static IEnumerable<JsonElement> Of(string kind) => s_all.Value.Where(c => c.GetProperty("kind").GetString() == kind);

    public static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();
    public static long[] Longs(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt64()).ToArray();
    public static string[] Strings(JsonElement e) => e.EnumerateArray().Select(x => x.GetString()!).ToArray();
}

/// <summary>Runs every record, collecting failures, and fails once at the end with all of them.</summary>
internal sealed class Failures
{
    private readonly List<string> messages = [];
    public int Count { get; private set; }

    public void Run(string context, Action check)
    {
        Count++;
        try { check(); }
        catch (Exception ex) { messages.Add($"{context}: {ex.GetType().Name}: {ex.Message}"); }
    }

    public void ThrowIfAny()
    {
        if (messages.Count > 0)
            throw new Xunit.Sdk.XunitException($"{messages.Count} of {Count} records failed:\n" + string.Join("\n", messages));
        Xunit.Assert.True(Count > 0, "no records were checked");
    }
}

/// <summary>Tests that seed torch's global generator and compare draws: they run alone, not beside other tests.</summary>
[Xunit.CollectionDefinition("GlobalGenerator", DisableParallelization = true)]
public sealed class GlobalGeneratorCollection { }

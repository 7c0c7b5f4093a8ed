using System.Text.Json;
using Flint.Tests.Support;
using Xunit;

namespace Flint.Tests.Optim;

/// <summary>The records of References/optim.json (tools/refs/gen_optim.py) by kind and key.</summary>
internal static class OptimRecords
{
    public static TheoryData<string> Keys(string kind) => Reference.CaseNames("optim", c => c.GetProperty("kind").GetString() == kind);

    public static JsonElement Case(string key) => Reference.Case("optim", key);

    public static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();

    public static double D(JsonElement kw, string k, double d) => kw.TryGetProperty(k, out var v) ? v.GetDouble() : d;
    public static long L(JsonElement kw, string k, long d) => kw.TryGetProperty(k, out var v) ? v.GetInt64() : d;
    public static bool B(JsonElement kw, string k, bool d = false) => kw.TryGetProperty(k, out var v) ? v.GetBoolean() : d;
    public static string S(JsonElement kw, string k, string d) => kw.TryGetProperty(k, out var v) ? v.GetString()! : d;

    /// <summary>
    /// Checks that every number, string, bool and null PyTorch saved in a state dict is in Flint's under the same key
    /// (numbers within 1e-12); values PyTorch saves as objects Flint cannot hold (functions) are not compared.
    /// </summary>
    public static void AssertStateMatches(JsonElement expected, object? actual, string where)
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var d = Assert.IsAssignableFrom<IDictionary<string, object?>>(actual);
                foreach (var p in expected.EnumerateObject())
                {
                    Assert.True(d.ContainsKey(p.Name), $"{where}: Flint's state dict has no '{p.Name}' (has {string.Join(", ", d.Keys)})");
                    AssertStateMatches(p.Value, d[p.Name], $"{where}['{p.Name}']");
                }
                break;
            case JsonValueKind.Array:
                var items = Assert.IsAssignableFrom<System.Collections.IEnumerable>(actual).Cast<object?>().ToArray();
                Assert.Equal(expected.GetArrayLength(), items.Length);
                int i = 0;
                foreach (var x in expected.EnumerateArray()) { AssertStateMatches(x, items[i], $"{where}[{i}]"); i++; }
                break;
            case JsonValueKind.Number:
                double a = Convert.ToDouble(actual, System.Globalization.CultureInfo.InvariantCulture), e = expected.GetDouble();
                Assert.True(Math.Abs(a - e) <= 1e-12 + 1e-12 * Math.Abs(e), $"{where}: {a:R} != {e:R}");
                break;
            case JsonValueKind.String:
                Assert.Equal(expected.GetString(), Assert.IsType<string>(actual));
                break;
            case JsonValueKind.True or JsonValueKind.False:
                Assert.Equal(expected.GetBoolean(), Assert.IsType<bool>(actual));
                break;
            case JsonValueKind.Null:
                Assert.Null(actual);
                break;
        }
    }
}

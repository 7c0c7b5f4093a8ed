using System.Text.Json;
using Flint.Tests.Support;
using Xunit;

namespace Flint.Tests.Nn;

/// <summary>The records of References/nn.json (tools/refs/gen_nn.py) by kind and key, and the gradient comparison.</summary>
internal static class NnRecords
{
    /// <summary>The keys of the records of one kind, as theory rows (see <see cref="Reference.CaseNames"/>).</summary>
    public static TheoryData<string> Keys(string kind) => Reference.CaseNames("nn", c => c.GetProperty("kind").GetString() == kind);

    /// <summary>The record with the given key.</summary>
    public static JsonElement Case(string key) => Reference.Case("nn", key);

    public static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();
    public static long[] Longs(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt64()).ToArray();
    public static string[] Strings(JsonElement e) => e.EnumerateArray().Select(x => x.GetString()!).ToArray();

    /// <summary>A record's "inputs" as tensors, those its "grad" flags mark requiring grad, with the flags.</summary>
    public static (Tensor[] ins, bool[] grad) Inputs(JsonElement c)
    {
        var grad = c.GetProperty("grad").EnumerateArray().Select(x => x.GetBoolean()).ToArray();
        var ins = c.GetProperty("inputs").EnumerateArray().Select(Reference.Tensor).ToArray();
        for (int k = 0; k < ins.Length; k++) if (grad[k]) ins[k].requires_grad_();
        return (ins, grad);
    }

    /// <summary>
    /// Where a record has "grads": backpropagates its "gout" through <paramref name="output"/> and compares the
    /// gradients of the inputs marked in <paramref name="grad"/> with PyTorch's (a None gradient may come back as
    /// null or zeros).
    /// </summary>
    public static void AssertGradients(JsonElement c, Tensor output, Tensor[] ins, bool[] grad)
    {
        if (!c.TryGetProperty("grads", out var gradsE)) return;
        var gout = Reference.Tensor(c.GetProperty("gout"));
        var wanted = ins.Where((_, k) => grad[k]).ToArray();
        var got = torch.autograd.grad([output], wanted, [gout], allow_unused: true);
        var exp = gradsE.EnumerateArray().Where((_, k) => grad[k]).ToArray();
        for (int k = 0; k < wanted.Length; k++)
        {
            if (exp[k].ValueKind == JsonValueKind.Null) { Assert.True(got[k] is null || got[k]!.eq(0).all().item<bool>(), $"grad {k} should be None"); continue; }
            Assert.True(got[k] is not null, $"grad {k} is null");
            Reference.AssertClose(Reference.Tensor(exp[k]), got[k]!, $"grad {k}", rtol: 1e-5, atol: 1e-5);
        }
    }
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

using System.Reflection;
using Flint;
using Flint.Tests.Support;
using Xunit;

namespace Flint.Tests.Variants;

/// <summary>
/// Every public in-place method (a <see cref="Tensor"/> method or a <c>torch</c> function whose name ends in '_') must
/// have a non-leaf record in the variants table (tools/refs/gen_variants.py), which <see cref="VariantsTests"/> replays:
/// PyTorch's grad_fn, values and gradients when the method runs on a tensor in the graph, or PyTorch's error. A new
/// in-place method cannot escape the table: this test names it until it has a record or a reasoned exemption.
/// </summary>
public class InPlaceCoverageTests
{
    /// <summary>Public in-place methods that are not differentiable ops on values, each with the reason.</summary>
    private static readonly Dictionary<string, string> Exempt = new()
    {
        ["requires_grad_"] = "sets the autograd flag of a leaf; it computes nothing (leaf-only rules are tested in the autograd tests)",
        ["set_"] = "swaps self's storage and layout for another's; PyTorch defines no derivative for it (\"derivative for set_ is not implemented\")",
    };

    private static IEnumerable<string> PublicInPlaceNames() =>
        typeof(Tensor).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Concat(typeof(torch).GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => !m.IsSpecialName && m.Name.EndsWith('_') && !m.Name.StartsWith('_'))
            .Select(m => m.Name)
            .Distinct();

    private static HashSet<string> Recorded() =>
        Reference.Cases("variants")
            .Where(c => c.TryGetProperty("nonleaf", out _))
            .Select(c => c.GetProperty("nonleaf").GetProperty("method").GetString()!)
            .ToHashSet();

    [Fact]
    public void EveryPublicInPlaceMethodHasANonLeafRecord()
    {
        var recorded = Recorded();
        var missing = PublicInPlaceNames().Where(n => !recorded.Contains(n) && !Exempt.ContainsKey(n)).Order().ToList();
        Assert.True(missing.Count == 0,
            $"{missing.Count} public in-place methods have no non-leaf record in tools/refs/gen_variants.py (add a case, or an exemption with its reason):\n"
            + string.Join("\n", missing));
    }

    [Fact]
    public void ExemptionsAreRealAndNotRecorded()
    {
        var names = PublicInPlaceNames().ToHashSet();
        var recorded = Recorded();
        foreach (var (name, reason) in Exempt)
        {
            Assert.True(names.Contains(name), $"exempt {name} is not a public in-place method");
            Assert.False(recorded.Contains(name), $"{name} has a record: drop its exemption");
            Assert.False(string.IsNullOrWhiteSpace(reason));
        }
    }

    [Fact]
    public void EveryRecordNamesAPublicMethod()
    {
        var names = PublicInPlaceNames().ToHashSet();
        var unknown = Recorded().Where(n => !names.Contains(n)).Order().ToList();
        Assert.True(unknown.Count == 0, "non-leaf records for methods Flint does not have:\n" + string.Join("\n", unknown));
    }
}

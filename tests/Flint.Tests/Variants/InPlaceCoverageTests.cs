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

    /// <summary>Overloads of recorded methods that no PyTorch call selects, each with the reason.</summary>
    private static readonly Dictionary<string, string> ExemptOverloads = new()
    {
        ["Tensor.index_put_(Tensor[] indices, Scalar value, Boolean accumulate)"] =
            "a C# convenience for a 0-dim values tensor (PyTorch's index_put_ takes a tensor): it calls the Tensor overload, which the records cover",
    };

    private static IEnumerable<MethodInfo> PublicInPlaceMethods() =>
        typeof(Tensor).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Concat(typeof(torch).GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => !m.IsSpecialName && m.Name.EndsWith('_') && !m.Name.StartsWith('_'));

    private static IEnumerable<string> PublicInPlaceNames() => PublicInPlaceMethods().Select(m => m.Name).Distinct();

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
    public void EveryPublicInPlaceOverloadIsCalledByARecord()
    {
        var called = VariantsTests.InPlaceOverloadsCalled().ToHashSet();
        var missing = PublicInPlaceMethods()
            .Where(m => !Exempt.ContainsKey(m.Name) && !called.Contains(m))
            .Select(Signature).Where(s => !ExemptOverloads.ContainsKey(s)).Order().ToList();
        Assert.True(missing.Count == 0,
            $"{missing.Count} public in-place overloads are called by no non-leaf record (add a case whose arguments select it):\n"
            + string.Join("\n", missing));
    }

    private static string Signature(MethodInfo m) =>
        $"{(m.IsStatic ? "torch" : "Tensor")}.{m.Name}({string.Join(", ", m.GetParameters().Select(p => p.ParameterType.Name + " " + p.Name))})";

    [Fact]
    public void ExemptionsAreRealAndNotRecorded()
    {
        var names = PublicInPlaceNames().ToHashSet();
        var recorded = Recorded();
        var signatures = PublicInPlaceMethods().Select(Signature).ToHashSet();
        foreach (var (sig, reason) in ExemptOverloads)
        {
            Assert.True(signatures.Contains(sig), $"exempt overload {sig} does not exist");
            Assert.False(string.IsNullOrWhiteSpace(reason));
        }
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

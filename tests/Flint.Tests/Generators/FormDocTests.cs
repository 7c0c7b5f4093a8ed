using System.Reflection;
using System.Xml.Linq;
using Flint;
using Flint.Generators;
using Flint.Ops.Kernels;
using Xunit;
using OpVariants = Flint.Ops.Kernels.Variants;

namespace Flint.Tests.Generators;

/// <summary>
/// The doc comments of the generated forms: every form of a declaration with a Summary carries it, with the PyTorch
/// form it mirrors; a declaration without one gets none (so the library's build, where a missing doc is an error,
/// refuses it); and the shipped XML documentation holds every generated form of every declaration in Flint.
/// </summary>
public class FormDocTests
{
    /// <summary>Each generated member line with the doc comment line just above it (null when there is none).</summary>
    private static List<(string Member, string? Doc)> Members(string generated)
    {
        var lines = generated.Split('\n').Select(l => l.TrimEnd('\r').Trim()).ToArray();
        var members = new List<(string, string?)>();
        for (int i = 0; i < lines.Length; i++)
            if (lines[i].StartsWith("public static global::", StringComparison.Ordinal) || lines[i].StartsWith("public global::", StringComparison.Ordinal))
                members.Add((lines[i], i > 0 && lines[i - 1].StartsWith("///", StringComparison.Ordinal) ? lines[i - 1] : null));
        return members;
    }

    [Fact]
    public void EveryUnaryFormCarriesTheSummaryAndItsPyTorchForm()
    {
        Assert.Empty(GeneratorProbe.Generate(new OpGenerator(),
            "[ElementwiseOp(\"probe\", Variants.All, Error = \"probe_cpu\", Summary = \"The probe of each element.\")] internal struct P : IFloatUnary " + GeneratorProbe.FloatBody, out var text));
        var members = Members(text);
        Assert.Equal(4, members.Count);
        Assert.All(members, m => Assert.NotNull(m.Doc));
        Assert.Equal("/// <summary>The probe of each element. Mirrors <c>torch.probe</c>.</summary>", members.Single(m => m.Member.Contains(" probe(global::Flint.Tensor input")).Doc);
        Assert.Equal("/// <summary>The probe of each element. In place; mirrors <c>torch.probe_</c>.</summary>", members.Single(m => m.Member.Contains(" probe_(global::Flint.Tensor input")).Doc);
        Assert.Equal("/// <summary>The probe of each element. Mirrors <c>tensor.probe()</c>.</summary>", members.Single(m => m.Member.Contains(" probe() =>")).Doc);
        Assert.Equal("/// <summary>The probe of each element. In place; mirrors <c>tensor.probe_()</c>.</summary>", members.Single(m => m.Member.Contains(" probe_() =>")).Doc);
    }

    [Fact]
    public void NumberFormsAndOperatorsCarryTheSummaryToo()
    {
        Assert.Empty(GeneratorProbe.Generate(new OpGenerator(),
            "[ElementwiseOp(\"probe\", Variants.Function | Variants.Out | Variants.Method | Variants.InPlace | Variants.Scalar | Variants.ScalarFirst, Operator = \"&\", "
            + "Summary = \"The probe of each pair.\")] internal struct P : IIntegerBinary " + GeneratorProbe.IntegerBody, out var text));
        var members = Members(text);
        Assert.Equal(10, members.Count); // torch.probe x3 (tensor, number, number first), tensor.probe x2, tensor.probe_ x2, operator & x3
        Assert.All(members, m => Assert.NotNull(m.Doc));
        Assert.Equal(3, members.Count(m => m.Doc == "/// <summary>The probe of each pair. Mirrors <c>torch.probe</c>.</summary>"
            || m.Doc == "/// <summary>The probe of each pair. Mirrors <c>torch.probe(self, other)</c>.</summary>"));
        // the operator's text is XML: & is escaped
        Assert.All(members.Where(m => m.Member.Contains("operator &")),
            m => Assert.Equal("/// <summary><c>a &amp; b</c>: <c>torch.probe(a, b)</c>. The probe of each pair.</summary>", m.Doc));
    }

    [Fact]
    public void ADeclarationWithoutSummaryGetsNoDoc()
    {
        Assert.Empty(GeneratorProbe.Generate(new OpGenerator(),
            "[ElementwiseOp(\"probe\", Variants.All, Error = \"probe_cpu\")] internal struct P : IFloatUnary " + GeneratorProbe.FloatBody, out var text));
        Assert.Equal(4, Members(text).Count);
        Assert.DoesNotContain("///", text);
    }

    [Fact]
    public void EveryReductionFormCarriesTheSummary()
    {
        Assert.Empty(GeneratorProbe.Generate(new ReductionGenerator(),
            "[ReductionOp(\"probe\", ReductionRule.Sum, ReductionForms.Full | ReductionForms.Dim | ReductionForms.DType | ReductionForms.Out | ReductionForms.Method, "
            + "Summary = \"The probe of the elements.\")] internal struct P : IReduction " + GeneratorProbe.ReduceBody, out var text));
        var members = Members(text);
        Assert.Equal(4, members.Count);
        Assert.Equal(2, members.Count(m => m.Doc == "/// <summary>The probe of the elements. Mirrors <c>torch.probe</c>.</summary>"));
        Assert.Equal(2, members.Count(m => m.Doc == "/// <summary>The probe of the elements. Mirrors <c>tensor.probe()</c>.</summary>"));
    }

    /// <summary>The names (<c>M:Flint.torch.exp(Flint.Tensor,Flint.Tensor)</c>) of the members in the shipped Flint.xml.</summary>
    private static HashSet<string> DocumentedMembers()
    {
        var file = Path.ChangeExtension(typeof(torch).Assembly.Location, ".xml");
        Assert.True(File.Exists(file), $"{file} is missing: the library's XML documentation is not built");
        return XDocument.Load(file).Descendants("member").Select(m => (string)m.Attribute("name")!).ToHashSet();
    }

    [Fact]
    public void TheShippedDocsHoldEveryGeneratedForm()
    {
        var documented = DocumentedMembers();
        Assert.True(documented.Count > 4000, $"only {documented.Count} members documented");
        var declarations = typeof(torch).Assembly.GetTypes().SelectMany(t => t.GetCustomAttributes<ElementwiseOpAttribute>()).ToArray();
        Assert.True(declarations.Length >= 60);
        foreach (var d in declarations)
        {
            if (d.Variants.HasFlag(OpVariants.Function)) Assert.Contains(documented, m => m.StartsWith($"M:Flint.torch.{d.Name}(Flint.Tensor", StringComparison.Ordinal));
            if (d.Variants.HasFlag(OpVariants.FunctionInPlace)) Assert.Contains(documented, m => m.StartsWith($"M:Flint.torch.{d.Name}_(Flint.Tensor", StringComparison.Ordinal));
            if (d.Variants.HasFlag(OpVariants.Method)) Assert.Contains(documented, m => m.StartsWith($"M:Flint.Tensor.{d.Name}", StringComparison.Ordinal));
            if (d.Variants.HasFlag(OpVariants.InPlace)) Assert.Contains(documented, m => m.StartsWith($"M:Flint.Tensor.{d.Name}_", StringComparison.Ordinal));
        }
        foreach (var d in typeof(torch).Assembly.GetTypes().SelectMany(t => t.GetCustomAttributes<ReductionOpAttribute>()))
            Assert.Contains(documented, m => m.StartsWith($"M:Flint.torch.{d.Name}(Flint.Tensor", StringComparison.Ordinal));
    }

    [Fact]
    public void TheShippedDocsHoldEveryPublicType()
    {
        var documented = DocumentedMembers();
        var types = typeof(torch).Assembly.GetExportedTypes();
        Assert.True(types.Length > 200);
        Assert.All(types, t => Assert.Contains("T:" + t.FullName!.Replace('+', '.'), documented));
    }
}

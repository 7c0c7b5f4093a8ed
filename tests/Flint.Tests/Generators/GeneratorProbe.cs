using Flint;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Flint.Tests.Generators;

/// <summary>
/// Probe declarations compiled against Flint in memory, and run through one of Flint's source generators: what the
/// declaration tests use to check the generated text and the diagnostics of malformed declarations.
/// </summary>
internal static class GeneratorProbe
{
    private const string Header = """
        using System;
        using System.Numerics;
        using Flint;
        using Flint.Ops.Kernels;
        namespace Probe;
        """;

    /// <summary><paramref name="declarations"/> (after the probe's usings) compiled against the runtime and Flint.</summary>
    internal static CSharpCompilation Compile(string declarations) =>
        CSharpCompilation.Create("Flint.Tests", [CSharpSyntaxTree.ParseText(Header + declarations)],
            ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Select(p => MetadataReference.CreateFromFile(p))
                .Append(MetadataReference.CreateFromFile(typeof(torch).Assembly.Location)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

    /// <summary>Runs <paramref name="generator"/> on <paramref name="declarations"/>: its diagnostics, and the text it wrote.</summary>
    internal static IReadOnlyList<Diagnostic> Generate(IIncrementalGenerator generator, string declarations, out string generated)
    {
        var result = CSharpGeneratorDriver.Create(generator).RunGenerators(Compile(declarations)).GetRunResult();
        generated = string.Concat(result.GeneratedTrees.Select(t => t.ToString()));
        return result.Diagnostics;
    }
}

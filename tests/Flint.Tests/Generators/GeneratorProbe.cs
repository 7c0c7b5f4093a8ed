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

    /// <summary>The body of a float unary probe op (an identity with no derivative).</summary>
    internal const string FloatBody = """
        {
            public static string Name => "probe";
            public static UnaryDerivative Derivative { get; } = UnaryDerivative.NotImplemented("probe");
            public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x;
        }
        """;

    /// <summary>The body of an integer binary probe op (bitwise and).</summary>
    internal const string IntegerBody = """
        {
            public static string Name => "probe_cpu";
            public static T Apply<T>(T a, T b) where T : unmanaged, IBinaryInteger<T> => a & b;
        }
        """;

    /// <summary>The body of a reduction probe op (its first element, no derivative).</summary>
    internal const string ReduceBody = """
        {
            public static string Name => "probe";
            public static ReduceDerivative Derivative { get; } = ReduceDerivative.NotImplemented("probe");
            public static T Reduce<T>(Span<T> v, double arg) where T : unmanaged, INumber<T> => v[0];
        }
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

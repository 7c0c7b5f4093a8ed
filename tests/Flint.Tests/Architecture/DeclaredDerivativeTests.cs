using System.Text.RegularExpressions;
using Xunit;

namespace Flint.Tests.Architecture;

/// <summary>
/// Every op states its backward as a declaration next to its forward (an op struct's Derivative, or a
/// NodeDerivative member of the op's class), and records through that declaration's entry. A file of the op layer
/// (src/Flint/Ops, src/Flint/nn, the tensor's own ops in src/Flint/Core) that calls the autograd engine's recording
/// primitives itself, an inline closure as its backward, fails here with the file and line.
/// </summary>
public class DeclaredDerivativeTests
{
    /// <summary>The recording primitives an op must not call directly.</summary>
    private static readonly Regex Direct = new(@"\bRecording\s*\.\s*(Record|RecordMulti|RecordInPlace|Op)\s*\(", RegexOptions.Compiled);

    /// <summary>Where the declarations' entries live: the declarations themselves may call the engine.</summary>
    private static readonly string[] Entries =
    [
        "Ops/Kernels/Derivative.cs",
        "Ops/Kernels/NodeDerivative.cs",
    ];

    private static readonly string[] OpLayer = ["Ops", "nn", "Core"];

    private static string SourceRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Flint.sln"))) return Path.Combine(dir.FullName, "src", "Flint");
        throw new DirectoryNotFoundException("the repository root (Flint.sln) above " + AppContext.BaseDirectory);
    }

    private static string Relative(string root, string file) => Path.GetRelativePath(root, file).Replace('\\', '/');

    /// <summary>The direct calls in the op layer, as "file:line: text", leaving out the entries.</summary>
    private static List<string> DirectCalls()
    {
        var root = SourceRoot();
        var found = new List<string>();
        foreach (var dir in OpLayer)
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, dir), "*.cs", SearchOption.AllDirectories))
            {
                var rel = Relative(root, file);
                if (Entries.Contains(rel)) continue;
                var lines = File.ReadAllLines(file);
                for (int i = 0; i < lines.Length; i++)
                {
                    var code = lines[i].TrimStart();
                    if (code.StartsWith("//", StringComparison.Ordinal)) continue;
                    if (Direct.IsMatch(code)) found.Add($"{rel}:{i + 1}: {code}");
                }
            }
        return found;
    }

    [Fact]
    public void OpsRecordThroughTheirDeclaredDerivatives()
    {
        var found = DirectCalls();
        Assert.True(found.Count == 0,
            "these op files record a node directly instead of declaring its derivative next to the op (a NodeDerivative, see docs/adding-an-op.md):\n"
            + string.Join("\n", found));
    }

    [Theory]
    [InlineData("return Autograd.Recording.Record(r, \"MmBackward0\", [a, b], g => [g.mm(b.t()), null]);", true)]
    [InlineData("var rs = Recording.RecordMulti(pieces, name, [this], gs => gs);", true)]
    [InlineData("return Autograd.Recording.Op(\"FlipBackward0\", [input], compute, (g, _) => [g.flip(dims)]);", true)]
    [InlineData("if (!Autograd.Recording.Needs(input)) return r;", false)]
    [InlineData("return Products.Mm.Record(r, [input, mat2], (input, mat2));", false)]
    public void TheScanTellsADirectCallFromADeclaredOne(string line, bool direct) => Assert.Equal(direct, Direct.IsMatch(line));
}

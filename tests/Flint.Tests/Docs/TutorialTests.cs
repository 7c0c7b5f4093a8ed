using System.Text;
using System.Text.Json;
using Xunit;

namespace Flint.Tests.Docs;

/// <summary>Tests that write to the process-wide Console run alone.</summary>
[CollectionDefinition("Console", DisableParallelization = true)]
public class ConsoleCollection { }

/// <summary>
/// docs/tutorial.md is a tested document: its ```csharp blocks must be the regions of docs/tutorial.cs (compiled
/// into this project), in order and byte for byte, and running them must print exactly the ```text block that
/// follows each one. A text line "..." stands for any number of lines (for machine-dependent reports).
/// Set FLINT_TUTORIAL_ACTUAL to a file path to have the test write what each block printed (JSON) there.
/// </summary>
[Collection("Console")]
public class TutorialTests
{
    private static string DocsDir()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "docs", "tutorial.md"))) return Path.Combine(d.FullName, "docs");
        throw new FileNotFoundException("docs/tutorial.md not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The fenced blocks of a markdown text: (language, content without the fences).</summary>
    internal static List<(string lang, string body)> Fences(string markdown)
    {
        var blocks = new List<(string, string)>();
        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("```", StringComparison.Ordinal)) continue;
            string lang = lines[i][3..].Trim();
            var body = new StringBuilder();
            int j = i + 1;
            for (; j < lines.Length && lines[j] != "```"; j++) body.Append(lines[j]).Append('\n');
            if (j == lines.Length) throw new InvalidDataException($"unclosed code fence at line {i + 1}");
            blocks.Add((lang, body.ToString()));
            i = j;
        }
        return blocks;
    }

    /// <summary>The regions of the companion source, with the method body's 8-space indentation removed.</summary>
    internal static List<(string name, string body)> Regions(string source)
    {
        var regions = new List<(string, string)>();
        var lines = source.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].Trim();
            if (!trimmed.StartsWith("#region", StringComparison.Ordinal)) continue;
            var body = new StringBuilder();
            int j = i + 1;
            for (; j < lines.Length && lines[j].Trim() != "#endregion"; j++)
            {
                var l = lines[j];
                if (l.Length > 0 && !l.StartsWith("        ", StringComparison.Ordinal))
                    throw new InvalidDataException($"tutorial.cs line {j + 1} is not indented as the method body");
                body.Append(l.Length > 0 ? l[8..] : l).Append('\n');
            }
            regions.Add((trimmed["#region".Length..].Trim(), body.ToString()));
            i = j;
        }
        return regions;
    }

    /// <summary>Whether <paramref name="actual"/> matches <paramref name="expected"/> line by line ("..." matches any lines).</summary>
    internal static bool Matches(string[] expected, int e, string[] actual, int a)
    {
        if (e == expected.Length) return a == actual.Length;
        if (expected[e] == "...")
        {
            for (int k = a; k <= actual.Length; k++)
                if (Matches(expected, e + 1, actual, k)) return true;
            return false;
        }
        return a < actual.Length && expected[e] == actual[a] && Matches(expected, e + 1, actual, a + 1);
    }

    private static string[] Lines(string text)
    {
        text = text.Replace("\r\n", "\n");
        if (text.EndsWith('\n')) text = text[..^1];
        return text.Split('\n');
    }

    private static List<string> RunTutorial()
    {
        var outputs = new List<string>();
        var writer = new StringWriter { NewLine = "\n" };
        var previous = Console.Out;
        Console.SetOut(writer);
        try
        {
            Flint.Docs.Tutorial.Run(() => { outputs.Add(writer.ToString()); writer.GetStringBuilder().Clear(); });
            outputs.Add(writer.ToString());
        }
        finally { Console.SetOut(previous); }
        return outputs;
    }

    [Fact]
    public void CodeBlocksAreTheCompiledRegions()
    {
        var dir = DocsDir();
        var fences = Fences(File.ReadAllText(Path.Combine(dir, "tutorial.md")));
        var code = fences.Where(f => f.lang == "csharp").Select(f => f.body).ToList();
        var regions = Regions(File.ReadAllText(Path.Combine(dir, "tutorial.cs")));
        Assert.True(regions.Count > 0, "no regions in tutorial.cs");
        Assert.True(code.Count == regions.Count, $"tutorial.md has {code.Count} csharp blocks, tutorial.cs {regions.Count} regions");
        for (int i = 0; i < code.Count; i++)
            Assert.True(code[i] == regions[i].body, $"csharp block {i + 1} differs from region '{regions[i].name}':\n--- markdown\n{code[i]}--- tutorial.cs\n{regions[i].body}");
        // every csharp block is followed by its text block
        for (int i = 0; i < fences.Count; i++)
            if (fences[i].lang == "csharp")
                Assert.True(i + 1 < fences.Count && fences[i + 1].lang == "text", $"csharp block {i + 1} (fence {i + 1}) is not followed by a text block");
    }

    [Fact]
    public void EveryBlockPrintsItsTextBlock()
    {
        var dir = DocsDir();
        var fences = Fences(File.ReadAllText(Path.Combine(dir, "tutorial.md")));
        var expected = new List<string>();
        for (int i = 0; i + 1 < fences.Count; i++)
            if (fences[i].lang == "csharp" && fences[i + 1].lang == "text") expected.Add(fences[i + 1].body);

        var actual = RunTutorial();
        if (Environment.GetEnvironmentVariable("FLINT_TUTORIAL_ACTUAL") is { Length: > 0 } dump)
            File.WriteAllText(dump, JsonSerializer.Serialize(actual));

        Assert.True(expected.Count == actual.Count, $"tutorial.md has {expected.Count} output blocks, the tutorial ran {actual.Count} blocks");
        var failures = new List<string>();
        for (int i = 0; i < expected.Count; i++)
            if (!Matches(Lines(expected[i]), 0, Lines(actual[i]), 0))
                failures.Add($"block {i + 1} printed:\n{actual[i]}--- but tutorial.md says:\n{expected[i]}");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void MatcherAndParsersBehave()
    {
        Assert.True(Matches(["a", "...", "d"], 0, ["a", "b", "c", "d"], 0));
        Assert.True(Matches(["a", "...", "d"], 0, ["a", "d"], 0));
        Assert.False(Matches(["a", "...", "d"], 0, ["a", "b"], 0));
        Assert.False(Matches(["a", "b"], 0, ["a", "b "], 0));
        var f = Fences("x\n```csharp\nint a;\n```\n```text\n1\n```\n");
        Assert.Equal([("csharp", "int a;\n"), ("text", "1\n")], f);
        var r = Regions("class C {\n        #region one\n        int a;\n\n            b();\n        #endregion\n}");
        Assert.Equal([("one", "int a;\n\n    b();\n")], r);
    }
}

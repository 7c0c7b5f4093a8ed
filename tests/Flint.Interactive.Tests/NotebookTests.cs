using System.Text.Json;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Xunit;

namespace Flint.Interactive.Tests;

/// <summary>
/// Runs the sample notebook's code cells, in order, in a C# kernel of .NET Interactive (as Polyglot Notebooks runs
/// them, without the editor) and checks what each cell shows against PyTorch's reprs (References/notebook.json, by
/// tools/refs/gen_notebook.py). The package cell (<c>#r "nuget: Flint.Interactive"</c>) is replaced by references to
/// the built assemblies and the extension's load, which is what the host does with the package.
/// </summary>
public sealed class NotebookTests
{
    private sealed record Cell(string Code, List<KernelEvent> Events)
    {
        public IEnumerable<FormattedValue> Shown => Events.SelectMany(e => e switch
        {
            ReturnValueProduced r => r.FormattedValues,
            DisplayedValueProduced d => d.FormattedValues,
            DisplayedValueUpdated u => u.FormattedValues,
            _ => [],
        });
        public string Html => string.Concat(Shown.Where(v => v.MimeType == "text/html").Select(v => v.Value));
        public string Stdout => string.Concat(Events.OfType<StandardOutputValueProduced>().SelectMany(e => e.FormattedValues).Select(v => v.Value));
        public string? Error => Events.OfType<CommandFailed>().FirstOrDefault()?.Message;
    }

    private static readonly Lazy<Task<List<Cell>>> Run = new(RunNotebook);

    private static async Task<List<Cell>> RunNotebook()
    {
        using var kernel = new CSharpKernel();
        var cells = new List<Cell>();
        using var nb = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Flint.ipynb")));
        foreach (var c in nb.RootElement.GetProperty("cells").EnumerateArray())
        {
            if (c.GetProperty("cell_type").GetString() != "code") continue;
            string code = string.Concat(c.GetProperty("source").EnumerateArray().Select(l => l.GetString()));
            if (code.StartsWith("#r \"nuget: Flint.Interactive\"", StringComparison.Ordinal))
            {
                // what loading the package does: reference the assemblies and run the kernel extension
                code = $"#r \"{typeof(Tensor).Assembly.Location}\"\n#r \"{typeof(FlintKernelExtension).Assembly.Location}\"";
                var loaded = await Submit(kernel, code);
                Assert.Null(loaded.Error);
                await new FlintKernelExtension().OnLoadAsync(kernel);
                continue;
            }
            cells.Add(await Submit(kernel, code));
        }
        return cells;
    }

    private static async Task<Cell> Submit(Kernel kernel, string code)
    {
        var result = await kernel.SendAsync(new SubmitCode(code));
        return new Cell(code, result.Events.ToList());
    }

    private static async Task<Cell> CellWith(string text) => (await Run.Value).Single(c => c.Code.Contains(text, StringComparison.Ordinal));

    private static JsonElement Record(string name)
    {
        var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "notebook.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
    }

    /// <summary>The rows of cells of the first table in <paramref name="html"/> (null for a row of one "⋮", "…" as null).</summary>
    private static List<string?[]?> Table(string html)
    {
        var rows = new List<string?[]?>();
        foreach (var row in html.Split("<tr>").Skip(1))
        {
            var cells = row.Split("<td>").Skip(1).Select(c => c[..c.IndexOf("</td>", StringComparison.Ordinal)]).ToArray();
            rows.Add(cells is ["⋮"] ? null : cells.Select(c => c == "…" ? null : System.Net.WebUtility.HtmlDecode(c)).ToArray());
        }
        return rows;
    }

    private static List<string?[]?> Grid(JsonElement rec) =>
        rec.GetProperty("grid").EnumerateArray().Select(r => r.ValueKind == JsonValueKind.Null ? null
            : r.EnumerateArray().Select(c => c.ValueKind == JsonValueKind.Null ? null : c.GetString()).ToArray()).ToList();

    [Fact]
    public async Task EveryCellRunsAndTheNotebookStaysSmall()
    {
        var cells = await Run.Value;
        Assert.Equal(7, cells.Count);
        foreach (var c in cells) Assert.True(c.Error is null, $"cell failed: {c.Code}\n{c.Error}");
        // everything but the plot (a PNG) is text of a few kilobytes; the default formatter wrote megabytes
        foreach (var c in cells.Where(c => !c.Code.Contains("LossPlot")))
            Assert.True(c.Html.Length + c.Stdout.Length < 8_000, $"{c.Code}: {c.Html.Length} characters of HTML");
    }

    [Theory]
    [InlineData("arange", "var x = torch.arange(12.0)")]
    [InlineData("randn_100x100", "var big = torch.randn(100, 100)")]
    [InlineData("grad_fn", "(w * 2).sum()")]
    public async Task ATensorShowsItsValuesAsTheReprPrintsThem(string name, string cellText)
    {
        var cell = await CellWith(cellText);
        var rec = Record(name);
        var expected = Grid(rec);
        var actual = Table(cell.Html);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i], actual[i]);
        string shape = "(" + string.Join(", ", rec.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64())) + ")";
        Assert.Contains($"tensor · {shape} · {rec.GetProperty("dtype").GetString()} · cpu", System.Net.WebUtility.HtmlDecode(cell.Html));
    }

    [Fact]
    public async Task AHistoryShowsInTheHeader()
    {
        var cell = await CellWith("(w * 2).sum()");
        Assert.Contains("grad_fn=&lt;SumBackward0&gt;", cell.Html);
    }

    [Fact]
    public async Task ATensorOfMoreDimensionsShowsItsRepr()
    {
        var cell = await CellWith("torch.zeros(2, 3, 4");
        string repr = Record("zeros_3d").GetProperty("repr").GetString()!;
        Assert.Contains("<pre", cell.Html);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(repr), cell.Html);
        Assert.DoesNotContain("<table", cell.Html);
    }

    [Fact]
    public async Task TextPlainIsTheRepr()
    {
        await Run.Value;
        var x = torch.arange(12.0).reshape(3, 4);
        Assert.Equal(Record("arange").GetProperty("repr").GetString(), x.ToDisplayString(PlainTextFormatter.MimeType));
        // Console.WriteLine in a cell prints the repr with real line breaks
        var cell = await CellWith("Console.WriteLine(x)");
        Assert.Equal(Record("arange").GetProperty("repr").GetString() + Environment.NewLine, cell.Stdout);
    }

    [Fact]
    public async Task AModuleShowsItsReprAndParameterCount()
    {
        var cell = await CellWith("nn.Sequential(");
        var rec = Record("model");
        Assert.Contains(System.Net.WebUtility.HtmlEncode(rec.GetProperty("repr").GetString()!), cell.Html);
        Assert.Contains($"{rec.GetProperty("parameters").GetInt64():N0} parameters ({rec.GetProperty("parameters").GetInt64():N0} trainable)", cell.Html);
    }

    [Fact]
    public async Task ALossPlotRedrawsInItsCell()
    {
        var cell = await CellWith("LossPlot");
        var shown = cell.Events.OfType<DisplayedValueProduced>().ToList();
        var updates = cell.Events.OfType<DisplayedValueUpdated>().ToList();
        Assert.Single(shown);
        // min_interval 0: every add redraws, and refresh once more
        Assert.Equal(21, updates.Count);
        Assert.All(updates, u => Assert.Equal(shown[0].ValueId, u.ValueId));
        var last = updates[^1].FormattedValues.Single(v => v.MimeType == "text/html").Value;
        Assert.StartsWith("<img alt=\"loss\" src=\"data:image/png;base64,", last);
        var png = Convert.FromBase64String(last[(last.IndexOf(',') + 1)..last.LastIndexOf('"')]);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.True(png.Length < 60_000, $"{png.Length} bytes");
    }

    [Fact]
    public void ShowOutsideANotebookSaysSo()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new LossPlot().show());
        Assert.Contains("needs a running notebook cell", e.Message);
    }
}

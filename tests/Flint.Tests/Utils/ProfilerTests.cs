using System.Text.Json;
using System.Text.RegularExpressions;
using Flint.Profiler;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;

namespace Flint.Tests.Utils;

/// <summary>A profile records the ops of every thread: the profiler tests run alone so no other test's ops land in them.</summary>
[CollectionDefinition("Profiler", DisableParallelization = true)]
public class ProfilerCollection { }

/// <summary>
/// torch.profiler: the table's layout, row names, call counts, shapes and memory against PyTorch 1.13's for the same
/// programs (References/profiler.json, tools/refs/gen_profiler.py; times differ and are not compared), the nesting of
/// ranges, self and total times, the Chrome trace, threads, and that nothing is recorded outside a profile.
/// </summary>
[Collection("Profiler")]
public class ProfilerTests
{
    private static readonly Tensor A = torch.randn(5, 3), B = torch.randn(5, 3), W = torch.randn(3, 4);

    /// <summary>The generator's programs, with the profile settings it used.</summary>
    private static Profile Run(string program)
    {
        switch (program)
        {
            case "forward":
            case "forward_shapes":
            case "forward_limit":
                using (var prof = profiler.profile([profiler.ProfilerActivity.CPU], record_shapes: true, profile_memory: true))
                {
                    using (profiler.record_function("block"))
                    {
                        Tensor c = A;
                        for (int i = 0; i < 3; i++) c = A + B;
                        var d = torch.mm(c, W);
                        var e = torch.relu(d);
                        e.sum();
                    }
                    return prof;
                }
            case "plain":
                using (var prof = profiler.profile([profiler.ProfilerActivity.CPU]))
                {
                    _ = A + B;
                    return prof;
                }
            case "backward":
                var x = torch.randn(4, 3).requires_grad_();
                using (var prof = profiler.profile([profiler.ProfilerActivity.CPU]))
                {
                    var y = (x * x).sum();
                    y.backward();
                    return prof;
                }
            default: throw new ArgumentException(program);
        }
    }

    private static string[] Lines(JsonElement c) => c.GetProperty("text").EnumerateArray().Select(l => l.GetString()!).ToArray();

    /// <summary>The widths of a separator line's dash runs.</summary>
    private static int[] Widths(string separator) => Regex.Matches(separator, "-+").Select(m => m.Length).ToArray();

    /// <summary>A row cut at the column widths (each column followed by two spaces).</summary>
    private static string[] Cells(string row, int[] widths)
    {
        var cells = new string[widths.Length];
        int at = 0;
        for (int i = 0; i < widths.Length; i++)
        {
            cells[i] = row.Substring(at, widths[i]);
            Assert.Equal("  ", row.Substring(at + widths[i], 2));
            at += widths[i] + 2;
        }
        Assert.Equal(row.Length, at);
        return cells;
    }

    public static TheoryData<string> Tables => Reference.CaseNames("profiler", c => c.TryGetProperty("text", out _));

    [Theory]
    [MemberData(nameof(Tables))]
    public void TableHasPyTorchsLayout(string name)
    {
        var c = Reference.Case("profiler", name);
        var expected = Lines(c);
        var kw = c.GetProperty("table");
        string? sortBy = kw.TryGetProperty("sort_by", out var s) ? s.GetString() : null;
        int rowLimit = kw.TryGetProperty("row_limit", out var r) ? r.GetInt32() : 100;
        bool byShape = c.GetProperty("group_by_input_shape").GetBoolean();
        var averages = Run(name).key_averages(group_by_input_shape: byShape);
        var actual = averages.table(sort_by: sortBy, row_limit: rowLimit).Split('\n');

        // separator, header, separator, rows, separator, footer, and the final newline
        int expectedRows = expected.Length - 6, actualRows = actual.Length - 6;
        Assert.Equal(Math.Min(rowLimit, averages.Count), actualRows);
        Assert.Equal("", actual[^1]);
        Assert.Equal(expected[0], expected[2]);
        Assert.Equal(actual[0], actual[2]);
        Assert.Equal(actual[0], actual[^3]);
        Assert.Matches(@"^Self CPU time total: \d+\.\d{3}(us|ms|s)$", actual[^2]);
        Assert.Matches(@"^Self CPU time total: \d+\.\d{3}(us|ms|s)$", expected[^2]);

        // the same columns in the same order, the fixed columns as wide as PyTorch's, the name and shape columns
        // by PyTorch's rule (the longest entry plus four, at most 55 and 80)
        var ew = Widths(expected[0]);
        var aw = Widths(actual[0]);
        Assert.Equal(ew.Length, aw.Length);
        var headers = Cells(expected[1], ew).Select(h => h.Trim()).ToArray();
        Assert.Equal(headers, Cells(actual[1], aw).Select(h => h.Trim()).ToArray());
        bool hasShapes = headers[^1] == "Input Shapes";
        int fixedEnd = hasShapes ? ew.Length - 1 : ew.Length;
        Assert.Equal(ew[1..fixedEnd], aw[1..fixedEnd]);
        var pyRows = c.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(Math.Min(pyRows.Max(e => e.GetProperty("name").GetString()!.Length) + 4, 55), ew[0]);
        Assert.Equal(Math.Min(averages.Max(e => e.key.Length) + 4, 55), aw[0]);
        if (hasShapes)
            Assert.Equal(Math.Min(averages.Max(e => Shapes(e.input_shapes!).Length) + 4, 80), aw[^1]);

        // each row: right-aligned cells in PyTorch's formats
        int calls = Array.IndexOf(headers, "# of Calls");
        foreach (var row in actual[3..^3])
        {
            var cells = Cells(row, aw);
            foreach (var (cell, width) in cells.Zip(aw)) Assert.Equal(width, cell.Length);
            Assert.Matches(@"^\s*\d+\.\d\d%$", cells[1]);
            Assert.Matches(@"^\s*\d+\.\d{3}(us|ms|s)$", cells[2]);
            Assert.Matches(@"^\s*\d+\.\d\d%$", cells[3]);
            Assert.Matches(@"^\s*\d+\.\d{3}(us|ms|s)$", cells[4]);
            Assert.Matches(@"^\s*\d+\.\d{3}(us|ms|s)$", cells[5]);
            if (headers.Contains("CPU Mem"))
            {
                Assert.Matches(@"^\s*-?\d+(\.\d\d)? (b|Kb|Mb|Gb)$", cells[6]);
                Assert.Matches(@"^\s*-?\d+(\.\d\d)? (b|Kb|Mb|Gb)$", cells[7]);
            }
            Assert.Matches(@"^\s*\d+$", cells[calls]);
            if (hasShapes) Assert.Matches(@"^\s*\[.*\]$", cells[^1]);
        }

        // sorted by the key, descending
        if (sortBy is not null)
        {
            var values = averages.Select(a => sortBy == "self_cpu_time_total" ? a.self_cpu_time_total : a.cpu_time_total)
                .OrderByDescending(v => v).Take(rowLimit).ToArray();
            var printed = actual[3..^3].Select(l => l.Trim().Split("  ", StringSplitOptions.RemoveEmptyEntries)[0]).ToArray();
            var byKey = averages.Where(a => printed.Contains(a.key)).ToArray();
            Assert.Equal(values.Length, printed.Length);
            _ = byKey;
        }
        Assert.True(expectedRows > 0);

        // every op Flint records is one PyTorch records, with PyTorch's call count, shapes and memory
        foreach (var a in averages)
        {
            var match = pyRows.Where(p => p.GetProperty("name").GetString() == a.key
                && (!byShape || Shapes(Tensors(p.GetProperty("shapes"))) == Shapes(a.input_shapes!))).ToArray();
            Assert.True(match.Length == 1, $"{a.key} {(byShape ? Shapes(a.input_shapes!) : "")} is no row of PyTorch's table");
            Assert.Equal(match[0].GetProperty("count").GetInt32(), a.count);
            if (headers.Contains("CPU Mem") && a.key is "aten::add" or "aten::mm" or "aten::relu" or "aten::sum")
                Assert.Equal(match[0].GetProperty("cpu_mem").GetInt64(), a.cpu_memory_usage);
        }
        // and the ops of the program are all there
        string[] ops = name switch
        {
            "backward" => ["aten::mul", "aten::sum", "MulBackward0", "SumBackward0", "torch::autograd::AccumulateGrad",
                "autograd::engine::evaluate_function: MulBackward0", "autograd::engine::evaluate_function: SumBackward0",
                "autograd::engine::evaluate_function: torch::autograd::AccumulateGrad"],
            "plain" => ["aten::add"],
            _ => ["block", "aten::add", "aten::mm", "aten::relu", "aten::sum"],
        };
        foreach (var op in ops) Assert.Contains(averages, a => a.key == op);
    }

    private static string Shapes(IReadOnlyList<long[]> shapes) => "[" + string.Join(", ", shapes.Select(s => "[" + string.Join(", ", s) + "]")) + "]";

    /// <summary>PyTorch's input shapes less its entries for non-tensor arguments (alpha, dtype: []), which Flint does not list.</summary>
    private static List<long[]> Tensors(JsonElement shapes) =>
        shapes.EnumerateArray().Select(s => s.EnumerateArray().Select(d => d.GetInt64()).ToArray()).Where(s => s.Length > 0).ToList();
}

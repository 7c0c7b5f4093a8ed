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

        // sorted by the key, descending (ties in first-occurrence order)
        var printed = actual[3..^3].Select(l => Cells(l, aw)[0].Trim()).ToArray();
        var order = sortBy is null ? averages.ToList()
            : averages.OrderByDescending(a => sortBy == "self_cpu_time_total" ? a.self_cpu_time_total : a.cpu_time_total).ToList();
        Assert.Equal(order.Take(rowLimit).Select(a => a.key.Length >= 52 ? a.key[..52] + "..." : a.key), printed);
        Assert.True(expectedRows > 0);

        // every op Flint records is one PyTorch records, with PyTorch's call count, shapes and memory; the one
        // difference is PyTorch 2's: its engine adds a gradient meeting another into the sum it alone holds in
        // place (aten::add_), where 1.13, which recorded these tables, allocated the sum (aten::add)
        foreach (var a in averages)
        {
            var key = name == "backward" && a.key == "aten::add_" ? "aten::add" : a.key;
            var match = pyRows.Where(p => p.GetProperty("name").GetString() == key
                && (!byShape || Shapes(Tensors(p.GetProperty("shapes"))) == Shapes(a.input_shapes!))).ToArray();
            Assert.True(match.Length == 1, $"{a.key} {(byShape ? Shapes(a.input_shapes!) : "")} is no row of PyTorch's table");
            Assert.Equal(match[0].GetProperty("count").GetInt32(), a.count);
            if (headers.Contains("CPU Mem") && a.key is "aten::add" or "aten::mm" or "aten::relu" or "aten::sum")
                Assert.Equal(match[0].GetProperty("cpu_mem").GetInt64(), a.cpu_memory_usage);
        }
        // and the ops of the program are all there
        string[] ops = name switch
        {
            "backward" => ["aten::mul", "aten::add_", "aten::sum", "MulBackward0", "SumBackward0", "torch::autograd::AccumulateGrad",
                "autograd::engine::evaluate_function: MulBackward0", "autograd::engine::evaluate_function: SumBackward0",
                "autograd::engine::evaluate_function: torch::autograd::AccumulateGrad"],
            "plain" => ["aten::add"],
            _ => ["block", "aten::add", "aten::mm", "aten::relu", "aten::sum"],
        };
        foreach (var op in ops) Assert.Contains(averages, a => a.key == op);
    }

    [Fact]
    public void TheLayersOfAConvolutionalNetworkAreRecordedByTheirAtenNames()
    {
        // a ResNet-like forward: the convolutions, norms and pools are rows of their own, with PyTorch's op names,
        // call counts and input shapes (absent optional inputs left out), as in PyTorch's table
        var x = torch.randn(2, 3, 16, 16);
        var w = torch.randn(4, 3, 3, 3);
        var rm = torch.zeros(4); var rv = torch.ones(4);
        using var prof = profiler.profile([profiler.ProfilerActivity.CPU], record_shapes: true);
        var y = nn.functional.conv2d(x, w, padding: 1);
        y = nn.functional.batch_norm(y, rm, rv);
        y = nn.functional.max_pool2d(y, 2);
        y = nn.functional.conv_transpose2d(y, torch.randn(4, 3, 3, 3), stride: 2);
        y = nn.functional.layer_norm(y, [17]);
        y = nn.functional.group_norm(y, 3);
        y = nn.functional.avg_pool2d(y, 2);
        nn.functional.adaptive_avg_pool2d(y, new long[] { 1, 1 });
        nn.functional.adaptive_max_pool2d(y, new long[] { 1, 1 });
        prof.stop();
        var rows = prof.key_averages(group_by_input_shape: true);
        foreach (var (op, shape) in new (string, long[])[] { ("aten::conv2d", [2, 3, 16, 16]), ("aten::batch_norm", [2, 4, 16, 16]),
                     ("aten::max_pool2d", [2, 4, 16, 16]), ("aten::conv_transpose2d", [2, 4, 8, 8]), ("aten::layer_norm", [2, 3, 17, 17]),
                     ("aten::group_norm", [2, 3, 17, 17]), ("aten::avg_pool2d", [2, 3, 17, 17]), ("aten::adaptive_avg_pool2d", [2, 3, 8, 8]),
                     ("aten::adaptive_max_pool2d", [2, 3, 8, 8]) })
        {
            var row = Assert.Single(rows, r => r.key == op);
            Assert.Equal(1, row.count);
            Assert.Equal(shape, row.input_shapes![0]);
        }
        Assert.Equal([4, 3, 3, 3], Assert.Single(rows, r => r.key == "aten::conv2d").input_shapes![1]);
    }

    private static string Shapes(IReadOnlyList<long[]> shapes) => "[" + string.Join(", ", shapes.Select(s => "[" + string.Join(", ", s) + "]")) + "]";

    /// <summary>PyTorch's input shapes less its entries for non-tensor arguments (alpha, dtype: []), which Flint does not list.</summary>
    private static List<long[]> Tensors(JsonElement shapes) =>
        shapes.EnumerateArray().Select(s => s.EnumerateArray().Select(d => d.GetInt64()).ToArray()).Where(s => s.Length > 0).ToList();

    private static List<FunctionEvent> Mine(Profile prof) =>
        prof.events().Where(e => e.thread == Environment.CurrentManagedThreadId).ToList();

    [Fact]
    public void RecordFunctionRangesNestAsPyTorchs()
    {
        Profile prof;
        using (prof = profiler.profile())
        {
            using (profiler.record_function("outer"))
            {
                using (profiler.record_function("inner")) _ = A * B;
                _ = A - B;
            }
        }
        var recorded = Mine(prof).Where(e => e.name is "outer" or "inner" or "aten::mul" or "aten::sub")
            .Select(e => (e.name, e.cpu_parent?.name)).ToList();
        var expected = Reference.Case("profiler", "nesting").GetProperty("events").EnumerateArray()
            .Select(e => (e.GetProperty("name").GetString()!, e.GetProperty("parent").ValueKind == JsonValueKind.Null ? null : e.GetProperty("parent").GetString())).ToList();
        Assert.Equal(expected, recorded);
        var outer = Mine(prof).Single(e => e.name == "outer");
        Assert.Equal(["inner", "aten::sub"], outer.cpu_children.Select(c => c.name));
        Assert.All(outer.cpu_children, c => Assert.Same(outer, c.cpu_parent));
    }

    [Fact]
    public void SelfTimeIsTotalLessChildren()
    {
        Profile prof;
        var x = torch.randn(8, 8).requires_grad_();
        using (prof = profiler.profile())
        {
            using (profiler.record_function("step"))
            {
                var y = torch.relu(torch.mm(x, x) + 1).sum();
                y.backward();
            }
        }
        var events = Mine(prof);
        Assert.NotEmpty(events);
        foreach (var e in events)
        {
            Assert.True(e.end_us >= e.start_us);
            Assert.True(e.self_cpu_time_total <= e.cpu_time_total + 1e-9);
            Assert.True(e.self_cpu_time_total >= -1e-6, $"{e.name}: self {e.self_cpu_time_total}");
            Assert.True(e.cpu_time_total + 1e-9 >= e.cpu_children.Sum(c => c.cpu_time_total));
            Assert.Equal(e.cpu_time_total - e.cpu_children.Sum(c => c.cpu_time_total), e.self_cpu_time_total, 6);
            foreach (var c in e.cpu_children)
            {
                Assert.True(c.start_us >= e.start_us && c.end_us <= e.end_us, $"{c.name} lies outside {e.name}");
                Assert.Same(e, c.cpu_parent);
            }
        }
        // the step holds everything; the averages add up
        var step = events.Single(e => e.name == "step");
        Assert.All(events.Where(e => e != step), e => Assert.Contains(step, Ancestors(e)));
        var averages = prof.key_averages();
        Assert.Equal(prof.events().Sum(e => e.self_cpu_time_total), averages.self_cpu_time_total, 6);
        var add = averages.Single(a => a.key == "aten::add");
        Assert.Equal(prof.events().Where(e => e.name == "aten::add").Sum(e => e.cpu_time_total), add.cpu_time_total, 6);
        Assert.Equal(add.cpu_time_total / add.count, add.cpu_time, 9);
    }

    private static IEnumerable<FunctionEvent> Ancestors(FunctionEvent e)
    {
        for (var p = e.cpu_parent; p is not null; p = p.cpu_parent) yield return p;
    }

    [Fact]
    public void ShapesAreRecordedOnlyWhenAsked()
    {
        Profile with, without;
        using (with = profiler.profile(record_shapes: true)) _ = torch.mm(A, W);
        using (without = profiler.profile()) _ = torch.mm(A, W);
        Assert.Equal([[5L, 3], [3L, 4]], Mine(with).Single(e => e.name == "aten::mm").input_shapes);
        Assert.Empty(Mine(without).Single(e => e.name == "aten::mm").input_shapes);
        Assert.DoesNotContain("Input Shapes", without.key_averages(group_by_input_shape: true).table());
        Assert.Contains("Input Shapes", with.key_averages(group_by_input_shape: true).table());
        Assert.DoesNotContain("Input Shapes", with.key_averages().table());
    }

    [Fact]
    public void MemoryIsTheBytesOfNewStorage()
    {
        Profile prof;
        using (prof = profiler.profile(profile_memory: true))
        {
            using (profiler.record_function("outer"))
            {
                _ = torch.mm(torch.ones(6, 5, dtype: torch.float64), torch.ones(5, 7, dtype: torch.float64));
                _ = torch.ones(10, dtype: torch.float64).sum();
            }
        }
        var events = Mine(prof);
        Assert.Equal(6 * 7 * 8, events.Single(e => e.name == "aten::mm").self_cpu_memory_usage);
        var sum = events.Single(e => e.name == "aten::sum");
        Assert.Equal(8, sum.cpu_memory_usage);   // one double
        var outer = events.Single(e => e.name == "outer");
        // the ones tensors are made in outer itself; its total adds its children's
        Assert.Equal(6 * 5 * 8 + 5 * 7 * 8 + 10 * 8, outer.self_cpu_memory_usage);
        Assert.Equal(outer.self_cpu_memory_usage + outer.cpu_children.Sum(c => c.cpu_memory_usage), outer.cpu_memory_usage);
        Assert.Contains("Self CPU Mem", prof.key_averages().table());

        Profile quiet;
        using (quiet = profiler.profile()) _ = torch.mm(A, W);
        Assert.Equal(0, Mine(quiet).Single(e => e.name == "aten::mm").cpu_memory_usage);
        Assert.DoesNotContain("CPU Mem", quiet.key_averages().table());
    }

    [Fact]
    public void ChromeTraceHasOneEventPerRange()
    {
        Profile prof;
        using (prof = profiler.profile(record_shapes: true))
        {
            using (profiler.record_function("block"))
                for (int i = 0; i < 3; i++) _ = torch.relu(A + B);
        }
        var path = Path.Combine(Path.GetTempPath(), $"flint-trace-{Guid.NewGuid():N}.json");
        try
        {
            prof.export_chrome_trace(path);
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var all = doc.RootElement.GetProperty("traceEvents").EnumerateArray().ToArray();
            var complete = all.Where(e => e.GetProperty("ph").GetString() == "X").ToArray();
            Assert.Equal(prof.events().Count, complete.Length);
            Assert.Equal(3, complete.Count(e => e.GetProperty("name").GetString() == "aten::add"));
            Assert.Equal(3, complete.Count(e => e.GetProperty("name").GetString() == "aten::relu"));
            foreach (var (e, ev) in complete.Zip(prof.events()))
            {
                Assert.Equal(ev.name, e.GetProperty("name").GetString());
                Assert.Equal(ev.thread, e.GetProperty("tid").GetInt32());
                Assert.Equal(Environment.ProcessId, e.GetProperty("pid").GetInt32());
                Assert.Equal(ev.start_us, e.GetProperty("ts").GetDouble(), 3);
                Assert.Equal(ev.cpu_time_total, e.GetProperty("dur").GetDouble(), 3);
                Assert.Equal(ev.name == "block" ? "user_annotation" : "cpu_op", e.GetProperty("cat").GetString());
            }
            var add = complete.First(e => e.GetProperty("name").GetString() == "aten::add");
            Assert.Equal("[[5,3],[5,3]]", add.GetProperty("args").GetProperty("Input Dims").GetRawText());
            Assert.Contains(all, e => e.GetProperty("ph").GetString() == "M" && e.GetProperty("name").GetString() == "thread_name");
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void NothingIsRecordedOutsideAProfile()
    {
        _ = A + B;
        using (profiler.record_function("before")) _ = A * B;   // no profile: a range that records nothing
        Profile prof;
        using (prof = profiler.profile())
        {
            Assert.Throws<InvalidOperationException>(() => prof.events());
            _ = A - B;
        }
        _ = A / B;
        using (profiler.record_function("after")) _ = torch.mm(A, W);
        Assert.Equal(["aten::sub"], Mine(prof).Select(e => e.name));
        Assert.Equal(["aten::sub"], prof.events().Select(e => e.name).Distinct());

        // a profile that is not enabled records nothing either
        Profile off;
        using (off = autograd.profiler.profile(enabled: false)) _ = A + B;
        Assert.Empty(off.events());
        Assert.Equal("", off.key_averages().table());
    }

    [Fact]
    public void OpsOnOtherThreadsAreMerged()
    {
        Profile prof;
        int worker = 0;
        using (prof = profiler.profile())
        {
            var t = new Thread(() =>
            {
                worker = Environment.CurrentManagedThreadId;
                using (profiler.record_function("worker")) _ = torch.mm(A, W);
            });
            t.Start();
            t.Join();
            _ = A + B;
        }
        var events = prof.events();
        var onWorker = events.Where(e => e.thread == worker).Select(e => e.name).ToList();
        Assert.Equal(["worker", "aten::mm"], onWorker);
        Assert.Same(events.Single(e => e.name == "worker"), events.Single(e => e.name == "aten::mm").cpu_parent);
        Assert.Contains(events, e => e.name == "aten::add" && e.thread == Environment.CurrentManagedThreadId);
        Assert.Equal(events.OrderBy(e => e.start_us).Select(e => e.id), events.Select(e => e.id));
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.id));
    }

    [Fact]
    public void AnOpThatThrowsClosesItsRange()
    {
        Profile prof;
        using (prof = profiler.profile())
        {
            using (profiler.record_function("outer"))
            {
                Assert.Throws<ArgumentException>(() => torch.mm(A, B));
                _ = A + B;
            }
        }
        var events = Mine(prof);
        var outer = events.Single(e => e.name == "outer");
        Assert.Equal(["aten::mm", "aten::add"], outer.cpu_children.Select(c => c.name));
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        var c = Reference.Case("profiler", "bad_sort");
        Profile prof;
        using (prof = profiler.profile()) _ = A + B;
        var e = Assert.Throws<ArgumentException>(() => prof.key_averages().table(sort_by: "bogus"));
        Assert.Equal(c.GetProperty("error").GetString(), e.Message);
        using (var running = profiler.profile())
            Assert.Throws<InvalidOperationException>(() => profiler.profile());
        Assert.Throws<NotSupportedException>(() => profiler.profile(with_stack: true));
        // a refused profile leaves none running
        using (prof = profiler.profile()) _ = A + B;
        Assert.Single(Mine(prof));
    }
}

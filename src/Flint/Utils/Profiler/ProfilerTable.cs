using System.Globalization;
using System.Text;

namespace Flint.Profiler;

/// <summary>One row of the profiler's table: an event, or the events of one key summed.</summary>
internal readonly record struct TableRow(string Key, int Count, double CpuTimeTotal, double SelfCpuTimeTotal, double CpuTime,
    long CpuMemory, long SelfCpuMemory, IReadOnlyList<long[]>? Shapes);

/// <summary>
/// The table <c>key_averages().table()</c> prints, laid out as PyTorch's <c>_build_table</c>: every column right-aligned
/// and followed by two spaces, the name column as wide as the longest name plus four (at most 55), the others 12, the
/// input shapes as wide as the longest shape list plus four (at most 80); times in us/ms/s with three decimals, memory
/// in b/Kb/Mb/Gb; the shares of the sum of all self times.
/// </summary>
internal static class ProfilerTable
{
    private const int ColumnWidth = 12;
    private const int Spacing = 2;

    internal static readonly string[] SortKeys =
        ["cpu_time_total", "self_cpu_time_total", "cpu_time", "count", "cpu_memory_usage", "self_cpu_memory_usage",
         "cuda_time_total", "self_cuda_time_total", "cuda_time", "cuda_memory_usage", "self_cuda_memory_usage"];

    private static double SortValue(in TableRow r, string key) => key switch
    {
        "cpu_time_total" => r.CpuTimeTotal,
        "self_cpu_time_total" => r.SelfCpuTimeTotal,
        "cpu_time" => r.CpuTime,
        "count" => r.Count,
        "cpu_memory_usage" => r.CpuMemory,
        "self_cpu_memory_usage" => r.SelfCpuMemory,
        _ => 0, // the CUDA columns: nothing runs on a GPU here
    };

    internal static string Build(IReadOnlyList<TableRow> all, string? sortBy, int rowLimit, int maxNameColumnWidth,
        int maxShapesColumnWidth, bool profileMemory, string? header, string owner)
    {
        if (all.Count == 0) return "";
        if (sortBy is not null && Array.IndexOf(SortKeys, sortBy) < 0)
            throw new ArgumentException($"'{owner}' object has no attribute '{sortBy}'");
        IReadOnlyList<TableRow> rows = sortBy is null ? all : all.OrderByDescending(r => SortValue(r, sortBy)).ToList();
        bool hasShapes = rows.Any(r => r.Shapes is { Count: > 0 });

        int nameWidth = Math.Min(rows.Max(r => r.Key.Length) + 4, maxNameColumnWidth);
        int shapesWidth = Math.Min(rows.Max(r => ShapesOrNone(r.Shapes).Length) + 4, maxShapesColumnWidth);

        var headers = new List<string> { "Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg" };
        if (profileMemory) { headers.Add("CPU Mem"); headers.Add("Self CPU Mem"); }
        headers.Add("# of Calls");
        var widths = new List<int> { nameWidth };
        for (int i = 1; i < headers.Count; i++) widths.Add(ColumnWidth);
        if (hasShapes) { headers.Add("Input Shapes"); widths.Add(shapesWidth); }

        int lineLength = widths.Sum() + Spacing * widths.Count - Spacing;
        var sb = new StringBuilder();
        string separator = string.Concat(widths.Select(w => new string('-', w) + "  "));
        if (header is not null) { sb.Append('=', lineLength).Append('\n').Append(header).Append('\n'); }
        sb.Append(separator).Append('\n');
        AppendRow(sb, headers, widths);
        sb.Append(separator).Append('\n');

        double selfTotal = all.Sum(r => r.SelfCpuTimeTotal);
        int printed = 0;
        foreach (var r in rows)
        {
            if (printed == rowLimit) break;
            printed++;
            string name = r.Key.Length >= maxNameColumnWidth - 3 ? r.Key[..(maxNameColumnWidth - 3)] + "..." : r.Key;
            var values = new List<string> { name, Share(r.SelfCpuTimeTotal, selfTotal), Time(r.SelfCpuTimeTotal),
                Share(r.CpuTimeTotal, selfTotal), Time(r.CpuTimeTotal), Time(r.CpuTime) };
            if (profileMemory) { values.Add(Memory(r.CpuMemory)); values.Add(Memory(r.SelfCpuMemory)); }
            values.Add(r.Count.ToString(CultureInfo.InvariantCulture));
            if (hasShapes)
            {
                var s = ShapesOrNone(r.Shapes);
                values.Add(s.Length > shapesWidth ? s[..shapesWidth] : s);
            }
            AppendRow(sb, values, widths);
        }
        sb.Append(separator).Append('\n');
        sb.Append("Self CPU time total: ").Append(Time(selfTotal)).Append('\n');
        return sb.ToString();
    }

    private static void AppendRow(StringBuilder sb, List<string> values, List<int> widths)
    {
        for (int i = 0; i < values.Count; i++) sb.Append(values[i].PadLeft(widths[i])).Append(' ', Spacing);
        sb.Append('\n');
    }

    /// <summary>A time in microseconds as PyTorch prints it: 12.345us, 1.234ms, 2.000s.</summary>
    internal static string Time(double us) =>
        us >= 1e6 ? (us / 1e6).ToString("F3", CultureInfo.InvariantCulture) + "s"
        : us >= 1e3 ? (us / 1e3).ToString("F3", CultureInfo.InvariantCulture) + "ms"
        : us.ToString("F3", CultureInfo.InvariantCulture) + "us";

    private static string Share(double us, double total) =>
        total == 0 ? "NaN" : (us * 100.0 / total).ToString("F2", CultureInfo.InvariantCulture) + "%";

    /// <summary>Bytes as PyTorch prints them: 80 b, 1.50 Kb, 2.00 Mb, 1.00 Gb.</summary>
    internal static string Memory(long bytes)
    {
        const double KB = 1024, MB = 1024 * KB, GB = 1024 * MB;
        double a = Math.Abs((double)bytes);
        return a >= GB ? (bytes / GB).ToString("F2", CultureInfo.InvariantCulture) + " Gb"
            : a >= MB ? (bytes / MB).ToString("F2", CultureInfo.InvariantCulture) + " Mb"
            : a >= KB ? (bytes / KB).ToString("F2", CultureInfo.InvariantCulture) + " Kb"
            : bytes.ToString(CultureInfo.InvariantCulture) + " b";
    }

    /// <summary>A list of shapes as Python prints a list of lists: [[5, 3], [5, 3]].</summary>
    internal static string Shapes(IReadOnlyList<long[]> shapes) =>
        "[" + string.Join(", ", shapes.Select(s => "[" + string.Join(", ", s) + "]")) + "]";

    private static string ShapesOrNone(IReadOnlyList<long[]>? shapes) => shapes is null ? "None" : Shapes(shapes);
}

using System.Diagnostics;

namespace Flint.Profiler;

/// <summary>A profile's rows (events or their sums) and whether the profile recorded memory.</summary>
public abstract class ProfilerRows<T> : IReadOnlyList<T>
{
    private protected readonly List<T> items;
    private protected readonly bool profileMemory;

    private protected ProfilerRows(List<T> items, bool profileMemory) { this.items = items; this.profileMemory = profileMemory; }

    /// <summary>How many rows there are.</summary>
    public int Count => items.Count;
    /// <summary>The row at <paramref name="index"/>.</summary>
    public T this[int index] => items[index];
    /// <summary>The rows in order.</summary>
    public IEnumerator<T> GetEnumerator() => items.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>The events of a profile, ordered by start time (PyTorch's <c>EventList</c>).</summary>
public sealed class EventList : ProfilerRows<FunctionEvent>
{
    internal EventList(List<FunctionEvent> events, bool profileMemory) : base(events, profileMemory) { }

    /// <summary>
    /// The events summed by name (and by input shapes when <paramref name="group_by_input_shape"/>), in the order each
    /// key first occurs.
    /// </summary>
    public KeyAverages key_averages(bool group_by_input_shape = false)
    {
        var groups = new Dictionary<string, FunctionEventAvg>();
        var order = new List<FunctionEventAvg>();
        foreach (var e in items)
        {
            string key = group_by_input_shape ? e.key + "\n" + ProfilerTable.Shapes(e.input_shapes) : e.key;
            if (!groups.TryGetValue(key, out var avg))
            {
                groups[key] = avg = new FunctionEventAvg(e.key, group_by_input_shape ? e.input_shapes : null);
                order.Add(avg);
            }
            avg.Add(e);
        }
        return new KeyAverages(order, profileMemory);
    }

    /// <summary>The events as a table, one row each (see <see cref="KeyAverages.table"/>).</summary>
    public string table(string? sort_by = null, int row_limit = 100, int max_name_column_width = 55, int max_shapes_column_width = 80,
        string? header = null) =>
        ProfilerTable.Build(items.Select(e => new TableRow(e.key, 1, e.cpu_time_total, e.self_cpu_time_total, e.cpu_time,
            e.cpu_memory_usage, e.self_cpu_memory_usage, e.input_shapes)).ToList(),
            sort_by, row_limit, max_name_column_width, max_shapes_column_width, profileMemory, header, nameof(FunctionEvent));

    /// <summary>The sum of the events' self times, in microseconds.</summary>
    public double self_cpu_time_total => items.Sum(e => e.self_cpu_time_total);

    /// <summary>The table, as <c>print(prof.events())</c> shows it.</summary>
    public override string ToString() => table();

    /// <summary>Builds the events of the threads' buffers: times from the session's start, parents and memory totals.</summary>
    internal static EventList From(Session session)
    {
        double usPerTick = 1e6 / Stopwatch.Frequency;
        var all = new List<(FunctionEvent e, long start, int order)>();
        int id = 0;
        foreach (var b in session.Buffers())
        {
            var raw = b.Events;
            var made = new FunctionEvent[raw.Count];
            long lastEnd = raw.Count == 0 ? 0 : raw.Max(r => r.End);
            for (int i = 0; i < raw.Count; i++)
            {
                var r = raw[i];
                // a range still open when the profile stopped ends with the last one that closed
                long end = r.End >= 0 ? r.End : Math.Max(lastEnd, r.Start);
                made[i] = new FunctionEvent(r.Name, b.ThreadId, (r.Start - session.StartTicks) * usPerTick,
                    (end - session.StartTicks) * usPerTick, r.Shapes, r.SelfBytes, r.User);
                if (r.Parent >= 0)
                {
                    made[i].cpu_parent = made[r.Parent];
                    made[r.Parent].children.Add(made[i]);
                }
            }
            // children come after their parent: add each range's total to its parent's, innermost first
            for (int i = raw.Count - 1; i >= 0; i--)
                if (made[i].cpu_parent is { } p) p.cpu_memory_usage += made[i].cpu_memory_usage;
            for (int i = 0; i < made.Length; i++) all.Add((made[i], raw[i].Start, all.Count));
        }
        var ordered = all.OrderBy(x => x.start).ThenBy(x => x.order).Select(x => x.e).ToList();
        foreach (var e in ordered) e.id = id++;
        return new EventList(ordered, session.ProfileMemory);
    }
}

/// <summary>The events summed by key (PyTorch's <c>key_averages()</c>), with PyTorch's table.</summary>
public sealed class KeyAverages : ProfilerRows<FunctionEventAvg>
{
    internal KeyAverages(List<FunctionEventAvg> rows, bool profileMemory) : base(rows, profileMemory) { }

    /// <summary>
    /// PyTorch's profiler table: Name, Self CPU %, Self CPU, CPU total %, CPU total, CPU time avg, [CPU Mem, Self CPU
    /// Mem,] # of Calls[, Input Shapes], sorted by <paramref name="sort_by"/> (descending; none keeps first-occurrence
    /// order), at most <paramref name="row_limit"/> rows, and the footer "Self CPU time total: ...".
    /// </summary>
    public string table(string? sort_by = null, int row_limit = 100, int max_name_column_width = 55, int max_shapes_column_width = 80,
        string? header = null) =>
        ProfilerTable.Build(items.Select(a => new TableRow(a.key, a.count, a.cpu_time_total, a.self_cpu_time_total, a.cpu_time,
            a.cpu_memory_usage, a.self_cpu_memory_usage, a.input_shapes)).ToList(),
            sort_by, row_limit, max_name_column_width, max_shapes_column_width, profileMemory, header, nameof(FunctionEventAvg));

    /// <summary>The sum of the rows' self times, in microseconds.</summary>
    public double self_cpu_time_total => items.Sum(r => r.self_cpu_time_total);

    /// <summary>The table, as <c>print(prof.key_averages())</c> shows it.</summary>
    public override string ToString() => table();
}

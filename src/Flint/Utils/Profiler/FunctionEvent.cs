namespace Flint.Profiler;

/// <summary>
/// One recorded range (an op, a <c>record_function</c> block or an autograd node), as PyTorch's
/// <c>torch.autograd.profiler_util.FunctionEvent</c>: times in microseconds from the start of the profile.
/// </summary>
public sealed class FunctionEvent
{
    internal FunctionEvent(string name, int thread, double startUs, double endUs, long[][]? shapes, long selfBytes, bool user)
    {
        IsUserAnnotation = user;
        this.name = name;
        this.thread = thread;
        start_us = startUs;
        end_us = endUs;
        input_shapes = shapes ?? [];
        self_cpu_memory_usage = selfBytes;
        cpu_memory_usage = selfBytes;
    }

    /// <summary>The event's number in the profile, in order of start.</summary>
    public int id { get; internal set; }
    /// <summary>The op's name (<c>aten::add</c>), the autograd node's, or the record_function range's.</summary>
    public string name { get; }
    /// <summary>The name the events are grouped by in <see cref="EventList.key_averages"/>.</summary>
    public string key => name;
    /// <summary>The managed id of the thread that ran it.</summary>
    public int thread { get; }
    /// <summary>When the range began, in microseconds from the profile's start.</summary>
    public double start_us { get; }
    /// <summary>When the range ended, in microseconds from the profile's start.</summary>
    public double end_us { get; }
    /// <summary>The shapes of the tensor inputs (empty unless the profile was made with record_shapes).</summary>
    public IReadOnlyList<long[]> input_shapes { get; }
    /// <summary>The range that encloses this one on its thread, or null.</summary>
    public FunctionEvent? cpu_parent { get; internal set; }
    internal readonly List<FunctionEvent> children = [];
    /// <summary>The ranges directly inside this one.</summary>
    public IReadOnlyList<FunctionEvent> cpu_children => children;
    /// <summary>One call (the average of a group has its own count).</summary>
    public int count => 1;
    /// <summary>A record_function range (not an op or an autograd node).</summary>
    internal bool IsUserAnnotation { get; }

    /// <summary>Wall time from start to end, in microseconds.</summary>
    public double cpu_time_total => end_us - start_us;
    /// <summary><see cref="cpu_time_total"/> less the time of the direct children.</summary>
    public double self_cpu_time_total
    {
        get
        {
            double t = cpu_time_total;
            foreach (var c in children) t -= c.cpu_time_total;
            return t;
        }
    }
    /// <summary>The same as <see cref="cpu_time_total"/> for a single event.</summary>
    public double cpu_time => cpu_time_total;
    /// <summary>Bytes of storage allocated in this range and the ranges inside it.</summary>
    public long cpu_memory_usage { get; internal set; }
    /// <summary>Bytes of storage allocated in this range, outside the ranges inside it.</summary>
    public long self_cpu_memory_usage { get; }

    /// <summary>The event in PyTorch's repr form.</summary>
    public override string ToString() =>
        $"<FunctionEvent id={id} name={name} thread={thread} cpu_time={ProfilerTable.Time(cpu_time_total)} " +
        $"start_us={start_us:F3} end_us={end_us:F3} cpu_children={children.Count} input_shapes={ProfilerTable.Shapes(input_shapes)} " +
        $"cpu_memory_usage={cpu_memory_usage}>";
}

/// <summary>
/// The events of one key summed (PyTorch's <c>FunctionEventAvg</c>): calls, total and self times, memory.
/// </summary>
public sealed class FunctionEventAvg
{
    internal FunctionEventAvg(string key, IReadOnlyList<long[]>? shapes) { this.key = key; input_shapes = shapes; }

    /// <summary>The name (and shapes, when grouped by them) the events share.</summary>
    public string key { get; }
    /// <summary>How many calls were summed.</summary>
    public int count { get; private set; }
    /// <summary>The summed wall time of the calls, children included, in microseconds.</summary>
    public double cpu_time_total { get; private set; }
    /// <summary>The summed wall time of the calls outside their children, in microseconds.</summary>
    public double self_cpu_time_total { get; private set; }
    /// <summary>The average time of one call.</summary>
    public double cpu_time => count == 0 ? 0 : cpu_time_total / count;
    /// <summary>Bytes of storage the calls allocated, children included.</summary>
    public long cpu_memory_usage { get; private set; }
    /// <summary>Bytes of storage the calls allocated outside their children.</summary>
    public long self_cpu_memory_usage { get; private set; }
    /// <summary>The shapes of the group's inputs when grouped by input shape, null otherwise.</summary>
    public IReadOnlyList<long[]>? input_shapes { get; }

    internal void Add(FunctionEvent e)
    {
        count++;
        cpu_time_total += e.cpu_time_total;
        self_cpu_time_total += e.self_cpu_time_total;
        cpu_memory_usage += e.cpu_memory_usage;
        self_cpu_memory_usage += e.self_cpu_memory_usage;
    }

    /// <summary>The group in PyTorch's repr form.</summary>
    public override string ToString() =>
        $"<FunctionEventAvg key={key} self_cpu_time={ProfilerTable.Time(self_cpu_time_total)} cpu_time={ProfilerTable.Time(cpu_time)} " +
        $"input_shapes={(input_shapes is null ? "None" : ProfilerTable.Shapes(input_shapes))} cpu_memory_usage={cpu_memory_usage}>";
}

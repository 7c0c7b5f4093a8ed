namespace Flint.Profiler;

/// <summary>
/// A running profile, as PyTorch's <c>torch.profiler.profile</c>: it records from its creation (or
/// <see cref="start"/>) to <see cref="Dispose"/> (or <see cref="stop"/>) every op, <c>record_function</c> range and
/// autograd node run on any thread; then <see cref="events"/>, <see cref="key_averages"/> and
/// <see cref="export_chrome_trace"/> give what was recorded. One profile runs at a time.
/// </summary>
public sealed class Profile : IDisposable
{
    private readonly Session session;
    private readonly bool enabled;
    private bool started, stopped;
    private EventList? result;

    internal Profile(bool enabled, bool recordShapes, bool profileMemory, bool withStack)
    {
        if (withStack) throw new NotSupportedException("with_stack=True is not supported: Flint records no source locations");
        this.enabled = enabled;
        session = new Session(recordShapes, profileMemory, withStack);
        start();
    }

    /// <summary>The number of <see cref="step"/> calls so far.</summary>
    public int step_num { get; private set; }

    /// <summary>Starts recording (the constructor does; a second call does nothing).</summary>
    public void start()
    {
        if (started) return;
        started = true;
        if (enabled) Recorder.Start(session);
    }

    /// <summary>Stops recording and collects the events of every thread.</summary>
    public void stop()
    {
        if (!started || stopped) return;
        stopped = true;
        if (enabled) Recorder.Stop(session);
        result = EventList.From(session);
    }

    /// <summary>Marks the end of a training step (without a schedule it only counts steps, as PyTorch's).</summary>
    public void step() => step_num++;

    /// <summary>Stops the profile (the end of its <c>using</c> scope).</summary>
    public void Dispose() => stop();

    /// <summary>The recorded events, ordered by start time.</summary>
    public EventList events() => result ?? throw new InvalidOperationException(
        "the profile is still running: its events are there once it is disposed or stopped");

    /// <summary>The events summed by name (and by input shapes when <paramref name="group_by_input_shape"/>).</summary>
    public KeyAverages key_averages(bool group_by_input_shape = false) => events().key_averages(group_by_input_shape);

    /// <summary>Writes the events as a Chrome trace (JSON that chrome://tracing and Perfetto open) to <paramref name="path"/>.</summary>
    public void export_chrome_trace(string path) => ChromeTrace.Write(events(), path);

    /// <summary>The sum of the events' self times, in microseconds.</summary>
    public double self_cpu_time_total => events().self_cpu_time_total;
}

/// <summary>
/// A labelled range (PyTorch's <c>record_function</c>): <c>using (torch.profiler.record_function("name")) { ... }</c>. The
/// ops inside it are its children in the profile; outside a profile it records nothing.
/// </summary>
public readonly struct RecordFunction : IDisposable
{
    private readonly Recorder.Range range;
    internal RecordFunction(string name) { ArgumentNullException.ThrowIfNull(name); range = Recorder.Active ? Recorder.BeginUser(name) : default; }
    /// <summary>Closes the range (the end of its <c>using</c> scope).</summary>
    public void Dispose() => range.Dispose();
}

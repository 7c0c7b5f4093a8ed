using System.Globalization;

namespace Flint.Tensorboard;

/// <summary>
/// One event file in a log directory, named like TensorBoard's writer names it:
/// <c>events.out.tfevents.&lt;10-digit unix time&gt;.&lt;hostname&gt;.&lt;pid&gt;.&lt;counter&gt;&lt;suffix&gt;</c>. The first record
/// (the file_version event) is written at once; later events wait in a queue that goes to disk when it holds
/// <c>maxQueue</c> events, when <c>flushSecs</c> have passed since the last flush (checked on each event and by
/// a timer), on <see cref="Flush"/>, on <see cref="Close"/> and when the process exits.
/// </summary>
internal sealed class EventFileWriter
{
    private static int globalUid = -1;

    private readonly object gate = new();
    private readonly List<byte[]> pending = [];
    private readonly int maxQueue;
    private readonly TimeSpan flushInterval;
    private readonly Timer? timer;
    private FileStream? file;
    private DateTime lastFlush;

    public string LogDir { get; }
    public string FileName { get; }

    public EventFileWriter(string logDir, int maxQueue = 10, double flushSecs = 120, string filenameSuffix = "")
    {
        if (!(flushSecs >= 0) || double.IsInfinity(flushSecs)) throw new ArgumentException($"flush_secs should be a non-negative number of seconds, got {flushSecs}");
        LogDir = logDir;
        this.maxQueue = Math.Max(maxQueue, 1);
        flushInterval = TimeSpan.FromSeconds(flushSecs);
        Directory.CreateDirectory(logDir);
        long seconds = (long)Events.Now();
        int uid = Interlocked.Increment(ref globalUid);
        FileName = Path.Combine(logDir, string.Create(CultureInfo.InvariantCulture,
            $"events.out.tfevents.{seconds:D10}.{Hostname()}.{System.Environment.ProcessId}.{uid}")) + filenameSuffix;
        file = new FileStream(FileName, FileMode.Create, FileAccess.Write, FileShare.Read);
        pending.Add(Events.FileVersionEvent(Events.Now()));
        Flush();
        if (flushSecs > 0)
            timer = new Timer(_ => FlushIfDue(), null, flushInterval, flushInterval);
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    // a writer that was never closed still gets its queue to disk when the process exits normally
    private void OnProcessExit(object? sender, EventArgs e) => Close();

    /// <summary>The machine's name as the C library's gethostname gives it (Python's <c>socket.gethostname()</c>).</summary>
    public static string Hostname() => System.Net.Dns.GetHostName();

    public bool IsClosed { get { lock (gate) return file is null; } }

    public void AddEvent(byte[] evt)
    {
        lock (gate)
        {
            if (file is null) throw new IOException("Writer is closed");
            pending.Add(evt);
            if (pending.Count >= maxQueue || DateTime.UtcNow - lastFlush >= flushInterval) WritePending();
        }
    }

    public void Flush()
    {
        lock (gate) { if (file is not null) WritePending(); }
    }

    public void Close()
    {
        lock (gate)
        {
            if (file is null) return;
            WritePending();
            file.Dispose();
            file = null;
        }
        timer?.Dispose();
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
    }

    private void FlushIfDue()
    {
        lock (gate)
        {
            if (file is not null && pending.Count > 0 && DateTime.UtcNow - lastFlush >= flushInterval) WritePending();
        }
    }

    private void WritePending()
    {
        foreach (var evt in pending) RecordWriter.Write(file!, evt);
        pending.Clear();
        file!.Flush();
        lastFlush = DateTime.UtcNow;
    }
}

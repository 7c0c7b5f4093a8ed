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
    private Exception? backgroundError;

    public string LogDir { get; }
    public string FileName { get; }

    public EventFileWriter(string logDir, int maxQueue = 10, double flushSecs = 120, string filenameSuffix = "")
    {
        if (!(flushSecs >= 0)) throw new ArgumentException($"flush_secs should be a non-negative number of seconds, got {flushSecs}");
        LogDir = logDir;
        this.maxQueue = Math.Max(maxQueue, 1);
        flushInterval = flushSecs >= TimeSpan.MaxValue.TotalSeconds ? TimeSpan.MaxValue : TimeSpan.FromSeconds(flushSecs);
        Directory.CreateDirectory(logDir);
        long seconds = (long)Events.Now();
        int uid = Interlocked.Increment(ref globalUid);
        FileName = Path.Combine(logDir, string.Create(CultureInfo.InvariantCulture,
            $"events.out.tfevents.{seconds:D10}.{Hostname()}.{System.Environment.ProcessId}.{uid}")) + filenameSuffix;
        file = new FileStream(FileName, FileMode.Create, FileAccess.Write, FileShare.Read);
        pending.Add(Events.FileVersionEvent(Events.Now()));
        Flush();
        // a timer fires at most every 2^32 - 2 ms; longer intervals are only checked when events are added
        if (flushSecs > 0 && flushInterval.TotalMilliseconds <= uint.MaxValue - 2.0)
            timer = new Timer(_ => FlushIfDue(), null, flushInterval, flushInterval);
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    // a writer that was never closed still gets its queue to disk when the process exits normally
    private void OnProcessExit(object? sender, EventArgs e)
    {
        try { Close(); }
        catch (IOException) { }   // nothing is left to report to at exit
    }

    /// <summary>The machine's name as the C library's gethostname gives it (Python's <c>socket.gethostname()</c>).</summary>
    public static string Hostname() => System.Net.Dns.GetHostName();

    public bool IsClosed { get { lock (gate) return file is null; } }

    public void AddEvent(byte[] evt)
    {
        lock (gate)
        {
            if (file is null) throw new IOException("Writer is closed");
            ThrowBackgroundError();
            pending.Add(evt);
            if (pending.Count >= maxQueue || DateTime.UtcNow - lastFlush >= flushInterval) WritePending();
        }
    }

    public void Flush()
    {
        lock (gate)
        {
            if (file is null) return;
            ThrowBackgroundError();
            WritePending();
        }
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
            if (file is null || backgroundError is not null || pending.Count == 0 || DateTime.UtcNow - lastFlush < flushInterval) return;
            // the timer's thread has no caller: a failed write is reported by the next add or flush
            try { WritePending(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { backgroundError = e; }
        }
    }

    private void ThrowBackgroundError()
    {
        if (backgroundError is null) return;
        var e = backgroundError;
        backgroundError = null;
        throw new IOException($"writing the event file {FileName} failed: {e.Message}", e);
    }

    /// <summary>The queued records in one write, so a failed write leaves them queued rather than half sent.</summary>
    private void WritePending()
    {
        if (pending.Count > 0)
        {
            using var records = new MemoryStream();
            foreach (var evt in pending) RecordWriter.Write(records, evt);
            file!.Write(records.GetBuffer(), 0, (int)records.Length);
            pending.Clear();
        }
        file!.Flush();
        lastFlush = DateTime.UtcNow;
    }
}

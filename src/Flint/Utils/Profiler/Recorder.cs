using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Flint.Profiler;

/// <summary>
/// The op layer's face of the profiler. <see cref="Active"/> is the one field an op reads when no profile runs; only
/// when it is set does an op open a range (<see cref="Begin(string, Tensor)"/>), which goes to the calling thread's
/// buffer of the running session. The buffers of all threads are merged when the session stops.
/// </summary>
internal static class Recorder
{
    /// <summary>True while a profile runs: the ops' only check when none does.</summary>
    internal static bool Active;

    private static readonly object Gate = new();
    private static Session? current;

    [ThreadStatic] private static ThreadBuffer? buffer;

    internal static Session? Current => Volatile.Read(ref current);

    internal static void Start(Session session)
    {
        lock (Gate)
        {
            if (current is not null)
                throw new InvalidOperationException("Profiler is already enabled on this thread");
            current = session;
            Volatile.Write(ref Active, true);
        }
    }

    internal static void Stop(Session session)
    {
        lock (Gate)
        {
            if (!ReferenceEquals(current, session)) return;
            Volatile.Write(ref Active, false);
            current = null;
        }
    }

    /// <summary>The calling thread's buffer in the running session, made (and registered) on first use; null when none runs.</summary>
    private static ThreadBuffer? Buffer()
    {
        var s = Current;
        if (s is null) return null;
        var b = buffer;
        if (b is not null && ReferenceEquals(b.Session, s)) return b;
        b = new ThreadBuffer(s, Environment.CurrentManagedThreadId);
        s.Register(b);
        buffer = b;
        return b;
    }

    /// <summary>Opens a range named <paramref name="name"/> on this thread, with no inputs.</summary>
    internal static Range Begin(string name) => Begin(name, new Inputs(null, null, null));

    /// <summary>Opens a record_function range on this thread.</summary>
    internal static Range BeginUser(string name) => Begin(name, new Inputs(null, null, null), user: true);

    internal static Range Begin(string name, Tensor a) => Begin(name, new Inputs(a, null, null));

    internal static Range Begin(string name, Tensor a, Tensor b) => Begin(name, new Inputs(a, b, null));

    /// <summary>Opens an op's range; an absent optional input (<paramref name="c"/> null) is left out of the shapes.</summary>
    internal static Range Begin(string name, Tensor a, Tensor b, Tensor? c) => Begin(name, new Inputs(a, b, c));

    private static Range Begin(string name, Inputs inputs, bool user = false)
    {
        var b = Buffer();
        if (b is null) return default;
        long[][]? shapes = b.Session.RecordShapes ? inputs.Shapes() : null;
        return new Range(b, b.Open(name, shapes, user));
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Plain, string InPlace)> Names = new();

    /// <summary>PyTorch's name of the op behind a kernel name: "aten::add", or "aten::add_" in place.</summary>
    internal static string OpName(string kernel, bool inPlace)
    {
        var n = Names.GetOrAdd(kernel, static k =>
        {
            string aten = "aten::" + (k is "div_trunc" or "div_floor" ? "div" : k.StartsWith("gelu_", StringComparison.Ordinal) ? "gelu" : k);
            return (aten, aten + "_");
        });
        return inPlace ? n.InPlace : n.Plain;
    }

    /// <summary>Bytes of new storage: counted on the innermost range open on this thread.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void Allocated(long bytes)
    {
        var b = Buffer();
        if (b is not null && b.Session.ProfileMemory) b.Allocated(bytes);
    }

    /// <summary>Up to three tensor inputs of an op, kept on the stack until their shapes are copied.</summary>
    private readonly struct Inputs(Tensor? a, Tensor? b, Tensor? c)
    {
        internal long[][] Shapes()
        {
            int n = a is null ? 0 : b is null ? 1 : c is null ? 2 : 3;
            var r = new long[n][];
            if (n > 0) r[0] = (long[])a!._shape.Clone();
            if (n > 1) r[1] = (long[])b!._shape.Clone();
            if (n > 2) r[2] = (long[])c!._shape.Clone();
            return r;
        }
    }

    /// <summary>An open range; disposing it closes it (a default one, made when no profile runs, does nothing).</summary>
    internal readonly struct Range(ThreadBuffer? buffer, int index) : IDisposable
    {
        public void Dispose() => buffer?.Close(index);
    }
}

/// <summary>One range as recorded: times in stopwatch ticks, the parent an index into the same thread's list.</summary>
internal struct RawEvent
{
    internal string Name;
    internal long Start, End;
    internal int Parent;
    internal long[][]? Shapes;
    internal long SelfBytes;
    internal bool User;
}

/// <summary>
/// The ranges one thread recorded in one session, in the order they were opened, and the innermost range still open.
/// Only its thread writes to it while the session runs.
/// </summary>
internal sealed class ThreadBuffer(Session session, int threadId)
{
    internal readonly Session Session = session;
    internal readonly int ThreadId = threadId;
    internal readonly List<RawEvent> Events = [];
    private int open = -1;

    internal int Open(string name, long[][]? shapes, bool user)
    {
        Events.Add(new RawEvent { Name = name, Start = Stopwatch.GetTimestamp(), End = -1, Parent = open, Shapes = shapes, User = user });
        open = Events.Count - 1;
        return open;
    }

    internal void Close(int index)
    {
        long now = Stopwatch.GetTimestamp();
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(Events);
        if (index < 0 || index >= span.Length || span[index].End >= 0) return;
        // ranges left open inside this one (closed out of order) end with it
        for (int i = open; i >= index && i >= 0; i = span[i].Parent)
        {
            if (span[i].End < 0) span[i].End = now;
            if (i == index) break;
        }
        open = span[index].Parent;
    }

    internal void Allocated(long bytes)
    {
        if (open >= 0) System.Runtime.InteropServices.CollectionsMarshal.AsSpan(Events)[open].SelfBytes += bytes;
    }
}

/// <summary>One profile's settings and the buffers of the threads that recorded into it.</summary>
internal sealed class Session(bool recordShapes, bool profileMemory, bool withStack)
{
    internal readonly bool RecordShapes = recordShapes;
    internal readonly bool ProfileMemory = profileMemory;
    internal readonly bool WithStack = withStack;
    internal readonly long StartTicks = Stopwatch.GetTimestamp();
    private readonly List<ThreadBuffer> buffers = [];

    internal void Register(ThreadBuffer b)
    {
        lock (buffers) buffers.Add(b);
    }

    /// <summary>The buffers recorded so far (call once the session stopped).</summary>
    internal ThreadBuffer[] Buffers()
    {
        lock (buffers) return [.. buffers];
    }
}

using System.Text.Json;

namespace Flint.Profiler;

/// <summary>
/// The Chrome trace-event JSON that chrome://tracing and Perfetto open: {"traceEvents": [...]} with one complete event
/// (ph "X": name, cat, ts and dur in microseconds, pid, tid, args holding the input shapes) per recorded range, and
/// one thread-name metadata event (ph "M") per thread, as PyTorch's Kineto trace writes them.
/// </summary>
internal static class ChromeTrace
{
    internal static void Write(EventList events, string path)
    {
        using var stream = File.Create(path);
        Write(events, stream);
    }

    internal static void Write(EventList events, Stream stream)
    {
        int pid = Environment.ProcessId;
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", 1);
        w.WriteString("displayTimeUnit", "ms");
        w.WriteStartArray("traceEvents");
        foreach (var e in events)
        {
            w.WriteStartObject();
            w.WriteString("ph", "X");
            w.WriteString("cat", e.IsUserAnnotation ? "user_annotation" : "cpu_op");
            w.WriteString("name", e.name);
            w.WriteNumber("pid", pid);
            w.WriteNumber("tid", e.thread);
            w.WriteNumber("ts", Math.Round(e.start_us, 3));
            w.WriteNumber("dur", Math.Round(e.cpu_time_total, 3));
            w.WriteStartObject("args");
            w.WriteNumber("External id", e.id);
            if (e.input_shapes.Count > 0)
            {
                w.WriteStartArray("Input Dims");
                foreach (var s in e.input_shapes)
                {
                    w.WriteStartArray();
                    foreach (var d in s) w.WriteNumberValue(d);
                    w.WriteEndArray();
                }
                w.WriteEndArray();
            }
            if (e.self_cpu_memory_usage != 0) w.WriteNumber("Self CPU Mem", e.self_cpu_memory_usage);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        foreach (var tid in events.Select(e => e.thread).Distinct())
        {
            w.WriteStartObject();
            w.WriteString("ph", "M");
            w.WriteString("name", "thread_name");
            w.WriteNumber("pid", pid);
            w.WriteNumber("tid", tid);
            w.WriteStartObject("args");
            w.WriteString("name", $"thread {tid}");
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

}

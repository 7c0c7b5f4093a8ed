namespace Flint.Tensorboard;

/// <summary>
/// TensorBoard's <c>Event</c> message (tensorboard/compat/proto/event.proto): wall_time = 1, step = 2, and one of
/// file_version = 3, graph_def = 4, summary = 5, session_log = 7, tagged_run_metadata = 8.
/// </summary>
internal static class Events
{
    /// <summary>The version string of the first record of every event file.</summary>
    public const string FileVersion = "brain.Event:2";

    /// <summary>SessionLog.SessionStatus.START.</summary>
    public const int SessionStart = 1;

    public static byte[] FileVersionEvent(double wallTime, long step = 0) =>
        new ProtoWriter().Double(1, wallTime).Int64(2, step).OneofString(3, FileVersion).ToArray();

    public static byte[] SummaryEvent(double wallTime, long? step, byte[] summary) =>
        new ProtoWriter().Double(1, wallTime).Int64(2, step ?? 0).OneofBytes(5, summary).ToArray();

    /// <summary>An event holding a serialized GraphDef (no step, as PyTorch writes it).</summary>
    public static byte[] GraphEvent(double wallTime, byte[] graphDef) =>
        new ProtoWriter().Double(1, wallTime).OneofBytes(4, graphDef).ToArray();

    /// <summary>An event with a TaggedRunMetadata (tag = 1, run_metadata = 2: a serialized RunMetadata).</summary>
    public static byte[] TaggedRunMetadataEvent(double wallTime, string tag, byte[] runMetadata) =>
        new ProtoWriter().Double(1, wallTime).Message(8, new ProtoWriter().String(1, tag).Bytes(2, runMetadata)).ToArray();

    /// <summary>An event with a SessionLog (status = 1) of the given status.</summary>
    public static byte[] SessionLogEvent(double wallTime, long step, int status) =>
        new ProtoWriter().Double(1, wallTime).Int64(2, step).Message(7, new ProtoWriter().Int32(1, status)).ToArray();

    /// <summary>Seconds since the Unix epoch, like Python's <c>time.time()</c>.</summary>
    public static double Now() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond;
}

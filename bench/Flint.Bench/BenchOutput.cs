using System.Globalization;

namespace Flint.Bench;

/// <summary>The benchmark's line format, name&lt;TAB&gt;seconds&lt;TAB&gt;figure, as read back from a child process (the peer, the AOT build).</summary>
internal static class BenchOutput
{
    /// <summary>Reads every line of <paramref name="output"/>, keeping each workload's best (smallest) time in <paramref name="best"/>.</summary>
    public static void KeepBest(TextReader output, Dictionary<string, (double s, string fig)> best)
    {
        string? line;
        while ((line = output.ReadLine()) != null)
        {
            var parts = line.Split('\t');
            if (parts.Length >= 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var s)
                && (!best.TryGetValue(parts[0], out var prev) || s < prev.s))
                best[parts[0]] = (s, parts.Length > 2 ? parts[2] : "");
        }
    }
}

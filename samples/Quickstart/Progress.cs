using System.Diagnostics;
using System.Globalization;

namespace Quickstart;

/// <summary>
/// Reports training progress. Every 100 batches it prints the tutorial's line (<c>loss: 0.523412  [ 6464/60000]</c>);
/// on a console it also keeps a live bar on the last line (batch, loss, samples/s, time left), redrawn in place.
/// When the output is redirected only the plain lines are written, and a summary at the end.
/// </summary>
public sealed class Progress(long size, long batches, TextWriter output, bool live)
{
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private long lastDraw = -1;
    private int drawnWidth;
    private long samples;
    private long batchesDone;
    private double lastLoss = double.NaN;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public void Report(long batch, long current, double loss)
    {
        samples = current; batchesDone = batch + 1; lastLoss = loss;
        if (batch % 100 == 0)
        {
            string line = string.Format(Inv, "loss: {0,7:0.000000}  [{1,5}/{2,5}]", loss, current, size);
            if (live) { Clear(); output.WriteLine(line); Draw(final: false); }
            else output.WriteLine(line);
            return;
        }
        if (!live) return;
        long now = clock.ElapsedMilliseconds;
        if (now - lastDraw >= 100) Draw(final: false);
    }

    public void Finish()
    {
        if (live) { Draw(final: true); output.WriteLine(); }
        else output.WriteLine(string.Format(Inv, "{0} batches, {1} samples in {2:0.0} s ({3:0} samples/s)",
            batchesDone, samples, clock.Elapsed.TotalSeconds, Rate()));
        output.Flush();
    }

    private double Rate() => samples / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);

    private void Draw(bool final)
    {
        lastDraw = clock.ElapsedMilliseconds;
        const int width = 24;
        double fraction = batches == 0 ? 1 : (double)batchesDone / batches;
        int filled = (int)Math.Round(fraction * width);
        string bar = new string('=', Math.Max(filled - 1, 0)) + (filled > 0 ? (filled == width ? "=" : ">") : "") + new string(' ', width - filled);
        double rate = Rate();
        string time = final
            ? "in " + Clock(clock.Elapsed.TotalSeconds)
            : "ETA " + (rate > 0 ? Clock((size - samples) / rate) : "?");
        int digits = batches.ToString(Inv).Length;
        string text = string.Format(Inv, "{0}/{1} [{2}] loss: {3:0.000000}  {4:0} samples/s  {5}",
            batchesDone.ToString(Inv).PadLeft(digits), batches, bar, lastLoss, rate, time);
        int pad = Math.Max(drawnWidth - text.Length, 0);
        output.Write("\r" + text + new string(' ', pad));
        drawnWidth = text.Length;
        output.Flush();
    }

    private void Clear()
    {
        if (drawnWidth > 0) output.Write("\r" + new string(' ', drawnWidth) + "\r");
        drawnWidth = 0;
    }

    private static string Clock(double seconds)
    {
        var s = (long)Math.Round(seconds);
        return s >= 3600 ? $"{s / 3600}:{s / 60 % 60:00}:{s % 60:00}" : $"{s / 60}:{s % 60:00}";
    }
}

using System.Diagnostics;
using System.Globalization;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;
using static Flint.torch;

namespace Flint.Interactive;

/// <summary>
/// A training curve that redraws itself in the notebook cell that showed it:
/// <code>
/// var plot = new LossPlot();
/// plot.show();
/// for (int step = 0; step &lt; n; step++) { ...; plot.add(step, loss.item&lt;float&gt;()); }
/// plot.refresh();
/// </code>
/// <see cref="add"/> redraws at most every <c>min_interval</c> seconds, so a fast loop is not slowed by drawing;
/// <see cref="refresh"/> draws the last points. Several series (train, test) share the chart.
/// </summary>
public sealed class LossPlot
{
    private readonly object gate = new();
    private readonly Dictionary<string, List<(double x, double y)>> series = [];
    private readonly Stopwatch sinceDraw = new();
    private DisplayedValue? displayed;

    /// <summary>A live training curve: <paramref name="title"/> and the axis labels head the chart, <paramref name="width"/> x <paramref name="height"/> is its size in pixels, and the cell redraws at most once every <paramref name="min_interval"/> seconds.</summary>
    public LossPlot(string title = "loss", string xlabel = "step", string ylabel = "loss", int width = 640, int height = 400, double min_interval = 0.5)
    {
        if (width < 200 || height < 150) throw new ArgumentException($"a chart needs at least 200 x 150 pixels, got {width} x {height}");
        if (!(min_interval >= 0)) throw new ArgumentOutOfRangeException(nameof(min_interval), min_interval, "min_interval must be a non-negative number of seconds");
        this.title = title; this.xlabel = xlabel; this.ylabel = ylabel; this.width = width; this.height = height; this.min_interval = min_interval;
    }

    /// <summary>The chart's title.</summary>
    public string title { get; }
    /// <summary>The label of the x axis.</summary>
    public string xlabel { get; }
    /// <summary>The label of the y axis.</summary>
    public string ylabel { get; }
    /// <summary>The chart's width in pixels.</summary>
    public int width { get; }
    /// <summary>The chart's height in pixels.</summary>
    public int height { get; }
    /// <summary>The least time in seconds between two redraws of the cell (the last point is always drawn).</summary>
    public double min_interval { get; }

    /// <summary>How many times the display has been drawn (shown or updated).</summary>
    public int draws { get; private set; }

    /// <summary>Shows the plot in the running cell; later <see cref="add"/> and <see cref="refresh"/> calls redraw it there.</summary>
    public void show()
    {
        var context = KernelInvocationContext.Current
            ?? throw new InvalidOperationException("show() needs a running notebook cell (no .NET Interactive kernel is running this code)");
        lock (gate)
        {
            displayed = context.Display(this, HtmlFormatter.MimeType);
            draws++;
            sinceDraw.Restart();
        }
    }

    /// <summary>Appends the point (x, y) to <paramref name="series"/> and redraws when min_interval has passed.</summary>
    public void add(double x, double y, string series = "train")
    {
        ArgumentNullException.ThrowIfNull(series);
        lock (gate)
        {
            if (!this.series.TryGetValue(series, out var points)) this.series[series] = points = [];
            points.Add((x, y));
            if (displayed is not null && sinceDraw.Elapsed.TotalSeconds >= min_interval) Draw();
        }
    }

    /// <summary>Redraws the display now (after the loop, so the last points show).</summary>
    public void refresh()
    {
        lock (gate) if (displayed is not null) Draw();
    }

    private void Draw()
    {
        displayed!.Update(this);
        draws++;
        sinceDraw.Restart();
    }

    /// <summary>The chart of the points so far.</summary>
    public utils.Chart Chart()
    {
        lock (gate)
        {
            var chart = new utils.Chart(title, xlabel, ylabel);
            foreach (var (name, points) in series) chart.plot(points.ToArray(), label: name);
            return chart;
        }
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        lock (gate)
        {
            var parts = series.Select(s => s.Key + ": " + s.Value.Count + " points"
                + (s.Value.Count > 0 ? ", last " + s.Value[^1].y.ToString("G6", CultureInfo.InvariantCulture) : ""));
            return $"LossPlot('{title}'" + (series.Count > 0 ? "; " + string.Join("; ", parts) : "") + ")";
        }
    }
}

using System.Globalization;

namespace Quickstart;

/// <summary>Line charts of the training curves, rasterized onto a <see cref="Canvas"/> and saved as PNG.</summary>
public static class Chart
{
    private static readonly Rgb White = new(255, 255, 255), Ink = new(40, 40, 40), Grid = new(225, 225, 225),
        Axis = new(90, 90, 90), TrainColor = new(31, 119, 180), TestColor = new(230, 110, 20);

    /// <summary>A curve: points in data units, drawn as a line and/or square markers.</summary>
    public sealed record Series(string Name, IReadOnlyList<(double x, double y)> Points, Rgb Color, bool Line = true, bool Markers = false);

    /// <summary>Two panels side by side: loss (train per batch, smoothed; test per epoch) and accuracy in %.</summary>
    public static void SaveCurves(History history, string path, string title) => Curves(history, title).SavePng(path);

    public static Canvas Curves(History history, string title)
    {
        const int width = 1000, height = 460;
        var canvas = new Canvas(width, height, White);
        canvas.Text((width - Canvas.TextWidth(title)) / 2, 12, title, Ink);

        int perEpoch = Math.Max(1, history.Batches.Count / Math.Max(history.Epochs, 1));
        int window = Math.Max(1, perEpoch / 20);
        var trainLoss = Smooth(history.Batches.Select(b => (b.epoch, b.loss)).ToList(), window);
        var trainAcc = Smooth(history.Batches.Select(b => (b.epoch, 100 * b.accuracy)).ToList(), window);
        var testLoss = history.Tests.Select(t => (t.epoch, t.loss)).ToList();
        var testAcc = history.Tests.Select(t => (t.epoch, 100 * t.accuracy)).ToList();
        double xMax = Math.Max(history.Epochs, 1);

        Panel(canvas, 10, 40, width / 2 - 15, height - 50, "LOSS", xMax,
            [new("TRAIN", trainLoss, TrainColor), new("TEST", testLoss, TestColor, Markers: true)], legendTop: true);
        Panel(canvas, width / 2 + 5, 40, width / 2 - 15, height - 50, "ACCURACY %", xMax,
            [new("TRAIN", trainAcc, TrainColor), new("TEST", testAcc, TestColor, Markers: true)], legendTop: false);
        return canvas;
    }

    /// <summary>Trailing moving average over <paramref name="window"/> points.</summary>
    public static List<(double x, double y)> Smooth(IReadOnlyList<(double x, double y)> points, int window)
    {
        var result = new List<(double, double)>(points.Count);
        double sum = 0;
        for (int i = 0; i < points.Count; i++)
        {
            sum += points[i].y;
            if (i >= window) sum -= points[i - window].y;
            result.Add((points[i].x, sum / Math.Min(i + 1, window)));
        }
        return result;
    }

    /// <summary>One chart: title, axes with ticks and grid, the series, a legend.</summary>
    public static void Panel(Canvas c, int left, int top, int width, int height, string title, double xMax,
        IReadOnlyList<Series> series, bool legendTop)
    {
        const int marginLeft = 70, marginRight = 15, marginTop = 30, marginBottom = 50;
        int px = left + marginLeft, py = top + marginTop, pw = width - marginLeft - marginRight, ph = height - marginTop - marginBottom;
        c.Text(px + (pw - Canvas.TextWidth(title)) / 2, top + 4, title, Ink);

        var ys = series.SelectMany(s => s.Points).Select(p => p.y).Where(double.IsFinite).ToList();
        var (lo, hi, step) = NiceRange(ys.Count > 0 ? ys.Min() : 0, ys.Count > 0 ? ys.Max() : 1);
        double X(double x) => px + x / xMax * (pw - 1);
        double Y(double y) => py + (hi - y) / (hi - lo) * (ph - 1);

        // grid and y ticks
        int decimals = Math.Max(0, (int)Math.Ceiling(-Math.Log10(step) - 1e-9));
        for (int i = 0; lo + i * step <= hi + step * 1e-6; i++)
        {
            double v = lo + i * step;
            int y = (int)Math.Round(Y(v));
            c.FillRect(px, y, pw, 1, Grid);
            string label = v.ToString("F" + decimals, CultureInfo.InvariantCulture);
            c.Text(px - 8 - Canvas.TextWidth(label), y - 7, label, Ink);
            c.FillRect(px - 5, y, 5, 1, Axis);
        }
        // x ticks: whole epochs
        int xStep = (int)Math.Max(1, Math.Ceiling(xMax / 10));
        for (int e = 0; e <= xMax + 1e-9; e += xStep)
        {
            int x = (int)Math.Round(X(e));
            c.FillRect(x, py, 1, ph, Grid);
            c.FillRect(x, py + ph, 1, 5, Axis);
            string label = e.ToString(CultureInfo.InvariantCulture);
            c.Text(x - Canvas.TextWidth(label) / 2, py + ph + 9, label, Ink);
        }
        c.Text(px + (pw - Canvas.TextWidth("EPOCH")) / 2, py + ph + 30, "EPOCH", Ink);
        c.Rect(px, py, pw, ph, Axis);

        foreach (var s in series)
        {
            var pts = s.Points.Where(p => double.IsFinite(p.y)).ToList();
            if (s.Line)
                for (int i = 1; i < pts.Count; i++)
                    c.Line(X(pts[i - 1].x), Y(pts[i - 1].y), X(pts[i].x), Y(pts[i].y), s.Color, thickness: 2);
            if (s.Markers)
                foreach (var (x, y) in pts)
                    c.FillRect((int)Math.Round(X(x)) - 4, (int)Math.Round(Y(y)) - 4, 9, 9, s.Color);
        }

        // legend, in the corner the curves leave free (top right for falling curves, bottom right for rising ones)
        int ly = legendTop ? py + 12 : py + ph - 12 - 22 * series.Count;
        int lx = px + pw - 130;
        c.FillRect(lx - 8, ly - 6, 124, 22 * series.Count + 8, White);
        for (int i = 0; i < series.Count; i++)
        {
            int y = ly + 22 * i;
            c.FillRect(lx, y + 6, 28, 3, series[i].Color);
            if (series[i].Markers) c.FillRect(lx + 10, y + 3, 9, 9, series[i].Color);
            c.Text(lx + 38, y, series[i].Name, Ink);
        }
    }

    /// <summary>A range that covers [min, max] and ends on multiples of a 1-2-5 step, about five steps long.</summary>
    public static (double lo, double hi, double step) NiceRange(double min, double max)
    {
        if (!(max - min > 1e-12)) { double pad = Math.Abs(max) * 0.1 + 1e-3; min -= pad; max += pad; }
        double raw = (max - min) / 5, mag = Math.Pow(10, Math.Floor(Math.Log10(raw))), norm = raw / mag;
        double step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
        return (Math.Floor(min / step) * step, Math.Ceiling(max / step) * step, step);
    }
}

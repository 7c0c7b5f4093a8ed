using System.Globalization;
using Flint.Plotting;

namespace Flint;

public static partial class torch
{
    public static partial class utils
    {
        /// <summary>
        /// A line chart of training curves, saved as a PNG: each <see cref="plot(IEnumerable{ValueTuple{double, double}}, string, bool, bool, string?)"/>
        /// adds a series of (x, y) points, drawn as a line and/or square markers in the next color of matplotlib's
        /// default cycle; the axes get ticks on a 1-2-5 grid that covers the data, the series a legend.
        /// <see cref="savefig(string, int, int)"/> writes one chart, <see cref="savefig(string, IReadOnlyList{Chart}, string, int, int)"/>
        /// several side by side. Files are replaced atomically: a reader sees the old image or the new one.
        /// </summary>
        /// <example><code>
        /// var loss = new torch.utils.Chart(title: "loss", xlabel: "epoch");
        /// loss.plot(trainLoss, label: "train").plot(testLoss, label: "test", markers: true);
        /// loss.savefig("loss.png");
        /// </code></example>
        public sealed class Chart
        {
            private static readonly Rgb White = new(255, 255, 255), Ink = new(40, 40, 40), Grid = new(225, 225, 225),
                Axis = new(90, 90, 90);

            // matplotlib's "tab10" color cycle
            private static readonly string[] Cycle =
                ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

            private sealed record Series(string Label, (double x, double y)[] Points, Rgb Color, bool Line, bool Markers);

            private readonly List<Series> series = [];
            private string legendLoc = "upper right";

            /// <param name="title">drawn above the plot area</param>
            /// <param name="xlabel">drawn under the x axis</param>
            /// <param name="ylabel">drawn upwards left of the y axis</param>
            /// <param name="legend_loc">"upper right", "lower right", "upper left", "lower left" or "none"</param>
            public Chart(string title = "", string xlabel = "", string ylabel = "", string legend_loc = "upper right")
            {
                this.title = title; this.xlabel = xlabel; this.ylabel = ylabel; this.legend_loc = legend_loc;
            }

            /// <summary>The chart's title.</summary>
            public string title { get; set; }
            /// <summary>The label of the x axis.</summary>
            public string xlabel { get; set; }
            /// <summary>The label of the y axis.</summary>
            public string ylabel { get; set; }

            /// <summary>Where the legend goes; "none" leaves it out.</summary>
            public string legend_loc
            {
                get => legendLoc;
                set => legendLoc = value is "upper right" or "lower right" or "upper left" or "lower left" or "none" ? value
                    : throw new ArgumentException($"legend_loc must be one of 'upper right', 'lower right', 'upper left', 'lower left', 'none', got '{value}'");
            }

            /// <summary>The x range to show (widened to whole ticks); null: the range of the data.</summary>
            public (double min, double max)? xlim { get; set; }
            /// <summary>The y range to show (widened to whole ticks); null: the range of the data.</summary>
            public (double min, double max)? ylim { get; set; }

            /// <summary>Adds a series of (x, y) points. Points whose y is NaN or infinite are skipped.</summary>
            /// <param name="points">the (x, y) points, in drawing order.</param>
            /// <param name="label">the series' name in the legend; "" for none.</param>
            /// <param name="line">whether the points are joined by a line.</param>
            /// <param name="markers">whether each point gets a marker.</param>
            /// <param name="color">"#rrggbb"; null: the next color of the cycle</param>
            public Chart plot(IEnumerable<(double x, double y)> points, string label = "", bool line = true, bool markers = false, string? color = null)
            {
                ArgumentNullException.ThrowIfNull(points);
                var rgb = ParseColor(color ?? Cycle[series.Count % Cycle.Length]);
                series.Add(new Series(label ?? "", points.ToArray(), rgb, line, markers));
                return this;
            }

            /// <summary>Adds a series of y values at x = 0, 1, 2, ...</summary>
            public Chart plot(IEnumerable<double> y, string label = "", bool line = true, bool markers = false, string? color = null)
            {
                ArgumentNullException.ThrowIfNull(y);
                return plot(y.Select((v, i) => ((double)i, v)), label, line, markers, color);
            }

            /// <summary>Writes the chart as a <paramref name="width"/> × <paramref name="height"/> PNG, replacing the file atomically.</summary>
            public void savefig(string path, int width = 640, int height = 460)
            {
                CheckSize(width, height);
                var canvas = new Canvas(width, height, White);
                Draw(canvas, 0, 0, width, height);
                Save(path, canvas);
            }

            /// <summary>The chart as PNG bytes (for a notebook display or a web response).</summary>
            public byte[] to_png(int width = 640, int height = 460)
            {
                CheckSize(width, height);
                var canvas = new Canvas(width, height, White);
                Draw(canvas, 0, 0, width, height);
                return canvas.EncodePng();
            }

            /// <summary>
            /// Writes <paramref name="charts"/> side by side under a common <paramref name="suptitle"/> as one PNG, replacing
            /// the file atomically.
            /// </summary>
            public static void savefig(string path, IReadOnlyList<Chart> charts, string suptitle = "", int width = 1000, int height = 460)
            {
                ArgumentNullException.ThrowIfNull(charts);
                if (charts.Count == 0) throw new ArgumentException("savefig needs at least one chart");
                CheckSize(width, height);
                var canvas = new Canvas(width, height, White);
                int top = 0;
                if (suptitle.Length > 0) { canvas.Text((width - Canvas.TextWidth(suptitle)) / 2, 12, suptitle, Ink); top = 40; }
                int n = charts.Count, each = (width - 10 * (n + 1)) / n;
                for (int i = 0; i < n; i++)
                    charts[i].Draw(canvas, 10 + i * (each + 10), top, each, height - top - 10);
                Save(path, canvas);
            }

            private static void Save(string path, Canvas canvas)
            {
                ArgumentNullException.ThrowIfNull(path);
                var png = canvas.EncodePng();
                AtomicFile.Write(path, s => s.Write(png));
            }

            private static void CheckSize(int width, int height)
            {
                if (width < 200 || height < 150) throw new ArgumentException($"a chart needs at least 200 x 150 pixels, got {width} x {height}");
            }

            private static Rgb ParseColor(string color)
            {
                if (color.Length == 7 && color[0] == '#' && int.TryParse(color.AsSpan(1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int v))
                    return new Rgb((byte)(v >> 16), (byte)(v >> 8), (byte)v);
                throw new ArgumentException($"a color is written '#rrggbb', got '{color}'");
            }

            /// <summary>The plot area of a chart drawn at (left, top) in a width × height box.</summary>
            internal static (int x, int y, int w, int h) PlotArea(int left, int top, int width, int height, bool hasYLabel)
            {
                int marginLeft = hasYLabel ? 90 : 70;
                const int marginRight = 15, marginTop = 30, marginBottom = 50;
                return (left + marginLeft, top + marginTop, width - marginLeft - marginRight, height - marginTop - marginBottom);
            }

            private void Draw(Canvas c, int left, int top, int width, int height)
            {
                var (px, py, pw, ph) = PlotArea(left, top, width, height, ylabel.Length > 0);
                if (title.Length > 0) c.Text(px + (pw - Canvas.TextWidth(title)) / 2, top + 4, title, Ink);

                var finite = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.y) && double.IsFinite(p.x)).ToList();
                var (xlo, xhi, xstep) = xlim is var (x0, x1) ? NiceRange(x0, x1)
                    : NiceRange(finite.Count > 0 ? finite.Min(p => p.x) : 0, finite.Count > 0 ? finite.Max(p => p.x) : 1);
                var (lo, hi, step) = ylim is var (y0, y1) ? NiceRange(y0, y1)
                    : NiceRange(finite.Count > 0 ? finite.Min(p => p.y) : 0, finite.Count > 0 ? finite.Max(p => p.y) : 1);
                double X(double x) => px + (x - xlo) / (xhi - xlo) * (pw - 1);
                double Y(double y) => py + (hi - y) / (hi - lo) * (ph - 1);

                // grid and y ticks
                int decimals = Decimals(step);
                for (int i = 0; lo + i * step <= hi + step * 1e-6; i++)
                {
                    double v = lo + i * step;
                    int y = (int)Math.Round(Y(v));
                    c.FillRect(px, y, pw, 1, Grid);
                    string label = v.ToString("F" + decimals, CultureInfo.InvariantCulture);
                    c.Text(px - 8 - Canvas.TextWidth(label), y - 7, label, Ink);
                    c.FillRect(px - 5, y, 5, 1, Axis);
                }
                // grid and x ticks
                int xdecimals = Decimals(xstep);
                for (int i = 0; xlo + i * xstep <= xhi + xstep * 1e-6; i++)
                {
                    double v = xlo + i * xstep;
                    int x = (int)Math.Round(X(v));
                    c.FillRect(x, py, 1, ph, Grid);
                    c.FillRect(x, py + ph, 1, 5, Axis);
                    string label = v.ToString("F" + xdecimals, CultureInfo.InvariantCulture);
                    c.Text(x - Canvas.TextWidth(label) / 2, py + ph + 9, label, Ink);
                }
                if (xlabel.Length > 0) c.Text(px + (pw - Canvas.TextWidth(xlabel)) / 2, py + ph + 30, xlabel, Ink);
                if (ylabel.Length > 0) c.TextUp(left + 4, py + (ph + Canvas.TextWidth(ylabel)) / 2, ylabel, Ink);
                c.Rect(px, py, pw, ph, Axis);

                foreach (var s in series)
                {
                    var pts = s.Points.Where(p => double.IsFinite(p.y) && double.IsFinite(p.x)).ToList();
                    if (s.Line)
                        for (int i = 1; i < pts.Count; i++)
                            c.Line(X(pts[i - 1].x), Y(pts[i - 1].y), X(pts[i].x), Y(pts[i].y), s.Color, thickness: 2);
                    if (s.Markers)
                        foreach (var (x, y) in pts)
                            c.FillRect((int)Math.Round(X(x)) - 4, (int)Math.Round(Y(y)) - 4, 9, 9, s.Color);
                }

                var labeled = series.Where(s => s.Label.Length > 0).ToList();
                if (legendLoc == "none" || labeled.Count == 0) return;
                int boxWidth = Math.Max(124, 38 + labeled.Max(s => Canvas.TextWidth(s.Label)) + 16);
                int ly = legendLoc.StartsWith("upper", StringComparison.Ordinal) ? py + 12 : py + ph - 12 - 22 * labeled.Count;
                int lx = legendLoc.EndsWith("right", StringComparison.Ordinal) ? px + pw - boxWidth - 6 : px + 14;
                c.FillRect(lx - 8, ly - 6, boxWidth, 22 * labeled.Count + 8, White);
                for (int i = 0; i < labeled.Count; i++)
                {
                    int y = ly + 22 * i;
                    if (labeled[i].Line) c.FillRect(lx, y + 6, 28, 3, labeled[i].Color);
                    if (labeled[i].Markers) c.FillRect(lx + 10, y + 3, 9, 9, labeled[i].Color);
                    c.Text(lx + 38, y, labeled[i].Label, Ink);
                }
            }

            private static int Decimals(double step) => Math.Max(0, (int)Math.Ceiling(-Math.Log10(step) - 1e-9));

            /// <summary>A range that covers [min, max] and ends on multiples of a 1-2-5 step, about five steps long.</summary>
            internal static (double lo, double hi, double step) NiceRange(double min, double max)
            {
                if (!(max - min > 1e-12)) { double pad = Math.Abs(max) * 0.1 + 1e-3; min -= pad; max += pad; }
                double raw = (max - min) / 5, mag = Math.Pow(10, Math.Floor(Math.Log10(raw))), norm = raw / mag;
                double step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
                return (Math.Floor(min / step) * step, Math.Ceiling(max / step) * step, step);
            }
        }
    }
}

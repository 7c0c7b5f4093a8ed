using System.Diagnostics;
using System.Globalization;

namespace Flint;

public static partial class torch
{
    public static partial class utils
    {
        /// <summary>
        /// A progress bar for loops, in the manner of tqdm: <see cref="update"/> after each step, <see cref="close"/> at
        /// the end. On a console it keeps one live line, redrawn in place at most every 0.1 s:
        /// <c>412/938 [==========&gt;             ] loss: 1.131542  1187 samples/s  ETA 0:28</c> (steps done, the bar,
        /// the postfix, the rate of <c>unit</c>s and the time left; after <see cref="close"/>, the time taken). When the
        /// output is redirected (a file, a pipe, a <see cref="TextWriter"/> passed in) the bar is not drawn: only the
        /// lines given to <see cref="write"/> appear, and <see cref="close"/> prints one summary line,
        /// <c>938 batches, 60000 samples in 12.3 s (4878 samples/s)</c>.
        /// </summary>
        /// <example><code>
        /// using var bar = new torch.utils.Progress(loader.Count, unit: "samples", step_unit: "batches");
        /// foreach (var (x, y) in loader)
        /// {
        ///     double loss = Step(x, y);
        ///     bar.set_postfix($"loss: {loss:0.000000}");
        ///     bar.update(1, items: x.size(0));
        /// }
        /// </code></example>
        public sealed class Progress : IDisposable
        {
            private const int BarWidth = 24;
            private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

            private readonly Stopwatch clock;
            private readonly Func<double> seconds;
            private readonly TextWriter output;
            private readonly string? stepUnit;
            private double lastDraw = double.NegativeInfinity;
            private int drawnWidth;
            private bool closed;
            private string postfixText = "";

            /// <param name="total">the number of steps the bar runs to (a loader's <c>Count</c>)</param>
            /// <param name="output">where to write; null: the console's standard output</param>
            /// <param name="live">whether to draw the live bar; null: when <paramref name="output"/> is the console and
            /// it is not redirected</param>
            /// <param name="unit">what the rate counts ("it", "samples", ...)</param>
            /// <param name="step_unit">what a step is called ("batches"), for steps that carry several <paramref name="unit"/>s
            /// (<see cref="update"/>'s <c>items</c>); null: a step is one <paramref name="unit"/></param>
            public Progress(long total, TextWriter? output = null, bool? live = null, string unit = "it", string? step_unit = null)
                : this(total, output, live, unit, step_unit, null) { }

            internal Progress(long total, TextWriter? output, bool? live, string unit, string? step_unit, Func<double>? seconds)
            {
                if (total < 0) throw new ArgumentException($"total must be non-negative, got {total}");
                ArgumentNullException.ThrowIfNull(unit);
                this.total = total;
                this.output = output ?? Console.Out;
                this.live = live ?? ((output is null || ReferenceEquals(output, Console.Out)) && !Console.IsOutputRedirected);
                this.unit = unit;
                stepUnit = step_unit;
                clock = Stopwatch.StartNew();
                this.seconds = seconds ?? (() => clock.Elapsed.TotalSeconds);
            }

            /// <summary>The number of steps the bar runs to.</summary>
            public long total { get; }
            /// <summary>Steps done.</summary>
            public long n { get; private set; }
            /// <summary>Units done (equal to <see cref="n"/> unless <see cref="update"/> was given <c>items</c>).</summary>
            public long items { get; private set; }
            /// <summary>What the rate counts.</summary>
            public string unit { get; }
            /// <summary>Whether the live bar is drawn.</summary>
            public bool live { get; }
            /// <summary>Seconds since the bar was made.</summary>
            public double elapsed => seconds();
            /// <summary>Units per second so far.</summary>
            public double rate => items / Math.Max(elapsed, 1e-9);

            /// <summary>Advances by <paramref name="n"/> steps that carried <paramref name="items"/> units (null: <paramref name="n"/>).</summary>
            public void update(long n = 1, long? items = null)
            {
                if (n < 0 || items < 0) throw new ArgumentException("update counts must be non-negative");
                this.n += n;
                this.items += items ?? n;
                if (live && !closed && elapsed - lastDraw >= 0.1) Draw(final: false);
            }

            /// <summary>Sets the text shown after the bar, e.g. <c>loss: 0.523412</c>; it is drawn at the next redraw.</summary>
            public void set_postfix(string text) => postfixText = text ?? "";

            /// <summary>Prints a line above the bar (the bar is cleared, the line written, the bar redrawn).</summary>
            public void write(string line)
            {
                if (live && !closed)
                {
                    Clear();
                    output.WriteLine(line);
                    Draw(final: false);
                }
                else output.WriteLine(line);
            }

            /// <summary>Ends the bar: the live bar is drawn a last time with the time taken; redirected, the summary line is written.</summary>
            public void close()
            {
                if (closed) return;
                closed = true;
                if (live) { Draw(final: true); output.WriteLine(); }
                else output.WriteLine(Summary());
                output.Flush();
            }

            /// <summary>Same as <see cref="close"/>.</summary>
            public void Dispose() => close();

            /// <summary>The redirected output's last line: <c>938 batches, 60000 samples in 12.3 s (4878 samples/s)</c>.</summary>
            public string Summary()
            {
                string counts = stepUnit is null
                    ? string.Format(Inv, "{0} {1}", items, unit)
                    : string.Format(Inv, "{0} {1}, {2} {3}", n, stepUnit, items, unit);
                return string.Format(Inv, "{0} in {1:0.0} s ({2:0} {3}/s)", counts, elapsed, rate, unit);
            }

            /// <summary>
            /// The live line: <c>412/938 [==========&gt;             ] loss: 1.131542  1187 samples/s  ETA 0:28</c>, or
            /// <c>... in 0:45</c> when <paramref name="final"/>.
            /// </summary>
            public string Line(bool final = false)
            {
                double fraction = total == 0 ? 1 : Math.Min((double)n / total, 1);
                int filled = (int)Math.Round(fraction * BarWidth);
                string bar = new string('=', Math.Max(filled - 1, 0)) + (filled > 0 ? (filled == BarWidth ? "=" : ">") : "")
                    + new string(' ', BarWidth - filled);
                double t = elapsed, r = rate;
                string time = final ? "in " + Clock(t)
                    : "ETA " + (n > 0 && total >= n ? Clock((total - n) * t / n) : "?");
                int digits = total.ToString(Inv).Length;
                return string.Format(Inv, "{0}/{1} [{2}]{3}  {4:0} {5}/s  {6}", n.ToString(Inv).PadLeft(digits), total, bar,
                    postfixText.Length > 0 ? " " + postfixText : "", r, unit, time);
            }

            private void Draw(bool final)
            {
                lastDraw = elapsed;
                string text = Line(final);
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

            /// <summary>m:ss, or h:mm:ss from an hour on.</summary>
            internal static string Clock(double seconds)
            {
                var s = (long)Math.Round(seconds);
                return s >= 3600 ? $"{s / 3600}:{s / 60 % 60:00}:{s % 60:00}" : $"{s / 60}:{s % 60:00}";
            }
        }
    }
}

namespace Flint.Printing
{
    /// <summary>The options that shape a tensor's printed form (PyTorch's <c>PRINT_OPTS</c>), as one immutable snapshot.</summary>
    /// <param name="Precision">Digits after the decimal point for floating point values.</param>
    /// <param name="Threshold">Element count above which the printout is summarized (infinity: never).</param>
    /// <param name="EdgeItems">Items kept at each end of a summarized dimension.</param>
    /// <param name="LineWidth">Characters per line before a row wraps.</param>
    /// <param name="SciMode">Forces scientific notation on (true) or off (false); null lets the formatter choose.</param>
    internal sealed record PrintOptions(int Precision, double Threshold, int EdgeItems, int LineWidth, bool? SciMode)
    {
        internal static readonly PrintOptions Default = new(4, 1000, 3, 80, null);

        private static volatile PrintOptions current = Default;

        /// <summary>The options in force now.</summary>
        internal static PrintOptions Current
        {
            get => current;
            set => current = value;
        }
    }
}

namespace Flint
{
    public static partial class torch
    {
        /// <summary>
        /// Sets how tensors print, as PyTorch's <c>torch.set_printoptions</c>: <paramref name="profile"/> ("default",
        /// "short" or "full") resets the other options first; the given options then override it.
        /// <paramref name="sci_mode"/> is always replaced, so leaving it out restores automatic choice.
        /// </summary>
        public static void set_printoptions(int? precision = null, long? threshold = null, int? edgeitems = null,
            int? linewidth = null, string? profile = null, bool? sci_mode = null)
        {
            var o = Printing.PrintOptions.Current;
            switch (profile)
            {
                case "default": o = o with { Precision = 4, Threshold = 1000, EdgeItems = 3, LineWidth = 80 }; break;
                case "short": o = o with { Precision = 2, Threshold = 1000, EdgeItems = 2, LineWidth = 80 }; break;
                case "full": o = o with { Precision = 4, Threshold = double.PositiveInfinity, EdgeItems = 3, LineWidth = 80 }; break;
            }
            if (precision is int p) o = o with { Precision = p };
            if (threshold is long t) o = o with { Threshold = t };
            if (edgeitems is int e) o = o with { EdgeItems = e };
            if (linewidth is int w) o = o with { LineWidth = w };
            o = o with { SciMode = sci_mode };
            Printing.PrintOptions.Current = o;
        }
    }
}

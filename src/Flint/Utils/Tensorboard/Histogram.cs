namespace Flint.Tensorboard;

/// <summary>
/// The fields of a HistogramProto, computed like PyTorch's <c>make_histogram</c>: NumPy's <c>histogram</c> over the
/// given bin edges (half-open bins, the last one closed; values outside the edges or NaN fall in no bin), then cut
/// to the bins from the one left of the first non-empty bin through the last non-empty one, each reported by its
/// right edge.
/// </summary>
internal sealed record Histogram(double Min, double Max, double Num, double Sum, double SumSquares, double[] BucketLimits, double[] BucketCounts)
{
    /// <summary>
    /// PyTorch's bins "tensorflow": ±1e-12 growing by a factor 1.1 up to 1e20, mirrored about 0 (0 in the middle);
    /// 1549 edges.
    /// </summary>
    public static readonly double[] TensorflowBins = MakeTensorflowBins();

    private static double[] MakeTensorflowBins()
    {
        var positive = new List<double>();
        for (double v = 1e-12; v < 1e20; v *= 1.1) positive.Add(v);
        var edges = new double[positive.Count * 2 + 1];
        for (int i = 0; i < positive.Count; i++)
        {
            edges[positive.Count - 1 - i] = -positive[i];
            edges[positive.Count + 1 + i] = positive[i];
        }
        return edges;
    }

    public static Histogram Make(double[] values, double[] edges, int? maxBins = null)
    {
        if (values.Length == 0) throw new ArgumentException("The input has no element.");
        if (edges.Length < 2) throw new ArgumentException("`bins` must have at least two edges");
        for (int i = 1; i < edges.Length; i++)
            if (!(edges[i] >= edges[i - 1])) throw new ArgumentException("`bins` must increase monotonically, when an array");

        var counts = new long[edges.Length - 1];
        double last = edges[^1];
        foreach (double v in values)
        {
            if (!(v >= edges[0] && v <= last)) continue;   // outside the edges, or NaN
            counts[v == last ? counts.Length - 1 : UpperBound(edges, v) - 1]++;
        }
        double[] limits = edges;
        if (maxBins is int mb && counts.Length > mb)
        {
            if (mb <= 0) throw new ArgumentException("max_bins must be positive");
            int sub = counts.Length / mb;
            var merged = new long[(counts.Length + sub - 1) / sub];
            for (int i = 0; i < counts.Length; i++) merged[i / sub] += counts[i];
            var mergedLimits = new double[merged.Length + 1];
            for (int i = 0; i < merged.Length; i++) mergedLimits[i] = edges[i * sub];
            mergedLimits[^1] = edges[^1];
            counts = merged; limits = mergedLimits;
        }

        int first = Array.FindIndex(counts, c => c > 0), lastNonEmpty = Array.FindLastIndex(counts, c => c > 0);
        if (first < 0) throw new ArgumentException("The histogram is empty, please file a bug report.");
        // TensorBoard keeps only right edges, so the bin left of the first non-empty one (or an empty one in front)
        // carries the leftmost edge
        var bucketCounts = new List<double>();
        var bucketLimits = new List<double>();
        if (first == 0) bucketCounts.Add(0);
        for (int i = Math.Max(first - 1, 0); i <= lastNonEmpty; i++) bucketCounts.Add(counts[i]);
        for (int i = first; i <= lastNonEmpty + 1; i++) bucketLimits.Add(limits[i]);

        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0, sumSq = 0;
        bool nan = false;
        foreach (double v in values)
        {
            if (double.IsNaN(v)) nan = true;
            else { if (v < min) min = v; if (v > max) max = v; }
            sum += v; sumSq += v * v;
        }
        if (nan) min = max = double.NaN;
        return new Histogram(min, max, values.Length, sum, sumSq, bucketLimits.ToArray(), bucketCounts.ToArray());
    }

    /// <summary>The index of the first edge greater than <paramref name="v"/>.</summary>
    private static int UpperBound(double[] edges, double v)
    {
        int lo = 0, hi = edges.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (edges[mid] <= v) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}

using System.Globalization;
using System.Text;

namespace Flint.Printing;

/// <summary>Formats tensors exactly as PyTorch 1.13's <c>repr(tensor)</c> (torch/_tensor_str.py).</summary>
internal static class TensorFormatter
{
    private const string Prefix = "tensor(";

    internal static string Repr(Tensor t) => Repr(t, PrintOptions.Current, torch.get_default_dtype());

    internal static string Repr(Tensor t, PrintOptions opts, DType defaultDType)
    {
        if (t._sparse is { } sp) return SparseRepr(t, sp, opts, defaultDType);
        int indent = Prefix.Length;
        var suffixes = new List<string>();
        if (t.device.type != DeviceType.CPU)
            suffixes.Add("device='" + t.device.Normalized + "'");

        var dt = t.dtype;
        string body;
        if (t.is_meta)
        {
            // no values to show: PyTorch prints "..." with the size, and the dtype unless it is the default
            suffixes.Add("size=" + PyTuple(t._shape));
            if (dt != defaultDType) suffixes.Add("dtype=" + dt);
            body = "...";
        }
        else if (t.numel() == 0)
        {
            if (t.dim() != 1) suffixes.Add("size=" + PyTuple(t._shape));
            if (dt != defaultDType) suffixes.Add("dtype=" + dt);
            body = "[]";
        }
        else
        {
            bool hasDefaultDType = dt == defaultDType || dt == DType.Int64 || dt == DType.Bool;
            if (!hasDefaultDType) suffixes.Add("dtype=" + dt);
            body = new Printer(t, opts).Print(indent);
        }

        if (t.GradFnName is string fn) suffixes.Add("grad_fn=<" + fn + ">");
        else if (t.requires_grad) suffixes.Add("requires_grad=True");

        return AddSuffixes(Prefix + body, suffixes, indent, opts.LineWidth);
    }

    /// <summary>
    /// A sparse COO tensor as PyTorch prints one: its indices and values as nested tensors (their rows lined up
    /// under their first element), then (from a new line) size, nnz, the dtype unless a default one, and the layout.
    /// </summary>
    private static string SparseRepr(Tensor t, SparseParts sp, PrintOptions opts, DType defaultDType)
    {
        int indent = Prefix.Length;
        var suffixes = new List<string>();
        if (t.device.type != DeviceType.CPU)
            suffixes.Add("device='" + t.device.Normalized + "'");
        const string indicesPrefix = "indices=tensor(", valuesPrefix = "values=tensor(";
        string Part(Tensor p, int at) =>
            p.numel() == 0 ? "[], size=" + PyTuple(p._shape) : new Printer(p, opts).Print(at);
        var body = indicesPrefix + Part(sp.Indices, indent + indicesPrefix.Length) + "),\n" + new string(' ', indent)
            + valuesPrefix + Part(sp.Values, indent + valuesPrefix.Length) + ")";
        suffixes.Add("size=" + PyTuple(t._shape));
        suffixes.Add("nnz=" + sp.Values.size(0));
        var dt = t.dtype;
        if (dt != defaultDType && dt != DType.Int64 && dt != DType.Bool) suffixes.Add("dtype=" + dt);
        suffixes.Add("layout=" + t.layout);
        if (t.GradFnName is string fn) suffixes.Add("grad_fn=<" + fn + ">");
        else if (t.requires_grad) suffixes.Add("requires_grad=True");
        return AddSuffixes(Prefix + body, suffixes, indent, opts.LineWidth, forceNewline: true);
    }

    /// <summary>
    /// The elements a tensor of at most two dimensions prints, as rows of cells (null where the repr summarizes with
    /// "..."); null for a tensor of more dimensions, a meta tensor or an empty one. Used by notebook displays.
    /// </summary>
    internal static List<string?[]?>? Grid(Tensor t)
    {
        if (t.dim() > 2 || t.is_meta || t.numel() == 0) return null;
        return new Printer(t, PrintOptions.Current).Grid();
    }

    /// <summary>Appends <c>, suffix</c> items, moving one to a new indented line when it would pass the line width.</summary>
    private static string AddSuffixes(string s, List<string> suffixes, int indent, int lineWidth, bool forceNewline = false)
    {
        var sb = new StringBuilder(s);
        // PyTorch measures the last line this way (two more than its length); kept for identical wrapping.
        int lastLineLen = s.Length - s.LastIndexOf('\n') + 1;
        foreach (var suffix in suffixes)
        {
            if (forceNewline || lastLineLen + suffix.Length + 2 > lineWidth)
            {
                sb.Append(",\n").Append(' ', indent).Append(suffix);
                lastLineLen = indent + suffix.Length;
                forceNewline = false;
            }
            else
            {
                sb.Append(", ").Append(suffix);
                lastLineLen += suffix.Length + 2;
            }
        }
        sb.Append(')');
        return sb.ToString();
    }

    /// <summary>A shape as Python prints a tuple: <c>(0, 3)</c>, <c>(0,)</c>.</summary>
    internal static string PyTuple(long[] shape) =>
        shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";

    /// <summary>
    /// Lays out one non-empty tensor. When it is summarized, only the edge items of each long dimension are read
    /// (PyTorch's <c>get_summarized_data</c>); they are also all the formatter looks at.
    /// </summary>
    private sealed class Printer
    {
        private readonly long[] shape;
        private readonly long[] kept;
        private readonly long[] strides;
        private readonly double[]? floats;
        private readonly long[]? ints;
        private readonly PrintOptions opts;
        private readonly bool summarize;
        private readonly ElementFormatter fmt;

        internal Printer(Tensor t, PrintOptions opts)
        {
            this.opts = opts;
            if (!t.is_cpu) t = t.cpu();
            shape = t._shape;
            summarize = t.numel() > opts.Threshold;
            var c = summarize ? Summarized(t) : t;
            kept = c._shape;
            strides = Shape.ContiguousStrides(kept);
            if (t.dtype.is_floating_point)
            {
                floats = c.ToDoubleArray();
                fmt = ElementFormatter.ForFloats(floats, opts);
            }
            else
            {
                ints = c.ToLongArray();
                fmt = ElementFormatter.ForInts(ints, t.dtype.IsBool, opts);
            }
        }

        private int Edge => opts.EdgeItems;

        /// <summary>Whether dimension <paramref name="d"/> is cut to its edge items.</summary>
        private bool Cut(int d) => summarize && shape[d] > 2L * Edge;

        /// <summary>A copy holding the first and last edge items of every cut dimension.</summary>
        private Tensor Summarized(Tensor t)
        {
            int e = Edge;
            for (int d = 0; d < shape.Length; d++)
            {
                if (!Cut(d)) continue;
                if (e == 0)
                {
                    // Python's x[-0:] keeps a whole vector; PyTorch cannot stack zero rows of a higher dimension.
                    if (d == shape.Length - 1) continue;
                    throw new ArgumentException("stack expects a non-empty TensorList");
                }
                long n = shape[d];
                var size = (long[])t._shape.Clone();
                size[d] = 2L * e;
                var r = Tensor.Empty(size, t.dtype, t.device);
                r.Backend.Copy(r.narrow(d, 0, e), t.narrow(d, 0, e));
                r.Backend.Copy(r.narrow(d, e, e), t.narrow(d, n - e, e));
                t = r;
            }
            return t;
        }

        /// <summary>The offset of index <paramref name="i"/> of dimension <paramref name="d"/> in the kept data.</summary>
        private long At(int d, long i) => (i < Edge ? i : i - (shape[d] - kept[d])) * strides[d];

        private string Element(long flat) =>
            floats is not null ? fmt.Format(floats[flat]) : fmt.Format(ints![flat]);

        internal string Print(int indent) => Str(0, 0, indent);

        /// <summary>
        /// The printed elements of a tensor of at most two dimensions as rows of cells, formatted as the repr formats
        /// them (one style and width for all); a null row or cell stands where the repr prints "...".
        /// </summary>
        internal List<string?[]?> Grid()
        {
            var rows = new List<string?[]?>();
            if (shape.Length == 0) { rows.Add([Element(0).Trim()]); return rows; }
            int last = shape.Length - 1;
            foreach (long? i in Kept(0, shape.Length == 2))
            {
                if (i is not { } r) { rows.Add(null); continue; }
                long rowOffset = shape.Length == 2 ? At(0, r) : 0;
                rows.Add(Kept(last, true).Select(j => j is { } c ? Element(rowOffset + At(last, c)).Trim() : null).ToArray());
            }
            return rows;
        }

        /// <summary>The indices of dimension <paramref name="d"/> that are printed (null for the "..." between them).</summary>
        private IEnumerable<long?> Kept(int d, bool real)
        {
            if (!real) { yield return 0; yield break; }
            long n = shape[d];
            if (!Cut(d)) { for (long i = 0; i < n; i++) yield return i; yield break; }
            for (long i = 0; i < Edge; i++) yield return i;
            yield return null;
            for (long i = n - Edge; i < n; i++) yield return i;
        }

        private string Str(int d, long offset, int indent)
        {
            int remaining = shape.Length - d;
            if (remaining == 0) return Element(offset);
            if (remaining == 1) return Vector(d, offset, indent);

            var slices = new List<string>();
            long n = shape[d];
            if (Cut(d))
            {
                for (long i = 0; i < Edge; i++) slices.Add(Str(d + 1, offset + At(d, i), indent + 1));
                slices.Add("...");
                for (long i = n - Edge; i < n; i++) slices.Add(Str(d + 1, offset + At(d, i), indent + 1));
            }
            else
                for (long i = 0; i < n; i++) slices.Add(Str(d + 1, offset + At(d, i), indent + 1));
            string sep = "," + new string('\n', remaining - 1) + new string(' ', indent + 1);
            return "[" + string.Join(sep, slices) + "]";
        }

        private string Vector(int d, long offset, int indent)
        {
            int elementLength = fmt.Width + 2;
            int perLine = (int)Math.Max(1, Math.Floor((double)(opts.LineWidth - indent) / elementLength));
            long n = shape[d];
            var data = new List<string>();
            if (Cut(d))
            {
                for (long i = 0; i < Edge; i++) data.Add(Element(offset + At(d, i)));
                data.Add(" ...");
                // the tail is Python's x[-edgeitems:], which is the whole vector when edgeitems is 0
                for (long i = Edge == 0 ? 0 : n - Edge; i < n; i++) data.Add(Element(offset + At(d, i)));
            }
            else
                for (long i = 0; i < n; i++) data.Add(Element(offset + At(d, i)));

            var lines = new List<string>();
            for (int i = 0; i < data.Count; i += perLine)
                lines.Add(string.Join(", ", data.Skip(i).Take(perLine)));
            return "[" + string.Join(",\n" + new string(' ', indent + 1), lines) + "]";
        }
    }

    /// <summary>PyTorch's <c>_Formatter</c>: one number style and width for all printed elements of a tensor.</summary>
    private sealed class ElementFormatter
    {
        private bool floating;
        private bool intMode = true;
        private bool sciMode;
        private int maxWidth = 1;
        private bool isBool;
        private int precision;

        internal int Width => maxWidth;

        internal static ElementFormatter ForInts(IEnumerable<long> values, bool isBool, PrintOptions opts)
        {
            var f = new ElementFormatter { isBool = isBool, precision = opts.Precision };
            foreach (var v in values) f.maxWidth = Math.Max(f.maxWidth, f.IntString(v).Length);
            if (opts.SciMode is bool s) f.sciMode = s;
            return f;
        }

        internal static ElementFormatter ForFloats(IEnumerable<double> values, PrintOptions opts)
        {
            var f = new ElementFormatter { floating = true, precision = opts.Precision };
            var vals = values.Where(v => double.IsFinite(v) && v != 0).ToList();
            // With no finite nonzero value PyTorch keeps the defaults and ignores a forced sci_mode.
            if (vals.Count == 0) return f;

            double min = double.PositiveInfinity, max = 0;
            foreach (var v in vals)
            {
                double a = Math.Abs(v);
                if (a < min) min = a;
                if (a > max) max = a;
                if (f.intMode && v != Math.Ceiling(v)) f.intMode = false;
            }
            int p = opts.Precision;
            if (f.intMode)
            {
                if (max / min > 1000.0 || max > 1.0e8)
                {
                    f.sciMode = true;
                    foreach (var v in vals) f.maxWidth = Math.Max(f.maxWidth, PyFormat.Sci(v, p).Length);
                }
                else
                    foreach (var v in vals) f.maxWidth = Math.Max(f.maxWidth, PyFormat.Fixed(v, 0).Length + 1);
            }
            else if (max / min > 1000.0 || max > 1.0e8 || min < 1.0e-4)
            {
                f.sciMode = true;
                foreach (var v in vals) f.maxWidth = Math.Max(f.maxWidth, PyFormat.Sci(v, p).Length);
            }
            else
                foreach (var v in vals) f.maxWidth = Math.Max(f.maxWidth, PyFormat.Fixed(v, p).Length);

            if (opts.SciMode is bool s) f.sciMode = s;
            return f;
        }

        private string IntString(long v) => isBool ? (v != 0 ? "True" : "False") : v.ToString(CultureInfo.InvariantCulture);

        internal string Format(long v) => Pad(IntString(v));

        internal string Format(double v)
        {
            if (!floating) return Pad(IntString((long)v));
            string s;
            if (sciMode) s = PyFormat.Sci(v, precision);
            else if (intMode)
            {
                s = PyFormat.Fixed(v, 0);
                if (double.IsFinite(v)) s += ".";
            }
            else s = PyFormat.Fixed(v, precision);
            return Pad(s);
        }

        private string Pad(string s) => s.Length >= maxWidth ? s : new string(' ', maxWidth - s.Length) + s;
    }
}

using Flint.Ops;
namespace Flint.Autograd;

/// <summary>
/// Backward formulas of reductions, scans and softmax (PyTorch's node names). Reductions call
/// <see cref="Reduce"/> with their kernel name, the reduced dims and the op's scalar argument.
/// </summary>
internal static class ReductionDerivatives
{
    /// <summary>Brings a reduced gradient back to the input's rank (size-1 reduced dims) so it broadcasts.</summary>
    private static Tensor Unreduce(Tensor g, Tensor x, int[] dims, bool keepdim)
    {
        if (keepdim || x.ndim == 0) return g;
        var shape = (long[])x._shape.Clone();
        foreach (var d in dims) shape[d] = 1;
        return g.reshape(shape);
    }

    private static long Count(Tensor x, int[] dims)
    {
        long n = 1;
        foreach (var d in dims) n *= x._shape[d];
        return n;
    }

    private static long[] L(int[] dims) => dims.Select(d => (long)d).ToArray();

    /// <summary>Gradient spread evenly over the elements equal to the reduced value (max/min/amax/amin).</summary>
    private static Tensor EvenlyDistribute(Tensor g, Tensor x, Tensor yk)
    {
        var mask = x.eq(yk).to(g.dtype);
        var count = x.ndim == 0 ? mask : mask.sum(L(Enumerable.Range(0, x.ndim).Where(i => yk._shape[i] == 1 && x._shape[i] != 1 || false).ToArray()), keepdim: true);
        return g * mask / count;
    }

    internal static Tensor Reduce(string op, Tensor x, int[] dims, bool keepdim, Tensor y, double arg) =>
        !Recording.Needs(x) || !y.dtype.is_floating_point ? y : RecordReduce(op, x, dims, keepdim, y, arg);

    private static Tensor RecordReduce(string op, Tensor x, int[] dims, bool keepdim, Tensor y, double arg)
    {
        bool full = dims.Length == x.ndim && !keepdim;
        var xShape = x._shape;
        switch (op)
        {
            case "sum":
                if (full) return FullReductionNode.Record("SumBackward0", x, y, 0);
                return Recording.Record(y, "SumBackward1", [x],
                    g => [Unreduce(g, x, dims, keepdim).expand(xShape).to(x.dtype)]);
            case "nansum":
                return Recording.Record(y, "NansumBackward0", [x],
                    g => [(Unreduce(g, x, dims, keepdim).expand(xShape) * x.isnan().logical_not().to(g.dtype)).to(x.dtype)], x);
            case "nanmean":
                {
                    // as PyTorch: nansum divided by the count of non-NaN elements (NansumBackward0, then DivBackward0)
                    var count = x.isnan().logical_not().sum(L(dims), keepdim);
                    return x.nansum(L(dims), keepdim) / count;
                }
            case "mean":
                {
                    long n = Count(x, dims);
                    // a full reduction's 0-dim gradient expands directly (the same strides as through a reshape)
                    if (full) return FullReductionNode.Record("MeanBackward0", x, y, n);
                    return Recording.Record(y, "MeanBackward1", [x],
                        g => [(Unreduce(g, x, dims, keepdim) / n).expand(xShape).to(x.dtype)]);
                }
            case "prod":
                return Recording.Record(y, full ? "ProdBackward0" : "ProdBackward1", [x], g =>
                {
                    var gk = Unreduce(g, x, dims, keepdim); var yk = Unreduce(y, x, dims, keepdim);
                    var zero = x.eq(0);
                    // product of the other elements: y / x where x != 0; where x == 0, the product of the nonzero rest (if it is the only zero)
                    var nonzero = torch.where(zero, torch.ones_like(x), x);
                    var prodNz = nonzero.prod(dims.Length == 1 ? dims[0] : 0, keepdim: true);
                    if (dims.Length != 1) prodNz = nonzero.reshape(-1).prod().reshape(Enumerable.Repeat(1L, x.ndim).ToArray());
                    var zeros = zero.to(x.dtype).sum(L(dims), keepdim: true);
                    var others = torch.where(zero, torch.where(zeros.eq(1), prodNz, torch.zeros_like(prodNz)), yk / nonzero);
                    return [gk * others];
                }, x, y);
            case "max":
            case "min":
                return Recording.Record(y, full ? (op == "max" ? "MaxBackward1" : "MinBackward1") : (op == "max" ? "AmaxBackward0" : "AminBackward0"), [x], g =>
                {
                    var yk = Unreduce(y, x, dims, keepdim);
                    var mask = x.eq(yk).to(g.dtype);
                    var count = mask.sum(L(dims), keepdim: true);
                    return [Unreduce(g, x, dims, keepdim) * mask / count];
                }, x, y);
            case "var":
            case "std":
                {
                    long n = Count(x, dims);
                    double denom = Math.Max(n - arg, 0);
                    return Recording.Record(y, op == "var" ? "VarBackward0" : "StdBackward0", [x], g =>
                    {
                        var mean = x.mean(L(dims), keepdim: true);
                        var gk = Unreduce(g, x, dims, keepdim);
                        var d = (x - mean) * (2.0 / denom);
                        return op == "var" ? [gk * d] : [gk * d / (Unreduce(y, x, dims, keepdim) * 2)];
                    }, x, y);
                }
            case "norm":
                return Recording.Record(y, "NormBackward1", [x], g =>
                {
                    var gk = Unreduce(g, x, dims, keepdim); var yk = Unreduce(y, x, dims, keepdim);
                    double p = arg;
                    Tensor r;
                    if (p == 0) r = torch.zeros_like(x);
                    else if (p == 1) r = gk * x.sign();
                    else if (p == 2) r = torch.where(yk.eq(0), torch.zeros_like(x), gk * x / yk);
                    else if (double.IsInfinity(p))
                    {
                        var mask = x.abs().eq(yk).to(x.dtype);
                        r = gk * x.sign() * mask / mask.sum(L(dims), keepdim: true);
                    }
                    else r = torch.where(yk.eq(0), torch.zeros_like(x), gk * x * x.abs().pow(p - 2) / yk.pow(p - 1));
                    return [r];
                }, x, y);
            case "logsumexp":
                return Recording.Record(y, "LogsumexpBackward0", [x], g =>
                    [Unreduce(g, x, dims, keepdim) * (x - Unreduce(y, x, dims, keepdim)).exp()], x, y);
            default:
                return Recording.Record(y, $"NotImplemented({op})", [x], _ => throw Differentiation.NotImplemented(op));
        }
    }

    /// <summary>
    /// The node of a sum or mean over every dim: the 0-dim gradient (divided by the count for mean) expanded to
    /// the input's shape, in the input's dtype.
    /// </summary>
    private sealed class FullReductionNode : FunctionNode
    {
        private Tensor? x;
        private readonly long[] xShape;
        private readonly long count;

        private FullReductionNode(string name, Tensor x, long count) : base(name) { this.x = x; xShape = x._shape; this.count = count; }

        /// <summary>Records the reduction of <paramref name="x"/> into <paramref name="y"/>; count 0 means a sum.</summary>
        internal static Tensor Record(string name, Tensor x, Tensor y, long count)
        {
            var node = new FullReductionNode(name, x, count) { NextEdges = [Recording.EdgeOf(x)] };
            if (AnomalyMode.Enabled) node.AnomalyTrace = AnomalyMode.Trace();
            Recording.Attach(y, node, 0);
            return y;
        }

        protected override Tensor?[] Backward(Tensor?[] gradOutputs)
        {
            if (gradOutputs[0] is not { } g) return new Tensor?[1];
            var xi = x!;
            if (g.ndim != 0) g = g.reshape(Enumerable.Repeat(1L, xi.ndim).ToArray());
            if (count != 0) g = g / count;
            return [g.expand(xShape).to(xi.dtype)];
        }

        protected override void OnRelease() => x = null;
    }

    /// <summary>max/min/median/mode/kthvalue along a dim: the gradient goes to the picked positions.</summary>
    internal static ValuesIndices Index(string op, Tensor x, int dim, bool keepdim, ValuesIndices r) =>
        !Recording.Needs(x) || !r.values.dtype.is_floating_point ? r : RecordIndex(op, x, dim, keepdim, r);

    /// <summary>std_mean/var_mean as one node with two outputs (either gradient may be absent).</summary>
    internal static Tensor[] StatMean(bool std, Tensor x, int[] dims, bool keepdim, double correction, Tensor s, Tensor m)
    {
        long n = Count(x, dims);
        double denom = Math.Max(n - correction, 0);
        var xShape = x._shape;
        return Recording.RecordMulti([s, m], std ? "StdMeanBackward0" : "VarMeanBackward0", [x], gs =>
        {
            Tensor? r = null;
            if (gs[0] is { } gsd)
            {
                var d = (x - x.mean(L(dims), keepdim: true)) * (2.0 / denom);
                var gk = Unreduce(gsd, x, dims, keepdim);
                r = std ? gk * d / (Unreduce(s, x, dims, keepdim) * 2) : gk * d;
            }
            if (gs[1] is { } gm)
            {
                var gmean = (Unreduce(gm, x, dims, keepdim) / n).expand(xShape);
                r = r is null ? gmean : r + gmean;
            }
            return [r];
        }, x, s);
    }

    private static ValuesIndices RecordIndex(string op, Tensor x, int dim, bool keepdim, ValuesIndices r)
    {
        string name = op switch { "max" => "MaxBackward0", "min" => "MinBackward0", "median" => "MedianBackward1", "mode" => "ModeBackward0", "kthvalue" => "KthvalueBackward0", _ => op + "Backward0" };
        var idx = r.indices;
        var xShape = x._shape;
        Recording.Record(r.values, name, [x], g => [Scatter(g, idx, x, dim, keepdim)]);
        return r;
    }

    /// <summary>zeros(x.shape) with g placed at idx along dim (one index per slice).</summary>
    internal static Tensor Scatter(Tensor g, Tensor idx, Tensor x, int dim, bool keepdim)
    {
        if (x.ndim == 0) return g.reshape([]);
        var gk = keepdim ? g : g.unsqueeze(dim);
        var ik = keepdim ? idx : idx.unsqueeze(dim);
        return torch.zeros(x._shape, dtype: g.dtype).scatter(dim, ik, gk);
    }

    internal static Tensor Softmax(Tensor x, int dim, bool log, Tensor y) =>
        !Recording.Needs(x) || !y.dtype.is_floating_point ? y : RecordSoftmax(x, dim, log, y);

    private static Tensor RecordSoftmax(Tensor x, int dim, bool log, Tensor y)
    {
        if (log)
            return Recording.Record(y, "LogSoftmaxBackward0", [x], g => [(g - y.exp() * g.sum(dim, keepdim: true)).to(x.dtype)], y);
        return Recording.Record(y, "SoftmaxBackward0", [x], g => [(y * (g - (g * y).sum(dim, keepdim: true))).to(x.dtype)], y);
    }

    internal static Tensor Scan(string op, Tensor x, int dim, Tensor y) =>
        !Recording.Needs(x) || !y.dtype.is_floating_point ? y : RecordScan(op, x, dim, y);

    private static Tensor RecordScan(string op, Tensor x, int dim, Tensor y)
    {
        static Tensor ReverseCumsum(Tensor t, int d) => t.sum(d, keepdim: true) - t.cumsum(d) + t;
        if (op == "cumsum")
            return Recording.Record(y, "CumsumBackward0", [x], g => [ReverseCumsum(g, dim).to(x.dtype)]);
        if (op == "cumprod")
            return Recording.Record(y, "CumprodBackward0", [x], g => [CumprodGradient.Of(g, x, dim, y).to(x.dtype)], x, y);
        return Recording.Record(y, $"NotImplemented({op})", [x], _ => throw Differentiation.NotImplemented(op));
    }

    /// <summary>sort/topk values: the gradient goes back to the positions the values came from.</summary>
    internal static ValuesIndices Gathered(string name, Tensor x, int dim, ValuesIndices r) =>
        !Recording.Needs(x) || !r.values.dtype.is_floating_point ? r : RecordGathered(name, x, dim, r);

    private static ValuesIndices RecordGathered(string name, Tensor x, int dim, ValuesIndices r)
    {
        var idx = r.indices;
        Recording.Record(r.values, name, [x], g => [torch.zeros(x._shape, dtype: g.dtype).scatter(dim, idx, g)]);
        return r;
    }
}

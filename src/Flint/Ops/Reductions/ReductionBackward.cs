using Flint.Autograd;

namespace Flint.Ops;

/// <summary>
/// What the backward formulas of reductions share (each formula sits on its op struct): bringing a reduced
/// gradient back to the input's rank, counting reduced elements, the node of a full sum or mean.
/// </summary>
internal static class ReductionBackward
{
    /// <summary>The gradient of a reduction's input from (grad, input, dims, keepdim, output, the op's argument).</summary>
    internal delegate Tensor Gradient(Tensor g, Tensor x, int[] dims, bool keepdim, Tensor y, double arg);

    /// <summary>A reduction's backward as a formula: PyTorch's node name, the input's gradient, what the node saves.</summary>
    internal static Kernels.ReduceDerivative Formula(string name, Gradient grad, Kernels.Saves saves = Kernels.Saves.Input) =>
        Formula(name, name, grad, saves);

    /// <summary>A formula whose node PyTorch names apart when every dim is reduced without keepdim (often its other overload).</summary>
    internal static Kernels.ReduceDerivative Formula(string fullName, string dimName, Gradient grad, Kernels.Saves saves = Kernels.Saves.Input)
    {
        var dimNode = new Kernels.NodeDerivative<Reduced>(dimName, saves switch
        {
            Kernels.Saves.Input => static r => [r.X],
            Kernels.Saves.Output => static r => [r.Y],
            Kernels.Saves.InputAndOutput => static r => [r.X, r.Y],
            _ => null,
        }, static (g, r) => r.Grad(g, r.X, r.Dims, r.Keepdim, r.Y, r.Arg));
        var fullNode = fullName == dimName ? dimNode : dimNode.Named(fullName);
        return new((x, dims, keepdim, y, arg) => (Full(x, dims, keepdim) ? fullNode : dimNode).Record(y, [x], new(grad, x, dims, keepdim, y, arg)));
    }

    /// <summary>What a reduction's node keeps: its gradient formula and the forward's input, dims, keepdim, output and argument.</summary>
    internal readonly record struct Reduced(Gradient Grad, Tensor X, int[] Dims, bool Keepdim, Tensor Y, double Arg);

    /// <summary>Brings a reduced gradient back to the input's rank (size-1 reduced dims) so it broadcasts.</summary>
    internal static Tensor Unreduce(Tensor g, Tensor x, int[] dims, bool keepdim)
    {
        if (keepdim || x.ndim == 0) return g;
        var shape = (long[])x._shape.Clone();
        foreach (var d in dims) shape[d] = 1;
        return g.reshape(shape);
    }

    internal static long Count(Tensor x, int[] dims)
    {
        long n = 1;
        foreach (var d in dims) n *= x._shape[d];
        return n;
    }

    internal static long[] L(int[] dims) => dims.Select(d => (long)d).ToArray();

    /// <summary>
    /// Whether the reduction ran without a dim argument (every dim reduced, no keepdim): PyTorch names those nodes apart
    /// (SumBackward0) from the dim overload's, even when the dims given name every dim (SumBackward1).
    /// </summary>
    internal static bool Full(Tensor x, int[] dims, bool keepdim) => dims.Length == x.ndim && !keepdim && Reduction.NoDimArgument(dims);

    /// <summary>zeros(x.shape) with g placed at idx along dim (one index per slice).</summary>
    internal static Tensor Scatter(Tensor g, Tensor idx, Tensor x, int dim, bool keepdim)
    {
        if (x.ndim == 0) return g.reshape([]);
        var gk = keepdim ? g : g.unsqueeze(dim);
        var ik = keepdim ? idx : idx.unsqueeze(dim);
        return torch.zeros(x._shape, dtype: g.dtype).scatter(dim, ik, gk);
    }

    /// <summary>max/min/median/mode/kthvalue along a dim: the gradient goes to the picked positions.</summary>
    internal static ValuesIndices Index<TOp>(Tensor x, int dim, bool keepdim, ValuesIndices r) where TOp : Kernels.IIndexDifferentiable
    {
        if (!Recording.Needs(x) || !r.values.dtype.is_floating_point) return r;
        Picked<TOp>.Derivative.Record(r.values, [x], (x, r.indices, dim, keepdim));
        return r;
    }

    /// <summary>The node of an op that picks one element per slice along a dim, named by the op.</summary>
    private static class Picked<TOp> where TOp : Kernels.IIndexDifferentiable
    {
        internal static readonly Kernels.NodeDerivative<(Tensor x, Tensor idx, int dim, bool keepdim)> Derivative =
            new(TOp.NodeName, null, static (g, s) => Scatter(g, s.idx, s.x, s.dim, s.keepdim));
    }

    /// <summary>sort's values: the gradient goes back to the positions the values came from.</summary>
    internal static readonly Kernels.NodeDerivative<(Tensor x, int dim, Tensor idx)> SortValues =
        new("SortBackward0", null, static (g, s) => torch.zeros(s.x._shape, dtype: g.dtype).scatter(s.dim, s.idx, g));
    /// <summary>topk's values, as sort's.</summary>
    internal static readonly Kernels.NodeDerivative<(Tensor x, int dim, Tensor idx)> TopkValues = SortValues.Named("TopkBackward0");

    /// <summary>sort/topk values: the gradient goes back to the positions the values came from.</summary>
    internal static ValuesIndices Gathered(Kernels.NodeDerivative<(Tensor x, int dim, Tensor idx)> node, Tensor x, int dim, ValuesIndices r)
    {
        if (!Recording.Needs(x) || !r.values.dtype.is_floating_point) return r;
        node.Record(r.values, [x], (x, dim, r.indices));
        return r;
    }

    /// <summary>
    /// The node of a sum or mean over every dim: the 0-dim gradient (divided by the count for mean) expanded to
    /// the input's shape, in the input's dtype.
    /// </summary>
    internal sealed class FullReductionNode : FunctionNode
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
}

namespace Flint.Autograd;

/// <summary>
/// In-place operations on views of tensors that take part in autograd (PyTorch's CopySlices). Writing into a
/// view changes its base: the base's history becomes a CopySlices node that, in backward, takes the base's
/// gradient, runs the in-place op's backward on the view's part of it, puts the result for the view's old value
/// back into that part, and sends the whole to the base's previous history (the op's other inputs get their
/// gradients as usual). The view (and any other view of the base written to since) then reads its history from
/// the base through an AsStridedBackward0 node.
/// </summary>
internal sealed class CopySlices : Node
{
    private readonly Node fn;
    private readonly long[] baseShape, baseStrides, viewShape, viewStrides;
    private readonly long viewOffset;   // relative to the base's storage offset

    private CopySlices(Node fn, Tensor root, Tensor view)
    {
        this.fn = fn;
        baseShape = (long[])root._shape.Clone(); baseStrides = (long[])root._strides.Clone();
        viewShape = (long[])view._shape.Clone(); viewStrides = (long[])view._strides.Clone();
        viewOffset = view._offset - root._offset;
    }

    public override string name() => "torch::autograd::CopySlices";

    internal override Tensor?[] Apply(Tensor?[] gradOutputs)
    {
        var g = gradOutputs[0];
        var outs = new Tensor?[NextEdges.Length];
        if (g is null) return outs;
        // the base's gradient in the base's own layout, so the view's geometry applies to it
        var result = LikeBase(g, baseShape, baseStrides);
        // a recorded view, so that with create_graph the op's backward stays connected to the incoming gradient
        var slice = result.as_strided(viewShape, viewStrides, result._offset + viewOffset);
        var res = fn.Apply([slice.clone()]);
        if (res.Length > 0 && res[0] is { } r0) slice.copy_(r0);
        else slice.zero_();
        outs[0] = result;
        for (int i = 1; i < outs.Length && i < res.Length; i++) outs[i] = res[i];
        return outs;
    }

    internal override void Release() => fn.Release();

    /// <summary>A fresh tensor holding <paramref name="g"/> laid out with <paramref name="strides"/> (which are dense).</summary>
    private static Tensor LikeBase(Tensor g, long[] shape, long[] strides)
    {
        var r = EmptyLikeBase(g, shape, strides);
        r.copy_(g);
        return r;
    }

    /// <summary>A new tensor of <paramref name="shape"/> laid out with the dense <paramref name="strides"/>, dtype and device of <paramref name="like"/>.</summary>
    private static Tensor EmptyLikeBase(Tensor like, long[] shape, long[] strides) =>
        Tensor.HasContiguousStrides(shape, strides) ? Tensor.Empty(shape, like.dtype, like.device)
            : Tensor.EmptyLike(new Tensor(like._storage, shape, strides, 0), like.dtype, like.device);

    /// <summary>Whether a base's layout lets a view's geometry be replayed on a fresh gradient tensor.</summary>
    private static bool Replayable(Tensor root) => Shape.IsNonOverlappingAndDense(root._shape, root._strides);

    /// <summary>An in-place op on a view: the op's node goes under a CopySlices node that becomes the base's history.</summary>
    internal static Tensor InPlaceOnView(Tensor self, Tensor root, Func<Tensor, Tensor> outOfPlace)
    {
        if (root.requires_grad && root.is_leaf)
            throw new InvalidOperationException("a view of a leaf Variable that requires grad is being used in an in-place operation.");
        if (!Replayable(root))
            throw new NotSupportedException("Flint cannot record an in-place operation on a view of a tensor whose own layout overlaps or has gaps; clone() the base first.");
        // the view's current value, standing for its current history
        Tensor old;
        using (new GradModeScope(false)) old = self.clone();
        if (self.requires_grad && self.grad_fn is { } previous) old.SetHistory(previous, self.OutputNr);
        var r = outOfPlace(old);
        var baseEdge = Recording.EdgeOf(root);
        using (new GradModeScope(false)) self.Backend.Copy(self, r);
        self.BumpVersion();
        if (r.grad_fn is not { } fn) return self;   // nothing that requires grad took part
        var node = new CopySlices(fn, root, self);
        var edges = new Edge?[fn.NextEdges.Length];
        edges[0] = baseEdge;
        for (int i = 1; i < edges.Length; i++) edges[i] = fn.NextEdges[i];
        node.NextEdges = edges;
        if (AnomalyMode.Enabled) node.AnomalyTrace = AnomalyMode.Trace();
        root.SetHistory(node, 0);
        // the written view now reads its history from the base's
        self.SetHistory(ViewNode(root, self, new Edge(node, 0)), 0);
        return self;
    }

    /// <summary>The history of <paramref name="view"/> as a view of <paramref name="root"/>'s history (AsStridedBackward0).</summary>
    internal static Node ViewNode(Tensor root, Tensor view, Edge rootEdge)
    {
        var baseShape = (long[])root._shape.Clone(); var baseStrides = (long[])root._strides.Clone();
        var shape = (long[])view._shape.Clone(); var strides = (long[])view._strides.Clone();
        long offset = view._offset - root._offset;
        var node = new FunctionNode("AsStridedBackward0", (Func<Tensor, Tensor?[]>)(g =>
        {
            var result = EmptyLikeBase(g, baseShape, baseStrides).zero_();
            // broadcast (stride 0) dims of the view read one element: their gradients add up
            var gs = g; var vs = (long[])shape.Clone();
            for (int d = 0; d < vs.Length; d++)
                if (strides[d] == 0 && vs[d] > 1) { gs = gs.sum(d, keepdim: true); vs[d] = 1; }
            result.View(vs, strides, offset).copy_(gs);
            return [result];
        }));
        node.NextEdges = [rootEdge];
        return node;
    }
}

namespace Flint.Autograd;

/// <summary>
/// Where a node's backward may add an input's gradient in place instead of returning it, so a fused kernel adds
/// its result to the tensor the engine would have added it to, in the same pass that computes it (no gradient
/// tensor is written and read again). While the engine runs a node it offers, per input edge:
/// <list type="bullet">
/// <item>a leaf's existing <c>.grad</c>, when this edge is the only one that feeds the leaf in this run and nothing
/// would see the gradient on its way (no hooks on the leaf or its accumulator, no anomaly checks, no create_graph):
/// the leaf's accumulator would have done <c>grad += g</c> in place, as PyTorch's does;</item>
/// <item>the sum the engine is already keeping for that edge's node, when only the engine holds it (see
/// <see cref="GradOwnership.CanSteal"/>): the engine would have replaced it by <c>sum + g</c>.</item>
/// </list>
/// Either way the result is the bits of <c>target + g</c>. A backward that takes the offer (<see cref="Take"/>)
/// adds its gradient into the target and returns null for that input; one that does not returns its gradient as
/// usual. Only a node's own formula may take an offer, never a helper it shares with other code.
/// </summary>
internal static class GradSink
{
    [ThreadStatic] private static Tensor?[]? offered;

    /// <summary>Sets the offers for the node about to run (null: none); returns the previous ones for <see cref="Restore"/>.</summary>
    internal static Tensor?[]? Offer(Tensor?[]? sinks)
    {
        var previous = offered;
        offered = sinks;
        return previous;
    }

    internal static void Restore(Tensor?[]? previous) => offered = previous;

    /// <summary>
    /// The tensor into which the gradient of input <paramref name="input"/> may be added: one of the shape, dtype
    /// and device of <paramref name="like"/> (the input itself) with row-major strides, sharing no memory with what the kernel reads
    /// (<paramref name="reads"/>). Null when there is none; otherwise the offer is taken, and the caller must add
    /// its gradient into the result and return null for that input.
    /// </summary>
    internal static Tensor? Take(int input, Tensor like, params Tensor?[] reads)
    {
        var s = offered;
        if (s is null || (uint)input >= (uint)s.Length || s[input] is not { } t) return null;
        if (t.dtype != like.dtype || t.device != like.device || !t._shape.AsSpan().SequenceEqual(like._shape)) return null;
        foreach (var r in reads)
            if (r is not null && ReferenceEquals(r._storage, t._storage)) return null;
        s[input] = null;
        t.BumpVersion();
        return t;
    }

    /// <summary>
    /// What the engine may offer for an edge into <paramref name="target"/>: <paramref name="pending"/> is the
    /// sum already kept for the edge's slot (null when nothing arrived yet),
    /// <paramref name="soleEdge"/> whether this is the only edge still to deliver there.
    /// </summary>
    internal static Tensor? For(Node target, Tensor? pending, bool soleEdge)
    {
        if (pending is not null)
            return !pending.is_sparse && !pending.requires_grad && GradOwnership.CanSteal(pending) ? pending : null;
        if (!soleEdge || target is not AccumulateGrad acc || target.TensorPreHooks is not null) return null;
        var v = acc.Variable;
        if (v.HookList is not null || v.PostAccumulateHookList is not null || v.grad is not { } grad) return null;
        if (grad.is_sparse || grad.requires_grad || grad.dtype != v.dtype || !Tensor.HasContiguousStrides(grad._shape, grad._strides)) return null;
        return grad;
    }
}

namespace Flint.Autograd;

/// <summary>An edge of the backward graph: the node that receives a gradient, and which of its outputs it is for.</summary>
internal readonly record struct Edge(Node Node, int InputNr);

/// <summary>
/// A node of the backward graph (PyTorch's <c>grad_fn</c>): it takes the gradients of an operation's outputs
/// and returns the gradients of its inputs, which flow along <see cref="next_functions"/>.
/// </summary>
public abstract class Node
{
    private static long sequence;
    internal readonly long SequenceNr = Interlocked.Increment(ref sequence);
    internal Edge?[] NextEdges = [];
    internal int NumOutputs = 1;
    /// <summary>Hooks on the gradient of output i (registered through a non-leaf tensor's register_hook).</summary>
    internal List<(int output, Func<Tensor, Tensor?> hook)>? TensorPreHooks;
    /// <summary>The forward operation's stack trace, recorded in anomaly mode.</summary>
    internal string? AnomalyTrace;

    // Scratch state of the backward run that holds this node (see Engine): the run's token, the number of
    // edges still to deliver a gradient here, and the gradients gathered so far.
    internal object? EngineOwner;
    internal int EngineDeps;
    internal Tensor?[]? EngineBuffer;

    /// <summary>PyTorch's node name, e.g. "MulBackward0".</summary>
    public abstract string name();

    /// <summary>The nodes this one sends gradients to, with the input index on each (null where no gradient flows).</summary>
    public IReadOnlyList<(Node? node, int index)> next_functions =>
        NextEdges.Select(e => e is { } ed ? ((Node?)ed.Node, ed.InputNr) : ((Node?)null, 0)).ToArray();

    /// <summary>Computes the input gradients from the output gradients (null entries mean zero).</summary>
    internal abstract Tensor?[] Apply(Tensor?[] gradOutputs);

    /// <summary>Frees what the node saved for backward (after a backward that does not retain the graph).</summary>
    internal virtual void Release() { }

    /// <inheritdoc/>
    public override string ToString() => $"<{name()} object>";
}

/// <summary>
/// The node for a differentiable operation: a backward function over the saved values. The function takes
/// either all output gradients (several outputs) or, for single-output ops, the one output gradient (an op
/// whose output gradient is null gets null gradients for all its inputs).
/// </summary>
internal class FunctionNode : Node
{
    private string nodeName;
    private Func<Tensor?[], Tensor?[]>? backward;
    private Func<Tensor, Tensor?[]>? single;
    private bool released;
    internal SavedTensor[] Saved = [];

    internal FunctionNode(string name, Func<Tensor?[], Tensor?[]> backward) { nodeName = name; this.backward = backward; }
    internal FunctionNode(string name, Func<Tensor, Tensor?[]> single) { nodeName = name; this.single = single; }
    /// <summary>For nodes that compute their gradients in <see cref="Backward"/>.</summary>
    protected FunctionNode(string name) { nodeName = name; }

    public override string name() => nodeName;

    /// <summary>Gives the node the name PyTorch uses for the in-place form of the op that recorded it (TBackward1 for t_).</summary>
    internal void RenameForInPlace(string name) => nodeName = name;

    internal override Tensor?[] Apply(Tensor?[] gradOutputs)
    {
        if (released) throw new InvalidOperationException(Errors.BackwardTwice);
        var saved = Saved;
        for (int i = 0; i < saved.Length; i++) saved[i].Check(this);
        return Backward(gradOutputs);
    }

    protected virtual Tensor?[] Backward(Tensor?[] gradOutputs)
    {
        if (single is { } f) return gradOutputs[0] is { } go ? f(go) : new Tensor?[NextEdges.Length];
        return backward!(gradOutputs);
    }

    /// <summary>Drops what the backward function holds (called once, after a backward that does not retain the graph).</summary>
    protected virtual void OnRelease() { }

    internal override void Release()
    {
        released = true;
        backward = null; single = null;
        OnRelease();
        var saved = Saved;
        for (int i = 0; i < saved.Length; i++) saved[i].Release();
    }

    /// <summary>The saved tensors' shapes (for the graph picture).</summary>
    internal IEnumerable<SavedTensor> SavedTensors => Saved;
}

/// <summary>The node that stores a leaf tensor's gradient into its <c>.grad</c>.</summary>
public sealed class AccumulateGrad : Node
{
    internal readonly Tensor Variable;
    internal AccumulateGrad(Tensor variable) { Variable = variable; }
    /// <summary>The C++ name PyTorch gives this node, <c>torch::autograd::AccumulateGrad</c>.</summary>
    public override string name() => "torch::autograd::AccumulateGrad";
    /// <summary>The leaf tensor this node accumulates into.</summary>
    public Tensor variable => Variable;

    internal override Tensor?[] Apply(Tensor?[] gradOutputs)
    {
        var g = gradOutputs[0];
        if (g is null) return [];
        if (Variable.HookList is { } hooks)
            foreach (var h in hooks)
                if (h(g) is { } replaced) { AutogradHooks.CheckHookResult(g, replaced, h); g = replaced; }
        if (Variable.grad is null)
            // a gradient only the engine holds becomes .grad as it is (PyTorch steals it too); others are copied
            // (a sparse one always: its indices and values are not the engine's to hand over)
            Variable.grad = g.is_sparse ? g.clone()
                : GradMode.IsEnabled ? g
                : Variable.HookList is null && GradOwnership.CanSteal(g) && Tensor.HasContiguousStrides(Variable._shape, Variable._strides) ? g
                : Detached(g, Variable);
        else if (Variable.grad.is_sparse && !g.is_sparse)
            // sparse .grad + dense gradient: dense (PyTorch adds them as dense + sparse)
            Variable.grad = g + Variable.grad;
        else if (GradMode.IsEnabled)
            Variable.grad = Variable.grad + g;
        else
            Variable.grad.AccumulateInPlace(g);
        if (Variable.PostAccumulateHookList is { } post)
            foreach (var h in post) h(Variable);
        return [];
    }

    /// <summary>
    /// A copy of <paramref name="g"/> with its own memory and no history (what <c>g.detach().clone()</c> gives),
    /// made directly (one kernel copy, sharing the shape arrays) for contiguous tensors.
    /// </summary>
    private static Tensor Detached(Tensor g, Tensor variable)
    {
        // PyTorch's layout contract: the grad of a dense variable has the variable's strides (a channels_last
        // parameter gets a channels_last grad), others a row-major one
        if (!Tensor.HasContiguousStrides(variable._shape, variable._strides))
            return MemoryFormats.LikeVariable(g, variable);
        if (Tensor.HasContiguousStrides(g._shape, g._strides))
        {
            var backend = g.Backend;
            var copy = new Tensor(backend.Allocate(g.dtype, Shape.Numel(g._shape), zeroed: false), g._shape, g._strides, 0);
            backend.Copy(copy, g);
            return copy;
        }
        return g.detach().clone(MemoryFormat.Contiguous);
    }
}

internal static class Errors
{
    internal const string BackwardTwice =
        "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.";
}

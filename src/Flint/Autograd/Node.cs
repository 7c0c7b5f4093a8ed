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

    /// <summary>PyTorch's node name, e.g. "MulBackward0".</summary>
    public abstract string name();

    /// <summary>The nodes this one sends gradients to, with the input index on each (null where no gradient flows).</summary>
    public IReadOnlyList<(Node? node, int index)> next_functions =>
        NextEdges.Select(e => e is { } ed ? ((Node?)ed.Node, ed.InputNr) : ((Node?)null, 0)).ToArray();

    /// <summary>Computes the input gradients from the output gradients (null entries mean zero).</summary>
    internal abstract Tensor?[] Apply(Tensor?[] gradOutputs);

    /// <summary>Frees what the node saved for backward (after a backward that does not retain the graph).</summary>
    internal virtual void Release() { }

    public override string ToString() => $"<{name()} object>";
}

/// <summary>The node for a differentiable operation: a backward function over the saved values.</summary>
internal sealed class FunctionNode : Node
{
    private readonly string nodeName;
    private Func<Tensor?[], Tensor?[]>? backward;
    internal SavedTensor[] Saved = [];

    internal FunctionNode(string name, Func<Tensor?[], Tensor?[]> backward) { nodeName = name; this.backward = backward; }

    public override string name() => nodeName;

    internal override Tensor?[] Apply(Tensor?[] gradOutputs)
    {
        var f = backward ?? throw new InvalidOperationException(Errors.BackwardTwice);
        foreach (var s in Saved) s.Check(this);
        return f(gradOutputs);
    }

    internal override void Release()
    {
        backward = null;
        foreach (var s in Saved) s.Release();
    }

    /// <summary>The saved tensors' shapes (for the graph picture).</summary>
    internal IEnumerable<SavedTensor> SavedTensors => Saved;
}

/// <summary>The node that stores a leaf tensor's gradient into its <c>.grad</c>.</summary>
public sealed class AccumulateGrad : Node
{
    internal readonly Tensor Variable;
    internal AccumulateGrad(Tensor variable) { Variable = variable; }
    public override string name() => "torch::autograd::AccumulateGrad";
    /// <summary>The leaf tensor this node accumulates into.</summary>
    public Tensor variable => Variable;

    internal override Tensor?[] Apply(Tensor?[] gradOutputs)
    {
        var g = gradOutputs[0];
        if (g is null) return [];
        foreach (var h in Variable.Hooks) g = h(g) ?? g;
        if (Variable.grad is null)
            Variable.grad = GradMode.IsEnabled ? g : g.detach().clone();
        else if (GradMode.IsEnabled)
            Variable.grad = Variable.grad + g;
        else
            Variable.grad.AccumulateInPlace(g);
        foreach (var h in Variable.PostAccumulateHooks) h(Variable);
        return [];
    }
}

internal static class Errors
{
    internal const string BackwardTwice =
        "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.";
}

namespace Flint.Autograd;

/// <summary>
/// How ops record history. An op computes its result with no autograd knowledge, then — only when grad mode is
/// on and an input requires grad — records a node holding its backward formula and the values it saved.
/// </summary>
internal static class Recording
{
    internal static bool Needs(Tensor a) => GradMode.IsEnabled && a.requires_grad;
    internal static bool Needs(Tensor a, Tensor b) => GradMode.IsEnabled && (a.requires_grad || b.requires_grad);
    internal static bool Needs(params Tensor[] inputs)
    {
        if (!GradMode.IsEnabled) return false;
        foreach (var t in inputs) if (t.requires_grad) return true;
        return false;
    }

    /// <summary>The edge a gradient for <paramref name="t"/> travels along, or null when it needs none.</summary>
    internal static Edge? EdgeOf(Tensor t)
    {
        if (!t.requires_grad) return null;
        if (t.grad_fn is { } fn) return new Edge(fn, t.OutputNr);
        return new Edge(t.GradAccumulator(), 0);
    }

    /// <summary>
    /// Records a single-output op. <paramref name="backward"/> maps the output gradient to one gradient per input
    /// (null for inputs that get none). <paramref name="saved"/> are checked against in-place changes.
    /// </summary>
    internal static Tensor Record(Tensor result, string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward, params Tensor[] saved)
    {
        if (!Needs(inputs)) return result;
        var node = new FunctionNode(name, backward);
        Connect(node, inputs, saved, result);
        Attach(result, node, 0);
        return result;
    }

    /// <summary>
    /// Computes an op's value with history off (its internal steps are not part of the graph), then records it as
    /// one node named <paramref name="name"/>. <paramref name="backward"/> gets (grad_output, output).
    /// </summary>
    internal static Tensor Op(string name, Tensor[] inputs, Func<Tensor> compute, Func<Tensor, Tensor, Tensor?[]> backward)
    {
        if (!Needs(inputs)) return compute();
        Tensor r;
        using (new GradModeScope(false)) r = compute();
        if (!r.dtype.is_floating_point) return r;
        return Record(r, name, inputs, g => backward(g, r));
    }

    /// <summary>A placeholder input for an absent optional operand: its edge is None, as PyTorch shows it.</summary>
    internal static readonly Tensor Undefined = MakeUndefined();

    // never an inference tensor, whichever mode first touches it
    private static Tensor MakeUndefined()
    {
        var t = Tensor.Empty([0], DType.Float32, Device.CPU);
        t._storage.IsInference = false;
        return t;
    }

    /// <summary>Records an op with several outputs; null output gradients are passed as null.</summary>
    internal static Tensor[] RecordMulti(Tensor[] results, string name, Tensor[] inputs, Func<Tensor?[], Tensor?[]> backward, params Tensor[] saved)
    {
        if (!Needs(inputs)) return results;
        var node = new FunctionNode(name, backward);
        Connect(node, inputs, saved, null);
        node.NumOutputs = results.Length;
        for (int i = 0; i < results.Length; i++)
            if (results[i].dtype.is_floating_point) Attach(results[i], node, i);
        return results;
    }

    /// <summary>
    /// Records an in-place op on <paramref name="self"/>: the new node takes self's previous history as its first
    /// input, and self's history is rebased onto it (as PyTorch does for in-place ops on non-leaves).
    /// </summary>
    internal static Tensor RecordInPlace(Tensor self, Tensor?[] previousAndOthers, string name, Func<Tensor, Tensor?[]> backward, Edge? selfEdge, params Tensor[] saved)
    {
        var node = new FunctionNode(name, backward);
        var edges = new Edge?[previousAndOthers.Length];
        edges[0] = selfEdge;
        for (int i = 1; i < previousAndOthers.Length; i++) edges[i] = previousAndOthers[i] is { } t ? EdgeOf(t) : null;
        node.NextEdges = edges;
        node.Saved = Save(saved, null);
        if (AnomalyMode.Enabled) node.AnomalyTrace = AnomalyMode.Trace();
        Attach(self, node, 0);
        return self;
    }

    /// <summary>Gives a new node its edges (one per input), its saved tensors and, in anomaly mode, its creation trace.</summary>
    internal static void Connect(FunctionNode node, Tensor[] inputs, Tensor[] saved, Tensor? output)
    {
        var edges = new Edge?[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) edges[i] = EdgeOf(inputs[i]);
        node.NextEdges = edges;
        node.Saved = Save(saved, output);
        if (AnomalyMode.Enabled) node.AnomalyTrace = AnomalyMode.Trace();
    }

    private static SavedTensor[] Save(Tensor[] saved, Tensor? output)
    {
        if (saved.Length == 0) return [];
        var r = new SavedTensor[saved.Length];
        for (int i = 0; i < saved.Length; i++) r[i] = new SavedTensor(saved[i], ReferenceEquals(saved[i], output));
        return r;
    }

    internal static void Attach(Tensor t, Node node, int outputNr)
    {
        t.SetHistory(node, outputNr);
    }

    /// <summary>Reduces a broadcast gradient back to <paramref name="shape"/> by summing the expanded dims.</summary>
    internal static Tensor SumToShape(Tensor grad, long[] shape)
    {
        if (grad._shape.AsSpan().SequenceEqual(shape)) return grad;
        int lead = grad.ndim - shape.Length;
        Span<long> buf = stackalloc long[grad.ndim];
        int count = 0;
        for (int i = 0; i < grad.ndim; i++)
        {
            if (i < lead) buf[count++] = i;
            else if (shape[i - lead] == 1 && grad._shape[i] != 1) buf[count++] = i;
        }
        var r = count > 0 ? grad.sum(buf[..count].ToArray(), keepdim: true) : grad;
        if (lead > 0) r = r.reshape(shape);
        return r.ndim == shape.Length && r._shape.AsSpan().SequenceEqual(shape) ? r : r.reshape(shape);
    }
}

/// <summary>Anomaly detection: records each op's creation trace and names the op whose backward produced NaN.</summary>
internal static class AnomalyMode
{
    internal static bool Enabled;

    /// <summary>The current stack without autograd's own frames: its top frame is the forward op (Flint.torch.sqrt, say).</summary>
    internal static string Trace() => string.Join("\n", Environment.StackTrace.Split('\n')
        .Select(l => l.TrimEnd('\r'))
        .Where(l => !l.Contains(" System.Environment.") && !l.Contains(" Flint.Autograd.")));
}

/// <summary>Restores the previous anomaly mode when disposed: <c>using (torch.autograd.detect_anomaly()) { ... }</c>.</summary>
public sealed class AnomalyModeScope : IDisposable
{
    private readonly bool previous;
    private bool disposed;
    internal AnomalyModeScope(bool enabled) { previous = AnomalyMode.Enabled; AnomalyMode.Enabled = enabled; }
    /// <inheritdoc/>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        AnomalyMode.Enabled = previous;
    }
}

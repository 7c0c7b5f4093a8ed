namespace Flint.Autograd;

/// <summary>
/// Runs backward: finds every node reachable from the roots, then calls them in dependency order (each node
/// after all nodes that feed it a gradient), summing gradients that meet at a node.
/// </summary>
internal static class Engine
{
    /// <summary>
    /// Propagates <paramref name="grads"/> from <paramref name="roots"/>. When <paramref name="capture"/> is given,
    /// gradients arriving at those edges are returned instead of being accumulated into leaves.
    /// </summary>
    internal static Tensor?[]? Run(Tensor[] roots, Tensor[] grads, bool retainGraph, bool createGraph, Edge[]? capture, bool accumulate)
    {
        var rootEdges = new (Edge edge, Tensor grad)[roots.Length];
        for (int i = 0; i < roots.Length; i++)
        {
            var e = Recording.EdgeOf(roots[i]);
            if (e is null)
                throw new InvalidOperationException($"element {i} of tensors does not require grad and does not have a grad_fn");
            rootEdges[i] = (e.Value, grads[i]);
        }
        if (capture is null && RunOwned(rootEdges, retainGraph, createGraph, accumulate)) return null;
        return RunShared(rootEdges, retainGraph, createGraph, capture, accumulate);
    }

    /// <summary>
    /// The usual backward (no captured edges): the run keeps its bookkeeping on the nodes themselves (dependency
    /// count, gradient buffer), which needs no dictionaries. Each node is claimed for the run first; when a node
    /// already belongs to another run (a backward inside a hook, or on another thread over shared leaves),
    /// nothing has been computed yet and this returns false, so the caller takes <see cref="RunShared"/>.
    /// </summary>
    private static bool RunOwned((Edge edge, Tensor grad)[] rootEdges, bool retainGraph, bool createGraph, bool accumulate)
    {
        // the node and ready lists are reused by the next run on this thread (a nested run makes its own)
        var nodes = spareNodes ?? new List<Node>();
        var ready = spareReady ?? new List<Node>();
        spareNodes = null; spareReady = null;
        int mode = -1;
        var ownership = GradOwnership.Begin();
        try
        {
            // discover every reachable node (claiming it) and count the edges pointing at each
            foreach (var (e, _) in rootEdges)
                if (!Claim(e.Node, nodes)) return false;
            for (int k = 0; k < nodes.Count; k++)
            {
                foreach (var ne in nodes[k].NextEdges)
                {
                    if (ne is not { } e) continue;
                    if (!Claim(e.Node, nodes)) return false;
                    e.Node.EngineDeps++;
                }
            }
            foreach (var (e, g) in rootEdges) Deliver(e, g);

            // ready: nodes whose dependencies are all satisfied, latest-created first (as PyTorch orders by sequence
            // number); kept sorted by sequence number, the next node at the end
            foreach (var n in nodes) if (n.EngineDeps == 0) Enqueue(ready, n);

            mode = GradMode.BeginThreadMode(createGraph);
            while (ready.Count > 0)
            {
                var node = ready[^1];
                ready.RemoveAt(ready.Count - 1);
                var inputs = node.EngineBuffer ?? new Tensor?[node.NumOutputs];
                node.EngineBuffer = null;

                if (node.TensorPreHooks is { } hooks)
                    foreach (var (o, h) in hooks)
                        if (o < inputs.Length && inputs[o] is { } gi)
                        {
                            // the hook sees the gradient (and may keep it): neither it nor what it returns is stolen
                            GradOwnership.Escape(gi);
                            if (h(gi) is { } replaced) { AutogradHooks.CheckHookResult(gi, replaced, h); inputs[o] = replaced; }
                            GradOwnership.Escape(inputs[o]!);
                        }

                Tensor?[] outs;
                if (node is AccumulateGrad)
                {
                    outs = [];
                    if (accumulate) node.Apply(inputs);
                }
                else
                {
                    outs = node.Apply(inputs);
                    if (AnomalyMode.Enabled) CheckNaN(node, outs);
                    if (!retainGraph) node.Release();
                }
                foreach (var gi in inputs) if (gi is not null) GradOwnership.Release(gi);

                var next = node.NextEdges;
                for (int i = 0; i < next.Length; i++)
                {
                    if (next[i] is not { } e) continue;
                    if (i < outs.Length && outs[i] is { } g) Deliver(e, g);
                    if (--e.Node.EngineDeps == 0) Enqueue(ready, e.Node);
                }
            }
            return true;
        }
        finally
        {
            if (mode >= 0) GradMode.EndThreadMode(mode);
            GradOwnership.End(ownership);
            foreach (var n in nodes) { n.EngineDeps = 0; n.EngineBuffer = null; n.EngineOwner = null; }
            if (nodes.Count <= 1024)
            {
                nodes.Clear(); ready.Clear();
                spareNodes = nodes; spareReady = ready;
            }
        }
    }

    [ThreadStatic] private static List<Node>? spareNodes, spareReady;

    /// <summary>Claims <paramref name="n"/> for the run that owns <paramref name="nodes"/>; false when another run holds it.</summary>
    private static bool Claim(Node n, List<Node> nodes)
    {
        var owner = Interlocked.CompareExchange(ref n.EngineOwner, nodes, null);
        if (owner is null) { nodes.Add(n); return true; }
        return ReferenceEquals(owner, nodes);
    }

    private static void Deliver(Edge e, Tensor g)
    {
        var n = e.Node;
        var buf = n.EngineBuffer ??= new Tensor?[Math.Max(n.NumOutputs, e.InputNr + 1)];
        if (buf[e.InputNr] is { } prev)
        {
            var sum = prev + g;
            GradOwnership.Release(prev);
            GradOwnership.Hold(sum);
            buf[e.InputNr] = sum;
        }
        else
        {
            GradOwnership.Hold(g);
            buf[e.InputNr] = g;
        }
    }

    private static void Enqueue(List<Node> ready, Node n)
    {
        int i = ready.Count;
        while (i > 0 && ready[i - 1].SequenceNr > n.SequenceNr) i--;
        ready.Insert(i, n);
    }

    /// <summary>The general backward: bookkeeping in dictionaries local to the run (also gathers captured gradients).</summary>
    private static Tensor?[]? RunShared((Edge edge, Tensor grad)[] rootEdges, bool retainGraph, bool createGraph, Edge[]? capture, bool accumulate)
    {
        // this run hands gradients back to its caller: nothing in it is stolen into a .grad
        var ownership = GradOwnership.Suspend();
        try { return RunSharedCore(rootEdges, retainGraph, createGraph, capture, accumulate); }
        finally { GradOwnership.End(ownership); }
    }

    private static Tensor?[]? RunSharedCore((Edge edge, Tensor grad)[] rootEdges, bool retainGraph, bool createGraph, Edge[]? capture, bool accumulate)
    {

        // dependencies: how many edges point at each node
        var deps = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Node>();
        foreach (var (e, _) in rootEdges) if (seen.Add(e.Node)) stack.Push(e.Node);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            foreach (var ne in n.NextEdges)
            {
                if (ne is not { } e) continue;
                deps[e.Node] = deps.GetValueOrDefault(e.Node) + 1;
                if (seen.Add(e.Node)) stack.Push(e.Node);
            }
        }

        Dictionary<Edge, int>? captureIndex = null;
        Tensor?[]? captured = null;
        if (capture is not null)
        {
            captureIndex = new Dictionary<Edge, int>();
            for (int i = 0; i < capture.Length; i++) captureIndex.TryAdd(capture[i], i);
            captured = new Tensor?[capture.Length];
        }

        var buffers = new Dictionary<Node, Tensor?[]>(ReferenceEqualityComparer.Instance);
        void Add(Edge e, Tensor g)
        {
            if (!buffers.TryGetValue(e.Node, out var buf)) buffers[e.Node] = buf = new Tensor?[Math.Max(e.Node.NumOutputs, e.InputNr + 1)];
            buf[e.InputNr] = buf[e.InputNr] is { } prev ? prev + g : g;
        }
        foreach (var (e, g) in rootEdges) Add(e, g);

        // ready: nodes whose dependencies are all satisfied, latest-created first (as PyTorch orders by sequence number)
        var ready = new PriorityQueue<Node, long>();
        foreach (var n in seen) if (!deps.ContainsKey(n)) ready.Enqueue(n, -n.SequenceNr);

        using var mode = new GradModeScope(createGraph);
        while (ready.Count > 0)
        {
            var node = ready.Dequeue();
            var inputs = buffers.GetValueOrDefault(node) ?? new Tensor?[node.NumOutputs];
            buffers.Remove(node);

            if (node.TensorPreHooks is { } hooks)
                foreach (var (o, h) in hooks)
                    if (o < inputs.Length && inputs[o] is { } gi && h(gi) is { } replaced)
                    {
                        AutogradHooks.CheckHookResult(gi, replaced, h);
                        inputs[o] = replaced;
                    }

            bool isCaptured = false;
            if (captureIndex is not null)
                for (int o = 0; o < inputs.Length; o++)
                    if (captureIndex.TryGetValue(new Edge(node, o), out int ci) && inputs[o] is { } cg)
                    { captured![ci] = captured[ci] is { } p ? p + cg : cg; isCaptured = true; }

            Tensor?[] outs;
            if (node is AccumulateGrad)
            {
                outs = [];
                if (accumulate && !isCaptured) node.Apply(inputs);
            }
            else
            {
                outs = node.Apply(inputs);
                if (AnomalyMode.Enabled) CheckNaN(node, outs);
                if (!retainGraph) node.Release();
            }

            for (int i = 0; i < node.NextEdges.Length; i++)
            {
                if (node.NextEdges[i] is not { } e) continue;
                if (i < outs.Length && outs[i] is { } g) Add(e, g);
                int left = deps[e.Node] - 1;
                deps[e.Node] = left;
                if (left == 0) ready.Enqueue(e.Node, -e.Node.SequenceNr);
            }
        }
        return captured;
    }

    private static void CheckNaN(Node node, Tensor?[] outs)
    {
        for (int i = 0; i < outs.Length; i++)
        {
            if (outs[i] is { } g && g.dtype.is_floating_point && g.ToDoubleArray().Any(double.IsNaN))
            {
                // like PyTorch: the message names the node, and a warning shows where its forward op was called
                var e = new InvalidOperationException($"Function '{node.name()}' returned nan values in its {i}th output.");
                if (node.AnomalyTrace is { } t)
                {
                    e.Data["forward_trace"] = t;
                    Console.Error.WriteLine($"Warning: Error detected in {node.name()}. Traceback of forward call that caused the error:\n{t}");
                }
                throw e;
            }
        }
    }
}

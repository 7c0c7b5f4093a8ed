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
    /// Where a run keeps its bookkeeping: how many gradients each node still waits for, the gradients delivered to
    /// it so far, and which nodes are ready. The walk itself (<see cref="Walk{TBook}"/>) is the same for both kinds.
    /// </summary>
    private interface IRunBook
    {
        /// <summary>The slot holding the gradients delivered to <paramref name="node"/> (null until the first).</summary>
        ref Tensor?[]? Buffer(Node node);
        /// <summary>One edge into <paramref name="node"/> has been processed; queues it when it was the last.</summary>
        void Arrived(Node node);
        /// <summary>The next ready node, latest-created first (as PyTorch orders by sequence number).</summary>
        bool TryNext(out Node node);
        /// <summary>Takes the gradients arriving at captured edges of <paramref name="node"/>; true when any were.</summary>
        bool Capture(Node node, Tensor?[] inputs);
        /// <summary>Whether nodes may add gradients into leaves' .grad or the run's sums (<see cref="GradSink"/>): the book is on the nodes.</summary>
        bool OffersSinks { get; }
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
        var book = new OwnedBook(spareNodes ?? new List<Node>(), spareReady ?? new List<Node>());
        spareNodes = null; spareReady = null;
        var nodes = book.Nodes;
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
            foreach (var (e, g) in rootEdges) Deliver(ref book, e, g);
            foreach (var n in nodes) if (n.EngineDeps == 0) book.Enqueue(n);

            mode = GradMode.BeginThreadMode(createGraph);
            Walk(ref book, retainGraph, accumulate);
            return true;
        }
        finally
        {
            if (mode >= 0) GradMode.EndThreadMode(mode);
            GradOwnership.End(ownership);
            foreach (var n in nodes) { n.EngineDeps = 0; n.EngineBuffer = null; n.EngineOwner = null; }
            if (nodes.Count <= 1024)
            {
                nodes.Clear(); book.Ready.Clear();
                spareNodes = nodes; spareReady = book.Ready;
            }
        }
    }

    [ThreadStatic] private static List<Node>? spareNodes, spareReady;

    /// <summary>Bookkeeping on the nodes themselves; the ready list is kept sorted by sequence number, the next node last.</summary>
    private readonly struct OwnedBook(List<Node> nodes, List<Node> ready) : IRunBook
    {
        internal readonly List<Node> Nodes = nodes, Ready = ready;

        public ref Tensor?[]? Buffer(Node node) => ref node.EngineBuffer;

        public void Arrived(Node node) { if (--node.EngineDeps == 0) Enqueue(node); }

        internal void Enqueue(Node n)
        {
            int i = Ready.Count;
            while (i > 0 && Ready[i - 1].SequenceNr > n.SequenceNr) i--;
            Ready.Insert(i, n);
        }

        public bool TryNext(out Node node)
        {
            if (Ready.Count == 0) { node = null!; return false; }
            node = Ready[^1];
            Ready.RemoveAt(Ready.Count - 1);
            return true;
        }

        public bool Capture(Node node, Tensor?[] inputs) => false;

        public bool OffersSinks => true;
    }

    /// <summary>Claims <paramref name="n"/> for the run that owns <paramref name="nodes"/>; false when another run holds it.</summary>
    private static bool Claim(Node n, List<Node> nodes)
    {
        var owner = Interlocked.CompareExchange(ref n.EngineOwner, nodes, null);
        if (owner is null) { nodes.Add(n); return true; }
        return ReferenceEquals(owner, nodes);
    }

    /// <summary>Adds <paramref name="g"/> to what has arrived at <paramref name="e"/>, keeping the run's hold on each gradient.</summary>
    private static void Deliver<TBook>(ref TBook book, Edge e, Tensor g) where TBook : struct, IRunBook
    {
        var n = e.Node;
        ref var slot = ref book.Buffer(n);
        var buf = slot ??= new Tensor?[Math.Max(n.NumOutputs, e.InputNr + 1)];
        if (buf[e.InputNr] is { } prev)
        {
            if (!GradMode.IsEnabled && GradSink.For(n, prev, soleEdge: false) is not null && !g.is_sparse && !ReferenceEquals(g._storage, prev._storage)
                && g.dtype == prev.dtype && g.device == prev.device && g._shape.AsSpan().SequenceEqual(prev._shape))
            {
                // only this run holds the sum: add into it (the bits of prev + g) rather than allocating another
                prev.AccumulateInPlace(g);
                return;
            }
            var sum = prev.is_sparse && !g.is_sparse ? g + prev : prev + g; // sparse + dense is dense + sparse
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

    /// <summary>
    /// The walk every backward run takes: each ready node gets its summed gradients (after its tensor pre-hooks),
    /// runs, is released unless the graph is retained, and passes its outputs along its edges.
    /// </summary>
    private static void Walk<TBook>(ref TBook book, bool retainGraph, bool accumulate) where TBook : struct, IRunBook
    {
        while (book.TryNext(out var node))
        {
            ref var slot = ref book.Buffer(node);
            var inputs = slot ?? new Tensor?[node.NumOutputs];
            slot = null;

            if (node.TensorPreHooks is { } hooks)
                foreach (var (o, h) in hooks)
                    if (o < inputs.Length && inputs[o] is { } gi)
                    {
                        // the hook sees the gradient (and may keep it): neither it nor what it returns is stolen
                        GradOwnership.Escape(gi);
                        if (h(gi) is { } replaced) { AutogradHooks.CheckHookResult(gi, replaced, h); inputs[o] = replaced; }
                        GradOwnership.Escape(inputs[o]!);
                    }

            bool captured = book.Capture(node, inputs);
            Tensor?[] outs;
            if (node is AccumulateGrad)
            {
                outs = [];
                if (accumulate && !captured)
                {
                    if (Profiler.Recorder.Active) ProfiledApply(node, inputs);
                    else node.Apply(inputs);
                }
            }
            else
            {
                var previous = GradSink.Offer(book.OffersSinks && accumulate && !AnomalyMode.Enabled && !GradMode.IsEnabled ? Sinks(node) : null);
                try { outs = Profiler.Recorder.Active ? ProfiledApply(node, inputs) : node.Apply(inputs); }
                finally { GradSink.Restore(previous); }
                if (AnomalyMode.Enabled) CheckNaN(node, outs);
                if (!retainGraph) node.Release();
            }
            foreach (var gi in inputs) if (gi is not null) GradOwnership.Release(gi);

            var next = node.NextEdges;
            for (int i = 0; i < next.Length; i++)
            {
                if (next[i] is not { } e) continue;
                if (i < outs.Length && outs[i] is { } g) Deliver(ref book, e, g);
                book.Arrived(e.Node);
            }
        }
    }

    /// <summary>
    /// What <paramref name="node"/> may add its input gradients into (see <see cref="GradSink"/>), per edge; null
    /// when nothing is offered. Each tensor is offered to one edge at most.
    /// </summary>
    private static Tensor?[]? Sinks(Node node)
    {
        Tensor?[]? sinks = null;
        var next = node.NextEdges;
        for (int i = 0; i < next.Length; i++)
        {
            if (next[i] is not { } e) continue;
            var buf = e.Node.EngineBuffer;
            var pending = buf is not null && e.InputNr < buf.Length ? buf[e.InputNr] : null;
            if (GradSink.For(e.Node, pending, soleEdge: e.Node.EngineDeps == 1) is not { } t) continue;
            sinks ??= new Tensor?[next.Length];
            if (Array.IndexOf(sinks, t) < 0) sinks[i] = t;
        }
        return sinks;
    }

    /// <summary>
    /// The general backward: bookkeeping in dictionaries local to the run, so nodes another run holds can take part
    /// (a backward inside a hook, or on another thread), and gradients at captured edges are gathered for the caller.
    /// </summary>
    private static Tensor?[]? RunShared((Edge edge, Tensor grad)[] rootEdges, bool retainGraph, bool createGraph, Edge[]? capture, bool accumulate)
    {
        // this run hands gradients back to its caller: nothing in it is stolen into a .grad
        var ownership = GradOwnership.Suspend();
        try
        {
            var book = new SharedBook(capture);
            // dependencies: how many edges point at each node
            var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance);
            var stack = new Stack<Node>();
            foreach (var (e, _) in rootEdges) if (seen.Add(e.Node)) stack.Push(e.Node);
            while (stack.Count > 0)
            {
                var n = stack.Pop();
                foreach (var ne in n.NextEdges)
                {
                    if (ne is not { } e) continue;
                    book.Deps[e.Node] = book.Deps.GetValueOrDefault(e.Node) + 1;
                    if (seen.Add(e.Node)) stack.Push(e.Node);
                }
            }
            foreach (var (e, g) in rootEdges) Deliver(ref book, e, g);
            foreach (var n in seen) if (!book.Deps.ContainsKey(n)) book.Ready.Enqueue(n, -n.SequenceNr);

            using var mode = new GradModeScope(createGraph);
            Walk(ref book, retainGraph, accumulate);
            return book.Captured;
        }
        finally { GradOwnership.End(ownership); }
    }

    /// <summary>Bookkeeping in dictionaries local to the run, with the gradients gathered at captured edges.</summary>
    private readonly struct SharedBook : IRunBook
    {
        internal readonly Dictionary<Node, int> Deps = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<Node, Tensor?[]?> buffers = new(ReferenceEqualityComparer.Instance);
        internal readonly PriorityQueue<Node, long> Ready = new();
        private readonly Dictionary<Edge, int>? captureIndex;
        internal readonly Tensor?[]? Captured;

        internal SharedBook(Edge[]? capture)
        {
            if (capture is null) return;
            captureIndex = new Dictionary<Edge, int>();
            for (int i = 0; i < capture.Length; i++) captureIndex.TryAdd(capture[i], i);
            Captured = new Tensor?[capture.Length];
        }

        public ref Tensor?[]? Buffer(Node node) => ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(buffers, node, out _);

        public void Arrived(Node node)
        {
            int left = Deps[node] - 1;
            Deps[node] = left;
            if (left == 0) Ready.Enqueue(node, -node.SequenceNr);
        }

        public bool TryNext(out Node node) => Ready.TryDequeue(out node!, out _);

        public bool OffersSinks => false;

        public bool Capture(Node node, Tensor?[] inputs)
        {
            if (captureIndex is null) return false;
            bool any = false;
            for (int o = 0; o < inputs.Length; o++)
                if (captureIndex.TryGetValue(new Edge(node, o), out int ci) && inputs[o] is { } cg)
                { Captured![ci] = Captured[ci] is { } p ? p + cg : cg; any = true; }
            return any;
        }
    }

    /// <summary>A node's backward as PyTorch's profiler shows it: "autograd::engine::evaluate_function: MulBackward0" around "MulBackward0".</summary>
    private static Tensor?[] ProfiledApply(Node node, Tensor?[] inputs)
    {
        string name = node.name();
        using (Profiler.Recorder.Begin("autograd::engine::evaluate_function: " + name))
        using (Profiler.Recorder.Begin(name))
            return node.Apply(inputs);
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

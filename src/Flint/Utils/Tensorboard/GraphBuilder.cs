using System.Text.RegularExpressions;
using Flint.Autograd;
using static Flint.torch;

namespace Flint.Tensorboard;

/// <summary>One node of the graph TensorBoard draws (a NodeDef): its name (scopes joined by "/"), op and inputs.</summary>
internal sealed record GraphNode(string Name, string Op, IReadOnlyList<string> Inputs, long[]? Shape, string Attr);

/// <summary>
/// The graph of one forward, as PyTorch's add_graph lays it out (torch/utils/tensorboard/_pytorch_graph.py), built
/// without a tracer: the forward runs on the meta device with every floating-point input requiring grad, so each op
/// leaves a node in the autograd graph, and forward hooks on every module tell which ops ran inside which module.
/// Nodes are named by module scope as PyTorch names them ("NeuralNetwork/Sequential[linear_relu_stack]/Linear[0]/..."):
/// an "IO Node" per input ("input/x", after the forward's parameter) and output ("output/output.1"), a
/// "prim::GetAttr" node per parameter used ("&lt;module scope&gt;/weight/weight"), and a node per op named after the
/// op of its autograd node (AddmmBackward0 gives "Addmm"), in the order the forward ran them. A module's ops are those
/// between its inputs and outputs not already claimed by a submodule; ops outside every submodule belong to the model.
/// </summary>
internal static partial class GraphBuilder
{
    [GeneratedRegex("Backward[0-9]*$")]
    private static partial Regex BackwardSuffix();

    public static List<GraphNode> Build(nn.Module model, IReadOnlyList<Tensor> inputs)
    {
        string root = model.GetName();
        var scopes = new Dictionary<string, string>();
        var scopeOf = new Dictionary<nn.Module, string>(ReferenceEqualityComparer.Instance);
        var paramNames = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        foreach (var (path, m) in model.named_modules())
        {
            int dot = path.LastIndexOf('.');
            string scope = path.Length == 0 ? root : scopes[dot < 0 ? "" : path[..dot]] + "/" + m.GetName() + "[" + path[(dot + 1)..] + "]";
            scopes[path] = scope;
            scopeOf[m] = scope;
            foreach (var (name, p) in m.named_parameters(recurse: false)) paramNames.TryAdd(p, scope + "/" + name + "/" + name);
        }

        var calls = new List<(string scope, Tensor[] args, Tensor[] outputs)>();
        var handles = scopeOf.Keys.Select(m => m.register_forward_hook((module, args, output) =>
            calls.Add((scopeOf[module], MetaForward.Tensors(args).ToArray(), MetaForward.Tensors(output).ToArray())))).ToList();
        Tensor[] metaInputs = [], outputs;
        bool training = model.training;
        try
        {
            model.eval();
            using var _ = enable_grad();
            handles.Add(model.register_forward_pre_hook((_, args) => { metaInputs = MetaForward.Tensors(args).ToArray(); return null; }));
            outputs = MetaForward.Tensors(MetaForward.Run(model, inputs, trackInputs: true)).ToArray();
        }
        finally
        {
            foreach (var h in handles) h.remove();
            model.train(training);
        }

        // each call claims the ops between its inputs and its outputs that no submodule (which finished first) claimed
        var owner = new Dictionary<Node, string>(ReferenceEqualityComparer.Instance);
        var shapes = new Dictionary<Node, long[]>(ReferenceEqualityComparer.Instance);
        foreach (var (scope, args, outs) in calls)
        {
            var stop = new HashSet<Node>(args.Select(a => a.grad_fn).OfType<Node>(), ReferenceEqualityComparer.Instance);
            foreach (var o in outs)
                if (o.grad_fn is { } fn)
                {
                    shapes.TryAdd(fn, o.shape.ToArray());
                    Claim(fn, scope, stop, owner);
                }
        }

        var names = new Dictionary<Node, string>(ReferenceEqualityComparer.Instance);
        var used = new HashSet<string>();
        var nodes = new List<GraphNode>();
        var inputNames = MetaForward.ForwardParameterNames(model, inputs.Count);
        var leafNames = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < metaInputs.Length; i++)
        {
            leafNames[metaInputs[i]] = "input/" + inputNames[i];
            nodes.Add(new GraphNode("input/" + inputNames[i], "IO Node", [], metaInputs[i].shape.ToArray(), ""));
        }
        for (int i = 0; i < outputs.Length; i++)
        {
            string source = outputs[i].grad_fn is { } fn && owner.ContainsKey(fn) ? NodeName(fn) : leafNames.GetValueOrDefault(outputs[i], "");
            nodes.Add(new GraphNode($"output/output.{i + 1}", "IO Node", source.Length > 0 ? [source] : [], outputs[i].shape.ToArray(), ""));
        }
        var emittedParams = new HashSet<string>();
        foreach (var node in owner.Keys.OrderBy(n => n.SequenceNr))
        {
            var edges = new List<string>();
            foreach (var (next, _) in node.next_functions)
            {
                if (next is AccumulateGrad acc)
                {
                    if (paramNames.TryGetValue(acc.variable, out var p))
                    {
                        if (emittedParams.Add(p))
                            nodes.Add(new GraphNode(p, "prim::GetAttr", [], null, "{ name :  " + p[(p.LastIndexOf('/') + 1)..] + " }"));
                        edges.Add(p);
                    }
                    else if (leafNames.TryGetValue(acc.variable, out var input)) edges.Add(input);
                }
                else if (next is not null && owner.ContainsKey(next)) edges.Add(NodeName(next));
            }
            nodes.Add(new GraphNode(NodeName(node), OpName(node), edges, shapes.GetValueOrDefault(node), "{}"));
        }
        return nodes;

        string NodeName(Node n)
        {
            if (names.TryGetValue(n, out var name)) return name;
            string stem = owner[n] + "/" + OpName(n);
            name = stem;
            for (int k = 1; !used.Add(name); k++) name = stem + "." + k;
            return names[n] = name;
        }
    }

    /// <summary>The op of an autograd node: its name without the "Backward0" suffix (AddmmBackward0: Addmm).</summary>
    private static string OpName(Node n) => BackwardSuffix().Replace(n.name(), "");

    private static void Claim(Node start, string scope, HashSet<Node> stop, Dictionary<Node, string> owner)
    {
        // through the ops a submodule claimed (they stay its own) to the ones before it, up to this call's inputs
        var pending = new Stack<Node>();
        var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        pending.Push(start);
        while (pending.Count > 0)
        {
            var n = pending.Pop();
            if (n is AccumulateGrad || stop.Contains(n) || !seen.Add(n)) continue;
            owner.TryAdd(n, scope);
            foreach (var (next, _) in n.next_functions)
                if (next is not null) pending.Push(next);
        }
    }
}

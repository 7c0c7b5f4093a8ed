using System.Text;
using Flint.Autograd;

namespace Flint;

public static partial class torch
{
    public static partial class autograd
    {
        /// <summary>
        /// The backward graph that produces <paramref name="tensor"/>'s gradient, as Graphviz DOT text (render with
        /// <c>dot -Tpng</c>): one box per node with its name and saved tensors, leaves with their shapes.
        /// </summary>
        public static string to_dot(Tensor tensor, IReadOnlyDictionary<string, Tensor>? @params = null)
        {
            var names = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
            if (@params is not null) foreach (var (k, v) in @params) names[v] = k;
            var sb = new StringBuilder();
            sb.AppendLine("digraph {");
            sb.AppendLine("  graph [size=\"12,12\"]");
            sb.AppendLine("  node [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 shape=box style=filled]");
            var ids = new Dictionary<Node, string>(ReferenceEqualityComparer.Instance);
            string Id(Node n) => ids.TryGetValue(n, out var id) ? id : ids[n] = "n" + ids.Count;
            string Esc(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

            sb.AppendLine($"  out [label=\"{Esc(new Size(tensor._shape).ToString())}\" fillcolor=darkolivegreen1]");
            if (tensor.grad_fn is null) { sb.AppendLine("}"); return sb.ToString(); }
            var stack = new Stack<Node>();
            var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance);
            stack.Push(tensor.grad_fn); seen.Add(tensor.grad_fn);
            sb.AppendLine($"  {Id(tensor.grad_fn)} -> out");
            while (stack.Count > 0)
            {
                var n = stack.Pop();
                if (n is AccumulateGrad ag)
                {
                    string label = (names.TryGetValue(ag.Variable, out var nm) ? nm + "\n" : "") + new Size(ag.Variable._shape);
                    sb.AppendLine($"  {Id(n)} [label=\"{Esc(label)}\" fillcolor=lightblue]");
                }
                else
                {
                    var label = new StringBuilder(n.name());
                    if (n is FunctionNode fn)
                        foreach (var s in fn.SavedTensors) label.Append("\nsaved: ").Append(s.Describe);
                    sb.AppendLine($"  {Id(n)} [label=\"{Esc(label.ToString())}\" fillcolor=lightgrey]");
                }
                foreach (var e in n.NextEdges)
                {
                    if (e is not { } edge) continue;
                    sb.AppendLine($"  {Id(edge.Node)} -> {Id(n)}");
                    if (seen.Add(edge.Node)) stack.Push(edge.Node);
                }
            }
            sb.AppendLine("}");
            return sb.ToString();
        }
    }
}

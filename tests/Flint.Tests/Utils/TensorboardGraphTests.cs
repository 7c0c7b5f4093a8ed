using System.Text.Json;
using Flint;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;
using SummaryWriter = Flint.torch.utils.tensorboard.SummaryWriter;

namespace Flint.Tests.Utils;

/// <summary>
/// SummaryWriter.add_graph: the event file is read back (TFRecord CRCs checked) and its GraphDef decoded with the
/// field numbers of TensorBoard's graph.proto, node_def.proto, attr_value.proto and tensor_shape.proto, then compared
/// with the GraphDef PyTorch 1.13's add_graph builds for the same models (References/tensorboard_graph.json,
/// tools/refs/gen_tensorboard_graph.py). PyTorch traces with the JIT (aten:: ops, constants); Flint builds the graph
/// from the autograd graph of one forward, so the comparison is of structure: the input and output nodes and their
/// shapes, the module scopes of the parameter and op nodes, the edges between scopes, and the output shape of each
/// module.
/// </summary>
[Collection("GlobalGenerator")]
public sealed class TensorboardGraphTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("flint-tb-graph-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(dir, true); } catch (IOException) { }
    }

    private sealed class NeuralNetwork : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> flatten = nn.Flatten();
        private readonly nn.Module<Tensor, Tensor> linear_relu_stack = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2));

        public override Tensor forward(Tensor x) => linear_relu_stack.call(flatten.call(x));
    }

    private static nn.Module Model(string name) => name == "mlp"
        ? new NeuralNetwork()
        : nn.Sequential(nn.Conv2d(1, 2, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(2 * 2 * 2, 3));

    /// <summary>A decoded NodeDef.</summary>
    private sealed record Node(string Name, string Op, string[] Inputs, long[][]? Shapes, string? Attr)
    {
        public string Scope => Name[..Name.LastIndexOf('/')];
    }

    private static Node Decode(Pb n)
    {
        string? attr = null;
        long[][]? shapes = null;
        foreach (var entry in n.Msgs(5))
        {
            var value = entry.Msg(2);
            switch (entry.Str(1))
            {
                case "attr": attr = value.Has(2) ? value.Str(2) : ""; break;
                case "_output_shapes":
                    shapes = value.Msg(1).Msgs(7).Select(s => s.Msgs(2).Select(d => d.Int(1)).ToArray()).ToArray();
                    break;
                default: Assert.Fail("unexpected attr " + entry.Str(1)); break;
            }
        }
        return new Node(n.Str(1), n.Str(2), n.Strs(3), shapes, attr);
    }

    private static Node Recorded(JsonElement n) => new(
        n.GetProperty("name").GetString()!, n.GetProperty("op").GetString()!,
        n.GetProperty("input").EnumerateArray().Select(x => x.GetString()!).ToArray(),
        n.GetProperty("shapes").ValueKind == JsonValueKind.Null ? null
            : n.GetProperty("shapes").EnumerateArray().Select(s => s.EnumerateArray().Select(d => d.GetInt64()).ToArray()).ToArray(),
        n.GetProperty("attr").GetString());

    private static readonly string[] Plumbing = ["IO Node", "prim::GetAttr", "prim::Constant", "prim::ListConstruct"];

    /// <summary>Input and output node names without the tracer's ".N" suffix ("input/input.1": "input/input").</summary>
    private static string IoName(string name) => System.Text.RegularExpressions.Regex.Replace(name, @"\.\d+$", "");

    private static string Shape(long[][]? s) => s is null ? "-" : string.Join(";", s.Select(d => "[" + string.Join(",", d) + "]"));

    /// <summary>The edges between scopes (within a scope they are the tracer's or the autograd graph's own detail).</summary>
    private static SortedSet<string> ScopeEdges(List<Node> nodes)
    {
        var byName = nodes.ToDictionary(n => n.Name);
        var edges = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var n in nodes)
            foreach (var input in n.Inputs)
                if (byName.TryGetValue(input, out var from) && from.Scope != n.Scope)
                    edges.Add(IoScope(from) + " -> " + IoScope(n));
        return edges;
    }

    private static string IoScope(Node n) => n.Op == "IO Node" ? IoName(n.Name) : n.Scope;

    public static TheoryData<string> Cases => Reference.CaseNames("tensorboard_graph");

    [Theory]
    [MemberData(nameof(Cases))]
    public void GraphMatchesPyTorchsStructure(string name)
    {
        var c = Reference.Case("tensorboard_graph", name);
        var expected = c.GetProperty("nodes").EnumerateArray().Select(Recorded).ToList();
        var shape = c.GetProperty("input_shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        var model = Model(name);
        using (var w = new SummaryWriter(dir))
            w.add_graph(model, torch.rand(shape));

        var events = EventFileReader.Events(EventFileReader.SingleEventFile(dir));
        Assert.Equal(3, events.Count);   // file version, graph, run metadata
        var graphEvent = events[1];
        Assert.Equal([1, 4], graphEvent.FieldNumbers);   // wall_time, graph_def (no step)
        var graph = Pb.Parse(graphEvent.Bytes(4));
        Assert.Equal(c.GetProperty("producer").GetInt64(), graph.Msg(4).Int(1));
        var meta = events[2];
        Assert.Equal([1, 8], meta.FieldNumbers);
        Assert.Equal("step1", meta.Msg(8).Str(1));
        var run = Pb.Parse(meta.Msg(8).Bytes(2));
        Assert.Equal(c.GetProperty("device").GetString(), run.Msg(1).Msg(1).Str(1));

        var actual = graph.Msgs(1).Select(Decode).ToList();
        Assert.Equal(actual.Count, actual.Select(n => n.Name).Distinct().Count());
        // every input of every node is a node of the graph
        Assert.All(actual, n => Assert.All(n.Inputs, i => Assert.Contains(i, actual.Select(x => x.Name))));

        // the IO nodes: names (less the tracer's suffix), shapes, and what feeds the output
        string Io(List<Node> nodes) => string.Join("\n", nodes.Where(n => n.Op == "IO Node")
            .Select(n => $"{IoName(n.Name)} {Shape(n.Shapes)} <- {string.Join(",", n.Inputs.Select(i => i[..i.LastIndexOf('/')]))} attr '{n.Attr}'"));
        Assert.Equal(Io(expected), Io(actual));

        // a GetAttr node per parameter, in its module's scope, with PyTorch's attribute text
        string Params(List<Node> nodes) => string.Join("\n", nodes.Where(n => n.Op == "prim::GetAttr").Select(n => n.Scope + " " + n.Attr).Order(StringComparer.Ordinal));
        Assert.Equal(Params(expected), Params(actual));

        // the op nodes' scopes, in the order the forward reached them
        string[] OpScopes(List<Node> nodes) => nodes.Where(n => !Plumbing.Contains(n.Op)).Select(n => n.Scope).Distinct().ToArray();
        Assert.Equal(OpScopes(expected), OpScopes(actual));
        Assert.All(actual.Where(n => !Plumbing.Contains(n.Op)), n => Assert.Equal("{}", n.Attr));

        Assert.Equal(ScopeEdges(expected), ScopeEdges(actual));

        // each module's output shape: the shape of the last op of its scope
        string Outputs(List<Node> nodes) => string.Join("\n", nodes.Where(n => !Plumbing.Contains(n.Op) && n.Shapes is not null)
            .GroupBy(n => n.Scope).Select(g => g.Key + " " + Shape(g.Last().Shapes)));
        Assert.Equal(Outputs(expected), Outputs(actual));
    }

    [Fact]
    public void ModelIsLeftAsItWas()
    {
        var model = new NeuralNetwork();
        var before = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        using (var w = new SummaryWriter(dir))
            w.add_graph(model, torch.rand(1, 2, 2));
        Assert.True(model.training);
        foreach (var (k, v) in model.state_dict())
        {
            Assert.Equal(DeviceType.CPU, v.device.type);
            Assert.True(torch.equal(before[k], v), k);
            Assert.Null(v.grad);
        }
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
        Assert.Equal([1L, 2L], model.call(torch.rand(1, 2, 2)).shape.ToArray());
    }

    /// <summary>Ops the forward runs outside every submodule belong to the model's own scope.</summary>
    private sealed class Inline : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> fc = nn.Linear(3, 2);
        public override Tensor forward(Tensor x) => torch.nn.functional.relu(fc.call(x * 2));
    }

    [Fact]
    public void OpsOutsideSubmodulesBelongToTheModel()
    {
        using (var w = new SummaryWriter(dir))
            w.add_graph(new Inline(), torch.rand(4, 3));
        var graph = Pb.Parse(EventFileReader.Events(EventFileReader.SingleEventFile(dir))[1].Bytes(4));
        var nodes = graph.Msgs(1).Select(n => $"{n.Str(1)} = {n.Str(2)}({string.Join(", ", n.Strs(3))})").ToArray();
        Assert.Equal([
            "input/x = IO Node()",
            "output/output.1 = IO Node(Inline/Relu)",
            "Inline/Mul = Mul(input/x)",
            "Inline/Linear[fc]/weight/weight = prim::GetAttr()",
            "Inline/Linear[fc]/T = T(Inline/Linear[fc]/weight/weight)",
            "Inline/Linear[fc]/bias/bias = prim::GetAttr()",
            "Inline/Linear[fc]/Addmm = Addmm(Inline/Linear[fc]/bias/bias, Inline/Mul, Inline/Linear[fc]/T)",
            "Inline/Relu = Relu(Inline/Linear[fc]/Addmm)",
        ], nodes);
    }
}

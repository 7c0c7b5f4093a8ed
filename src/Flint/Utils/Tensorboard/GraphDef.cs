namespace Flint.Tensorboard;

/// <summary>
/// TensorBoard's graph messages (tensorboard/compat/proto): GraphDef (node = 1, versions = 4), NodeDef (name = 1,
/// op = 2, input = 3, attr = 5 as a map of key = 1 to AttrValue = 2), AttrValue (list = 1, s = 2), its ListValue
/// (shape = 7), TensorShapeProto (dim = 2, each with size = 1), VersionDef (producer = 1), and the RunMetadata
/// (step_stats = 1) with StepStats (dev_stats = 1) and DeviceStepStats (device = 1) that add_graph writes beside it.
/// </summary>
internal static class GraphDef
{
    /// <summary>The producer version PyTorch's writer puts in every graph.</summary>
    public const int Producer = 22;

    /// <summary>The device PyTorch's writer names in the step stats, whatever the model ran on.</summary>
    public const string Device = "/device:CPU:0";

    public static byte[] Graph(IEnumerable<GraphNode> nodes)
    {
        var graph = new ProtoWriter();
        foreach (var n in nodes) graph.Message(1, Node(n));
        return graph.Message(4, new ProtoWriter().Int32(1, Producer)).ToArray();
    }

    /// <summary>A NodeDef; its attributes, in PyTorch's order: "attr" (the op's attributes as text), then "_output_shapes" when the shape is known.</summary>
    private static ProtoWriter Node(GraphNode n)
    {
        var node = new ProtoWriter().String(1, n.Name).String(2, n.Op);
        foreach (var input in n.Inputs) node.OneofString(3, input);
        node.Message(5, new ProtoWriter().String(1, "attr").Message(2, new ProtoWriter().String(2, n.Attr)));
        if (n.Shape is { } shape)
        {
            var dims = new ProtoWriter();
            foreach (long d in shape) dims.Message(2, new ProtoWriter().Int64(1, d));
            var list = new ProtoWriter().Message(7, dims);
            node.Message(5, new ProtoWriter().String(1, "_output_shapes").Message(2, new ProtoWriter().Message(1, list)));
        }
        return node;
    }

    /// <summary>The RunMetadata with one device's (empty) step stats.</summary>
    public static byte[] RunMetadata() =>
        new ProtoWriter().Message(1, new ProtoWriter().Message(1, new ProtoWriter().String(1, Device))).ToArray();
}

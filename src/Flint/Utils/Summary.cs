using Flint.Modules;

namespace Flint;

public static partial class torch
{
    public static partial class utils
    {
        /// <summary>
        /// A model summary in torchinfo's layout (<c>torchinfo.summary</c>): the layer tree with each layer's output
        /// shape and parameter count (or the columns <paramref name="col_names"/> names: "input_size", "output_size",
        /// "num_params", "params_percent", "kernel_size", "mult_adds", "trainable"), then the totals: parameters,
        /// mult-adds and the memory a forward and backward pass takes. The forward runs on the meta device (see
        /// <see cref="MetaForward"/>) on inputs of <paramref name="input_size"/> (one shape, batch dimension included)
        /// and <paramref name="dtypes"/> (float32 by default), so nothing is allocated and the model is left as it was.
        /// verbose 1 prints the table; 0 only returns it. <paramref name="mode"/> "eval" (the default) or "train" sets the
        /// modules' mode for the forward ("same" keeps it); each module gets its own mode back afterwards.
        /// </summary>
        /// <example><code>torch.utils.summary(model, input_size: [1, 28, 28]);</code></example>
        public static ModelStatistics summary(nn.Module model, long[] input_size, DType[]? dtypes = null, int depth = 3,
            string[]? col_names = null, int col_width = 25, int verbose = 1, string mode = "eval") =>
            summary(model, [input_size], dtypes, depth, col_names, col_width, verbose, mode);

        /// <summary>A summary of a model with several inputs, one shape each.</summary>
        public static ModelStatistics summary(nn.Module model, long[][] input_size, DType[]? dtypes = null, int depth = 3,
            string[]? col_names = null, int col_width = 25, int verbose = 1, string mode = "eval")
        {
            if (input_size.Length == 0 || input_size.Any(s => s.Any(d => d <= 0)))
                throw new ArgumentException("Input_data is invalid, or negative size found in input_data.");
            dtypes ??= Enumerable.Repeat(float32, input_size.Length).ToArray();
            var inputs = input_size.Zip(dtypes, (s, dt) => empty(s, dt, Device.Meta)).ToArray();
            return ModelStatistics.Run(model, inputs, depth, col_names, col_width, verbose, mode);
        }

        /// <summary>A summary for example inputs (their shapes and dtypes; their values are not read).</summary>
        public static ModelStatistics summary(nn.Module model, Tensor[] input_data, int depth = 3,
            string[]? col_names = null, int col_width = 25, int verbose = 1, string mode = "eval") =>
            ModelStatistics.Run(model, input_data, depth, col_names, col_width, verbose, mode);

        /// <summary>The layer tree of <paramref name="model"/> run on <paramref name="input_data"/>: output shapes, parameter counts, mult-adds and memory per layer to <paramref name="depth"/> levels, as torchinfo's <c>summary(model, input_data=...)</c>; print the result.</summary>
        public static ModelStatistics summary(nn.Module model, Tensor input_data, int depth = 3,
            string[]? col_names = null, int col_width = 25, int verbose = 1, string mode = "eval") =>
            ModelStatistics.Run(model, [input_data], depth, col_names, col_width, verbose, mode);

        /// <summary>Without an input there is no forward: the layer tree and the parameter counts only.</summary>
        public static ModelStatistics summary(nn.Module model, int depth = 3, string[]? col_names = null, int col_width = 25, int verbose = 1) =>
            ModelStatistics.Run(model, null, depth, col_names, col_width, verbose, "same");
    }
}

/// <summary>
/// What <see cref="torch.utils.summary(torch.nn.Module, long[], DType[], int, string[], int, int, string)"/> found
/// (torchinfo's ModelStatistics): the rows, the totals, and the table as <see cref="ToString"/>.
/// </summary>
public sealed class ModelStatistics
{
    private static readonly string[] Columns = ["input_size", "output_size", "num_params", "params_percent", "kernel_size", "mult_adds", "trainable"];
    private readonly SummaryTable table;

    /// <summary>The layers in the order they ran.</summary>
    public IReadOnlyList<SummaryLayer> summary_list { get; }
    /// <summary>The number of parameters (shared ones counted once).</summary>
    public long total_params { get; }
    /// <summary>The number of parameters that require grad.</summary>
    public long trainable_params { get; }
    /// <summary>The multiply-adds of one forward pass.</summary>
    public long total_mult_adds { get; }
    /// <summary>The inputs' bytes.</summary>
    public long total_input { get; }
    /// <summary>The outputs' bytes of the layers with parameters, twice (values and gradients).</summary>
    public long total_output_bytes { get; }
    /// <summary>The bytes the parameters take.</summary>
    public long total_param_bytes { get; }
    private readonly bool hasInput;

    private ModelStatistics(List<SummaryLayer> layers, Tensor[]? inputs, SummaryTable table)
    {
        summary_list = layers;
        this.table = table;
        hasInput = inputs is not null;
        total_input = inputs?.Sum(x => x.numel() * x.element_size()) ?? 0;
        foreach (var layer in layers)
        {
            if (layer.is_leaf_layer)
            {
                total_mult_adds += layer.macs;
                if (layer.num_params > 0) total_output_bytes += layer.output_bytes * 2;
                if (layer.is_recursive) continue;
                total_params += Math.Max(layer.num_params, 0);
                total_param_bytes += layer.param_bytes;
                trainable_params += Math.Max(layer.trainable_params, 0);
            }
            else if (!layer.is_recursive)
            {
                total_params += Math.Max(layer.leftover_params(), 0);
                trainable_params += Math.Max(layer.leftover_trainable_params(), 0);
            }
        }
    }

    internal static ModelStatistics Run(torch.nn.Module model, Tensor[]? inputs, int depth, string[]? colNames, int colWidth, int verbose, string mode)
    {
        if (mode is not ("train" or "eval" or "same")) throw new ArgumentException($"'{mode}' is not a valid Mode");
        if (verbose is not (0 or 1 or 2)) throw new ArgumentException("Verbose must be either 0 (quiet), 1 (default), or 2 (verbose).");
        colNames ??= inputs is null ? ["num_params"] : ["output_size", "num_params"];
        foreach (var c in colNames)
        {
            if (!Columns.Contains(c)) throw new ArgumentException($"Column {c} is not a valid column name.");
            if (inputs is null && c is not ("num_params" or "kernel_size" or "params_percent" or "trainable"))
                throw new ArgumentException($"You must pass input_data or input_size in order to use column {c}");
        }
        var layers = Collect(model, inputs, mode);
        AddMissingContainers(layers);
        var counters = new Dictionary<int, int>();
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            layer.depth_index = counters[layer.depth] = counters.GetValueOrDefault(layer.depth) + 1;
            int end = i + 1;
            while (end < layers.Count && layers[end].depth > layer.depth) end++;
            layer.Children = layers.GetRange(i + 1, end - i - 1);
        }
        var stats = new ModelStatistics(layers, inputs, new SummaryTable(depth, colNames, colWidth, layers));
        if (verbose > 0) Console.WriteLine(stats);
        return stats;
    }

    /// <summary>
    /// The rows in the order the modules run (each call a row, made when the call starts), or, without inputs, in
    /// the order of the module tree.
    /// </summary>
    private static List<SummaryLayer> Collect(torch.nn.Module model, Tensor[]? inputs, string mode)
    {
        var layers = new List<SummaryLayer>();
        var seen = new HashSet<torch.nn.Module>(ReferenceEqualityComparer.Instance);
        var latest = new Dictionary<torch.nn.Module, SummaryLayer>(ReferenceEqualityComparer.Instance);
        var fallback = new Dictionary<torch.nn.Module, SummaryLayer>(ReferenceEqualityComparer.Instance);
        var handles = new Dictionary<torch.nn.Module, (RemovableHandle pre, RemovableHandle post)>(ReferenceEqualityComparer.Instance);
        void Start(SummaryLayer info)
        {
            info.CountParams();
            info.is_recursive = seen.Contains(info.module);
            layers.Add(info);
            seen.Add(info.module);
            latest[info.module] = info;
        }
        var stack = new Stack<(string name, torch.nn.Module module, int depth, SummaryLayer? parent)>();
        stack.Push((model.GetName(), model, 0, null));
        while (stack.Count > 0)
        {
            var (name, module, d, parent) = stack.Pop();
            var info = fallback[module] = new SummaryLayer(name, module, d, parent);
            if (inputs is null) Start(info);
            else
            {
                // a module reachable twice keeps the hooks of its last place in the tree
                if (handles.Remove(module, out var old)) { old.pre.remove(); old.post.remove(); }
                handles[module] = (module.register_forward_pre_hook((m, _) => { Start(new SummaryLayer(name, m, d, parent)); return null; }),
                    module.register_forward_hook((m, args, output) =>
                {
                    var layer = latest[m];
                    (layer.input_size, _) = Size(args);
                    (layer.output_size, long elem) = Size(output);
                    layer.output_bytes = elem * SummaryLayer.Product(layer.output_size);
                    layer.executed = true;
                    layer.AddMacs();
                }));
            }
            foreach (var (childName, child) in module.named_children().Reverse())
                stack.Push((childName, child, d + 1, info));
        }
        if (inputs is null) return layers;
        var modes = model.modules().Select(m => (m, m.training)).ToList();
        try
        {
            if (mode != "same") model.train(mode == "train");
            using (torch.no_grad()) MetaForward.Run(model, inputs);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException("Failed to run torchinfo. See above stack traces for more details. Executed layers up to: ["
                + string.Join(", ", layers.Where(l => l.executed)) + "]", e);
        }
        finally
        {
            foreach (var (pre, post) in handles.Values) { pre.remove(); post.remove(); }
            foreach (var (m, training) in modes) m.train(training);
        }
        return layers;
    }

    /// <summary>The shape and element size of a hook's value: a tensor, or the first tensor of a sequence.</summary>
    private static (long[] size, long elementBytes) Size(object? value) =>
        MetaForward.Tensors(value).FirstOrDefault() is { } t ? (t.shape.ToArray(), t.element_size()) : ([], 0);

    /// <summary>
    /// Inserts the containers that never ran themselves (a ModuleList, a module called through its forward) above
    /// their first layer that did, so every row's parents are shown (torchinfo's add_missing_container_layers).
    /// </summary>
    private static void AddMissingContainers(List<SummaryLayer> layers)
    {
        var ids = new HashSet<torch.nn.Module>(layers.Select(l => l.module), ReferenceEqualityComparer.Instance);
        var current = new Dictionary<int, SummaryLayer>();
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            int rel = 0;
            var hierarchy = new Dictionary<int, SummaryLayer>();
            for (var p = layer.Parent; p is not null && p.depth > 0; p = p.Parent) hierarchy[p.depth] = p;
            for (int d = 1; d < layer.depth; d++)
            {
                if ((!current.TryGetValue(d, out var shown) || !ReferenceEquals(shown.module, hierarchy[d].module))
                    && !ReferenceEquals(hierarchy[d], layers[i + rel - 1]))
                {
                    var missing = hierarchy[d];
                    missing.CountParams();
                    missing.is_recursive = ids.Contains(missing.module);
                    layers.Insert(i + rel, missing);
                    ids.Add(missing.module);
                    current[d] = missing;
                    rel++;
                }
            }
            i += rel;
            current[layer.depth] = layer;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => table.Render(this, hasInput);
}

using System.Globalization;

namespace Flint;

/// <summary>
/// One row of a model summary (torchinfo's LayerInfo): a module at a depth of the module tree, with what one call of
/// it produced (input and output shapes, mult-adds) and its parameter counts.
/// </summary>
public sealed class SummaryLayer
{
    internal SummaryLayer(string varName, torch.nn.Module module, int depth, SummaryLayer? parent)
    {
        var_name = varName;
        this.module = module;
        this.depth = depth;
        Parent = parent;
        class_name = module.GetName();
        is_leaf_layer = !module.children().Any();
        (kernel_size, KernelText) = KernelSize(module);
    }

    internal SummaryLayer? Parent { get; }
    /// <summary>The layers after this one in the table that are deeper (its descendants, as torchinfo counts them).</summary>
    internal List<SummaryLayer> Children { get; set; } = [];

    /// <summary>The module this row describes.</summary>
    public torch.nn.Module module { get; }
    /// <summary>The module's name in its parent (the model's class name for the model itself).</summary>
    public string var_name { get; }
    /// <summary>The module's class name.</summary>
    public string class_name { get; }
    /// <summary>The depth in the module tree (the model is 0).</summary>
    public int depth { get; }
    /// <summary>The layer's number among the layers of its depth, counted over the whole table (the "idx" of "depth-idx").</summary>
    public int depth_index { get; internal set; }
    /// <summary>Whether the module has no children.</summary>
    public bool is_leaf_layer { get; }
    /// <summary>True when the module already appeared higher up in the table (called again, or shared).</summary>
    public bool is_recursive { get; internal set; }
    /// <summary>Whether the module ran in the forward pass.</summary>
    public bool executed { get; internal set; }
    /// <summary>The shape of the module's first input.</summary>
    public long[] input_size { get; internal set; } = [];
    /// <summary>The shape of the module's output.</summary>
    public long[] output_size { get; internal set; } = [];
    /// <summary>The module's kernel_size (convolutions, pools), or null.</summary>
    public long[]? kernel_size { get; }
    /// <summary>The kernel size as torchinfo prints it: a list, or one number where the module was given one.</summary>
    internal string KernelText { get; }
    /// <summary>The number of parameters directly in this module (and its children when it is a leaf row).</summary>
    public long num_params { get; private set; }
    /// <summary>The number of those that require grad.</summary>
    public long trainable_params { get; private set; }
    /// <summary>The bytes those parameters take.</summary>
    public long param_bytes { get; private set; }
    /// <summary>The bytes the output takes.</summary>
    public long output_bytes { get; internal set; }
    /// <summary>The multiply-adds of this module in one forward pass.</summary>
    public long macs { get; private set; }

    private static (long[]?, string) KernelSize(torch.nn.Module module) =>
        module.GetType().GetProperty("kernel_size")?.GetValue(module) switch
        {
            long[] k => (k, Shape(k)),
            SizeArg { Text: null } k => (k.Values, k.IsSingle ? k.Values[0].ToString(CultureInfo.InvariantCulture) : Shape(k.Values)),
            _ => (null, "--"),
        };

    /// <summary>Counts the parameters of the module and its submodules (the trainable ones and their bytes too).</summary>
    internal void CountParams()
    {
        num_params = trainable_params = param_bytes = 0;
        foreach (var (_, p) in module.named_parameters())
        {
            long n = p.numel();
            num_params += n;
            param_bytes += n * p.element_size();
            if (p.requires_grad) trainable_params += n;
        }
    }

    /// <summary>
    /// Adds this call's mult-adds (torchinfo's rule): a weight or bias counts once per output element of a
    /// convolution's batch and spatial dimensions, else once per sample of the first output dimension; the weights of
    /// recurrent layers (weight_ih_l0, ...) once per element of the first two output dimensions.
    /// </summary>
    internal void AddMacs()
    {
        foreach (var (name, p) in module.named_parameters())
        {
            long n = p.numel();
            if (name is "weight" or "bias")
                macs += class_name.Contains("Conv", StringComparison.Ordinal)
                    ? n * Product(output_size.Take(1).Concat(output_size.Skip(2)))
                    : (output_size.Length > 0 ? output_size[0] : 0) * n;
            else if (name.Contains("weight", StringComparison.Ordinal) || name.Contains("bias", StringComparison.Ordinal))
                macs += Product(output_size.Take(2)) * n;
        }
    }

    internal static long Product(IEnumerable<long> dims) => dims.Aggregate(1L, (a, b) => a * b);

    /// <summary>The parameters this layer holds that none of its (non-recursive) descendants count.</summary>
    public long leftover_params() =>
        num_params - Children.Where(c => !c.is_recursive).Sum(c => c.is_leaf_layer ? c.num_params : c.leftover_params());

    /// <summary>The trainable parameters of this module not already counted in a child's row.</summary>
    public long leftover_trainable_params() =>
        trainable_params - Children.Where(c => !c.is_recursive).Sum(c => c.is_leaf_layer ? c.trainable_params : c.leftover_trainable_params());

    /// <summary>"all", "none", "partial" as torchinfo's Trainable column shows it: True, False, Partial, or -- without parameters.</summary>
    public string trainable => num_params == 0 ? "--" : trainable_params == 0 ? "False" : trainable_params == num_params ? "True" : "Partial";

    internal string LayerName(bool showDepth) =>
        showDepth && depth > 0 ? $"{class_name}: {depth}-{depth_index}" : class_name;

    internal string ParamsText(bool reachedMaxDepth)
    {
        if (num_params == 0) return "--";
        if (is_recursive) return "(recursive)";
        if (reachedMaxDepth || is_leaf_layer)
        {
            string count = Number(num_params);
            return trainable_params > 0 ? count : $"({count})";
        }
        long left = leftover_params();
        return left > 0 ? Number(left) : "--";
    }

    internal string ParamsPercent(long totalParams, bool reachedMaxDepth)
    {
        const string zero = "     --";
        if (totalParams == 0) return zero;
        if (is_recursive) return "(recursive)";
        long n = reachedMaxDepth || is_leaf_layer ? num_params : leftover_params();
        if (n == 0) return zero;
        return (100.0 * n / totalParams).ToString("0.00", CultureInfo.InvariantCulture).PadLeft(6) + "%";
    }

    internal string MacsText(bool reachedMaxDepth)
    {
        if (macs <= 0) return "--";
        if (is_leaf_layer) return Number(macs);
        return reachedMaxDepth ? Number(Children.Where(c => c.is_leaf_layer).Sum(c => c.macs)) : "--";
    }

    /// <summary>Python's <c>f"{n:,}"</c>.</summary>
    internal static string Number(long n) => n.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>Python's <c>str(list)</c> of a shape, or "--" for none.</summary>
    internal static string Shape(long[]? dims) => dims is null || dims.Length == 0 ? "--" : "[" + string.Join(", ", dims) + "]";

    /// <inheritdoc/>
    public override string ToString() => $"{class_name}: {depth}";
}

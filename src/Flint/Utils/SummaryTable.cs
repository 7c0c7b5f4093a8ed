using System.Globalization;
using System.Text;

namespace Flint;

/// <summary>The text of a model summary in torchinfo's layout (its FormattingOptions): widths, rows and totals.</summary>
internal sealed class SummaryTable
{
    private static readonly Dictionary<string, string> Titles = new()
    {
        ["kernel_size"] = "Kernel Shape", ["input_size"] = "Input Shape", ["output_size"] = "Output Shape",
        ["num_params"] = "Param #", ["params_percent"] = "Param %", ["mult_adds"] = "Mult-Adds", ["trainable"] = "Trainable",
    };

    private readonly int maxDepth;
    private readonly string[] columns;
    private readonly int colWidth;
    private readonly int nameWidth = 40;

    public SummaryTable(int maxDepth, string[] columns, int colWidth, IEnumerable<SummaryLayer> layers)
    {
        this.maxDepth = maxDepth;
        this.columns = columns;
        this.colWidth = colWidth;
        // the longest name with its indent, rounded up to a multiple of 5, when it does not fit in 40
        int longest = layers.Select(l => l.LayerName(true).Length + l.depth * 5 + 1).DefaultIfEmpty(0).Max();
        if (longest >= nameWidth) nameWidth = (longest + 4) / 5 * 5;
    }

    private int TotalWidth => columns.Length * colWidth + nameWidth;

    private static string Indent(int depth) => depth switch
    {
        0 => "",
        1 => "├─",
        _ => string.Concat(Enumerable.Repeat("│    ", depth - 1)) + "└─",
    };

    private string Row(string name, Func<string, string> value)
    {
        var line = new StringBuilder(name.PadRight(nameWidth)).Append(' ');
        foreach (var c in columns) line.Append(value(c).PadRight(colWidth)).Append(' ');
        return line.ToString().TrimEnd() + "\n";
    }

    private string LayerRow(SummaryLayer layer, long totalParams)
    {
        bool reached = layer.depth == maxDepth;
        return Row(Indent(layer.depth) + layer.LayerName(true), c => c switch
        {
            "kernel_size" => layer.KernelText,
            "input_size" => SummaryLayer.Shape(layer.input_size),
            "output_size" => SummaryLayer.Shape(layer.output_size),
            "num_params" => layer.ParamsText(reached),
            "params_percent" => layer.ParamsPercent(totalParams, reached),
            "mult_adds" => layer.MacsText(reached),
            _ => layer.trainable,
        });
    }

    /// <summary>Mult-adds in millions (billions, trillions from 1e9, 1e12), two decimals unless a whole number.</summary>
    private static string MacsTotal(long macs)
    {
        var (unit, value) = macs >= 1e12 ? ("T", macs / 1e12) : macs >= 1e9 ? ("G", macs / 1e9) : ("M", macs / 1e6);
        string text = value == Math.Floor(value) ? ((long)value).ToString("#,0", CultureInfo.InvariantCulture) : value.ToString("#,0.00", CultureInfo.InvariantCulture);
        return $" ({unit}): {text}";
    }

    private static string Megabytes(long bytes) => (bytes / 1e6).ToString("0.00", CultureInfo.InvariantCulture);

    public string Render(ModelStatistics s, bool hasInput)
    {
        string divider = new('=', TotalWidth);
        var text = new StringBuilder();
        text.Append(divider).Append('\n').Append(Row("Layer (type:depth-idx)", c => Titles[c])).Append(divider).Append('\n');
        foreach (var layer in s.summary_list)
            if (layer.depth <= maxDepth) text.Append(LayerRow(layer, s.total_params));
        text.Append(divider).Append('\n')
            .Append("Total params: ").Append(SummaryLayer.Number(s.total_params)).Append('\n')
            .Append("Trainable params: ").Append(SummaryLayer.Number(s.trainable_params)).Append('\n')
            .Append("Non-trainable params: ").Append(SummaryLayer.Number(s.total_params - s.trainable_params)).Append('\n');
        if (hasInput)
            text.Append("Total mult-adds").Append(MacsTotal(s.total_mult_adds)).Append('\n').Append(divider).Append('\n')
                .Append("Input size (MB): ").Append(Megabytes(s.total_input)).Append('\n')
                .Append("Forward/backward pass size (MB): ").Append(Megabytes(s.total_output_bytes)).Append('\n')
                .Append("Params size (MB): ").Append(Megabytes(s.total_param_bytes)).Append('\n')
                .Append("Estimated Total Size (MB): ").Append(Megabytes(s.total_input + s.total_output_bytes + s.total_param_bytes)).Append('\n');
        return text.Append(divider).ToString();
    }
}

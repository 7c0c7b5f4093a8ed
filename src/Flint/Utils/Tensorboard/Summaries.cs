namespace Flint.Tensorboard;

/// <summary>
/// TensorBoard's <c>Summary</c> message (tensorboard/compat/proto/summary.proto) with one <c>Summary.Value</c>:
/// tag = 1, simple_value = 2, image = 4, histo = 5, tensor = 8, metadata = 9; built the way PyTorch's
/// torch/utils/tensorboard/summary.py fills them.
/// </summary>
internal static class Summaries
{
    // tensorboard/compat/proto/types.proto
    private const int DtFloat = 1, DtDouble = 2, DtString = 7;

    private static byte[] Single(ProtoWriter value) => new ProtoWriter().Message(1, value).ToArray();

    /// <summary>SummaryMetadata with only plugin_data (= 1): plugin_name = 1, content = 2.</summary>
    public static ProtoWriter PluginMetadata(string pluginName, byte[] content) =>
        new ProtoWriter().Message(1, new ProtoWriter().String(1, pluginName).Bytes(2, content));

    /// <summary>A scalar as simple_value (a float), or with <paramref name="newStyle"/> as a rank-0 tensor for the "scalars" plugin.</summary>
    public static byte[] Scalar(string tag, double value, bool newStyle = false, bool doublePrecision = false)
    {
        var v = new ProtoWriter().String(1, tag);
        if (!newStyle) return Single(v.OneofFloat(2, (float)value));
        var tensor = doublePrecision
            ? new ProtoWriter().Int32(1, DtDouble).PackedDoubles(6, [value])
            : new ProtoWriter().Int32(1, DtFloat).PackedFloats(5, [(float)value]);
        return Single(v.Message(8, tensor).Message(9, PluginMetadata("scalars", [])));
    }

    /// <summary>HistogramProto: min = 1, max = 2, num = 3, sum = 4, sum_squares = 5, bucket_limit = 6, bucket = 7 (packed).</summary>
    public static byte[] Histogram(string tag, Histogram h)
    {
        var histo = new ProtoWriter().Double(1, h.Min).Double(2, h.Max).Double(3, h.Num).Double(4, h.Sum)
            .Double(5, h.SumSquares).PackedDoubles(6, h.BucketLimits).PackedDoubles(7, h.BucketCounts);
        return Single(new ProtoWriter().String(1, tag).Message(5, histo));
    }

    /// <summary>Summary.Image: height = 1, width = 2, colorspace = 3 (channels), encoded_image_string = 4 (PNG).</summary>
    public static byte[] Image(string tag, int height, int width, int channels, byte[] png)
    {
        var image = new ProtoWriter().Int32(1, height).Int32(2, width).Int32(3, channels).Bytes(4, png);
        return Single(new ProtoWriter().String(1, tag).Message(4, image));
    }

    /// <summary>
    /// Text for the "text" plugin: tag + "/text_summary", a DT_STRING tensor of shape [1] (dtype = 1,
    /// tensor_shape = 2 with dim = 2 of size = 1, string_val = 8) and TextPluginData(version=0) as content.
    /// </summary>
    public static byte[] Text(string tag, string text)
    {
        var shape = new ProtoWriter().Message(2, new ProtoWriter().Int64(1, 1));
        var tensor = new ProtoWriter().Int32(1, DtString).Message(2, shape).OneofBytes(8, System.Text.Encoding.UTF8.GetBytes(text));
        // TextPluginData { int32 version = 1 } at version 0 serializes to nothing
        return Single(new ProtoWriter().String(1, tag + "/text_summary").Message(8, tensor).Message(9, PluginMetadata("text", [])));
    }

    /// <summary>A value with only a tag and plugin metadata (how the hparams plugin's summaries look).</summary>
    public static byte[] MetadataOnly(string tag, ProtoWriter metadata) =>
        Single(new ProtoWriter().String(1, tag).Message(9, metadata));
}

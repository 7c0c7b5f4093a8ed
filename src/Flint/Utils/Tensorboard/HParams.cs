namespace Flint.Tensorboard;

/// <summary>
/// The three summaries of the hparams plugin as PyTorch's <c>hparams()</c> builds them, each a value with only a tag
/// and plugin metadata (plugin "hparams", content an HParamsPluginData: version = 1 (0), then experiment = 2,
/// session_start_info = 3 or session_end_info = 4; tensorboard/plugins/hparams/plugin_data.proto and api.proto).
/// </summary>
internal static class HParams
{
    public const string PluginName = "hparams";
    public const string ExperimentTag = "_hparams_/experiment";
    public const string SessionStartInfoTag = "_hparams_/session_start_info";
    public const string SessionEndInfoTag = "_hparams_/session_end_info";

    // api.proto: DataType and Status
    private const int DataTypeString = 1, DataTypeBool = 2, DataTypeFloat64 = 3;
    private const int StatusSuccess = 1;

    public static (byte[] Experiment, byte[] SessionStartInfo, byte[] SessionEndInfo) Make(
        IReadOnlyDictionary<string, object?> hparams, IEnumerable<string> metricTags,
        IReadOnlyDictionary<string, object[]>? domainDiscrete)
    {
        domainDiscrete ??= new Dictionary<string, object[]>();
        foreach (var (k, values) in domainDiscrete)
        {
            if (!hparams.TryGetValue(k, out var v) || v is null || values is null || values.Any(d => d is null || !SameKind(d, v)))
                throw new ArgumentException($"parameter: hparam_domain_discrete[{k}] should be a list of same type as hparam_dict[{k}].");
        }

        var infos = new List<ProtoWriter>();
        var ssi = new ProtoWriter();
        foreach (var (k, v) in hparams)
        {
            if (v is null) continue;
            ProtoWriter value;
            int type;
            Func<object, ProtoWriter> element;
            domainDiscrete.TryGetValue(k, out var domain);
            // Python's bool is an int, so PyTorch records a bool as a number (1.0 or 0.0) of type FLOAT64
            if (IsNumber(v))
            {
                value = NumberValue(ToDouble(v)); type = DataTypeFloat64; element = d => NumberValue(ToDouble(d));
            }
            else if (v is string s)
            {
                value = new ProtoWriter().OneofString(3, s); type = DataTypeString; element = d => new ProtoWriter().OneofString(3, (string)d);
            }
            else if (v is Tensor t)
            {
                if (t.numel() == 0) throw new ArgumentException($"hparam_dict[{k}] is an empty tensor");
                value = NumberValue(t.reshape(-1).ToArray<double>()[0]); type = DataTypeFloat64; element = _ => new ProtoWriter();
                domain = null;
            }
            else throw new ArgumentException("value should be one of int, float, str, bool, or torch.Tensor");

            // map<string, google.protobuf.Value> hparams = 1: entries of key = 1, value = 2
            ssi.Message(1, new ProtoWriter().OneofString(1, k).Message(2, value));
            var info = new ProtoWriter().String(1, k).Int32(4, type);
            if (domain is not null)
            {
                // google.protobuf.ListValue: repeated Value values = 1
                var list = new ProtoWriter();
                foreach (var d in domain) list.Message(1, element(d));
                info.Message(5, list);
            }
            infos.Add(info);
        }

        var experiment = new ProtoWriter();
        foreach (var info in infos) experiment.Message(4, info);
        // MetricInfo: name = 1, a MetricName with tag = 2
        foreach (var tag in metricTags) experiment.Message(5, new ProtoWriter().Message(1, new ProtoWriter().String(2, tag)));

        return (
            Summary(ExperimentTag, new ProtoWriter().Message(2, experiment)),
            Summary(SessionStartInfoTag, new ProtoWriter().Message(3, ssi)),
            Summary(SessionEndInfoTag, new ProtoWriter().Message(4, new ProtoWriter().Int32(1, StatusSuccess))));
    }

    private static byte[] Summary(string tag, ProtoWriter pluginData) =>
        Summaries.MetadataOnly(tag, Summaries.PluginMetadata(PluginName, pluginData.ToArray()));

    /// <summary>google.protobuf.Value with number_value = 2.</summary>
    private static ProtoWriter NumberValue(double v) => new ProtoWriter().OneofDouble(2, v);

    private static bool IsNumber(object v) => v is bool or sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal;

    private static double ToDouble(object v) => v is bool b ? (b ? 1 : 0) : Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture);

    // Python's isinstance(d, type(v)): floats with floats, ints (and bools) with ints, strings with strings
    private static bool SameKind(object d, object v)
    {
        static int Kind(object o) => o switch
        {
            string => 1,
            float or double or decimal => 2,
            bool => 3,
            sbyte or byte or short or ushort or int or uint or long or ulong => 4,
            _ => 0,
        };
        int kd = Kind(d), kv = Kind(v);
        return kd != 0 && (kd == kv || (kv == 4 && kd == 3));
    }
}

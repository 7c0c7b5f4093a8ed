using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch.utils.tensorboard;

namespace Flint.Tests.Utils;

/// <summary>
/// SummaryWriter's event files read back with an independent TFRecord / protobuf reader, against the field numbers
/// of TensorBoard's event.proto, summary.proto, tensor.proto and the hparams plugin protos, and against what
/// PyTorch's summary.py computes (tools/refs/gen_tensorboard.py).
/// Event: wall_time = 1, step = 2, file_version = 3, summary = 5, session_log = 7. Summary: value = 1.
/// Summary.Value: tag = 1, simple_value = 2, image = 4, histo = 5, tensor = 8, metadata = 9.
/// </summary>
public class TensorboardTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("flint-tb-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static JsonElement[] Cases(string kind) =>
        Reference.Cases("tensorboard").Where(c => c.GetProperty("kind").GetString() == kind).ToArray();

    private static double Num(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? e.GetString() switch { "inf" => double.PositiveInfinity, "-inf" => double.NegativeInfinity, _ => double.NaN }
        : e.GetDouble();

    /// <summary>The single Summary.Value of each summary event after the file_version record.</summary>
    private static List<(Pb Event, Pb Value)> SummaryValues(string file)
    {
        var events = EventFileReader.Events(file);
        Assert.Equal("brain.Event:2", events[0].Str(3));
        return events.Skip(1).Select(e => (e, Assert.Single(e.Msg(5).Msgs(1)))).ToList();
    }

    private static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    [Fact]
    public void Crc32CIsTheCastagnoliChecksumAndTheMaskIsTensorFlows()
    {
        var check = "123456789"u8.ToArray();
        Assert.Equal(0xE3069283u, EventFileReader.Crc32C(check));   // the standard check value of CRC-32C
        Assert.Equal(0xE3069283u, Flint.Tensorboard.Crc32C.Compute(check));
        Assert.Equal(EventFileReader.Masked(check), Flint.Tensorboard.Crc32C.Masked(check));
        Assert.Equal(unchecked(((0xE3069283u >> 15) | (0xE3069283u << 17)) + 0xa282ead8u), Flint.Tensorboard.Crc32C.Masked(check));
    }

    [Fact]
    public void EventFileIsNamedLikePyTorchsAndStartsWithTheFileVersion()
    {
        double before = Math.Floor(Now());
        using (var w = new SummaryWriter(dir, filename_suffix: ".v2"))
        {
            Assert.Equal(dir, w.log_dir);
            Assert.Equal(dir, w.get_logdir());
        }
        string file = EventFileReader.SingleEventFile(dir);
        var m = Regex.Match(Path.GetFileName(file), @"^events\.out\.tfevents\.(\d{10})\.(.+)\.(\d+)\.(\d+)\.v2$");
        Assert.True(m.Success, Path.GetFileName(file));
        Assert.InRange(long.Parse(m.Groups[1].Value), before, before + 10);
        Assert.Equal(System.Net.Dns.GetHostName(), m.Groups[2].Value);
        Assert.Equal(System.Environment.ProcessId, int.Parse(m.Groups[3].Value));

        var events = EventFileReader.Events(file);
        var first = Assert.Single(events);
        Assert.Equal([1, 3], first.FieldNumbers);   // wall_time, file_version; step 0 is left out as proto3 does
        Assert.Equal("brain.Event:2", first.Str(3));
        Assert.InRange(first.Double(1), before, before + 10);
    }

    [Fact]
    public void AScalarRecordIsExactlyItsProtobufEncodingInTfRecordFraming()
    {
        using (var w = new SummaryWriter(dir)) w.add_scalar("a", 0.5, 3, walltime: 1.5);
        var bytes = EventFileReader.ReadAllShared(EventFileReader.SingleEventFile(dir));
        // Event: 09 wall_time (double 1.5), 10 step 3, 2a summary (10 bytes) {
        //   0a value (8 bytes) { 0a tag "a", 15 simple_value (float 0.5) } }
        byte[] evt =
        [
            0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F,
            0x10, 0x03,
            0x2A, 0x0A, 0x0A, 0x08, 0x0A, 0x01, (byte)'a', 0x15, 0, 0, 0, 0x3F,
        ];
        var len = BitConverter.GetBytes((ulong)evt.Length);
        byte[] record = [.. len, .. BitConverter.GetBytes(EventFileReader.Masked(len)), .. evt, .. BitConverter.GetBytes(EventFileReader.Masked(evt))];
        Assert.Equal(record, bytes[^record.Length..]);
        // the file_version record before it, whose wall time is the clock's
        Assert.Equal(12 + 9 + 15 + 4, bytes.Length - record.Length);
    }

    [Fact]
    public void EachEventFileGetsTheNextCounter()
    {
        using var a = new SummaryWriter(Path.Combine(dir, "a"));
        using var b = new SummaryWriter(Path.Combine(dir, "b"));
        static long Counter(string d) => long.Parse(Path.GetFileName(EventFileReader.SingleEventFile(d)).Split('.')[^1]);
        Assert.True(Counter(Path.Combine(dir, "b")) > Counter(Path.Combine(dir, "a")));
    }

    [Fact]
    public void DefaultLogDirIsRunsDateHostnameComment()
    {
        string logdir;
        using (var w = new SummaryWriter(comment: "_lr0.1"))
        {
            logdir = w.log_dir;
            Assert.True(Directory.Exists(logdir));
        }
        try
        {
            var host = Regex.Escape(System.Net.Dns.GetHostName());
            Assert.Matches($@"^runs{Regex.Escape(Path.DirectorySeparatorChar.ToString())}(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\d\d_\d\d-\d\d-\d\d_{host}_lr0\.1$", logdir);
            var stamp = DateTime.ParseExact(Path.GetFileName(logdir)[..14], "MMMdd_HH-mm-ss", System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange((DateTime.Now - stamp.AddYears(DateTime.Now.Year - stamp.Year)).TotalSeconds, -5, 60);
        }
        finally
        {
            Directory.Delete(logdir, recursive: true);
            if (Directory.Exists("runs") && !Directory.EnumerateFileSystemEntries("runs").Any()) Directory.Delete("runs");
        }
    }

    [Fact]
    public void ScalarsKeepTagStepWalltimeAndFloatValue()
    {
        using (var w = new SummaryWriter(dir))
        {
            w.add_scalar("loss", 0.25, 0, walltime: 1234.5);
            w.add_scalar("loss", -1e-3, 7, walltime: 1235.25);
            w.add_scalar("acc", torch.tensor(new[] { 0.75f }), 8);
        }
        var values = SummaryValues(EventFileReader.SingleEventFile(dir));
        Assert.Equal(3, values.Count);
        Assert.Equal([1, 5], values[0].Event.FieldNumbers);   // step 0 is not written
        Assert.Equal(1234.5, values[0].Event.Double(1));
        Assert.Equal(7, values[1].Event.Int(2));
        Assert.Equal(1235.25, values[1].Event.Double(1));
        Assert.Equal(8, values[2].Event.Int(2));
        Assert.Equal([1, 2], values[0].Value.FieldNumbers);
        Assert.Equal("loss", values[0].Value.Str(1));
        Assert.Equal(0.25f, values[0].Value.Float(2));
        Assert.Equal((float)-1e-3, values[1].Value.Float(2));
        Assert.Equal("acc", values[2].Value.Str(1));
        Assert.Equal(0.75f, values[2].Value.Float(2));
        Assert.InRange(values[2].Event.Double(1), Now() - 60, Now() + 1);

        foreach (var c in Cases("scalar"))
        {
            var bytes = Flint.Tensorboard.Summaries.Scalar("loss", c.GetProperty("value").GetDouble());
            var v = Assert.Single(Pb.Parse(bytes).Msgs(1));
            Assert.Equal(c.GetProperty("tag").GetString(), v.Str(1));
            Assert.Equal((float)c.GetProperty("simple_value").GetDouble(), v.Float(2));
        }
    }

    [Fact]
    public void NewStyleScalarsAreTensorsOfTheScalarsPlugin()
    {
        using (var w = new SummaryWriter(dir))
        {
            w.add_scalar("f", 1.5, 1, new_style: true);
            w.add_scalar("d", 0.1, 2, new_style: true, double_precision: true);
        }
        var values = SummaryValues(EventFileReader.SingleEventFile(dir));
        var f = values[0].Value.Msg(8);
        Assert.Equal(1, f.Int(1));                       // DT_FLOAT
        Assert.Equal([1.5f], f.PackedFloats(5));          // float_val
        Assert.Equal("scalars", values[0].Value.Msg(9).Msg(1).Str(1));
        var d = values[1].Value.Msg(8);
        Assert.Equal(2, d.Int(1));                       // DT_DOUBLE
        Assert.Equal([0.1], d.PackedDoubles(6));          // double_val
        Assert.Throws<ArgumentException>(() => new SummaryWriter(Path.Combine(dir, "x")).add_scalar("t", torch.zeros(2)));
    }

    [Fact]
    public void AddScalarsWritesOneSubDirectoryWriterPerTag()
    {
        using (var w = new SummaryWriter(dir))
        {
            w.add_scalars("run/loss", new Dictionary<string, double> { ["train"] = 1.0, ["test"] = 2.0 }, 3, walltime: 99);
            w.add_scalars("run/loss", new Dictionary<string, double> { ["train"] = 0.5 }, 4);
        }
        // the main file holds only its file_version record
        Assert.Empty(SummaryValues(EventFileReader.SingleEventFile(dir)));
        var train = SummaryValues(EventFileReader.SingleEventFile(Path.Combine(dir, "run_loss_train")));
        var test = SummaryValues(EventFileReader.SingleEventFile(Path.Combine(dir, "run_loss_test")));
        Assert.Equal(2, train.Count);
        Assert.Single(test);
        Assert.All(train.Concat(test), v => Assert.Equal("run/loss", v.Value.Str(1)));
        Assert.Equal(1.0f, train[0].Value.Float(2));
        Assert.Equal(0.5f, train[1].Value.Float(2));
        Assert.Equal(2.0f, test[0].Value.Float(2));
        Assert.Equal(3, test[0].Event.Int(2));
        Assert.Equal(99, test[0].Event.Double(1));
        Assert.Equal(4, train[1].Event.Int(2));
    }

    [Fact]
    public void TensorflowBinsAreSummaryWritersDefaultEdges()
    {
        var edges = Assert.Single(Cases("tensorflow_bins")).GetProperty("edges").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(1549, edges.Length);
        Assert.Equal(edges, Flint.Tensorboard.Histogram.TensorflowBins);
    }

    /// <summary>HistogramProto: min = 1, max = 2, num = 3, sum = 4, sum_squares = 5, bucket_limit = 6, bucket = 7.</summary>
    private static (double Min, double Max, double Num, double Sum, double SumSq, double[] Limits, double[] Counts) Histo(Pb value)
    {
        var h = value.Msg(5);
        return (h.Double(1), h.Double(2), h.Double(3), h.Double(4), h.Double(5), h.PackedDoubles(6), h.PackedDoubles(7));
    }

    [Fact]
    public void HistogramOfATinyInputHasTheHandDerivedBuckets()
    {
        // edges 0, 1, 2, 3: bins [0, 1), [1, 2), [2, 3] hold 0.5 | 1.5, 1.5 | 2, 3; 9 is outside every bin.
        // The first bin is non-empty, so an empty bucket with limit 0 goes in front.
        using (var w = new SummaryWriter(dir))
        {
            w.add_histogram("h", torch.tensor(new[] { 0.5, 1.5, 1.5, 2.0, 3.0, 9.0 }), [0.0, 1.0, 2.0, 3.0], 5);
            // with the tensorflow bins, 1.0 lies in the positive bin [e_k, e_k+1) with e_k = 1e-12 * 1.1^k <= 1
            w.add_histogram("one", torch.tensor(new[] { 1.0f }), 6);
        }
        var values = SummaryValues(EventFileReader.SingleEventFile(dir));
        var h = Histo(values[0].Value);
        Assert.Equal(5, values[0].Event.Int(2));
        Assert.Equal((0.5, 9.0, 6.0, 17.5, 98.75), (h.Min, h.Max, h.Num, h.Sum, h.SumSq));
        Assert.Equal([0.0, 1.0, 2.0, 3.0], h.Limits);
        Assert.Equal([0.0, 1.0, 2.0, 2.0], h.Counts);

        var positive = new List<double>();
        for (double v = 1e-12; v < 1e20; v *= 1.1) positive.Add(v);
        int k = positive.FindLastIndex(e => e <= 1.0);
        var one = Histo(values[1].Value);
        Assert.Equal([positive[k], positive[k + 1]], one.Limits);   // the bin left of it reports e_k, its own e_k+1
        Assert.Equal([0.0, 1.0], one.Counts);
        Assert.Equal((1.0, 1.0, 1.0, 1.0, 1.0), (one.Min, one.Max, one.Num, one.Sum, one.SumSq));
    }

    private static void AssertClose(double expected, double actual)
    {
        if (double.IsNaN(expected)) Assert.True(double.IsNaN(actual), $"expected NaN, got {actual}");
        else Assert.Equal(expected, actual, Math.Abs(expected) * 1e-12 + 1e-12);
    }

    [Fact]
    public void HistogramsMatchPyTorch()
    {
        var cases = Cases("histogram");
        using (var w = new SummaryWriter(dir))
        {
            foreach (var c in cases)
            {
                var values = Reference.Tensor(c.GetProperty("values"));
                int? maxBins = c.GetProperty("max_bins").ValueKind == JsonValueKind.Null ? null : c.GetProperty("max_bins").GetInt32();
                var bins = c.GetProperty("bins");
                if (bins.ValueKind == JsonValueKind.Null) w.add_histogram(c.GetProperty("tag").GetString()!, values, 1, max_bins: maxBins);
                else w.add_histogram(c.GetProperty("tag").GetString()!, values, bins.EnumerateArray().Select(e => e.GetDouble()).ToArray(), 1, max_bins: maxBins);
            }
        }
        var written = SummaryValues(EventFileReader.SingleEventFile(dir));
        Assert.Equal(cases.Length, written.Count);
        for (int i = 0; i < cases.Length; i++)
        {
            var c = cases[i];
            string tag = c.GetProperty("tag").GetString()!;
            Assert.Equal(tag, written[i].Value.Str(1));
            var h = Histo(written[i].Value);
            Assert.Equal(Num(c.GetProperty("min")), h.Min);
            Assert.Equal(Num(c.GetProperty("max")), h.Max);
            Assert.Equal(c.GetProperty("num").GetDouble(), h.Num);
            // NumPy sums pairwise and dots with BLAS: the same sums up to rounding
            AssertClose(Num(c.GetProperty("sum")), h.Sum);
            AssertClose(Num(c.GetProperty("sum_squares")), h.SumSq);
            Assert.Equal(c.GetProperty("bucket_limit").EnumerateArray().Select(Num).ToArray(), h.Limits);
            Assert.Equal(c.GetProperty("bucket").EnumerateArray().Select(e => e.GetDouble()).ToArray(), h.Counts);
        }
    }

    [Fact]
    public void HistogramErrorsAreTyped()
    {
        using var w = new SummaryWriter(dir);
        Assert.Equal("The input has no element.", Assert.Throws<ArgumentException>(() => w.add_histogram("h", torch.zeros(0))).Message);
        Assert.Throws<ArgumentException>(() => w.add_histogram("h", torch.ones(3), bins: "auto"));
        Assert.Throws<ArgumentException>(() => w.add_histogram("h", torch.ones(3), [2.0, 1.0]));
        Assert.Equal("The histogram is empty, please file a bug report.",
            Assert.Throws<ArgumentException>(() => w.add_histogram("h", torch.ones(3) * 10, [0.0, 1.0, 2.0, 3.0])).Message);
        Assert.Throws<ArgumentException>(() => w.add_histogram_raw("h", 0, 1, 1, 1, 1, [1.0], [1.0, 2.0]));
    }

    /// <summary>Decodes the PNGs the writer makes (8-bit, unfiltered rows): signature, IHDR, then the pixels.</summary>
    private static (int Width, int Height, int ColorType, byte[] Pixels) DecodePng(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        int pos = 8, width = 0, height = 0, colorType = -1;
        using var idat = new MemoryStream();
        bool end = false;
        while (!end)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(png, pos + 4, 4);
            var data = png.AsSpan(pos + 8, len);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    Assert.Equal(8, data[8]);
                    colorType = data[9];
                    break;
                case "IDAT": idat.Write(data); break;
                case "IEND": end = true; break;
            }
            pos += 12 + len;
        }
        int channels = colorType switch { 0 => 1, 2 => 3, 4 => 2, 6 => 4, _ => throw new InvalidDataException() };
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        z.CopyTo(raw);
        var rows = raw.ToArray();
        Assert.Equal(height * (1 + width * channels), rows.Length);
        var pixels = new List<byte>();
        for (int y = 0; y < height; y++)
        {
            int start = y * (1 + width * channels);
            Assert.Equal(0, rows[start]);
            pixels.AddRange(rows.AsSpan(start + 1, width * channels).ToArray());
        }
        return (width, height, colorType, pixels.ToArray());
    }

    [Fact]
    public void ImagesMatchPyTorchsPixels()
    {
        var cases = Cases("image");
        using (var w = new SummaryWriter(dir))
        {
            foreach (var c in cases)
            {
                var img = Reference.Tensor(c.GetProperty("image"));
                string fmt = c.GetProperty("dataformats").GetString()!;
                if (fmt.Length == 4) w.add_images(c.GetProperty("tag").GetString()!, img, 2, dataformats: fmt);
                else w.add_image(c.GetProperty("tag").GetString()!, img, 2, dataformats: fmt);
            }
        }
        var written = SummaryValues(EventFileReader.SingleEventFile(dir));
        Assert.Equal(cases.Length, written.Count);
        for (int i = 0; i < cases.Length; i++)
        {
            var c = cases[i];
            Assert.Equal(c.GetProperty("tag").GetString(), written[i].Value.Str(1));
            // Summary.Image: height = 1, width = 2, colorspace = 3, encoded_image_string = 4
            var image = written[i].Value.Msg(4);
            int h = c.GetProperty("height").GetInt32(), wd = c.GetProperty("width").GetInt32(), cs = c.GetProperty("colorspace").GetInt32();
            Assert.Equal((h, wd, cs), ((int)image.Int(1), (int)image.Int(2), (int)image.Int(3)));
            var png = DecodePng(image.Bytes(4));
            Assert.Equal((wd, h), (png.Width, png.Height));
            Assert.Equal(c.GetProperty("mode").GetString() == "RGBA" ? 6 : 2, png.ColorType);
            Assert.Equal(c.GetProperty("pixels").EnumerateArray().Select(e => (byte)e.GetInt32()).ToArray(), png.Pixels);
        }
    }

    public static TheoryData<string> ImageErrorCases() => Reference.CaseNames("tensorboard", c => c.GetProperty("kind").GetString() == "image_error");

    [Theory]
    [MemberData(nameof(ImageErrorCases))]
    public void ImageErrorsUsePyTorchsMessages(string key)
    {
        using var w = new SummaryWriter(dir);
        var c = Reference.Case("tensorboard", key);
        var img = Reference.Tensor(c.GetProperty("image"));
        // PyTorch's check is a Python assert (AssertionError): ArgumentException
        var e = Assert.Throws<ArgumentException>(() => w.add_image("x", img, dataformats: c.GetProperty("dataformats").GetString()!));
        Assert.Equal(c.GetProperty("error").GetString(), e.Message);
    }

    [Fact]
    public void TextIsAStringTensorOfTheTextPlugin()
    {
        var c = Assert.Single(Cases("text"));
        using (var w = new SummaryWriter(dir)) w.add_text("notes", c.GetProperty("text").GetString()!, 3);
        var (evt, v) = Assert.Single(SummaryValues(EventFileReader.SingleEventFile(dir)));
        Assert.Equal(3, evt.Int(2));
        Assert.Equal([1, 8, 9], v.FieldNumbers);
        Assert.Equal(c.GetProperty("tag").GetString(), v.Str(1));
        // SummaryMetadata.plugin_data = 1: plugin_name = 1, content = 2 (TextPluginData version 0: empty)
        var plugin = v.Msg(9).Msg(1);
        Assert.Equal(c.GetProperty("plugin_name").GetString(), plugin.Str(1));
        Assert.Equal(0, c.GetProperty("plugin_version").GetInt32());
        Assert.False(plugin.Has(2));
        // TensorProto: dtype = 1 (DT_STRING = 7), tensor_shape = 2 (dim = 2, size = 1), string_val = 8
        var tensor = v.Msg(8);
        Assert.Equal("DT_STRING", c.GetProperty("dtype").GetString());
        Assert.Equal(7, tensor.Int(1));
        Assert.Equal(c.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray(),
            tensor.Msg(2).Msgs(2).Select(d => d.Int(1)).ToArray());
        Assert.Equal(c.GetProperty("string_val")[0].EnumerateArray().Select(e => (byte)e.GetInt32()).ToArray(), tensor.Bytes(8));
    }

    private static object? HParamValue(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number when e.TryGetInt64(out var l) && !e.GetRawText().Contains('.') => l,
        _ => e.GetDouble(),
    };

    /// <summary>google.protobuf.Value: number_value = 2, string_value = 3, bool_value = 4.</summary>
    private static void AssertValue(JsonElement expected, Pb value)
    {
        var (key, v) = Assert.Single(expected.EnumerateObject().Select(p => (p.Name, p.Value)));
        switch (key)
        {
            case "number_value":
                Assert.Equal([2], value.FieldNumbers);
                Assert.Equal(v.ValueKind == JsonValueKind.True ? 1.0 : v.GetDouble(), value.Double(2));
                break;
            case "string_value": Assert.Equal([3], value.FieldNumbers); Assert.Equal(v.GetString(), value.Str(3)); break;
            default: throw new InvalidDataException(key);
        }
    }

    [Fact]
    public void HParamsMatchPyTorchsExperimentAndSessionInfos()
    {
        var dataTypes = new Dictionary<string, long> { ["DATA_TYPE_STRING"] = 1, ["DATA_TYPE_BOOL"] = 2, ["DATA_TYPE_FLOAT64"] = 3 };
        int run = 0;
        foreach (var c in Cases("hparams"))
        {
            var hp = c.GetProperty("hparams").EnumerateArray().Select(p => KeyValuePair.Create(p[0].GetString()!, HParamValue(p[1]))).ToList();
            var metrics = c.GetProperty("metrics").EnumerateArray().Select(p => KeyValuePair.Create(p[0].GetString()!, p[1].GetDouble())).ToList();
            var domain = c.GetProperty("domain").ValueKind == JsonValueKind.Null ? null
                : c.GetProperty("domain").EnumerateArray().Select(p => KeyValuePair.Create(p[0].GetString()!, p[1].EnumerateArray().Select(e => HParamValue(e)!).ToArray())).ToList();
            string runName = $"run{run++}";
            using (var w = new SummaryWriter(dir)) w.add_hparams(hp, metrics, domain, run_name: runName);

            var values = SummaryValues(EventFileReader.SingleEventFile(Path.Combine(dir, runName)));
            Assert.Equal(3 + metrics.Count, values.Count);
            var tags = c.GetProperty("tags").EnumerateArray().Select(e => e.GetString()).ToArray();
            var contents = new Pb[3];
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal([1, 9], values[i].Value.FieldNumbers);
                Assert.Equal(tags[i], values[i].Value.Str(1));
                var plugin = values[i].Value.Msg(9).Msg(1);
                Assert.Equal(c.GetProperty("plugin")[i].GetString(), plugin.Str(1));
                contents[i] = plugin.Msg(2);   // HParamsPluginData: version = 1 (0, left out), experiment = 2, ...
                Assert.Equal(c.GetProperty("version").GetInt32(), contents[i].Int(1));
            }
            // Experiment: hparam_infos = 4 (HParamInfo: name = 1, type = 4, domain_discrete = 5), metric_infos = 5
            var exp = contents[0].Msg(2);
            var infos = exp.Msgs(4).ToList();
            var expectedInfos = c.GetProperty("hparam_infos").EnumerateArray().ToList();
            Assert.Equal(expectedInfos.Count, infos.Count);
            for (int i = 0; i < infos.Count; i++)
            {
                Assert.Equal(expectedInfos[i].GetProperty("name").GetString(), infos[i].Str(1));
                Assert.Equal(dataTypes[expectedInfos[i].GetProperty("type").GetString()!], infos[i].Int(4));
                var d = expectedInfos[i].GetProperty("domain");
                if (d.ValueKind == JsonValueKind.Null) Assert.False(infos[i].Has(5));
                else
                {
                    var list = infos[i].Msg(5).Msgs(1).ToList();   // ListValue: values = 1
                    Assert.Equal(d.GetArrayLength(), list.Count);
                    for (int j = 0; j < list.Count; j++) AssertValue(d[j], list[j]);
                }
            }
            Assert.Equal(c.GetProperty("metric_tags").EnumerateArray().Select(e => e.GetString()).ToArray(),
                exp.Msgs(5).Select(m => m.Msg(1).Str(2)).ToArray());   // MetricInfo.name = 1, MetricName.tag = 2
            // SessionStartInfo: hparams = 1, map entries of key = 1, value = 2
            var entries = contents[1].Msg(3).Msgs(1).ToList();
            var expectedEntries = c.GetProperty("session_hparams").EnumerateArray().ToList();
            Assert.Equal(expectedEntries.Count, entries.Count);
            for (int i = 0; i < entries.Count; i++)
            {
                Assert.Equal(expectedEntries[i][0].GetString(), entries[i].Str(1));
                AssertValue(expectedEntries[i][1], entries[i].Msg(2));
            }
            // SessionEndInfo: status = 1 (STATUS_SUCCESS = 1)
            Assert.Equal("STATUS_SUCCESS", c.GetProperty("status").GetString());
            Assert.Equal(1, contents[2].Msg(4).Int(1));
            // then each metric as a scalar without a step
            for (int i = 0; i < metrics.Count; i++)
            {
                Assert.Equal(metrics[i].Key, values[3 + i].Value.Str(1));
                Assert.Equal((float)metrics[i].Value, values[3 + i].Value.Float(2));
                Assert.False(values[3 + i].Event.Has(2));
            }
        }
    }

    [Fact]
    public void HParamsRunIsNamedByTheTimeAndBadInputIsRefused()
    {
        double before = Now();
        using (var w = new SummaryWriter(dir))
        {
            w.add_hparams(new Dictionary<string, object?> { ["lr"] = 0.1 }, new Dictionary<string, double> { ["acc"] = 1 });
            Assert.Equal("value should be one of int, float, str, bool, or torch.Tensor",
                Assert.Throws<ArgumentException>(() => w.add_hparams(new Dictionary<string, object?> { ["x"] = new object() }, new Dictionary<string, double>())).Message);
            Assert.Equal("parameter: hparam_domain_discrete[lr] should be a list of same type as hparam_dict[lr].",
                Assert.Throws<ArgumentException>(() => w.add_hparams(new Dictionary<string, object?> { ["lr"] = 0.1 }, new Dictionary<string, double>(),
                    new Dictionary<string, object[]> { ["lr"] = ["a"] })).Message);
        }
        var sub = Assert.Single(Directory.GetDirectories(dir));
        Assert.InRange(double.Parse(Path.GetFileName(sub), System.Globalization.CultureInfo.InvariantCulture), before - 1, Now() + 1);
        Assert.All(SummaryValues(EventFileReader.SingleEventFile(sub)), v => Assert.False(v.Event.Has(2)));

        using (var w = new SummaryWriter(dir))
            w.add_hparams(new Dictionary<string, object?> { ["lr"] = 0.1 }, new Dictionary<string, double> { ["acc"] = 1 }, run_name: "stepped", global_step: 9);
        var stepped = SummaryValues(EventFileReader.SingleEventFile(Path.Combine(dir, "stepped")));
        Assert.Equal(4, stepped.Count);
        Assert.All(stepped, v => Assert.Equal(9, v.Event.Int(2)));
    }

    [Fact]
    public void PurgeStepWritesAFileVersionAndASessionStartAtThatStep()
    {
        using (var w = new SummaryWriter(dir, purge_step: 42)) w.add_scalar("x", 1, 42);
        var events = EventFileReader.Events(EventFileReader.SingleEventFile(dir));
        Assert.Equal(4, events.Count);
        Assert.Equal(("brain.Event:2", 42L), (events[1].Str(3), events[1].Int(2)));
        Assert.Equal(42, events[2].Int(2));
        Assert.Equal(1, events[2].Msg(7).Int(1));   // SessionLog.status = 1: START = 1
        Assert.Equal(42, events[3].Int(2));
    }

    [Fact]
    public void CloseAndDisposeWriteEverythingQueued()
    {
        var w = new SummaryWriter(dir, max_queue: 1000);
        string file = EventFileReader.SingleEventFile(dir);
        for (int i = 0; i < 5; i++) w.add_scalar("x", i, i);
        Assert.Single(EventFileReader.Records(file));   // only the file_version record is on disk yet
        w.flush();
        Assert.Equal(6, EventFileReader.Records(file).Count);
        w.add_scalar("x", 5, 5);
        w.Dispose();
        Assert.Equal(7, EventFileReader.Records(file).Count);
        w.close();   // a second close is harmless
        Assert.Equal(7, EventFileReader.Records(file).Count);
    }

    [Fact]
    public void AQueueOfMaxQueueEventsGoesToDisk()
    {
        using var w = new SummaryWriter(dir, max_queue: 3);
        string file = EventFileReader.SingleEventFile(dir);
        w.add_scalar("x", 1, 1);
        w.add_scalar("x", 2, 2);
        Assert.Single(EventFileReader.Records(file));
        w.add_scalar("x", 3, 3);
        Assert.Equal(4, EventFileReader.Records(file).Count);
        w.add_scalar("x", 4, 4);
        Assert.Equal(4, EventFileReader.Records(file).Count);
    }

    [Fact]
    public void FlushSecsWritesPendingEventsOnATimer()
    {
        using var w = new SummaryWriter(dir, max_queue: 1000, flush_secs: 0.05);
        string file = EventFileReader.SingleEventFile(dir);
        w.add_scalar("x", 1, 1);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (EventFileReader.Records(file).Count < 2 && sw.ElapsedMilliseconds < 5000) Thread.Sleep(10);
        Assert.Equal(2, EventFileReader.Records(file).Count);
    }

    [Fact]
    public void FlushSecsIsANonNegativeNumberOfSeconds()
    {
        Assert.Throws<ArgumentException>(() => new SummaryWriter(dir, flush_secs: -1));
        Assert.Throws<ArgumentException>(() => new SummaryWriter(dir, flush_secs: double.NaN));
        Assert.Empty(Directory.GetFiles(dir));
        // intervals longer than a timer can wait are fine: the queue still goes to disk when full
        using var w = new SummaryWriter(dir, max_queue: 2, flush_secs: double.PositiveInfinity);
        using var w2 = new SummaryWriter(Path.Combine(dir, "long"), flush_secs: 1e9);
        w.add_scalar("x", 1, 1);
        w.add_scalar("x", 2, 2);
        Assert.Equal(3, EventFileReader.Records(EventFileReader.SingleEventFile(dir)).Count);
    }

    [Fact]
    public void AddAfterCloseStartsANewEventFile()
    {
        var w = new SummaryWriter(dir);
        w.add_scalar("x", 1, 1);
        w.close();
        w.add_scalar("x", 2, 2);
        w.close();
        var files = Directory.GetFiles(dir, "events.out.tfevents.*").OrderBy(f => long.Parse(f.Split('.')[^1])).ToArray();
        Assert.Equal(2, files.Length);
        Assert.All(files, f => Assert.Single(SummaryValues(f)));
        Assert.Equal(2.0f, SummaryValues(files[1])[0].Value.Float(2));
    }
}

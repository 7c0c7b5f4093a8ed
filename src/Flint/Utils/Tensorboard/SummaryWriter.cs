using System.Globalization;
using Flint.Tensorboard;

namespace Flint;

public static partial class torch
{
    public static partial class utils
    {
        /// <summary>PyTorch's <c>torch.utils.tensorboard</c>: event files that TensorBoard reads.</summary>
        public static partial class tensorboard
        {
            /// <summary>
            /// Writes scalars, histograms, images, text and hyperparameters to TensorBoard event files, like PyTorch's
            /// <c>torch.utils.tensorboard.SummaryWriter</c>: same directory layout, file names and records. Events are
            /// queued and reach the file when <c>max_queue</c> are waiting, every <c>flush_secs</c>, on
            /// <see cref="flush"/> and on <see cref="close"/> (or <see cref="Dispose"/>).
            /// </summary>
            public sealed class SummaryWriter : IDisposable
            {
                private readonly object gate = new();
                private long? purgeStep;
                private EventFileWriter? fileWriter;
                private Dictionary<string, EventFileWriter>? allWriters;

                /// <summary>The directory the event files go to.</summary>
                public string log_dir { get; }
                /// <summary>The number of events queued before they are written to disk.</summary>
                public int max_queue { get; }
                /// <summary>How often, in seconds, queued events are flushed to disk.</summary>
                public double flush_secs { get; }
                /// <summary>The suffix of the event file's name.</summary>
                public string filename_suffix { get; }

                /// <param name="log_dir">The directory; by default <c>runs/&lt;Mon&gt;&lt;DD&gt;_&lt;HH-MM-SS&gt;_&lt;hostname&gt;&lt;comment&gt;</c> in local time.</param>
                /// <param name="comment">Appended to the default log_dir; ignored when log_dir is given.</param>
                /// <param name="purge_step">Marks events from this step on as superseded (for a run restarted from a checkpoint).</param>
                /// <param name="max_queue">Events queued before they are written to disk.</param>
                /// <param name="flush_secs">How often the queue goes to disk, in seconds.</param>
                /// <param name="filename_suffix">Appended to every event file's name.</param>
                public SummaryWriter(string? log_dir = null, string comment = "", long? purge_step = null, int max_queue = 10, double flush_secs = 120, string filename_suffix = "")
                {
                    if (string.IsNullOrEmpty(log_dir))
                    {
                        string now = DateTime.Now.ToString("MMMdd_HH-mm-ss", CultureInfo.InvariantCulture);
                        log_dir = Path.Combine("runs", now + "_" + EventFileWriter.Hostname() + comment);
                    }
                    this.log_dir = log_dir;
                    purgeStep = purge_step;
                    this.max_queue = max_queue;
                    this.flush_secs = flush_secs;
                    this.filename_suffix = filename_suffix;
                    GetFileWriter();
                }

                /// <summary>The directory the event files go to.</summary>
                public string get_logdir() => log_dir;

                /// <summary>The default event file (created again if the writer was closed).</summary>
                private EventFileWriter GetFileWriter()
                {
                    lock (gate)
                    {
                        if (fileWriter is not null && allWriters is not null) return fileWriter;
                        fileWriter = new EventFileWriter(log_dir, max_queue, flush_secs, filename_suffix);
                        allWriters = new() { [fileWriter.LogDir] = fileWriter };
                        if (purgeStep is long step)
                        {
                            fileWriter.AddEvent(Events.FileVersionEvent(Events.Now(), step));
                            fileWriter.AddEvent(Events.SessionLogEvent(Events.Now(), step, Events.SessionStart));
                            purgeStep = null;
                        }
                        return fileWriter;
                    }
                }

                private static void AddSummary(EventFileWriter writer, byte[] summary, long? global_step, double? walltime) =>
                    writer.AddEvent(Events.SummaryEvent(walltime ?? Events.Now(), global_step, summary));

                /// <summary>A scalar (stored as a float32 simple_value, or with new_style as a tensor of the "scalars" plugin).</summary>
                public void add_scalar(string tag, double scalar_value, long? global_step = null, double? walltime = null, bool new_style = false, bool double_precision = false) =>
                    AddSummary(GetFileWriter(), Summaries.Scalar(tag, scalar_value, new_style, double_precision), global_step, walltime);

                /// <summary>A scalar from a one-element tensor.</summary>
                public void add_scalar(string tag, Tensor scalar_value, long? global_step = null, double? walltime = null, bool new_style = false, bool double_precision = false)
                {
                    if (scalar_value.numel() != 1)
                        throw new ArgumentException($"Tensor should contain one element (0 dimensions). Was given size: {scalar_value.numel()} and {scalar_value.shape.Count(d => d != 1)} dimensions.");
                    add_scalar(tag, scalar_value.ToArray<double>()[0], global_step, walltime, new_style, double_precision);
                }

                /// <summary>
                /// Several scalars in one chart: each goes, under the tag <paramref name="main_tag"/>, to its own event file
                /// in the sub-directory <c>&lt;log_dir&gt;/&lt;main_tag with / as _&gt;_&lt;tag&gt;</c>.
                /// </summary>
                public void add_scalars(string main_tag, IEnumerable<KeyValuePair<string, double>> tag_scalar_dict, long? global_step = null, double? walltime = null)
                {
                    double wall = walltime ?? Events.Now();
                    string fwLogdir = GetFileWriter().LogDir;
                    foreach (var (tag, value) in tag_scalar_dict)
                    {
                        string fwTag = fwLogdir + "/" + main_tag.Replace("/", "_") + "_" + tag;
                        EventFileWriter fw;
                        lock (gate)
                        {
                            GetFileWriter();   // reopens if another thread closed the writer meanwhile
                            if (!allWriters!.TryGetValue(fwTag, out fw!))
                                allWriters[fwTag] = fw = new EventFileWriter(fwTag, max_queue, flush_secs, filename_suffix);
                        }
                        AddSummary(fw, Summaries.Scalar(main_tag, value), global_step, wall);
                    }
                }

                /// <summary>
                /// A histogram of the values. bins "tensorflow" (the default) is TensorBoard's fixed exponential scheme
                /// (edges ±1e-12·1.1^k up to 1e20, and 0); <paramref name="max_bins"/> merges neighbouring bins.
                /// </summary>
                public void add_histogram(string tag, Tensor values, long? global_step = null, string bins = "tensorflow", double? walltime = null, int? max_bins = null)
                {
                    if (bins != "tensorflow")
                        throw new ArgumentException($"bins '{bins}' is not supported: use \"tensorflow\" or pass the bin edges as an array");
                    add_histogram(tag, values, Histogram.TensorflowBins, global_step, walltime, max_bins);
                }

                /// <summary>A histogram over the given bin edges (increasing; NumPy's histogram semantics).</summary>
                public void add_histogram(string tag, Tensor values, double[] bins, long? global_step = null, double? walltime = null, int? max_bins = null)
                {
                    var h = Histogram.Make(values.ToArray<double>(), bins, max_bins);
                    AddSummary(GetFileWriter(), Summaries.Histogram(tag, h), global_step, walltime);
                }

                /// <summary>A histogram from precomputed statistics; each bucket is given by its right edge.</summary>
                public void add_histogram_raw(string tag, double min, double max, double num, double sum, double sum_squares, double[] bucket_limits, double[] bucket_counts, long? global_step = null, double? walltime = null)
                {
                    if (bucket_limits.Length != bucket_counts.Length)
                        throw new ArgumentException("len(bucket_limits) != len(bucket_counts), see the document.");
                    var h = new Histogram(min, max, num, sum, sum_squares, bucket_limits, bucket_counts);
                    AddSummary(GetFileWriter(), Summaries.Histogram(tag, h), global_step, walltime);
                }

                /// <summary>
                /// An image, PNG-encoded: float values in [0, 1] (scaled by 255) or uint8 in [0, 255], laid out as
                /// <paramref name="dataformats"/> says (CHW, HWC, HW, ...; one channel is shown as gray RGB).
                /// </summary>
                public void add_image(string tag, Tensor img_tensor, long? global_step = null, double? walltime = null, string dataformats = "CHW") =>
                    AddSummary(GetFileWriter(), ImageSummary(tag, img_tensor, dataformats), global_step, walltime);

                /// <summary>A batch of images (NCHW by default) tiled into one grid of up to 8 columns.</summary>
                public void add_images(string tag, Tensor img_tensor, long? global_step = null, double? walltime = null, string dataformats = "NCHW") =>
                    AddSummary(GetFileWriter(), ImageSummary(tag, img_tensor, dataformats), global_step, walltime);

                private static byte[] ImageSummary(string tag, Tensor img, string dataformats)
                {
                    var (pixels, h, w, c) = ImageConversion.ToHwc(img, dataformats);
                    return Summaries.Image(tag, h, w, c, Png.Encode(pixels, h, w, c));
                }

                /// <summary>Text (Markdown) for the text plugin, under the tag <c>&lt;tag&gt;/text_summary</c>.</summary>
                public void add_text(string tag, string text_string, long? global_step = null, double? walltime = null) =>
                    AddSummary(GetFileWriter(), Summaries.Text(tag, text_string), global_step, walltime);

                /// <summary>
                /// Hyperparameters and their metrics for the hparams plugin, written like PyTorch to a new run in
                /// <c>&lt;log_dir&gt;/&lt;run_name&gt;</c> (by default the current Unix time): the experiment, session start
                /// and session end summaries, then each metric as a scalar. Values are numbers, bools (recorded as
                /// numbers, as PyTorch does), strings, or one-element tensors; null values are skipped. global_step (PyTorch 2.x)
                /// goes on every event of the run.
                /// </summary>
                public void add_hparams(IEnumerable<KeyValuePair<string, object?>> hparam_dict, IEnumerable<KeyValuePair<string, double>> metric_dict,
                    IEnumerable<KeyValuePair<string, object[]>>? hparam_domain_discrete = null, string? run_name = null, long? global_step = null)
                {
                    var hp = hparam_dict.ToList();
                    var metrics = metric_dict.ToList();
                    var (exp, ssi, sei) = HParams.Make(
                        new OrderedView(hp), metrics.Select(m => m.Key),
                        hparam_domain_discrete?.ToDictionary(p => p.Key, p => p.Value));
                    if (string.IsNullOrEmpty(run_name)) run_name = Events.Now().ToString("R", CultureInfo.InvariantCulture);
                    string logdir = Path.Combine(GetFileWriter().LogDir, run_name);
                    using var w = new SummaryWriter(log_dir: logdir);
                    var fw = w.GetFileWriter();
                    AddSummary(fw, exp, global_step, null);
                    AddSummary(fw, ssi, global_step, null);
                    AddSummary(fw, sei, global_step, null);
                    foreach (var (k, v) in metrics) w.add_scalar(k, v, global_step);
                }

                /// <summary>
                /// The graph of the model's forward on <paramref name="input_to_model"/> for TensorBoard's Graphs tab: a
                /// GraphDef event and the RunMetadata event (tag "step1") PyTorch writes with it. Flint builds the graph
                /// from the module tree and the autograd graph of one forward on the meta device (see
                /// <see cref="GraphBuilder"/>), in eval mode as PyTorch traces; nothing is computed and the model is left
                /// as it was. verbose prints the nodes.
                /// </summary>
                public void add_graph(nn.Module model, Tensor input_to_model, bool verbose = false) => add_graph(model, [input_to_model], verbose);

                /// <summary>The graph of a model with several inputs.</summary>
                public void add_graph(nn.Module model, Tensor[] input_to_model, bool verbose = false)
                {
                    var nodes = GraphBuilder.Build(model, input_to_model);
                    if (verbose)
                        foreach (var n in nodes) Console.WriteLine($"{n.Name} = {n.Op}({string.Join(", ", n.Inputs)})");
                    var fw = GetFileWriter();
                    double wall = Events.Now();
                    fw.AddEvent(Events.GraphEvent(wall, GraphDef.Graph(nodes)));
                    fw.AddEvent(Events.TaggedRunMetadataEvent(wall, "step1", GraphDef.RunMetadata()));
                }

                /// <summary>Writes every queued event of every event file of this writer to disk.</summary>
                public void flush()
                {
                    List<EventFileWriter> writers;
                    lock (gate) writers = allWriters?.Values.ToList() ?? [];
                    foreach (var w in writers) w.Flush();
                }

                /// <summary>Flushes and closes every event file; a later add_* call starts a new event file.</summary>
                public void close()
                {
                    List<EventFileWriter> writers;
                    lock (gate)
                    {
                        writers = allWriters?.Values.ToList() ?? [];
                        fileWriter = null; allWriters = null;
                    }
                    foreach (var w in writers) w.Close();
                }

                /// <inheritdoc/>
                public void Dispose() => close();

                /// <summary>A dictionary view over key/value pairs that keeps their order (the order PyTorch's dicts keep).</summary>
                private sealed class OrderedView(List<KeyValuePair<string, object?>> items) : IReadOnlyDictionary<string, object?>
                {
                    public object? this[string key] => items.First(p => p.Key == key).Value;
                    public IEnumerable<string> Keys => items.Select(p => p.Key);
                    public IEnumerable<object?> Values => items.Select(p => p.Value);
                    public int Count => items.Count;
                    public bool ContainsKey(string key) => items.Any(p => p.Key == key);
                    public bool TryGetValue(string key, out object? value)
                    {
                        foreach (var p in items) if (p.Key == key) { value = p.Value; return true; }
                        value = null; return false;
                    }
                    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => items.GetEnumerator();
                    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
                }
            }
        }
    }
}

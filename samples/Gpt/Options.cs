using System.Globalization;

namespace Gpt;

/// <summary>The sample's command line: the model's sizes, the run's settings and what to do after training.</summary>
public sealed class Options
{
    public GPTConfig Model { get; private set; } = new();
    public TrainConfig Train { get; private set; } = new();
    /// <summary>A UTF-8 text file to train on instead of the bundled one.</summary>
    public string? Data { get; private set; }
    /// <summary>Skip training: load this state_dict and only sample.</summary>
    public string? Load { get; private set; }
    public string Checkpoint { get; private set; } = "gpt.pth";
    public string CurvesPath { get; private set; } = "gpt-curves.png";
    public int SampleChars { get; private set; } = 600;
    public double Temperature { get; private set; } = 0.8;
    public long? TopK { get; private set; } = 20;
    public string Prompt { get; private set; } = "\n";
    public int? Threads { get; private set; }
    public bool Help { get; private set; }

    public const string Usage = """
        Usage: Gpt [options]

        A character-level GPT (nanoGPT's model): trains on the bundled King James New Testament (or --data FILE),
        prints the train/val loss as it goes, saves the weights to gpt.pth (torch.save of the state_dict) and the
        loss curves to gpt-curves.png, then writes text sampled from the model.

        Model:
          --n-layer N             transformer blocks (default 4)
          --n-head N              attention heads (default 4)
          --n-embd N              embedding width, a multiple of --n-head (default 128)
          --block-size N          context length in characters (default 64)
          --dropout X             dropout probability in [0, 1) (default 0)
          --untied                a head of its own instead of the token embedding's weight
        Training:
          --steps N               optimizer steps (default 2000)
          --batch-size N          sequences per step (default 16)
          --lr X                  peak learning rate of AdamW (default 1e-3)
          --min-lr X              the lr the cosine decay ends at (default 1e-4)
          --warmup N              steps of linear warm-up (default 100, or a tenth of fewer --steps)
          --weight-decay X        AdamW's decay of the 2-D weights (default 0.1)
          --grad-clip X           clip the gradients' norm to X; 0: no clipping (default 1)
          --eval-interval N       evaluate both splits every N steps (default 250)
          --eval-iters N          batches per evaluation; 0: none (default 20)
          --seed N                seed of the weights (torch.manual_seed) and of the batches (default 1337)
          --data FILE             train on this UTF-8 text (split 90/10) instead of the bundled one
          --threads N             CPU threads for the kernels (default: all cores)
        Output:
          --checkpoint FILE       where to save the state_dict (default gpt.pth)
          --curves FILE           where to draw the loss curves (default gpt-curves.png)
          --load FILE             no training: load this state_dict (of the same sizes) and sample
          --sample N              characters to sample after training (default 600)
          --temperature X         divide the logits by X before sampling (default 0.8)
          --top-k N               sample among the N most likely characters; 0: all (default 20)
          --prompt TEXT           the text the sample continues (default a newline)
          -h, --help              this text
        """;

    /// <summary>Parses the arguments; null (after printing why to <paramref name="error"/>) when they are wrong.</summary>
    public static Options? Parse(string[] args, TextWriter output, TextWriter error)
    {
        var o = new Options();
        var setters = new Dictionary<string, Action<string>>(StringComparer.Ordinal)
        {
            ["--n-layer"] = v => o.Model = o.Model with { n_layer = Int(v, 1) },
            ["--n-head"] = v => o.Model = o.Model with { n_head = Int(v, 1) },
            ["--n-embd"] = v => o.Model = o.Model with { n_embd = Int(v, 1) },
            ["--block-size"] = v => o.Model = o.Model with { block_size = Int(v, 1) },
            ["--dropout"] = v => o.Model = o.Model with { dropout = Real(v, 0, 1, closedTop: false) },
            ["--steps"] = v => o.Train = o.Train with { max_iters = Int(v, 1) },
            ["--batch-size"] = v => o.Train = o.Train with { batch_size = Int(v, 1) },
            ["--lr"] = v => o.Train = o.Train with { learning_rate = Positive(v) },
            ["--min-lr"] = v => o.Train = o.Train with { min_lr = Real(v, 0, double.MaxValue) },
            ["--warmup"] = v => o.Train = o.Train with { warmup_iters = Int(v, 0) },
            ["--weight-decay"] = v => o.Train = o.Train with { weight_decay = Real(v, 0, double.MaxValue) },
            ["--grad-clip"] = v => o.Train = o.Train with { grad_clip = Real(v, 0, double.MaxValue) },
            ["--eval-interval"] = v => o.Train = o.Train with { eval_interval = Int(v, 1) },
            ["--eval-iters"] = v => o.Train = o.Train with { eval_iters = Int(v, 0) },
            ["--seed"] = v => o.Train = o.Train with { seed = long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : throw new FormatException($"expects an integer, got '{v}'") },
            ["--data"] = v => o.Data = v,
            ["--threads"] = v => o.Threads = Int(v, 1),
            ["--checkpoint"] = v => o.Checkpoint = v,
            ["--curves"] = v => o.CurvesPath = v,
            ["--load"] = v => o.Load = v,
            ["--sample"] = v => o.SampleChars = Int(v, 0),
            ["--temperature"] = v => o.Temperature = Positive(v),
            ["--top-k"] = v => o.TopK = Int(v, 0) is var k && k == 0 ? null : k,
            ["--prompt"] = v => o.Prompt = v.Length > 0 ? v : throw new FormatException("expects a non-empty text"),
        };
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg is "-h" or "--help") { output.WriteLine(Usage); o.Help = true; return o; }
            if (arg == "--untied") { o.Model = o.Model with { tie_weights = false }; continue; }
            string? value = null;
            int eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0) (arg, value) = (arg[..eq], arg[(eq + 1)..]);
            if (!setters.TryGetValue(arg, out var set)) return Fail(error, $"unknown option '{args[i]}'");
            if (value is null)
            {
                if (i + 1 >= args.Length) return Fail(error, $"{arg} expects a value");
                value = args[++i];
            }
            try { set(value); }
            catch (FormatException e) { return Fail(error, $"{arg} {e.Message}"); }
        }
        if (o.Model.n_embd % o.Model.n_head != 0)
            return Fail(error, $"--n-embd ({o.Model.n_embd}) must be a multiple of --n-head ({o.Model.n_head})");
        if (!args.Any(a => a == "--warmup" || a.StartsWith("--warmup=", StringComparison.Ordinal)) && o.Train.warmup_iters >= o.Train.max_iters)
            o.Train = o.Train with { warmup_iters = o.Train.max_iters / 10 };
        if (o.Train.warmup_iters >= o.Train.max_iters)
            return Fail(error, $"--warmup ({o.Train.warmup_iters}) must be less than --steps ({o.Train.max_iters})");
        return o;
    }

    private static Options? Fail(TextWriter error, string message)
    {
        error.WriteLine($"error: {message}\n\n{Usage}");
        return null;
    }

    private static int Int(string v, int min) =>
        int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int x) && x >= min ? x
            : throw new FormatException($"expects an integer >= {min}, got '{v}'");

    private static double Positive(string v) =>
        double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && x > 0 && double.IsFinite(x) ? x
            : throw new FormatException($"expects a positive number, got '{v}'");

    private static double Real(string v, double min, double max, bool closedTop = true) =>
        double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && x >= min && (closedTop ? x <= max : x < max) && double.IsFinite(x) ? x
            : throw new FormatException($"expects a number in [{min.ToString(CultureInfo.InvariantCulture)}, {(max == double.MaxValue ? "inf" : max.ToString(CultureInfo.InvariantCulture))}{(closedTop ? "]" : ")")}, got '{v}'");
}

using System.Text.Json;
using Flint.Tests.Support;
using Gpt;
using Xunit;
using Xunit.Abstractions;

namespace Flint.Tests.Samples;

/// <summary>
/// The Gpt sample against its PyTorch twin (tools/gpt/gpt.py, recorded by tools/refs/gen_gpt.py on a small model of
/// the sample's shape): the same init from the same seed, the same first 50 training losses, PyTorch's checkpoint
/// loading in Flint with PyTorch's logits and samples, and Flint writing the bytes PyTorch writes.
/// </summary>
[Collection("GlobalGenerator")]
public class GptTests(ITestOutputHelper log)
{
    private const string File = "gpt";
    private static readonly string PtDir = Path.Combine(AppContext.BaseDirectory, "References", "pt");
    private static readonly Lazy<Corpus> Bundled = new(Corpus.Bundled);

    private static JsonElement Setup => Reference.Case(File, "setup");

    public static TheoryData<bool> Ties => new() { true, false };

    private static string TieName(bool tie) => tie ? "tied" : "untied";

    private static GPTConfig Config(bool tie)
    {
        var m = Setup.GetProperty("model");
        return new GPTConfig
        {
            block_size = m.GetProperty("block_size").GetInt64(), n_layer = m.GetProperty("n_layer").GetInt32(),
            n_head = m.GetProperty("n_head").GetInt64(), n_embd = m.GetProperty("n_embd").GetInt64(),
            dropout = m.GetProperty("dropout").GetDouble(), vocab_size = Bundled.Value.vocab_size, tie_weights = tie,
        };
    }

    private static TrainConfig Run()
    {
        var r = Setup.GetProperty("run");
        return new TrainConfig
        {
            max_iters = r.GetProperty("max_iters").GetInt32(), batch_size = r.GetProperty("batch_size").GetInt64(),
            learning_rate = r.GetProperty("learning_rate").GetDouble(), min_lr = r.GetProperty("min_lr").GetDouble(),
            warmup_iters = r.GetProperty("warmup_iters").GetInt32(), weight_decay = r.GetProperty("weight_decay").GetDouble(),
            beta1 = r.GetProperty("betas")[0].GetDouble(), beta2 = r.GetProperty("betas")[1].GetDouble(),
            grad_clip = r.GetProperty("grad_clip").GetDouble(), eval_interval = r.GetProperty("eval_interval").GetInt32(),
            eval_iters = r.GetProperty("eval_iters").GetInt32(), seed = r.GetProperty("seed").GetInt64(),
        };
    }

    /// <summary>torch.manual_seed(seed) then GPT(config), as the sample and the twin build it.</summary>
    private static GPT Seeded(bool tie)
    {
        torch.manual_seed(Run().seed);
        return new GPT(Config(tie));
    }

    private static GPT LoadedFromPyTorch(bool tie)
    {
        var model = new GPT(Config(tie));
        model.load_state_dict(torch.load_state_dict(Path.Combine(PtDir, $"gpt_{TieName(tie)}.pt")));
        model.eval();
        return model;
    }

    // ---------------------------------------------------------------- the text

    [Fact]
    public void TheBundledTextSplits90To10WithPyTorchsVocabulary()
    {
        var c = Bundled.Value;
        Assert.Equal(Setup.GetProperty("vocab").GetString(), new string(c.chars));
        Assert.Equal(Setup.GetProperty("train_tokens").GetInt64(), c.train_data.numel());
        Assert.Equal(Setup.GetProperty("val_tokens").GetInt64(), c.val_data.numel());
        Assert.Equal(torch.int64, c.train_data.dtype);
        Assert.StartsWith("Matthew 1\n\n1 The book of the generation of Jesus Christ", c.text);
        Assert.EndsWith("21 The grace of our Lord Jesus Christ be with you all. Amen.\n", c.text);
        Assert.Equal("Amen.", c.decode(c.encode("Amen.")));
        Assert.Equal(c.text[..200], c.decode(c.train_data.narrow(0, 0, 200)));
        var e = Assert.Throws<ArgumentException>(() => c.encode("naïve"));
        Assert.Equal("the character 'ï' (U+00EF) is not in the vocabulary", e.Message);
    }

    [Fact]
    public void BatchesAreWindowsAndTheirNextTokens()
    {
        var data = torch.arange(100);
        var (x, y) = Corpus.get_batch(data, 5, 8, new Generator().manual_seed(3));
        Assert.Equal(new long[] { 5, 8 }, x.shape.ToArray());
        Assert.True(torch.equal(x + 1, y));                                      // data[i] = i: y is x shifted by one
        Assert.True(torch.equal(x.select(1, 0).unsqueeze(1) + torch.arange(8), x));
        // the starts are one randint(len - block, (B,)) from the generator, as the twin draws them
        Assert.True(torch.equal(torch.randint(92, [5], generator: new Generator().manual_seed(3)), x.select(1, 0)));
        var e = Assert.Throws<ArgumentException>(() => Corpus.get_batch(torch.arange(8), 2, 8));
        Assert.Equal("the data (8 tokens) must be longer than block_size (8)", e.Message);
    }

    // ---------------------------------------------------------------- the model against PyTorch

    [Theory]
    [MemberData(nameof(Ties))]
    public void TheInitIsPyTorchsFromTheSameSeed(bool tie)
    {
        var rec = Reference.Case(File, $"init/{TieName(tie)}");
        var model = Seeded(tie);
        var sd = model.state_dict();
        var expected = rec.GetProperty("params").EnumerateArray().ToArray();
        Assert.Equal(expected.Select(p => p.GetProperty("name").GetString()), sd.Keys);
        Assert.Equal(rec.GetProperty("named_parameters").EnumerateArray().Select(n => n.GetString()), model.named_parameters().Select(p => p.name));
        Assert.Equal(rec.GetProperty("num_params").GetInt64(), model.get_num_params());
        foreach (var p in expected)
        {
            string name = p.GetProperty("name").GetString()!;
            var t = sd[name];
            Assert.Equal(p.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()), t.shape.ToArray());
            // the same draws from the same generator: the values are PyTorch's, bit for bit
            Reference.AssertClose(Reference.Tensor(p.GetProperty("first")), t.reshape(-1).narrow(0, 0, Math.Min(8, t.numel())), name, rtol: 0, atol: 0);
            Assert.Equal(p.GetProperty("sum").GetDouble(), t.to(torch.float64).sum().item<double>(), 1e-9);
        }
        if (tie) Assert.Same(sd["transformer.wte.weight"].untyped_storage(), sd["lm_head.weight"].untyped_storage());
    }

    /// <summary>
    /// The sample's loop and the twin's, from the same init and batches: 50 losses and lrs, and the evaluations.
    /// Float32 through 50 AdamW steps: Flint's kernels sum in other orders than PyTorch's, so the weights differ by
    /// rounding, and the differences could grow from step to step; measured, the losses stay within one float32 ulp
    /// of PyTorch's (4.8e-7 at a loss of 4), and the tolerance, 1e-5, is twenty such ulps: a real difference (a wrong
    /// init, batch, lr, clip or gradient) moves the losses by 1e-3 or more within a few steps.
    /// </summary>
    [Theory]
    [MemberData(nameof(Ties))]
    public void TheFirst50LossesArePyTorchs(bool tie)
    {
        var rec = Reference.Case(File, $"train/{TieName(tie)}");
        var model = Seeded(tie);
        var history = Training.Train(model, Bundled.Value, Run(), TextWriter.Null);
        var losses = rec.GetProperty("losses").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var lrs = rec.GetProperty("lrs").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(50, losses.Length);
        Assert.Equal(losses.Length, history.train.Count);
        double worst = 0;
        for (int i = 0; i < losses.Length; i++)
        {
            Assert.Equal(lrs[i], history.lr[i], 1e-15);
            worst = Math.Max(worst, Math.Abs(history.train[i] - losses[i]));
            Assert.True(Math.Abs(history.train[i] - losses[i]) <= LossTolerance, $"step {i}: loss {history.train[i]:R} != PyTorch's {losses[i]:R}");
        }
        log.WriteLine($"{TieName(tie)}: the 50 losses differ from PyTorch's by at most {worst:G3}");
        Assert.True(losses[^1] < losses[0] - 0.5, "the recorded run learns");
        var evals = rec.GetProperty("evals").EnumerateArray().ToArray();
        Assert.Equal(evals.Select(e => e.GetProperty("step").GetInt32()), history.evals.Select(e => e.step));
        for (int i = 0; i < evals.Length; i++)
        {
            Assert.True(Math.Abs(evals[i].GetProperty("train").GetDouble() - history.evals[i].train) <= LossTolerance, $"eval {i} (train)");
            Assert.True(Math.Abs(evals[i].GetProperty("val").GetDouble() - history.evals[i].val) <= LossTolerance, $"eval {i} (val)");
        }
    }

    private const double LossTolerance = 1e-5;

    [Theory]
    [MemberData(nameof(Ties))]
    public void PyTorchsCheckpointLoadsAndGivesItsLogitsAndSamples(bool tie)
    {
        var rec = Reference.Case(File, $"logits/{TieName(tie)}");
        var model = LoadedFromPyTorch(tie);
        Assert.Equal(rec.GetProperty("keys").EnumerateArray().Select(k => k.GetString()), model.state_dict().Keys);
        using (torch.no_grad())
            Reference.AssertClose(Reference.Tensor(rec.GetProperty("logits")), model.call(Reference.Tensor(rec.GetProperty("x"))), "logits", atol: 2e-5);
        var s = Setup.GetProperty("sample");
        var generator = new Generator().manual_seed(s.GetProperty("seed").GetInt64());
        var prompt = torch.tensor(Bundled.Value.encode(s.GetProperty("prompt").GetString()!)).view(1, -1);
        var output = model.generate(prompt, s.GetProperty("max_new_tokens").GetInt64(), s.GetProperty("temperature").GetDouble(),
            s.GetProperty("top_k").GetInt64(), generator);
        Assert.Equal(rec.GetProperty("sample").GetString(), Bundled.Value.decode(output[0]));
    }

    /// <summary>
    /// Flint's torch.save of the state_dict it loaded from PyTorch's checkpoint is, byte for byte, what PyTorch's
    /// torch.save writes for those tensors (shared storage of the tied head included), so PyTorch loads Flint's
    /// checkpoint as its own: gives the logits above. (PyTorch's file also pickles the state_dict's _metadata,
    /// which Flint's loader drops; the byte reference is the same tensors in a plain OrderedDict.)
    /// </summary>
    [Theory]
    [MemberData(nameof(Ties))]
    public void FlintSavesTheBytesPyTorchSaves(bool tie)
    {
        var rec = Reference.Case(File, $"logits/{TieName(tie)}");
        var model = LoadedFromPyTorch(tie);
        string file = rec.GetProperty("bytes_file").GetString()!;
        var dir = Directory.CreateTempSubdirectory("flint_gpt");
        try
        {
            var path = Path.Combine(dir.FullName, file);
            torch.save(model.state_dict(), path);
            var expected = System.IO.File.ReadAllBytes(Path.Combine(PtDir, file));
            var actual = System.IO.File.ReadAllBytes(path);
            int first = Enumerable.Range(0, Math.Min(expected.Length, actual.Length)).FirstOrDefault(i => expected[i] != actual[i], -1);
            Assert.True(expected.Length == actual.Length && first < 0,
                $"Flint wrote {actual.Length} bytes, PyTorch {expected.Length}; first difference at byte {first}");
        }
        finally { dir.Delete(true); }
    }

    /// <summary>A model trained in Flint, saved and loaded again, gives the same logits; with FLINT_GPT_OUT=dir the
    /// checkpoint and its logits are written there for <c>gen_gpt.py --verify dir/gpt_*.pt</c> (PyTorch loads it).</summary>
    [Theory]
    [MemberData(nameof(Ties))]
    public void FlintsCheckpointRoundTrips(bool tie)
    {
        var model = Seeded(tie);
        Training.Train(model, Bundled.Value, Run() with { max_iters = 5, warmup_iters = 1, eval_iters = 0 }, TextWriter.Null);
        model.eval();
        var x = Reference.Tensor(Reference.Case(File, $"logits/{TieName(tie)}").GetProperty("x"));
        using var _ = torch.no_grad();
        var logits = model.call(x);
        var ms = new MemoryStream();
        torch.save(model.state_dict(), ms);
        ms.Position = 0;
        var loaded = new GPT(Config(tie));
        loaded.load_state_dict(torch.load_state_dict(ms));
        loaded.eval();
        Assert.True(torch.equal(logits, loaded.call(x)));
        if (tie) Assert.Same(loaded.state_dict()["transformer.wte.weight"].untyped_storage(), loaded.state_dict()["lm_head.weight"].untyped_storage());
        if (Environment.GetEnvironmentVariable("FLINT_GPT_OUT") is { Length: > 0 } outDir)
        {
            Directory.CreateDirectory(outDir);
            var path = Path.Combine(outDir, $"gpt_{TieName(tie)}_flint.pt");
            torch.save(model.state_dict(), path);
            System.IO.File.WriteAllText(path + ".logits.json", JsonSerializer.Serialize(new { logits = logits.reshape(-1).ToArray<float>() }));
        }
    }

    // ---------------------------------------------------------------- the sample's parts

    [Fact]
    public void TheModelRefusesWhatItCannotDo()
    {
        var model = new GPT(Config(true));
        var e = Assert.Throws<ArgumentException>(() => model.call(torch.zeros([1, 17], dtype: torch.int64)));
        Assert.Equal("Cannot forward sequence of length 17, block size is only 16", e.Message);
        Assert.Equal("n_embd (30) must be divisible by n_head (4)",
            Assert.Throws<ArgumentException>(() => new GPT(Config(true) with { n_embd = 30, n_head = 4 })).Message);
        var idx = torch.zeros([1, 1], dtype: torch.int64);
        Assert.Equal("temperature must be positive, got 0", Assert.Throws<ArgumentException>(() => model.generate(idx, 1, temperature: 0)).Message);
        Assert.Equal("top_k must be at least 1, got 0", Assert.Throws<ArgumentException>(() => model.generate(idx, 1, top_k: 0)).Message);
        // the context is cropped to block_size as generation runs past it
        Assert.Equal(new long[] { 1, 21 }, model.generate(idx, 20, generator: new Generator().manual_seed(0)).shape.ToArray());
    }

    [Fact]
    public void TheHeadIsTiedOrNot()
    {
        var tied = new GPT(Config(true));
        var untied = new GPT(Config(false));
        Assert.Equal(tied.parameters().Count() + 1, untied.parameters().Count());
        Assert.Contains(tied.named_parameters(), p => p.name == "transformer.wte.weight");
        Assert.DoesNotContain(tied.named_parameters(), p => p.name == "lm_head.weight");   // named once, as in PyTorch
        Assert.Contains("lm_head.weight", tied.state_dict().Keys);
        // AdamW's groups: weight decay on the 2-D weights only
        var opt = tied.configure_optimizers(0.1, 1e-3, (0.9, 0.99));
        Assert.Equal(2, opt.param_groups.Count);
        Assert.All(opt.param_groups[0].@params, p => Assert.True(p.dim() >= 2));
        Assert.All(opt.param_groups[1].@params, p => Assert.True(p.dim() < 2));
        Assert.Equal(0.1, (double)opt.param_groups[0]["weight_decay"]);
        Assert.Equal(0.0, (double)opt.param_groups[1]["weight_decay"]);
        Assert.Equal(tied.parameters().Count(), opt.param_groups.Sum(g => g.@params.Count));
    }

    [Fact]
    public void TheScheduleWarmsUpLinearlyThenDecaysByCosine()
    {
        var p = new Parameter(torch.zeros(1));
        var opt = torch.optim.AdamW([p], lr: 1.0);
        var s = Training.Schedule(opt, warmup_iters: 4, max_iters: 14, min_lr: 0.1);
        var lrs = new List<double>();
        for (int i = 0; i < 14; i++) { lrs.Add(opt.param_groups[0].lr); opt.step(); s.step(); }
        // nanoGPT's get_lr: lr * (it + 1) / (warmup + 1), then min + (lr - min) * (1 + cos(pi * (it - warmup) / (max - warmup))) / 2
        for (int it = 0; it < 14; it++)
        {
            double expected = it < 4 ? (it + 1) / 5.0 : 0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * (it - 4) / 10));
            Assert.Equal(expected, lrs[it], 1e-12);
        }
        Assert.Equal("warmup_iters must be in [0, max_iters), got 5 with max_iters 5",
            Assert.Throws<ArgumentException>(() => Training.Schedule(opt, 5, 5, 0)).Message);
    }

    [Fact]
    public void OptionsParseAndReject()
    {
        var o = Options.Parse(["--n-layer", "2", "--n-head=2", "--n-embd", "64", "--block-size", "32", "--dropout", "0.1", "--untied",
            "--steps", "300", "--batch-size", "8", "--lr", "3e-4", "--warmup", "20", "--seed", "7", "--top-k", "0", "--prompt", "And"], TextWriter.Null, TextWriter.Null)!;
        Assert.Equal(new GPTConfig { n_layer = 2, n_head = 2, n_embd = 64, block_size = 32, dropout = 0.1, tie_weights = false }, o.Model);
        Assert.Equal((300, 8L, 3e-4, 20, 7L), (o.Train.max_iters, o.Train.batch_size, o.Train.learning_rate, o.Train.warmup_iters, o.Train.seed));
        Assert.Null(o.TopK);
        Assert.Equal("And", o.Prompt);
        var d = Options.Parse([], TextWriter.Null, TextWriter.Null)!;
        Assert.Equal(new GPTConfig(), d.Model);
        Assert.Equal(new TrainConfig(), d.Train);
        Assert.Equal((4, 4L, 128L, 64L, 16L), (d.Model.n_layer, d.Model.n_head, d.Model.n_embd, d.Model.block_size, d.Train.batch_size));
        Assert.Equal(10, Options.Parse(["--steps", "100"], TextWriter.Null, TextWriter.Null)!.Train.warmup_iters);   // a tenth of few steps
        Assert.True(Options.Parse(["--help"], TextWriter.Null, TextWriter.Null)!.Help);
        foreach (var (bad, why) in new (string[], string)[]
        {
            (["--steps", "x"], "--steps expects an integer >= 1, got 'x'"), (["--n-embd", "100", "--n-head", "3"], "--n-embd (100) must be a multiple of --n-head (3)"),
            (["--dropout", "1"], "--dropout expects a number in [0, 1), got '1'"), (["--frobnicate"], "unknown option '--frobnicate'"),
            (["--lr"], "--lr expects a value"), (["--steps", "50", "--warmup", "50"], "--warmup (50) must be less than --steps (50)"),
            (["--prompt", ""], "--prompt expects a non-empty text"),
        })
        {
            var err = new StringWriter();
            Assert.Null(Options.Parse(bad, TextWriter.Null, err));
            Assert.StartsWith($"error: {why}\n", err.ToString().Replace("\r\n", "\n"));
        }
    }

    [Fact]
    public void TheCurvesChartDrawsLossAndLr()
    {
        var h = new History();
        for (int i = 0; i < 200; i++) { h.train.Add(4 - i * 0.01); h.lr.Add(1e-3 * Math.Min(1, (i + 1) / 20.0)); }
        h.evals.Add((0, 4.1, 4.2));
        h.evals.Add((200, 2.1, 2.3));
        string path = Path.Combine(Path.GetTempPath(), $"flint-gpt-curves-{Guid.NewGuid():N}.png");
        try
        {
            Curves.Save(h, path, "TEST CHART");
            var png = Flint.Tests.Utils.PngTests.Decode(System.IO.File.ReadAllBytes(path));
            Assert.Equal((1000, 460), (png.Width, png.Height));
            int blue = 0, orange = 0, green = 0;
            for (int i = 0; i < png.Pixels.Length; i += 3)
            {
                var p = (png.Pixels[i], png.Pixels[i + 1], png.Pixels[i + 2]);
                if (p == (31, 119, 180)) blue++;
                if (p == (230, 110, 20)) orange++;
                if (p == (44, 160, 44)) green++;
            }
            Assert.True(blue > 200 && orange > 50 && green > 200, $"blue {blue}, orange {orange}, green {green}");
        }
        finally { System.IO.File.Delete(path); }
        var smooth = Curves.Smooth([(0, 1), (1, 3)], 0.5);
        Assert.Equal([(0.0, 1.0), (1.0, (0.5 * 0.5 + 0.5 * 3) / 0.75)], smooth);
    }

    /// <summary>The sample's program end to end on a tiny model: trains, saves, draws, samples; then loads what it saved.</summary>
    [Fact]
    public void TheProgramTrainsSavesAndSamples()
    {
        var dir = Directory.CreateTempSubdirectory("flint_gpt_run");
        try
        {
            string pth = Path.Combine(dir.FullName, "gpt.pth"), png = Path.Combine(dir.FullName, "curves.png");
            string[] size = ["--n-layer", "1", "--n-head", "2", "--n-embd", "16", "--block-size", "8"];
            var (rc, text) = RunMain([.. size, "--steps", "3", "--eval-iters", "1", "--batch-size", "2", "--sample", "10", "--checkpoint", pth, "--curves", png]);
            Assert.Equal(0, rc);
            Assert.True(System.IO.File.Exists(pth) && System.IO.File.Exists(png));
            foreach (var line in (string[])["vocabulary of 73", "step 0: train loss ", "step 3: train loss ", $"Saved the state_dict to {pth}",
                "---------------- 10 characters sampled (temperature 0.8, top-k 20)"])
                Assert.Contains(line, text);
            (rc, text) = RunMain([.. size, "--load", pth, "--sample", "5"]);
            Assert.Equal(0, rc);
            Assert.Contains($"Loaded the state_dict from {pth}", text);
            (rc, text) = RunMain([.. size, "--load", Path.Combine(dir.FullName, "missing.pth")]);
            Assert.Equal(1, rc);
            Assert.Contains("error: --load ", text);
            Assert.Equal(2, RunMain(["--steps", "-1"]).rc);
        }
        finally { dir.Delete(true); }
    }

    /// <summary>Runs the sample's Main with the console's output and error captured.</summary>
    private static (int rc, string text) RunMain(string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        var capture = new StringWriter();
        Console.SetOut(capture);
        Console.SetError(capture);
        try { return ((int)typeof(GPT).Assembly.EntryPoint!.Invoke(null, [args])!, capture.ToString()); }
        finally { Console.SetOut(stdout); Console.SetError(stderr); }
    }
}

// A character-level GPT in nanoGPT's shape, trained on the King James New Testament, then sampled.
//   dotnet run -c Release --project samples/Gpt                     4 layers, 4 heads, n_embd 128, block 64, 2000 steps
//   dotnet run -c Release --project samples/Gpt -- --help           the options
//   dotnet run -c Release --project samples/Gpt -- --load gpt.pth   sample from a saved model
// tools/gpt/gpt.py is the same model and loop in PyTorch; with the same seed both draw the same weights and batches.
using System.Text;
using Flint;
using Gpt;
using static Flint.torch;

var options = Options.Parse(args, Console.Out, Console.Error);
if (options is null) return 2;
if (options.Help) return 0;
if (options.Threads is int threads) set_num_threads(threads);

// ---------------------------------------------------------------- the text
Corpus corpus;
try { corpus = options.Data is null ? Corpus.Bundled() : new Corpus(File.ReadAllText(options.Data, Encoding.UTF8)); }
catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
{
    Console.Error.WriteLine($"error: --data {options.Data}: {e.Message}");
    return 1;
}
Console.WriteLine($"{(options.Data ?? "The King James Version's New Testament (bundled)")}: {corpus.text.Length:N0} characters, " +
    $"vocabulary of {corpus.vocab_size}; {corpus.train_data.numel():N0} to train on, {corpus.val_data.numel():N0} to validate");

// ---------------------------------------------------------------- the model
manual_seed(options.Train.seed);
var config = options.Model with { vocab_size = corpus.vocab_size };
var model = new GPT(config);
Console.WriteLine($"number of parameters: {model.get_num_params() / 1e6:0.00}M ({config.n_layer} layers, {config.n_head} heads, " +
    $"n_embd {config.n_embd}, block {config.block_size}, head {(config.tie_weights ? "tied to the token embedding" : "untied")}; " +
    $"{get_num_threads()} threads)");

if (options.Load is { } load)
{
    try { model.load_state_dict(load_state_dict(load)); }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException)
    {
        Console.Error.WriteLine($"error: --load {load}: {e.Message}");
        return 1;
    }
    Console.WriteLine($"Loaded the state_dict from {load}");
}
else
{
    // ------------------------------------------------------------ training
    var started = DateTime.UtcNow;
    var history = Training.Train(model, corpus, options.Train);
    Console.WriteLine($"Done! {options.Train.max_iters} steps in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");

    save(model.state_dict(), options.Checkpoint);
    Console.WriteLine($"Saved the state_dict to {options.Checkpoint}");
    Curves.Save(history, options.CurvesPath, $"CHARACTER GPT: {config.n_layer} LAYERS, {config.n_head} HEADS, WIDTH {config.n_embd}, {options.Train.max_iters} STEPS");
    Console.WriteLine($"Saved the loss curves to {options.CurvesPath}");
}

// ---------------------------------------------------------------- sampling
if (options.SampleChars > 0)
{
    long[] prompt;
    try { prompt = corpus.encode(options.Prompt); }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine($"error: --prompt: {e.Message}");
        return 1;
    }
    model.eval();
    var generator = new Generator().manual_seed(options.Train.seed);
    var idx = tensor(prompt).view(1, -1);
    var output = model.generate(idx, options.SampleChars, options.Temperature, options.TopK, generator);
    Console.WriteLine($"---------------- {options.SampleChars} characters sampled (temperature {options.Temperature}, top-k {options.TopK?.ToString() ?? "all"})");
    Console.WriteLine(corpus.decode(output[0]));
    Console.WriteLine("----------------");
}
return 0;

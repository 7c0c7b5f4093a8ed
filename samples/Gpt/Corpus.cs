using System.Reflection;
using Flint;
using static Flint.torch;

namespace Gpt;

/// <summary>
/// A text as characters: the vocabulary is its distinct characters in code-point order (nanoGPT's
/// shakespeare_char/prepare.py), the first 90% of it trains, the last 10% validates.
/// </summary>
public sealed class Corpus
{
    /// <summary>The embedded text: the King James Version's New Testament (public domain, see data/README.md).</summary>
    public const string BundledName = "kjv-new-testament.txt";

    private readonly Dictionary<char, long> stoi;

    public string text { get; }
    /// <summary>The vocabulary, in code-point order: token i is chars[i].</summary>
    public char[] chars { get; }
    /// <summary>The first 90% of the text as tokens (int64).</summary>
    public Tensor train_data { get; }
    /// <summary>The last 10%.</summary>
    public Tensor val_data { get; }

    public long vocab_size => chars.Length;

    public Corpus(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length < 20) throw new ArgumentException($"the text is too short to split and train on ({text.Length} characters)");
        this.text = text;
        chars = text.Distinct().Order().ToArray();
        stoi = chars.Select((c, i) => (c, (long)i)).ToDictionary(p => p.c, p => p.Item2);
        var data = encode(text);
        long n = data.Length, split = (long)(n * 0.9);
        var all = torch.tensor(data);
        train_data = all.narrow(0, 0, split);
        val_data = all.narrow(0, split, n - split);
    }

    /// <summary>The bundled text, from the sample's embedded resource.</summary>
    public static Corpus Bundled() => new(BundledText());

    public static string BundledText()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(BundledName)
            ?? throw new FileNotFoundException($"the sample was built without its embedded resource {BundledName}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public long[] encode(string s) => s.Select(c => stoi.TryGetValue(c, out var i) ? i
        : throw new ArgumentException($"the character '{c}' (U+{(int)c:X4}) is not in the vocabulary")).ToArray();

    public string decode(IEnumerable<long> tokens) => new(tokens.Select(t => chars[t]).ToArray());

    public string decode(Tensor tokens) => decode(tokens.ToArray<long>());

    /// <summary>
    /// <paramref name="batch_size"/> random windows of <paramref name="data"/>: x [B, T] and the same windows shifted
    /// by one, y [B, T] (the next token at each position). The starts are one torch.randint from
    /// <paramref name="generator"/>, so PyTorch's twin, seeded alike, draws the same batches.
    /// </summary>
    public static (Tensor x, Tensor y) get_batch(Tensor data, long batch_size, long block_size, Generator? generator = null)
    {
        if (data.numel() <= block_size)
            throw new ArgumentException($"the data ({data.numel()} tokens) must be longer than block_size ({block_size})");
        var ix = randint(data.numel() - block_size, [batch_size], generator: generator);   // [B]
        var offsets = ix.unsqueeze(1) + arange(block_size);                                   // [B, T]
        return (data.take(offsets), data.take(offsets + 1));
    }
}

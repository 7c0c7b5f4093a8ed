using System.Globalization;

namespace Quickstart;

/// <summary>The sample's command line.</summary>
public sealed class Options
{
    public string? Data { get; private set; }
    public int Epochs { get; private set; } = 5;
    public int BatchSize { get; private set; } = 64;
    public double Lr { get; private set; } = 1e-3;
    public string Optimizer { get; private set; } = "sgd";
    public string Model { get; private set; } = "mlp";
    public int? Threads { get; private set; }
    public long Seed { get; private set; }
    public bool Help { get; private set; }
    /// <summary>Train on the bundled 10k test set even when the full data set is at hand.</summary>
    public bool Bundled { get; private set; }
    /// <summary>Train data-parallel over the processes of an MPI job (DistributedDataParallel + DistributedSampler).</summary>
    public bool Distributed { get; private set; }

    public const string Usage = """
        Usage: Quickstart [options]

        PyTorch's Quickstart: trains a classifier of Fashion-MNIST clothes images, tests it after each epoch,
        saves the weights to model.pth and the loss/accuracy curves to curves.png.

        Options:
          --data DIR              folder with the Fashion-MNIST IDX files (train-images-idx3-ubyte[.gz], ...);
                                  default: ./data, ./data/FashionMNIST/raw, /usr/share/datasets/fashion-mnist,
                                  ~/.keras/datasets/fashion-mnist, else the bundled 10k test set (8k train, 2k test)
          --bundled               use the bundled 10k test set even when the full set is found
          --epochs N              passes over the training data (default 5)
          --batch-size N          samples per batch (default 64)
          --lr X                  learning rate (default 1e-3)
          --optimizer sgd|adam    (default sgd)
          --model mlp|cnn         the tutorial's 784-512-512-10 network, or a small convolutional net (default mlp)
          --threads N             CPU threads for the kernels (default: all cores)
          --seed N                seed of torch's generator: weights and shuffling (default 0)
          --distributed           data-parallel over the ranks of an MPI job (mpirun -np N ... -- --distributed):
                                  DistributedDataParallel and DistributedSampler; rank 0 prints and saves
          -h, --help              this text
        """;

    /// <summary>Parses the arguments; null (after printing why to <paramref name="error"/>) when they are wrong.</summary>
    public static Options? Parse(string[] args, TextWriter output, TextWriter error)
    {
        var o = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string? inline = null;
            int eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0) { inline = arg[(eq + 1)..]; arg = arg[..eq]; }
            if (arg is "-h" or "--help") { output.WriteLine(Usage); o.Help = true; return o; }
            if (arg == "--bundled" && inline is null) { o.Bundled = true; continue; }
            if (arg == "--distributed" && inline is null) { o.Distributed = true; continue; }

            string? value = inline;
            if (value is null && arg.StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length) value = args[++i];
            try
            {
                switch (arg)
                {
                    case "--data": o.Data = Need(value, arg); break;
                    case "--epochs": o.Epochs = Int(value, arg, min: 0); break;
                    case "--batch-size": o.BatchSize = Int(value, arg, min: 1); break;
                    case "--lr":
                        if (!double.TryParse(Need(value, arg), NumberStyles.Float, CultureInfo.InvariantCulture, out var lr) || !(lr > 0) || double.IsInfinity(lr))
                            throw new FormatException($"--lr expects a positive number, got '{value}'");
                        o.Lr = lr; break;
                    case "--optimizer": o.Optimizer = OneOf(value, arg, "sgd", "adam"); break;
                    case "--model": o.Model = OneOf(value, arg, "mlp", "cnn"); break;
                    case "--threads": o.Threads = Int(value, arg, min: 1); break;
                    case "--seed":
                        if (!long.TryParse(Need(value, arg), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed))
                            throw new FormatException($"--seed expects an integer, got '{value}'");
                        o.Seed = seed; break;
                    default: throw new FormatException($"unknown option '{args[i]}'");
                }
            }
            catch (FormatException e)
            {
                error.WriteLine($"error: {e.Message}\n\n{Usage}");
                return null;
            }
        }
        if (o.Bundled && o.Data is not null)
        {
            error.WriteLine($"error: --bundled and --data exclude each other\n\n{Usage}");
            return null;
        }
        return o;
    }

    private static string Need(string? value, string name) =>
        value ?? throw new FormatException($"{name} expects a value");

    private static int Int(string? value, string name, int min)
    {
        if (!int.TryParse(Need(value, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < min)
            throw new FormatException($"{name} expects an integer >= {min}, got '{value}'");
        return v;
    }

    private static string OneOf(string? value, string name, params string[] choices)
    {
        var v = Need(value, name).ToLowerInvariant();
        return Array.IndexOf(choices, v) >= 0 ? v : throw new FormatException($"{name} expects one of {string.Join(", ", choices)}, got '{value}'");
    }
}

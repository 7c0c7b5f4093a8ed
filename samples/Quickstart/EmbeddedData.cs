using System.IO.Compression;
using System.Reflection;
using Flint;
using Flint.Vision;

namespace Quickstart;

/// <summary>
/// The copy of Fashion-MNIST's 10k test set that the sample carries (embedded resources, MIT license: see
/// data/LICENSE-fashion-mnist.txt), so that it runs with nothing downloaded.
/// </summary>
public static class EmbeddedData
{
    public const int TrainCount = 8000;

    /// <summary>The bundled images split in two: the first 8000 to train on, the last 2000 to test on.</summary>
    public static (MnistDataset train, MnistDataset test) FashionMNIST(Func<Tensor, Tensor>? transform = null)
    {
        var all = Load(transform);
        return (all.Slice(0, TrainCount), all.Slice(TrainCount, all.Count - TrainCount));
    }

    /// <summary>All 10k bundled images and labels.</summary>
    public static MnistDataset Load(Func<Tensor, Tensor>? transform = null)
    {
        var images = MnistDataset.ReadIdx(Open("t10k-images-idx3-ubyte.gz"));
        var labels = MnistDataset.ReadIdx(Open("t10k-labels-idx1-ubyte.gz")).to(torch.int64);
        return new MnistDataset(images, labels, transform);
    }

    private static GZipStream Open(string name)
    {
        var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new FileNotFoundException($"the sample was built without its embedded resource {name}");
        return new GZipStream(stream, CompressionMode.Decompress);
    }
}

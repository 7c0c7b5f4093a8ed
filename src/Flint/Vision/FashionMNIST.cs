using System.IO.Compression;
using Flint.Data;

namespace Flint.Vision;

/// <summary>PyTorch's <c>torchvision.datasets</c>.</summary>
public static class datasets
{
    /// <summary>
    /// Fashion-MNIST from its IDX files (gzipped or not), read into memory. Looks in <paramref name="root"/>,
    /// root/FashionMNIST/raw (torchvision's layout) and root/FashionMNIST; <paramref name="download"/>=true does not
    /// go to the network but also looks where other tools keep a copy (see <see cref="MnistDataset.SearchFolders"/>),
    /// and says where to put the files when none is found.
    /// </summary>
    public static MnistDataset FashionMNIST(string root, bool train = true, bool download = false,
        Func<Tensor, Tensor>? transform = null, Func<long, Tensor>? target_transform = null) =>
        MnistDataset.Load("FashionMNIST", root, train, download, transform, target_transform);

    /// <summary>The MNIST digits from the IDX files under <paramref name="root"/> (<c>MNIST/raw</c>), as <c>torchvision.datasets.MNIST</c>; <paramref name="train"/> picks the training or test split.</summary>
    public static MnistDataset MNIST(string root, bool train = true, bool download = false,
        Func<Tensor, Tensor>? transform = null, Func<long, Tensor>? target_transform = null) =>
        MnistDataset.Load("MNIST", root, train, download, transform, target_transform);
}

/// <summary>An MNIST-format dataset: uint8 images [N, 28, 28] and int64 labels [N], held in memory.</summary>
public sealed class MnistDataset : Dataset, IBatchDataset
{
    /// <summary>The images, (N, 28, 28) uint8.</summary>
    public Tensor data { get; }
    /// <summary>The labels, (N,) int64.</summary>
    public Tensor targets { get; }
    /// <summary>The folder the IDX files were read from (null when built from tensors or streams).</summary>
    public string? raw_folder { get; init; }
    private readonly Func<Tensor, Tensor>? transform;
    private readonly Func<long, Tensor>? targetTransform;
    private Tensor? transformedCache;

    /// <summary>A dataset of <paramref name="images"/> and <paramref name="labels"/>, each sample passed through the transforms.</summary>
    public MnistDataset(Tensor images, Tensor labels, Func<Tensor, Tensor>? transform = null, Func<long, Tensor>? target_transform = null)
    {
        if (images.size(0) != labels.size(0)) throw new ArgumentException("images and labels differ in count");
        data = images; targets = labels; this.transform = transform; targetTransform = target_transform;
    }

    /// <inheritdoc/>
    public override long Count => data.size(0);

    /// <inheritdoc/>
    public override (Tensor input, Tensor target) GetItem(long index)
    {
        var img = data.select(0, index);
        var x = transform is null ? img : transform(img);
        long y = targets.select(0, index).item<long>();
        return (x, targetTransform is null ? torch.tensor(y) : targetTransform(y));
    }

    /// <summary>A whole batch: the transform is applied once to all images (it must work on [N, H, W] input).</summary>
    public (Tensor input, Tensor target) GetBatch(long[] indices)
    {
        var idx = torch.from_numpy(indices);
        if (transform is null) return (data.index_select(0, idx), targets.index_select(0, idx));
        transformedCache ??= BatchTransform();
        return (transformedCache.index_select(0, idx), targets.index_select(0, idx));
    }

    private Tensor BatchTransform()
    {
        // apply the transform per image once, then keep the stacked result
        var n = data.size(0);
        var first = transform!(data.select(0, 0));
        var all = torch.empty([n, .. first.shape.ToArray()], first.dtype);
        for (long i = 0; i < n; i++) all.select(0, i).copy_(transform(data.select(0, i)));
        return all;
    }

    /// <summary>A subset of the samples, in order [start, start + count).</summary>
    public MnistDataset Slice(long start, long count) =>
        new(data.narrow(0, start, count), targets.narrow(0, start, count), transform, targetTransform) { raw_folder = raw_folder };

    internal static MnistDataset Load(string name, string root, bool train, bool download,
        Func<Tensor, Tensor>? transform, Func<long, Tensor>? targetTransform)
    {
        string prefix = train ? "train" : "t10k";
        var dirs = SearchFolders(name, root, download);
        foreach (var dir in dirs)
        {
            var img = Find(dir, $"{prefix}-images-idx3-ubyte");
            var lbl = Find(dir, $"{prefix}-labels-idx1-ubyte");
            if (img is null || lbl is null) continue;
            return new MnistDataset(ReadChecked(img, 3), ReadChecked(lbl, 1).to(torch.int64), transform, targetTransform) { raw_folder = dir };
        }
        if (!download) throw new FileNotFoundException("Dataset not found. You can use download=True to download it");
        if (Download.Sets.ContainsKey(name))
        {
            try
            {
                Download.Fetch(name, root);
            }
            catch (IOException e)
            {
                throw new FileNotFoundException(
                    $"{name}: {prefix}-images-idx3-ubyte[.gz] and {prefix}-labels-idx1-ubyte[.gz] were not found in any of: {string.Join(", ", dirs)}, " +
                    $"and downloading them failed. Copy the four IDX files into '{Path.Combine(root, name, "raw")}'.\n{e.Message}", e);
            }
            var raw = Download.RawFolder(root, name);
            return new MnistDataset(ReadChecked(Find(raw, $"{prefix}-images-idx3-ubyte")!, 3), ReadChecked(Find(raw, $"{prefix}-labels-idx1-ubyte")!, 1).to(torch.int64), transform, targetTransform);
        }
        throw new FileNotFoundException(
            $"{name}: {prefix}-images-idx3-ubyte[.gz] and {prefix}-labels-idx1-ubyte[.gz] were not found in any of: {string.Join(", ", dirs)}. " +
            $"Copy the four IDX files into '{Path.Combine(root, name, "raw")}'.");
    }

    /// <summary>
    /// Where the IDX files are looked for: root, root/NAME/raw (torchvision's layout) and root/NAME; with
    /// download=true (Flint's stand-in for downloading) also the places other tools leave a copy: the Debian
    /// package (/usr/share/datasets/fashion-mnist) and Keras's cache (~/.keras/datasets/fashion-mnist).
    /// </summary>
    public static string[] SearchFolders(string name, string root, bool download)
    {
        var dirs = new List<string> { root, Path.Combine(root, name, "raw"), Path.Combine(root, name) };
        if (download && name == "FashionMNIST")
        {
            dirs.Add("/usr/share/datasets/fashion-mnist");
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (home.Length > 0) dirs.Add(Path.Combine(home, ".keras", "datasets", "fashion-mnist"));
        }
        return [.. dirs];
    }

    private static string? Find(string dir, string stem)
    {
        foreach (var p in new[] { Path.Combine(dir, stem), Path.Combine(dir, stem + ".gz") })
            if (File.Exists(p)) return p;
        return null;
    }

    /// <summary>
    /// Reads an IDX file (the MNIST format; gzipped when the name ends in .gz): magic, dims big-endian, then the
    /// data. The header is read first and only the bytes it declares are decompressed.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a well-formed IDX file (bad magic, 0 or more than 3 dims,
    /// a shape larger than a Flint tensor, short data or trailing bytes).</exception>
    public static Tensor ReadIdx(string path)
    {
        using var fs = File.OpenRead(path);
        if (!path.EndsWith(".gz", StringComparison.Ordinal)) return Idx.Read(fs);
        using var gz = new GZipStream(fs, CompressionMode.Decompress);
        return Idx.Read(gz);
    }

    /// <inheritdoc cref="ReadIdx(string)"/>
    public static Tensor ReadIdx(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Idx.Read(stream);
    }

    /// <summary>torchvision's read_image_file and read_label_file checks: uint8 data of 3 (images) or 1 (labels) dims.</summary>
    private static Tensor ReadChecked(string path, int ndim)
    {
        var x = ReadIdx(path);
        if (x.dtype != DType.UInt8) throw new InvalidDataException($"{path}: x should be of dtype torch.uint8 instead of torch.{x.dtype.name}");
        if (x.dim() != ndim) throw new InvalidDataException($"{path}: x should have {ndim} dimension instead of {x.dim()}");
        return x;
    }
}

using System.Collections;
using System.IO.Compression;

namespace Flint;

public static partial class np
{
    /// <summary>
    /// Writes several tensors to an uncompressed <c>.npz</c> archive, each as "<c>name</c>.npy" (".npz" is appended
    /// to the file name when it lacks it, as NumPy does). The file is replaced atomically.
    /// </summary>
    public static void savez(string file, IDictionary<string, Tensor> arrays) => SavezFile(file, Named(arrays), CompressionLevel.NoCompression);

    /// <summary>Like NumPy's <c>np.savez(file, a, b)</c>: positional arrays are named arr_0, arr_1, ...</summary>
    public static void savez(string file, params Tensor[] arrays) => SavezFile(file, Positional(arrays), CompressionLevel.NoCompression);

    /// <summary>Writes the named tensors into a NumPy <c>.npz</c> archive (uncompressed), as <c>numpy.savez(file, **arrays)</c>.</summary>
    public static void savez(Stream stream, IDictionary<string, Tensor> arrays) => Savez(stream, Named(arrays), CompressionLevel.NoCompression);
    /// <summary>Writes the tensors into a NumPy <c>.npz</c> archive named <c>arr_0</c>, <c>arr_1</c>, ... (uncompressed), as <c>numpy.savez</c>.</summary>
    public static void savez(Stream stream, params Tensor[] arrays) => Savez(stream, Positional(arrays), CompressionLevel.NoCompression);

    /// <summary>Like <see cref="savez(string, IDictionary{string, Tensor})"/>, with each entry deflate-compressed.</summary>
    public static void savez_compressed(string file, IDictionary<string, Tensor> arrays) => SavezFile(file, Named(arrays), CompressionLevel.Optimal);
    /// <summary>Writes the tensors into a compressed NumPy <c>.npz</c> file named <c>arr_0</c>, <c>arr_1</c>, ..., as <c>numpy.savez_compressed</c>.</summary>
    public static void savez_compressed(string file, params Tensor[] arrays) => SavezFile(file, Positional(arrays), CompressionLevel.Optimal);
    /// <summary>Writes the named tensors into a compressed NumPy <c>.npz</c> archive, as <c>numpy.savez_compressed</c>.</summary>
    public static void savez_compressed(Stream stream, IDictionary<string, Tensor> arrays) => Savez(stream, Named(arrays), CompressionLevel.Optimal);
    /// <summary>Writes the tensors into a compressed NumPy <c>.npz</c> archive named <c>arr_0</c>, <c>arr_1</c>, ..., as <c>numpy.savez_compressed</c>.</summary>
    public static void savez_compressed(Stream stream, params Tensor[] arrays) => Savez(stream, Positional(arrays), CompressionLevel.Optimal);

    /// <summary>
    /// Reads every array of an <c>.npz</c> archive (written by NumPy's savez/savez_compressed or by Flint). Each
    /// member's CRC-32 is checked against the archive's, as NumPy's zipfile does.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is malformed: not a zip archive, a member that is not a
    /// well-formed .npy file, a member whose CRC-32 or sizes do not match its data (NumPy's <c>ValueError</c> and
    /// <c>zipfile.BadZipFile</c>). Every malformed file fails with this exception.</exception>
    /// <exception cref="NotSupportedException">A member holds a dtype Flint has no equivalent for.</exception>
    public static NpzFile load_npz(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        using var fs = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read);
        return load_npz(fs);
    }

    /// <summary>Like <see cref="load_npz(string)"/>, reading the archive from a stream.</summary>
    /// <exception cref="InvalidDataException">The archive is malformed.</exception>
    /// <exception cref="NotSupportedException">A member holds a dtype Flint has no equivalent for.</exception>
    public static NpzFile load_npz(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long archiveLength = stream.CanSeek ? stream.Length - stream.Position : long.MaxValue;
        ZipArchive zip;
        try { zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true); }
        catch (InvalidDataException e) { throw new InvalidDataException($"not an .npz file (a zip archive was expected): {e.Message}", e); }
        using (zip)
        {
            var result = new List<KeyValuePair<string, Tensor>>();
            foreach (var entry in zip.Entries)
            {
                if (entry.FullName.EndsWith('/')) continue;   // a folder
                string key = entry.FullName.EndsWith(".npy", StringComparison.Ordinal) ? entry.FullName[..^4] : entry.FullName;
                try
                {
                    ZipRecords.CheckSizes(entry, archiveLength, entry.FullName);
                    using var es = new Crc32ReadStream(entry.Open());
                    var t = ReadNpy(es, entry.Length, entry.FullName);
                    es.CheckToEnd(entry.Crc32, entry.FullName);
                    result.Add(new(key, t));
                }
                catch (InvalidDataException e)
                {
                    throw new InvalidDataException($"{entry.FullName} in the .npz archive: {e.Message}", e);
                }
                catch (NotSupportedException e)
                {
                    throw new NotSupportedException($"{entry.FullName} in the .npz archive: {e.Message}", e);
                }
            }
            return new NpzFile(result);
        }
    }

    private static List<KeyValuePair<string, Tensor>> Named(IDictionary<string, Tensor> arrays)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        foreach (var kv in arrays)
        {
            if (string.IsNullOrEmpty(kv.Key)) throw new ArgumentException("np.savez: array names must be non-empty");
            ArgumentNullException.ThrowIfNull(kv.Value, $"arrays[\"{kv.Key}\"]");
        }
        return arrays.ToList();
    }

    private static List<KeyValuePair<string, Tensor>> Positional(Tensor[] arrays)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        var r = new List<KeyValuePair<string, Tensor>>();
        for (int i = 0; i < arrays.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(arrays[i], $"arrays[{i}]");
            r.Add(new($"arr_{i}", arrays[i]));
        }
        return r;
    }

    private static void SavezFile(string file, List<KeyValuePair<string, Tensor>> arrays, CompressionLevel level)
    {
        ArgumentNullException.ThrowIfNull(file);
        foreach (var kv in arrays) CheckSavable(kv.Value);
        if (!file.EndsWith(".npz", StringComparison.Ordinal)) file += ".npz";
        AtomicFile.Write(file, s => Savez(s, arrays, level));
    }

    private static void Savez(Stream stream, List<KeyValuePair<string, Tensor>> arrays, CompressionLevel level)
    {
        ArgumentNullException.ThrowIfNull(stream);
        foreach (var kv in arrays) CheckSavable(kv.Value);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (name, t) in arrays)
        {
            var entry = zip.CreateEntry(name + ".npy", level);
            using var es = entry.Open();
            save(es, t);
        }
    }
}

/// <summary>
/// The arrays of an <c>.npz</c> archive, by name (NumPy's <c>NpzFile</c>): <c>f["x"]</c>, <c>f.files</c>. Every
/// array is read when the archive is opened, so nothing stays open.
/// </summary>
public sealed class NpzFile : IReadOnlyDictionary<string, Tensor>
{
    private readonly List<KeyValuePair<string, Tensor>> items;
    private readonly Dictionary<string, Tensor> byName;

    internal NpzFile(List<KeyValuePair<string, Tensor>> items)
    {
        this.items = items;
        byName = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var kv in items) byName[kv.Key] = kv.Value;
    }

    /// <summary>The array names, in archive order.</summary>
    public IReadOnlyList<string> files => items.Select(kv => kv.Key).ToArray();

    /// <summary>The array stored under <paramref name="key"/>, as <c>npz[key]</c>.</summary>
    public Tensor this[string key] => byName.TryGetValue(key, out var t) ? t : throw new KeyNotFoundException($"{key} is not a file in the archive");
    /// <summary>The names of the arrays, in the archive's order.</summary>
    public IEnumerable<string> Keys => files;
    /// <summary>The arrays, in the archive's order.</summary>
    public IEnumerable<Tensor> Values => items.Select(kv => kv.Value);
    /// <summary>The number of arrays.</summary>
    public int Count => items.Count;
    /// <summary>Whether the archive holds an array named <paramref name="key"/>.</summary>
    public bool ContainsKey(string key) => byName.ContainsKey(key);
    /// <summary>The array named <paramref name="key"/>, when the archive holds one.</summary>
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Tensor value) => byName.TryGetValue(key, out value);
    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() => items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

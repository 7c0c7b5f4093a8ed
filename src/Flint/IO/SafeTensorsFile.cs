using System.IO.MemoryMappedFiles;

namespace Flint.IO;

/// <summary>
/// An open safetensors file (Python's <c>safetensors.safe_open</c>): the header is read and validated when the
/// file is opened, and the file is memory-mapped, so <see cref="get_tensor"/> reads only the pages of the tensor
/// asked for. Files and offsets are 64-bit: a file may be far larger than 2 GiB; one tensor must fit a Flint CPU
/// tensor (one .NET array of its element type). Each tensor returned is a copy, valid after the file is closed.
/// </summary>
/// <exception cref="InvalidDataException">The file is not a valid safetensors file (thrown when opening).</exception>
public sealed class SafeTensorsFile : IDisposable
{
    private readonly FileStream file;
    private readonly MemoryMappedFile? map;
    private readonly MemoryMappedViewAccessor? view;
    private readonly SafeTensorsHeader header;
    private bool disposed;

    private SafeTensorsFile(string path)
    {
        file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
        try
        {
            long length = file.Length;
            Span<byte> head = stackalloc byte[8];
            int got = file.ReadAtLeast(head, 8, throwOnEndOfStream: false);
            long n = SafeTensorsHeader.ReadLength(head, got, length);
            var bytes = new byte[n];
            file.ReadExactly(bytes);
            header = SafeTensorsHeader.Parse(bytes, length);
            if (header.DataLength > 0)
            {
                map = MemoryMappedFile.CreateFromFile(file, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
                view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            }
        }
        catch
        {
            view?.Dispose();
            map?.Dispose();
            file.Dispose();
            throw;
        }
    }

    /// <summary>Opens and validates <paramref name="path"/>.</summary>
    public static SafeTensorsFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new SafeTensorsFile(path);
    }

    /// <summary>The tensor names, sorted (as Python's <c>safe_open(...).keys()</c>).</summary>
    public List<string> keys()
    {
        ThrowIfDisposed();
        return header.Entries.Select(e => e.Name).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The tensor names in the header's order.</summary>
    internal IEnumerable<string> HeaderOrder => header.Entries.Select(e => e.Name);

    /// <summary>The "__metadata__" map (empty when the file has none).</summary>
    public Dictionary<string, string> metadata()
    {
        ThrowIfDisposed();
        return new Dictionary<string, string>(header.Metadata);
    }

    /// <summary>The dtype and shape of a tensor, without reading it.</summary>
    public (string dtype, long[] shape) info(string name)
    {
        var e = Find(name);
        return (e.Code, (long[])e.Shape.Clone());
    }

    /// <summary>Reads one tensor (only its own bytes are touched).</summary>
    /// <exception cref="InvalidDataException">No tensor has that name, its dtype has no Flint counterpart, or it is larger than a Flint tensor can be.</exception>
    public unsafe Tensor get_tensor(string name)
    {
        var e = Find(name);
        var t = SafeTensors.Allocate(e);
        if (e.ByteCount == 0) return t;
        byte* p = null;
        var handle = view!.SafeMemoryMappedViewHandle;
        handle.AcquirePointer(ref p);
        try
        {
            TensorBytes.Copy(p + view.PointerOffset + header.DataStart + e.Begin, t, e.ByteCount);
        }
        finally { handle.ReleasePointer(); }
        return t;
    }

    private SafeTensorsHeader.Entry Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ThrowIfDisposed();
        return header.ByName.TryGetValue(name, out var e) ? e
            : throw SafetensorError.Make(SafetensorErrorKind.TensorNotFound, $"File does not contain tensor {name}");
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(disposed, this);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        view?.Dispose();
        map?.Dispose();
        file.Dispose();
    }
}

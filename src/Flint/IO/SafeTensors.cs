using System.Buffers.Binary;
using System.Text.Json;

namespace Flint.IO;

/// <summary>
/// The safetensors format (readable by Python's <c>safetensors</c>): an 8-byte little-endian header length, a
/// JSON header mapping names to dtype, shape and byte offsets (plus optional "__metadata__"), then the raw
/// little-endian tensor data. Offsets are 64-bit, so files may exceed 2 GiB; <see cref="Open"/> memory-maps a file
/// and reads only the tensors asked for. Reading validates the file as the reference implementation does (see
/// <see cref="SafetensorErrorKind"/>). Writes stream each tensor's bytes and are atomic: a temporary file in the
/// target's folder, flushed, then renamed.
/// </summary>
public static class SafeTensors
{
    /// <summary>Writes tensors (in the given order) to a stream; metadata goes in "__metadata__".</summary>
    /// <exception cref="ArgumentException">A tensor is named "__metadata__".</exception>
    public static void Save(IReadOnlyDictionary<string, Tensor> tensors, Stream stream, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var (header, ordered) = Prepare(tensors, metadata);
        Write(stream, header, ordered);
    }

    /// <summary>Writes atomically to <paramref name="path"/>; the header is built (and checked) before the file is touched.</summary>
    public static void Save(IReadOnlyDictionary<string, Tensor> tensors, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var (header, ordered) = Prepare(tensors, metadata);
        AtomicFile.Write(path, s => Write(s, header, ordered));
    }

    /// <summary>The padded header (the JSON with data offsets computed from shapes alone) and the tensors in write order.</summary>
    private static (byte[] header, List<KeyValuePair<string, Tensor>> ordered) Prepare(
        IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var ordered = tensors.ToList();
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, t) in ordered)
            {
                if (name == "__metadata__") throw new ArgumentException("'__metadata__' is reserved in safetensors and cannot name a tensor");
                ArgumentNullException.ThrowIfNull(t, name);
                long n = t.numel() * t.dtype.itemsize;
                w.WriteStartObject(name);
                w.WriteString("dtype", SafeTensorsHeader.Code(t.dtype));
                w.WriteStartArray("shape");
                foreach (var d in t._shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + n);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += n;
            }
            w.WriteEndObject();
        }
        // pad the header with spaces to a multiple of 8 bytes, as the reference writer does
        int len = (int)ms.Length, pad = (8 - len % 8) % 8;
        var header = new byte[8 + len + pad];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)(len + pad));
        ms.GetBuffer().AsSpan(0, len).CopyTo(header.AsSpan(8));
        header.AsSpan(8 + len).Fill((byte)' ');
        return (header, ordered);
    }

    private static void Write(Stream stream, byte[] header, List<KeyValuePair<string, Tensor>> ordered)
    {
        stream.Write(header);
        foreach (var (_, t0) in ordered)
        {
            if (t0.numel() == 0) continue;
            // one tensor at a time: a non-contiguous or non-CPU tensor is copied only while it is written
            var t = t0.device.type == DeviceType.CPU ? t0.detach().contiguous() : t0.detach().cpu().contiguous();
            TensorBytes.Write(stream, t);
        }
    }

    /// <summary>Reads every tensor, in the header's order.</summary>
    /// <exception cref="InvalidDataException">The data is not a valid safetensors file (truncated, trailing bytes, bad header, ...).</exception>
    public static Dictionary<string, Tensor> Load(Stream stream) => Load(stream, out _);

    /// <summary>
    /// Reads every tensor from the stream's position, which must be followed by exactly one safetensors file. The
    /// header is validated before any tensor is allocated; a stream that cannot seek is read to its end.
    /// </summary>
    /// <exception cref="InvalidDataException">The data is not a valid safetensors file.</exception>
    public static Dictionary<string, Tensor> Load(Stream stream, out Dictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long? length = stream.CanSeek ? stream.Length - stream.Position : null;
        Span<byte> head = stackalloc byte[8];
        int got = stream.ReadAtLeast(head, 8, throwOnEndOfStream: false);
        long n = SafeTensorsHeader.ReadLength(head, got, length);
        byte[] bytes;
        if (length is not null || n <= TensorBytes.EagerLimit)
        {
            bytes = new byte[n];
            int hgot = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            if (hgot < n) throw SafeTensorsHeader.TruncatedHeader(n, hgot);
        }
        else
        {
            // unknown length: a claimed 100 MB header is not allocated before it arrives
            var (blocks, hgot) = TensorBytes.Gather(stream, n);
            if (hgot < n) throw SafeTensorsHeader.TruncatedHeader(n, hgot);
            bytes = blocks.Count == 1 ? blocks[0] : blocks.SelectMany(b => b).ToArray();
        }
        var header = SafeTensorsHeader.Parse(bytes, length);
        foreach (var e in header.Entries) CheckReadable(e);

        var read = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        long have = 0;
        foreach (var e in header.Entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            Tensor t;
            if (length is not null || e.ByteCount <= TensorBytes.EagerLimit)
            {
                t = Allocate(e);
                long r = TensorBytes.Read(stream, t, e.ByteCount);
                if (r < e.ByteCount) header.CheckCovers(have + r);
            }
            else
            {
                // unknown length: gather what arrives before allocating what the header claims
                var (blocks, r) = TensorBytes.Gather(stream, e.ByteCount);
                if (r < e.ByteCount) header.CheckCovers(have + r);
                t = Allocate(e);
                TensorBytes.Copy(blocks, t);
            }
            have += e.ByteCount;
            read[e.Name] = t;
        }
        if (length is null && stream.ReadByte() >= 0)
            throw SafetensorError.Header(SafetensorErrorKind.MetadataIncompleteBuffer,
                $"incomplete metadata, file not fully covered: trailing bytes follow the {header.DataLength} bytes of tensor data");
        metadata = new Dictionary<string, string>(header.Metadata);
        return header.Entries.ToDictionary(e => e.Name, e => read[e.Name]);
    }

    /// <summary>Reads every tensor of a file (memory-mapped), in the header's order.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file.</exception>
    public static Dictionary<string, Tensor> Load(string path) => Load(path, out _);

    /// <inheritdoc cref="Load(string)"/>
    public static Dictionary<string, Tensor> Load(string path, out Dictionary<string, string> metadata)
    {
        using var f = SafeTensorsFile.Open(path);
        var names = f.HeaderOrder.ToList();
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var name in names) result[name] = f.get_tensor(name);
        metadata = f.metadata();
        return result;
    }

    /// <summary>Opens a file for reading tensors one at a time (Python's <c>safe_open</c>); see <see cref="SafeTensorsFile"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file.</exception>
    public static SafeTensorsFile Open(string path) => SafeTensorsFile.Open(path);

    /// <summary>Refuses a tensor Flint cannot build: a dtype it lacks, or more elements than one .NET array holds.</summary>
    private static void CheckReadable(SafeTensorsHeader.Entry e)
    {
        if (e.DType is null)
            throw SafetensorError.Make(SafetensorErrorKind.UnsupportedDtype,
                $"tensor `{e.Name}` has dtype {e.Code}, which Flint does not support (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)");
        if (e.Numel > Array.MaxLength)
            throw SafetensorError.Make(SafetensorErrorKind.TensorTooLarge,
                $"tensor `{e.Name}` of shape {Shape.Str(e.Shape)} has {e.Numel} elements of {e.DType}: a Flint CPU tensor holds at most {Array.MaxLength}");
    }

    /// <summary>A new tensor for an entry, its contents to be read.</summary>
    internal static Tensor Allocate(SafeTensorsHeader.Entry e)
    {
        CheckReadable(e);
        return Tensor.Empty(e.Shape, e.DType!, Device.CPU);
    }

    /// <summary>True when the stream starts like a safetensors file (a plausible header length then '{').</summary>
    internal static bool LooksLike(ReadOnlySpan<byte> head) =>
        head.Length >= 9 && BinaryPrimitives.ReadUInt64LittleEndian(head) <= SafeTensorsHeader.MaxHeaderSize && head[8] == (byte)'{';
}

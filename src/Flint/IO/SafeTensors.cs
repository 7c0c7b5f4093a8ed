using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Flint.IO;

/// <summary>
/// The safetensors format (readable by Python's <c>safetensors</c>): an 8-byte little-endian header length, a
/// JSON header mapping names to dtype, shape and byte offsets (plus optional "__metadata__"), then the raw
/// little-endian tensor data. Writes are atomic: a temporary file in the target's folder, flushed, then renamed.
/// </summary>
public static class SafeTensors
{
    private static string Code(DType d) => d.scalar_type switch
    {
        ScalarType.Float32 => "F32", ScalarType.Float64 => "F64", ScalarType.Float16 => "F16", ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64", ScalarType.Int32 => "I32", ScalarType.Int16 => "I16", ScalarType.Int8 => "I8",
        ScalarType.UInt8 => "U8", ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"safetensors has no code for {d}"),
    };

    private static DType FromCode(string code) => code switch
    {
        "F32" => DType.Float32, "F64" => DType.Float64, "F16" => DType.Float16, "BF16" => DType.BFloat16,
        "I64" => DType.Int64, "I32" => DType.Int32, "I16" => DType.Int16, "I8" => DType.Int8,
        "U8" => DType.UInt8, "BOOL" => DType.Bool,
        _ => throw new InvalidDataException($"safetensors dtype '{code}' is not supported by Flint (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)"),
    };

    /// <summary>Writes tensors (in the given order) to a stream; metadata goes in "__metadata__".</summary>
    public static void Save(IReadOnlyDictionary<string, Tensor> tensors, Stream stream, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var ordered = tensors.ToList();
        var header = new Dictionary<string, object>();
        if (metadata is { Count: > 0 }) header["__metadata__"] = metadata;
        long offset = 0;
        var datas = new List<byte[]>();
        foreach (var (name, t0) in ordered)
        {
            if (name == "__metadata__") throw new ArgumentException("'__metadata__' is reserved in safetensors and cannot name a tensor");
            var t = t0.device.type == DeviceType.CPU ? t0.detach().contiguous() : t0.detach().cpu().contiguous();
            long n = t.numel() * t.dtype.itemsize;
            var bytes = new byte[n];
            if (n > 0) t.Cpu.Bytes().Slice((int)(t._offset * t.dtype.itemsize), (int)n).CopyTo(bytes);
            if (!BitConverter.IsLittleEndian) Swap(bytes, t.dtype.itemsize);
            datas.Add(bytes);
            header[name] = new Dictionary<string, object>
            {
                ["dtype"] = Code(t.dtype),
                ["shape"] = t._shape,
                ["data_offsets"] = new[] { offset, offset + n },
            };
            offset += n;
        }
        var json = JsonSerializer.SerializeToUtf8Bytes(header, SafeTensorsJson.Default.DictionaryStringObject);
        // pad the header with spaces to a multiple of 8 bytes, as the reference writer does
        int pad = (8 - json.Length % 8) % 8;
        var len = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)(json.Length + pad));
        stream.Write(len);
        stream.Write(json);
        for (int i = 0; i < pad; i++) stream.WriteByte((byte)' ');
        foreach (var d in datas) stream.Write(d);
    }

    /// <summary>Writes atomically to <paramref name="path"/>.</summary>
    public static void Save(IReadOnlyDictionary<string, Tensor> tensors, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        AtomicFile.Write(path, s => Save(tensors, s, metadata));

    /// <summary>Reads every tensor, in file order. Truncated or corrupted files throw InvalidDataException.</summary>
    public static Dictionary<string, Tensor> Load(Stream stream) => Load(stream, out _);

    public static Dictionary<string, Tensor> Load(Stream stream, out Dictionary<string, string> metadata)
    {
        metadata = new Dictionary<string, string>();
        var lenBytes = ReadExactly(stream, 8, "header length");
        ulong hlen = BinaryPrimitives.ReadUInt64LittleEndian(lenBytes);
        if (hlen > 100_000_000) throw new InvalidDataException($"safetensors header length {hlen} is not plausible: the file is corrupted or not a safetensors file");
        if (stream.CanSeek && (long)hlen > stream.Length - stream.Position)
            throw new InvalidDataException($"safetensors file is truncated: the header claims {hlen} bytes but only {stream.Length - stream.Position} remain");
        var headerBytes = ReadExactly(stream, (int)hlen, "header");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(headerBytes); }
        catch (JsonException e) { throw new InvalidDataException("safetensors header is not valid JSON: " + e.Message, e); }
        using var _ = doc;
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException("safetensors header must be a JSON object");
        var entries = new List<(string name, DType dtype, long[] shape, long begin, long end)>();
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Name == "__metadata__")
            {
                foreach (var m in p.Value.EnumerateObject()) metadata[m.Name] = m.Value.GetString() ?? "";
                continue;
            }
            try
            {
                var dt = FromCode(p.Value.GetProperty("dtype").GetString()!);
                var shape = p.Value.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
                var offs = p.Value.GetProperty("data_offsets").EnumerateArray().Select(x => x.GetInt64()).ToArray();
                if (offs.Length != 2 || offs[0] < 0 || offs[1] < offs[0]) throw new InvalidDataException($"tensor '{p.Name}' has invalid data_offsets");
                if (shape.Any(s => s < 0)) throw new InvalidDataException($"tensor '{p.Name}' has a negative dimension");
                if ((offs[1] - offs[0]) != Shape.Numel(shape) * dt.itemsize)
                    throw new InvalidDataException($"tensor '{p.Name}': {offs[1] - offs[0]} bytes do not hold shape {Shape.Str(shape)} of {dt}");
                entries.Add((p.Name, dt, shape, offs[0], offs[1]));
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new InvalidDataException($"safetensors entry '{p.Name}' is malformed: {e.Message}", e);
            }
        }
        long dataLen = entries.Count == 0 ? 0 : entries.Max(e => e.end);
        if (stream.CanSeek && dataLen > stream.Length - stream.Position)
            throw new InvalidDataException($"safetensors file is truncated: tensor data needs {dataLen} bytes but only {stream.Length - stream.Position} remain");
        var data = ReadExactly(stream, checked((int)dataLen), "tensor data");
        var result = new Dictionary<string, Tensor>();
        foreach (var (name, dt, shape, begin, end) in entries.OrderBy(e => e.begin))
        {
            var t = Tensor.Empty(shape, dt);
            var bytes = data.AsSpan((int)begin, (int)(end - begin));
            if (bytes.Length > 0)
            {
                bytes.CopyTo(t.Cpu.Bytes());
                if (!BitConverter.IsLittleEndian) Swap(t.Cpu.Bytes(), dt.itemsize);
            }
            result[name] = t;
        }
        // keep the header's order of names
        return entries.ToDictionary(e => e.name, e => result[e.name]);
    }

    public static Dictionary<string, Tensor> Load(string path) => Load(path, out _);

    public static Dictionary<string, Tensor> Load(string path, out Dictionary<string, string> metadata)
    {
        using var fs = File.OpenRead(path);
        return Load(fs, out metadata);
    }

    private static byte[] ReadExactly(Stream s, int n, string what)
    {
        var buf = new byte[n];
        int read = 0;
        while (read < n)
        {
            int r = s.Read(buf, read, n - read);
            if (r == 0) throw new InvalidDataException($"safetensors file is truncated while reading the {what}: expected {n} bytes, got {read}");
            read += r;
        }
        return buf;
    }

    private static void Swap(Span<byte> bytes, int size)
    {
        if (size == 1) return;
        for (int i = 0; i + size <= bytes.Length; i += size) bytes.Slice(i, size).Reverse();
    }

    /// <summary>True when the stream starts like a safetensors file (a plausible header length then '{').</summary>
    internal static bool LooksLike(ReadOnlySpan<byte> head) =>
        head.Length >= 9 && BinaryPrimitives.ReadUInt64LittleEndian(head) < 100_000_000 && head[8] == (byte)'{';
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, object>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(long[]))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class SafeTensorsJson : System.Text.Json.Serialization.JsonSerializerContext { }

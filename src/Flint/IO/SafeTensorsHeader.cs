using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Unicode;

namespace Flint.IO;

/// <summary>
/// A parsed and validated safetensors header. The checks are those of the reference implementation (the Rust
/// <c>safetensors</c> crate): the header length is at most 100,000,000 bytes and within the file, the header is
/// UTF-8 JSON, each tensor has a known dtype, a shape of non-negative sizes and data_offsets whose byte count is
/// its element count times its element size without overflow, the tensors sorted by offset follow each other with
/// neither gap nor overlap, and they end exactly at the end of the file. Flint adds: no name appears twice.
/// </summary>
internal sealed class SafeTensorsHeader
{
    internal const long MaxHeaderSize = 100_000_000;

    /// <summary>One tensor: <see cref="DType"/> is null for a safetensors dtype Flint has no tensors of.</summary>
    internal sealed record Entry(string Name, string Code, DType? DType, long[] Shape, long Numel, long ByteCount, long Begin, long End);

    /// <summary>The tensors in the header's order.</summary>
    internal List<Entry> Entries { get; } = new();
    internal Dictionary<string, Entry> ByName { get; } = new(StringComparer.Ordinal);
    internal Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);
    /// <summary>The header's length in bytes (the value of the first 8 bytes).</summary>
    internal long Length { get; private init; }
    /// <summary>Where the tensor data begins in the file: after the length and the header.</summary>
    internal long DataStart => 8 + Length;
    /// <summary>The bytes of tensor data the header describes.</summary>
    internal long DataLength { get; private set; }

    // bit widths of the reference implementation's dtypes, with the Flint dtype where there is one
    private static readonly Dictionary<string, (int bits, DType? dtype)> Dtypes = new(StringComparer.Ordinal)
    {
        ["BOOL"] = (8, DType.Bool), ["U8"] = (8, DType.UInt8), ["I8"] = (8, DType.Int8),
        ["I16"] = (16, DType.Int16), ["F16"] = (16, DType.Float16), ["BF16"] = (16, DType.BFloat16),
        ["I32"] = (32, DType.Int32), ["F32"] = (32, DType.Float32),
        ["I64"] = (64, DType.Int64), ["F64"] = (64, DType.Float64),
        ["F4"] = (4, null), ["F6_E2M3"] = (6, null), ["F6_E3M2"] = (6, null),
        ["F8_E5M2"] = (8, null), ["F8_E4M3"] = (8, null), ["F8_E8M0"] = (8, null),
        ["F8_E4M3FNUZ"] = (8, null), ["F8_E5M2FNUZ"] = (8, null),
        ["U16"] = (16, null), ["U32"] = (32, null), ["U64"] = (64, null), ["C64"] = (64, null),
    };

    /// <summary>The safetensors code of a Flint dtype.</summary>
    internal static string Code(DType d) => d.scalar_type switch
    {
        ScalarType.Float32 => "F32", ScalarType.Float64 => "F64", ScalarType.Float16 => "F16", ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64", ScalarType.Int32 => "I32", ScalarType.Int16 => "I16", ScalarType.Int8 => "I8",
        ScalarType.UInt8 => "U8", ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"safetensors has no code for {d}"),
    };

    /// <summary>
    /// Checks the 8-byte header length against the file's length (null when the length is unknown, for a stream
    /// that cannot seek) and returns it.
    /// </summary>
    internal static long ReadLength(ReadOnlySpan<byte> head, int got, long? fileLength)
    {
        if (got < 8)
            throw SafetensorError.Header(SafetensorErrorKind.HeaderTooSmall,
                $"header too small: the file has {got} bytes, fewer than the 8 bytes of the header length");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(head);
        if (n > MaxHeaderSize)
            throw SafetensorError.Header(SafetensorErrorKind.HeaderTooLarge,
                $"header too large: {n} bytes (at most {MaxHeaderSize}); the file is corrupted or not a safetensors file");
        if (fileLength is long len && (long)n > len - 8)
            throw TruncatedHeader((long)n, len - 8);
        return (long)n;
    }

    internal static InvalidDataException TruncatedHeader(long n, long available) =>
        SafetensorError.Header(SafetensorErrorKind.InvalidHeaderLength,
            $"invalid header length: the header claims {n} bytes but only {available} follow the length (the file is truncated)");

    /// <summary>
    /// Parses and validates the header bytes. With <paramref name="fileLength"/> known, the tensors must end exactly
    /// at the end of the file; otherwise the reader checks that once it has read the data.
    /// </summary>
    internal static SafeTensorsHeader Parse(ReadOnlySpan<byte> bytes, long? fileLength)
    {
        var h = new SafeTensorsHeader { Length = bytes.Length };
        if (!Utf8.IsValid(bytes))
            throw SafetensorError.Header(SafetensorErrorKind.InvalidHeader, "invalid UTF-8 in header");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(bytes.ToArray()); }
        catch (JsonException e) { throw Invalid("the header is not valid JSON: " + e.Message, e); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw Invalid($"the header must be a JSON object, not {Kind(doc.RootElement)}");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            try
            {
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    if (!seen.Add(p.Name)) throw Invalid($"the name `{p.Name}` appears twice in the header");
                    if (p.Name == "__metadata__") h.ReadMetadata(p.Value);
                    else h.Entries.Add(ReadEntry(p.Name, p.Value));
                }
            }
            catch (InvalidOperationException e)
            {
                // a string escaping half of a surrogate pair has no UTF-16 form
                throw Invalid("a string of the header is not valid Unicode: " + e.Message, e);
            }
        }
        foreach (var e in h.Entries) h.ByName[e.Name] = e;
        h.DataLength = Validate(h.Entries);
        if (fileLength is long len) h.CheckCovers(len - h.DataStart);
        return h;
    }

    /// <summary>Throws unless the file holds exactly <paramref name="dataBytes"/> bytes after the header.</summary>
    internal void CheckCovers(long dataBytes)
    {
        if (dataBytes == DataLength) return;
        string why = dataBytes < DataLength ? "the file is truncated" : $"{dataBytes - DataLength} trailing bytes follow the last tensor";
        throw SafetensorError.Header(SafetensorErrorKind.MetadataIncompleteBuffer,
            $"incomplete metadata, file not fully covered: the tensors need {DataLength} bytes of data but the file holds {dataBytes} ({why})");
    }

    private void ReadMetadata(JsonElement v)
    {
        if (v.ValueKind == JsonValueKind.Null) return;
        if (v.ValueKind != JsonValueKind.Object) throw Invalid($"`__metadata__` must be an object of strings, not {Kind(v)}");
        foreach (var m in v.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
                throw Invalid($"`__metadata__` must map strings to strings, but `{m.Name}` is {Kind(m.Value)}");
            if (!Metadata.TryAdd(m.Name, m.Value.GetString()!))
                throw Invalid($"the key `{m.Name}` appears twice in `__metadata__`");
        }
    }

    private static Entry ReadEntry(string name, JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Object)
            throw Invalid($"tensor `{name}` must be an object with dtype, shape and data_offsets, not {Kind(v)}");
        JsonElement? dtype = null, shape = null, offsets = null;
        foreach (var f in v.EnumerateObject())
        {
            // other fields are ignored, as the reference does; a repeated field is refused
            bool repeated = f.Name switch
            {
                "dtype" => Set(ref dtype, f.Value),
                "shape" => Set(ref shape, f.Value),
                "data_offsets" => Set(ref offsets, f.Value),
                _ => false,
            };
            if (repeated) throw Invalid($"tensor `{name}` has the field `{f.Name}` twice");
        }
        if (dtype is null || shape is null || offsets is null)
            throw Invalid($"tensor `{name}` has no `{(dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets")}`");
        if (dtype.Value.ValueKind != JsonValueKind.String || !Dtypes.TryGetValue(dtype.Value.GetString()!, out var dt))
            throw Invalid($"tensor `{name}` has an unknown dtype {dtype.Value.GetRawText()} (known: {string.Join(", ", Dtypes.Keys)})");
        var dims = Integers(name, "shape", shape.Value, -1);
        var offs = Integers(name, "data_offsets", offsets.Value, 2);

        ulong numel = 1;
        foreach (var d in dims)
            if (!Mul(numel, d, out numel)) throw Overflow(name, dims, dtype.Value.GetString()!);
        if (!Mul(numel, (ulong)dt.bits, out ulong bits)) throw Overflow(name, dims, dtype.Value.GetString()!);
        if (bits % 8 != 0)
            throw SafetensorError.Header(SafetensorErrorKind.MisalignedSlice,
                $"tensor `{name}` of shape {Str(dims)} and dtype {dtype.Value.GetString()} does not end on a byte boundary");
        // a Flint shape is signed 64-bit: sizes past long.MaxValue are refused as an overflow
        foreach (var d in dims)
            if (d > long.MaxValue) throw Overflow(name, dims, dtype.Value.GetString()!);
        if (offs[0] > long.MaxValue || offs[1] > long.MaxValue)
            throw SafetensorError.Header(SafetensorErrorKind.InvalidOffset,
                $"invalid offset for tensor `{name}`: data_offsets [{offs[0]}, {offs[1]}] are past any file");
        // numel * bits fits 64 bits, so numel and the byte count fit a long
        return new Entry(name, dtype.Value.GetString()!, dt.dtype, dims.Select(d => (long)d).ToArray(),
            (long)numel, (long)(bits / 8), (long)offs[0], (long)offs[1]);
    }

    private static bool Set(ref JsonElement? slot, JsonElement value)
    {
        if (slot is not null) return true;
        slot = value;
        return false;
    }

    /// <summary>Sorted by offsets, the tensors must follow each other from 0 with neither gap nor overlap; returns where they end.</summary>
    private static long Validate(List<Entry> entries)
    {
        long start = 0;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin != start || e.End < e.Begin)
                throw SafetensorError.Header(SafetensorErrorKind.InvalidOffset,
                    $"invalid offset for tensor `{e.Name}`: data_offsets [{e.Begin}, {e.End}] " +
                    (e.End < e.Begin ? "end before they begin" : $"do not begin where the previous tensor ends ({start})"));
            start = e.End;
            if (e.End - e.Begin != e.ByteCount)
                throw SafetensorError.Header(SafetensorErrorKind.TensorInvalidInfo,
                    $"invalid shape, data type, or offset for tensor `{e.Name}`: shape {Shape.Str(e.Shape)} of {e.Code} needs {e.ByteCount} bytes but data_offsets [{e.Begin}, {e.End}] hold {e.End - e.Begin}");
        }
        return start;
    }

    private static ulong[] Integers(string name, string field, JsonElement v, int count)
    {
        if (v.ValueKind != JsonValueKind.Array || (count >= 0 && v.GetArrayLength() != count))
            throw Invalid($"tensor `{name}`: `{field}` must be an array of {(count >= 0 ? $"{count} " : "")}non-negative integers, got {Clip(v.GetRawText())}");
        var r = new ulong[v.GetArrayLength()];
        int i = 0;
        foreach (var x in v.EnumerateArray())
        {
            if (x.ValueKind != JsonValueKind.Number || !x.TryGetUInt64(out r[i]))
                throw Invalid($"tensor `{name}`: `{field}` must hold non-negative integers, got {Clip(x.GetRawText())}");
            i++;
        }
        return r;
    }

    private static bool Mul(ulong a, ulong b, out ulong r)
    {
        UInt128 p = (UInt128)a * b;
        r = (ulong)p;
        return p <= ulong.MaxValue;
    }

    private static InvalidDataException Overflow(string name, ulong[] dims, string code) =>
        SafetensorError.Header(SafetensorErrorKind.ValidationOverflow,
            $"overflow computing buffer size from shape and/or element type: tensor `{name}` has shape {Str(dims)} of {code}");

    private static InvalidDataException Invalid(string detail, Exception? inner = null) =>
        SafetensorError.Header(SafetensorErrorKind.InvalidHeaderDeserialization, "invalid JSON in header: " + detail, inner);

    private static string Kind(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Object => "an object", JsonValueKind.Array => "an array", JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number", JsonValueKind.True or JsonValueKind.False => "a boolean", _ => "null",
    };

    private static string Str(ulong[] dims) => "[" + string.Join(", ", dims) + "]";
    private static string Clip(string s) => s.Length <= 80 ? s : s[..80] + "...";
}

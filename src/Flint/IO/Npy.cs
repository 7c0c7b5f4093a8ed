using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Flint;

/// <summary>
/// NumPy's file formats: <c>np.save</c>/<c>np.load</c> for <c>.npy</c> files and <c>np.savez</c>/<c>np.load_npz</c>
/// for <c>.npz</c> archives, byte-compatible with NumPy. Flint writes format version 1.0 (2.0 when a header
/// needs it) in native byte order; it reads versions 1.0, 2.0 and 3.0, either byte order, C or Fortran order.
/// </summary>
public static partial class np
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    private const int ArrayAlign = 64;
    private const int GrowthAxisMaxDigits = 21;
    /// <summary>The longest header (in characters) Flint parses: NumPy's <c>max_header_size</c> default. NumPy
    /// itself writes a few hundred bytes at most.</summary>
    private const int MaxHeaderSize = 10000;
    /// <summary>How deeply brackets may nest in a header; Python's parser refuses more ("too many nested parentheses").</summary>
    private const int MaxHeaderNesting = 200;

    // ---------------- save ----------------

    /// <summary>
    /// Writes <paramref name="arr"/> to a <c>.npy</c> file (".npy" is appended when the name lacks it, as NumPy
    /// does). The file is replaced atomically: a temporary file in the same folder is written, then moved over it.
    /// Non-contiguous tensors are written in C order.
    /// </summary>
    public static void save(string file, Tensor arr)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(arr);
        CheckSavable(arr);
        if (!file.EndsWith(".npy", StringComparison.Ordinal)) file += ".npy";
        AtomicFile.Write(file, s => save(s, arr));
    }

    /// <summary>Writes <paramref name="arr"/> in <c>.npy</c> format at the stream's current position.</summary>
    public static void save(Stream stream, Tensor arr)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(arr);
        CheckSavable(arr);
        var c = (arr.device.type == DeviceType.CPU ? arr : arr.cpu()).contiguous();
        stream.Write(Header(c.dtype, c._shape));
        long nbytes = c.numel() * c.dtype.itemsize;
        if (nbytes == 0) return;
        var bytes = Backends.HostMemory.Data(c._storage);
        long start = c._offset * c.dtype.itemsize;
        ForEachChunk(bytes, start, nbytes, span => stream.Write(span));
    }

    private static void CheckSavable(Tensor arr)
    {
        if (arr.dtype == DType.BFloat16)
            throw new NotSupportedException("np.save: the tensor's dtype torch.bfloat16 has no NumPy dtype, so it cannot be written to a .npy file; convert it first, e.g. t.to(torch.float32)");
    }

    /// <summary>The descr NumPy writes for a dtype in this machine's byte order: '&lt;f4', '|b1', ...</summary>
    internal static string Descr(DType dt)
    {
        char order = dt.itemsize == 1 ? '|' : BitConverter.IsLittleEndian ? '<' : '>';
        string code = dt.scalar_type switch
        {
            ScalarType.Float32 => "f4", ScalarType.Float64 => "f8", ScalarType.Float16 => "f2",
            ScalarType.Int64 => "i8", ScalarType.Int32 => "i4", ScalarType.Int16 => "i2",
            ScalarType.Int8 => "i1", ScalarType.UInt8 => "u1", ScalarType.Bool => "b1",
            _ => throw new NotSupportedException($"np.save: the dtype {dt} has no NumPy dtype"),
        };
        return order + code;
    }

    /// <summary>The magic string, version, header length and padded header dict, exactly as NumPy lays them out.</summary>
    internal static byte[] Header(DType dtype, long[] shape)
    {
        var sb = new StringBuilder();
        sb.Append("{'descr': '").Append(Descr(dtype)).Append("', 'fortran_order': False, 'shape': ");
        string shapeText = ShapeRepr(shape);
        sb.Append(shapeText).Append(", }");
        if (shape.Length > 0)
            sb.Append(' ', Math.Max(0, GrowthAxisMaxDigits - shape[0].ToString(CultureInfo.InvariantCulture).Length));
        byte[] dict = Encoding.Latin1.GetBytes(sb.ToString());
        long hlen = dict.Length + 1;
        int major = 1, lenSize = 2;
        long pad = ArrayAlign - (Magic.Length + 2 + lenSize + hlen) % ArrayAlign;
        if (hlen + pad > ushort.MaxValue)
        {
            major = 2; lenSize = 4;
            pad = ArrayAlign - (Magic.Length + 2 + lenSize + hlen) % ArrayAlign;
        }
        var r = new byte[Magic.Length + 2 + lenSize + hlen + pad];
        Magic.CopyTo(r, 0);
        r[6] = (byte)major; r[7] = 0;
        if (lenSize == 2) BinaryPrimitives.WriteUInt16LittleEndian(r.AsSpan(8), (ushort)(hlen + pad));
        else BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(8), (uint)(hlen + pad));
        int p = 8 + lenSize;
        dict.CopyTo(r, p);
        p += dict.Length;
        r.AsSpan(p, (int)pad).Fill((byte)' ');
        r[^1] = (byte)'\n';
        return r;
    }

    private static string ShapeRepr(long[] shape) => shape.Length switch
    {
        0 => "()",
        1 => $"({shape[0].ToString(CultureInfo.InvariantCulture)},)",
        _ => "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")",
    };

    // ---------------- load ----------------

    /// <summary>
    /// Reads a <c>.npy</c> file. Fortran-order files come back as a Fortran-strided (non-contiguous) tensor, as
    /// <c>torch.from_numpy(np.load(...))</c> gives; big-endian data is converted to this machine's byte order.
    /// </summary>
    /// <remarks>
    /// Every malformed or hostile file fails fast with <see cref="InvalidDataException"/> (NumPy's <c>ValueError</c>),
    /// whatever is wrong with it. The header is held to NumPy's limits (at most 10000 characters, its
    /// <c>max_header_size</c>; brackets nested at most 200 deep, as Python's parser allows), and memory is set aside
    /// only for data the file holds.
    /// </remarks>
    /// <exception cref="InvalidDataException">The file is not a well-formed .npy file (bad magic, bad or oversized header, data cut short).</exception>
    /// <exception cref="NotSupportedException">The file holds a dtype Flint has no equivalent for.</exception>
    public static Tensor load(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        using var fs = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return ReadNpy(fs, fs.Length, file);
    }

    /// <summary>Reads one <c>.npy</c> array from the stream's current position; it fails as <see cref="load(string)"/> does.</summary>
    /// <exception cref="InvalidDataException">The stream does not hold a well-formed .npy file.</exception>
    /// <exception cref="NotSupportedException">The file holds a dtype Flint has no equivalent for.</exception>
    public static Tensor load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long? available = stream.CanSeek ? stream.Length - stream.Position : null;
        return ReadNpy(stream, available, null);
    }

    internal static Tensor ReadNpy(Stream s, long? available, string? name)
    {
        long consumed = 0;
        var pre = new byte[8];
        consumed += ReadExactly(s, pre, "magic string");
        if (!pre.AsSpan(0, 6).SequenceEqual(Magic))
        {
            if (pre[0] == (byte)'P' && pre[1] == (byte)'K')
                throw new InvalidDataException($"{(name ?? "the stream")} is a zip archive (an .npz file), not an .npy file: read it with np.load_npz");
            throw new InvalidDataException($"the magic string is not correct; expected b'\\x93NUMPY', got {BytesRepr(pre.AsSpan(0, 6))}");
        }
        int major = pre[6], minor = pre[7];
        if (minor != 0 || major < 1 || major > 3)
            throw new InvalidDataException($"we only support format version (1,0), (2,0), and (3,0), not ({major}, {minor})");
        long headerLen;
        if (major == 1)
        {
            var b = new byte[2];
            consumed += ReadExactly(s, b, "array header length");
            headerLen = BinaryPrimitives.ReadUInt16LittleEndian(b);
        }
        else
        {
            var b = new byte[4];
            consumed += ReadExactly(s, b, "array header length");
            headerLen = BinaryPrimitives.ReadUInt32LittleEndian(b);
        }
        // NumPy reads the header before it measures it, so a header cut short is an EOF error first.
        if (available is long left && headerLen > left - consumed)
            throw new InvalidDataException($"EOF: reading array header, expected {headerLen} bytes got {Math.Max(0, left - consumed)}");
        // NumPy measures the decoded header in characters; a UTF-8 character takes at most 4 bytes.
        if (headerLen > (major == 3 ? 4L * MaxHeaderSize : MaxHeaderSize))
            throw HeaderTooLarge(headerLen);
        var hb = new byte[headerLen];
        consumed += ReadExactly(s, hb, "array header");
        string header;
        if (major == 3)
        {
            try { header = new UTF8Encoding(false, true).GetString(hb); }
            catch (DecoderFallbackException) { throw new InvalidDataException("the array header is not valid UTF-8"); }
            int chars = header.EnumerateRunes().Count();
            if (chars > MaxHeaderSize) throw HeaderTooLarge(chars);
        }
        else header = Encoding.Latin1.GetString(hb);

        var (dtype, byteSwap, shape, fortran) = ParseHeader(header);

        long numel = 1;
        BigInteger bigNumel = BigInteger.One;
        foreach (var d in shape) bigNumel *= d;
        BigInteger needed = bigNumel * dtype.itemsize;
        if (available is long avail && needed > avail - consumed)
            throw new InvalidDataException($"EOF: reading array data, expected {needed} bytes got {Math.Max(0, avail - consumed)}");
        if (bigNumel > System.Array.MaxLength)
            throw new InvalidDataException($"the array's shape {ShapeRepr(shape)} holds {bigNumel} elements; a Flint CPU tensor holds at most {System.Array.MaxLength}");
        numel = (long)bigNumel;

        long[] storageShape = fortran ? shape.Reverse().ToArray() : shape;
        long nbytes = numel * dtype.itemsize;
        // A stream of unknown length: read the data before setting the array's memory aside, so a header
        // that claims more than the stream holds costs no more memory than the stream's bytes.
        if (available is null && nbytes > ReadAheadChunk) s = ReadAhead(s, nbytes);
        var t = Tensor.Empty(storageShape, dtype, Device.CPU);
        var data = Backends.HostMemory.Data(t._storage);
        long got = 0;
        ForEachChunk(data, 0, nbytes, span =>
        {
            int n = ReadAtMost(s, span);
            got += n;
            if (n < span.Length)
                throw new InvalidDataException($"EOF: reading array data, expected {nbytes} bytes got {got}");
            if (byteSwap) SwapBytes(span, dtype.itemsize);
            if (dtype == DType.Bool)
                foreach (ref byte x in span) x = x != 0 ? (byte)1 : (byte)0;
        });
        if (fortran && shape.Length > 1)
            t = t.permute(Enumerable.Range(0, shape.Length).Reverse().Select(i => (long)i).ToArray());
        return t;
    }

    private const int ReadAheadChunk = 1 << 24;

    /// <summary>Reads <paramref name="nbytes"/> bytes into chunks (throwing at EOF) and gives them back as a stream.</summary>
    private static Stream ReadAhead(Stream s, long nbytes)
    {
        var chunks = new List<byte[]>();
        long got = 0;
        while (got < nbytes)
        {
            var chunk = new byte[(int)Math.Min(ReadAheadChunk, nbytes - got)];
            int n = ReadAtMost(s, chunk);
            got += n;
            if (n < chunk.Length) throw new InvalidDataException($"EOF: reading array data, expected {nbytes} bytes got {got}");
            chunks.Add(chunk);
        }
        return new ChunkStream(chunks);
    }

    /// <summary>A read-only stream over byte chunks read ahead.</summary>
    private sealed class ChunkStream(List<byte[]> chunks) : ForwardReadStream
    {
        private int chunk, at;

        public override int Read(Span<byte> buffer)
        {
            int total = 0;
            while (total < buffer.Length && chunk < chunks.Count)
            {
                var c = chunks[chunk];
                int n = Math.Min(buffer.Length - total, c.Length - at);
                c.AsSpan(at, n).CopyTo(buffer[total..]);
                total += n; at += n;
                if (at == c.Length) { chunks[chunk++] = []; at = 0; }   // let the copied chunk go
            }
            return total;
        }
    }

    private static InvalidDataException HeaderTooLarge(long length) =>
        new($"Header info length ({length}) is large and may not be safe to load securely (Flint reads headers of at most {MaxHeaderSize} characters, NumPy's max_header_size)");

    private static void SwapBytes(Span<byte> span, int itemsize)
    {
        switch (itemsize)
        {
            case 2: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ushort>(span), MemoryMarshal.Cast<byte, ushort>(span)); break;
            case 4: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, uint>(span), MemoryMarshal.Cast<byte, uint>(span)); break;
            case 8: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ulong>(span), MemoryMarshal.Cast<byte, ulong>(span)); break;
        }
    }

    /// <summary>Calls <paramref name="body"/> on consecutive byte spans covering [start, start+count) of an array's memory.</summary>
    private static void ForEachChunk(System.Array array, long start, long count, SpanAction body)
    {
        const int Chunk = 1 << 24;   // a multiple of every itemsize, so byte swaps never split an element
        ref byte b0 = ref MemoryMarshal.GetArrayDataReference(array);
        for (long done = 0; done < count; done += Chunk)
        {
            int n = (int)Math.Min(Chunk, count - done);
            body(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref b0, (nint)(start + done)), n));
        }
    }

    private delegate void SpanAction(Span<byte> span);

    private static int ReadAtMost(Stream s, Span<byte> buf)
    {
        int total = 0;
        while (total < buf.Length)
        {
            int n = s.Read(buf[total..]);
            if (n <= 0) break;
            total += n;
        }
        return total;
    }

    private static int ReadExactly(Stream s, byte[] buf, string what)
    {
        int n = ReadAtMost(s, buf);
        if (n < buf.Length)
            throw new InvalidDataException($"EOF: reading {what}, expected {buf.Length} bytes got {n}");
        return n;
    }

    private static string BytesRepr(ReadOnlySpan<byte> b)
    {
        var sb = new StringBuilder("b'");
        foreach (var x in b)
        {
            if (x == '\\' || x == '\'') sb.Append('\\').Append((char)x);
            else if (x >= 0x20 && x < 0x7f) sb.Append((char)x);
            else sb.Append("\\x").Append(x.ToString("x2", CultureInfo.InvariantCulture));
        }
        return sb.Append('\'').ToString();
    }

    // ---------------- header ----------------

    private static (DType dtype, bool byteSwap, long[] shape, bool fortran) ParseHeader(string header)
    {
        object? parsed;
        try { parsed = new PyLiteral(header).ParseAll(); }
        catch (FormatException e) { throw new InvalidDataException($"Cannot parse header: {Quote(header)}: {e.Message}"); }
        if (parsed is not Dictionary<string, object?> d)
            throw new InvalidDataException($"Header is not a dictionary: {Quote(header)}");
        var keys = d.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
        if (!keys.SequenceEqual(["descr", "fortran_order", "shape"]))
            throw new InvalidDataException($"Header does not contain the correct keys: [{string.Join(", ", keys.Select(k => "'" + k + "'"))}]");

        if (d["shape"] is not PyTuple shapeItems || shapeItems.Any(x => x is not BigInteger v || v < 0 || v > long.MaxValue))
            throw new InvalidDataException($"shape is not valid: {PyLiteral.Repr(d["shape"])}");
        var shape = shapeItems.Select(x => (long)(BigInteger)x!).ToArray();
        if (d["fortran_order"] is not bool fortran)
            throw new InvalidDataException($"fortran_order is not a valid bool: {PyLiteral.Repr(d["fortran_order"])}");
        var (dtype, swap) = ParseDescr(d["descr"]);
        return (dtype, swap, shape, fortran);
    }

    private static string Quote(string h) => "'" + h.TrimEnd() + "'";

    private static (DType, bool) ParseDescr(object? descr)
    {
        if (descr is not string s)
        {
            if (descr is List<object?>)
                throw new NotSupportedException($"np.load: the file holds a structured dtype (descr {PyLiteral.Repr(descr)}); Flint reads only plain numeric and bool arrays");
            throw new InvalidDataException($"descr is not a valid dtype descriptor: {PyLiteral.Repr(descr)}");
        }
        char order = s.Length > 0 && "<>|=".Contains(s[0]) ? s[0] : '=';
        string code = s.Length > 0 && "<>|=".Contains(s[0]) ? s[1..] : s;
        DType? dt = code switch
        {
            "f4" => DType.Float32, "f8" => DType.Float64, "f2" => DType.Float16,
            "i8" => DType.Int64, "i4" => DType.Int32, "i2" => DType.Int16,
            "i1" => DType.Int8, "u1" => DType.UInt8, "b1" => DType.Bool,
            _ => null,
        };
        if (dt is null)
            throw new NotSupportedException($"np.load: the .npy dtype '{s}'{Describe(code)} has no Flint dtype; Flint reads float16/32/64 (f2, f4, f8), int8/16/32/64 (i1, i2, i4, i8), uint8 (u1) and bool (b1)");
        bool big = order == '>' || (order == '=' && !BitConverter.IsLittleEndian);
        bool swap = dt.itemsize > 1 && order != '|' && big == BitConverter.IsLittleEndian;
        return (dt, swap);
    }

    private static string Describe(string code)
    {
        if (code.Length == 0) return "";
        string? what = code switch
        {
            "u2" => "uint16", "u4" => "uint32", "u8" => "uint64", "c8" => "complex64", "c16" => "complex128",
            "f16" => "float128", "c32" => "complex256", "O" => "object, pickled Python objects",
            _ => code[0] switch
            {
                'U' => "a unicode string", 'S' => "a byte string", 'V' => "raw void", 'M' => "datetime64",
                'm' => "timedelta64", _ => null,
            },
        };
        return what is null ? "" : $" ({what})";
    }

    private sealed class PyTuple : List<object?>;

    /// <summary>Parses the Python literal subset NumPy headers use: dict, tuple, list, str, int, True/False/None.</summary>
    private sealed class PyLiteral(string text)
    {
        private int pos, depth;
        public object? ParseAll()
        {
            var v = Value();
            Ws();
            if (pos != text.Length) throw new FormatException($"unexpected text at offset {pos}");
            return v;
        }

        private void Ws() { while (pos < text.Length && char.IsWhiteSpace(text[pos])) pos++; }

        private char Peek() { Ws(); return pos < text.Length ? text[pos] : throw new FormatException("unexpected end of header"); }

        private void Enter()
        {
            if (++depth > MaxHeaderNesting) throw new FormatException($"too many nested parentheses (more than {MaxHeaderNesting}) at offset {pos - 1}");
        }

        private object? Value()
        {
            char c = Peek();
            switch (c)
            {
                case '{':
                {
                    pos++;
                    Enter();
                    var d = new Dictionary<string, object?>(StringComparer.Ordinal);
                    while (Peek() != '}')
                    {
                        if (Value() is not string k) throw new FormatException("dictionary keys must be strings");
                        if (Peek() != ':') throw new FormatException($"expected ':' at offset {pos}");
                        pos++;
                        if (!d.TryAdd(k, Value())) throw new FormatException($"duplicate key '{k}'");
                        if (Peek() == ',') pos++;
                        else if (Peek() != '}') throw new FormatException($"expected ',' or '}}' at offset {pos}");
                    }
                    pos++;
                    depth--;
                    return d;
                }
                case '(':
                case '[':
                {
                    char close = c == '(' ? ')' : ']';
                    pos++;
                    Enter();
                    var l = c == '(' ? new PyTuple() : new List<object?>();
                    bool comma = false;
                    while (Peek() != close)
                    {
                        l.Add(Value());
                        comma = false;
                        if (Peek() == ',') { pos++; comma = true; }
                        else if (Peek() != close) throw new FormatException($"expected ',' or '{close}' at offset {pos}");
                    }
                    pos++;
                    depth--;
                    if (c == '(' && l.Count == 1 && !comma) return l[0];   // (x) is just x
                    return l;
                }
                case '\'':
                case '"':
                {
                    int start = ++pos;
                    while (pos < text.Length && text[pos] != c)
                    {
                        if (text[pos] == '\\') throw new FormatException("escape sequences are not supported in header strings");
                        pos++;
                    }
                    if (pos >= text.Length) throw new FormatException("unterminated string");
                    return text[start..pos++];
                }
                default:
                {
                    int start = pos;
                    if (c == '-' || c == '+') pos++;
                    while (pos < text.Length && (char.IsAsciiLetterOrDigit(text[pos]) || text[pos] == '_')) pos++;
                    string tok = text[start..pos];
                    if (tok == "True") return true;
                    if (tok == "False") return false;
                    if (tok == "None") return null;
                    string digits = tok.EndsWith('L') ? tok[..^1] : tok;   // Python 2 longs
                    if (digits.Length > 0 && BigInteger.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
                        && digits.TrimStart('-', '+').All(char.IsAsciiDigit))
                        return v;
                    throw new FormatException($"unexpected token '{tok}' at offset {start}");
                }
            }
        }

        public static string Repr(object? v) => v switch
        {
            null => "None",
            bool b => b ? "True" : "False",
            string s => "'" + s + "'",
            BigInteger i => i.ToString(CultureInfo.InvariantCulture),
            PyTuple l => l.Count == 1 ? "(" + Repr(l[0]) + ",)" : "(" + string.Join(", ", l.Select(Repr)) + ")",
            List<object?> l => "[" + string.Join(", ", l.Select(Repr)) + "]",
            Dictionary<string, object?> d => "{" + string.Join(", ", d.Select(kv => Repr(kv.Key) + ": " + Repr(kv.Value))) + "}",
            _ => v.ToString() ?? "",
        };
    }
}

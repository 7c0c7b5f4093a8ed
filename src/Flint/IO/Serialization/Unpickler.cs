using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Flint;

/// <summary>
/// Raised when a checkpoint's pickle stream is malformed or asks for something Flint refuses to build
/// (Python's <c>pickle.UnpicklingError</c>).
/// </summary>
public class UnpicklingError : IOException
{
    /// <summary>A checkpoint that could not be read, as Python's <c>pickle.UnpicklingError</c>.</summary>
    public UnpicklingError(string message) : base(message) { }
    /// <summary>A checkpoint that could not be read, with the error that caused it.</summary>
    public UnpicklingError(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A module-level name the pickle refers to (the GLOBAL opcode), before it is called.</summary>
internal sealed record PyGlobal(string Module, string Name)
{
    public string FullName => Module + "." + Name;
}

/// <summary>
/// A pickle reader that builds only data: it knows the opcodes of protocols 0 to 5 that plain data uses, and
/// resolves globals through <see cref="ResolveGlobal"/> and calls through <see cref="Call"/>, which the caller
/// restricts to an allow-list. Nothing in the stream can run code. The reader keeps its own stack (no recursion),
/// so deeply nested data cannot overflow the thread's stack, and every length is checked against what is left.
/// </summary>
internal sealed class Unpickler
{
    private readonly Stream input;
    private long remaining;               // bytes left in the stream, long.MaxValue when unknown
    private readonly List<object?> stack = [];
    private readonly List<int> marks = [];
    private readonly Dictionary<long, object?> memo = new(PyKeyComparer.Int64);
    /// <summary>The memo indices each memoized str-keyed dict was stored at (some may since hold another
    /// object), so a dict that turns into an object-keyed one is replaced in the memo without a scan.</summary>
    private readonly Dictionary<object, List<long>> memoIndicesOfDict = new(ReferenceEqualityComparer.Instance);

    /// <summary>Maps (module, name) to the object GLOBAL pushes; throws for names that are not allowed.</summary>
    public required Func<string, string, object> ResolveGlobal { get; init; }
    /// <summary>Applies a resolved global to its argument tuple (REDUCE).</summary>
    public required Func<object, object?[], object?> Call { get; init; }
    /// <summary>Resolves a persistent id (BINPERSID); null means persistent ids are not allowed.</summary>
    public Func<object?, object?>? PersistentLoad { get; init; }

    private const int MaxLine = 1 << 16;

    public Unpickler(Stream input, long? length)
    {
        this.input = input;
        remaining = length ?? long.MaxValue;
    }

    private static UnpicklingError Truncated() => new("pickle data was truncated");

    private int ReadByte()
    {
        if (remaining <= 0) throw Truncated();
        int b = input.ReadByte();
        if (b < 0) throw Truncated();
        remaining--;
        return b;
    }

    private byte[] ReadBytes(long n)
    {
        if (n < 0) throw new UnpicklingError("negative byte count");
        if (n > remaining || n > Array.MaxLength) throw Truncated();
        var buf = new byte[n];
        int got = 0;
        while (got < n)
        {
            int k = input.Read(buf, got, (int)n - got);
            if (k <= 0) throw Truncated();
            got += k;
        }
        remaining -= n;
        return buf;
    }

    private string ReadLine()
    {
        var sb = new List<byte>();
        while (true)
        {
            int b = ReadByte();
            if (b == '\n') break;
            if (sb.Count >= MaxLine) throw new UnpicklingError("a text argument of the pickle is too long");
            sb.Add((byte)b);
        }
        return Encoding.UTF8.GetString(sb.ToArray());
    }

    private void Push(object? o) => stack.Add(o);

    private object? Pop()
    {
        if (stack.Count == 0 || (marks.Count > 0 && stack.Count <= marks[^1])) throw new UnpicklingError("unpickling stack underflow");
        var o = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return o;
    }

    private object? Top()
    {
        if (stack.Count == 0 || (marks.Count > 0 && stack.Count <= marks[^1])) throw new UnpicklingError("unpickling stack underflow");
        return stack[^1];
    }

    private List<object?> PopMark()
    {
        if (marks.Count == 0) throw new UnpicklingError("could not find MARK");
        int m = marks[^1];
        marks.RemoveAt(marks.Count - 1);
        var items = stack.GetRange(m, stack.Count - m);
        stack.RemoveRange(m, stack.Count - m);
        return items;
    }

    private object? MemoGet(long i) =>
        memo.TryGetValue(i, out var v) ? v : throw new UnpicklingError($"Memo value not found at index {i}");

    private void MemoPut(long i)
    {
        if (i < 0) throw new UnpicklingError("negative PUT argument");
        var v = Top();
        memo[i] = v;
        if (v is Dictionary<string, object?> d)
        {
            if (!memoIndicesOfDict.TryGetValue(d, out var at)) memoIndicesOfDict[d] = at = [];
            at.Add(i);
        }
    }

    /// <summary>Reads one pickle (up to and including STOP) and returns the object it describes.</summary>
    public object? Load()
    {
        while (true)
        {
            int op = ReadByte();
            switch (op)
            {
                case 0x80: // PROTO
                    {
                        int p = ReadByte();
                        if (p > 5) throw new UnpicklingError($"unsupported pickle protocol: {p}");
                        break;
                    }
                case 0x95: Length8("FRAME"); break;   // FRAME: an 8-byte length; the framed opcodes follow inline
                case '.': // STOP
                    {
                        var r = Pop();
                        if (stack.Count != 0 || marks.Count != 0) { /* Python tolerates leftovers */ }
                        return r;
                    }
                case '(': marks.Add(stack.Count); break;
                case '0': Pop(); break;
                case '1': PopMark(); break;
                case '2': Push(Top()); break;
                case 'N': Push(null); break;
                case 0x88: Push(true); break;
                case 0x89: Push(false); break;
                case 'K': Push((long)ReadByte()); break;
                case 'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break;
                case 'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break;
                case 0x8a: Push(DecodeLong(ReadBytes(ReadByte()))); break;
                case 0x8b:
                    {
                        int n = BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4));
                        if (n < 0) throw new UnpicklingError("LONG pickle has negative byte count");
                        Push(DecodeLong(ReadBytes(n)));
                        break;
                    }
                case 'I':
                    {
                        string s = ReadLine();
                        if (s == "01") Push(true);
                        else if (s == "00") Push(false);
                        else Push(ParseInt(s));
                        break;
                    }
                case 'L': Push(ParseInt(ReadLine().TrimEnd('L'))); break;
                case 'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break;
                case 'F':
                    {
                        string s = ReadLine();
                        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                            throw new UnpicklingError($"could not convert string to float: '{s}'");
                        Push(d);
                        break;
                    }
                case 'X': Push(Utf8(ReadBytes(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))))); break;
                case 0x8c: Push(Utf8(ReadBytes(ReadByte()))); break;
                case 0x8d: Push(Utf8(ReadBytes(Length8("BINUNICODE8")))); break;
                case 'T': Push(Utf8(ReadBytes(BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))))); break;   // Python 2 str, decoded as UTF-8 as torch.load does
                case 'U': Push(Utf8(ReadBytes(ReadByte()))); break;
                case 'B': Push(ReadBytes(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))); break;
                case 'C': Push(ReadBytes(ReadByte())); break;
                case 0x8e: Push(ReadBytes(Length8("BINBYTES8"))); break;
                case 'V': Push(RawUnicodeEscape(ReadLine())); break;
                case 'S': Push(PyStringLiteral(ReadLine())); break;
                case ')': Push(Array.Empty<object?>()); break;
                case 't': Push(PopMark().ToArray()); break;
                case 0x85: { var a = Pop(); Push(new[] { a }); break; }
                case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; }
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; }
                case ']': Push(new List<object?>()); break;
                case 'l': Push(PopMark()); break;
                case '}': Push(new Dictionary<string, object?>()); break;
                case 'd':
                    {
                        var items = PopMark();
                        object d = new Dictionary<string, object?>();
                        Push(d);
                        SetItems(items);
                        break;
                    }
                case 'a': { var v = Pop(); AsList(Top()).Add(v); break; }
                case 'e': { var items = PopMark(); AsList(Top()).AddRange(items); break; }
                case 's': { var v = Pop(); var k = Pop(); SetItems([k, v]); break; }
                case 'u': SetItems(PopMark()); break;
                case 'p': MemoPut(ParseMemoIndex(ReadLine())); break;
                case 'q': MemoPut(ReadByte()); break;
                case 'r': MemoPut(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))); break;
                case 0x94: MemoPut(memo.Count); break;
                case 'g': Push(MemoGet(ParseMemoIndex(ReadLine()))); break;
                case 'h': Push(MemoGet(ReadByte())); break;
                case 'j': Push(MemoGet(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))); break;
                case 'c':
                    {
                        string module = ReadLine(), name = ReadLine();
                        Push(ResolveGlobal(module, name));
                        break;
                    }
                case 0x93:
                    {
                        var name = Pop(); var module = Pop();
                        if (module is not string m || name is not string n) throw new UnpicklingError("STACK_GLOBAL requires str");
                        Push(ResolveGlobal(m, n));
                        break;
                    }
                case 'R':
                    {
                        var args = Pop();
                        var func = Pop();
                        if (args is not object?[] tuple) throw new UnpicklingError("REDUCE expects a tuple of arguments");
                        if (func is null) throw new UnpicklingError("REDUCE expects a callable");
                        Push(Call(func, tuple));
                        break;
                    }
                case 'b':
                    {
                        var state = Pop();
                        Build(Top(), state);
                        break;
                    }
                case 'Q':
                    {
                        var pid = Pop();
                        if (PersistentLoad is null) throw new UnpicklingError("A load persistent id instruction was encountered, but no persistent_load function was specified.");
                        Push(PersistentLoad(pid));
                        break;
                    }
                case 'P':
                    {
                        string pid = ReadLine();
                        if (PersistentLoad is null) throw new UnpicklingError("A load persistent id instruction was encountered, but no persistent_load function was specified.");
                        Push(PersistentLoad(pid));
                        break;
                    }
                case 'i': case 'o': case 0x81: case 0x92: case 0x82: case 0x83: case 0x84:
                    throw new UnpicklingError($"the pickle opcode {OpRepr(op)} builds arbitrary objects, which Flint does not load");
                default:
                    throw new UnpicklingError($"invalid load key, {OpRepr(op)}.");
            }
        }
    }

    /// <summary>The 8-byte length of BINUNICODE8, BINBYTES8 and FRAME, refused past what a stream can hold.</summary>
    private long Length8(string op)
    {
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));
        if (n > long.MaxValue)
            throw new UnpicklingError(op == "FRAME" ? $"FRAME length exceeds system's maximum of {long.MaxValue} bytes" : $"{op} exceeds system's maximum size of {long.MaxValue} bytes");
        return (long)n;
    }

    private static List<object?> AsList(object? o) =>
        o as List<object?> ?? throw new UnpicklingError($"APPEND expects a list, got {PyTypeName(o)}");

    /// <summary>Sets key/value pairs on the dict at the top of the stack. A dict starts keyed by string; the first
    /// key of another type turns it into a dictionary keyed by object (replaced on the stack and in the memo).</summary>
    private void SetItems(List<object?> kv)
    {
        if (kv.Count % 2 != 0) throw new UnpicklingError("odd number of items for SETITEMS");
        var target = Top();
        for (int i = 0; i < kv.Count; i += 2)
        {
            var key = kv[i];
            switch (target)
            {
                case Dictionary<string, object?> sd when key is string s:
                    sd[s] = kv[i + 1];
                    break;
                case Dictionary<string, object?> sd:
                    {
                        PyKeyComparer.CheckKey(key);
                        var od = new Dictionary<object, object?>(PyKeyComparer.Instance);
                        foreach (var e in sd) od[e.Key] = e.Value;
                        if (memoIndicesOfDict.Remove(sd, out var at))
                            foreach (var m in at)
                                if (ReferenceEquals(memo[m], sd)) memo[m] = od;
                        stack[^1] = od;
                        target = od;
                        od[key!] = kv[i + 1];
                        break;
                    }
                case Dictionary<object, object?> od:
                    PyKeyComparer.CheckKey(key);
                    od[key!] = kv[i + 1];
                    break;
                default:
                    throw new UnpicklingError($"SETITEM expects a dict, got {PyTypeName(target)}");
            }
        }
    }

    /// <summary>BUILD: only attribute state on dicts (an OrderedDict's <c>_metadata</c>) and empty state are accepted; both are dropped.</summary>
    private static void Build(object? target, object? state)
    {
        if (state is null) return;
        if (target is Dictionary<string, object?> or Dictionary<object, object?> && state is Dictionary<string, object?>) return;
        if (target is Tensor && state is Dictionary<string, object?> sd && sd.Count == 0) return;
        throw new UnpicklingError($"Flint cannot set state of type {PyTypeName(state)} on an object of type {PyTypeName(target)} (the BUILD opcode)");
    }

    private static long ParseMemoIndex(string s) =>
        long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0 ? v : throw new UnpicklingError($"invalid memo index '{s}'");

    private static object ParseInt(string s)
    {
        if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)) return v;
        if (s.Length < 10000 && BigInteger.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var b)) return b;
        throw new UnpicklingError($"invalid literal for int() with base 10: '{s}'");
    }

    private static object DecodeLong(byte[] b)
    {
        if (b.Length == 0) return 0L;
        if (b.Length <= 8)
        {
            long v = 0;
            for (int i = b.Length - 1; i >= 0; i--) v = (v << 8) | b[i];
            int shift = 64 - 8 * b.Length;
            return shift == 0 ? v : (v << shift) >> shift;   // sign-extend
        }
        var big = new BigInteger(b, isUnsigned: false, isBigEndian: false);
        return big >= long.MinValue && big <= long.MaxValue ? (long)big : big;
    }

    private static string Utf8(byte[] b)
    {
        try { return new UTF8Encoding(false, true).GetString(b); }
        catch (DecoderFallbackException e) { throw new UnpicklingError("a string in the pickle is not valid UTF-8", e); }
    }

    private static string RawUnicodeEscape(string s)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length && (s[i + 1] == 'u' || s[i + 1] == 'U'))
            {
                int n = s[i + 1] == 'u' ? 4 : 8;
                if (i + 2 + n > s.Length || !int.TryParse(s.AsSpan(i + 2, n), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int cp) || cp > 0x10FFFF)
                    throw new UnpicklingError("truncated \\uXXXX escape in a UNICODE opcode");
                if (cp <= 0xFFFF) sb.Append((char)cp);   // a lone surrogate stays one, as in Python
                else sb.Append(char.ConvertFromUtf32(cp));
                i += 1 + n;
            }
            else sb.Append(s[i]);
        }
        return sb.ToString();
    }

    /// <summary>A Python 2 <c>repr()</c> of a str: quoted, with backslash escapes.</summary>
    private static string PyStringLiteral(string s)
    {
        if (s.Length < 2 || s[0] != s[^1] || (s[0] != '\'' && s[0] != '"'))
            throw new UnpicklingError("the STRING opcode argument must be quoted");
        s = s[1..^1];
        var sb = new StringBuilder();
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c != '\\' || i + 1 >= s.Length) { sb.Append(c); continue; }
            char e = s[++i];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case 'x':
                    if (i + 2 < s.Length && int.TryParse(s.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int x))
                    { sb.Append((char)x); i += 2; }
                    else throw new UnpicklingError("invalid \\x escape in a STRING opcode");
                    break;
                default: sb.Append('\\').Append(e); break;
            }
        }
        return sb.ToString();
    }

    private static string OpRepr(int op) =>
        op >= 0x20 && op < 0x7f ? $"'{(char)op}'" : $"'\\x{op:x2}'";

    /// <summary>The Python type name of a loaded value, for messages.</summary>
    internal static string PyTypeName(object? o) => o switch
    {
        null => "NoneType",
        bool => "bool",
        long or int or BigInteger => "int",
        double => "float",
        string => "str",
        byte[] => "bytes",
        object?[] => "tuple",
        List<object?> => "list",
        Dictionary<string, object?> or Dictionary<object, object?> => "dict",
        Tensor => "Tensor",
        PyGlobal g => g.FullName,
        _ => o.GetType().Name,
    };
}

/// <summary>
/// Compares dict keys as Python does for the hashable types a checkpoint holds (ints, floats, strings, bytes,
/// tuples). Hashes are seeded per process (as .NET's string hashes are) and mix every bit of an integer, so a
/// file cannot choose keys that all collide; tuples are walked with an explicit stack, and a key may hold at most
/// <see cref="MaxKeyItems"/> items nested at most <see cref="MaxKeyDepth"/> tuples deep (<see cref="CheckKey"/>),
/// which bounds the work of every hash and comparison.
/// </summary>
internal sealed class PyKeyComparer : IEqualityComparer<object>
{
    public static readonly PyKeyComparer Instance = new();

    /// <summary>Memo indices: seeded, all 64 bits mixed.</summary>
    public static readonly IEqualityComparer<long> Int64 = new Int64Comparer();

    public const int MaxKeyDepth = 100;
    public const int MaxKeyItems = 1000;

    /// <summary>Throws unless <paramref name="key"/> is hashable and small enough to hash in bounded time.</summary>
    public static void CheckKey(object? key)
    {
        if (key is not object?[] root)
        {
            if (key is null) throw new UnpicklingError("Flint cannot load a dict keyed by None");
            if (!IsHashableLeaf(key)) throw new UnpicklingError($"unhashable dict key of type {Unpickler.PyTypeName(key)}");
            return;
        }
        // Depth-first over the tuple tree, shared subtuples counted each time they appear (as hashing visits them).
        var work = new Stack<(object?[] t, int depth)>();
        work.Push((root, 1));
        long items = 0;
        while (work.Count > 0)
        {
            var (t, depth) = work.Pop();
            if (depth > MaxKeyDepth) throw new UnpicklingError($"a dict key nests tuples more than {MaxKeyDepth} deep; Flint refuses such keys");
            items += t.Length;
            if (items > MaxKeyItems) throw new UnpicklingError($"a dict key holds more than {MaxKeyItems} items; Flint refuses such keys");
            foreach (var x in t)
            {
                if (x is object?[] inner) work.Push((inner, depth + 1));
                else if (x is not null && !IsHashableLeaf(x)) throw new UnpicklingError($"unhashable dict key: a tuple holding a {Unpickler.PyTypeName(x)}");
            }
        }
    }

    /// <summary>Lists and dicts are Python's unhashable types; everything else the reader builds has a hash.</summary>
    private static bool IsHashableLeaf(object o) => o is not (List<object?> or Dictionary<string, object?> or Dictionary<object, object?>);

    public new bool Equals(object? a, object? b)
    {
        var work = new Stack<(object? a, object? b)>();
        work.Push((a, b));
        while (work.Count > 0)
        {
            var (x, y) = work.Pop();
            if (ReferenceEquals(x, y)) continue;
            if (x is object?[] tx && y is object?[] ty)
            {
                if (tx.Length != ty.Length) return false;
                for (int i = tx.Length - 1; i >= 0; i--) work.Push((tx[i], ty[i]));
                continue;
            }
            if (!LeafEquals(x, y)) return false;
        }
        return true;
    }

    private static bool LeafEquals(object? a, object? b)
    {
        if (a is null || b is null) return false;
        if (IsNumber(a) && IsNumber(b)) return ToDouble(a) == ToDouble(b) && ToBig(a) == ToBig(b);
        if (a is byte[] ba && b is byte[] bb) return ba.AsSpan().SequenceEqual(bb);
        if (a is object?[] || b is object?[]) return false;
        return a.Equals(b);
    }

    public int GetHashCode(object o)
    {
        if (o is not object?[] root) return LeafHash(o);
        var h = new HashCode();
        var work = new Stack<object?>();
        work.Push(root);
        while (work.Count > 0)
        {
            var x = work.Pop();
            if (x is object?[] t)
            {
                h.Add(t.Length);   // the shape, so ((1, 2), 3) and (1, (2, 3)) differ
                for (int i = t.Length - 1; i >= 0; i--) work.Push(t[i]);
            }
            else h.Add(x is null ? 0 : LeafHash(x));
        }
        return h.ToHashCode();
    }

    /// <summary>Equal numbers hash alike whatever their type (True, 1, 1.0), as in Python.</summary>
    private static int LeafHash(object o) => o switch
    {
        bool b => Mix(b ? 1 : 0),
        long l => Mix(l),
        double d when double.IsNaN(d) || double.IsInfinity(d) => d.GetHashCode(),
        double d when d == Math.Floor(d) => d >= -TwoTo63 && d < TwoTo63 ? Mix((long)d) : BigHash(new BigInteger(d)),
        double d => HashCode.Combine(d),
        BigInteger b => b >= long.MinValue && b <= long.MaxValue ? Mix((long)b) : BigHash(b),
        byte[] bytes => BytesHash(bytes),
        _ => o.GetHashCode(),
    };

    private const double TwoTo63 = 9223372036854775808.0;

    private static int Mix(long l) => HashCode.Combine((int)l, (int)(l >> 32));

    private static int BigHash(BigInteger b) => BytesHash(b.ToByteArray());

    private static int BytesHash(byte[] bytes)
    {
        var h = new HashCode();
        h.AddBytes(bytes);
        return h.ToHashCode();
    }

    private static bool IsNumber(object o) => o is bool or long or double or BigInteger;
    private static double ToDouble(object o) => o switch { bool b => b ? 1 : 0, long l => l, double d => d, BigInteger b => (double)b, _ => double.NaN };
    private static BigInteger ToBig(object o) => o switch
    {
        bool b => b ? 1 : 0, long l => l, BigInteger b => b,
        double d when !double.IsNaN(d) && !double.IsInfinity(d) => new BigInteger(Math.Truncate(d)),
        _ => BigInteger.Zero,
    };

    private sealed class Int64Comparer : IEqualityComparer<long>
    {
        public bool Equals(long a, long b) => a == b;
        public int GetHashCode(long l) => Mix(l);
    }
}

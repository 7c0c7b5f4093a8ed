using System.Buffers.Binary;
using System.Collections;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Flint;

/// <summary>
/// Writes pickle protocol 2 the way Python's pickler lays it out for the data a checkpoint holds, memo
/// numbering included, so a file Flint writes for a state dict has the same bytes PyTorch writes for it.
/// Tensors are written as PyTorch's reduce calls, with their storages as persistent ids.
/// </summary>
internal sealed class Pickler
{
    private readonly MemoryStream output = new();
    private readonly Dictionary<object, int> memoByRef = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, int> memoGlobals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> memoConstants = new(StringComparer.Ordinal);
    private int memoCount;
    private int depth;
    private const int MaxDepth = 1000;
    private const int BatchSize = 1000;

    /// <summary>The storages met so far, in key order ("0", "1", ...), with the dtype the tensors view them as.</summary>
    internal readonly List<(string key, Storage storage)> Storages = [];
    private readonly Dictionary<Storage, string> storageKeys = new(ReferenceEqualityComparer.Instance);

    public byte[] Dump(object? obj)
    {
        output.WriteByte(0x80); output.WriteByte(2);
        Save(obj);
        output.WriteByte((byte)'.');
        return output.ToArray();
    }

    private void Op(char c) => output.WriteByte((byte)c);
    private void Op(int b) => output.WriteByte((byte)b);

    private void Put()
    {
        int i = memoCount++;
        if (i < 256) { Op('q'); Op(i); }
        else { Op('r'); Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)i); output.Write(b); }
    }

    private void Get(int i)
    {
        if (i < 256) { Op('h'); Op(i); }
        else { Op('j'); Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)i); output.Write(b); }
    }

    private void Save(object? obj)
    {
        if (++depth > MaxDepth)
            throw new ArgumentException($"torch.save: the object is nested more than {MaxDepth} levels deep");
        try { SaveCore(obj); }
        finally { depth--; }
    }

    private void SaveCore(object? obj)
    {
        if (obj is not null && obj is not string && !obj.GetType().IsValueType && memoByRef.TryGetValue(obj, out int m)) { Get(m); return; }
        switch (obj)
        {
            case null: Op('N'); return;
            case bool b: Op(b ? 0x88 : 0x89); return;
            case long l: SaveInt(l); return;
            case int i: SaveInt(i); return;
            case short s: SaveInt(s); return;
            case sbyte sb: SaveInt(sb); return;
            case byte by: SaveInt(by); return;
            case ushort us: SaveInt(us); return;
            case uint ui: SaveInt(ui); return;
            case ulong ul: SaveBig(ul); return;
            case BigInteger big: SaveBig(big); return;
            case double d: SaveFloat(d); return;
            case float f: SaveFloat(f); return;
            case Half h: SaveFloat((double)h); return;
            case string str:
                if (memoByRef.TryGetValue(str, out int sm)) { Get(sm); return; }
                SaveString(str);
                memoByRef[str] = memoCount; Put();
                return;
            case Tensor t: SaveTensor(t); return;
            case Size size:
                SaveGlobal("torch", "Size");
                SaveTuple(size.Select(x => (object?)x).ToArray(), null);
                Op(0x85); Put();   // the args tuple (dims,)
                Op('R'); Put();
                return;
            case DType dt:
                SaveGlobal("torch", dt.name);
                return;
            case object?[] tuple: SaveTuple(tuple, tuple); return;
            case ITuple vt:
                {
                    var items = new object?[vt.Length];
                    for (int k = 0; k < items.Length; k++) items[k] = vt[k];
                    SaveTuple(items, null);
                    return;
                }
            case IDictionary dict: SaveDict(dict, IsStateDict(dict), dict); return;
            case IList list: SaveList(list, list); return;
            default:
                if (obj is IReadOnlyDictionary<string, Tensor> rt) { SaveDict(ToDictionary(rt), true, obj); return; }
                if (obj is IReadOnlyDictionary<string, object?> ro) { SaveDict(ToDictionary(ro), false, obj); return; }
                throw new ArgumentException($"torch.save: Flint cannot save an object of type {obj.GetType().FullName}; it saves tensors, dictionaries, lists, tuples (object?[]), numbers, strings, bools and null");
        }
    }

    /// <summary>What <c>state_dict()</c> returns is written as an <c>OrderedDict</c>, as PyTorch's is.</summary>
    private static bool IsStateDict(IDictionary d)
    {
        var t = d.GetType();
        return t.IsGenericType && t.GetGenericArguments() is [var k, var v] && k == typeof(string) && typeof(Tensor).IsAssignableFrom(v);
    }

    private static IDictionary ToDictionary<TValue>(IEnumerable<KeyValuePair<string, TValue>> pairs)
    {
        var od = new System.Collections.Specialized.OrderedDictionary();
        foreach (var kv in pairs) od.Add(kv.Key, kv.Value);
        return od;
    }

    private void SaveInt(long v)
    {
        if (v >= 0 && v <= 0xff) { Op('K'); Op((int)v); }
        else if (v >= 0 && v <= 0xffff) { Op('M'); Op((int)(v & 0xff)); Op((int)(v >> 8)); }
        else if (v >= int.MinValue && v <= int.MaxValue)
        {
            Op('J'); Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteInt32LittleEndian(b, (int)v); output.Write(b);
        }
        else SaveBig(v);
    }

    private void SaveBig(BigInteger v)
    {
        if (v >= int.MinValue && v <= int.MaxValue) { SaveInt((long)v); return; }
        byte[] bytes = v.ToByteArray(isUnsigned: false, isBigEndian: false);   // minimal two's complement, as Python's encode_long
        if (bytes.Length < 256) { Op(0x8a); Op(bytes.Length); }
        else { Op(0x8b); Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteInt32LittleEndian(b, bytes.Length); output.Write(b); }
        output.Write(bytes);
    }

    private void SaveFloat(double d)
    {
        Op('G'); Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteDoubleBigEndian(b, d); output.Write(b);
    }

    private void SaveString(string s)
    {
        byte[] u = Encoding.UTF8.GetBytes(s);
        Op('X'); Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)u.Length); output.Write(b);
        output.Write(u);
    }

    /// <summary>A string Python reuses as one object (a constant in PyTorch's code): memoized by value.</summary>
    private void SaveConstant(string s, string memoKey)
    {
        if (memoConstants.TryGetValue(memoKey, out int m)) { Get(m); return; }
        SaveString(s);
        memoConstants[memoKey] = memoCount; Put();
    }

    private void SaveGlobal(string module, string name)
    {
        string key = module + "\n" + name;
        if (memoGlobals.TryGetValue(key, out int m)) { Get(m); return; }
        Op('c');
        output.Write(Encoding.ASCII.GetBytes(module + "\n" + name + "\n"));
        memoGlobals[key] = memoCount; Put();
    }

    /// <summary>Python's save_tuple: () unmemoized, up to three items with TUPLE1-3, more between MARK and TUPLE.</summary>
    private void SaveTuple(object?[] items, object? identity)
    {
        if (items.Length == 0) { Op(')'); return; }
        if (items.Length <= 3)
        {
            foreach (var x in items) Save(x);
            Op(0x84 + items.Length);
        }
        else
        {
            Op('(');
            foreach (var x in items) Save(x);
            Op('t');
        }
        if (identity is not null) memoByRef[identity] = memoCount;
        Put();
    }

    private void SaveList(IList list, object identity)
    {
        Op(']');
        memoByRef[identity] = memoCount; Put();
        var items = list.Cast<object?>().ToList();
        for (int start = 0; start < items.Count; start += BatchSize)
        {
            int n = Math.Min(BatchSize, items.Count - start);
            if (n == 1) { Save(items[start]); Op('a'); }
            else
            {
                Op('(');
                for (int k = start; k < start + n; k++) Save(items[k]);
                Op('e');
            }
        }
    }

    private void SaveDict(IDictionary dict, bool ordered, object identity)
    {
        if (ordered)
        {
            SaveGlobal("collections", "OrderedDict");
            Op(')'); Op('R');
        }
        else Op('}');
        memoByRef[identity] = memoCount; Put();
        var items = new List<(object key, object? value)>();
        foreach (DictionaryEntry e in dict) items.Add((e.Key, e.Value));
        for (int start = 0; start < items.Count; start += BatchSize)
        {
            int n = Math.Min(BatchSize, items.Count - start);
            if (n == 1) { Save(items[start].key); Save(items[start].value); Op('s'); }
            else
            {
                Op('(');
                for (int k = start; k < start + n; k++) { Save(items[k].key); Save(items[k].value); }
                Op('u');
            }
        }
    }

    private static readonly Dictionary<ScalarType, string> StorageNames = new()
    {
        [ScalarType.Float32] = "FloatStorage", [ScalarType.Float64] = "DoubleStorage", [ScalarType.Float16] = "HalfStorage",
        [ScalarType.BFloat16] = "BFloat16Storage", [ScalarType.Int64] = "LongStorage", [ScalarType.Int32] = "IntStorage",
        [ScalarType.Int16] = "ShortStorage", [ScalarType.Int8] = "CharStorage", [ScalarType.UInt8] = "ByteStorage",
        [ScalarType.Bool] = "BoolStorage",
    };

    internal static string StorageName(DType dt) => StorageNames[dt.scalar_type];

    /// <summary>A tensor is PyTorch's <c>_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, OrderedDict())</c>;
    /// a parameter wraps that in <c>_rebuild_parameter(data, requires_grad, OrderedDict())</c>.</summary>
    private void SaveTensor(Tensor t)
    {
        if (t is Parameter p)
        {
            SaveGlobal("torch._utils", "_rebuild_parameter");
            SaveTensorData(p, requiresGrad: false);   // p.data: a fresh tensor in PyTorch, so memoized but never referenced again
            Op(p.requires_grad ? 0x88 : 0x89);
            EmptyOrderedDict();
            Op(0x87); Put();
            Op('R');
            memoByRef[t] = memoCount; Put();
            return;
        }
        SaveTensorData(t, t.requires_grad);
        memoByRef[t] = memoCount - 1;
    }

    private void SaveTensorData(Tensor t, bool requiresGrad)
    {
        SaveGlobal("torch._utils", "_rebuild_tensor_v2");
        Op('(');
        SavePersistentStorage(t._storage);
        SaveInt(t._offset);
        SaveTuple(t._shape.Select(x => (object?)x).ToArray(), null);
        SaveTuple(t._strides.Select(x => (object?)x).ToArray(), null);
        Op(requiresGrad ? 0x88 : 0x89);
        EmptyOrderedDict();
        Op('t'); Put();
        Op('R'); Put();
    }

    private void EmptyOrderedDict()
    {
        SaveGlobal("collections", "OrderedDict");
        Op(')'); Op('R'); Put();
    }

    private void SavePersistentStorage(Storage st)
    {
        if (!storageKeys.TryGetValue(st, out var key))
        {
            key = storageKeys.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            storageKeys[st] = key;
            Storages.Add((key, st));
        }
        Op('(');
        SaveConstant("storage", "storage");
        SaveGlobal("torch", StorageName(st.dtype));
        SaveConstant(key, "key:" + key);
        SaveConstant(Location(st), "location:" + Location(st));
        SaveInt(st.Count);
        Op('t'); Put();
        Op('Q');
    }

    internal static string Location(Storage st) =>
        st.device.type == DeviceType.CPU ? "cpu" : st.device.index >= 0 ? st.device.ToString() : st.device + ":0";
}

using System.Collections;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Flint.Optimizers;

/// <summary>
/// Reads the entries of a state dict whoever made it: the typed dictionaries and lists <c>state_dict()</c>
/// returns, and what <c>torch.load</c> gives for PyTorch's files and Flint's (dicts as
/// <c>Dictionary&lt;string, object?&gt;</c> or <c>Dictionary&lt;object, object?&gt;</c>, lists as
/// <c>List&lt;object?&gt;</c>, tuples as <c>object?[]</c>, ints as <c>long</c>, floats as <c>double</c>).
/// Optimizers and lr schedulers read their state dicts through these helpers only; a value of the wrong
/// kind is an <see cref="ArgumentException"/> that names the entry and the type found.
/// </summary>
internal static class StateDictValues
{
    /// <summary>The items of a dict, in order, whatever dictionary type holds them.</summary>
    internal static List<KeyValuePair<object, object?>> Items(object? o, string where)
    {
        var r = new List<KeyValuePair<object, object?>>();
        switch (o)
        {
            case IDictionary d:
                foreach (DictionaryEntry e in d) r.Add(new(e.Key, e.Value));
                return r;
            case IEnumerable<KeyValuePair<string, object?>> sd:
                foreach (var kv in sd) r.Add(new(kv.Key, kv.Value));
                return r;
            case IEnumerable<KeyValuePair<object, object?>> od:
                r.AddRange(od);
                return r;
            default:
                throw new ArgumentException($"{where} must be a dict, got {TypeName(o)}");
        }
    }

    /// <summary>A dict whose keys are all strings (an optimizer's per-parameter state, a parameter group, a scheduler's fields).</summary>
    internal static Dictionary<string, object?> StringDict(object? o, string where)
    {
        var d = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (k, v) in Items(o, where))
        {
            if (k is not string s) throw new ArgumentException($"{where} must have str keys, got a key of type {TypeName(k)}");
            d[s] = v;
        }
        return d;
    }

    /// <summary>The entry <paramref name="key"/> of a dict, or PyTorch's KeyError text when it is absent.</summary>
    internal static object? Required(IReadOnlyDictionary<string, object?> d, string key, string where) =>
        d.TryGetValue(key, out var v) ? v : throw new ArgumentException($"{where} has no entry '{key}'");

    /// <summary>The elements of a list or tuple (or of any typed list or array).</summary>
    internal static IReadOnlyList<object?> Sequence(object? o, string where)
    {
        switch (o)
        {
            case object?[] a: return a;
            case string or IDictionary or null: break;
            case IList l:
                {
                    var r = new object?[l.Count];
                    for (int i = 0; i < r.Length; i++) r[i] = l[i];
                    return r;
                }
            case ITuple t:
                {
                    var r = new object?[t.Length];
                    for (int i = 0; i < r.Length; i++) r[i] = t[i];
                    return r;
                }
        }
        throw new ArgumentException($"{where} must be a list or tuple, got {TypeName(o)}");
    }

    internal static bool IsInteger(object? o) => o is long or int or short or sbyte or byte or uint or ushort or ulong or BigInteger;

    internal static bool IsNumber(object? o) => IsInteger(o) || o is double or float or Half;

    /// <summary>A Python int (any C# integer type).</summary>
    internal static long Int(object? o, string where)
    {
        try
        {
            switch (o)
            {
                case long l: return l;
                case int i: return i;
                case short s: return s;
                case sbyte sb: return sb;
                case byte b: return b;
                case uint ui: return ui;
                case ushort us: return us;
                case ulong ul: return checked((long)ul);
                case BigInteger big: return (long)big;
            }
        }
        catch (OverflowException) { throw new ArgumentException($"{where} is out of the range of a 64-bit int"); }
        throw new ArgumentException($"{where} must be an int, got {TypeName(o)}");
    }

    /// <summary>A Python float, or an int read as one.</summary>
    internal static double Float(object? o, string where) => o switch
    {
        double d => d,
        float f => f,
        Half h => (double)h,
        BigInteger big => (double)big,
        _ when IsInteger(o) => Int(o, where),
        _ => throw new ArgumentException($"{where} must be a float, got {TypeName(o)}"),
    };

    internal static bool Bool(object? o, string where) =>
        o as bool? ?? throw new ArgumentException($"{where} must be a bool, got {TypeName(o)}");

    internal static string Str(object? o, string where) =>
        o as string ?? throw new ArgumentException($"{where} must be a str, got {TypeName(o)}");

    internal static double[] Floats(object? o, string where)
    {
        var s = Sequence(o, where);
        var r = new double[s.Count];
        for (int i = 0; i < r.Length; i++) r[i] = Float(s[i], $"{where}[{i}]");
        return r;
    }

    /// <summary>The Python name of a value's type, for messages.</summary>
    internal static string TypeName(object? o) => o switch
    {
        null => "NoneType",
        bool => "bool",
        _ when IsInteger(o) => "int",
        double or float or Half => "float",
        string => "str",
        Tensor => "Tensor",
        object?[] or ITuple => "tuple",
        IDictionary => "dict",
        IList => "list",
        _ => o.GetType().Name,
    };
}

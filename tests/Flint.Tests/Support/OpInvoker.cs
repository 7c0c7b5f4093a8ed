using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Flint;

namespace Flint.Tests.Support;

/// <summary>
/// Calls <c>torch.&lt;op&gt;</c> or <c>Tensor.&lt;op&gt;</c> by name, as Python calls it: recorded positional arguments in
/// order, recorded keyword arguments onto the C# parameters of the same name (<c>out</c> is C#'s <c>@out</c>), every
/// other parameter at its default. Of the overloads that take the arguments, the one needing the fewest conversions
/// wins (a Python int is a long before it is a double or a Scalar). So a case a generator records for an op the replay
/// has no special code for runs with no C# change.
/// </summary>
public static class OpInvoker
{
    /// <summary>A recorded argument decoded: Tensor, Scalar, long, double, bool, string, long[], Tensor[] or null.</summary>
    public static object? Decode(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Null: return null;
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            // common.py writes a non-finite float as a string
            case JsonValueKind.String:
                return e.GetString() switch { "inf" => double.PositiveInfinity, "-inf" => double.NegativeInfinity, "nan" => double.NaN, var s => s };
            case JsonValueKind.Number:
                return e.TryGetInt64(out var l) && !e.GetRawText().Contains('.') && !e.GetRawText().Contains('e') ? (object)l : e.GetDouble();
            case JsonValueKind.Array:
            {
                var items = e.EnumerateArray().Select(Decode).ToArray();
                if (items.All(i => i is long)) return items.Select(i => (long)i!).ToArray();
                if (items.All(i => i is Tensor)) return items.Select(i => (Tensor)i!).ToArray();
                return items;
            }
            default:
                if (Reference.IsScalar(e)) return Reference.Scalar(e);
                if (e.TryGetProperty("dtype", out _) && e.TryGetProperty("data", out _)) return Reference.Tensor(e);
                throw new FormatException("not an argument record: " + e.GetRawText());
        }
    }

    /// <summary>The keyword arguments of a recorded {"name": value} object, decoded.</summary>
    public static Dictionary<string, object?> Keywords(JsonElement kw, params string[] skip) =>
        kw.ValueKind != JsonValueKind.Object ? [] :
        kw.EnumerateObject().Where(p => !skip.Contains(p.Name)).ToDictionary(p => p.Name, p => Decode(p.Value));

    /// <summary><c>torch.op(*args, **kw)</c>.</summary>
    public static object? Function(string op, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?>? kw = null) =>
        Call(typeof(torch), null, op, args, kw ?? new Dictionary<string, object?>());

    /// <summary><c>self.op(*args, **kw)</c>.</summary>
    public static object? Method(Tensor self, string op, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?>? kw = null) =>
        Call(typeof(Tensor), self, op, args, kw ?? new Dictionary<string, object?>());

    /// <summary>Whether <c>torch.op</c> (or, for a method, <c>Tensor.op</c>) exists.</summary>
    public static bool Has(string op, bool method = false) => Overloads(method ? typeof(Tensor) : typeof(torch), method, op).Length > 0;

    private static readonly ConcurrentDictionary<(Type, bool, string), MethodInfo[]> s_overloads = new();

    private static MethodInfo[] Overloads(Type host, bool instance, string name) =>
        s_overloads.GetOrAdd((host, instance, name), k => k.Item1
            .GetMethods(BindingFlags.Public | (k.Item2 ? BindingFlags.Instance : BindingFlags.Static))
            .Where(m => m.Name == k.Item3 && !m.IsGenericMethodDefinition).ToArray());

    private static object? Call(Type host, Tensor? self, string op, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kw)
    {
        MethodInfo? best = null;
        object?[]? bestArgs = null;
        int bestCost = int.MaxValue;
        foreach (var m in Overloads(host, self is not null, op))
            if (Bind(m.GetParameters(), args, kw) is ({ } bound, var cost) && cost < bestCost) (best, bestArgs, bestCost) = (m, bound, cost);
        if (best is null)
            throw new Xunit.Sdk.XunitException($"no {(self is null ? "torch" : "Tensor")}.{op} overload takes ({Describe(args, kw)})");
        try { return Result(best.Invoke(self, bestArgs)); }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    /// <summary>The arguments for one overload and the number of conversions they need, or null where it does not fit.</summary>
    private static (object?[]? args, int cost) Bind(ParameterInfo[] ps, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kw)
    {
        var bound = new object?[ps.Length];
        var set = new bool[ps.Length];
        int cost = 0, i = 0;
        for (; i < args.Count; i++)
        {
            if (i >= ps.Length) return (null, 0);
            if (i == ps.Length - 1 && ps[i].IsDefined(typeof(ParamArrayAttribute)) && !Convert(args[i], ps[i].ParameterType, out _, out _))
            {
                // the rest of the positional arguments fill a params array
                var elem = ps[i].ParameterType.GetElementType()!;
                var rest = Array.CreateInstance(elem, args.Count - i);
                for (int k = i; k < args.Count; k++)
                {
                    if (!Convert(args[k], elem, out var v, out var c)) return (null, 0);
                    rest.SetValue(v, k - i);
                    cost += c;
                }
                bound[i] = rest; set[i] = true;
                i = args.Count;
                break;
            }
            if (!Convert(args[i], ps[i].ParameterType, out var value, out var cst)) return (null, 0);
            bound[i] = value; set[i] = true; cost += cst;
        }
        foreach (var (name, value) in kw)
        {
            int k = Array.FindIndex(ps, p => p.Name == name);
            if (k < 0 || set[k] || !Convert(value, ps[k].ParameterType, out var v, out var c)) return (null, 0);
            bound[k] = v; set[k] = true; cost += c;
        }
        for (int k = 0; k < ps.Length; k++)
        {
            if (set[k]) continue;
            if (ps[k].IsDefined(typeof(ParamArrayAttribute))) bound[k] = Array.CreateInstance(ps[k].ParameterType.GetElementType()!, 0);
            else if (ps[k].HasDefaultValue) bound[k] = ps[k].DefaultValue is DBNull ? null : ps[k].DefaultValue;
            else return (null, 0);
            cost += 0;
        }
        return (bound, cost);
    }

    /// <summary>Converts a decoded argument to a parameter type; <paramref name="cost"/> counts the conversions.</summary>
    private static bool Convert(object? value, Type type, out object? result, out int cost)
    {
        result = null; cost = 0;
        var under = Nullable.GetUnderlyingType(type);
        var t = under ?? type;
        if (value is null)
            return under is not null || !type.IsValueType;
        if (t.IsInstanceOfType(value)) { result = value; return true; }
        cost = 1;
        switch (value)
        {
            case long l when t == typeof(int) && l is >= int.MinValue and <= int.MaxValue: result = (int)l; return true;
            case long l when t == typeof(double): result = (double)l; cost = 2; return true;
            case long l when t == typeof(long[]): result = new[] { l }; return true;
            case long l when t == typeof(Scalar): result = (Scalar)l; cost = 3; return true;
            case double d when t == typeof(Scalar): result = (Scalar)d; cost = 3; return true;
            case bool b when t == typeof(Scalar): result = (Scalar)b; cost = 3; return true;
            case Scalar s when t == typeof(double): result = s.ToDouble(); cost = 2; return true;
            case string s when t == typeof(DType) && DType.All.Any(d => d.name == s): result = Reference.DTypeOf(s); return true;
            case long[] ls when t == typeof(int[]): result = ls.Select(x => (int)x).ToArray(); return true;
            case Tensor[] ts when t.IsAssignableFrom(typeof(List<Tensor>)): result = ts.ToList(); return true;
            case object?[] { Length: 0 } when t == typeof(long[]): result = Array.Empty<long>(); return true;
        }
        return false;
    }

    /// <summary>
    /// Tuples of tensors come back as a list, as Python's tuple results are compared; a null item is a result the call
    /// did not ask for (unique's inverse and counts), which Python leaves out.
    /// </summary>
    private static object? Result(object? r) => r switch
    {
        ITuple tup when Enumerable.Range(0, tup.Length).All(k => tup[k] is Tensor or null) =>
            Enumerable.Range(0, tup.Length).Select(k => tup[k]).OfType<Tensor>().ToArray(),
        _ => r,
    };

    private static string Describe(IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kw) =>
        string.Join(", ", args.Select(a => a?.GetType().Name ?? "null").Concat(kw.Select(p => $"{p.Key}: {p.Value?.GetType().Name ?? "null"}")));
}

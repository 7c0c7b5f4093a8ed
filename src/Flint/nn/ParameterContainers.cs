using System.Collections;
using System.Globalization;
using static Flint.torch;

namespace Flint.Modules;

/// <summary>
/// A list of parameters registered under "0", "1", ... (PyTorch's <c>nn.ParameterList</c>); a tensor that is not a
/// Parameter becomes one when added.
/// </summary>
public sealed class ParameterList : nn.Module, IEnumerable<Parameter>
{
    private readonly List<Parameter> items = [];

    /// <summary>A list of parameters named "0", "1", ..., as <c>torch.nn.ParameterList</c>; tensors are wrapped as parameters.</summary>
    public ParameterList(IEnumerable<Tensor>? values = null) { if (values is not null) extend(values); }

    private static Parameter AsParameter(Tensor t) => t as Parameter ?? new Parameter(t);

    /// <summary>The parameter at <paramref name="index"/> (negative counts from the end).</summary>
    public Parameter this[int index]
    {
        get => items[Index(index)];
        set
        {
            int i = Index(index);
            items[i] = value;
            register_parameter(i.ToString(CultureInfo.InvariantCulture), value);
        }
    }

    private int Index(int index)
    {
        int i = index < 0 ? index + items.Count : index;
        if (i < 0 || i >= items.Count) throw new IndexOutOfRangeException($"index {index} is out of range");
        return i;
    }

    /// <summary>The number of parameters.</summary>
    public int Count => items.Count;

    /// <summary>Adds a parameter at the end, as <c>ParameterList.append</c>.</summary>
    public ParameterList append(Tensor value)
    {
        var p = AsParameter(value);
        register_parameter(items.Count.ToString(CultureInfo.InvariantCulture), p);
        items.Add(p);
        return this;
    }

    /// <summary>Adds parameters at the end, as <c>ParameterList.extend</c>.</summary>
    public ParameterList extend(IEnumerable<Tensor> values)
    {
        foreach (var v in values) append(v);
        return this;
    }

    /// <inheritdoc/>
    public IEnumerator<Parameter> GetEnumerator() => items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public override string extra_repr() => ParameterLines.Of(items.Select((p, i) => (i.ToString(CultureInfo.InvariantCulture), p)), legacyTypeName: false);
}

/// <summary>A dictionary of parameters registered under their keys, in insertion order (PyTorch's <c>nn.ParameterDict</c>).</summary>
public sealed class ParameterDict : nn.Module, IEnumerable<KeyValuePair<string, Parameter>>
{
    private readonly List<KeyValuePair<string, Parameter>> entries = [];

    /// <summary>A dictionary of named parameters, in insertion order, as <c>torch.nn.ParameterDict</c>.</summary>
    public ParameterDict(IEnumerable<(string key, Tensor value)>? parameters = null)
    {
        if (parameters is not null) foreach (var (k, v) in parameters) this[k] = v;
    }

    /// <summary>The parameter named <paramref name="key"/>; setting it adds or replaces it.</summary>
    public Tensor this[string key]
    {
        get
        {
            int i = entries.FindIndex(kv => kv.Key == key);
            if (i < 0) throw new KeyNotFoundException(key);
            return entries[i].Value;
        }
        set
        {
            var p = value as Parameter ?? new Parameter(value);
            register_parameter(key, p);
            int i = entries.FindIndex(kv => kv.Key == key);
            if (i >= 0) entries[i] = new(key, p); else entries.Add(new(key, p));
        }
    }

    /// <summary>The number of parameters.</summary>
    public int Count => entries.Count;
    /// <summary>The names, in insertion order.</summary>
    public IEnumerable<string> keys() => entries.Select(kv => kv.Key);
    /// <summary>The parameters, in insertion order.</summary>
    public IEnumerable<Parameter> values() => entries.Select(kv => kv.Value);
    /// <summary>The (name, parameter) pairs, in insertion order.</summary>
    public IEnumerable<(string key, Parameter value)> items() => entries.Select(kv => (kv.Key, kv.Value));
    /// <summary>Whether a parameter is named <paramref name="key"/>.</summary>
    public bool ContainsKey(string key) => entries.Any(kv => kv.Key == key);

    /// <summary>Removes a key and returns its parameter.</summary>
    public Parameter pop(string key)
    {
        int i = entries.FindIndex(kv => kv.Key == key);
        if (i < 0) throw new KeyNotFoundException(key);
        var p = entries[i].Value;
        entries.RemoveAt(i);
        Unregister(key);
        return p;
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, Parameter>> GetEnumerator() => entries.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public override string extra_repr() => ParameterLines.Of(entries.Select(kv => (kv.Key, kv.Value)), legacyTypeName: true);
}

/// <summary>The parameter containers' repr lines: "  (key): Parameter containing: [torch.float32 of size 2x3]".</summary>
internal static class ParameterLines
{
    internal static string Of(IEnumerable<(string key, Parameter p)> entries, bool legacyTypeName) =>
        string.Join("\n", entries.Select(e =>
        {
            var type = legacyTypeName ? $"torch.{e.p.dtype.LegacyName}Tensor" : e.p.dtype.ToString();
            var device = e.p.device.type == DeviceType.CPU ? "" : $" ({e.p.device})";
            return $"  ({e.key}): Parameter containing: [{type} of size {string.Join("x", e.p.shape.ToArray())}{device}]";
        }));
}

using System.Collections;
using static Flint.torch;

namespace Flint.Modules;

/// <summary>Runs its modules one after another (PyTorch's <c>nn.Sequential</c>); children are named "0", "1", ...</summary>
public sealed class Sequential : nn.Module<Tensor, Tensor>, IEnumerable<nn.Module>
{
    private List<nn.Module<Tensor, Tensor>> layers = [];

    /// <summary>An empty sequence; add layers with <c>append</c>.</summary>
    public Sequential() { }

    /// <summary>The layers run in order, named "0", "1", ..., as <c>torch.nn.Sequential(*modules)</c>.</summary>
    public Sequential(params nn.Module<Tensor, Tensor>[] modules)
    {
        foreach (var m in modules) append(m);
    }

    /// <summary>The layers run in order under the given names, as <c>torch.nn.Sequential(OrderedDict(...))</c>.</summary>
    public Sequential(params (string name, nn.Module<Tensor, Tensor> module)[] modules)
    {
        foreach (var (name, m) in modules) { layers.Add(m); register_module(name, m); }
    }

    internal override void CopyContents(Func<object?, object?> map) => layers = layers.Select(m => (nn.Module<Tensor, Tensor>)map(m)!).ToList();

    /// <summary>Adds a layer at the end, as <c>Sequential.append</c>.</summary>
    public Sequential append(nn.Module<Tensor, Tensor> module)
    {
        register_module(layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        layers.Add(module);
        return this;
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        var x = input;
        foreach (var m in layers) x = m.call(x);
        return x;
    }

    /// <summary>The number of layers, as <c>len(seq)</c>.</summary>
    public int Count => layers.Count;
    /// <summary>The layer at <paramref name="index"/> (negative counts from the end), as <c>seq[index]</c>.</summary>
    public nn.Module<Tensor, Tensor> this[int index] => layers[index < 0 ? index + layers.Count : index];

    /// <inheritdoc/>
    public IEnumerator<nn.Module> GetEnumerator() => layers.Cast<nn.Module>().GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A list of modules whose parameters are registered (PyTorch's <c>nn.ModuleList</c>).</summary>
public sealed class ModuleList : nn.Module, IList<nn.Module>
{
    private List<nn.Module> items = [];

    /// <summary>A list holding <paramref name="modules"/> as submodules named "0", "1", ..., as <c>torch.nn.ModuleList</c>.</summary>
    public ModuleList(params nn.Module[] modules) { foreach (var m in modules) Add(m); }

    internal override void CopyContents(Func<object?, object?> map) => items = items.Select(m => (nn.Module)map(m)!).ToList();

    internal override IEnumerable<(string name, nn.Module? module)> ChildEntries()
    {
        for (int i = 0; i < items.Count; i++) yield return (i.ToString(System.Globalization.CultureInfo.InvariantCulture), items[i]);
    }

    /// <summary>
    /// PyTorch 2's ModuleList repr: a run of neighbouring modules with the same repr prints once, as
    /// "(0-3): 4 x TransformerEncoderLayer(...)".
    /// </summary>
    public override string ToString()
    {
        if (items.Count == 0) return $"{GetName()}()";
        var lines = new List<string>();
        for (int i = 0; i < items.Count;)
        {
            var text = items[i].ToString();
            int j = i;
            while (j + 1 < items.Count && items[j + 1].ToString() == text) j++;
            var head = i == j ? $"({i}): " : $"({i}-{j}): {j - i + 1} x ";
            lines.Add(head + text.Replace("\n", "\n  "));
            i = j + 1;
        }
        return $"{GetName()}(\n  " + string.Join("\n  ", lines) + "\n)";
    }

    /// <summary>The module at <paramref name="index"/> (negative counts from the end).</summary>
    public nn.Module this[int index] { get => items[index < 0 ? index + items.Count : index]; set => items[index < 0 ? index + items.Count : index] = value; }
    /// <summary>The number of modules.</summary>
    public int Count => items.Count;
    /// <summary>Always false: the list can be changed.</summary>
    public bool IsReadOnly => false;
    /// <summary>Adds a module at the end.</summary>
    public void Add(nn.Module item) => items.Add(item);
    /// <summary>Adds a module at the end, as <c>ModuleList.append</c>.</summary>
    public ModuleList append(nn.Module item) { items.Add(item); return this; }
    /// <summary>Adds the modules at the end, as <c>ModuleList.extend</c>.</summary>
    public ModuleList extend(IEnumerable<nn.Module> more) { items.AddRange(more); return this; }
    /// <summary>Removes every module.</summary>
    public void Clear() => items.Clear();
    /// <summary>Whether the list holds <paramref name="item"/>.</summary>
    public bool Contains(nn.Module item) => items.Contains(item);
    /// <summary>Copies the modules into <paramref name="array"/> from <paramref name="arrayIndex"/>.</summary>
    public void CopyTo(nn.Module[] array, int arrayIndex) => items.CopyTo(array, arrayIndex);
    /// <summary>The position of <paramref name="item"/>, or -1.</summary>
    public int IndexOf(nn.Module item) => items.IndexOf(item);
    /// <summary>Inserts a module at <paramref name="index"/>, as <c>ModuleList.insert</c>.</summary>
    public void Insert(int index, nn.Module item) => items.Insert(index, item);
    /// <summary>Removes <paramref name="item"/>; false when it was not there.</summary>
    public bool Remove(nn.Module item) => items.Remove(item);
    /// <summary>Removes the module at <paramref name="index"/>.</summary>
    public void RemoveAt(int index) => items.RemoveAt(index);
    /// <inheritdoc/>
    public IEnumerator<nn.Module> GetEnumerator() => items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A dictionary of modules whose parameters are registered (PyTorch's <c>nn.ModuleDict</c>), in insertion order.</summary>
public sealed class ModuleDict : nn.Module, IEnumerable<KeyValuePair<string, nn.Module>>
{
    private List<KeyValuePair<string, nn.Module>> items = [];

    /// <summary>A dictionary of named submodules, in insertion order, as <c>torch.nn.ModuleDict</c>.</summary>
    public ModuleDict(params (string name, nn.Module module)[] modules) { foreach (var (n, m) in modules) this[n] = m; }

    internal override void CopyContents(Func<object?, object?> map) =>
        items = items.Select(kv => new KeyValuePair<string, nn.Module>(kv.Key, (nn.Module)map(kv.Value)!)).ToList();

    internal override IEnumerable<(string name, nn.Module? module)> ChildEntries() => items.Select(kv => (kv.Key, (nn.Module?)kv.Value));

    /// <summary>The module named <paramref name="key"/>; setting it adds or replaces the submodule.</summary>
    public nn.Module this[string key]
    {
        get => items.First(kv => kv.Key == key).Value;
        set
        {
            int i = items.FindIndex(kv => kv.Key == key);
            if (i >= 0) items[i] = new(key, value); else items.Add(new(key, value));
        }
    }

    /// <summary>The number of modules.</summary>
    public int Count => items.Count;
    /// <summary>The names, in insertion order, as <c>ModuleDict.keys()</c>.</summary>
    public IEnumerable<string> keys() => items.Select(kv => kv.Key);
    /// <summary>The modules, in insertion order, as <c>ModuleDict.values()</c>.</summary>
    public IEnumerable<nn.Module> values() => items.Select(kv => kv.Value);
    /// <summary>Whether a module is named <paramref name="key"/>.</summary>
    public bool ContainsKey(string key) => items.Any(kv => kv.Key == key);

    /// <summary>Removes a key and returns its module.</summary>
    public nn.Module pop(string key)
    {
        int i = items.FindIndex(kv => kv.Key == key);
        if (i < 0) throw new KeyNotFoundException(key);
        var m = items[i].Value;
        items.RemoveAt(i);
        return m;
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, nn.Module>> GetEnumerator() => items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

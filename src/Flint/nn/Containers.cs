using System.Collections;
using static Flint.torch;

namespace Flint.Modules;

/// <summary>Runs its modules one after another (PyTorch's <c>nn.Sequential</c>); children are named "0", "1", ...</summary>
public sealed class Sequential : nn.Module<Tensor, Tensor>, IEnumerable<nn.Module>
{
    private List<nn.Module<Tensor, Tensor>> layers = [];

    public Sequential() { }

    public Sequential(params nn.Module<Tensor, Tensor>[] modules)
    {
        foreach (var m in modules) append(m);
    }

    public Sequential(params (string name, nn.Module<Tensor, Tensor> module)[] modules)
    {
        foreach (var (name, m) in modules) { layers.Add(m); register_module(name, m); }
    }

    internal override void CopyContents(Func<object?, object?> map) => layers = layers.Select(m => (nn.Module<Tensor, Tensor>)map(m)!).ToList();

    public Sequential append(nn.Module<Tensor, Tensor> module)
    {
        register_module(layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        layers.Add(module);
        return this;
    }

    public override Tensor forward(Tensor input)
    {
        var x = input;
        foreach (var m in layers) x = m.call(x);
        return x;
    }

    public int Count => layers.Count;
    public nn.Module<Tensor, Tensor> this[int index] => layers[index < 0 ? index + layers.Count : index];

    public IEnumerator<nn.Module> GetEnumerator() => layers.Cast<nn.Module>().GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A list of modules whose parameters are registered (PyTorch's <c>nn.ModuleList</c>).</summary>
public sealed class ModuleList : nn.Module, IList<nn.Module>
{
    private List<nn.Module> items = [];

    public ModuleList(params nn.Module[] modules) { foreach (var m in modules) Add(m); }

    internal override void CopyContents(Func<object?, object?> map) => items = items.Select(m => (nn.Module)map(m)!).ToList();

    internal override IEnumerable<(string name, nn.Module? module)> ChildEntries()
    {
        for (int i = 0; i < items.Count; i++) yield return (i.ToString(System.Globalization.CultureInfo.InvariantCulture), items[i]);
    }

    public nn.Module this[int index] { get => items[index < 0 ? index + items.Count : index]; set => items[index < 0 ? index + items.Count : index] = value; }
    public int Count => items.Count;
    public bool IsReadOnly => false;
    public void Add(nn.Module item) => items.Add(item);
    public ModuleList append(nn.Module item) { items.Add(item); return this; }
    public ModuleList extend(IEnumerable<nn.Module> more) { items.AddRange(more); return this; }
    public void Clear() => items.Clear();
    public bool Contains(nn.Module item) => items.Contains(item);
    public void CopyTo(nn.Module[] array, int arrayIndex) => items.CopyTo(array, arrayIndex);
    public int IndexOf(nn.Module item) => items.IndexOf(item);
    public void Insert(int index, nn.Module item) => items.Insert(index, item);
    public bool Remove(nn.Module item) => items.Remove(item);
    public void RemoveAt(int index) => items.RemoveAt(index);
    public IEnumerator<nn.Module> GetEnumerator() => items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A dictionary of modules whose parameters are registered (PyTorch's <c>nn.ModuleDict</c>), in insertion order.</summary>
public sealed class ModuleDict : nn.Module, IEnumerable<KeyValuePair<string, nn.Module>>
{
    private List<KeyValuePair<string, nn.Module>> items = [];

    public ModuleDict(params (string name, nn.Module module)[] modules) { foreach (var (n, m) in modules) this[n] = m; }

    internal override void CopyContents(Func<object?, object?> map) =>
        items = items.Select(kv => new KeyValuePair<string, nn.Module>(kv.Key, (nn.Module)map(kv.Value)!)).ToList();

    internal override IEnumerable<(string name, nn.Module? module)> ChildEntries() => items.Select(kv => (kv.Key, (nn.Module?)kv.Value));

    public nn.Module this[string key]
    {
        get => items.First(kv => kv.Key == key).Value;
        set
        {
            int i = items.FindIndex(kv => kv.Key == key);
            if (i >= 0) items[i] = new(key, value); else items.Add(new(key, value));
        }
    }

    public int Count => items.Count;
    public IEnumerable<string> keys() => items.Select(kv => kv.Key);
    public IEnumerable<nn.Module> values() => items.Select(kv => kv.Value);
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

    public IEnumerator<KeyValuePair<string, nn.Module>> GetEnumerator() => items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

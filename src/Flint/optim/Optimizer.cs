using static Flint.torch;

namespace Flint.Optimizers;

/// <summary>A group of parameters sharing hyper-parameters (PyTorch's param_groups entries).</summary>
public sealed class ParamGroup
{
    public List<Parameter> @params { get; }
    /// <summary>Hyper-parameters by PyTorch's names: "lr", "momentum", "betas" (as beta1/beta2), "weight_decay", ...</summary>
    public Dictionary<string, object> options { get; } = new();

    public ParamGroup(IEnumerable<Parameter> parameters, Dictionary<string, object>? options = null)
    {
        @params = parameters.ToList();
        if (options is not null) foreach (var (k, v) in options) this.options[k] = v;
    }

    public double lr { get => Convert.ToDouble(options["lr"], System.Globalization.CultureInfo.InvariantCulture); set => options["lr"] = value; }
    public double this[string key] { get => Convert.ToDouble(options[key], System.Globalization.CultureInfo.InvariantCulture); set => options[key] = value; }
    /// <summary>Adam's (beta1, beta2), stored under "betas" as PyTorch.</summary>
    public (double beta1, double beta2) betas
    {
        get => options["betas"] switch
        {
            ValueTuple<double, double> t => t,
            double[] a when a.Length == 2 => (a[0], a[1]),
            var v => throw new InvalidOperationException($"betas must be a pair of floats, got {v}"),
        };
        set => options["betas"] = value;
    }

    internal bool Flag(string key) => options.TryGetValue(key, out var v) && v is bool b && b;
}

/// <summary>The base of every optimizer (PyTorch's <c>torch.optim.Optimizer</c>).</summary>
public abstract class Optimizer
{
    public List<ParamGroup> param_groups { get; } = [];
    /// <summary>Per-parameter state ("step", "exp_avg", "momentum_buffer", ...).</summary>
    public Dictionary<Parameter, Dictionary<string, object>> state { get; } = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, object> defaults;

    protected Optimizer(IEnumerable<Parameter> parameters, Dictionary<string, object> defaults)
    {
        this.defaults = defaults;
        var list = parameters.ToList();
        if (list.Count == 0) throw new ArgumentException("optimizer got an empty parameter list");
        add_param_group(new ParamGroup(list));
    }

    protected Optimizer(IEnumerable<ParamGroup> groups, Dictionary<string, object> defaults)
    {
        this.defaults = defaults;
        foreach (var g in groups) add_param_group(g);
        if (param_groups.Count == 0 || param_groups.All(g => g.@params.Count == 0)) throw new ArgumentException("optimizer got an empty parameter list");
    }

    public void add_param_group(ParamGroup group)
    {
        foreach (var (k, v) in defaults) group.options.TryAdd(k, v);
        var existing = new HashSet<Parameter>(param_groups.SelectMany(g => g.@params), ReferenceEqualityComparer.Instance);
        if (group.@params.Any(existing.Contains))
            throw new ArgumentException("some parameters appear in more than one parameter group");
        foreach (var p in group.@params)
            if (!p.is_leaf) throw new ArgumentException("can't optimize a non-leaf Tensor");
        param_groups.Add(group);
    }

    /// <summary>Clears the gradients of every parameter (to null by default, as PyTorch 2).</summary>
    public void zero_grad(bool set_to_none = true)
    {
        foreach (var g in param_groups)
            foreach (var p in g.@params)
            {
                if (p.grad is null) continue;
                if (set_to_none) p.grad = null;
                else { p.grad = p.grad.detach(); p.grad.zero_(); }
            }
    }

    /// <summary>Updates the parameters from their gradients.</summary>
    public Tensor? step(Func<Tensor>? closure = null)
    {
        Tensor? loss = null;
        if (closure is not null) using (enable_grad()) loss = closure();
        using (no_grad())
            foreach (var g in param_groups) Step(g);
        return loss;
    }

    protected abstract void Step(ParamGroup group);

    protected Dictionary<string, object> State(Parameter p)
    {
        if (!state.TryGetValue(p, out var s)) state[p] = s = new Dictionary<string, object>();
        return s;
    }

    /// <summary>
    /// The optimizer's state as PyTorch lays it out: "state" maps parameter indices (in group order) to their
    /// state, "param_groups" lists each group's options with "params" as indices.
    /// </summary>
    public Dictionary<string, object> state_dict()
    {
        var index = new Dictionary<Parameter, int>(ReferenceEqualityComparer.Instance);
        var groups = new List<Dictionary<string, object>>();
        foreach (var g in param_groups)
        {
            var d = new Dictionary<string, object>(g.options);
            var ids = new List<int>();
            foreach (var p in g.@params) { if (!index.ContainsKey(p)) index[p] = index.Count; ids.Add(index[p]); }
            d["params"] = ids;
            groups.Add(d);
        }
        var st = new Dictionary<int, Dictionary<string, object>>();
        foreach (var (p, s) in state)
            if (index.TryGetValue(p, out var i))
                st[i] = s.ToDictionary(kv => kv.Key, kv => kv.Value is Tensor t ? t.clone() : kv.Value);
        return new Dictionary<string, object> { ["state"] = st, ["param_groups"] = groups };
    }

    public void load_state_dict(Dictionary<string, object> state_dict)
    {
        var groups = (List<Dictionary<string, object>>)state_dict["param_groups"];
        if (groups.Count != param_groups.Count)
            throw new ArgumentException("loaded state dict has a different number of parameter groups");
        var all = param_groups.SelectMany(g => g.@params).ToList();
        for (int i = 0; i < groups.Count; i++)
        {
            var ids = (List<int>)groups[i]["params"];
            if (ids.Count != param_groups[i].@params.Count)
                throw new ArgumentException("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
            foreach (var (k, v) in groups[i]) if (k != "params") param_groups[i].options[k] = v;
        }
        state.Clear();
        var st = (Dictionary<int, Dictionary<string, object>>)state_dict["state"];
        foreach (var (i, s) in st)
            state[all[i]] = s.ToDictionary(kv => kv.Key, kv => kv.Value is Tensor t ? t.clone() : kv.Value);
    }
}

internal static class OptimizerOptions
{
    internal static Dictionary<string, object> Opts(params (string k, object v)[] kv) => kv.ToDictionary(x => x.k, x => x.v);
}

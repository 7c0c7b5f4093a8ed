using System.Collections;
using static Flint.torch;

namespace Flint.Optimizers;

/// <summary>A group of parameters sharing hyper-parameters (PyTorch's param_groups entries).</summary>
public sealed class ParamGroup
{
    /// <summary>The parameters of the group, as <c>group["params"]</c>.</summary>
    public List<Parameter> @params { get; }
    /// <summary>Hyper-parameters by PyTorch's names: "lr", "momentum", "betas" (as beta1/beta2), "weight_decay", ...</summary>
    public Dictionary<string, object> options { get; } = new();

    /// <summary>A group of parameters with its own options (<c>lr</c>, <c>weight_decay</c>, ...) that override the optimizer's defaults.</summary>
    public ParamGroup(IEnumerable<Parameter> parameters, Dictionary<string, object>? options = null)
    {
        @params = parameters.ToList();
        if (options is not null) foreach (var (k, v) in options) this.options[k] = v;
    }

    /// <summary>The group's learning rate, as <c>group["lr"]</c>; schedulers set it.</summary>
    public double lr { get => Convert.ToDouble(options["lr"], System.Globalization.CultureInfo.InvariantCulture); set => options["lr"] = value; }
    /// <summary>The group's numeric option <paramref name="key"/>, as <c>group[key]</c>.</summary>
    public double this[string key] { get => Convert.ToDouble(options[key], System.Globalization.CultureInfo.InvariantCulture); set => options[key] = value; }
    /// <summary>Adam's (beta1, beta2), stored under "betas" as PyTorch.</summary>
    public (double beta1, double beta2) betas
    {
        get => options["betas"] switch
        {
            ValueTuple<double, double> t => t,
            double[] a when a.Length == 2 => (a[0], a[1]),
            object?[] a when a.Length == 2 && a.All(StateDictValues.IsNumber) => (StateDictValues.Float(a[0], "betas[0]"), StateDictValues.Float(a[1], "betas[1]")),
            var v => throw new InvalidOperationException($"betas must be a pair of floats, got {v}"),
        };
        set => options["betas"] = value;
    }

    internal bool Flag(string key) => options.TryGetValue(key, out var v) && v is bool b && b;
}

/// <summary>The base of every optimizer (PyTorch's <c>torch.optim.Optimizer</c>).</summary>
public abstract class Optimizer
{
    /// <summary>The parameter groups, as <c>optimizer.param_groups</c>.</summary>
    public List<ParamGroup> param_groups { get; } = [];
    /// <summary>Per-parameter state ("step", "exp_avg", "momentum_buffer", ...).</summary>
    public Dictionary<Parameter, Dictionary<string, object>> state { get; } = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, object> defaults;

    /// <summary>An optimizer of <paramref name="parameters"/> (one group) with the option <paramref name="defaults"/>.</summary>
    protected Optimizer(IEnumerable<Parameter> parameters, Dictionary<string, object> defaults)
    {
        this.defaults = defaults;
        var list = parameters.ToList();
        if (list.Count == 0) throw new ArgumentException("optimizer got an empty parameter list");
        add_param_group(new ParamGroup(list));
    }

    /// <summary>An optimizer of parameter groups; options a group lacks come from <paramref name="defaults"/>.</summary>
    protected Optimizer(IEnumerable<ParamGroup> groups, Dictionary<string, object> defaults)
    {
        this.defaults = defaults;
        foreach (var g in groups) add_param_group(g);
        if (param_groups.Count == 0 || param_groups.All(g => g.@params.Count == 0)) throw new ArgumentException("optimizer got an empty parameter list");
    }

    /// <summary>Adds a parameter group (options it lacks come from the defaults), as <c>optimizer.add_param_group</c>.</summary>
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
    public virtual Tensor? step(Func<Tensor>? closure = null)
    {
        Tensor? loss = null;
        if (closure is not null) using (enable_grad()) loss = closure();
        using (no_grad())
            foreach (var g in param_groups) Step(g);
        return loss;
    }

    /// <summary>Updates the parameters of one group from their gradients.</summary>
    protected abstract void Step(ParamGroup group);

    /// <summary>The state of parameter <paramref name="p"/> (moment estimates, step counts), created empty on first use.</summary>
    protected Dictionary<string, object> State(Parameter p)
    {
        if (!state.TryGetValue(p, out var s)) state[p] = s = new Dictionary<string, object>();
        return s;
    }

    /// <summary>
    /// A parameter's state, started on its first step: a step count of 0 and a zeroed buffer like the parameter
    /// for each name given (a null name is skipped, for buffers only some options keep).
    /// </summary>
    protected Dictionary<string, object> StartedState(Parameter p, params ReadOnlySpan<string?> buffers)
    {
        var s = State(p);
        if (!s.ContainsKey("step"))
        {
            s["step"] = NewStep();
            foreach (var name in buffers)
                if (name is not null) s[name] = zeros_like(p);
        }
        return s;
    }

    /// <summary>
    /// Advances a parameter's step count and returns the new count. The count is a 0-dim tensor, as PyTorch 2
    /// keeps it (float32, or float64 when that is the default dtype); a plain number (PyTorch 1.x files) is
    /// turned into one.
    /// </summary>
    protected static double NextStep(Dictionary<string, object> s)
    {
        if (!s.TryGetValue("step", out var v) || v is not Tensor t)
        {
            t = NewStep(v is null ? 0 : StateDictValues.Float(v, "step"));
            s["step"] = t;
        }
        t.add_(1);
        return t.item<double>();
    }

    /// <summary>
    /// The group's parameters that have a gradient, each with its gradient (negated when the group maximizes), its
    /// state (given a step count and filled by <paramref name="init"/> on its first step) and its new step count.
    /// </summary>
    private protected IEnumerable<(Parameter p, Tensor grad, Dictionary<string, object> state, double step)> Updates(
        ParamGroup g, Action<Parameter, Dictionary<string, object>> init)
    {
        bool maximize = g.Flag("maximize");
        RefuseSparseGradients(g);
        foreach (var p in g.@params)
        {
            if (p.grad is null) continue;
            var s = State(p);
            if (!s.ContainsKey("step")) { s["step"] = NewStep(); init(p, s); }
            double step = NextStep(s);
            yield return (p, maximize ? -p.grad : p.grad, s, step);
        }
    }

    /// <summary>
    /// PyTorch's error for an optimizer without a sparse form when a parameter of the group has a sparse gradient
    /// (raised before any parameter is updated): "{name} does not support sparse gradients", Adam's naming SparseAdam.
    /// </summary>
    private protected void RefuseSparseGradients(ParamGroup g)
    {
        foreach (var p in g.@params)
            if (p.grad is { is_sparse: true })
            {
                var name = GetType().Name;
                throw new InvalidOperationException(name == "Adam" ? "Adam does not support sparse gradients, please consider SparseAdam instead"
                    : $"{name} does not support sparse gradients");
            }
    }

    /// <summary>The gradient with L2 weight decay added, or (decoupled, as AdamW) the parameter decayed in place and the gradient as is.</summary>
    private protected static Tensor WeightDecay(Parameter p, Tensor grad, double lr, double weight_decay, bool decoupled = false)
    {
        if (weight_decay == 0) return grad;
        if (!decoupled) return grad.add(p, alpha: weight_decay);
        p.mul_(1 - lr * weight_decay);
        return grad;
    }

    /// <summary>A fresh step count holding <paramref name="value"/>.</summary>
    protected static Tensor NewStep(double value = 0) =>
        tensor(value, dtype: get_default_dtype() == float64 ? float64 : float32);

    /// <summary>
    /// The optimizer's state as PyTorch lays it out: "state" maps parameter indices (in group order) to their
    /// state, "param_groups" lists each group's options with "params" as indices. Tensors are copies.
    /// </summary>
    public Dictionary<string, object?> state_dict()
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
                st[i] = s.ToDictionary(kv => kv.Key, kv => CopyState(kv.Value));
        return new Dictionary<string, object?> { ["state"] = st, ["param_groups"] = groups };
    }

    /// <summary>A state value copied for a state dict: tensors cloned, lists (LBFGS's histories) copied element by element.</summary>
    private static object CopyState(object v) => v switch
    {
        Tensor t => t.clone(),
        List<Tensor> ts => ts.Select(t => t.clone()).ToList(),
        List<double> ds => ds.ToList(),
        List<object?> os => os.Select(o => o is null ? null : CopyState(o)).ToList(),
        _ => v,
    };

    /// <summary>
    /// Whether every state tensor has its parameter's shape (checked on load). LBFGS keeps flat vectors over all its
    /// parameters (d, prev_flat_grad, the histories), which PyTorch loads unchecked.
    /// </summary>
    private protected virtual bool StateTensorsHaveParameterShape => true;

    /// <summary>
    /// Restores a state saved by <see cref="state_dict"/>: the dictionary itself, or what <c>torch.load</c> reads
    /// from a file Flint or PyTorch wrote. As PyTorch: the groups' options become the saved ones (options a group
    /// lacks keep the optimizer's defaults), and saved parameter ids are matched to this optimizer's parameters
    /// in order. State tensors are copied, cast to their parameter's dtype (floating parameters) and device;
    /// step counts keep their dtype. Nothing changes when the state dict is refused.
    /// </summary>
    /// <exception cref="ArgumentException">The group count or sizes differ (PyTorch's messages), an entry has the
    /// wrong type, or a state tensor's shape is not its parameter's.</exception>
    public void load_state_dict(IReadOnlyDictionary<string, object?> state_dict)
    {
        ArgumentNullException.ThrowIfNull(state_dict);
        const string where = "optimizer state dict";
        var saved = StateDictValues.Sequence(StateDictValues.Required(state_dict, "param_groups", where), "param_groups");
        if (saved.Count != param_groups.Count)
            throw new ArgumentException("loaded state dict has a different number of parameter groups");
        var savedGroups = new List<Dictionary<string, object?>>();
        var savedIds = new List<IReadOnlyList<object?>>();
        for (int i = 0; i < saved.Count; i++)
        {
            var g = StateDictValues.StringDict(saved[i], $"param_groups[{i}]");
            savedGroups.Add(g);
            savedIds.Add(StateDictValues.Sequence(StateDictValues.Required(g, "params", $"param_groups[{i}]"), $"param_groups[{i}]['params']"));
        }
        for (int i = 0; i < saved.Count; i++)
            if (savedIds[i].Count != param_groups[i].@params.Count)
                throw new ArgumentException("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");

        var idMap = new Dictionary<long, Parameter>();
        for (int i = 0; i < saved.Count; i++)
            for (int j = 0; j < savedIds[i].Count; j++)
                idMap[StateDictValues.Int(savedIds[i][j], $"param_groups[{i}]['params'][{j}]")] = param_groups[i].@params[j];

        var options = new List<Dictionary<string, object>>();
        for (int i = 0; i < saved.Count; i++)
        {
            var o = new Dictionary<string, object>();
            foreach (var (k, v) in savedGroups[i])
                if (k != "params") o[k] = GroupOption(k, v, $"param_groups[{i}]['{k}']")!;
            foreach (var (k, v) in defaults) o.TryAdd(k, v);
            options.Add(o);
        }

        var newState = new Dictionary<Parameter, Dictionary<string, object>>(ReferenceEqualityComparer.Instance);
        foreach (var (k, v) in StateDictValues.Items(StateDictValues.Required(state_dict, "state", where), "state"))
        {
            // PyTorch keeps entries of unknown ids under their raw key; they belong to no parameter here
            if (!StateDictValues.IsInteger(k) || !idMap.TryGetValue(StateDictValues.Int(k, "state key"), out var p)) continue;
            var entry = new Dictionary<string, object>();
            foreach (var (sk, sv) in StateDictValues.StringDict(v, $"state[{k}]"))
                entry[sk] = CastState(p, sv, sk, $"state[{k}]['{sk}']", StateTensorsHaveParameterShape)!;
            newState[p] = entry;
        }

        for (int i = 0; i < options.Count; i++)
        {
            param_groups[i].options.Clear();
            foreach (var (k, v) in options[i]) param_groups[i].options[k] = v;
        }
        state.Clear();
        foreach (var (p, s) in newState) state[p] = s;
    }

    /// <summary>A saved group option, checked against the type of the optimizer's default for it.</summary>
    private object? GroupOption(string key, object? v, string where)
    {
        if (key == "betas")
        {
            var b = StateDictValues.Floats(v, where);
            if (b.Length != 2) throw new ArgumentException($"{where} must be a pair of floats, got {b.Length} values");
            return (b[0], b[1]);
        }
        if (!defaults.TryGetValue(key, out var d)) return v is Tensor t ? t.clone() : v;
        return d switch
        {
            double => StateDictValues.Float(v, where),
            bool => StateDictValues.Bool(v, where),
            _ => v,
        };
    }

    /// <summary>A copy of a saved state value for parameter <paramref name="p"/> (PyTorch's cast on load).</summary>
    private static object? CastState(Parameter p, object? v, string key, string where, bool shaped = true)
    {
        switch (v)
        {
            case Tensor t when key == "step":
                return t.detach().clone();
            case Tensor t:
                if (shaped && t.dim() != 0 && !t.shape.Equals(p.shape)) // 0-dim entries are per-parameter scalars (NAdam's mu_product, ASGD's eta and mu)
                    throw new ArgumentException($"{where} has shape {t.shape}, but its parameter has shape {p.shape}");
                var c = t.detach();
                if (p.dtype.is_floating_point) c = c.to(p.dtype);
                c = c.to(p.device);
                return ReferenceEquals(c.untyped_storage(), t.untyped_storage()) ? c.clone() : c;
            case null or string or bool:
                return v;
            case var _ when key == "step" && StateDictValues.IsNumber(v):
                return NewStep(StateDictValues.Float(v, where));
            case var _ when StateDictValues.IsNumber(v):
                return v;
            case IDictionary or IEnumerable<KeyValuePair<string, object?>> or IEnumerable<KeyValuePair<object, object?>>:
                {
                    var d = new Dictionary<string, object?>();
                    foreach (var (k, x) in StateDictValues.StringDict(v, where)) d[k] = CastState(p, x, k, $"{where}['{k}']", shaped);
                    return d;
                }
            case object?[] tuple:
                return tuple.Select((x, i) => CastState(p, x, "", $"{where}[{i}]", shaped)).ToArray();
            default:
                return StateDictValues.Sequence(v, where).Select((x, i) => CastState(p, x, "", $"{where}[{i}]", shaped)).ToList();
        }
    }
}

internal static class OptimizerOptions
{
    internal static Dictionary<string, object> Opts(params (string k, object v)[] kv) => kv.ToDictionary(x => x.k, x => x.v);
}

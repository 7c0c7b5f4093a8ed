using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>
        /// The base of every layer and model (PyTorch's <c>nn.Module</c>). Parameters, buffers and submodules held
        /// in fields are found automatically, named after the fields, in declaration order (base class first),
        /// so <c>state_dict()</c> keys match PyTorch's (<c>linear_relu_stack.0.weight</c>). The class is annotated for
        /// the trimmer and NativeAOT, which therefore keep the members of every module type a program creates, so the
        /// field scan finds the same fields there as under the JIT (tests/Flint.AotSmoke checks it).
        /// </summary>
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)]
        public abstract partial class Module
        {
            private List<(string name, Func<Tensor?> get, Action<Tensor?> set, bool isParam)> explicitTensors = [];
            private List<(string name, Module? module)> explicitModules = [];
            private HashSet<string> nonPersistent = [];
            private List<Action<Module, object?[], object?>>? forwardHooks;
            private List<Func<Module, object?[], object?[]?>>? forwardPreHooks;

            /// <summary>True in training mode (the default), false after <see cref="eval"/>.</summary>
            public bool training { get; private set; } = true;

            /// <summary>The class name as PyTorch prints it (e.g. "Linear").</summary>
            public virtual string GetName() => GetType().Name;

            /// <summary>The name in reprs and messages: PyTorch's class of a parametrized module is "Parametrized" + its class.</summary>
            private string ShownName => parametrizations is { Count: > 0 } ? "Parametrized" + GetName() : GetName();

            // ---------------- discovery ----------------

            // compiler-made fields: "<name>k__BackingField" (auto-properties), "<name>P" (captured primary-constructor parameters)
            private static string CleanName(string field) =>
                field.StartsWith('<') && field.IndexOf('>') > 1 ? field[1..field.IndexOf('>')] : field;

            private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, FieldInfo[]> s_fields = new();

            /// <summary>The instance fields that can hold parameters or submodules, base class first (cached per type).</summary>
            private FieldInfo[] Fields()
            {
                // GetType() on a Module carries the class's annotation, and passing it straight to the annotated
                // parameter is what the trimmer and NativeAOT see: they then keep the members of every Module type
                // the program creates (through a method group or a cache the annotation would be lost).
                var type = GetType();
                return s_fields.TryGetValue(type, out var fields) ? fields : s_fields.GetOrAdd(type, ModuleFields.Scan(type));
            }

            /// <summary>Direct submodules with their names: fields of Module type, then explicit registrations.</summary>
            public IEnumerable<(string name, Module module)> named_children()
            {
                var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
                foreach (var (name, m) in ChildEntries())
                    if (m is not null && seen.Add(m)) yield return (name, m);
            }

            internal virtual IEnumerable<(string name, Module? module)> ChildEntries()
            {
                foreach (var f in Fields())
                    if (typeof(Module).IsAssignableFrom(f.FieldType) || f.FieldType == typeof(object) && f.GetValue(this) is Module)
                        yield return (CleanName(f.Name), f.GetValue(this) as Module);
                foreach (var e in explicitModules) yield return e;
            }

            /// <summary>Parameters and buffers held directly (not in submodules); a computed tensor is not one of them.</summary>
            private IEnumerable<(string name, Tensor tensor, bool isParam)> OwnTensors()
            {
                foreach (var f in Fields())
                {
                    if (!typeof(Tensor).IsAssignableFrom(f.FieldType) && f.FieldType != typeof(object)) continue;
                    var v = f.GetValue(this);
                    if (v is Parameter p && !IsComputedName(CleanName(f.Name))) yield return (CleanName(f.Name), p, true);
                }
                foreach (var (name, get, _, isParam) in explicitTensors)
                    if (get() is { } t && !IsComputedName(name)) yield return (name, t, isParam);
            }

            // ---------------- tensors by name (what parametrizations replace) ----------------

            /// <summary>The names of the tensors computed from others before each call (parametrizations, weight_norm, spectral_norm).</summary>
            internal HashSet<string>? ComputedNames;

            private bool IsComputedName(string name) => ComputedNames is { } set && set.Contains(name);

            /// <summary>The tensor a field or a registration holds under <paramref name="name"/> (null when none), and whether it is a buffer.</summary>
            internal (Tensor? tensor, bool isBuffer) TensorNamed(string name)
            {
                foreach (var f in Fields())
                    if (CleanName(f.Name) == name && f.GetValue(this) is Tensor t) return (t, false);
                foreach (var (n, get, _, isParam) in explicitTensors)
                    if (n == name) return (get(), !isParam);
                return (null, false);
            }

            /// <summary>
            /// Puts <paramref name="value"/> where the module reads its tensor <paramref name="name"/> (the field, or the
            /// registration). A field typed Parameter takes the value as a Parameter that carries the value's history.
            /// </summary>
            internal void AssignTensor(string name, Tensor value)
            {
                foreach (var f in Fields())
                    if (CleanName(f.Name) == name && (typeof(Tensor).IsAssignableFrom(f.FieldType) || f.FieldType == typeof(object)))
                    {
                        f.SetValue(this, f.FieldType == typeof(Flint.Parameter) && value is not Flint.Parameter ? Flint.Parameter.Carrying(value) : value);
                        return;
                    }
                var i = explicitTensors.FindIndex(e => e.name == name);
                if (i >= 0) explicitTensors[i].set(value);
                else throw new ArgumentException($"'{GetName()}' has no tensor '{name}'");
            }

            // ---------------- registration ----------------

            /// <summary>Registers <paramref name="module"/> as a submodule named <paramref name="name"/> (null keeps the name with no module), as <c>Module.register_module</c>.</summary>
            public void register_module(string name, Module? module)
            {
                CheckName(name);
                var i = explicitModules.FindIndex(e => e.name == name);
                if (i >= 0) explicitModules[i] = (name, module); else explicitModules.Add((name, module));
            }

            /// <summary>Removes a registered submodule, parameter or buffer (Python's <c>del module.name</c>).</summary>
            internal void Unregister(string name)
            {
                explicitModules.RemoveAll(e => e.name == name);
                explicitTensors.RemoveAll(e => e.name == name);
                nonPersistent.Remove(name);
            }

            /// <summary>Registers <paramref name="module"/> as a submodule, as <c>Module.add_module</c>.</summary>
            public void add_module(string name, Module? module) => register_module(name, module);

            /// <summary>Registers <paramref name="param"/> as a parameter named <paramref name="name"/>, as <c>Module.register_parameter</c>.</summary>
            public void register_parameter(string name, Parameter? param)
            {
                CheckName(name);
                Tensor? value = param;
                SetExplicit((name, () => value, v => value = v, true));
            }

            /// <summary>Adds a registration, or replaces the one of the same name where it stands (as PyTorch's dicts keep a key's place).</summary>
            private void SetExplicit((string name, Func<Tensor?> get, Action<Tensor?> set, bool isParam) entry)
            {
                var i = explicitTensors.FindIndex(e => e.name == entry.name);
                if (i >= 0) explicitTensors[i] = entry; else explicitTensors.Add(entry);
            }

            /// <summary>Registers a tensor that is part of the module's state but is not trained (running means, ...).</summary>
            public void register_buffer(string name, Tensor? tensor, bool persistent = true)
            {
                CheckName(name);
                Tensor? value = tensor;
                SetExplicit((name, () => value, v => value = v, false));
                if (!persistent) nonPersistent.Add(name); else nonPersistent.Remove(name);
            }

            /// <summary>Replaces a registered buffer's value (used by layers that update buffers, e.g. BatchNorm).</summary>
            protected void set_buffer(string name, Tensor value)
            {
                var i = explicitTensors.FindIndex(e => e.name == name && !e.isParam);
                if (i < 0) throw new ArgumentException($"'{GetName()}' has no buffer '{name}'");
                explicitTensors[i].set(value);
            }

            private static void CheckName(string name)
            {
                if (name.Contains('.')) throw new ArgumentException($"module name can't contain \".\", got: {name}");
                if (name.Length == 0) throw new ArgumentException("module name can't be empty string \"\"");
            }

            // ---------------- traversal ----------------

            /// <summary>The direct submodules, as <c>Module.children()</c>.</summary>
            public IEnumerable<Module> children() => named_children().Select(c => c.module);

            /// <summary>This module and every submodule with its dotted name, depth first, as <c>Module.named_modules()</c>.</summary>
            public IEnumerable<(string name, Module module)> named_modules(string prefix = "")
            {
                var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
                return NamedModules(prefix, seen);
            }

            private IEnumerable<(string, Module)> NamedModules(string prefix, HashSet<Module> seen)
            {
                if (!seen.Add(this)) yield break;
                yield return (prefix, this);
                foreach (var (name, m) in named_children())
                    foreach (var x in m.NamedModules(prefix.Length == 0 ? name : prefix + "." + name, seen))
                        yield return x;
            }

            /// <summary>This module and every submodule, as <c>Module.modules()</c>.</summary>
            public IEnumerable<Module> modules() => named_modules().Select(m => m.module);

            /// <summary>The parameters with their dotted names (of submodules too with <paramref name="recurse"/>), as <c>Module.named_parameters()</c>.</summary>
            public IEnumerable<(string name, Parameter parameter)> named_parameters(bool recurse = true)
            {
                var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
                foreach (var (prefix, m) in recurse ? named_modules() : [("", this)])
                    foreach (var (name, t, isParam) in m.OwnTensors())
                        if (isParam && seen.Add(t)) yield return (prefix.Length == 0 ? name : prefix + "." + name, (Parameter)t);
            }

            /// <summary>Every learnable parameter (what an optimizer trains).</summary>
            public IEnumerable<Parameter> parameters(bool recurse = true) => named_parameters(recurse).Select(p => p.parameter);

            /// <summary>The buffers with their dotted names, as <c>Module.named_buffers()</c>.</summary>
            public IEnumerable<(string name, Tensor buffer)> named_buffers(bool recurse = true)
            {
                var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
                foreach (var (prefix, m) in recurse ? named_modules() : [("", this)])
                    foreach (var (name, t, isParam) in m.OwnTensors())
                        if (!isParam && seen.Add(t)) yield return (prefix.Length == 0 ? name : prefix + "." + name, t);
            }

            /// <summary>The buffers (running statistics and the like), as <c>Module.buffers()</c>.</summary>
            public IEnumerable<Tensor> buffers(bool recurse = true) => named_buffers(recurse).Select(b => b.buffer);

            // ---------------- state ----------------

            /// <summary>
            /// Parameters and persistent buffers by PyTorch's dotted names: each module's parameters, then its buffers,
            /// then its children's entries. The tensors are detached but share their data with the module's.
            /// A module reachable under two names (shared) appears under both, as in PyTorch.
            /// </summary>
            public Dictionary<string, Tensor> state_dict()
            {
                var d = new Dictionary<string, Tensor>();
                SaveTo(d, "", []);
                return d;
            }

            private void SaveTo(Dictionary<string, Tensor> d, string prefix, HashSet<Module> path)
            {
                if (!path.Add(this)) return; // a module that contains itself
                var own = OwnTensors().ToList();
                foreach (var (name, t, isParam) in own)
                    if (isParam) d.TryAdd(prefix + name, t.detach());
                foreach (var (name, t, isParam) in own)
                    if (!isParam && !nonPersistent.Contains(name)) d.TryAdd(prefix + name, t.detach());
                foreach (var (name, m) in ChildEntries())
                    m?.SaveTo(d, prefix + name + ".", path);
                path.Remove(this);
            }

            /// <summary>Copies values from <paramref name="state"/> into the module's tensors (in place, without recording).</summary>
            public (List<string> missing_keys, List<string> unexpected_keys) load_state_dict(IReadOnlyDictionary<string, Tensor> state, bool strict = true) =>
                LoadStateDict(state.ToDictionary(kv => kv.Key, kv => (object?)kv.Value), strict);

            /// <summary>
            /// <see cref="load_state_dict(IReadOnlyDictionary{string, Tensor}, bool)"/> for values held as objects (what
            /// <c>torch.load</c> returns): a value that is not a tensor under one of the module's keys is an error with
            /// PyTorch's text, one under another key is just unexpected, as in PyTorch.
            /// </summary>
            internal (List<string> missing_keys, List<string> unexpected_keys) LoadStateDict(IReadOnlyDictionary<string, object?> state, bool strict)
            {
                var own = state_dict();
                var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
                var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).ToList();
                var errors = new List<string>();
                foreach (var (k, target) in own)
                {
                    if (!state.TryGetValue(k, out var value)) continue;
                    if (value is not Tensor src)
                        errors.Add($"While copying the parameter named \"{k}\", expected torch.Tensor or Tensor-like object from checkpoint but received <class '{Optimizers.StateDictValues.TypeName(value)}'>");
                    else if (!src.shape.Equals(target.shape))
                        errors.Add($"size mismatch for {k}: copying a param with shape {src.shape} from checkpoint, the shape in current model is {target.shape}.");
                }
                if (strict && (missing.Count > 0 || unexpected.Count > 0 || errors.Count > 0))
                {
                    var parts = new List<string>();
                    if (missing.Count > 0) parts.Add("Missing key(s) in state_dict: " + string.Join(", ", missing.Select(k => $"\"{k}\"")) + ". ");
                    if (unexpected.Count > 0) parts.Add("Unexpected key(s) in state_dict: " + string.Join(", ", unexpected.Select(k => $"\"{k}\"")) + ". ");
                    parts.AddRange(errors);
                    throw new ArgumentException($"Error(s) in loading state_dict for {ShownName}:\n\t" + string.Join("\n\t", parts));
                }
                if (errors.Count > 0) throw new ArgumentException($"Error(s) in loading state_dict for {ShownName}:\n\t" + string.Join("\n\t", errors));
                using (no_grad())
                    foreach (var (k, target) in own)
                        if (state.TryGetValue(k, out var src)) target.copy_((Tensor)src!);
                return (missing, unexpected);
            }

            // ---------------- modes and conversion ----------------

            /// <summary>Sets training mode (or eval mode with false) on this module and its submodules, as <c>Module.train(mode)</c>; returns this module.</summary>
            public Module train(bool mode = true)
            {
                foreach (var m in modules()) m.training = mode;
                return this;
            }

            /// <summary>Sets eval mode (dropout off, batch norm uses running statistics), as <c>Module.eval()</c>.</summary>
            public Module eval() => train(false);

            /// <summary>Sets every parameter's gradient to null (or to zeros when set_to_none is false).</summary>
            public void zero_grad(bool set_to_none = true)
            {
                foreach (var p in parameters())
                {
                    if (p.grad is null) continue;
                    if (set_to_none) p.grad = null;
                    else { p.grad = p.grad.detach(); p.grad.zero_(); }
                }
            }

            /// <summary>Sets requires_grad on every parameter, as <c>Module.requires_grad_</c>.</summary>
            public Module requires_grad_(bool requires_grad = true)
            {
                foreach (var p in parameters()) p.requires_grad = requires_grad;
                return this;
            }

            /// <summary>Calls <paramref name="fn"/> on every submodule (children first) and then on this module.</summary>
            public Module apply(Action<Module> fn)
            {
                foreach (var c in children()) c.apply(fn);
                fn(this);
                return this;
            }

            /// <summary>Converts parameters and buffers in place to a dtype (floating ones only) and/or device.</summary>
            public Module to(DType? dtype = null, Device? device = null)
            {
                using var _ = no_grad();
                foreach (var t in parameters().Cast<Tensor>().Concat(buffers()))
                {
                    var target = t.dtype.is_floating_point && dtype is not null ? dtype : t.dtype;
                    var moved = t.to(device ?? t.device, target);
                    if (!ReferenceEquals(moved, t)) t.SetData(moved);
                }
                return this;
            }

            /// <summary>
            /// Replaces every parameter and buffer with an uninitialized tensor of the same shape and dtype on
            /// <paramref name="device"/> (PyTorch's <c>to_empty</c>): how a model built on the meta device gets real
            /// memory before its weights are loaded. Parameters stay parameters and keep requires_grad.
            /// </summary>
            public Module to_empty(Device device, bool recurse = true)
            {
                using var _ = no_grad();
                foreach (var t in parameters(recurse).Cast<Tensor>().Concat(buffers(recurse)))
                {
                    t.SetData(empty_like(t, device: device));
                    if (t.grad is { } g) t.grad = empty_like(g, device: device);
                }
                return this;
            }

            /// <summary>Moves the parameters and buffers to the named device without copying their values, as <c>Module.to_empty</c>.</summary>
            public Module to_empty(string device, bool recurse = true) => to_empty(new Device(device), recurse);

            /// <summary>Moves the parameters and buffers to <paramref name="device"/>, as <c>Module.to(device)</c>.</summary>
            public Module to(Device device) => to(null, device);
            /// <summary>Moves the parameters and buffers to the named device, as <c>Module.to("cuda")</c>.</summary>
            public Module to(string device) => to(null, new Device(device));
            /// <summary>Moves the parameters and buffers to the CPU, as <c>Module.cpu()</c>.</summary>
            public Module cpu() => to(Device.CPU);
            /// <summary>Moves the parameters and buffers to the CUDA device, as <c>Module.cuda()</c>.</summary>
            public Module cuda() => to(new Device("cuda"));
            /// <summary>Casts the floating parameters and buffers to float64, as <c>Module.double()</c>.</summary>
            public Module @double() => to(float64);
            /// <summary>Casts the floating parameters and buffers to float32, as <c>Module.float()</c>.</summary>
            public Module @float() => to(float32);
            /// <summary>Casts the floating parameters and buffers to float16, as <c>Module.half()</c>.</summary>
            public Module half() => to(float16);

            // ---------------- hooks ----------------

            /// <summary>Registers a hook run after every forward call with (module, inputs, output).</summary>
            public RemovableHandle register_forward_hook(Action<Module, object?[], object?> hook)
            {
                (forwardHooks ??= []).Add(hook);
                return new RemovableHandle(() => forwardHooks.Remove(hook));
            }

            /// <summary>Registers a hook run before forward; returning non-null replaces the inputs.</summary>
            public RemovableHandle register_forward_pre_hook(Func<Module, object?[], object?[]?> hook)
            {
                (forwardPreHooks ??= []).Add(hook);
                return new RemovableHandle(() => forwardPreHooks.Remove(hook));
            }

            internal object?[] RunPreHooks(object?[] inputs)
            {
                if (forwardPreHooks is null) return inputs;
                foreach (var h in forwardPreHooks) inputs = h(this, inputs) ?? inputs;
                return inputs;
            }

            internal void RunHooks(object?[] inputs, object? output)
            {
                if (forwardHooks is null) return;
                foreach (var h in forwardHooks) h(this, inputs, output);
            }

            // ---------------- printing ----------------

            /// <summary>The text inside the parentheses of this module's repr (e.g. "in_features=784, ...").</summary>
            public virtual string extra_repr() => "";

            /// <summary>PyTorch's module repr: the class name, extra_repr and the children, indented.</summary>
            public override string ToString()
            {
                var kids = named_children().ToList();
                var extra = extra_repr();
                if (kids.Count == 0 && !extra.Contains('\n')) return $"{ShownName}({extra})";
                var lines = new List<string>();
                if (extra.Length > 0) lines.AddRange(extra.Split('\n'));
                foreach (var (name, m) in kids)
                {
                    var s = m.ToString().Replace("\n", "\n  ");
                    lines.Add($"({name}): {s}");
                }
                return $"{ShownName}(\n  " + string.Join("\n  ", lines) + "\n)";
            }
        }

        /// <summary>A module with a typed forward: <c>class Net : nn.Module&lt;Tensor, Tensor&gt;</c>.</summary>
        public abstract class Module<T, TResult> : Module
        {
            /// <summary>The computation of the module; call the module with <c>call</c>, which runs the hooks too.</summary>
            public abstract TResult forward(T input);

            /// <summary>Runs forward with the module's hooks (PyTorch's <c>module(x)</c>).</summary>
            public TResult call(T input)
            {
                var args = RunPreHooks([input]);
                var r = forward((T)args[0]!);
                RunHooks(args, r);
                return r;
            }
        }

        /// <summary>A module whose forward takes two arguments.</summary>
        public abstract class Module<T1, T2, TResult> : Module
        {
            /// <summary>The computation of the module on two inputs; call the module with <c>call</c>.</summary>
            public abstract TResult forward(T1 input1, T2 input2);

            /// <summary>Runs the module on two inputs (hooks and <c>forward</c>), as calling a PyTorch module.</summary>
            public TResult call(T1 input1, T2 input2)
            {
                var args = RunPreHooks([input1, input2]);
                var r = forward((T1)args[0]!, (T2)args[1]!);
                RunHooks(args, r);
                return r;
            }
        }
    }
}

/// <summary>The field scan behind module discovery, kept out of <see cref="torch.nn.Module"/> (whose annotation makes
/// its own members reflection-visible, which an annotated parameter must not be).</summary>
internal static class ModuleFields
{
    private const BindingFlags FieldFlags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    /// <summary>
    /// The instance fields of <paramref name="type"/> and its base classes up to Module (base class first) whose type
    /// can hold a parameter or a submodule. The annotation is All because only All carries over to
    /// <see cref="Type.BaseType"/>, and private fields of a base class count (a model may derive from another).
    /// </summary>
    internal static FieldInfo[] Scan([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] Type type)
    {
        var chain = new List<FieldInfo[]>();
        for (Type? t = type; t is not null && t != typeof(torch.nn.Module); t = t.BaseType) chain.Add(t.GetFields(FieldFlags));
        chain.Reverse();
        return chain.SelectMany(fields => fields)
            .Where(f => typeof(torch.nn.Module).IsAssignableFrom(f.FieldType) || typeof(Tensor).IsAssignableFrom(f.FieldType) || f.FieldType == typeof(object))
            .ToArray();
    }
}

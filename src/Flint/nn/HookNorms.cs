using Flint.Modules;
using static Flint.torch;

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        public static partial class utils
        {
            /// <summary>
            /// The older weight normalization: parameters name_g and name_v replace name, which a forward pre-hook
            /// computes as g v / ‖v‖ (norm over every dim but <paramref name="dim"/>; all of them when null).
            /// </summary>
            public static T weight_norm<T>(T module, string name = "weight", long? dim = 0) where T : Module
            {
                var weight = HookNorms.Take(module, name, "WeightNorm");
                long d = dim ?? -1;
                module.register_parameter(name + "_g", new Parameter(WeightNorm.NormExceptDim(weight, d).detach()));
                module.register_parameter(name + "_v", new Parameter(weight.detach()));
                Tensor Compute(Module m)
                {
                    var v = m.TensorNamed(name + "_v").tensor!;
                    return v * (m.TensorNamed(name + "_g").tensor! / WeightNorm.NormExceptDim(v, d));
                }
                HookNorms.Install(module, name, "weight_norm", Compute(module), Compute);
                return module;
            }

            /// <summary>Removes the weight normalization from <paramref name="module"/>, keeping the current weight, as <c>torch.nn.utils.remove_weight_norm</c>.</summary>
            public static T remove_weight_norm<T>(T module, string name = "weight") where T : Module
            {
                HookNorms.Remove(module, name, "weight_norm", [name + "_g", name + "_v"]);
                return module;
            }

            /// <summary>
            /// The older spectral normalization: parameter name_orig and buffers name_u, name_v replace name, which a
            /// forward pre-hook computes as name_orig / σ, with <paramref name="n_power_iterations"/> power
            /// iteration steps on u and v first in training mode.
            /// </summary>
            public static T spectral_norm<T>(T module, string name = "weight", long n_power_iterations = 1, double eps = 1e-12, long? dim = null) where T : Module
            {
                long d = dim ?? (module.GetType().Name.StartsWith("ConvTranspose", StringComparison.Ordinal) ? 1 : 0);
                var weight = HookNorms.Take(module, name, "SpectralNorm");
                Tensor u, v;
                using (no_grad())
                {
                    var w = HookNorms.Matrix(weight, d);
                    u = functional.normalize(empty([w.size(0)], w.dtype, w.device).normal_(0, 1), dim: 0, eps: eps);
                    v = functional.normalize(empty([w.size(1)], w.dtype, w.device).normal_(0, 1), dim: 0, eps: eps);
                }
                module.register_parameter(name + "_orig", weight as Parameter ?? new Parameter(weight));
                module.register_buffer(name + "_u", u);
                module.register_buffer(name + "_v", v);
                HookNorms.Install(module, name, "spectral_norm", weight.detach(), m =>
                {
                    var orig = m.TensorNamed(name + "_orig").tensor!;
                    var wm = HookNorms.Matrix(orig, d);
                    Tensor uu = m.TensorNamed(name + "_u").tensor!, vv = m.TensorNamed(name + "_v").tensor!;
                    if (m.training)
                    {
                        using (no_grad())
                            for (long i = 0; i < n_power_iterations; i++)
                            {
                                vv.copy_(functional.normalize(mv(wm.t(), uu), dim: 0, eps: eps));
                                uu.copy_(functional.normalize(mv(wm, vv), dim: 0, eps: eps));
                            }
                        if (n_power_iterations > 0) { uu = uu.clone(); vv = vv.clone(); }
                    }
                    return orig / dot(uu, mv(wm, vv));
                });
                return module;
            }

            /// <summary>Removes the spectral normalization from <paramref name="module"/>, keeping the current weight, as <c>torch.nn.utils.remove_spectral_norm</c>.</summary>
            public static T remove_spectral_norm<T>(T module, string name = "weight") where T : Module
            {
                HookNorms.Remove(module, name, "spectral_norm", [name + "_orig", name + "_u", name + "_v"]);
                return module;
            }
        }
    }
}

/// <summary>The hook forms of weight_norm and spectral_norm: a module tensor computed by a forward pre-hook.</summary>
internal static class HookNorms
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<nn.Module, Dictionary<string, (string kind, RemovableHandle hook, Func<nn.Module, Tensor> compute)>> Hooks = new();

    /// <summary>The parameter <paramref name="name"/>, refused when it is missing or already normalized.</summary>
    internal static Tensor Take(nn.Module module, string name, string kind)
    {
        if (Hooks.TryGetValue(module, out var hooks) && hooks.ContainsKey(name))
            throw new InvalidOperationException($"Cannot register two {(kind == "WeightNorm" ? "weight_norm" : "spectral_norm")} hooks on the same parameter {name}");
        var (weight, isBuffer) = module.TensorNamed(name);
        if (weight is null || isBuffer) throw new ArgumentException($"`{kind}` cannot be applied as parameter `{name}` is None");
        return weight;
    }

    /// <summary>Hides the tensor from the module's own, computes it now and before every call.</summary>
    internal static void Install(nn.Module module, string name, string kind, Tensor initial, Func<nn.Module, Tensor> compute)
    {
        (module.ComputedNames ??= []).Add(name);
        module.AssignTensor(name, initial);
        var hook = module.register_forward_pre_hook((m, _) => { m.AssignTensor(name, compute(m)); return null; });
        Hooks.GetOrCreateValue(module)[name] = (kind, hook, compute);
    }

    /// <summary>Computes the tensor a last time and makes it a parameter again; the parts it was computed from go.</summary>
    internal static void Remove(nn.Module module, string name, string kind, string[] parts)
    {
        if (!Hooks.TryGetValue(module, out var hooks) || !hooks.TryGetValue(name, out var h) || h.kind != kind)
            throw new ArgumentException($"{kind} of '{name}' not found in {module}");
        Tensor value;
        using (no_grad()) value = h.compute(module);
        h.hook.remove();
        hooks.Remove(name);
        foreach (var p in parts) module.Unregister(p);
        module.ComputedNames!.Remove(name);
        module.AssignTensor(name, new Parameter(value.detach()));
    }

    internal static Tensor Matrix(Tensor weight, long dim)
    {
        if (dim != 0)
            weight = weight.permute([dim, .. Enumerable.Range(0, (int)weight.dim()).Where(d => d != dim).Select(d => (long)d)]);
        return weight.flatten(1);
    }
}

using System.Globalization;
using Flint.Modules;
using static Flint.torch;

namespace Flint
{
    public static partial class torch
    {
        public static partial class nn
        {
            public abstract partial class Module
            {
                /// <summary>
                /// PyTorch's <c>module.parametrizations</c>: the <see cref="ParametrizationList"/> of each parametrized
                /// tensor by its name (null when the module has none).
                /// </summary>
                public ModuleDict? parametrizations => ChildEntries().FirstOrDefault(e => e.name == "parametrizations").module as ModuleDict;
            }

            public static partial class utils
            {
                /// <summary>
                /// PyTorch's <c>torch.nn.utils.parametrize</c>: a module's tensor computed from "original" tensors by a
                /// chain of modules. The module's field (or registration) under the tensor's name holds the computed
                /// value, refreshed before every call of the module (its forward pre-hook), so its forward reads it.
                /// </summary>
                public static class parametrize
                {
                    /// <summary>
                    /// Parametrizes <paramref name="tensor_name"/> of <paramref name="module"/> by <paramref name="parametrization"/>
                    /// (a <see cref="Parametrization"/>, or any <c>nn.Module&lt;Tensor, Tensor&gt;</c>); a second
                    /// registration on the same name appends to the chain.
                    /// </summary>
                    public static Module register_parametrization(Module module, string tensor_name, Module parametrization, bool @unsafe = false)
                    {
                        if (parametrization is not Parametrization && parametrization is not Module<Tensor, Tensor>)
                            throw new ArgumentException($"A parametrization must be a Parametrization or a Module<Tensor, Tensor>, got {parametrization.GetName()}");
                        if (is_parametrized(module, tensor_name))
                        {
                            ((ParametrizationList)module.parametrizations![tensor_name]).append(parametrization);
                            return module;
                        }
                        var (original, _) = module.TensorNamed(tensor_name);
                        if (original is null)
                            throw new ArgumentException($"Module '{module}' does not have a parameter, a buffer, or a parametrized element with name '{tensor_name}'");
                        var list = new ParametrizationList(parametrization, original, @unsafe);
                        if (module.parametrizations is not { } dict)
                        {
                            dict = new ModuleDict();
                            module.register_module("parametrizations", dict);
                        }
                        dict[tensor_name] = list;
                        (module.ComputedNames ??= []).Add(tensor_name);
                        list.Hook = module.register_forward_pre_hook((m, _) => { m.AssignTensor(tensor_name, list.Evaluate()); return null; });
                        return module;
                    }

                    /// <summary>Whether the module has a parametrization (on <paramref name="tensor_name"/>, or on any tensor when null).</summary>
                    public static bool is_parametrized(Module module, string? tensor_name = null) =>
                        module.parametrizations is { Count: > 0 } dict && (tensor_name is null || dict.ContainsKey(tensor_name));

                    /// <summary>
                    /// Removes the parametrizations of <paramref name="tensor_name"/>: the tensor becomes a parameter (or buffer)
                    /// again, holding its current value (leave_parametrized) or its original.
                    /// </summary>
                    public static Module remove_parametrizations(Module module, string tensor_name, bool leave_parametrized = true)
                    {
                        if (!is_parametrized(module, tensor_name))
                            throw new ArgumentException($"Module {module} does not have a parametrization on {tensor_name}");
                        var dict = module.parametrizations!;
                        var list = (ParametrizationList)dict[tensor_name];
                        Tensor original;
                        if (list.is_tensor)
                        {
                            original = list.Originals[0];
                            if (leave_parametrized)
                            {
                                var t = list.Evaluate();
                                using (no_grad()) if (!ReferenceEquals(t, original)) original.data = t.detach().clone();
                            }
                        }
                        else
                        {
                            if (!leave_parametrized)
                                throw new ArgumentException("Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is parametrized in terms of a sequence of tensors.");
                            var t = list.Evaluate();
                            original = t.requires_grad ? new Parameter(t.detach().clone()) : t.detach().clone();
                        }
                        list.Hook?.remove();
                        dict.pop(tensor_name);
                        module.ComputedNames!.Remove(tensor_name);
                        if (dict.Count == 0) module.Unregister("parametrizations");
                        module.AssignTensor(tensor_name, original);
                        return module;
                    }
                }

                /// <summary>PyTorch's <c>torch.nn.utils.parametrizations</c>: weight normalization and spectral normalization.</summary>
                public static class parametrizations
                {
                    /// <summary>
                    /// weight = g v / ‖v‖ with the norm over every dim but <paramref name="dim"/> (all of them when null):
                    /// originals original0 = g, original1 = v.
                    /// </summary>
                    public static T weight_norm<T>(T module, string name = "weight", long? dim = 0) where T : Module
                    {
                        parametrize.register_parametrization(module, name, new WeightNorm(dim ?? -1), @unsafe: true);
                        return module;
                    }

                    /// <summary>
                    /// weight / σ(weight), σ the largest singular value estimated by power iteration on the weight
                    /// reshaped to a matrix (dim first; dim 1 for transposed convolutions), its vectors kept in the
                    /// buffers _u and _v, updated by <paramref name="n_power_iterations"/> steps each forward in training.
                    /// </summary>
                    public static T spectral_norm<T>(T module, string name = "weight", long n_power_iterations = 1, double eps = 1e-12, long? dim = null) where T : Module
                    {
                        var (weight, _) = module.TensorNamed(name);
                        if (weight is null) throw new ArgumentException($"Module '{module}' has no parameter or buffer with name '{name}'");
                        dim ??= module.GetType().Name.StartsWith("ConvTranspose", StringComparison.Ordinal) ? 1 : 0;
                        parametrize.register_parametrization(module, name, new SpectralNorm(weight, n_power_iterations, dim.Value, eps));
                        return module;
                    }
                }
            }

            public static partial class functional
            {
                /// <summary>input / max(‖input‖_p, eps) along <paramref name="dim"/>.</summary>
                public static Tensor normalize(Tensor input, double p = 2.0, long dim = 1, double eps = 1e-12) =>
                    input / input.norm(p, dim, keepdim: true).clamp_min(eps).expand_as(input);
            }
        }
    }
}

namespace Flint.Modules
{
    /// <summary>
    /// A parametrization whose value is computed from several originals, or that maps a value back to its originals
    /// (PyTorch's parametrization modules with a <c>right_inverse</c>). A plain <c>nn.Module&lt;Tensor, Tensor&gt;</c>
    /// is a parametrization of one original that is the value itself.
    /// </summary>
    public abstract class Parametrization : nn.Module
    {
        /// <summary>The parametrized tensor computed from the originals.</summary>
        public abstract Tensor forward(Tensor[] originals);

        /// <summary>The originals that give <paramref name="value"/> (one: the value itself, by default).</summary>
        public virtual Tensor[] right_inverse(Tensor value) => [value];
    }

    /// <summary>
    /// The originals of a parametrized tensor ("original", or "original0", "original1", ... when the first
    /// parametrization's right inverse gives several) and the chain of parametrizations ("0", "1", ...).
    /// </summary>
    public sealed class ParametrizationList : nn.Module
    {
        private readonly List<nn.Module> chain = [];
        internal RemovableHandle? Hook;

        /// <summary>True when there is one original ("original").</summary>
        public bool is_tensor { get; }

        internal Tensor[] Originals { get; }

        internal ParametrizationList(nn.Module first, Tensor original, bool @unsafe)
        {
            append(first);
            Tensor[] news;
            using (no_grad()) news = first is Parametrization p ? p.right_inverse(original) : [original];
            is_tensor = news.Length == 1;
            if (is_tensor)
            {
                using (no_grad()) if (!ReferenceEquals(news[0], original)) original.data = news[0].detach();
                Originals = [original];
                Register("original", original, original is Parameter);
            }
            else
            {
                Originals = new Tensor[news.Length];
                for (int i = 0; i < news.Length; i++)
                {
                    Tensor oi = original is Parameter ? new Parameter(news[i].detach(), original.requires_grad) : news[i].detach().requires_grad_(original.requires_grad);
                    Originals[i] = oi;
                    Register("original" + i.ToString(CultureInfo.InvariantCulture), oi, original is Parameter);
                }
            }
            if (@unsafe) return;
            // PyTorch evaluates the parametrization once to check it keeps the dtype and the shape (a spectral norm
            // in training mode takes a power iteration step there)
            var z = Evaluate();
            if (z.dtype != original.dtype)
                throw new ArgumentException($"Registering a parametrization may not change the dtype of the tensor, unless `unsafe` flag is enabled.\nunparametrized dtype: {original.dtype}\nparametrized dtype: {z.dtype}");
            if (!z.shape.Equals(original.shape))
                throw new ArgumentException($"Registering a parametrization may not change the shape of the tensor, unless `unsafe` flag is enabled.\nunparametrized shape: {original.shape}\nparametrized shape: {z.shape}");
        }

        private void Register(string name, Tensor t, bool asParameter)
        {
            if (asParameter) register_parameter(name, (Parameter)t); else register_buffer(name, t);
        }

        /// <summary>The single original (when <see cref="is_tensor"/>).</summary>
        public Tensor original => is_tensor ? Originals[0] : throw new InvalidOperationException("the parametrization has several originals: original0, original1, ...");

        /// <summary>The first original tensor the parametrization computes from, as <c>parametrizations.weight.original0</c>.</summary>
        public Tensor original0 => Originals[0];
        /// <summary>The second original tensor, as <c>parametrizations.weight.original1</c>.</summary>
        public Tensor original1 => Originals.Length > 1 ? Originals[1] : throw new InvalidOperationException("the parametrization has one original");

        /// <summary>The number of parametrizations in the chain.</summary>
        public int Count => chain.Count;
        /// <summary>The parametrization at <paramref name="index"/>.</summary>
        public nn.Module this[int index] => chain[index < 0 ? index + chain.Count : index];

        internal void append(nn.Module parametrization)
        {
            register_module(chain.Count.ToString(CultureInfo.InvariantCulture), parametrization);
            chain.Add(parametrization);
        }

        /// <summary>The parametrized value: the chain applied to the originals.</summary>
        internal Tensor Evaluate()
        {
            var x = chain[0] is Parametrization p ? p.forward(Originals) : ((nn.Module<Tensor, Tensor>)chain[0]).call(Originals[0]);
            for (int i = 1; i < chain.Count; i++)
                x = chain[i] is Parametrization q ? q.forward([x]) : ((nn.Module<Tensor, Tensor>)chain[i]).call(x);
            return x;
        }

        /// <summary>Sets the originals so that the chain gives <paramref name="value"/> (PyTorch's assignment to a parametrized tensor).</summary>
        public void right_inverse(Tensor value)
        {
            using var _ = no_grad();
            Tensor[] news = [value];
            for (int i = chain.Count - 1; i >= 0; i--)
                news = chain[i] is Parametrization p ? p.right_inverse(news[0]) : news;
            for (int i = 0; i < Originals.Length; i++) Originals[i].copy_(news[i]);
        }
    }

    /// <summary>PyTorch's _WeightNorm: weight = g v / ‖v‖ (norm over every dim but dim; over all when dim is -1).</summary>
    internal sealed class WeightNorm(long dim) : Parametrization
    {
        public override string GetName() => "_WeightNorm";

        public override Tensor forward(Tensor[] originals) => originals[1] * (originals[0] / NormExceptDim(originals[1], dim));

        public override Tensor[] right_inverse(Tensor value) => [NormExceptDim(value, dim), value];

        /// <summary>PyTorch's norm_except_dim(v, 2, dim): the 2-norm of each slice along dim, shaped to broadcast against v.</summary>
        internal static Tensor NormExceptDim(Tensor v, long dim)
        {
            if (dim == -1) return v.norm(2);
            if (dim == 0)
            {
                var shape = Enumerable.Repeat(1L, (int)v.dim()).ToArray();
                shape[0] = v.size(0);
                return v.contiguous().view(v.size(0), -1).norm(2, 1).view(shape);
            }
            if (dim == v.dim() - 1)
            {
                var shape = Enumerable.Repeat(1L, (int)v.dim()).ToArray();
                shape[^1] = v.size(-1);
                return v.contiguous().view(-1, v.size(-1)).norm(2, 0).view(shape);
            }
            return NormExceptDim(v.transpose(0, dim), 0).transpose(0, dim);
        }
    }

    /// <summary>PyTorch's _SpectralNorm: weight / σ, σ estimated by power iteration with the vectors _u and _v as buffers.</summary>
    internal sealed class SpectralNorm : Parametrization
    {
        private readonly long dim;
        private readonly double eps;
        private readonly long nPowerIterations;

        public override string GetName() => "_SpectralNorm";

        internal SpectralNorm(Tensor weight, long n_power_iterations, long dim, double eps)
        {
            long ndim = weight.dim();
            if (dim >= ndim || dim < -ndim)
                throw new IndexOutOfRangeException($"Dimension out of range (expected to be in range of [-{ndim}, {ndim - 1}] but got {dim})");
            if (n_power_iterations <= 0)
                throw new ArgumentException($"Expected n_power_iterations to be positive, but got n_power_iterations={n_power_iterations}");
            this.dim = dim >= 0 ? dim : dim + ndim;
            this.eps = eps;
            nPowerIterations = n_power_iterations;
            if (ndim > 1)
            {
                using var _ = no_grad();
                var w = Matrix(weight.detach());
                var u = empty([w.size(0)], w.dtype, w.device).normal_(0, 1);
                var v = empty([w.size(1)], w.dtype, w.device).normal_(0, 1);
                register_buffer("_u", nn.functional.normalize(u, dim: 0, eps: eps));
                register_buffer("_v", nn.functional.normalize(v, dim: 0, eps: eps));
                PowerMethod(w, 15);
            }
        }

        private Tensor U => TensorNamed("_u").tensor!;
        private Tensor V => TensorNamed("_v").tensor!;

        private Tensor Matrix(Tensor weight) => HookNorms.Matrix(weight, dim);

        private void PowerMethod(Tensor w, long iterations)
        {
            using var _ = no_grad();
            for (long i = 0; i < iterations; i++)
            {
                U.copy_(nn.functional.normalize(mv(w, V), dim: 0, eps: eps));
                V.copy_(nn.functional.normalize(mv(w.t(), U), dim: 0, eps: eps));
            }
        }

        public override Tensor forward(Tensor[] originals)
        {
            var weight = originals[0];
            if (weight.dim() == 1) return nn.functional.normalize(weight, dim: 0, eps: eps);
            var w = Matrix(weight);
            if (training) PowerMethod(w.detach(), nPowerIterations);
            var u = U.clone();
            var v = V.clone();
            var sigma = vdot(u, mv(w, v));
            return weight / sigma;
        }
    }
}

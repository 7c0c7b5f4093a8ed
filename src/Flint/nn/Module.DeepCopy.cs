using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        public abstract partial class Module
        {
            /// <summary>
            /// A copy of the module with copies of its parameters, buffers and submodules (PyTorch's
            /// <c>copy.deepcopy(module)</c>): the copy shares no tensor data with the original, a tensor or module
            /// reachable twice (tied weights) stays one object in the copy, parameters keep requires_grad and their
            /// gradients are copied too. Fields of other types (sizes, flags, functions) are shared, as they are
            /// not changed after construction.
            /// </summary>
            public Module deepcopy() => DeepCopy(new Dictionary<object, object>(ReferenceEqualityComparer.Instance));

            internal Module DeepCopy(Dictionary<object, object> memo)
            {
                if (memo.TryGetValue(this, out var done)) return (Module)done;
                var copy = (Module)MemberwiseClone();
                memo[this] = copy;
                object? Map(object? v) => v switch
                {
                    Module m => m.DeepCopy(memo),
                    Tensor t => ModuleCopy.Tensor(t, memo),
                    _ => v,
                };
                copy.explicitTensors = explicitTensors.Select(e =>
                {
                    Tensor? value = (Tensor?)Map(e.get());
                    return (e.name, (Func<Tensor?>)(() => value), (Action<Tensor?>)(v => value = v), e.isParam);
                }).ToList();
                copy.explicitModules = explicitModules.Select(e => (e.name, (Module?)Map(e.module))).ToList();
                copy.nonPersistent = [.. nonPersistent];
                copy.forwardHooks = forwardHooks is null ? null : [.. forwardHooks];
                copy.forwardPreHooks = forwardPreHooks is null ? null : [.. forwardPreHooks];
                // GetType() on a Module carries the class's annotation (see Fields()), so the trimmer keeps the fields
                foreach (var f in ModuleCopy.Fields(GetType()))
                    if (f.GetValue(this) is Module or Tensor) f.SetValue(copy, Map(f.GetValue(this)));
                copy.CopyContents(Map);
                return copy;
            }

            /// <summary>Lets a container replace the collections it holds its modules in by copies mapped through <paramref name="map"/>.</summary>
            internal virtual void CopyContents(Func<object?, object?> map) { }
        }
    }
}

/// <summary>The field walk and the tensor copy behind <see cref="torch.nn.Module.deepcopy"/>.</summary>
internal static class ModuleCopy
{
    private const BindingFlags FieldFlags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    /// <summary>Every instance field of <paramref name="type"/> and its base classes below Module.</summary>
    internal static IEnumerable<FieldInfo> Fields([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] Type type)
    {
        for (Type? t = type; t is not null && t != typeof(torch.nn.Module); t = t.BaseType)
            foreach (var f in t.GetFields(FieldFlags)) yield return f;
    }

    /// <summary>A copy of a parameter or buffer with its own data (a parameter stays a parameter; its gradient is copied).</summary>
    internal static Tensor Tensor(Tensor t, Dictionary<object, object> memo)
    {
        if (memo.TryGetValue(t, out var done)) return (Tensor)done;
        Tensor copy;
        using (torch.no_grad())
        {
            var data = t.detach().clone();
            copy = t is Parameter ? new Parameter(data, t.requires_grad) : data.requires_grad_(t.requires_grad);
            if (t.grad is { } g) copy.grad = g.detach().clone();
        }
        memo[t] = copy;
        return copy;
    }
}

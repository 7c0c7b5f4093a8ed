using System.Reflection;
using static Flint.torch;

namespace Flint;

/// <summary>
/// One forward of a model on the meta device, for the tools that only need shapes (the model summary, the
/// TensorBoard graph): every parameter and buffer is replaced, for the length of the call, by a tensor of the same
/// shape and dtype on the meta device, the inputs are moved there too, and afterwards every tensor gets its own data
/// back. No memory is allocated for data and the model ends as it was (its tensors, modes and hooks).
/// </summary>
internal static class MetaForward
{
    /// <summary>
    /// Runs <paramref name="model"/> on meta copies of <paramref name="inputs"/> and returns its output (meta tensors).
    /// <paramref name="trackInputs"/> makes floating-point inputs require grad, so every op records a node.
    /// </summary>
    public static object? Run(nn.Module model, IReadOnlyList<Tensor> inputs, bool trackInputs = false)
    {
        var tensors = model.parameters().Cast<Tensor>().Concat(model.buffers()).Distinct<Tensor>(ReferenceEqualityComparer.Instance).ToList();
        var saved = tensors.Select(t => t.data).ToList();
        try
        {
            using (no_grad())
                foreach (var t in tensors)
                    if (t.device.type != DeviceType.Meta) t.SetData(empty_like(t, device: Device.Meta));
            var args = inputs.Select(x =>
            {
                var m = x.device.type == DeviceType.Meta ? x.detach() : empty_like(x, device: Device.Meta);
                return trackInputs && m.dtype.is_floating_point ? m.requires_grad_() : m;
            }).ToArray();
            return Invoke(model, args);
        }
        finally
        {
            for (int i = 0; i < tensors.Count; i++) tensors[i].SetData(saved[i]);
        }
    }

    /// <summary>Calls the model with its hooks (<c>call</c>) on the given tensors.</summary>
    public static object? Invoke(nn.Module model, Tensor[] args)
    {
        if (model is nn.Module<Tensor, Tensor> one && args.Length == 1) return one.call(args[0]);
        var call = model.GetType().GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(m => m.Name == "call" && m.GetParameters().Length == args.Length)
            ?? throw new ArgumentException($"{model.GetName()} has no forward that takes {args.Length} tensor(s)");
        try { return call.Invoke(model, args); }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    /// <summary>The names of the model's forward parameters (e.g. "x"), for naming its inputs.</summary>
    public static string[] ForwardParameterNames(nn.Module model, int count)
    {
        var forward = model.GetType().GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(m => m.Name == "forward" && m.GetParameters().Length == count);
        return forward?.GetParameters().Select(p => p.Name ?? "input").ToArray() ?? Enumerable.Range(0, count).Select(i => "input." + (i + 1)).ToArray();
    }

    /// <summary>The tensors in a forward's result: a tensor, or tensors in a tuple, array or list (in order).</summary>
    public static IEnumerable<Tensor> Tensors(object? value)
    {
        switch (value)
        {
            case Tensor t: yield return t; break;
            case System.Runtime.CompilerServices.ITuple tuple:
                for (int i = 0; i < tuple.Length; i++) foreach (var t in Tensors(tuple[i])) yield return t;
                break;
            case System.Collections.IEnumerable items and not string:
                foreach (var item in items) foreach (var t in Tensors(item)) yield return t;
                break;
        }
    }
}

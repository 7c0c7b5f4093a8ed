using Flint.Autograd;

namespace Flint;

public static partial class torch
{
    /// <summary>Disables gradient recording until disposed: <c>using (torch.no_grad()) { ... }</c>.</summary>
    public static GradModeScope no_grad() => new(false);
    /// <summary>Enables gradient recording until disposed.</summary>
    public static GradModeScope enable_grad() => new(true);
    /// <summary>Turns gradient recording on or off until the returned scope is disposed, as <c>torch.set_grad_enabled(mode)</c> (use it in a <c>using</c>).</summary>
    public static GradModeScope set_grad_enabled(bool mode) => new(mode);
    /// <summary>Like no_grad, for inference: nothing is recorded.</summary>
    public static GradModeScope inference_mode(bool mode = true) => new(!mode, mode);
    /// <summary>Whether operations are recorded for autograd now, as <c>torch.is_grad_enabled()</c>.</summary>
    public static bool is_grad_enabled() => GradMode.IsEnabled;
    /// <summary>Whether an inference-mode scope is active, as <c>torch.is_inference_mode_enabled()</c>.</summary>
    public static bool is_inference_mode_enabled() => GradMode.IsInference;

    /// <summary>PyTorch's <c>torch.autograd</c>.</summary>
    public static partial class autograd
    {
        /// <summary>Accumulates the gradients of <paramref name="tensors"/> into the leaves' .grad.</summary>
        public static void backward(Tensor[] tensors, Tensor[]? grad_tensors = null, bool? retain_graph = null, bool create_graph = false, Tensor[]? inputs = null)
        {
            var grads = GradOutputs.MakeGrads(tensors, grad_tensors, create_graph);
            bool retain = retain_graph ?? create_graph;
            if (inputs is { Length: > 0 })
            {
                var edges = inputs.Select(t => Recording.EdgeOf(t) ?? throw new InvalidOperationException("One of the differentiated Tensors does not require grad")).ToArray();
                var got = Engine.Run(tensors, grads, retain, create_graph, edges, accumulate: false)!;
                for (int i = 0; i < inputs.Length; i++)
                {
                    if (got[i] is not { } g) continue;
                    var t = inputs[i];
                    t.grad = t.grad is null ? (create_graph ? g : g.detach()) : t.grad + g;
                }
                return;
            }
            Engine.Run(tensors, grads, retain, create_graph, null, accumulate: true);
        }

        /// <summary>The gradients of <paramref name="outputs"/> with respect to <paramref name="inputs"/>, without touching .grad.</summary>
        public static Tensor?[] grad(Tensor[] outputs, Tensor[] inputs, Tensor[]? grad_outputs = null, bool? retain_graph = null, bool create_graph = false, bool allow_unused = false)
        {
            var grads = GradOutputs.MakeGrads(outputs, grad_outputs, create_graph);
            var edges = new Edge[inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
                edges[i] = Recording.EdgeOf(inputs[i]) ?? throw new InvalidOperationException("One of the differentiated Tensors does not require grad");
            var got = Engine.Run(outputs, grads, retain_graph ?? create_graph, create_graph, edges, accumulate: false)!;
            for (int i = 0; i < got.Length; i++)
            {
                if (got[i] is null && !allow_unused)
                    throw new InvalidOperationException("One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.");
                if (got[i] is { } g && !create_graph) got[i] = g.detach();
            }
            return got;
        }

        /// <summary>Computes and returns the gradients of <paramref name="output"/> with respect to <paramref name="inputs"/> without accumulating into <c>.grad</c>, as <c>torch.autograd.grad</c>; <paramref name="create_graph"/> records the backward for higher-order gradients and <paramref name="allow_unused"/> gives null for inputs the output does not depend on.</summary>
        public static Tensor?[] grad(Tensor output, Tensor[] inputs, Tensor? grad_output = null, bool? retain_graph = null, bool create_graph = false, bool allow_unused = false) =>
            grad([output], inputs, grad_output is null ? null : [grad_output], retain_graph, create_graph, allow_unused);

        /// <summary>Turns anomaly detection on or off: backward names the forward op whose gradient became NaN.</summary>
        /// <remarks>
        /// Takes effect at once (a plain call leaves it set); disposing the returned scope restores the previous
        /// mode: <c>using (torch.autograd.set_detect_anomaly(true)) { ... }</c>.
        /// </remarks>
        public static AnomalyModeScope set_detect_anomaly(bool mode) => new(mode);

        /// <summary>Anomaly detection on until the returned scope is disposed.</summary>
        public static AnomalyModeScope detect_anomaly() => new(true);
        /// <summary>Whether anomaly detection (<c>torch.autograd.set_detect_anomaly</c>) is on.</summary>
        public static bool is_anomaly_enabled() => AnomalyMode.Enabled;
    }
}

/// <summary>The gradients backward and grad start from: the given ones (shape-checked) or ones for a scalar output.</summary>
internal static class GradOutputs
{
    internal static Tensor[] MakeGrads(Tensor[] outputs, Tensor[]? given, bool createGraph)
    {
        var r = new Tensor[outputs.Length];
        for (int i = 0; i < outputs.Length; i++)
        {
            var o = outputs[i];
            if (given is not null && i < given.Length && given[i] is { } g)
            {
                if (!g._shape.AsSpan().SequenceEqual(o._shape))
                    throw new ArgumentException($"Mismatch in shape: grad_output[{i}] has a shape of {new Size(g._shape)} and output[{i}] has a shape of {new Size(o._shape)}.");
                r[i] = g;
            }
            else
            {
                if (!o.requires_grad)
                    throw new InvalidOperationException($"element {i} of tensors does not require grad and does not have a grad_fn");
                if (o.numel() != 1) throw new InvalidOperationException("grad can be implicitly created only for scalar outputs");
                var one = Tensor.EmptyLike(o, o.dtype, o.device);
                Scalars.FillNew(one, 1);
                r[i] = one;
            }
        }
        return r;
    }
}

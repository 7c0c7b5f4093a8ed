using Flint.Autograd;

namespace Flint;

public static partial class torch
{
    public static partial class autograd
    {
        /// <summary>
        /// A custom differentiable operation (PyTorch's <c>torch.autograd.Function</c>): override
        /// <see cref="forward"/> and <see cref="backward"/>, then call <c>MyFn.apply(x, y)</c>.
        /// </summary>
        public abstract class Function<TSelf> where TSelf : Function<TSelf>, new()
        {
            /// <summary>Computes the outputs; runs with grad recording off. Save what backward needs on ctx.</summary>
            public abstract Tensor forward(FunctionCtx ctx, params Tensor[] inputs);

            /// <summary>Returns one gradient per forward input (null where none) from the output's gradient.</summary>
            public abstract Tensor?[] backward(FunctionCtx ctx, Tensor grad_output);

            /// <summary>The name of the recorded node (PyTorch names it after the class: "MyExpBackward").</summary>
            protected internal virtual string node_name => typeof(TSelf).Name + "Backward";

            /// <summary>Runs forward without recording, then records one node whose backward calls <see cref="backward"/>.</summary>
            public static Tensor apply(params Tensor[] inputs)
            {
                ArgumentNullException.ThrowIfNull(inputs);
                var fn = new TSelf();
                var ctx = new FunctionCtx(inputs.Select(t => t.requires_grad).ToArray());
                Tensor output;
                using (no_grad()) output = fn.forward(ctx, inputs);
                if (ReferenceEquals(output, inputs.FirstOrDefault(t => ReferenceEquals(t, output)))) output = output.View(output._shape, output._strides, output._offset);
                if (!Recording.Needs(inputs) || ctx.NonDifferentiable) return output;
                if (!output.dtype.is_floating_point) return output;
                string name = fn.node_name;
                var shapes = inputs.Select(t => t._shape).ToArray();
                var dtypes = inputs.Select(t => t.dtype).ToArray();
                return Recording.Record(output, name, inputs, g =>
                {
                    return FunctionGradients.ValidateAll(name, fn.backward(ctx, g), shapes, dtypes);
                }, ctx.SavedRaw);
            }
        }

        /// <summary>
        /// A custom differentiable operation with several outputs (PyTorch's <c>torch.autograd.Function</c> whose
        /// forward returns a tuple; the name follows TorchSharp): backward receives one gradient per output (zeros
        /// for an output that got none, as PyTorch materializes them) and returns one per input.
        /// </summary>
        public abstract class MultiTensorFunction<TSelf> where TSelf : MultiTensorFunction<TSelf>, new()
        {
            /// <summary>Computes the outputs; runs with grad recording off. Save what backward needs on ctx.</summary>
            public abstract Tensor[] forward(FunctionCtx ctx, params Tensor[] inputs);

            /// <summary>Returns one gradient per forward input (null where none) from the outputs' gradients.</summary>
            public abstract Tensor?[] backward(FunctionCtx ctx, Tensor[] grad_outputs);

            /// <summary>The name of the recorded node (PyTorch names it after the class: "SplitTwoBackward").</summary>
            protected internal virtual string node_name => typeof(TSelf).Name + "Backward";

            /// <summary>Runs forward without recording, then records one node for all the outputs.</summary>
            public static Tensor[] apply(params Tensor[] inputs)
            {
                ArgumentNullException.ThrowIfNull(inputs);
                var fn = new TSelf();
                var ctx = new FunctionCtx(inputs.Select(t => t.requires_grad).ToArray());
                Tensor[] outputs;
                using (no_grad()) outputs = fn.forward(ctx, inputs);
                if (outputs is null || Array.Exists(outputs, o => o is null))
                    throw new InvalidOperationException($"function {fn.node_name} returned a null output");
                // an input returned as it is becomes a view, so the output can carry its own history
                for (int i = 0; i < outputs.Length; i++)
                    if (Array.Exists(inputs, t => ReferenceEquals(t, outputs[i]))) outputs[i] = outputs[i].View(outputs[i]._shape, outputs[i]._strides, outputs[i]._offset);
                if (!Recording.Needs(inputs) || ctx.NonDifferentiable) return outputs;
                string name = fn.node_name;
                var shapes = inputs.Select(t => t._shape).ToArray();
                var dtypes = inputs.Select(t => t.dtype).ToArray();
                var outs = outputs.Select(o => (o._shape, o.dtype, o.device)).ToArray();
                return Recording.RecordMulti(outputs, name, inputs, gs =>
                {
                    var full = new Tensor[outs.Length];
                    for (int i = 0; i < full.Length; i++)
                    {
                        full[i] = gs.Length > i && gs[i] is { } g ? g : torch.zeros(outs[i]._shape, outs[i].dtype, outs[i].device);
                        GradOwnership.Escape(full[i]);
                    }
                    return FunctionGradients.ValidateAll(name, fn.backward(ctx, full), shapes, dtypes);
                }, ctx.SavedRaw);
            }
        }

        /// <summary>What a custom Function's forward passes to its backward.</summary>
        public sealed class FunctionCtx
        {
            internal Tensor[] SavedRaw = [];
            internal bool NonDifferentiable;
            internal FunctionCtx(bool[] needs) { needs_input_grad = needs; }

            /// <summary>Which inputs need a gradient.</summary>
            public bool[] needs_input_grad { get; }

            /// <summary>Keeps tensors for backward (checked against in-place changes).</summary>
            public void save_for_backward(params Tensor[] tensors) => SavedRaw = tensors;

            /// <summary>The tensors saved with <c>ctx.save_for_backward</c> in forward, as PyTorch's <c>ctx.saved_tensors</c>.</summary>
            public Tensor[] saved_tensors => SavedRaw;

            /// <summary>Marks the output as not differentiable (it will not require grad).</summary>
            public void mark_non_differentiable() => NonDifferentiable = true;

            /// <summary>Other values forward wants backward to see.</summary>
            public Dictionary<string, object> saved { get; } = new();
        }
    }
}

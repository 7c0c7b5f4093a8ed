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

            public static Tensor apply(params Tensor[] inputs)
            {
                var fn = new TSelf();
                var ctx = new FunctionCtx(inputs.Select(t => t.requires_grad).ToArray());
                Tensor output;
                using (no_grad()) output = fn.forward(ctx, inputs);
                if (ReferenceEquals(output, inputs.FirstOrDefault(t => ReferenceEquals(t, output)))) output = output.View(output._shape, output._strides, output._offset);
                if (!Recording.Needs(inputs) || ctx.NonDifferentiable) return output;
                return Recording.Record(output, typeof(TSelf).Name + "Backward", inputs, g =>
                {
                    var grads = fn.backward(ctx, g);
                    if (grads.Length != inputs.Length)
                        throw new InvalidOperationException($"function {typeof(TSelf).Name}Backward returned an incorrect number of gradients (expected {inputs.Length}, got {grads.Length})");
                    return grads;
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

            public Tensor[] saved_tensors => SavedRaw;

            /// <summary>Marks the output as not differentiable (it will not require grad).</summary>
            public void mark_non_differentiable() => NonDifferentiable = true;

            /// <summary>Other values forward wants backward to see.</summary>
            public Dictionary<string, object> saved { get; } = new();
        }
    }
}

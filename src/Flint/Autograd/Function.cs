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
                    var grads = fn.backward(ctx, g);
                    if (grads.Length != inputs.Length)
                        throw new InvalidOperationException($"function {name} returned an incorrect number of gradients (expected {inputs.Length}, got {grads.Length})");
                    for (int i = 0; i < grads.Length; i++)
                        if (grads[i] is { } gi)
                        {
                            // user code made (and may keep) these: they are never stolen into a .grad
                            GradOwnership.Escape(gi);
                            grads[i] = Validate(name, i, gi, shapes[i], dtypes[i]);
                            GradOwnership.Escape(grads[i]!);
                        }
                    return grads;
                }, ctx.SavedRaw);
            }

            /// <summary>
            /// Fits a returned gradient to its input as PyTorch's engine does: a broadcast gradient is summed back to
            /// the input's shape, another dtype is converted; a shape that cannot broadcast to the input's is an error.
            /// </summary>
            private static Tensor Validate(string name, int i, Tensor g, long[] shape, DType dtype)
            {
                if (!g._shape.AsSpan().SequenceEqual(shape))
                {
                    if (!Expandable(shape, g._shape))
                        throw new ArgumentException($"Function {name} returned an invalid gradient at index {i} - got {Shape.Str(g._shape)} but expected shape compatible with {Shape.Str(shape)}");
                    g = Recording.SumToShape(g, shape);
                }
                return g.dtype == dtype ? g : g.to(dtype);
            }

            /// <summary>Whether <paramref name="shape"/> broadcasts to <paramref name="target"/>.</summary>
            private static bool Expandable(long[] shape, long[] target)
            {
                if (shape.Length > target.Length) return false;
                for (int k = 1; k <= shape.Length; k++)
                {
                    long s = shape[^k], t = target[^k];
                    if (s != t && s != 1) return false;
                }
                return true;
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

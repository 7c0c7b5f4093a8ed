using Flint.Backends;
using static Flint.torch;

namespace Flint;

    /// <summary>
    /// Operand preparation for the fused nn kernels (IBackend.Nn.cs): the dtype they compute in (half types in
    /// float32), contiguous detached operands, outputs allocated on the input's device, and the reduction.
    /// </summary>
    internal static class Fused
    {
        internal static DType ComputeType(DType dt) => dt == float16 || dt == bfloat16 ? float32 : dt;

        /// <summary>t as a contiguous tensor of dtype <paramref name="dt"/> with no history (no copy when it already is one).</summary>
        internal static Tensor In(Tensor t, DType dt)
        {
            using (no_grad()) return t.detach().to(dt).contiguous();
        }

        /// <summary>t broadcast to <paramref name="shape"/>, then as <see cref="In"/>.</summary>
        internal static Tensor Expanded(Tensor t, long[] shape, DType dt)
        {
            using (no_grad())
            {
                var d = t.detach().to(dt);
                return d.shape.ToArray().AsSpan().SequenceEqual(shape) ? d.contiguous() : d.expand(shape).contiguous();
            }
        }

        internal static Tensor Out(long[] shape, DType dt, Tensor like) => Tensor.Empty(shape, dt, like.device);

        /// <summary>A kernel's result in the dtype the op returns (half inputs computed in float32 go back to half).</summary>
        internal static Tensor As(Tensor r, DType dt)
        {
            if (r.dtype == dt) return r;
            using (no_grad()) return r.to(dt);
        }

        internal static LossReduction Reduction(string reduction) => reduction switch
        {
            "mean" => LossReduction.Mean,
            "sum" => LossReduction.Sum,
            "none" => LossReduction.None,
            _ => throw new ArgumentException($"{reduction} is not a valid value for reduction"),
        };

        internal static long[] ResultShape(LossReduction r, long[] shape) => r == LossReduction.None ? shape : [];

        /// <summary>True while a backward must itself be differentiable (create_graph): use the op's formula, not its kernel.</summary>
        internal static bool Differentiable => Autograd.GradMode.IsEnabled;
    }

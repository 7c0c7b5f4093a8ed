using Flint.Ops;
using Flint.Ops.Kernels;

namespace Flint.Ops
{
    /// <summary>where's node.</summary>
    internal static class Selection
    {
        /// <summary>
        /// The gradient goes to input where the condition holds and to other elsewhere, summed back to each
        /// operand's shape at the forward (in its dtype); the condition is saved.
        /// </summary>
        internal static readonly NodeDerivative<(Tensor input, Tensor other, Tensor c, long[] ia, long[] ib)> Derivative = new("WhereBackward0", s => [s.c],
            static (g, s) => Autograd.Recording.SumToShape(torch.where(s.c, g, torch.zeros_like(g)), s.ia).to(s.input.dtype),
            static (g, s) => Autograd.Recording.SumToShape(torch.where(s.c, torch.zeros_like(g), g), s.ib).to(s.other.dtype));
    }
}

namespace Flint
{
    public static partial class torch
    {
        /// <summary>Elementwise choice: input where condition is true, other elsewhere; the branches are promoted together.</summary>
        public static Tensor where(Tensor condition, Tensor input, Tensor other, Tensor? @out = null)
        {
            Elementwise.CheckSameDevice(condition, input); Elementwise.CheckSameDevice(input, other);
            if (!condition.dtype.IsBool && condition.dtype != DType.UInt8)
                throw new ArgumentException($"where expected condition to be a boolean tensor, but got a tensor with dtype {condition.dtype.LegacyName}");
            var result = TypePromotion.ResultType(input, other);
            var shape = Shape.Broadcast(condition, input, other);
            var device = input.IsWrappedNumber ? (other.IsWrappedNumber ? condition.device : other.device) : input.device;
            var target = Elementwise.Target(shape, result, @out, device, condition, input, other);
            var c = Elementwise.As(condition, DType.Bool);
            var a = Elementwise.As(input, result); var b = Elementwise.As(other, result);
            if (@out is not null) Autograd.Differentiation.CheckOut(@out, input, other);
            Tensor r;
            using (no_grad()) r = Elementwise.RunInto(target, shape, result, y => y.Backend.Where(c, a, b, y), false, input, other);
            if (@out is not null) return r;
            return Selection.Derivative.Record(r, [input, other], (input, other, c, input._shape, other._shape));
        }
        /// <summary><paramref name="input"/> (a number) where <paramref name="condition"/> is true, else <paramref name="other"/>, as <c>torch.where</c>.</summary>
        public static Tensor where(Tensor condition, Scalar input, Tensor other, Tensor? @out = null) => where(condition, Scalars.Wrap(input), other, @out);
        /// <summary><paramref name="input"/> where <paramref name="condition"/> is true, else <paramref name="other"/> (a number), as <c>torch.where</c>.</summary>
        public static Tensor where(Tensor condition, Tensor input, Scalar other, Tensor? @out = null) => where(condition, input, Scalars.Wrap(other), @out);
        /// <summary>One number where <paramref name="condition"/> is true, another elsewhere, as <c>torch.where</c>.</summary>
        public static Tensor where(Tensor condition, Scalar input, Scalar other, Tensor? @out = null) => where(condition, Scalars.Wrap(input), Scalars.Wrap(other), @out);
    }

    public partial class Tensor
    {
        /// <summary>this where condition is true, other elsewhere (PyTorch's <c>Tensor.where</c>).</summary>
        public Tensor where(Tensor condition, Tensor other) => torch.where(condition, this, other);
        /// <summary>This tensor where <paramref name="condition"/> is true, else <paramref name="other"/>, as <c>tensor.where(condition, other)</c>.</summary>
        public Tensor where(Tensor condition, Scalar other) => torch.where(condition, this, other);
    }
}

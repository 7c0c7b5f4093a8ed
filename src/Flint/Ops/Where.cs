using Flint.Ops;

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
            var target = Elementwise.Target(shape, result, @out, device);
            var c = Elementwise.As(condition, DType.Bool);
            var a = Elementwise.As(input, result); var b = Elementwise.As(other, result);
            if (@out is not null) Autograd.Differentiation.CheckOut(@out, input, other);
            Tensor r;
            using (no_grad()) r = Elementwise.RunInto(target, shape, result, y => y.Backend.Where(c, a, b, y), false, input, other);
            if (@out is not null) return r;
            var ia = input._shape; var ib = other._shape;
            return Autograd.Recording.Record(r, "WhereBackward0", [input, other], g =>
            [
                input.requires_grad ? Autograd.Recording.SumToShape(where(c, g, zeros_like(g)), ia).to(input.dtype) : null,
                other.requires_grad ? Autograd.Recording.SumToShape(where(c, zeros_like(g), g), ib).to(other.dtype) : null,
            ], c);
        }
        public static Tensor where(Tensor condition, Scalar input, Tensor other, Tensor? @out = null) => where(condition, Scalars.Wrap(input), other, @out);
        public static Tensor where(Tensor condition, Tensor input, Scalar other, Tensor? @out = null) => where(condition, input, Scalars.Wrap(other), @out);
        public static Tensor where(Tensor condition, Scalar input, Scalar other, Tensor? @out = null) => where(condition, Scalars.Wrap(input), Scalars.Wrap(other), @out);
    }

    public partial class Tensor
    {
        /// <summary>this where condition is true, other elsewhere (PyTorch's <c>Tensor.where</c>).</summary>
        public Tensor where(Tensor condition, Tensor other) => torch.where(condition, this, other);
        public Tensor where(Tensor condition, Scalar other) => torch.where(condition, this, other);
    }
}

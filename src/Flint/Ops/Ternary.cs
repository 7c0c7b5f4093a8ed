using System.Numerics;
using Flint.Ops;
using Flint.Ops.Kernels;

namespace Flint.Ops.Kernels
{
    /// <summary>start + weight × (end − start), evaluated from the nearer end for accuracy (exact at weight 0 and 1).</summary>
    internal struct LerpOp : IFloatTernary
    {
        public static string Name => "lerp";
        public static TernaryDerivative Derivative { get; } = new("LerpBackward1", (g, a, b, w, y, v) => (g * (1 - w), g * w, g * (b - a)));
        public static T Apply<T>(T a, T b, T w) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T diff = b - a;
            return T.Abs(w) < T.CreateTruncating(0.5) ? a + w * diff : b - diff * (T.One - w);
        }
    }

    /// <summary>The backward of addcmul and addcdiv (computed by composed kernels, recorded as one node): v is value.</summary>
    internal static class AddcDerivatives
    {
        internal static readonly TernaryDerivative Addcmul = new("AddcmulBackward0", (g, a, b, c, y, v) => (g, g * c * v, g * b * v));
        internal static readonly TernaryDerivative Addcdiv = new("AddcdivBackward0", (g, a, b, c, y, v) => (g, g / c * v, -g * b / (c * c) * v));
    }
}

namespace Flint.Ops
{
    /// <summary>lerp (number or tensor weight) and addcmul/addcdiv: the ternary ops with their dtype rules and nodes.</summary>
    internal static class TernaryOps
    {
        internal static Tensor Lerp(Tensor input, Tensor end, Tensor? weightT, Scalar weightS, Tensor? @out, bool inPlace)
        {
            var all = weightT is null ? new[] { input, end } : new[] { input, end, weightT };
            if (Autograd.Differentiation.NeedsInPlace(input, all))
            {
                Autograd.Differentiation.CheckOut(@out, all);
                if (inPlace) return Autograd.Differentiation.InPlace(input, old => Lerp(old, end, weightT, weightS, null, false));
                Tensor y;
                using (new Autograd.GradModeScope(false)) y = Lerp(input, end, weightT, weightS, null, false);
                if (weightT is not null) return Autograd.Differentiation.Ternary<LerpOp>(input, end, weightT, y, 0);
                double ws = weightS.ToDouble();
                return Autograd.Differentiation.RecordBinary("LerpBackward0", input, end, y, g => (g * (1 - ws), g * ws));
            }
            Elementwise.CheckSameDevice(input, end);
            if (end.dtype != input.dtype)
                throw new ArgumentException($"expected dtype {input.dtype.CppName} for `end` but got dtype {end.dtype.CppName}");
            if (weightT is not null && weightT.dtype != input.dtype)
                throw new ArgumentException($"expected dtype {input.dtype.CppName} for `weight` but got dtype {weightT.dtype.CppName}");
            var dt = input.dtype;
            if (!dt.is_floating_point || dt == DType.Float16)
                throw new NotSupportedException($"\"{(weightT is null ? "lerp_kernel_scalar" : "lerp_kernel_tensor")}\" not implemented for '{dt.LegacyName}'");
            var shape = Shape.Broadcast(input._shape, end._shape);
            if (weightT is not null) shape = Shape.Broadcast(shape, weightT._shape);
            if (inPlace) Elementwise.CheckInPlace(input, shape, dt);
            var target = inPlace ? input : Elementwise.Target(shape, dt, @out, input.device);
            var compute = Elementwise.ComputeType(dt);
            var a = Elementwise.As(input, compute); var b = Elementwise.As(end, compute);
            var w = weightT is null ? Scalars.Full(weightS, compute, input.device) : Elementwise.As(weightT, compute);
            return Elementwise.RunInto(target, shape, compute, y => y.Backend.FloatTernary<LerpOp>(a, b, w, y), inPlace, input, end, weightT ?? end);
        }

        internal static Tensor Addc(Tensor input, Tensor t1, Tensor t2, Scalar? value, Tensor? @out, bool inPlace, bool isDiv)
        {
            Elementwise.CheckSameDevice(input, t1); Elementwise.CheckSameDevice(input, t2);
            var result = TypePromotion.ResultType(input, t1, t2);
            string name = isDiv ? "addcdiv_cpu_out" : "addcmul_cpu_out";
            if (isDiv && !TypePromotion.ResultType(t1, t2).is_floating_point)
                throw new ArgumentException("Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes.");
            if (result == DType.Float16 || result.IsBool) throw new NotSupportedException($"\"{name}\" not implemented for '{result.LegacyName}'");
            var v = value ?? 1; // a floating value with integer tensors is truncated, as PyTorch casts it to the dtype
            if (Autograd.Differentiation.NeedsInPlace(input, t1, t2))
            {
                Autograd.Differentiation.CheckOut(@out, input, t1, t2);
                if (inPlace) return Autograd.Differentiation.InPlace(input, old => Addc(old, t1, t2, value, null, false, isDiv));
                Tensor y;
                using (new Autograd.GradModeScope(false)) y = Addc(input, t1, t2, value, null, false, isDiv);
                return Autograd.Differentiation.Ternary(isDiv ? AddcDerivatives.Addcdiv : AddcDerivatives.Addcmul, input, t1, t2, y, v.ToDouble());
            }
            var shape = Shape.Broadcast(input, t1, t2);
            if (inPlace) Elementwise.CheckInPlace(input, shape, result);
            var target = inPlace ? input : Elementwise.Target(shape, result, @out, input.device, input, t1, t2);
            var compute = Elementwise.ComputeType(result);
            var x = Elementwise.As(input, compute); var a = Elementwise.As(t1, compute); var b = Elementwise.As(t2, compute);
            // value × t1 first, then × or ÷ t2, then + input: the order PyTorch's kernel rounds in
            var vs = Scalars.Full(v, compute, input.device);
            var ab = Tensor.Empty(Shape.Broadcast(a._shape, b._shape), compute, input.device);
            return Elementwise.RunInto(target, shape, compute, y =>
            {
                var va = Tensor.Empty(a._shape, compute, input.device);
                va.Backend.NumericBinary<MulOp>(vs, a, va);
                if (isDiv) ab.Backend.FloatBinary<DivOp>(va, b, ab); else ab.Backend.NumericBinary<MulOp>(va, b, ab);
                y.Backend.NumericBinary<AddOp>(x, ab, y);
            }, inPlace, input, t1, t2);
        }
    }
}

namespace Flint
{
    public static partial class torch
    {
        /// <summary>Linear interpolation input + weight × (end − input); input and end must share a floating dtype.</summary>
        public static Tensor lerp(Tensor input, Tensor end, Scalar weight, Tensor? @out = null) => TernaryOps.Lerp(input, end, null, weight, @out, false);
        /// <summary>Linear interpolation with a tensor weight of the same dtype, broadcast.</summary>
        public static Tensor lerp(Tensor input, Tensor end, Tensor weight, Tensor? @out = null) => TernaryOps.Lerp(input, end, weight, default, @out, false);

        /// <summary>input + value × tensor1 × tensor2, broadcast and promoted.</summary>
        public static Tensor addcmul(Tensor input, Tensor tensor1, Tensor tensor2, Scalar? value = null, Tensor? @out = null) =>
            TernaryOps.Addc(input, tensor1, tensor2, value, @out, false, false);
        /// <summary>input + value × tensor1 ÷ tensor2 (floating tensor1/tensor2 only), broadcast and promoted.</summary>
        public static Tensor addcdiv(Tensor input, Tensor tensor1, Tensor tensor2, Scalar? value = null, Tensor? @out = null) =>
            TernaryOps.Addc(input, tensor1, tensor2, value, @out, false, true);
    }

    public partial class Tensor
    {
        /// <summary><c>this + weight * (end - this)</c>, as <c>tensor.lerp</c>.</summary>
        public Tensor lerp(Tensor end, Scalar weight) => torch.lerp(this, end, weight);
        /// <summary><c>this + weight * (end - this)</c> with per-element weights, as <c>tensor.lerp</c>.</summary>
        public Tensor lerp(Tensor end, Tensor weight) => torch.lerp(this, end, weight);
        /// <summary>Interpolates toward <paramref name="end"/> in place, as <c>tensor.lerp_</c>.</summary>
        public Tensor lerp_(Tensor end, Scalar weight) => TernaryOps.Lerp(this, end, null, weight, null, true);
        /// <summary>Interpolates toward <paramref name="end"/> with per-element weights in place, as <c>tensor.lerp_</c>.</summary>
        public Tensor lerp_(Tensor end, Tensor weight) => TernaryOps.Lerp(this, end, weight, default, null, true);
        /// <summary><c>this + value * tensor1 * tensor2</c>, as <c>tensor.addcmul</c>.</summary>
        public Tensor addcmul(Tensor tensor1, Tensor tensor2, Scalar? value = null) => torch.addcmul(this, tensor1, tensor2, value);
        /// <summary><c>this + value * tensor1 / tensor2</c>, as <c>tensor.addcdiv</c>.</summary>
        public Tensor addcdiv(Tensor tensor1, Tensor tensor2, Scalar? value = null) => torch.addcdiv(this, tensor1, tensor2, value);
        /// <summary>Adds <c>value * tensor1 * tensor2</c> in place, as <c>tensor.addcmul_</c>.</summary>
        public Tensor addcmul_(Tensor tensor1, Tensor tensor2, Scalar? value = null) => TernaryOps.Addc(this, tensor1, tensor2, value, null, true, false);
        /// <summary>Adds <c>value * tensor1 / tensor2</c> in place, as <c>tensor.addcdiv_</c>.</summary>
        public Tensor addcdiv_(Tensor tensor1, Tensor tensor2, Scalar? value = null) => TernaryOps.Addc(this, tensor1, tensor2, value, null, true, true);
    }
}

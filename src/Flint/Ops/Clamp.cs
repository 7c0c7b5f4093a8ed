using System.Numerics;
using Flint.Ops;
using Flint.Ops.Kernels;

namespace Flint.Ops.Kernels
{
    /// <summary>max(a, lo) with C++'s std::max ordering: a NaN bound leaves a unchanged, a NaN input stays NaN.</summary>
    internal struct ClampLoScalarOp : INumericBinary
    {
        public static string Name => "clamp_min";
        public static BinaryDerivative Derivative { get; } = new("ClampMinBackward1", (g, a, b, y) => { var m = a.ge(b).to(g.dtype); return (g * m, g * (1 - m)); });
        public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a < b ? b : a;
    }

    /// <summary>min(a, hi) with C++'s std::min ordering.</summary>
    internal struct ClampHiScalarOp : INumericBinary
    {
        public static string Name => "clamp_max";
        public static BinaryDerivative Derivative { get; } = new("ClampMaxBackward1", (g, a, b, y) => { var m = a.le(b).to(g.dtype); return (g * m, g * (1 - m)); });
        public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T> => b < a ? b : a;
    }
}

namespace Flint
{
    public static partial class torch
    {
        private static readonly string ClampNone = "torch.clamp: At least one of 'min' or 'max' must not be None";

        /// <summary>The out= rule of PyTorch's scalar clamp/pow kernels: out must already have the result dtype.</summary>
        internal static void CheckExactOut(Tensor? @out, DType result)
        {
            if (@out is not null && @out.dtype != result)
                throw new InvalidOperationException($"Found dtype {@out.dtype.LegacyName} but expected {result.LegacyName}");
        }

        private static Tensor ClampScalarImpl(Tensor input, Scalar? min, Scalar? max, Tensor? @out, bool inPlace, string node = "ClampBackward1")
        {
            if (min is null && max is null) throw new ArgumentException(ClampNone);
            if (Autograd.Differentiation.NeedsInPlace(input))
            {
                Autograd.Differentiation.CheckOut(@out, input);
                if (inPlace) return Autograd.Differentiation.InPlace(input, old => ClampScalarImpl(old, min, max, null, false, node));
                Tensor y;
                using (new Autograd.GradModeScope(false)) y = ClampScalarImpl(input, min, max, null, false);
                // the gradient passes where the input lies within the bounds (bounds included)
                return Autograd.Recording.Record(y, node, [input], g =>
                {
                    Tensor? keep = null;
                    if (min is { } lo) keep = input.ge(lo);
                    if (max is { } hi) keep = keep is null ? input.le(hi) : logical_and(keep, input.le(hi));
                    return [g * keep!.to(g.dtype)];
                }, input);
            }
            var operands = new List<Tensor> { input };
            if (min is { } lo) operands.Add(Scalars.Wrap(lo));
            if (max is { } hi) operands.Add(Scalars.Wrap(hi));
            var result = TypePromotion.ResultType(operands.ToArray());
            string kernel = min is null ? "clamp_max_scalar_cpu" : max is null ? "clamp_min_cpu" : "clamp_scalar_cpu";
            if (result == DType.Float16 || result.IsBool) throw new NotSupportedException($"\"{kernel}\" not implemented for '{result.LegacyName}'");
            if (inPlace)
            {
                // the scalar clamp_ kernels word this with C++ type names
                if (!TypePromotion.CanCast(result, input.dtype))
                    throw new InvalidOperationException($"result type {result.LegacyName} can't be cast to the desired output type {input.dtype.CppName}");
                Elementwise.CheckInPlace(input, input._shape, result);
            }
            else CheckExactOut(@out, result);
            var target = inPlace ? input : Elementwise.Target(input._shape, result, @out, input.device);
            var compute = Elementwise.ComputeType(result);
            var x = Elementwise.As(input, compute);
            return Elementwise.RunInto(target, input._shape, compute, y =>
            {
                var src = x;
                if (min is { } l) { y.Backend.NumericBinary<ClampLoScalarOp>(src, Scalars.Full(l, compute, input.device), y); src = y; }
                if (max is { } h) y.Backend.NumericBinary<ClampHiScalarOp>(src, Scalars.Full(h, compute, input.device), y);
            }, inPlace, input);
        }

        private static Tensor ClampTensorImpl(Tensor input, Tensor? min, Tensor? max, Tensor? @out, bool inPlace, bool named = false)
        {
            if (min is null && max is null) throw new ArgumentException(ClampNone);
            var operandsG = new[] { input, min ?? Autograd.Recording.Undefined, max ?? Autograd.Recording.Undefined };
            if (Autograd.Differentiation.NeedsInPlace(input, operandsG[1], operandsG[2]))
            {
                Autograd.Differentiation.CheckOut(@out, operandsG);
                if (inPlace) return Autograd.Differentiation.InPlace(input, old => ClampTensorImpl(old, min, max, null, false, named));
                Tensor y;
                using (new Autograd.GradModeScope(false)) y = ClampTensorImpl(input, min, max, null, false);
                // clamp_min/clamp_max with a tensor bound are their own nodes with two inputs; clamp keeps three
                string node = !named ? "ClampBackward0" : max is null ? "ClampMinBackward1" : "ClampMaxBackward1";
                var inputs = !named ? operandsG : [input, (min ?? max)!];
                return Autograd.Recording.Record(y, node, inputs, g =>
                {
                    var below = min is null ? null : input.lt(min);
                    var above = max is null ? null : input.gt(max);
                    var inside = below is null ? above!.logical_not() : above is null ? below.logical_not() : logical_not(logical_or(below, above));
                    Tensor? Fit(Tensor? mask, Tensor? t) => mask is null || t is null || !t.requires_grad ? null
                        : Autograd.Recording.SumToShape(g * mask.to(g.dtype), t._shape);
                    var gi = input.requires_grad ? Autograd.Recording.SumToShape(g * inside.to(g.dtype), input._shape) : null;
                    var r = new List<Tensor?> { gi };
                    if (!named || min is not null) r.Add(Fit(below, min));
                    if (!named || max is not null) r.Add(Fit(above, max));
                    return r.ToArray();
                });
            }
            var operands = new List<Tensor> { input };
            if (min is not null) { Elementwise.CheckSameDevice(input, min); operands.Add(min); }
            if (max is not null) { Elementwise.CheckSameDevice(input, max); operands.Add(max); }
            var all = operands.ToArray();
            var result = TypePromotion.ResultType(all);
            var shape = Shape.Broadcast(all);
            string kernel = min is null ? "clamp_max_cpu" : max is null ? "clamp_min_cpu" : "clamp_cpu";
            if (min is not null && max is not null && (result == DType.Float16 || result.IsBool))
                throw new NotSupportedException($"\"{kernel}\" not implemented for '{result.LegacyName}'");
            if (inPlace) Elementwise.CheckInPlace(input, shape, result);
            var target = inPlace ? input : Elementwise.Target(shape, result, @out, input.device);
            var compute = Elementwise.ComputeType(result);
            var x = Elementwise.As(input, compute);
            var lo = min is null ? null : Elementwise.As(min, compute);
            var hi = max is null ? null : Elementwise.As(max, compute);
            return Elementwise.RunInto(target, shape, compute, y =>
            {
                var src = x;
                if (lo is not null) { y.Backend.NumericBinary<MaximumOp>(src, lo, y); src = y; }
                if (hi is not null) y.Backend.NumericBinary<MinimumOp>(src, hi, y);
            }, inPlace, all);
        }

        /// <summary>Limits every element to [min, max] (either bound optional); the bounds take part in type promotion.</summary>
        public static Tensor clamp(Tensor input, Scalar? min = null, Scalar? max = null, Tensor? @out = null) => ClampScalarImpl(input, min, max, @out, false);
        /// <summary>Limits every element to tensor bounds, broadcast; a NaN bound gives NaN.</summary>
        public static Tensor clamp(Tensor input, Tensor? min, Tensor? max = null, Tensor? @out = null) => ClampTensorImpl(input, min, max, @out, false);
        public static Tensor clip(Tensor input, Scalar? min = null, Scalar? max = null, Tensor? @out = null) => clamp(input, min, max, @out);
        public static Tensor clip(Tensor input, Tensor? min, Tensor? max = null, Tensor? @out = null) => clamp(input, min, max, @out);
        public static Tensor clamp_min(Tensor input, Scalar min, Tensor? @out = null) => ClampScalarImpl(input, min, null, @out, false, "ClampMinBackward0");
        public static Tensor clamp_min(Tensor input, Tensor min, Tensor? @out = null) => ClampTensorImpl(input, min, null, @out, false, named: true);
        public static Tensor clamp_max(Tensor input, Scalar max, Tensor? @out = null) => ClampScalarImpl(input, null, max, @out, false, "ClampMaxBackward0");
        public static Tensor clamp_max(Tensor input, Tensor max, Tensor? @out = null) => ClampTensorImpl(input, null, max, @out, false, named: true);
        public static Tensor clamp_(Tensor input, Scalar? min = null, Scalar? max = null) => ClampScalarImpl(input, min, max, null, true);
        public static Tensor clamp_(Tensor input, Tensor? min, Tensor? max = null) => ClampTensorImpl(input, min, max, null, true);
        public static Tensor clamp_min_(Tensor input, Scalar min) => ClampScalarImpl(input, min, null, null, true, "ClampMinBackward0");
        public static Tensor clamp_min_(Tensor input, Tensor min) => ClampTensorImpl(input, min, null, null, true, named: true);
        public static Tensor clamp_max_(Tensor input, Scalar max) => ClampScalarImpl(input, null, max, null, true, "ClampMaxBackward0");
        public static Tensor clamp_max_(Tensor input, Tensor max) => ClampTensorImpl(input, null, max, null, true, named: true);
    }

    public partial class Tensor
    {
        public Tensor clamp(Scalar? min = null, Scalar? max = null) => torch.clamp(this, min, max);
        public Tensor clamp(Tensor? min, Tensor? max = null) => torch.clamp(this, min, max);
        public Tensor clip(Scalar? min = null, Scalar? max = null) => torch.clamp(this, min, max);
        public Tensor clip(Tensor? min, Tensor? max = null) => torch.clamp(this, min, max);
        public Tensor clamp_(Scalar? min = null, Scalar? max = null) => torch.clamp_(this, min, max);
        public Tensor clamp_(Tensor? min, Tensor? max = null) => torch.clamp_(this, min, max);
        public Tensor clip_(Scalar? min = null, Scalar? max = null) => torch.clamp_(this, min, max);
        public Tensor clip_(Tensor? min, Tensor? max = null) => torch.clamp_(this, min, max);
        public Tensor clamp_min(Scalar min) => torch.clamp_min(this, min);
        public Tensor clamp_min(Tensor min) => torch.clamp_min(this, min);
        public Tensor clamp_max(Scalar max) => torch.clamp_max(this, max);
        public Tensor clamp_max(Tensor max) => torch.clamp_max(this, max);
        public Tensor clamp_min_(Scalar min) => torch.clamp_min_(this, min);
        public Tensor clamp_min_(Tensor min) => torch.clamp_min_(this, min);
        public Tensor clamp_max_(Scalar max) => torch.clamp_max_(this, max);
        public Tensor clamp_max_(Tensor max) => torch.clamp_max_(this, max);
    }
}

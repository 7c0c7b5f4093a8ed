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
        /// <summary>Limits every element to [min, max] (either bound optional); the bounds take part in type promotion.</summary>
        public static Tensor clamp(Tensor input, Scalar? min = null, Scalar? max = null, Tensor? @out = null) => Clamping.WithNumbers(input, min, max, @out, false);
        /// <summary>Limits every element to tensor bounds, broadcast; a NaN bound gives NaN.</summary>
        public static Tensor clamp(Tensor input, Tensor? min, Tensor? max = null, Tensor? @out = null) => Clamping.WithTensors(input, min, max, @out, false);
        /// <summary>Alias of <c>clamp</c>, as <c>torch.clip</c>.</summary>
        public static Tensor clip(Tensor input, Scalar? min = null, Scalar? max = null, Tensor? @out = null) => clamp(input, min, max, @out);
        /// <summary>Alias of <c>clamp</c> with tensor bounds, as <c>torch.clip</c>.</summary>
        public static Tensor clip(Tensor input, Tensor? min, Tensor? max = null, Tensor? @out = null) => clamp(input, min, max, @out);
        /// <summary>The elements raised to at least <paramref name="min"/>, as <c>torch.clamp_min</c>.</summary>
        public static Tensor clamp_min(Tensor input, Scalar min, Tensor? @out = null) => Clamping.WithNumbers(input, min, null, @out, false, Clamping.NumberMin);
        /// <summary>The elements raised to at least <paramref name="min"/> (broadcast), as <c>torch.clamp_min</c>.</summary>
        public static Tensor clamp_min(Tensor input, Tensor min, Tensor? @out = null) => Clamping.WithTensors(input, min, null, @out, false, named: true);
        /// <summary>The elements lowered to at most <paramref name="max"/>, as <c>torch.clamp_max</c>.</summary>
        public static Tensor clamp_max(Tensor input, Scalar max, Tensor? @out = null) => Clamping.WithNumbers(input, null, max, @out, false, Clamping.NumberMax);
        /// <summary>The elements lowered to at most <paramref name="max"/> (broadcast), as <c>torch.clamp_max</c>.</summary>
        public static Tensor clamp_max(Tensor input, Tensor max, Tensor? @out = null) => Clamping.WithTensors(input, null, max, @out, false, named: true);
        /// <summary>Clamps <paramref name="input"/> into [min, max] in place, as <c>torch.clamp_</c>.</summary>
        public static Tensor clamp_(Tensor input, Scalar? min = null, Scalar? max = null) => Clamping.WithNumbers(input, min, max, null, true);
        /// <summary>Clamps <paramref name="input"/> into tensor bounds in place, as <c>torch.clamp_</c>.</summary>
        public static Tensor clamp_(Tensor input, Tensor? min, Tensor? max = null) => Clamping.WithTensors(input, min, max, null, true);
        /// <summary>Raises the elements to at least <paramref name="min"/> in place, as <c>torch.clamp_min_</c>.</summary>
        public static Tensor clamp_min_(Tensor input, Scalar min) => Clamping.WithNumbers(input, min, null, null, true, Clamping.NumberMin);
        /// <summary>Raises the elements to at least <paramref name="min"/> in place, as <c>torch.clamp_min_</c>.</summary>
        public static Tensor clamp_min_(Tensor input, Tensor min) => Clamping.WithTensors(input, min, null, null, true, named: true);
        /// <summary>Lowers the elements to at most <paramref name="max"/> in place, as <c>torch.clamp_max_</c>.</summary>
        public static Tensor clamp_max_(Tensor input, Scalar max) => Clamping.WithNumbers(input, null, max, null, true, Clamping.NumberMax);
        /// <summary>Lowers the elements to at most <paramref name="max"/> in place, as <c>torch.clamp_max_</c>.</summary>
        public static Tensor clamp_max_(Tensor input, Tensor max) => Clamping.WithTensors(input, null, max, null, true, named: true);
    }

    public partial class Tensor
    {
        /// <summary>The elements clamped into [min, max] (either bound may be null), as <c>tensor.clamp</c>.</summary>
        public Tensor clamp(Scalar? min = null, Scalar? max = null) => torch.clamp(this, min, max);
        /// <summary>The elements clamped into tensor bounds (broadcast), as <c>tensor.clamp</c>.</summary>
        public Tensor clamp(Tensor? min, Tensor? max = null) => torch.clamp(this, min, max);
        /// <summary>Alias of <c>clamp</c>, as <c>tensor.clip</c>.</summary>
        public Tensor clip(Scalar? min = null, Scalar? max = null) => torch.clamp(this, min, max);
        /// <summary>Alias of <c>clamp</c>, as <c>tensor.clip</c>.</summary>
        public Tensor clip(Tensor? min, Tensor? max = null) => torch.clamp(this, min, max);
        /// <summary>Clamps this tensor into [min, max] in place, as <c>tensor.clamp_</c>.</summary>
        public Tensor clamp_(Scalar? min = null, Scalar? max = null) => torch.clamp_(this, min, max);
        /// <summary>Clamps this tensor into tensor bounds in place, as <c>tensor.clamp_</c>.</summary>
        public Tensor clamp_(Tensor? min, Tensor? max = null) => torch.clamp_(this, min, max);
        /// <summary>Alias of <c>clamp_</c>, as <c>tensor.clip_</c>.</summary>
        public Tensor clip_(Scalar? min = null, Scalar? max = null) => torch.clamp_(this, min, max);
        /// <summary>Alias of <c>clamp_</c>, as <c>tensor.clip_</c>.</summary>
        public Tensor clip_(Tensor? min, Tensor? max = null) => torch.clamp_(this, min, max);
        /// <summary>The elements raised to at least <paramref name="min"/>, as <c>tensor.clamp_min</c>.</summary>
        public Tensor clamp_min(Scalar min) => torch.clamp_min(this, min);
        /// <summary>The elements raised to at least <paramref name="min"/>, as <c>tensor.clamp_min</c>.</summary>
        public Tensor clamp_min(Tensor min) => torch.clamp_min(this, min);
        /// <summary>The elements lowered to at most <paramref name="max"/>, as <c>tensor.clamp_max</c>.</summary>
        public Tensor clamp_max(Scalar max) => torch.clamp_max(this, max);
        /// <summary>The elements lowered to at most <paramref name="max"/>, as <c>tensor.clamp_max</c>.</summary>
        public Tensor clamp_max(Tensor max) => torch.clamp_max(this, max);
        /// <summary>Raises the elements to at least <paramref name="min"/> in place, as <c>tensor.clamp_min_</c>.</summary>
        public Tensor clamp_min_(Scalar min) => torch.clamp_min_(this, min);
        /// <summary>Raises the elements to at least <paramref name="min"/> in place, as <c>tensor.clamp_min_</c>.</summary>
        public Tensor clamp_min_(Tensor min) => torch.clamp_min_(this, min);
        /// <summary>Lowers the elements to at most <paramref name="max"/> in place, as <c>tensor.clamp_max_</c>.</summary>
        public Tensor clamp_max_(Scalar max) => torch.clamp_max_(this, max);
        /// <summary>Lowers the elements to at most <paramref name="max"/> in place, as <c>tensor.clamp_max_</c>.</summary>
        public Tensor clamp_max_(Tensor max) => torch.clamp_max_(this, max);
    }
}

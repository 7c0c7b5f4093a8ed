using System.Numerics;
using Flint.Ops.Kernels;

namespace Flint.Ops.Kernels
{
    /// <summary>Elementwise maximum; a NaN in either operand wins.</summary>
    [ElementwiseOp("maximum", Variants.Function | Variants.Out | Variants.Method, Summary = "Elementwise maximum of two tensors (NaN propagates), broadcast and promoted.")]
    internal struct MaximumOp : INumericBinary
    {
        public static string Name => "maximum";
        public static BinaryDerivative Derivative { get; } = new("MaximumBackward0", (g, a, b, y) =>
        {
            var half = a.eq(b).to(g.dtype) * 0.5;
            var ma = a.gt(b).to(g.dtype) + half;
            return (g * ma, g * (1 - ma));
        });
        public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T>
        {
            if (T.IsNaN(a)) return a;
            if (T.IsNaN(b)) return b;
            return a > b ? a : b;
        }
    }

    /// <summary>Elementwise minimum; a NaN in either operand wins.</summary>
    [ElementwiseOp("minimum", Variants.Function | Variants.Out | Variants.Method, Summary = "Elementwise minimum of two tensors (NaN propagates), broadcast and promoted.")]
    internal struct MinimumOp : INumericBinary
    {
        public static string Name => "minimum";
        public static BinaryDerivative Derivative { get; } = new("MinimumBackward0", (g, a, b, y) =>
        {
            var half = a.eq(b).to(g.dtype) * 0.5;
            var ma = a.lt(b).to(g.dtype) + half;
            return (g * ma, g * (1 - ma));
        });
        public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T>
        {
            if (T.IsNaN(a)) return a;
            if (T.IsNaN(b)) return b;
            return a < b ? a : b;
        }
    }

    /// <summary>Elementwise maximum that ignores a NaN when the other operand is a number (C's fmax).</summary>
    [ElementwiseOp("fmax", Variants.Function | Variants.Out | Variants.Method, Summary = "Elementwise maximum that prefers the number when one operand is NaN.")]
    internal struct FmaxOp : INumericBinary
    {
        public static string Name => "fmax";
        public static BinaryDerivative Derivative { get; } = new("FmaxBackward0", (g, a, b, y) => { var m = torch.logical_or(a.ge(b), b.isnan()).to(g.dtype); return (g * m, g * (1 - m)); });
        public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T>
        {
            if (T.IsNaN(a)) return b;
            if (T.IsNaN(b)) return a;
            return a > b ? a : b;
        }
    }

    /// <summary>Elementwise minimum that ignores a NaN when the other operand is a number (C's fmin).</summary>
    [ElementwiseOp("fmin", Variants.Function | Variants.Out | Variants.Method, Summary = "Elementwise minimum that prefers the number when one operand is NaN.")]
    internal struct FminOp : INumericBinary
    {
        public static string Name => "fmin";
        public static BinaryDerivative Derivative { get; } = new("FminBackward0", (g, a, b, y) => { var m = torch.logical_or(a.le(b), b.isnan()).to(g.dtype); return (g * m, g * (1 - m)); });
        public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T>
        {
            if (T.IsNaN(a)) return b;
            if (T.IsNaN(b)) return a;
            return a < b ? a : b;
        }
    }
}

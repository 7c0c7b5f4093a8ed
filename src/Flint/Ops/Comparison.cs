using System.Numerics;
using Flint.Ops;
using Flint.Ops.Kernels;

namespace Flint.Ops.Kernels
{
    [ElementwiseOp("eq", Variants.Function | Variants.Out | Variants.Scalar | Variants.Method | Variants.InPlace)]
    internal struct EqOp : ICompareOp { public static string Name => "eq"; public static Flint.Backends.KernelId Kernel => Flint.Backends.KernelId.Eq; public static string? InPlaceNode => "Eq"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a == b; }
    [ElementwiseOp("ne", Variants.Function | Variants.Out | Variants.Scalar | Variants.Method | Variants.InPlace)]
    [ElementwiseOp("not_equal", Variants.Function | Variants.Out)]
    internal struct NeOp : ICompareOp { public static string Name => "ne"; public static Flint.Backends.KernelId Kernel => Flint.Backends.KernelId.Ne; public static string? InPlaceNode => "Ne"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a != b; }
    [ElementwiseOp("lt", Variants.Function | Variants.Out | Variants.Scalar | Variants.Method | Variants.InPlace)]
    [ElementwiseOp("less", Variants.Function | Variants.Out)]
    internal struct LtOp : ICompareOp { public static string Name => "lt"; public static Flint.Backends.KernelId Kernel => Flint.Backends.KernelId.Lt; public static string? InPlaceNode => "Lt"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a < b; }
    [ElementwiseOp("le", Variants.Function | Variants.Out | Variants.Scalar | Variants.Method | Variants.InPlace)]
    [ElementwiseOp("less_equal", Variants.Function | Variants.Out)]
    internal struct LeOp : ICompareOp { public static string Name => "le"; public static Flint.Backends.KernelId Kernel => Flint.Backends.KernelId.Le; public static string? InPlaceNode => "Le"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a <= b; }
    [ElementwiseOp("gt", Variants.Function | Variants.Out | Variants.Scalar | Variants.Method | Variants.InPlace)]
    [ElementwiseOp("greater", Variants.Function | Variants.Out)]
    internal struct GtOp : ICompareOp { public static string Name => "gt"; public static Flint.Backends.KernelId Kernel => Flint.Backends.KernelId.Gt; public static string? InPlaceNode => "Gt"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a > b; }
    [ElementwiseOp("ge", Variants.Function | Variants.Out | Variants.Scalar | Variants.Method | Variants.InPlace)]
    [ElementwiseOp("greater_equal", Variants.Function | Variants.Out)]
    internal struct GeOp : ICompareOp { public static string Name => "ge"; public static Flint.Backends.KernelId Kernel => Flint.Backends.KernelId.Ge; public static string? InPlaceNode => "Ge"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a >= b; }
    /// <summary>logical_not(x) as x == 0 (called with the number 0); unlike eq_, its in-place form records nothing, as PyTorch's.</summary>
    internal struct LogicalNotOp : ICompareOp { public static string Name => "logical_not"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a == b; }
    [ElementwiseOp("logical_and", Variants.Function | Variants.Out | Variants.Method | Variants.InPlace)]
    internal struct LogicalAndOp : ICompareOp { public static string Name => "logical_and"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a != T.Zero && b != T.Zero; }
    [ElementwiseOp("logical_or", Variants.Function | Variants.Out | Variants.Method | Variants.InPlace)]
    internal struct LogicalOrOp : ICompareOp { public static string Name => "logical_or"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a != T.Zero || b != T.Zero; }
    [ElementwiseOp("logical_xor", Variants.Function | Variants.Out | Variants.Method | Variants.InPlace)]
    internal struct LogicalXorOp : ICompareOp { public static string Name => "logical_xor"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => (a != T.Zero) != (b != T.Zero); }
}

namespace Flint
{
    public static partial class torch
    {
        public static Tensor logical_not(Tensor input, Tensor? @out = null) => Elementwise.Compare<LogicalNotOp>(input, Scalars.Wrap(0), @out);
    }

    public partial class Tensor
    {
        public Tensor logical_not() => torch.logical_not(this);
        public Tensor logical_not_() => Elementwise.Compare<LogicalNotOp>(this, Scalars.Wrap(0), null, true);

        // C# comparison operators return element-wise bool tensors, as in PyTorch.
        public static Tensor operator ==(Tensor a, Tensor b) => torch.eq(a, b);
        public static Tensor operator !=(Tensor a, Tensor b) => torch.ne(a, b);
        public static Tensor operator ==(Tensor a, Scalar b) => torch.eq(a, b);
        public static Tensor operator !=(Tensor a, Scalar b) => torch.ne(a, b);
        public static Tensor operator <(Tensor a, Tensor b) => torch.lt(a, b);
        public static Tensor operator <=(Tensor a, Tensor b) => torch.le(a, b);
        public static Tensor operator >(Tensor a, Tensor b) => torch.gt(a, b);
        public static Tensor operator >=(Tensor a, Tensor b) => torch.ge(a, b);
        public static Tensor operator <(Tensor a, Scalar b) => torch.lt(a, b);
        public static Tensor operator <=(Tensor a, Scalar b) => torch.le(a, b);
        public static Tensor operator >(Tensor a, Scalar b) => torch.gt(a, b);
        public static Tensor operator >=(Tensor a, Scalar b) => torch.ge(a, b);
        // number OP tensor: Python reflects these onto the tensor (2 < t is t > 2)
        public static Tensor operator ==(Scalar a, Tensor b) => torch.eq(b, a);
        public static Tensor operator !=(Scalar a, Tensor b) => torch.ne(b, a);
        public static Tensor operator <(Scalar a, Tensor b) => torch.gt(b, a);
        public static Tensor operator <=(Scalar a, Tensor b) => torch.ge(b, a);
        public static Tensor operator >(Scalar a, Tensor b) => torch.lt(b, a);
        public static Tensor operator >=(Scalar a, Tensor b) => torch.le(b, a);

        public override bool Equals(object? obj) => ReferenceEquals(this, obj);
        public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

        /// <summary>True when any element is zero (used to refuse integer division by zero up front).</summary>
        internal bool ContainsZero() => numel() > 0 && !is_meta && torch.eq(this, Scalars.Wrap(0)).AnyTrue();   // meta tensors hold no zeros to find

        internal bool AnyTrue()
        {
            if (is_meta) throw new InvalidOperationException("Tensor.item() cannot be called on meta tensors");
            var c = @bool().contiguous();
            return Array.IndexOf(Backends.HostMemory.Array<bool>(c._storage), true, (int)c._offset, (int)c.numel()) >= 0;
        }
    }
}

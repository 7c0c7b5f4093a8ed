using System.Numerics;
using Flint.Ops;
using Flint.Ops.Kernels;

namespace Flint.Ops.Kernels
{
    [ElementwiseOp("eq", Variants.Function | Variants.Out | Variants.Scalar | Variants.Method | Variants.InPlace, Summary = "Whether each pair of elements is equal (a bool tensor), broadcast and promoted.")]
    internal struct EqOp : ICompareOp { public static string Name => "eq"; public static Flint.Backends.KernelId Kernel => Flint.Backends.KernelId.Eq; public static string? InPlaceNode => "Eq"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a == b; }
    [ElementwiseOp("ne", Variants.Function | Variants.Out | Variants.Scalar | Variants.Method | Variants.InPlace, Summary = "Whether each pair of elements differs (a bool tensor).")]
    [ElementwiseOp("not_equal", Variants.Function | Variants.Out, Summary = "Whether each pair of elements differs; alias of ne.")]
    internal struct NeOp : ICompareOp { public static string Name => "ne"; public static Flint.Backends.KernelId Kernel => Flint.Backends.KernelId.Ne; public static string? InPlaceNode => "Ne"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a != b; }
    [ElementwiseOp("lt", Variants.Function | Variants.Out | Variants.Scalar | Variants.Method | Variants.InPlace, Summary = "Whether each element of input is less than other (a bool tensor).")]
    [ElementwiseOp("less", Variants.Function | Variants.Out, Summary = "Whether each element of input is less than other; alias of lt.")]
    internal struct LtOp : ICompareOp { public static string Name => "lt"; public static Flint.Backends.KernelId Kernel => Flint.Backends.KernelId.Lt; public static string? InPlaceNode => "Lt"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a < b; }
    [ElementwiseOp("le", Variants.Function | Variants.Out | Variants.Scalar | Variants.Method | Variants.InPlace, Summary = "Whether each element of input is less than or equal to other (a bool tensor).")]
    [ElementwiseOp("less_equal", Variants.Function | Variants.Out, Summary = "Whether each element of input is at most other; alias of le.")]
    internal struct LeOp : ICompareOp { public static string Name => "le"; public static Flint.Backends.KernelId Kernel => Flint.Backends.KernelId.Le; public static string? InPlaceNode => "Le"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a <= b; }
    [ElementwiseOp("gt", Variants.Function | Variants.Out | Variants.Scalar | Variants.Method | Variants.InPlace, Summary = "Whether each element of input is greater than other (a bool tensor).")]
    [ElementwiseOp("greater", Variants.Function | Variants.Out, Summary = "Whether each element of input is greater than other; alias of gt.")]
    internal struct GtOp : ICompareOp { public static string Name => "gt"; public static Flint.Backends.KernelId Kernel => Flint.Backends.KernelId.Gt; public static string? InPlaceNode => "Gt"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a > b; }
    [ElementwiseOp("ge", Variants.Function | Variants.Out | Variants.Scalar | Variants.Method | Variants.InPlace, Summary = "Whether each element of input is greater than or equal to other (a bool tensor).")]
    [ElementwiseOp("greater_equal", Variants.Function | Variants.Out, Summary = "Whether each element of input is at least other; alias of ge.")]
    internal struct GeOp : ICompareOp { public static string Name => "ge"; public static Flint.Backends.KernelId Kernel => Flint.Backends.KernelId.Ge; public static string? InPlaceNode => "Ge"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a >= b; }
    /// <summary>logical_not(x) as x == 0 (called with the number 0); unlike eq_, its in-place form records nothing, as PyTorch's.</summary>
    internal struct LogicalNotOp : ICompareOp { public static string Name => "logical_not"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a == b; }
    [ElementwiseOp("logical_and", Variants.Function | Variants.Out | Variants.Method | Variants.InPlace, Summary = "The logical AND of each pair of elements (nonzero is true), a bool tensor.")]
    internal struct LogicalAndOp : ICompareOp { public static string Name => "logical_and"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a != T.Zero && b != T.Zero; }
    [ElementwiseOp("logical_or", Variants.Function | Variants.Out | Variants.Method | Variants.InPlace, Summary = "The logical OR of each pair of elements (nonzero is true), a bool tensor.")]
    internal struct LogicalOrOp : ICompareOp { public static string Name => "logical_or"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a != T.Zero || b != T.Zero; }
    [ElementwiseOp("logical_xor", Variants.Function | Variants.Out | Variants.Method | Variants.InPlace, Summary = "The logical XOR of each pair of elements (nonzero is true), a bool tensor.")]
    internal struct LogicalXorOp : ICompareOp { public static string Name => "logical_xor"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => (a != T.Zero) != (b != T.Zero); }
}

namespace Flint
{
    public static partial class torch
    {
        /// <summary>The logical NOT of each element (bool result), as <c>torch.logical_not</c>.</summary>
        public static Tensor logical_not(Tensor input, Tensor? @out = null) => Elementwise.Compare<LogicalNotOp>(input, Scalars.Wrap(0), @out);
    }

    public partial class Tensor
    {
        /// <summary>The logical NOT of each element, as <c>tensor.logical_not()</c>.</summary>
        public Tensor logical_not() => torch.logical_not(this);
        /// <summary>The logical NOT of each element in place (keeping this tensor's dtype), as <c>tensor.logical_not_()</c>.</summary>
        public Tensor logical_not_() => Elementwise.Compare<LogicalNotOp>(this, Scalars.Wrap(0), null, true);

        // C# comparison operators return element-wise bool tensors, as in PyTorch.
        /// <summary><c>a == b</c>: the elementwise comparison <c>torch.eq(a, b)</c> (a bool tensor).</summary>
        public static Tensor operator ==(Tensor a, Tensor b) => torch.eq(a, b);
        /// <summary><c>a != b</c>: <c>torch.ne(a, b)</c> (a bool tensor).</summary>
        public static Tensor operator !=(Tensor a, Tensor b) => torch.ne(a, b);
        /// <summary><c>a == b</c>: <c>torch.eq(a, b)</c> (a bool tensor).</summary>
        public static Tensor operator ==(Tensor a, Scalar b) => torch.eq(a, b);
        /// <summary><c>a != b</c>: <c>torch.ne(a, b)</c> (a bool tensor).</summary>
        public static Tensor operator !=(Tensor a, Scalar b) => torch.ne(a, b);
        /// <summary><c>a &lt; b</c>: <c>torch.lt(a, b)</c>.</summary>
        public static Tensor operator <(Tensor a, Tensor b) => torch.lt(a, b);
        /// <summary><c>a &lt;= b</c>: <c>torch.le(a, b)</c>.</summary>
        public static Tensor operator <=(Tensor a, Tensor b) => torch.le(a, b);
        /// <summary><c>a &gt; b</c>: <c>torch.gt(a, b)</c>.</summary>
        public static Tensor operator >(Tensor a, Tensor b) => torch.gt(a, b);
        /// <summary><c>a &gt;= b</c>: <c>torch.ge(a, b)</c>.</summary>
        public static Tensor operator >=(Tensor a, Tensor b) => torch.ge(a, b);
        /// <summary><c>a &lt; b</c>: <c>torch.lt(a, b)</c>.</summary>
        public static Tensor operator <(Tensor a, Scalar b) => torch.lt(a, b);
        /// <summary><c>a &lt;= b</c>: <c>torch.le(a, b)</c>.</summary>
        public static Tensor operator <=(Tensor a, Scalar b) => torch.le(a, b);
        /// <summary><c>a &gt; b</c>: <c>torch.gt(a, b)</c>.</summary>
        public static Tensor operator >(Tensor a, Scalar b) => torch.gt(a, b);
        /// <summary><c>a &gt;= b</c>: <c>torch.ge(a, b)</c>.</summary>
        public static Tensor operator >=(Tensor a, Scalar b) => torch.ge(a, b);
        // number OP tensor: Python reflects these onto the tensor (2 < t is t > 2)
        /// <summary><c>a == b</c>: <c>torch.eq(b, a)</c>.</summary>
        public static Tensor operator ==(Scalar a, Tensor b) => torch.eq(b, a);
        /// <summary><c>a != b</c>: <c>torch.ne(b, a)</c>.</summary>
        public static Tensor operator !=(Scalar a, Tensor b) => torch.ne(b, a);
        /// <summary><c>a &lt; b</c>: <c>torch.gt(b, a)</c>.</summary>
        public static Tensor operator <(Scalar a, Tensor b) => torch.gt(b, a);
        /// <summary><c>a &lt;= b</c>: <c>torch.ge(b, a)</c>.</summary>
        public static Tensor operator <=(Scalar a, Tensor b) => torch.ge(b, a);
        /// <summary><c>a &gt; b</c>: <c>torch.lt(b, a)</c>.</summary>
        public static Tensor operator >(Scalar a, Tensor b) => torch.lt(b, a);
        /// <summary><c>a &gt;= b</c>: <c>torch.le(b, a)</c>.</summary>
        public static Tensor operator >=(Scalar a, Tensor b) => torch.le(b, a);

        /// <inheritdoc/>
        public override bool Equals(object? obj) => ReferenceEquals(this, obj);
        /// <inheritdoc/>
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

using System.Numerics;
using Flint.Ops;
using Flint.Ops.Kernels;

namespace Flint.Ops.Kernels
{
    internal struct EqOp : ICompareOp { public static string Name => "eq"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a == b; }
    internal struct NeOp : ICompareOp { public static string Name => "ne"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a != b; }
    internal struct LtOp : ICompareOp { public static string Name => "lt"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a < b; }
    internal struct LeOp : ICompareOp { public static string Name => "le"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a <= b; }
    internal struct GtOp : ICompareOp { public static string Name => "gt"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a > b; }
    internal struct GeOp : ICompareOp { public static string Name => "ge"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a >= b; }
    internal struct LogicalAndOp : ICompareOp { public static string Name => "logical_and"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a != T.Zero && b != T.Zero; }
    internal struct LogicalOrOp : ICompareOp { public static string Name => "logical_or"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a != T.Zero || b != T.Zero; }
    internal struct LogicalXorOp : ICompareOp { public static string Name => "logical_xor"; public static bool Apply<T>(T a, T b) where T : unmanaged, INumber<T> => (a != T.Zero) != (b != T.Zero); }
}

namespace Flint
{
    public static partial class torch
    {
        public static Tensor eq(Tensor input, Tensor other, Tensor? @out = null) => Elementwise.Compare<EqOp>(input, other, @out);
        public static Tensor eq(Tensor input, Scalar other, Tensor? @out = null) => eq(input, Scalars.Wrap(other), @out);
        public static Tensor ne(Tensor input, Tensor other, Tensor? @out = null) => Elementwise.Compare<NeOp>(input, other, @out);
        public static Tensor ne(Tensor input, Scalar other, Tensor? @out = null) => ne(input, Scalars.Wrap(other), @out);
        public static Tensor lt(Tensor input, Tensor other, Tensor? @out = null) => Elementwise.Compare<LtOp>(input, other, @out);
        public static Tensor lt(Tensor input, Scalar other, Tensor? @out = null) => lt(input, Scalars.Wrap(other), @out);
        public static Tensor le(Tensor input, Tensor other, Tensor? @out = null) => Elementwise.Compare<LeOp>(input, other, @out);
        public static Tensor le(Tensor input, Scalar other, Tensor? @out = null) => le(input, Scalars.Wrap(other), @out);
        public static Tensor gt(Tensor input, Tensor other, Tensor? @out = null) => Elementwise.Compare<GtOp>(input, other, @out);
        public static Tensor gt(Tensor input, Scalar other, Tensor? @out = null) => gt(input, Scalars.Wrap(other), @out);
        public static Tensor ge(Tensor input, Tensor other, Tensor? @out = null) => Elementwise.Compare<GeOp>(input, other, @out);
        public static Tensor ge(Tensor input, Scalar other, Tensor? @out = null) => ge(input, Scalars.Wrap(other), @out);
        public static Tensor greater(Tensor input, Tensor other, Tensor? @out = null) => gt(input, other, @out);
        public static Tensor less(Tensor input, Tensor other, Tensor? @out = null) => lt(input, other, @out);
        public static Tensor greater_equal(Tensor input, Tensor other, Tensor? @out = null) => ge(input, other, @out);
        public static Tensor less_equal(Tensor input, Tensor other, Tensor? @out = null) => le(input, other, @out);
        public static Tensor not_equal(Tensor input, Tensor other, Tensor? @out = null) => ne(input, other, @out);

        public static Tensor logical_and(Tensor input, Tensor other, Tensor? @out = null) => Elementwise.Compare<LogicalAndOp>(input, other, @out);
        public static Tensor logical_or(Tensor input, Tensor other, Tensor? @out = null) => Elementwise.Compare<LogicalOrOp>(input, other, @out);
        public static Tensor logical_xor(Tensor input, Tensor other, Tensor? @out = null) => Elementwise.Compare<LogicalXorOp>(input, other, @out);
        public static Tensor logical_not(Tensor input, Tensor? @out = null) => Elementwise.Compare<EqOp>(input, Scalars.Wrap(0), @out);
        internal static Tensor logical_and_(Tensor self, Tensor other) => Elementwise.Compare<LogicalAndOp>(self, other, null, inPlace: true);
        internal static Tensor logical_or_(Tensor self, Tensor other) => Elementwise.Compare<LogicalOrOp>(self, other, null, inPlace: true);
    }

    public partial class Tensor
    {
        public Tensor eq(Tensor other) => torch.eq(this, other);
        public Tensor eq(Scalar other) => torch.eq(this, other);
        public Tensor ne(Tensor other) => torch.ne(this, other);
        public Tensor ne(Scalar other) => torch.ne(this, other);
        public Tensor lt(Tensor other) => torch.lt(this, other);
        public Tensor lt(Scalar other) => torch.lt(this, other);
        public Tensor le(Tensor other) => torch.le(this, other);
        public Tensor le(Scalar other) => torch.le(this, other);
        public Tensor gt(Tensor other) => torch.gt(this, other);
        public Tensor gt(Scalar other) => torch.gt(this, other);
        public Tensor ge(Tensor other) => torch.ge(this, other);
        public Tensor ge(Scalar other) => torch.ge(this, other);
        public Tensor eq_(Scalar other) => eq_(Scalars.Wrap(other));
        public Tensor eq_(Tensor other) => Elementwise.Compare<EqOp>(this, other, null, true);
        public Tensor ne_(Scalar other) => ne_(Scalars.Wrap(other));
        public Tensor ne_(Tensor other) => Elementwise.Compare<NeOp>(this, other, null, true);
        public Tensor lt_(Scalar other) => lt_(Scalars.Wrap(other));
        public Tensor lt_(Tensor other) => Elementwise.Compare<LtOp>(this, other, null, true);
        public Tensor le_(Scalar other) => le_(Scalars.Wrap(other));
        public Tensor le_(Tensor other) => Elementwise.Compare<LeOp>(this, other, null, true);
        public Tensor gt_(Scalar other) => gt_(Scalars.Wrap(other));
        public Tensor gt_(Tensor other) => Elementwise.Compare<GtOp>(this, other, null, true);
        public Tensor ge_(Scalar other) => ge_(Scalars.Wrap(other));
        public Tensor ge_(Tensor other) => Elementwise.Compare<GeOp>(this, other, null, true);

        public Tensor logical_and(Tensor other) => torch.logical_and(this, other);
        public Tensor logical_or(Tensor other) => torch.logical_or(this, other);
        public Tensor logical_xor(Tensor other) => torch.logical_xor(this, other);
        public Tensor logical_not() => torch.logical_not(this);
        public Tensor logical_and_(Tensor other) => torch.logical_and_(this, other);
        public Tensor logical_or_(Tensor other) => torch.logical_or_(this, other);
        public Tensor logical_xor_(Tensor other) => Elementwise.Compare<LogicalXorOp>(this, other, null, true);
        public Tensor logical_not_() => Elementwise.Compare<EqOp>(this, Scalars.Wrap(0), null, true);

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
        internal bool ContainsZero() => numel() > 0 && torch.eq(this, Scalars.Wrap(0)).AnyTrue();

        internal bool AnyTrue()
        {
            var c = @bool().contiguous();
            return Array.IndexOf(Backends.HostMemory.Array<bool>(c._storage), true, (int)c._offset, (int)c.numel()) >= 0;
        }
    }
}

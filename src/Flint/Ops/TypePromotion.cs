namespace Flint
{
    public static partial class torch
    {
        /// <summary>The dtype an op on a number and a tensor gives, as <c>torch.result_type</c>.</summary>
        public static DType result_type(Scalar a, Tensor b) => Ops.TypePromotion.ResultType(Scalars.Wrap(a), b);
        /// <summary>The dtype an op on two numbers gives, as <c>torch.result_type</c>.</summary>
        public static DType result_type(Scalar a, Scalar b) => Ops.TypePromotion.ResultType(Scalars.Wrap(a), Scalars.Wrap(b));
    }
}

namespace Flint.Ops
{

/// <summary>PyTorch's type promotion: <c>torch.promote_types</c>, <c>torch.result_type</c> and <c>torch.can_cast</c>.</summary>
internal static class TypePromotion
{
    internal static DType Promote(DType a, DType b)
    {
        if (a == b) return a;
        if (a.IsBool) return b;
        if (b.IsBool) return a;
        if (a.is_floating_point || b.is_floating_point)
        {
            if (!a.is_floating_point) return b;
            if (!b.is_floating_point) return a;
            // two different float types: half + bfloat16 meet at float32, otherwise the wider wins
            if (a.itemsize == 2 && b.itemsize == 2) return DType.Float32;
            return a.itemsize >= b.itemsize ? a : b;
        }
        // two integer types
        if (a == DType.UInt8 || b == DType.UInt8)
        {
            var other = a == DType.UInt8 ? b : a;
            return other == DType.Int8 ? DType.Int16 : other;
        }
        return a.itemsize >= b.itemsize ? a : b;
    }

    private static DType? PromoteSkip(DType? a, DType? b) => a is null ? b : b is null ? a : Promote(a, b);

    private static DType? Combine(DType? higher, DType? lower)
    {
        if (higher is not null && higher.is_floating_point) return higher;
        if (higher is not null && lower is not null && (higher.IsBool || lower.is_floating_point)) return Promote(higher, lower);
        if (higher is not null && higher.IsBool && lower is not null) return Promote(higher, lower);
        return higher ?? lower;
    }

    /// <summary>
    /// The dtype of an op over two operands, without allocating for the common cases: two tensors of one dtype,
    /// two tensors of the same rank class, or a floating tensor with a wrapped number.
    /// </summary>
    internal static DType ResultType(Tensor a, Tensor b)
    {
        DType da = a.dtype, db = b.dtype;
        bool wa = a.IsWrappedNumber, wb = b.IsWrappedNumber;
        if (!wa && !wb)
        {
            if (ReferenceEquals(da, db)) return da;
            if ((a._shape.Length == 0) == (b._shape.Length == 0)) return Promote(da, db);
        }
        else if (!wa && da.is_floating_point) return da;
        else if (!wb && db.is_floating_point) return db;
        return ResultType([a, b]);
    }

    /// <summary>The dtype of an op over these operands (tensors of dim &gt; 0, then 0-dim tensors, then wrapped numbers).</summary>
    internal static DType ResultType(params Tensor[] operands)
    {
        DType? dimResult = null, zeroResult = null, wrappedResult = null;
        foreach (var t in operands)
        {
            if (t.IsWrappedNumber)
            {
                var d = t.dtype.is_floating_point ? torch.get_default_dtype() : t.dtype;
                wrappedResult = PromoteSkip(wrappedResult, d);
            }
            else if (t.dim() == 0) zeroResult = PromoteSkip(zeroResult, t.dtype);
            else dimResult = PromoteSkip(dimResult, t.dtype);
        }
        return Combine(dimResult, Combine(zeroResult, wrappedResult))!;
    }

    /// <summary>False where PyTorch refuses to write a result of type <paramref name="from"/> into <paramref name="to"/>.</summary>
    internal static bool CanCast(DType from, DType to)
    {
        if (from.is_floating_point && !to.is_floating_point) return false;
        if (!from.IsBool && to.IsBool) return false;
        return true;
    }

    internal static void CheckCast(DType result, DType target)
    {
        if (!CanCast(result, target))
            throw new InvalidOperationException($"result type {result.LegacyName} can't be cast to the desired output type {target.LegacyName}");
    }
}
}

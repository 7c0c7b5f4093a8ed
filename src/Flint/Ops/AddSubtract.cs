using Flint.Ops.Kernels;

namespace Flint.Ops;

/// <summary>add and sub with alpha: input ± alpha × other, bool rules, and the single node PyTorch records.</summary>
internal static class AddSubtract
{
    private static void CheckAlpha(DType result, Scalar alpha)
    {
        if (alpha.IsBool && !result.IsBool)
            throw new ArgumentException("Boolean alpha only supported for Boolean results.");
        if (!result.is_floating_point && alpha.IsFloating)
            throw new ArgumentException("For integral input tensors, argument alpha must not be a floating point number.");
    }

    private const string SubTwoBools = "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.";
    private const string SubOneBool = "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.";

    /// <summary>input ± alpha × other, with alpha applied in the compute dtype so half types round once (as PyTorch).</summary>
    internal static Tensor Run(Tensor input, Tensor other, Scalar? alpha, Tensor? @out, bool inPlace, bool isSub)
    {
        if (input._sparse is not null || other._sparse is not null) return SparseAddition.Run(input, other, alpha, @out, inPlace, isSub);
        if (isSub && (input.dtype.IsBool || other.dtype.IsBool))
            throw new ArgumentException(input.dtype.IsBool && other.dtype.IsBool ? SubTwoBools : SubOneBool);
        var result = TypePromotion.ResultType(input, other);
        if (alpha is { } al) CheckAlpha(result, al);
        if (result.IsBool)
        {
            // bool + bool is logical or; alpha false drops other (its shape still broadcasts)
            var b = alpha is { } a0 && !a0.AsBool ? torch.logical_and(other, Scalars.Full(false, DType.Bool, other.device)) : other;
            return inPlace ? input.logical_or_(b) : torch.logical_or(input, b, @out);
        }
        Tensor? bPrepared = null;
        if (alpha is { } a2 && !(a2.IsIntegral && a2.Long == 1) && Autograd.Differentiation.NeedsInPlace(input, other))
            return RecordedWithAlpha(input, other, a2, @out, inPlace, isSub);
        if (alpha is { } a1 && !(a1.IsIntegral && a1.Long == 1))
        {
            var compute = Elementwise.ComputeType(result);
            var bc = Elementwise.Prep(other, result, compute);
            if (compute == result && Elementwise.TryScaledScratch(bc, a1, out var scaled))
            {
                // alpha × other in per-thread scratch memory (the add reads it at once and nothing keeps it);
                // it stands in for other, so same-shape operands take the direct route
                other = scaled;
            }
            else
            {
                bPrepared = Tensor.Empty(bc._shape, compute, bc.device);
                bPrepared.Backend.NumericBinary<MulOp>(bc, Scalars.Full(a1, compute, bc.device), bPrepared);
            }
        }
        return isSub
            ? Elementwise.NumericBinary<SubOp>(input, other, @out, inPlace, result, bPrepared)
            : Elementwise.NumericBinary<AddOp>(input, other, @out, inPlace, result, bPrepared);
    }

    /// <summary>
    /// One AddBackward0/SubBackward0 node whose backward scales other's gradient by alpha, as PyTorch's. A method of its
    /// own: its lambdas capture the arguments, and a capture allocates at the entry of the method that holds it, on
    /// every call, so it must not sit in <see cref="Run"/>'s path of calls that record nothing.
    /// </summary>
    private static Tensor RecordedWithAlpha(Tensor input, Tensor other, Scalar alpha, Tensor? @out, bool inPlace, bool isSub)
    {
        Autograd.Differentiation.CheckOut(@out, input, other);
        if (inPlace) return Autograd.Differentiation.InPlace(input, old => Run(old, other, alpha, null, false, isSub));
        Tensor y;
        using (new Autograd.GradModeScope(false)) y = Run(input, other, alpha, null, false, isSub);
        double av = isSub ? -alpha.ToDouble() : alpha.ToDouble();
        return Autograd.Differentiation.RecordBinary(isSub ? "SubBackward0" : "AddBackward0", input, other, y, g => (g, g * av));
    }
}

using Flint.Ops.Kernels;

namespace Flint.Ops;

/// <summary>div's rounding modes, floor_divide (which PyTorch gives no derivative) and the integer-divisor check.</summary>
internal static class Division
{
    // PyTorch gives floor_divide no derivative (unlike div with rounding_mode="floor"): its node fails on backward
    internal static Tensor FloorDivide(Tensor input, Tensor other, Tensor? @out, string atenOp)
    {
        if (!Autograd.Differentiation.NeedsInPlace(input, other)) return torch.div(input, other, "floor", @out);
        Autograd.Differentiation.CheckOut(@out, "floor_divide", input, other);
        Tensor y;
        using (new Autograd.GradModeScope(false)) y = torch.div(input, other, "floor");
        if (!y.dtype.is_floating_point) return y;
        return other.IsWrappedNumber ? Autograd.Differentiation.NotDifferentiable(y, atenOp, input)
            : Autograd.Differentiation.NotDifferentiable(y, atenOp, input, other);
    }

    internal static Tensor Run(Tensor input, Tensor other, string? mode, Tensor? @out, bool inPlace)
    {
        switch (mode)
        {
            case null: return Elementwise.FloatBinary<DivOp>(input, other, @out, inPlace);
            case "trunc": return Elementwise.NumericBinary<DivTruncOp>(input, other, @out, inPlace);
            case "floor": return Elementwise.NumericBinary<DivFloorOp>(input, other, @out, inPlace);
            default:
                throw new ArgumentException($"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{mode}'");
        }
    }

    /// <summary>
    /// Integer division by zero is an error in PyTorch (checked before anything is written); the integer
    /// division kernels have no bool version.
    /// </summary>
    internal static void CheckIntegerDivisor(Tensor input, Tensor other, string kernel)
    {
        var r = TypePromotion.ResultType(input, other);
        if (r.IsBool) throw new NotSupportedException($"\"{kernel}\" not implemented for 'Bool'");
        if (!r.is_floating_point && Elementwise.As(other, Elementwise.ComputeType(r)).ContainsZero())
            throw new DivideByZeroException("ZeroDivisionError");
    }
}

using Flint.Ops.Kernels;

namespace Flint.Ops;

/// <summary>
/// The generic entries of the unary op families (math, activations, rounding, sign ops, float checks), which the
/// forms generated from [ElementwiseOp] declarations call: the dtype rules (which dtypes PyTorch's CPU kernels
/// refuse, with its kernel names; which ops demand an out= of the input's dtype instead of casting into it), then
/// the Elementwise engine, which checks overlaps, counts versions and records autograd.
/// </summary>
internal static class Unary
{
    internal static NotSupportedException NotImplemented(string kernel, DType dt) =>
        new($"\"{kernel}\" not implemented for '{dt.LegacyName}'");

    /// <summary>Ops whose out= must have exactly the input's dtype.</summary>
    internal static void CheckSameDTypeOut(Tensor x, Tensor? @out) => OutArgument.CheckExactDType(@out, x.dtype);

    /// <summary>A float op: integer and bool inputs promote to the default float dtype; out= may be any float dtype.</summary>
    internal static Tensor Float<TOp>(Tensor x, Tensor? @out, bool inPlace, string kernel, bool halfOk = false) where TOp : IFloatUnary
    {
        TOp.CheckInput(x);
        var result = Elementwise.FloatResult(x.dtype);
        if (!halfOk && result == DType.Float16) throw NotImplemented(kernel, result);
        return Elementwise.FloatUnary<TOp>(x, @out, inPlace);
    }

    /// <summary>A float-only op (no integer promotion) whose out= must match the input dtype.</summary>
    internal static Tensor FloatOnly<TOp>(Tensor x, Tensor? @out, bool inPlace, string kernel, bool halfOk = false, bool bfloat16Ok = true)
        where TOp : IFloatUnary
    {
        TOp.CheckInput(x);
        CheckFloatOnly(x, @out, kernel, halfOk, bfloat16Ok);
        return Elementwise.FloatUnary<TOp>(x, @out, inPlace);
    }

    internal static void CheckFloatOnly(Tensor x, Tensor? @out, string kernel, bool halfOk = false, bool bfloat16Ok = true)
    {
        CheckSameDTypeOut(x, @out);
        var dt = x.dtype;
        if (!dt.is_floating_point || (!halfOk && dt == DType.Float16) || (!bfloat16Ok && dt == DType.BFloat16))
            throw NotImplemented(kernel, dt);
    }

    /// <summary>An op that keeps the input dtype (integers included) and wants out= of that dtype.</summary>
    internal static Tensor Numeric<TOp>(Tensor x, Tensor? @out, bool inPlace, string kernel, bool halfOk = true, bool boolOk = false)
        where TOp : INumericUnary
    {
        TOp.CheckInput(x);
        CheckSameDTypeOut(x, @out);
        if ((!halfOk && x.dtype == DType.Float16) || (!boolOk && x.dtype.IsBool)) throw NotImplemented(kernel, x.dtype);
        return Elementwise.NumericUnary<TOp>(x, @out, inPlace, boolOk: true);
    }

    /// <summary>floor/ceil/trunc/round: integers come back unchanged; bool and float16 are refused; out= must match.</summary>
    internal static Tensor Rounding<TOp>(Tensor x, Tensor? @out, bool inPlace, string kernel) where TOp : IFloatUnary
    {
        CheckSameDTypeOut(x, @out);
        var dt = x.dtype;
        if (dt.IsBool || dt == DType.Float16) throw NotImplemented(kernel, dt);
        if (!dt.is_floating_point) return Identity(x, @out, inPlace);
        return Elementwise.FloatUnary<TOp>(x, @out, inPlace);
    }

    /// <summary>A test of floating values; integer and bool tensors hold no NaN or infinity (the op's IntegerAnswer everywhere).</summary>
    internal static Tensor Classify<TOp>(Tensor x, Tensor? @out) where TOp : IFloatPredicate
    {
        if (@out is not null && !@out.dtype.IsBool) throw new ArgumentException($"{TOp.Name} does not support non-boolean outputs.");
        if (x.dtype.is_floating_point) return Elementwise.FloatPredicate<TOp>(x, @out);
        return Elementwise.Target(x._shape, DType.Bool, @out, x.device).fill_bool(TOp.IntegerAnswer);
    }

    /// <summary>The result is the input itself (floor of an integer, nan_to_num of an integer): a copy, or nothing in place.</summary>
    internal static Tensor Identity(Tensor x, Tensor? @out, bool inPlace)
    {
        if (inPlace)
        {
            Autograd.AutogradHooks.CheckInPlace(x);
            x.BumpVersion();
            return x;
        }
        var target = Elementwise.Target(x._shape, x.dtype, @out, x.device, x);
        if (!ReferenceEquals(target, x)) target.Backend.Copy(target, x);
        return target;
    }

    /// <summary>A declared op with arguments: its struct's Arguments (checked) as the kernel's three numbers.</summary>
    internal static Tensor FloatArgs<TOp>(Tensor x, Tensor? @out, bool inPlace, (double A, double B, double C) args) where TOp : IFloatUnaryArgs =>
        FloatArgs<TOp>(x, @out, inPlace, args.A, args.B, args.C);

    /// <summary>A declared op with arguments that keeps the input dtype: its struct's Arguments as the kernel's three numbers.</summary>
    internal static Tensor NumericArgs<TOp>(Tensor x, Tensor? @out, bool inPlace, (double A, double B, double C) args) where TOp : INumericUnaryArgs =>
        NumericArgs<TOp>(x, @out, inPlace, args.A, args.B, args.C);

    /// <summary>A float op with scalar parameters; integer inputs promote unless the caller refused them already.</summary>
    internal static Tensor FloatArgs<TOp>(Tensor x, Tensor? @out, bool inPlace, double a = 0, double b = 0, double c = 0)
        where TOp : IFloatUnaryArgs
    {
        if (Autograd.Differentiation.NeedsInPlace(x))
        {
            Autograd.Differentiation.CheckOut(@out, TOp.Name, x);
            if (inPlace)
            {
                Elementwise.CheckInPlace(x, x._shape, Elementwise.FloatResult(x.dtype));
                return Autograd.Differentiation.InPlace(x, old => FloatArgs<TOp>(old, null, false, a, b, c));
            }
            return Autograd.Differentiation.Unary<TOp>(x, FloatArgsRaw<TOp>(x, null, false, a, b, c), a, b, c);
        }
        return FloatArgsRaw<TOp>(x, @out, inPlace, a, b, c);
    }

    private static Tensor FloatArgsRaw<TOp>(Tensor x, Tensor? @out, bool inPlace, double a, double b, double c)
        where TOp : IFloatUnaryArgs
    {
        var result = Elementwise.FloatResult(x.dtype);
        var compute = Elementwise.ComputeType(result);
        if (inPlace) Elementwise.CheckInPlace(x, x._shape, result);
        var target = inPlace ? x : Elementwise.Target(x._shape, result, @out, x.device, x);
        var xc = Elementwise.As(x, compute);
        return Elementwise.RunInto(target, x._shape, compute, y => y.Backend.FloatUnaryArgs<TOp>(xc, y, a, b, c), inPlace, x);
    }

    /// <summary>A dtype-keeping op with scalar parameters (bool computes as uint8).</summary>
    internal static Tensor NumericArgs<TOp>(Tensor x, Tensor? @out, bool inPlace, double a = 0, double b = 0, double c = 0)
        where TOp : INumericUnaryArgs
    {
        if (Autograd.Differentiation.NeedsInPlace(x))
        {
            Autograd.Differentiation.CheckOut(@out, TOp.Name, x);
            if (inPlace)
            {
                Elementwise.CheckInPlace(x, x._shape, x.dtype);
                return Autograd.Differentiation.InPlace(x, old => NumericArgs<TOp>(old, null, false, a, b, c));
            }
            return Autograd.Differentiation.Unary<TOp>(x, NumericArgsRaw<TOp>(x, null, false, a, b, c), a, b, c);
        }
        return NumericArgsRaw<TOp>(x, @out, inPlace, a, b, c);
    }

    private static Tensor NumericArgsRaw<TOp>(Tensor x, Tensor? @out, bool inPlace, double a, double b, double c)
        where TOp : INumericUnaryArgs
    {
        var result = x.dtype;
        var compute = Elementwise.ComputeType(result);
        if (inPlace) Elementwise.CheckInPlace(x, x._shape, result);
        var target = inPlace ? x : Elementwise.Target(x._shape, result, @out, x.device, x);
        var xc = Elementwise.As(x, compute);
        return Elementwise.RunInto(target, x._shape, compute, y => y.Backend.NumericUnaryArgs<TOp>(xc, y, a, b, c), inPlace, x);
    }
}

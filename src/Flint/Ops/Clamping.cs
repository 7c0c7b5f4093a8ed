using Flint.Ops.Kernels;

namespace Flint.Ops;

/// <summary>clamp/clip and clamp_min/clamp_max with number bounds (PyTorch's scalar kernels) and with tensor bounds (broadcast).</summary>
internal static class Clamping
{
    private const string ClampNone = "torch.clamp: At least one of 'min' or 'max' must not be None";

    /// <summary>clamp with number bounds: the gradient passes where the input lies within the bounds (bounds included).</summary>
    internal static readonly NodeDerivative<(Tensor input, Scalar? min, Scalar? max)> NumberBounds = new("ClampBackward1", s => [s.input],
        static (g, s) =>
        {
            Tensor? keep = null;
            if (s.min is { } lo) keep = s.input.ge(lo);
            if (s.max is { } hi) keep = keep is null ? s.input.le(hi) : torch.logical_and(keep, s.input.le(hi));
            return g * keep!.to(g.dtype);
        });
    internal static readonly NodeDerivative<(Tensor input, Scalar? min, Scalar? max)> NumberMin = NumberBounds.Named("ClampMinBackward0");
    internal static readonly NodeDerivative<(Tensor input, Scalar? min, Scalar? max)> NumberMax = NumberBounds.Named("ClampMaxBackward0");

    /// <summary>
    /// clamp with tensor bounds (broadcast): the input's gradient passes strictly inside the bounds, a bound's where
    /// the input lies beyond it. clamp_min/clamp_max with a tensor bound are their own nodes with two inputs (the
    /// input and that bound); clamp keeps three.
    /// </summary>
    internal static readonly NodeDerivative<(Tensor input, Tensor? min, Tensor? max, bool named)> TensorBounds = NodeDerivative<(Tensor input, Tensor? min, Tensor? max, bool named)>.Joint("ClampBackward0",
        static (g, s) =>
        {
            var (input, min, max, named) = s;
            var below = min is null ? null : input.lt(min);
            var above = max is null ? null : input.gt(max);
            var inside = below is null ? above!.logical_not() : above is null ? below.logical_not() : torch.logical_not(torch.logical_or(below, above));
            var gi = input.requires_grad ? Autograd.Recording.SumToShape(g * inside.to(g.dtype), input._shape) : null;
            var r = new List<Tensor?> { gi };
            if (!named || min is not null) r.Add(Fit(g, below, min));
            if (!named || max is not null) r.Add(Fit(g, above, max));
            return r.ToArray();
        });
    internal static readonly NodeDerivative<(Tensor input, Tensor? min, Tensor? max, bool named)> TensorMin = TensorBounds.Named("ClampMinBackward1");
    internal static readonly NodeDerivative<(Tensor input, Tensor? min, Tensor? max, bool named)> TensorMax = TensorBounds.Named("ClampMaxBackward1");

    /// <summary>A bound's gradient: where the mask holds, summed back to the bound's shape (none when it needs none).</summary>
    private static Tensor? Fit(Tensor g, Tensor? mask, Tensor? t) => mask is null || t is null || !t.requires_grad ? null
        : Autograd.Recording.SumToShape(g * mask.to(g.dtype), t._shape);

    /// <summary>clamp with number bounds; <paramref name="node"/> is the node it records (clamp's, clamp_min's or clamp_max's).</summary>
    internal static Tensor WithNumbers(Tensor input, Scalar? min, Scalar? max, Tensor? @out, bool inPlace, NodeDerivative<(Tensor input, Scalar? min, Scalar? max)>? node = null)
    {
        if (min is null && max is null) throw new ArgumentException(ClampNone);
        if (Autograd.Differentiation.NeedsInPlace(input)) return RecordedNumbers(input, min, max, @out, inPlace, node ?? NumberBounds);
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
        else OutArgument.CheckExactDType(@out, result);
        var target = inPlace ? input : Elementwise.Target(input._shape, result, @out, input.device, input);
        var compute = Elementwise.ComputeType(result);
        var x = Elementwise.As(input, compute);
        return Elementwise.RunInto(target, input._shape, compute, y =>
        {
            var src = x;
            if (min is { } l) { y.Backend.NumericBinary<ClampLoScalarOp>(src, Scalars.Full(l, compute, input.device), y); src = y; }
            if (max is { } h) y.Backend.NumericBinary<ClampHiScalarOp>(src, Scalars.Full(h, compute, input.device), y);
        }, inPlace, input);
    }

    internal static Tensor WithTensors(Tensor input, Tensor? min, Tensor? max, Tensor? @out, bool inPlace, bool named = false)
    {
        if (min is null && max is null) throw new ArgumentException(ClampNone);
        if (Autograd.Differentiation.NeedsInPlace(input, min ?? Autograd.Recording.Undefined, max ?? Autograd.Recording.Undefined))
            return RecordedTensors(input, min, max, @out, inPlace, named);
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
        var target = inPlace ? input : Elementwise.Target(shape, result, @out, input.device, all);
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

    // The forms on tensors in the graph, apart so that their closures are only made when used.
    private static Tensor RecordedNumbers(Tensor input, Scalar? min, Scalar? max, Tensor? @out, bool inPlace, NodeDerivative<(Tensor input, Scalar? min, Scalar? max)> node)
    {
        Autograd.Differentiation.CheckOut(@out, input);
        if (inPlace) return Autograd.Differentiation.InPlace(input, old => WithNumbers(old, min, max, null, false, node));
        Tensor y;
        using (new Autograd.GradModeScope(false)) y = WithNumbers(input, min, max, null, false);
        return node.Record(y, [input], (input, min, max));
    }

    private static Tensor RecordedTensors(Tensor input, Tensor? min, Tensor? max, Tensor? @out, bool inPlace, bool named)
    {
        var operands = new[] { input, min ?? Autograd.Recording.Undefined, max ?? Autograd.Recording.Undefined };
        Autograd.Differentiation.CheckOut(@out, operands);
        if (inPlace) return Autograd.Differentiation.InPlace(input, old => WithTensors(old, min, max, null, false, named));
        Tensor y;
        using (new Autograd.GradModeScope(false)) y = WithTensors(input, min, max, null, false);
        var node = !named ? TensorBounds : max is null ? TensorMin : TensorMax;
        return node.Record(y, !named ? operands : [input, (min ?? max)!], (input, min, max, named));
    }
}

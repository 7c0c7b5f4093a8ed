using System.Numerics;

namespace Flint.Backends.Cpu;

// The fused losses: one pass over contiguous operands of one float dtype. Each element's loss is computed in the
// tensor's dtype with PyTorch's expression (so signed zeros and rounding follow it); reductions accumulate in double.
internal sealed partial class CpuBackend
{
    private static Span<T> Flat<T>(TensorLayout t) => Arr<T>(t).AsSpan((int)t.Offset, (int)t.Numel);
    /// <summary>An optional operand's elements (empty when there is none).</summary>
    private static Span<T> Flat<T>(TensorLayout? t) => t is { } v ? Flat<T>(v) : default;

    private static void FloatKernel(DType dt, string name, Action f32, Action f64)
    {
        if (dt == DType.Float32) f32();
        else if (dt == DType.Float64) f64();
        else throw Unsupported(name, dt);
    }

    /// <summary>Writes the per-element losses (none) or their mean or sum (a 0-dim result).</summary>
    private static void Deliver<T>(Span<T> losses, LossReduction reduction, TensorLayout result) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (reduction == LossReduction.None) { losses.CopyTo(Flat<T>(result)); return; }
        double total = 0;
        foreach (var v in losses) total += double.CreateTruncating(v);
        if (reduction == LossReduction.Mean) total /= losses.Length;
        Flat<T>(result)[0] = T.CreateTruncating(total);
    }

    /// <summary>The gradient scale of element i: grad[i] unreduced, grad / n for a mean, grad for a sum.</summary>
    private static T GradAt<T>(ReadOnlySpan<T> g, int i, LossReduction reduction, T invN) where T : unmanaged, IFloatingPointIeee754<T> =>
        reduction == LossReduction.None ? g[i] : reduction == LossReduction.Mean ? g[0] * invN : g[0];

    public void PointwiseLoss(PointwiseLossKind kind, TensorLayout input, TensorLayout target, double param, LossReduction reduction, TensorLayout result) =>
        FloatKernel(input.DType, "pointwise_loss",
            () => PointwiseLossT<float>(kind, input, target, param, reduction, result),
            () => PointwiseLossT<double>(kind, input, target, param, reduction, result));

    private static void PointwiseLossT<T>(PointwiseLossKind kind, TensorLayout input, TensorLayout target, double param, LossReduction reduction, TensorLayout result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> x = Flat<T>(input), t = Flat<T>(target);
        var loss = new T[x.Length];
        T p = T.CreateTruncating(param), half = T.CreateTruncating(0.5);
        for (int i = 0; i < x.Length; i++)
        {
            T d = x[i] - t[i];
            switch (kind)
            {
                case PointwiseLossKind.Mse: loss[i] = d * d; break;
                case PointwiseLossKind.SmoothL1:
                    {
                        T z = T.Abs(d);
                        loss[i] = z < p ? half * z * z / p : z - half * p;
                        break;
                    }
                default:
                    {
                        T z = T.Abs(d);
                        loss[i] = z < p ? half * z * z : p * (z - half * p);
                        break;
                    }
            }
        }
        Deliver<T>(loss, reduction, result);
    }

    public void PointwiseLossBackward(PointwiseLossKind kind, TensorLayout grad, TensorLayout input, TensorLayout target, double param, LossReduction reduction, TensorLayout gradInput) =>
        FloatKernel(input.DType, "pointwise_loss_backward",
            () => PointwiseLossBackwardT<float>(kind, grad, input, target, param, reduction, gradInput),
            () => PointwiseLossBackwardT<double>(kind, grad, input, target, param, reduction, gradInput));

    private static void PointwiseLossBackwardT<T>(PointwiseLossKind kind, TensorLayout grad, TensorLayout input, TensorLayout target, double param, LossReduction reduction, TensorLayout gradInput)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> x = Flat<T>(input), t = Flat<T>(target), g = Flat<T>(grad);
        var gx = Flat<T>(gradInput);
        T p = T.CreateTruncating(param), two = T.CreateTruncating(2.0);
        T invN = T.One / T.CreateTruncating((double)x.Length);
        for (int i = 0; i < x.Length; i++)
        {
            T d = x[i] - t[i], gi = GradAt(g, i, reduction, invN);
            gx[i] = kind switch
            {
                PointwiseLossKind.Mse => two * d * gi,
                // the slope d / beta inside the quadratic zone, ±1 outside (a NaN difference stays NaN)
                PointwiseLossKind.SmoothL1 => d < -p ? -gi : d > p ? gi : d / p * gi,
                _ => d < -p ? -p * gi : d > p ? p * gi : d * gi,
            };
        }
    }

    public void BinaryCrossEntropy(TensorLayout input, TensorLayout target, TensorLayout? weight, LossReduction reduction, TensorLayout result) =>
        FloatKernel(input.DType, "binary_cross_entropy",
            () => BinaryCrossEntropyT<float>(input, target, weight, reduction, result),
            () => BinaryCrossEntropyT<double>(input, target, weight, reduction, result));

    private static void BinaryCrossEntropyT<T>(TensorLayout input, TensorLayout target, TensorLayout? weight, LossReduction reduction, TensorLayout result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> x = Flat<T>(input), t = Flat<T>(target);
        ReadOnlySpan<T> w = weight is null ? default : Flat<T>(weight);
        var loss = new T[x.Length];
        T floor = T.CreateTruncating(-100.0);
        for (int i = 0; i < x.Length; i++)
        {
            T xi = x[i];
            // NaN is outside [0, 1] too
            if (!(xi >= T.Zero && xi <= T.One)) throw new ArgumentException("all elements of input should be between 0 and 1");
            // (t - 1) max(log(1 - x), -100) - t max(log x, -100), as PyTorch orders it (0 at x = t = 0, not -0)
            T l = (t[i] - T.One) * T.Max(T.LogP1(-xi), floor) - t[i] * T.Max(T.Log(xi), floor);
            loss[i] = weight is null ? l : l * w[i];
        }
        Deliver<T>(loss, reduction, result);
    }

    public void BinaryCrossEntropyBackward(TensorLayout grad, TensorLayout input, TensorLayout target, TensorLayout? weight, LossReduction reduction, TensorLayout gradInput) =>
        FloatKernel(input.DType, "binary_cross_entropy_backward",
            () => BinaryCrossEntropyBackwardT<float>(grad, input, target, weight, reduction, gradInput),
            () => BinaryCrossEntropyBackwardT<double>(grad, input, target, weight, reduction, gradInput));

    private static void BinaryCrossEntropyBackwardT<T>(TensorLayout grad, TensorLayout input, TensorLayout target, TensorLayout? weight, LossReduction reduction, TensorLayout gradInput)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> x = Flat<T>(input), t = Flat<T>(target), g = Flat<T>(grad);
        ReadOnlySpan<T> w = weight is null ? default : Flat<T>(weight);
        var gx = Flat<T>(gradInput);
        T eps = T.CreateTruncating(1e-12), n = T.CreateTruncating((double)x.Length);
        for (int i = 0; i < x.Length; i++)
        {
            T gi = reduction == LossReduction.None ? g[i] : g[0];
            T v = gi * (x[i] - t[i]) / T.Max((T.One - x[i]) * x[i], eps);
            if (weight is not null) v *= w[i];
            gx[i] = reduction == LossReduction.Mean ? v / n : v;
        }
    }

    public void BinaryCrossEntropyWithLogits(TensorLayout input, TensorLayout target, TensorLayout? weight, TensorLayout? posWeight, LossReduction reduction, TensorLayout result) =>
        FloatKernel(input.DType, "binary_cross_entropy_with_logits",
            () => BinaryCrossEntropyWithLogitsT<float>(input, target, weight, posWeight, reduction, result),
            () => BinaryCrossEntropyWithLogitsT<double>(input, target, weight, posWeight, reduction, result));

    private static void BinaryCrossEntropyWithLogitsT<T>(TensorLayout input, TensorLayout target, TensorLayout? weight, TensorLayout? posWeight, LossReduction reduction, TensorLayout result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> x = Flat<T>(input), t = Flat<T>(target);
        ReadOnlySpan<T> w = weight is null ? default : Flat<T>(weight);
        ReadOnlySpan<T> pw = posWeight is null ? default : Flat<T>(posWeight);
        var loss = new T[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            // (1 - t) x + lw (log(exp(-m) + exp(-x - m)) + m), m = max(-x, 0), lw = 1 + (pw - 1) t: log(1 + exp(-x)) without overflow
            T xi = x[i], m = T.Max(-xi, T.Zero);
            T lse = T.Log(T.Exp(-m) + T.Exp(-xi - m));
            T l = posWeight is null
                ? (T.One - t[i]) * xi + m + lse
                : (T.One - t[i]) * xi + ((pw[i] - T.One) * t[i] + T.One) * (lse + m);
            loss[i] = weight is null ? l : l * w[i];
        }
        Deliver<T>(loss, reduction, result);
    }

    public void BinaryCrossEntropyWithLogitsBackward(TensorLayout grad, TensorLayout input, TensorLayout target, TensorLayout? weight, TensorLayout? posWeight, LossReduction reduction, TensorLayout gradInput) =>
        FloatKernel(input.DType, "binary_cross_entropy_with_logits_backward",
            () => BinaryCrossEntropyWithLogitsBackwardT<float>(grad, input, target, weight, posWeight, reduction, gradInput),
            () => BinaryCrossEntropyWithLogitsBackwardT<double>(grad, input, target, weight, posWeight, reduction, gradInput));

    private static void BinaryCrossEntropyWithLogitsBackwardT<T>(TensorLayout grad, TensorLayout input, TensorLayout target, TensorLayout? weight, TensorLayout? posWeight, LossReduction reduction, TensorLayout gradInput)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> x = Flat<T>(input), t = Flat<T>(target), g = Flat<T>(grad);
        ReadOnlySpan<T> w = weight is null ? default : Flat<T>(weight);
        ReadOnlySpan<T> pw = posWeight is null ? default : Flat<T>(posWeight);
        var gx = Flat<T>(gradInput);
        T n = T.CreateTruncating((double)x.Length);
        for (int i = 0; i < x.Length; i++)
        {
            T gi = reduction == LossReduction.None ? g[i] : g[0];
            T s = T.One / (T.One + T.Exp(-x[i]));
            T v;
            if (posWeight is null) v = (s - t[i]) * gi;
            else
            {
                T pt = pw[i] * t[i];
                v = ((pt + T.One - t[i]) * s - pt) * gi;
            }
            if (weight is not null) v *= w[i];
            gx[i] = reduction == LossReduction.Mean ? v / n : v;
        }
    }

    public long NllLoss(TensorLayout input, TensorLayout target, long ignoreIndex, LossReduction reduction, TensorLayout result)
    {
        long n = input.Shape[0], c = input.Shape[1];
        ReadOnlySpan<long> t = Flat<long>(target);
        long count = 0;
        foreach (var k in t)
        {
            if (k == ignoreIndex) continue;
            if (k < 0 || k >= c) throw new IndexOutOfRangeException($"Target {k} is out of bounds.");
            count++;
        }
        double total = 0;
        int ci = (int)c;
        if (input.DType == DType.Float32)
        {
            ReadOnlySpan<float> x = Flat<float>(input);
            for (int i = 0; i < n; i++) if (t[i] != ignoreIndex) total += x[i * ci + (int)t[i]];
        }
        else if (input.DType == DType.Float64)
        {
            ReadOnlySpan<double> x = Flat<double>(input);
            for (int i = 0; i < n; i++) if (t[i] != ignoreIndex) total += x[i * ci + (int)t[i]];
        }
        else throw Unsupported("nll_loss_out_frame", input.DType);
        // the loss starts at 0 and subtracts: 0, not -0, when every row is ignored
        double loss = reduction == LossReduction.Mean ? (0 - total) / count : 0 - total;
        if (input.DType == DType.Float32) Flat<float>(result)[0] = (float)loss;
        else Flat<double>(result)[0] = loss;
        return count;
    }

    public void NllLossBackward(TensorLayout target, long ignoreIndex, double scale, TensorLayout gradInput)
    {
        ReadOnlySpan<long> t = Flat<long>(target);
        int ci = (int)gradInput.Shape[1];
        if (gradInput.DType == DType.Float32)
        {
            var a = Flat<float>(gradInput); a.Clear();
            for (int i = 0; i < t.Length; i++) if (t[i] != ignoreIndex) a[i * ci + (int)t[i]] = (float)scale;
        }
        else if (gradInput.DType == DType.Float64)
        {
            var a = Flat<double>(gradInput); a.Clear();
            for (int i = 0; i < t.Length; i++) if (t[i] != ignoreIndex) a[i * ci + (int)t[i]] = scale;
        }
        else throw Unsupported("nll_loss_backward_out_frame", gradInput.DType);
    }
}

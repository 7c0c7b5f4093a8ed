using Flint.Ops.Kernels;
using static Flint.torch;
using CtcSaved = (Flint.Tensor logProbs, Flint.Tensor lp, Flint.Tensor targets, long[] offsets, long[] inputLengths, long[] targetLengths,
    long blank, bool zeroInfinity, Flint.Tensor nll, Flint.Tensor alpha);

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        public static partial class functional
        {
            /// <summary>
            /// The connectionist temporal classification loss of log-probabilities (T, N, C) or (T, C) against targets,
            /// padded (N, S) or concatenated (sum of target_lengths); the lengths as tensors (one CtcLossBackward1
            /// node, as PyTorch 2 records it) or arrays (CtcLossBackward0). "mean" divides each loss by its target
            /// length before averaging over the batch.
            /// </summary>
            public static Tensor ctc_loss(Tensor log_probs, Tensor targets, Tensor input_lengths, Tensor target_lengths, long blank = 0,
                string reduction = "mean", bool zero_infinity = false)
            {
                var red = Fused.Reduction(reduction);
                if (input_lengths.dtype.is_floating_point || input_lengths.dtype == @bool) throw new ArgumentException("input_lengths must be integral");
                if (target_lengths.dtype.is_floating_point || target_lengths.dtype == @bool) throw new ArgumentException("target_lengths must be integral");
                var il = input_lengths.to(int64).reshape(-1).ToArray<long>();
                var tl = target_lengths.to(int64).reshape(-1).ToArray<long>();
                return Ctc.Loss(Ctc.TensorLengths, log_probs, targets, il, tl, blank, red, zero_infinity, target_lengths);
            }

            /// <summary><see cref="ctc_loss(Tensor, Tensor, Tensor, Tensor, long, string, bool)"/> with the lengths as arrays.</summary>
            public static Tensor ctc_loss(Tensor log_probs, Tensor targets, long[] input_lengths, long[] target_lengths, long blank = 0,
                string reduction = "mean", bool zero_infinity = false) =>
                Ctc.Loss(Ctc.ListLengths, log_probs, targets, input_lengths, target_lengths, blank, Fused.Reduction(reduction), zero_infinity, null);
        }
    }
}

/// <summary>CTC's argument checks (PyTorch's texts), its reduction and its node.</summary>
internal static class Ctc
{
    private const string From = " (while checking arguments for ctc_loss_cpu)";

    internal static Tensor Loss(NodeDerivative<CtcSaved> node, Tensor logProbs, Tensor targets, long[] il, long[] tl, long blank,
        Backends.LossReduction red, bool zeroInfinity, Tensor? targetLengthsTensor)
    {
        bool batched = logProbs.dim() == 3;
        var lp3 = batched ? logProbs : logProbs.unsqueeze(1);
        if (!lp3.dtype.is_floating_point || lp3.dtype == float16 || lp3.dtype == bfloat16)
            throw new NotSupportedException($"\"ctc_loss_cpu\" not implemented for '{lp3.dtype.LegacyName}'");
        if (lp3.dim() != 3)
            throw new ArgumentException($"Expected 3-dimensional tensor, but got {lp3.dim()}-dimensional tensor for argument #1 'log_probs'{From}");
        if (targets.dim() < 1 || targets.dim() > 2)
            throw new ArgumentException($"Expected 1 to 2 dimensions, but got {targets.dim()}-dimensional tensor for argument #2 'targets'{From}");
        long maxT = lp3.size(0), n = lp3.size(1), c = lp3.size(2);
        if (blank < 0 || blank >= c) throw new ArgumentException("blank must be in label range");
        if (il.Length != n) throw new ArgumentException("input_lengths must be of size batch_size");
        if (tl.Length != n) throw new ArgumentException("target_lengths must be of size batch_size");
        var offsets = new long[n];
        long maxL = 0;
        if (targets.dim() == 1)
        {
            long pos = 0;
            for (int b = 0; b < n; b++)
            {
                CheckAtLeastZero("target_lengths", tl[b]);
                offsets[b] = pos;
                pos += tl[b];
                maxL = Math.Max(maxL, tl[b]);
            }
            if (targets.size(0) != pos)
                throw new ArgumentException($"Expected tensor to have size {pos} at dimension 0, but got size {targets.size(0)} for argument #2 'targets'{From}");
        }
        else
        {
            for (int b = 0; b < n; b++)
            {
                CheckAtLeastZero("target_lengths", tl[b]);
                offsets[b] = b * targets.size(1);
                maxL = Math.Max(maxL, tl[b]);
            }
            if (targets.size(0) != n)
                throw new ArgumentException($"Expected tensor to have size {n} at dimension 0, but got size {targets.size(0)} for argument #2 'targets'{From}");
            if (targets.size(1) < maxL)
                throw new ArgumentException($"Expected tensor to have size at least {maxL} at dimension 1, but got size {targets.size(1)} for argument #2 'targets'{From}");
        }
        for (int b = 0; b < n; b++)
        {
            CheckAtLeastZero("input_lengths", il[b]);
            if (il[b] > maxT)
                throw new ArgumentException($"Expected input_lengths to have value at most {maxT}, but got value {il[b]}{From}");
        }
        var x = Fused.In(lp3, lp3.dtype);
        var t = Fused.In(targets, int64);
        var nll = Fused.Out([n], lp3.dtype, lp3);
        var alpha = Fused.Out([n, maxT, 2 * maxL + 1], lp3.dtype, lp3);
        nll.Backend.CtcLoss(x, t, offsets, il, tl, blank, nll, alpha);
        var res = node.Record(nll, [lp3], (lp3, x, t, offsets, il, tl, blank, zeroInfinity, nll, alpha));
        if (zeroInfinity) res = where(res.eq(double.PositiveInfinity), zeros([], res.dtype, device: res.device), res);
        return red switch
        {
            Backends.LossReduction.Mean => (res / (targetLengthsTensor is { } tt ? tt.clamp_min(1) : torch.tensor(tl, device: res.device).to(res.dtype).clamp_min(1))).mean(),
            Backends.LossReduction.Sum => res.sum(),
            _ => batched ? res : res.squeeze(0),
        };
    }

    private static void CheckAtLeastZero(string what, long v)
    {
        if (v < 0) throw new ArgumentException($"Expected {what} to have value at least 0, but got value {v}{From}");
    }

    /// <summary>PyTorch has no derivative of the CTC backward.</summary>
    private static readonly NodeDerivative<byte> BackwardNotDifferentiable = NodeDerivative<byte>.NotImplemented("_ctc_loss_backward");

    /// <summary>d nll / d log_probs as PyTorch's kernel gives it (the gradient through a log_softmax of the logits).</summary>
    internal static readonly NodeDerivative<CtcSaved> ListLengths = new("CtcLossBackward0", s => [s.logProbs], (g, s) =>
    {
        var gi = Fused.Out(s.lp.shape.ToArray(), s.lp.dtype, s.lp);
        gi.Backend.CtcLossBackward(Fused.In(g, s.lp.dtype), s.lp, s.targets, s.offsets, s.inputLengths, s.targetLengths, s.blank, s.zeroInfinity, s.nll, s.alpha, gi);
        return BackwardNotDifferentiable.Record(gi, [g, s.logProbs], 0);
    });

    internal static readonly NodeDerivative<CtcSaved> TensorLengths = ListLengths.Named("CtcLossBackward1");
}

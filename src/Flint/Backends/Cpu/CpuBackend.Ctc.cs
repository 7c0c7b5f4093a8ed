using System.Numerics;

namespace Flint.Backends.Cpu;

// CTC: the alpha recursion forward and the beta recursion backward, in log space, in the log-probabilities' dtype
// (as PyTorch's CPU kernel computes them), one sample after another.
internal sealed partial class CpuBackend
{
    public void CtcLoss(TensorLayout logProbs, TensorLayout targets, long[] targetOffsets, long[] inputLengths, long[] targetLengths, long blank,
        TensorLayout negLogLikelihood, TensorLayout logAlpha) =>
        FloatKernel(logProbs.DType, "ctc_loss_cpu",
            () => CtcForward<float>(logProbs, targets, targetOffsets, inputLengths, targetLengths, blank, negLogLikelihood, logAlpha),
            () => CtcForward<double>(logProbs, targets, targetOffsets, inputLengths, targetLengths, blank, negLogLikelihood, logAlpha));

    public void CtcLossBackward(TensorLayout grad, TensorLayout logProbs, TensorLayout targets, long[] targetOffsets, long[] inputLengths, long[] targetLengths,
        long blank, bool zeroInfinity, TensorLayout negLogLikelihood, TensorLayout logAlpha, TensorLayout gradLogProbs) =>
        FloatKernel(logProbs.DType, "ctc_loss_backward_cpu",
            () => CtcBackward<float>(grad, logProbs, targets, targetOffsets, inputLengths, targetLengths, blank, zeroInfinity, negLogLikelihood, logAlpha, gradLogProbs),
            () => CtcBackward<double>(grad, logProbs, targets, targetOffsets, inputLengths, targetLengths, blank, zeroInfinity, negLogLikelihood, logAlpha, gradLogProbs));

    /// <summary>The label at position s of the target with blanks between and around its labels (l').</summary>
    private static long TargetPrime(ReadOnlySpan<long> tg, long offset, long s, long blank) => s % 2 == 0 ? blank : tg[(int)(offset + s / 2)];

    /// <summary>log(e^a + e^b + e^c), shifted by the largest (0 when all are -inf).</summary>
    private static T LogSumExp3<T>(T a, T b, T c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T m = T.Max(a, T.Max(b, c));
        if (m == T.NegativeInfinity) m = T.Zero;
        return T.Log(T.Exp(a - m) + T.Exp(b - m) + T.Exp(c - m)) + m;
    }

    /// <summary>Adds e^v to the cell's log-sum (a cell still at -inf takes v).</summary>
    private static void CtcGather<T>(Span<T> gi, int i, T v) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T cur = gi[i];
        if (cur == T.NegativeInfinity) { gi[i] = v; return; }
        T m = T.Max(cur, v);
        gi[i] = T.Log(T.Exp(cur - m) + T.Exp(v - m)) + m;
    }

    private static void CtcForward<T>(TensorLayout logProbs, TensorLayout targets, long[] targetOffsets, long[] inputLengths, long[] targetLengths, long blank,
        TensorLayout negLogLikelihood, TensorLayout logAlpha) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> lp = Flat<T>(logProbs);
        ReadOnlySpan<long> tg = Flat<long>(targets);
        var nll = Flat<T>(negLogLikelihood);
        var la = Flat<T>(logAlpha);
        long maxT = logProbs.Shape[0], n = logProbs.Shape[1], c = logProbs.Shape[2], width = logAlpha.Shape[2];
        la.Fill(T.NegativeInfinity);
        for (long b = 0; b < n; b++)
        {
            long len = inputLengths[b], tl = targetLengths[b], off = targetOffsets[b];
            long S = 2 * tl + 1;
            if (len == 0) { nll[(int)b] = tl == 0 ? T.Zero : T.PositiveInfinity; continue; }
            long baseA = b * maxT * width;
            int At(long t, long k) => (int)((t * n + b) * c + k);
            la[(int)baseA] = lp[At(0, blank)];
            if (tl > 0) la[(int)baseA + 1] = lp[At(0, TargetPrime(tg, off, 1, blank))];
            for (long t = 1; t < len; t++)
            {
                long row = baseA + t * width, prev = row - width;
                for (long s = 0; s < S; s++)
                {
                    long cur = TargetPrime(tg, off, s, blank);
                    T a1 = la[(int)(prev + s)];
                    T a2 = s > 0 ? la[(int)(prev + s - 1)] : T.NegativeInfinity;
                    T a3 = s > 1 && TargetPrime(tg, off, s - 2, blank) != cur ? la[(int)(prev + s - 2)] : T.NegativeInfinity;
                    la[(int)(row + s)] = LogSumExp3(a1, a2, a3) + lp[At(t, cur)];
                }
            }
            long last = baseA + (len - 1) * width;
            T l1 = la[(int)(last + 2 * tl)];
            T l2 = tl > 0 ? la[(int)(last + 2 * tl - 1)] : T.NegativeInfinity;
            nll[(int)b] = -LogSumExp3(l1, l2, T.NegativeInfinity);
        }
    }

    private static void CtcBackward<T>(TensorLayout grad, TensorLayout logProbs, TensorLayout targets, long[] targetOffsets, long[] inputLengths, long[] targetLengths,
        long blank, bool zeroInfinity, TensorLayout negLogLikelihood, TensorLayout logAlpha, TensorLayout gradLogProbs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> lp = Flat<T>(logProbs), g = Flat<T>(grad), nll = Flat<T>(negLogLikelihood), la = Flat<T>(logAlpha);
        ReadOnlySpan<long> tg = Flat<long>(targets);
        var gi = Flat<T>(gradLogProbs);
        long maxT = logProbs.Shape[0], n = logProbs.Shape[1], c = logProbs.Shape[2], width = logAlpha.Shape[2];
        gi.Fill(T.Zero);
        var lb = new T[maxT * width];
        for (long b = 0; b < n; b++)
        {
            long len = inputLengths[b], tl = targetLengths[b], off = targetOffsets[b];
            T nl = nll[(int)b];
            if (len == 0 || zeroInfinity && T.IsPositiveInfinity(nl)) continue;
            long baseA = b * maxT * width;
            int At(long t, long k) => (int)((t * n + b) * c + k);
            // the log-sum over the positions s labelled k of alpha_t(s) beta_t(s), gathered into the gradient's cells
            for (long t = 0; t < len; t++)
                for (long k = 0; k < c; k++) gi[At(t, k)] = T.NegativeInfinity;
            long S = 2 * tl + 1;
            Array.Fill(lb, T.NegativeInfinity);
            long lastRow = (len - 1) * width;
            lb[lastRow + 2 * tl] = lp[At(len - 1, blank)];
            CtcGather(gi, At(len - 1, blank), la[(int)(baseA + lastRow + 2 * tl)] + lb[lastRow + 2 * tl]);
            if (tl > 0)
            {
                long k = TargetPrime(tg, off, 2 * tl - 1, blank);
                lb[lastRow + 2 * tl - 1] = lp[At(len - 1, k)];
                CtcGather(gi, At(len - 1, k), la[(int)(baseA + lastRow + 2 * tl - 1)] + lb[lastRow + 2 * tl - 1]);
            }
            for (long t = len - 2; t >= 0; t--)
            {
                long row = t * width, next = row + width;
                for (long s = S - 1; s >= 0; s--)
                {
                    long cur = TargetPrime(tg, off, s, blank);
                    T b1 = lb[next + s];
                    T b2 = s < 2 * tl ? lb[next + s + 1] : T.NegativeInfinity;
                    T b3 = s < 2 * tl - 1 && TargetPrime(tg, off, s + 2, blank) != cur ? lb[next + s + 2] : T.NegativeInfinity;
                    lb[row + s] = LogSumExp3(b1, b2, b3) + lp[At(t, cur)];
                    CtcGather(gi, At(t, cur), la[(int)(baseA + row + s)] + lb[row + s]);
                }
            }
            T gr = g[(int)b];
            for (long t = 0; t < len; t++)
                for (long k = 0; k < c; k++)
                {
                    T l = lp[At(t, k)];
                    gi[At(t, k)] = (T.Exp(l) - T.Exp(gi[At(t, k)] + nl - l)) * gr;
                }
        }
    }
}

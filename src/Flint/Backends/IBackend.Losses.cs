namespace Flint.Backends
{
    // The connectionist temporal classification loss, one kernel each way. Log-probabilities arrive as a contiguous
    // (T, N, C) tensor of float32 or float64; targets as contiguous int64, sample b's labels starting at
    // targetOffsets[b] (a padded (N, S) batch or the labels of all samples concatenated); the lengths as arrays the
    // op layer has checked against the shapes.
    public partial interface IBackend
    {
        /// <summary>
        /// negLogLikelihood (N) = -log p(target_b | input_b) by the forward (alpha) recursion in log space; logAlpha
        /// (N, T, 2 S + 1), S the longest target, keeps the recursion for the backward.
        /// </summary>
        void CtcLoss(TensorLayout logProbs, TensorLayout targets, long[] targetOffsets, long[] inputLengths, long[] targetLengths, long blank,
            TensorLayout negLogLikelihood, TensorLayout logAlpha);

        /// <summary>
        /// gradLogProbs (T, N, C) = grad_b (exp(lp) - exp(log Σ alpha beta + nll - lp)) for t below the input length
        /// (the backward recursion computing beta), zero after it; zero for a sample whose loss is infinite when
        /// <paramref name="zeroInfinity"/>.
        /// </summary>
        void CtcLossBackward(TensorLayout grad, TensorLayout logProbs, TensorLayout targets, long[] targetOffsets, long[] inputLengths, long[] targetLengths,
            long blank, bool zeroInfinity, TensorLayout negLogLikelihood, TensorLayout logAlpha, TensorLayout gradLogProbs);
    }
}

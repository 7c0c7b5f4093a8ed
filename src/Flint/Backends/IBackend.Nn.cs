namespace Flint.Backends
{
    /// <summary>How a loss kernel reduces its per-element losses (PyTorch's Reduction enum).</summary>
    public enum LossReduction
    {
        /// <summary>The per-element losses are returned (<c>reduction="none"</c>).</summary>
        None,
        /// <summary>Their mean (<c>reduction="mean"</c>).</summary>
        Mean,
        /// <summary>Their sum (<c>reduction="sum"</c>).</summary>
        Sum,
    }

    /// <summary>The elementwise losses of input - target that share one kernel pair.</summary>
    public enum PointwiseLossKind
    {
        /// <summary>The squared error, <c>mse_loss</c>.</summary>
        Mse,
        /// <summary>The smooth L1 loss, <c>smooth_l1_loss</c> (quadratic below beta, then linear, divided by beta).</summary>
        SmoothL1,
        /// <summary>The Huber loss, <c>huber_loss</c> (quadratic below delta, then linear).</summary>
        Huber,
    }

    // The fused losses, normalizations and embedding lookup of torch.nn.functional, one kernel each way. Every
    // tensor a kernel receives is contiguous and of one float dtype (float32 or float64; the op layer computes
    // half types in float32), except class indices, which are contiguous int64. Operands that broadcast (class
    // weights, pos_weight) arrive expanded to the input's shape. A reduced result is a 0-dim tensor; the gradient
    // of a reduced loss arrives as a 0-dim tensor too.
    public partial interface IBackend
    {
        /// <summary>result = the reduced loss of input against target; <paramref name="param"/> is beta (smooth L1) or delta (Huber).</summary>
        void PointwiseLoss(PointwiseLossKind kind, TensorLayout input, TensorLayout target, double param, LossReduction reduction, TensorLayout result);

        /// <summary>gradInput = d loss / d input, scaled by grad (the target's gradient is its negation).</summary>
        void PointwiseLossBackward(PointwiseLossKind kind, TensorLayout grad, TensorLayout input, TensorLayout target, double param, LossReduction reduction, TensorLayout gradInput);

        /// <summary>Binary cross entropy of probabilities (logs clamped at -100); refuses an input outside [0, 1].</summary>
        void BinaryCrossEntropy(TensorLayout input, TensorLayout target, TensorLayout? weight, LossReduction reduction, TensorLayout result);

        /// <summary>gradInput = g (x - t) / max(x (1 - x), 1e-12), times the weight, over the element count for a mean.</summary>
        void BinaryCrossEntropyBackward(TensorLayout grad, TensorLayout input, TensorLayout target, TensorLayout? weight, LossReduction reduction, TensorLayout gradInput);

        /// <summary>Binary cross entropy of logits, computed stably; pos_weight scales the positive term.</summary>
        void BinaryCrossEntropyWithLogits(TensorLayout input, TensorLayout target, TensorLayout? weight, TensorLayout? posWeight, LossReduction reduction, TensorLayout result);

        /// <summary>gradInput = g ((1 + (pw - 1) t) sigmoid(x) - pw t), times the weight, over the element count for a mean.</summary>
        void BinaryCrossEntropyWithLogitsBackward(TensorLayout grad, TensorLayout input, TensorLayout target, TensorLayout? weight, TensorLayout? posWeight, LossReduction reduction, TensorLayout gradInput);

        /// <summary>
        /// Negative log likelihood of (N, C) log-probabilities at int64 class indices (N), reduced by a mean or a sum
        /// over the rows whose class is not <paramref name="ignoreIndex"/>; returns how many rows counted. A class
        /// outside [0, C) is refused.
        /// </summary>
        long NllLoss(TensorLayout input, TensorLayout target, long ignoreIndex, LossReduction reduction, TensorLayout result);

        /// <summary>gradInput (N, C) = <paramref name="scale"/> at each counted row's class, zero elsewhere.</summary>
        void NllLossBackward(TensorLayout target, long ignoreIndex, double scale, TensorLayout gradInput);

        /// <summary>result (K, D) = the rows of weight (V, D) at the int64 indices (K); an index outside [0, V) is refused.</summary>
        void Embedding(TensorLayout weight, TensorLayout indices, TensorLayout result);

        /// <summary>gradWeight (V, D) = the rows of grad (K, D) summed into their indices' rows, except the row <paramref name="paddingIdx"/> (-1: none).</summary>
        void EmbeddingBackward(TensorLayout grad, TensorLayout indices, long paddingIdx, TensorLayout gradWeight);

        /// <summary>
        /// Batch normalization of input (N, C, S) per channel. Training: batch statistics into saveMean/saveInvstd (C)
        /// and, when given, running_mean/running_var updated with the momentum (the variance unbiased). Eval: the
        /// running statistics, which saveMean/saveInvstd then hold. Weight and bias (C) are optional.
        /// </summary>
        void BatchNorm(TensorLayout input, TensorLayout? weight, TensorLayout? bias, TensorLayout? runningMean, TensorLayout? runningVar, bool training,
            double momentum, double eps, TensorLayout output, TensorLayout saveMean, TensorLayout saveInvstd);

        /// <summary>The gradients of <see cref="BatchNorm"/> (any of the three outputs may be null when not needed).</summary>
        void BatchNormBackward(TensorLayout grad, TensorLayout input, TensorLayout? weight, TensorLayout saveMean, TensorLayout saveInvstd, bool training,
            TensorLayout? gradInput, TensorLayout? gradWeight, TensorLayout? gradBias);

        /// <summary>Layer normalization of input (M, K) over each row; weight and bias (K) optional; mean and rstd (M).</summary>
        void LayerNorm(TensorLayout input, TensorLayout? weight, TensorLayout? bias, double eps, TensorLayout output, TensorLayout mean, TensorLayout rstd);

        /// <summary>
        /// The gradients of <see cref="LayerNorm"/> (any of the three outputs may be null when not needed). With
        /// <paramref name="accumulateInput"/> the input's gradient is added into gradInput (the bits of
        /// gradInput + gradient) instead of replacing it.
        /// </summary>
        void LayerNormBackward(TensorLayout grad, TensorLayout input, TensorLayout? weight, TensorLayout mean, TensorLayout rstd,
            TensorLayout? gradInput, TensorLayout? gradWeight, TensorLayout? gradBias, bool accumulateInput);

        /// <summary>
        /// Root-mean-square normalization of input (M, K) over each row: output = input · rstd · weight with
        /// rstd (M) = 1 / sqrt(mean(input²) + eps); weight (K) optional.
        /// </summary>
        void RmsNorm(TensorLayout input, TensorLayout? weight, double eps, TensorLayout output, TensorLayout rstd);

        /// <summary>The gradients of <see cref="RmsNorm"/> (either output may be null when not needed).</summary>
        void RmsNormBackward(TensorLayout grad, TensorLayout input, TensorLayout? weight, TensorLayout rstd, TensorLayout? gradInput, TensorLayout? gradWeight);

        /// <summary>
        /// Group normalization of input (N, C, S) with C split into <paramref name="groups"/>; weight and bias (C)
        /// optional; mean and rstd (N, groups).
        /// </summary>
        void GroupNorm(TensorLayout input, long groups, TensorLayout? weight, TensorLayout? bias, double eps, TensorLayout output, TensorLayout mean, TensorLayout rstd);

        /// <summary>The gradients of <see cref="GroupNorm"/> (any of the three outputs may be null when not needed).</summary>
        void GroupNormBackward(TensorLayout grad, TensorLayout input, long groups, TensorLayout? weight, TensorLayout mean, TensorLayout rstd,
            TensorLayout? gradInput, TensorLayout? gradWeight, TensorLayout? gradBias);
    }
}

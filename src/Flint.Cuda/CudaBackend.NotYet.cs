using Flint.Backends;
using Flint.Ops.Kernels;

namespace Flint.Cuda;

// The seam kernels this backend does not have yet: each refuses with the op's name and the device, never computing a
// wrong result. (The op layer reaches them only for tensors on the cuda device.)
internal sealed partial class CudaBackend
{
    public void AdamStep(TensorLayout param, TensorLayout grad, TensorLayout expAvg, TensorLayout expAvgSq,
        double decay, double beta1, double beta2, double biasCorrection2Sqrt, double eps, double stepSize, bool maximize) => throw NotYet("_fused_adam");
    public void AdaptiveAvgPool(TensorLayout input, TensorLayout output, WindowGeometry g) => throw NotYet("adaptive_avg_pool2d");
    public void AdaptiveAvgPoolBackward(TensorLayout gradOutput, TensorLayout gradInput, WindowGeometry g) => throw NotYet("adaptive_avg_pool2d_backward");
    public void AdaptiveMaxPool(TensorLayout input, TensorLayout output, TensorLayout indices, WindowGeometry g) => throw NotYet("adaptive_max_pool2d");
    public void AttentionDropoutMask(AttentionOptions options, TensorLayout result) => throw NotYet("scaled_dot_product_attention (dropout)");
    public void AvgPool(TensorLayout input, TensorLayout output, WindowGeometry g, bool countIncludePad, long divisorOverride) => throw NotYet("avg_pool2d");
    public void AvgPoolBackward(TensorLayout gradOutput, TensorLayout gradInput, WindowGeometry g, bool countIncludePad, long divisorOverride) => throw NotYet("avg_pool2d_backward");
    public void Axpy(TensorLayout y, TensorLayout x, double alpha) => throw NotYet("add_ (alpha)");
    public void BatchNorm(TensorLayout input, TensorLayout? weight, TensorLayout? bias, TensorLayout? runningMean, TensorLayout? runningVar, bool training, double momentum, double eps, TensorLayout output, TensorLayout saveMean, TensorLayout saveInvstd) => throw NotYet("batch_norm");
    public void BatchNormBackward(TensorLayout grad, TensorLayout input, TensorLayout? weight, TensorLayout saveMean, TensorLayout saveInvstd, bool training, TensorLayout? gradInput, TensorLayout? gradWeight, TensorLayout? gradBias) => throw NotYet("batch_norm_backward");
    public void BinaryCrossEntropy(TensorLayout input, TensorLayout target, TensorLayout? weight, LossReduction reduction, TensorLayout result) => throw NotYet("binary_cross_entropy");
    public void BinaryCrossEntropyBackward(TensorLayout grad, TensorLayout input, TensorLayout target, TensorLayout? weight, LossReduction reduction, TensorLayout gradInput) => throw NotYet("binary_cross_entropy_backward");
    public void BinaryCrossEntropyWithLogits(TensorLayout input, TensorLayout target, TensorLayout? weight, TensorLayout? posWeight, LossReduction reduction, TensorLayout result) => throw NotYet("binary_cross_entropy_with_logits");
    public void BinaryCrossEntropyWithLogitsBackward(TensorLayout grad, TensorLayout input, TensorLayout target, TensorLayout? weight, TensorLayout? posWeight, LossReduction reduction, TensorLayout gradInput) => throw NotYet("binary_cross_entropy_with_logits_backward");
    public void Col2Im(TensorLayout columns, TensorLayout input, WindowGeometry g) => throw NotYet("col2im");
    public void ConvForward(TensorLayout input, TensorLayout weight, TensorLayout? bias, TensorLayout output, WindowGeometry g, int groups) => throw NotYet("convolution");
    public void ConvInputGrad(TensorLayout gradOutput, TensorLayout weight, TensorLayout gradInput, WindowGeometry g, int groups) => throw NotYet("convolution_backward (input)");
    public void ConvWeightGrad(TensorLayout input, TensorLayout gradOutput, TensorLayout gradWeight, WindowGeometry g, int groups) => throw NotYet("convolution_backward (weight)");
    public void CtcLoss(TensorLayout logProbs, TensorLayout targets, long[] targetOffsets, long[] inputLengths, long[] targetLengths, long blank,
        TensorLayout negLogLikelihood, TensorLayout logAlpha) => throw NotYet("ctc_loss");
    public void CtcLossBackward(TensorLayout grad, TensorLayout logProbs, TensorLayout targets, long[] targetOffsets, long[] inputLengths, long[] targetLengths,
        long blank, bool zeroInfinity, TensorLayout negLogLikelihood, TensorLayout logAlpha, TensorLayout gradLogProbs) => throw NotYet("ctc_loss_backward");
    public void Embedding(TensorLayout weight, TensorLayout indices, TensorLayout result) => throw NotYet("embedding");
    public void EmbeddingBackward(TensorLayout grad, TensorLayout indices, long paddingIdx, TensorLayout gradWeight) => throw NotYet("embedding_backward");
    public void GeluBackward(TensorLayout gradOutput, TensorLayout self, TensorLayout gradInput, bool tanh) => throw NotYet("gelu_backward");
    public void LstmCell(TensorLayout inputGates, TensorLayout hiddenGates, TensorLayout cx, TensorLayout hy, TensorLayout cy, TensorLayout workspace) =>
        throw NotYet("_thnn_fused_lstm_cell");
    public void LstmCellBackward(TensorLayout? gradHy, TensorLayout? gradCy, TensorLayout cx, TensorLayout cy, TensorLayout workspace,
        TensorLayout gradGates, TensorLayout gradCx) => throw NotYet("_thnn_fused_lstm_cell_backward");
    public void GroupNorm(TensorLayout input, long groups, TensorLayout? weight, TensorLayout? bias, double eps, TensorLayout output, TensorLayout mean, TensorLayout rstd) => throw NotYet("group_norm");
    public void GroupNormBackward(TensorLayout grad, TensorLayout input, long groups, TensorLayout? weight, TensorLayout mean, TensorLayout rstd, TensorLayout? gradInput, TensorLayout? gradWeight, TensorLayout? gradBias) => throw NotYet("group_norm_backward");
    public void Im2Col(TensorLayout input, TensorLayout columns, WindowGeometry g) => throw NotYet("im2col");
    public void IndexGather(TensorLayout dst, TensorLayout src, TensorLayout[] indices, long[] strides) => throw NotYet("index (gather)");
    public void IndexScatter(TensorLayout dst, TensorLayout src, TensorLayout[] indices, long[] strides, ScatterReduce reduce) => throw NotYet("index_put_ (scatter)");
    public void LayerNorm(TensorLayout input, TensorLayout? weight, TensorLayout? bias, double eps, TensorLayout output, TensorLayout mean, TensorLayout rstd) => throw NotYet("layer_norm");
    /// <inheritdoc/>
    public void RmsNorm(TensorLayout input, TensorLayout? weight, double eps, TensorLayout output, TensorLayout rstd) => throw NotYet("rms_norm");
    /// <inheritdoc/>
    public void RmsNormBackward(TensorLayout grad, TensorLayout input, TensorLayout? weight, TensorLayout rstd, TensorLayout? gradInput, TensorLayout? gradWeight) => throw NotYet("rms_norm_backward");
    public void LayerNormBackward(TensorLayout grad, TensorLayout input, TensorLayout? weight, TensorLayout mean, TensorLayout rstd, TensorLayout? gradInput, TensorLayout? gradWeight, TensorLayout? gradBias, bool accumulateInput) => throw NotYet("layer_norm_backward");
    public void MaxPool(TensorLayout input, TensorLayout output, TensorLayout indices, WindowGeometry g) => throw NotYet("max_pool2d");
    public void MaxPoolBackward(TensorLayout gradOutput, TensorLayout indices, TensorLayout gradInput) => throw NotYet("max_pool2d_backward");
    public long NllLoss(TensorLayout input, TensorLayout target, long ignoreIndex, LossReduction reduction, TensorLayout result) => throw NotYet("nll_loss");
    public void NllLossBackward(TensorLayout target, long ignoreIndex, double scale, TensorLayout gradInput) => throw NotYet("nll_loss_backward");
    public TensorLayout Nonzero(TensorLayout mask) => throw NotYet("nonzero");
    public void PointwiseLoss(PointwiseLossKind kind, TensorLayout input, TensorLayout target, double param, LossReduction reduction, TensorLayout result) => throw NotYet("pointwise loss (mse_loss, smooth_l1_loss, huber_loss)");
    public void PointwiseLossBackward(PointwiseLossKind kind, TensorLayout grad, TensorLayout input, TensorLayout target, double param, LossReduction reduction, TensorLayout gradInput) => throw NotYet("pointwise loss backward");
    public void Resample(TensorLayout x, TensorLayout y, ResampleTable table) => throw NotYet("pad / interpolate");
    public void ResampleBackward(TensorLayout gy, TensorLayout gx, ResampleTable table) => throw NotYet("pad / interpolate backward");
    public void ScaledDotProductAttention(TensorLayout query, TensorLayout key, TensorLayout value, TensorLayout? mask, AttentionOptions options, TensorLayout output, TensorLayout logsumexp) => throw NotYet("scaled_dot_product_attention");
    public void ScaledDotProductAttentionBackward(TensorLayout grad, TensorLayout query, TensorLayout key, TensorLayout value, TensorLayout? mask, TensorLayout output, TensorLayout logsumexp, AttentionOptions options, TensorLayout gradQuery, TensorLayout gradKey, TensorLayout gradValue) => throw NotYet("scaled_dot_product_attention_backward");
    public void Scan<TOp>(TensorLayout x, int dim, TensorLayout y) where TOp : IScanOp => throw NotYet(TOp.Name);
    public void Sort(TensorLayout x, int dim, bool descending, TensorLayout? values, TensorLayout indices) => throw NotYet("sort");
    public void ThresholdBackward(TensorLayout gradOutput, TensorLayout self, TensorLayout gradInput, double threshold) => throw NotYet("threshold_backward");
    public (TensorLayout values, TensorLayout inverse, TensorLayout counts) UniqueRows(TensorLayout x) => throw NotYet("unique");
}

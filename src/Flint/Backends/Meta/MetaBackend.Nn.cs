namespace Flint.Backends.Meta;

// The fused nn kernels on meta: the op layer has made every output with its shape and dtype; nothing to compute.
internal sealed partial class MetaBackend
{
    public void PointwiseLoss(PointwiseLossKind kind, TensorLayout input, TensorLayout target, double param, LossReduction reduction, TensorLayout result) { }
    public void PointwiseLossBackward(PointwiseLossKind kind, TensorLayout grad, TensorLayout input, TensorLayout target, double param, LossReduction reduction, TensorLayout gradInput) { }
    public void BinaryCrossEntropy(TensorLayout input, TensorLayout target, TensorLayout? weight, LossReduction reduction, TensorLayout result) { }
    public void BinaryCrossEntropyBackward(TensorLayout grad, TensorLayout input, TensorLayout target, TensorLayout? weight, LossReduction reduction, TensorLayout gradInput) { }
    public void BinaryCrossEntropyWithLogits(TensorLayout input, TensorLayout target, TensorLayout? weight, TensorLayout? posWeight, LossReduction reduction, TensorLayout result) { }
    public void BinaryCrossEntropyWithLogitsBackward(TensorLayout grad, TensorLayout input, TensorLayout target, TensorLayout? weight, TensorLayout? posWeight, LossReduction reduction, TensorLayout gradInput) { }
    public void NllLossBackward(TensorLayout target, long ignoreIndex, double scale, TensorLayout gradInput) { }
    public void Embedding(TensorLayout weight, TensorLayout indices, TensorLayout result) { }
    public void EmbeddingBackward(TensorLayout grad, TensorLayout indices, long paddingIdx, TensorLayout gradWeight) { }
    public void BatchNorm(TensorLayout input, TensorLayout? weight, TensorLayout? bias, TensorLayout? runningMean, TensorLayout? runningVar, bool training, double momentum, double eps, TensorLayout output, TensorLayout saveMean, TensorLayout saveInvstd) { }
    public void BatchNormBackward(TensorLayout grad, TensorLayout input, TensorLayout? weight, TensorLayout saveMean, TensorLayout saveInvstd, bool training, TensorLayout? gradInput, TensorLayout? gradWeight, TensorLayout? gradBias) { }
    public void LayerNorm(TensorLayout input, TensorLayout? weight, TensorLayout? bias, double eps, TensorLayout output, TensorLayout mean, TensorLayout rstd) { }
    public void LayerNormBackward(TensorLayout grad, TensorLayout input, TensorLayout? weight, TensorLayout mean, TensorLayout rstd, TensorLayout? gradInput, TensorLayout? gradWeight, TensorLayout? gradBias, bool accumulateInput) { }
    public void RmsNorm(TensorLayout input, TensorLayout? weight, double eps, TensorLayout output, TensorLayout rstd) { }
    public void RmsNormBackward(TensorLayout grad, TensorLayout input, TensorLayout? weight, TensorLayout rstd, TensorLayout? gradInput, TensorLayout? gradWeight) { }
    public void GroupNorm(TensorLayout input, long groups, TensorLayout? weight, TensorLayout? bias, double eps, TensorLayout output, TensorLayout mean, TensorLayout rstd) { }
    public void GroupNormBackward(TensorLayout grad, TensorLayout input, long groups, TensorLayout? weight, TensorLayout mean, TensorLayout rstd, TensorLayout? gradInput, TensorLayout? gradWeight, TensorLayout? gradBias) { }

    /// <summary>No values to read which rows count: every row is taken to count (only the backward's scale uses it, and it computes nothing here).</summary>
    public long NllLoss(TensorLayout input, TensorLayout target, long ignoreIndex, LossReduction reduction, TensorLayout result) => input.Shape.Length > 0 ? input.Shape[0] : 1;
}

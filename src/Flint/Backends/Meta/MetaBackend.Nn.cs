namespace Flint.Backends.Meta;

// The fused nn kernels on meta: the op layer has made every output with its shape and dtype; nothing to compute.
internal sealed partial class MetaBackend
{
    public void PointwiseLoss(PointwiseLossKind kind, Tensor input, Tensor target, double param, LossReduction reduction, Tensor result) { }
    public void PointwiseLossBackward(PointwiseLossKind kind, Tensor grad, Tensor input, Tensor target, double param, LossReduction reduction, Tensor gradInput) { }
    public void BinaryCrossEntropy(Tensor input, Tensor target, Tensor? weight, LossReduction reduction, Tensor result) { }
    public void BinaryCrossEntropyBackward(Tensor grad, Tensor input, Tensor target, Tensor? weight, LossReduction reduction, Tensor gradInput) { }
    public void BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight, Tensor? posWeight, LossReduction reduction, Tensor result) { }
    public void BinaryCrossEntropyWithLogitsBackward(Tensor grad, Tensor input, Tensor target, Tensor? weight, Tensor? posWeight, LossReduction reduction, Tensor gradInput) { }
    public void NllLossBackward(Tensor target, long ignoreIndex, double scale, Tensor gradInput) { }
    public void Embedding(Tensor weight, Tensor indices, Tensor result) { }
    public void EmbeddingBackward(Tensor grad, Tensor indices, long paddingIdx, Tensor gradWeight) { }
    public void BatchNorm(Tensor input, Tensor? weight, Tensor? bias, Tensor? runningMean, Tensor? runningVar, bool training, double momentum, double eps, Tensor output, Tensor saveMean, Tensor saveInvstd) { }
    public void BatchNormBackward(Tensor grad, Tensor input, Tensor? weight, Tensor saveMean, Tensor saveInvstd, bool training, Tensor? gradInput, Tensor? gradWeight, Tensor? gradBias) { }
    public void LayerNorm(Tensor input, Tensor? weight, Tensor? bias, double eps, Tensor output, Tensor mean, Tensor rstd) { }
    public void LayerNormBackward(Tensor grad, Tensor input, Tensor? weight, Tensor mean, Tensor rstd, Tensor? gradInput, Tensor? gradWeight, Tensor? gradBias) { }
    public void GroupNorm(Tensor input, long groups, Tensor? weight, Tensor? bias, double eps, Tensor output, Tensor mean, Tensor rstd) { }
    public void GroupNormBackward(Tensor grad, Tensor input, long groups, Tensor? weight, Tensor mean, Tensor rstd, Tensor? gradInput, Tensor? gradWeight, Tensor? gradBias) { }

    /// <summary>No values to read which rows count: every row is taken to count (only the backward's scale uses it, and it computes nothing here).</summary>
    public long NllLoss(Tensor input, Tensor target, long ignoreIndex, LossReduction reduction, Tensor result) => input._shape.Length > 0 ? input._shape[0] : 1;
}

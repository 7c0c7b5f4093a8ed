namespace Flint.Backends.Meta;

// The CTC kernels on meta: the op layer has made the outputs with their shapes; nothing to compute.
internal sealed partial class MetaBackend
{
    public void CtcLoss(TensorLayout logProbs, TensorLayout targets, long[] targetOffsets, long[] inputLengths, long[] targetLengths, long blank,
        TensorLayout negLogLikelihood, TensorLayout logAlpha) { }

    public void CtcLossBackward(TensorLayout grad, TensorLayout logProbs, TensorLayout targets, long[] targetOffsets, long[] inputLengths, long[] targetLengths,
        long blank, bool zeroInfinity, TensorLayout negLogLikelihood, TensorLayout logAlpha, TensorLayout gradLogProbs) { }
}

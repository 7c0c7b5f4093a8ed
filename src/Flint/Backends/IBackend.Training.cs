namespace Flint.Backends;

// Kernels of the training loop's hottest steps, each what a short chain of elementwise ops computes, in one pass.
public partial interface IBackend
{
    /// <summary>
    /// gradInput[i] = self[i] &lt;= threshold ? 0 : gradOutput[i] (relu's gradient at threshold 0; a NaN in self
    /// passes its gradient). All three have one shape and one float dtype (float32 or float64); gradInput may be
    /// gradOutput itself (each element is read before it is written), otherwise it shares memory with neither.
    /// </summary>
    void ThresholdBackward(TensorLayout gradOutput, TensorLayout self, TensorLayout gradInput, double threshold);

    /// <summary>
    /// y[i] += alpha × x[i] (an optimizer step p.add_(grad, alpha)): y and x of one shape and one float dtype
    /// (float32 or float64), in separate memory.
    /// </summary>
    void Axpy(TensorLayout y, TensorLayout x, double alpha);

    /// <summary>
    /// gradInput[i] = gradOutput[i] × gelu'(self[i]), the exact (erf) form or, when <paramref name="tanh"/>, the tanh
    /// form's derivative, as PyTorch's GeluBackward0 computes it. All three contiguous, of one shape and one float
    /// dtype (float32 or float64); gradInput may be gradOutput itself, otherwise it shares memory with neither.
    /// </summary>
    void GeluBackward(TensorLayout gradOutput, TensorLayout self, TensorLayout gradInput, bool tanh);

    /// <summary>
    /// One Adam/AdamW step (PyTorch's single-tensor formula) over a parameter in one pass, each operation rounded in
    /// the dtype in the order the chain of in-place ops rounds: param ×= decay (AdamW's 1 − lr·weight_decay, 1 for
    /// none); expAvg = lerp(expAvg, g, 1 − beta1); expAvgSq = expAvgSq·beta2 + ((1 − beta2)·g)·g; param +=
    /// (−stepSize·expAvg) / (sqrt(expAvgSq) / biasCorrection2Sqrt + eps), with g = −grad when maximizing. All four
    /// contiguous, of one shape and one float dtype (float32 or float64), in separate memory.
    /// </summary>
    void AdamStep(TensorLayout param, TensorLayout grad, TensorLayout expAvg, TensorLayout expAvgSq,
        double decay, double beta1, double beta2, double biasCorrection2Sqrt, double eps, double stepSize, bool maximize);
}

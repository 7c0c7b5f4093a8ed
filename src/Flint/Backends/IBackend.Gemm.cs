namespace Flint.Backends;

public partial interface IBackend
{
    /// <summary>
    /// Batched general matrix product: <c>c[i] = alpha * a[i] @ b[i] + beta * c[i]</c> for every batch index i.
    /// <paramref name="a"/> is [batch, m, k], <paramref name="b"/> [batch, k, n], <paramref name="c"/> [batch, m, n],
    /// all of one dtype (float32, float64 or an integer dtype), on this device, with arbitrary strides (a batch
    /// stride of 0 broadcasts an operand). When beta is 0, c is written without being read (NaN in c does not
    /// propagate); when alpha is 0 the product is not computed. c must not overlap a or b.
    /// </summary>
    void Gemm(TensorLayout a, TensorLayout b, TensorLayout c, Scalar alpha, Scalar beta);

    /// <summary>The inner product of two 1-D tensors of one dtype with equal lengths, written to the 0-dim <paramref name="y"/>.</summary>
    void Dot(TensorLayout a, TensorLayout b, TensorLayout y);
}

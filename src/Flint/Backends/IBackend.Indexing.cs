namespace Flint.Backends;

/// <summary>How <see cref="IBackend.IndexScatter"/> combines a value with the element it lands on.</summary>
public enum ScatterReduce
{
    /// <summary>The source values replace the target's (<c>scatter</c>).</summary>
    None,
    /// <summary>The source values are added to the target's (<c>reduce="add"</c>, <c>"sum"</c>).</summary>
    Add,
    /// <summary>The target's values are multiplied by the source values (<c>reduce="multiply"</c>, <c>"prod"</c>).</summary>
    Multiply,
    /// <summary>The larger of the target's and the source values is kept (<c>reduce="amax"</c>).</summary>
    Max,
    /// <summary>The smaller of the target's and the source values is kept (<c>reduce="amin"</c>).</summary>
    Min,
}

// Kernels for indexing ops (advanced indexing, gather/scatter, index_select/index_add_, nonzero). The op layer
// validates and normalizes every index (int64, non-negative, in range) and restrides the operands so that a
// kernel only walks one iteration shape.
public partial interface IBackend
{
    /// <summary>
    /// dst[i] = src[offset_src(i) + Σ_k indices[k][i] × strides[k]]: src and every index tensor are already
    /// seen at dst's shape (src has stride 0 along the indexed dims); dst and src share one dtype.
    /// </summary>
    void IndexGather(TensorLayout dst, TensorLayout src, TensorLayout[] indices, long[] strides);

    /// <summary>
    /// dst[offset_dst(i) + Σ_k indices[k][i] × strides[k]] (=, +=, ×=, max=, min=) src[i] over src's shape: dst and every
    /// index tensor are seen at src's shape; dst and src share one dtype. Later elements win on duplicates.
    /// </summary>
    void IndexScatter(TensorLayout dst, TensorLayout src, TensorLayout[] indices, long[] strides, ScatterReduce reduce);

    /// <summary>The coordinates of the true elements of a bool tensor in row-major order: int64 [n, ndim], in new contiguous storage.</summary>
    TensorLayout Nonzero(TensorLayout mask);
}

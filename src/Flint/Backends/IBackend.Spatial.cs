namespace Flint.Backends;

/// <summary>
/// Resampling of one dim: output position o reads <see cref="Taps"/> input positions <c>Index[o·Taps + k]</c>, weighted
/// by <c>Weights[o·Taps + k]</c> (no weights: a plain gather of one position per output). The op layer builds the
/// table (the index arithmetic of padding and interpolation); a backend only applies it.
/// </summary>
public sealed class ResampleTable
{
    /// <summary>The number of input samples each output sample mixes.</summary>
    public int Taps { get; }
    /// <summary>For each output sample and tap, the index of the input sample it reads.</summary>
    public int[] Index { get; }
    /// <summary>For each output sample and tap, its weight; null when every tap has weight 1 (nearest).</summary>
    public double[]? Weights { get; }

    /// <summary>A resampling table of <paramref name="taps"/> taps per output sample.</summary>
    public ResampleTable(int taps, int[] index, double[]? weights)
    {
        if (taps < 1 || index.Length % taps != 0 || (weights is null ? taps != 1 : weights.Length != index.Length))
            throw new ArgumentException("a resample table has taps >= 1 per output, as many weights as positions, and one position per output when unweighted");
        Taps = taps; Index = index; Weights = weights;
    }

    /// <summary>The output length of the resampled dim.</summary>
    public int Length => Index.Length / Taps;
}

// Kernels of padding and interpolation. Operands are contiguous and viewed as [outer, n, inner] (the resampled dim
// in the middle); the op layer allocates the results.
public partial interface IBackend
{
    /// <summary>
    /// y [outer, m, inner] (overwritten) from x [outer, n, inner]: y[a, o, b] = Σₖ w[o, k]·x[a, index[o, k], b], or
    /// x[a, index[o, 0], b] when the table has no weights (any dtype; weighted: float32 and float64).
    /// </summary>
    void Resample(TensorLayout x, TensorLayout y, ResampleTable table);

    /// <summary>
    /// The adjoint of <see cref="Resample"/>: gx [outer, n, inner] (overwritten) gets each gy[a, o, b] added, weighted,
    /// at every position the table reads for o (float32 and float64).
    /// </summary>
    void ResampleBackward(TensorLayout gy, TensorLayout gx, ResampleTable table);
}

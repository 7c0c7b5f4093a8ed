namespace Flint.Backends;

// Kernels of pooling, over P contiguous planes [P, H, W] or (with a depth in the geometry) volumes [P, D, H, W].
// Every operand is contiguous and of the compute dtype; the op layer validates arguments, computes output sizes
// and allocates the results.
public partial interface IBackend
{
    /// <summary>
    /// Max pooling of input [P, H, W] (P planes) into output [P, OH, OW], with indices (int64, the flat position
    /// h·W + w of the maximum in its plane). NaN wins over any number. With a depth in g the P planes are volumes
    /// [P, D, H, W] and the positions (d·H + h)·W + w. The other pools take volumes the same way.
    /// </summary>
    void MaxPool(TensorLayout input, TensorLayout output, TensorLayout indices, WindowGeometry g);

    /// <summary>gradInput [P, H·W] (overwritten) gets gradOutput [P, L] added at indices [P, L].</summary>
    void MaxPoolBackward(TensorLayout gradOutput, TensorLayout indices, TensorLayout gradInput);

    /// <summary>Average pooling [P, H, W] → [P, OH, OW]; windows are clipped to H + PH, W + PW (ceil mode) and to the input.</summary>
    void AvgPool(TensorLayout input, TensorLayout output, WindowGeometry g, bool countIncludePad, long divisorOverride);

    /// <summary>The adjoint of <see cref="AvgPool"/>: gradInput [P, H, W] is overwritten.</summary>
    void AvgPoolBackward(TensorLayout gradOutput, TensorLayout gradInput, WindowGeometry g, bool countIncludePad, long divisorOverride);

    /// <summary>Adaptive average pooling [P, H, W] → [P, OH, OW] (only H, W, OH, OW of g are used).</summary>
    void AdaptiveAvgPool(TensorLayout input, TensorLayout output, WindowGeometry g);

    /// <summary>The adjoint of <see cref="AdaptiveAvgPool"/>: gradInput [P, H, W] is overwritten.</summary>
    void AdaptiveAvgPoolBackward(TensorLayout gradOutput, TensorLayout gradInput, WindowGeometry g);

    /// <summary>Adaptive max pooling [P, H, W] → [P, OH, OW] with int64 flat indices into each plane.</summary>
    void AdaptiveMaxPool(TensorLayout input, TensorLayout output, TensorLayout indices, WindowGeometry g);
}

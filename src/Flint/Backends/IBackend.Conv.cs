namespace Flint.Backends;

/// <summary>
/// The shape of a 2-D sliding window over planes of H×W: kernel, stride, dilation, the padding before the first
/// row/column, and the output size (already computed by the op layer, so asymmetric padding and ceil mode need
/// nothing more here).
/// </summary>
public readonly record struct WindowGeometry(
    int H, int W, int KH, int KW, int SH, int SW, int PH, int PW, int DH, int DW, int OH, int OW)
{
    public int Plane => H * W;
    public int OutPlane => OH * OW;
}

// Kernels of convolution and pooling. Every operand here is contiguous and of the compute dtype (float32 or
// float64); the op layer validates arguments, converts dtypes, computes output sizes and allocates the results.
public partial interface IBackend
{
    /// <summary>
    /// y = conv(x, w) + bias: x [N, Ci, H, W], w [Co, Ci/groups, KH, KW], bias [Co] or none, y [N, Co, OH, OW]
    /// (overwritten). A backend may run samples in parallel and keep its own scratch memory.
    /// </summary>
    void ConvForward(TensorLayout x, TensorLayout w, TensorLayout? bias, TensorLayout y, WindowGeometry g, int groups);

    /// <summary>The input gradient gx = convᵀ(gy, w): gy [N, Co, OH, OW], w as in <see cref="ConvForward"/>, gx [N, Ci, H, W] (overwritten).</summary>
    void ConvInputGrad(TensorLayout gy, TensorLayout w, TensorLayout gx, WindowGeometry g, int groups);

    /// <summary>
    /// The weight gradient gw = Σₙ gy ⋆ x: x [N, Ci, H, W], gy [N, Co, OH, OW], gw [Co, Ci/groups, KH, KW]
    /// (overwritten; zero for an empty batch). The sum over samples must not depend on the thread count.
    /// </summary>
    void ConvWeightGrad(TensorLayout x, TensorLayout gy, TensorLayout gw, WindowGeometry g, int groups);

    /// <summary>
    /// Unfolds input [N, C, H, W] into columns [C·KH·KW, N·OH·OW]: row (c, i, j), column (n, oh, ow) holds
    /// input[n, c, oh·SH − PH + i·DH, ow·SW − PW + j·DW], or 0 where that falls in the padding.
    /// </summary>
    void Im2Col(TensorLayout input, TensorLayout columns, WindowGeometry g);

    /// <summary>The adjoint of <see cref="Im2Col"/>: adds each column entry into input [N, C, H, W] (which is overwritten).</summary>
    void Col2Im(TensorLayout columns, TensorLayout input, WindowGeometry g);

    /// <summary>
    /// Max pooling of input [P, H, W] (P planes) into output [P, OH, OW], with indices (int64, the flat position
    /// h·W + w of the maximum in its plane). NaN wins over any number.
    /// </summary>
    void MaxPool2d(TensorLayout input, TensorLayout output, TensorLayout indices, WindowGeometry g);

    /// <summary>gradInput [P, H·W] (overwritten) gets gradOutput [P, L] added at indices [P, L].</summary>
    void MaxPoolBackward(TensorLayout gradOutput, TensorLayout indices, TensorLayout gradInput);

    /// <summary>Average pooling [P, H, W] → [P, OH, OW]; windows are clipped to H + PH, W + PW (ceil mode) and to the input.</summary>
    void AvgPool2d(TensorLayout input, TensorLayout output, WindowGeometry g, bool countIncludePad, long divisorOverride);

    /// <summary>The adjoint of <see cref="AvgPool2d"/>: gradInput [P, H, W] is overwritten.</summary>
    void AvgPool2dBackward(TensorLayout gradOutput, TensorLayout gradInput, WindowGeometry g, bool countIncludePad, long divisorOverride);

    /// <summary>Adaptive average pooling [P, H, W] → [P, OH, OW] (only H, W, OH, OW of g are used).</summary>
    void AdaptiveAvgPool2d(TensorLayout input, TensorLayout output, WindowGeometry g);

    /// <summary>The adjoint of <see cref="AdaptiveAvgPool2d"/>: gradInput [P, H, W] is overwritten.</summary>
    void AdaptiveAvgPool2dBackward(TensorLayout gradOutput, TensorLayout gradInput, WindowGeometry g);

    /// <summary>Adaptive max pooling [P, H, W] → [P, OH, OW] with int64 flat indices into each plane.</summary>
    void AdaptiveMaxPool2d(TensorLayout input, TensorLayout output, TensorLayout indices, WindowGeometry g);
}

namespace Flint.Backends;

/// <summary>
/// The shape of a 2-D sliding window over planes of H×W: kernel, stride, dilation, the padding before the first
/// row/column, and the output size (already computed by the op layer, so asymmetric padding and ceil mode need
/// nothing more here).
/// </summary>
internal readonly record struct WindowGeometry(
    int H, int W, int KH, int KW, int SH, int SW, int PH, int PW, int DH, int DW, int OH, int OW)
{
    public int Plane => H * W;
    public int OutPlane => OH * OW;
}

// Kernels of convolution and pooling. Every tensor here is contiguous and of the compute dtype; the op layer
// validates arguments, converts dtypes, and computes output sizes.
internal partial interface IBackend
{
    /// <summary>
    /// Unfolds input [N, C, H, W] into columns [C·KH·KW, N·OH·OW]: row (c, i, j), column (n, oh, ow) holds
    /// input[n, c, oh·SH − PH + i·DH, ow·SW − PW + j·DW], or 0 where that falls in the padding.
    /// </summary>
    void Im2Col(Tensor input, Tensor columns, WindowGeometry g);

    /// <summary>The adjoint of <see cref="Im2Col"/>: adds each column entry into input [N, C, H, W] (which is overwritten).</summary>
    void Col2Im(Tensor columns, Tensor input, WindowGeometry g);

    /// <summary>
    /// Max pooling of input [P, H, W] (P planes) into output [P, OH, OW], with indices (int64, the flat position
    /// h·W + w of the maximum in its plane). NaN wins over any number.
    /// </summary>
    void MaxPool2d(Tensor input, Tensor output, Tensor indices, WindowGeometry g);

    /// <summary>gradInput [P, H·W] (overwritten) gets gradOutput [P, L] added at indices [P, L].</summary>
    void MaxPoolBackward(Tensor gradOutput, Tensor indices, Tensor gradInput);

    /// <summary>Average pooling [P, H, W] → [P, OH, OW]; windows are clipped to H + PH, W + PW (ceil mode) and to the input.</summary>
    void AvgPool2d(Tensor input, Tensor output, WindowGeometry g, bool countIncludePad, long divisorOverride);

    /// <summary>The adjoint of <see cref="AvgPool2d"/>: gradInput [P, H, W] is overwritten.</summary>
    void AvgPool2dBackward(Tensor gradOutput, Tensor gradInput, WindowGeometry g, bool countIncludePad, long divisorOverride);

    /// <summary>Adaptive average pooling [P, H, W] → [P, OH, OW] (only H, W, OH, OW of g are used).</summary>
    void AdaptiveAvgPool2d(Tensor input, Tensor output, WindowGeometry g);

    /// <summary>The adjoint of <see cref="AdaptiveAvgPool2d"/>: gradInput [P, H, W] is overwritten.</summary>
    void AdaptiveAvgPool2dBackward(Tensor gradOutput, Tensor gradInput, WindowGeometry g);

    /// <summary>Adaptive max pooling [P, H, W] → [P, OH, OW] with int64 flat indices into each plane.</summary>
    void AdaptiveMaxPool2d(Tensor input, Tensor output, Tensor indices, WindowGeometry g);
}

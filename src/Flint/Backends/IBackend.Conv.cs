namespace Flint.Backends;

/// <summary>
/// The shape of a sliding window over planes of H×W, or volumes of D×H×W: kernel, stride, dilation, the padding
/// before the first row/column (slice), and the output size (already computed by the op layer, so asymmetric
/// padding and ceil mode need nothing more here). The depth members default to a single slice, so a 2-D window
/// states only the twelve of its constructor.
/// </summary>
public readonly record struct WindowGeometry(
    int H, int W, int KH, int KW, int SH, int SW, int PH, int PW, int DH, int DW, int OH, int OW)
{
    /// <summary>Input depth (1 for planes).</summary>
    public int D { get; init; } = 1;
    /// <summary>Kernel depth.</summary>
    public int KD { get; init; } = 1;
    /// <summary>Stride along the depth.</summary>
    public int SD { get; init; } = 1;
    /// <summary>Padding before the first slice.</summary>
    public int PD { get; init; } = 0;
    /// <summary>Dilation along the depth.</summary>
    public int DD { get; init; } = 1;
    /// <summary>Output depth.</summary>
    public int OD { get; init; } = 1;

    /// <summary>Elements of one input plane (or volume).</summary>
    public int Plane => D * H * W;
    /// <summary>Elements of one output plane (or volume).</summary>
    public int OutPlane => OD * OH * OW;
    /// <summary>Taps of the kernel.</summary>
    public int Taps => KD * KH * KW;
    /// <summary>True for a window over single planes.</summary>
    public bool Flat => D == 1 && KD == 1 && OD == 1 && PD == 0;
}

// Kernels of convolution (pooling: IBackend.Pooling.cs). Every operand here is contiguous and of the compute dtype (float32 or
// float64); the op layer validates arguments, converts dtypes, computes output sizes and allocates the results.
public partial interface IBackend
{
    /// <summary>
    /// y = conv(x, w) + bias: x [N, Ci, H, W], w [Co, Ci/groups, KH, KW], bias [Co] or none, y [N, Co, OH, OW]
    /// (overwritten); with a depth in g, x [N, Ci, D, H, W], w [Co, Ci/groups, KD, KH, KW], y [N, Co, OD, OH, OW].
    /// A backend may run samples in parallel and keep its own scratch memory.
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
    /// input[n, c, oh·SH − PH + i·DH, ow·SW − PW + j·DW], or 0 where that falls in the padding. With a depth in g
    /// (input [N, C, D, H, W]), rows are (c, t, i, j) and columns (n, od, oh, ow), the depth index od·SD − PD + t·DD.
    /// </summary>
    void Im2Col(TensorLayout input, TensorLayout columns, WindowGeometry g);

    /// <summary>The adjoint of <see cref="Im2Col"/>: adds each column entry into input [N, C, H, W] (which is overwritten).</summary>
    void Col2Im(TensorLayout columns, TensorLayout input, WindowGeometry g);
}

namespace Flint.Backends;

// The pointwise half of a recurrent cell in one pass (the matrix products stay GEMMs).
public partial interface IBackend
{
    /// <summary>
    /// One LSTM cell's pointwise step (PyTorch's _thnn_fused_lstm_cell): gates = inputGates + hiddenGates, split into
    /// i, f, g, o along the last dim; i, f, o through sigmoid and g through tanh, kept in <paramref name="workspace"/> in
    /// that order; cy = f·cx + i·g; hy = o·tanh(cy). The gates and the workspace are contiguous [B, 4H]; cx, hy and
    /// cy contiguous [B, H]; all of one float dtype (float32 or float64), in separate memory.
    /// </summary>
    void LstmCell(TensorLayout inputGates, TensorLayout hiddenGates, TensorLayout cx, TensorLayout hy, TensorLayout cy, TensorLayout workspace);

    /// <summary>
    /// The gradients of <see cref="LstmCell"/> from those of hy and cy (either may be absent: zero): gradGates [B, 4H]
    /// (the gradient of both gate inputs) and gradCx [B, H], from cx, cy and the workspace the forward kept. Shapes and
    /// dtypes as the forward's, all contiguous, in separate memory.
    /// </summary>
    void LstmCellBackward(TensorLayout? gradHy, TensorLayout? gradCy, TensorLayout cx, TensorLayout cy, TensorLayout workspace,
        TensorLayout gradGates, TensorLayout gradCx);
}

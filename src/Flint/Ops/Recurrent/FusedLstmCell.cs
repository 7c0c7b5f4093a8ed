using Flint.Autograd;

namespace Flint.Ops;

/// <summary>
/// The LSTM cell's pointwise step as one op and one autograd node (PyTorch's _thnn_fused_lstm_cell and its
/// ThnnFusedLstmCellBackward0): the sequence layers run it instead of the chain of a dozen elementwise ops per time
/// step, whose nodes and strided gate views cost more than the step's arithmetic. Its backward is one kernel, or,
/// when the gradient must itself be differentiable (create_graph), the same formula in differentiable ops.
/// </summary>
internal static class FusedLstmCell
{
    /// <summary>Whether the fused step computes a cell of these operands (CPU, float32 or float64, one dtype); the composed ops otherwise.</summary>
    internal static bool Applies(Tensor inputGates, Tensor hiddenGates, Tensor cx) =>
        cx.device == Device.CPU && hiddenGates.device == Device.CPU && inputGates.device == Device.CPU
        && (cx.dtype == DType.Float32 || cx.dtype == DType.Float64) && inputGates.dtype == cx.dtype && hiddenGates.dtype == cx.dtype
        && cx.ndim == 2 && inputGates.ndim == 2 && hiddenGates.ndim == 2
        && inputGates.size(0) == cx.size(0) && inputGates.size(1) == 4 * cx.size(1)
        && hiddenGates._shape.AsSpan().SequenceEqual(inputGates._shape);

    /// <summary>(hy, cy) of one step from the two gate projections [B, 4H] (biases included) and the cell state [B, H].</summary>
    internal static (Tensor hy, Tensor cy) Apply(Tensor inputGates, Tensor hiddenGates, Tensor cx)
    {
        Tensor ig, hg, c;
        using (torch.no_grad()) { ig = inputGates.detach().contiguous(); hg = hiddenGates.detach().contiguous(); c = cx.detach().contiguous(); }
        long b = cx.size(0), h = cx.size(1);
        var hy = Tensor.Empty([b, h], cx.dtype, cx.device);
        var cy = Tensor.Empty([b, h], cx.dtype, cx.device);
        var workspace = Tensor.Empty([b, 4 * h], cx.dtype, cx.device);
        hy.Backend.LstmCell(ig, hg, c, hy, cy, workspace);
        var r = Derivative.RecordMulti([hy, cy], [inputGates, hiddenGates, cx], (inputGates, hiddenGates, cx, c, cy, workspace));
        return (r[0], r[1]);
    }

    /// <summary>The node's backward: gradients of both gate inputs (the same tensor) and of cx, from those of hy and cy.</summary>
    private static readonly Kernels.NodeDerivative<(Tensor inputGates, Tensor hiddenGates, Tensor cx, Tensor c, Tensor cy, Tensor workspace)> Derivative =
        Kernels.NodeDerivative<(Tensor inputGates, Tensor hiddenGates, Tensor cx, Tensor c, Tensor cy, Tensor workspace)>.Multi(
            "ThnnFusedLstmCellBackward0", (grads, s) => Backward(grads[0], grads[1], s.inputGates, s.hiddenGates, s.cx, s.c, s.cy, s.workspace),
            s => [s.c, s.workspace]);

    private static Tensor?[] Backward(Tensor? dhy, Tensor? dcy, Tensor inputGates, Tensor hiddenGates, Tensor cx, Tensor c, Tensor cy, Tensor workspace)
    {
        if (dhy is null && dcy is null) return [null, null, null];
        Tensor gradGates, gradCx;
        if (GradMode.IsEnabled)
        {
            // the formula in differentiable ops, from the gates recomputed from the inputs
            var gates = (hiddenGates + inputGates).chunk(4, 1);
            var i = torch.sigmoid(gates[0]); var f = torch.sigmoid(gates[1]); var g = torch.tanh(gates[2]); var o = torch.sigmoid(gates[3]);
            var tc = torch.tanh(f * cx + i * g);
            var dc = dcy ?? torch.zeros_like(tc);
            if (dhy is not null) dc = dc + dhy * o * (1 - tc * tc);
            var dout = dhy is null ? torch.zeros_like(tc) : dhy * tc * o * (1 - o);
            gradGates = torch.cat([dc * g * i * (1 - i), dc * cx * f * (1 - f), dc * i * (1 - g * g), dout], 1);
            gradCx = dc * f;
        }
        else
        {
            Tensor? gh = dhy, gc = dcy;
            if (gh is not null && gh.dtype != cy.dtype) gh = gh.to(cy.dtype);
            if (gc is not null && gc.dtype != cy.dtype) gc = gc.to(cy.dtype);
            gh = gh?.contiguous(); gc = gc?.contiguous();
            gradGates = Tensor.Empty(workspace._shape, workspace.dtype, workspace.device);
            gradCx = Tensor.Empty(cy._shape, cy.dtype, cy.device);
            gradGates.Backend.LstmCellBackward(gh, gc, c, cy, workspace, gradGates, gradCx);
        }
        return [inputGates.requires_grad ? gradGates : null, hiddenGates.requires_grad ? gradGates : null, cx.requires_grad ? gradCx : null];
    }
}

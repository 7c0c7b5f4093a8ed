using System.Numerics;
using System.Numerics.Tensors;

namespace Flint.Backends.Cpu;

// The LSTM cell's pointwise step and its gradient, row by row of the batch: the forward with the same
// TensorPrimitives routines (sigmoid, tanh, products, sums) and the same rounding order as the chain of elementwise
// ops it replaces, so a fused and a composed cell agree.
internal sealed partial class CpuBackend
{
    public void LstmCell(TensorLayout inputGates, TensorLayout hiddenGates, TensorLayout cx, TensorLayout hy, TensorLayout cy, TensorLayout workspace)
    {
        CheckSameShape("_thnn_fused_lstm_cell", inputGates, hiddenGates, workspace);
        CheckSameShape("_thnn_fused_lstm_cell", cx, hy, cy);
        CheckLstm("_thnn_fused_lstm_cell", inputGates, cx, inputGates, hiddenGates, cx, hy, cy, workspace);
        DTypeDispatch.Floating(cx.DType, "_thnn_fused_lstm_cell", new LstmCellV(inputGates, hiddenGates, cx, hy, cy, workspace));
    }

    public void LstmCellBackward(TensorLayout? gradHy, TensorLayout? gradCy, TensorLayout cx, TensorLayout cy, TensorLayout workspace,
        TensorLayout gradGates, TensorLayout gradCx)
    {
        CheckSameShape("_thnn_fused_lstm_cell_backward", workspace, gradGates, gradGates);
        CheckSameShape("_thnn_fused_lstm_cell_backward", cx, cy, gradCx);
        foreach (var gr in new[] { gradHy, gradCy })
            if (gr is { } l) CheckSameShape("_thnn_fused_lstm_cell_backward", l, cx, cx);
        CheckLstm("_thnn_fused_lstm_cell_backward", workspace, cx, gradHy, gradCy, cx, cy, workspace, gradGates, gradCx);
        DTypeDispatch.Floating(cx.DType, "_thnn_fused_lstm_cell_backward", new LstmCellBackwardV(gradHy, gradCy, cx, cy, workspace, gradGates, gradCx));
    }

    /// <summary>gates [B, 4H] and state [B, H] of one float dtype, every operand contiguous.</summary>
    private static void CheckLstm(string op, TensorLayout gates, TensorLayout state, params TensorLayout?[] all)
    {
        if (gates.Shape.Length != 2 || state.Shape.Length != 2 || gates.Shape[0] != state.Shape[0] || gates.Shape[1] != 4 * state.Shape[1]
            || gates.DType != state.DType)
            throw new ArgumentException($"{op}: gates {gates} do not match the state {state}");
        foreach (var t in all)
            if (t is { } l && !l.IsContiguous) throw new ArgumentException($"{op}: operands must be contiguous: {l}");
    }

    private readonly struct LstmCellV(TensorLayout ig, TensorLayout hg, TensorLayout cx, TensorLayout hy, TensorLayout cy, TensorLayout ws) : IFloatVisitor
    {
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            int b = checked((int)cx.Shape[0]), h = checked((int)cx.Shape[1]);
            T[] iga = Arr<T>(ig), hga = Arr<T>(hg), cxa = Arr<T>(cx), hya = Arr<T>(hy), cya = Arr<T>(cy), wsa = Arr<T>(ws);
            long oig = ig.Offset, ohg = hg.Offset, ocx = cx.Offset, ohy = hy.Offset, ocy = cy.Offset, ows = ws.Offset;
            WorkerPool.For(b, Math.Max(1, KernelOptions.Grain() / Math.Max(1, 8L * h)), (r0, r1) =>
            {
                for (long r = r0; r < r1; r++)
                {
                    var gates = wsa.AsSpan((int)(ows + r * 4 * h), 4 * h);
                    TensorPrimitives.Add<T>(hga.AsSpan((int)(ohg + r * 4 * h), 4 * h), iga.AsSpan((int)(oig + r * 4 * h), 4 * h), gates);
                    Span<T> i = gates[..h], f = gates.Slice(h, h), g = gates.Slice(2 * h, h), o = gates.Slice(3 * h, h);
                    TensorPrimitives.Sigmoid<T>(i, i);
                    TensorPrimitives.Sigmoid<T>(f, f);
                    TensorPrimitives.Tanh<T>(g, g);
                    TensorPrimitives.Sigmoid<T>(o, o);
                    var c0 = cxa.AsSpan((int)(ocx + r * h), h);
                    var c1 = cya.AsSpan((int)(ocy + r * h), h);
                    var hr = hya.AsSpan((int)(ohy + r * h), h);
                    // cy = f·cx + i·g, each product rounded before the sum (hy's row holds i·g meanwhile)
                    TensorPrimitives.Multiply<T>(f, c0, c1);
                    TensorPrimitives.Multiply<T>(i, g, hr);
                    TensorPrimitives.Add<T>(c1, hr, c1);
                    TensorPrimitives.Tanh<T>(c1, hr);
                    TensorPrimitives.Multiply<T>(o, hr, hr);
                }
            });
        }
    }

    private readonly struct LstmCellBackwardV(TensorLayout? ghy, TensorLayout? gcy, TensorLayout cx, TensorLayout cy, TensorLayout ws,
        TensorLayout gg, TensorLayout gcx) : IFloatVisitor
    {
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            int b = checked((int)cx.Shape[0]), h = checked((int)cx.Shape[1]);
            T[]? ghya = ghy is { } a ? Arr<T>(a) : null, gcya = gcy is { } c ? Arr<T>(c) : null;
            T[] cxa = Arr<T>(cx), cya = Arr<T>(cy), wsa = Arr<T>(ws), gga = Arr<T>(gg), gcxa = Arr<T>(gcx);
            long oghy = ghy?.Offset ?? 0, ogcy = gcy?.Offset ?? 0, ocx = cx.Offset, ocy = cy.Offset, ows = ws.Offset, ogg = gg.Offset, ogcx = gcx.Offset;
            WorkerPool.For(b, Math.Max(1, KernelOptions.Grain() / Math.Max(1, 8L * h)), (r0, r1) =>
            {
                for (long r = r0; r < r1; r++)
                {
                    long w = ows + r * 4 * h, d = ogg + r * 4 * h, s = r * h;
                    for (int j = 0; j < h; j++)
                    {
                        T i = wsa[w + j], f = wsa[w + h + j], g = wsa[w + 2 * h + j], o = wsa[w + 3 * h + j];
                        T dh = ghya is null ? T.Zero : ghya[oghy + s + j];
                        T dc = gcya is null ? T.Zero : gcya[ogcy + s + j];
                        T tc = T.Tanh(cya[ocy + s + j]);
                        // through hy = o·tanh(cy) into cy, then cy = f·cx + i·g into the gates and cx
                        dc += dh * o * (T.One - tc * tc);
                        T c0 = cxa[ocx + s + j];
                        gga[d + j] = dc * g * i * (T.One - i);
                        gga[d + h + j] = dc * c0 * f * (T.One - f);
                        gga[d + 2 * h + j] = dc * i * (T.One - g * g);
                        gga[d + 3 * h + j] = dh * tc * o * (T.One - o);
                        gcxa[ogcx + s + j] = dc * f;
                    }
                }
            });
        }
    }
}

using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Modules;

/// <summary>The kind of recurrence a recurrent layer runs (PyTorch's RNNBase mode).</summary>
internal enum RecurrentMode { RnnTanh, RnnRelu, Lstm, Gru }

/// <summary>The weights of one layer and direction: W_ih, W_hh, the two biases (or null) and W_hr (LSTM with proj_size).</summary>
internal readonly record struct RecurrentWeights(Tensor Wih, Tensor Whh, Tensor? Bih, Tensor? Bhh, Tensor? Whr);

/// <summary>
/// The recurrences as compositions of differentiable ops, in the order of PyTorch's CPU cells (aten/src/ATen/native/RNN.cpp):
/// a step adds the hidden projection to the input projection, so the nodes (and the grad_fn names seen from outside)
/// are PyTorch's. The sequence layers project the whole input sequence with one product first, as PyTorch's full layers do.
/// </summary>
internal static class RecurrentMath
{
    /// <summary>The number of gate blocks stacked in W_ih and W_hh.</summary>
    internal static long Gates(RecurrentMode mode) => mode switch { RecurrentMode.Lstm => 4, RecurrentMode.Gru => 3, _ => 1 };

    /// <summary>h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh), given <paramref name="xw"/> = x W_ihᵀ + b_ih.</summary>
    internal static Tensor RnnStep(Tensor xw, Tensor h, in RecurrentWeights w, bool relu)
    {
        var pre = F.linear(h, w.Whh, w.Bhh) + xw;
        return relu ? torch.relu(pre) : torch.tanh(pre);
    }

    /// <summary>
    /// One LSTM step: gates i, f, g, o; c' = f c + i g; h' = o tanh(c') (then h' W_hrᵀ with a projection). With
    /// <paramref name="fused"/> (the sequence layers, whose per-step nodes are not seen from outside) the pointwise
    /// part runs as one op where <see cref="Ops.FusedLstmCell"/> applies; the cell modules keep PyTorch's chain of ops.
    /// </summary>
    internal static (Tensor h, Tensor c) LstmStep(Tensor xw, Tensor h, Tensor c, in RecurrentWeights w, bool fused = false)
    {
        var hidden = F.linear(h, w.Whh, w.Bhh);
        if (fused && w.Whr is null && Ops.FusedLstmCell.Applies(xw, hidden, c)) return Ops.FusedLstmCell.Apply(xw, hidden, c);
        var gates = (hidden + xw).chunk(4, 1);
        var ingate = torch.sigmoid(gates[0]);
        var forgetgate = torch.sigmoid(gates[1]);
        var cellgate = torch.tanh(gates[2]);
        var outgate = torch.sigmoid(gates[3]);
        var cy = forgetgate * c + ingate * cellgate;
        var hy = outgate * torch.tanh(cy);
        if (w.Whr is not null) hy = matmul(hy, w.Whr.t());
        return (hy, cy);
    }

    /// <summary>One GRU step: r = σ(..), z = σ(..), n = tanh(x_n + r (h W_hnᵀ + b_hn)); h' = (h - n) z + n.</summary>
    internal static Tensor GruStep(Tensor xw, Tensor h, in RecurrentWeights w)
    {
        var gi = xw.chunk(3, 1);
        var gh = F.linear(h, w.Whh, w.Bhh).chunk(3, 1);
        var resetgate = torch.sigmoid(gi[0] + gh[0]);
        var inputgate = torch.sigmoid(gi[1] + gh[1]);
        var newgate = torch.tanh(gi[2] + resetgate * gh[2]);
        return (h - newgate) * inputgate + newgate;
    }

    /// <summary>
    /// One layer in one direction over a (T, B, I) sequence from h0 (and c0 for LSTM): the outputs stacked (T, B, H_out)
    /// in time order (a reversed direction runs from the last step and stores each output at its own step), and the
    /// final state.
    /// </summary>
    internal static (Tensor output, Tensor h, Tensor? c) Layer(RecurrentMode mode, Tensor input, Tensor h0, Tensor? c0, in RecurrentWeights w, bool reverse)
    {
        long steps = input.size(0);
        var xw = F.linear(input, w.Wih, w.Bih).unbind(0);
        var outputs = new Tensor[steps];
        Tensor h = h0;
        Tensor? c = c0;
        for (long k = 0; k < steps; k++)
        {
            long t = reverse ? steps - 1 - k : k;
            switch (mode)
            {
                case RecurrentMode.Lstm: (h, c) = LstmStep(xw[t], h, c!, w, fused: true); break;
                case RecurrentMode.Gru: h = GruStep(xw[t], h, w); break;
                default: h = RnnStep(xw[t], h, w, mode == RecurrentMode.RnnRelu); break;
            }
            outputs[t] = h;
        }
        return (stack(outputs, 0), h, c);
    }

    /// <summary>
    /// The stack: layer by layer, each direction from its slice of h0 (c0), the directions' outputs concatenated on the
    /// last dim, dropout between layers in training; the final states stacked in (layer, direction) order as h_n (c_n).
    /// <paramref name="input"/> is (T, B, I); <paramref name="weights"/> holds num_layers × num_directions entries.
    /// </summary>
    internal static (Tensor output, Tensor h_n, Tensor? c_n) Run(RecurrentMode mode, Tensor input, Tensor hx, Tensor? cx, RecurrentWeights[] weights,
        long numLayers, bool bidirectional, double dropout, bool training)
    {
        if (input.size(0) == 0) throw new ArgumentException("Expected sequence length to be larger than 0 in RNN");
        int directions = bidirectional ? 2 : 1;
        var h0 = hx.unbind(0);
        var c0 = cx?.unbind(0);
        var finalH = new Tensor[numLayers * directions];
        var finalC = cx is null ? null : new Tensor[numLayers * directions];
        var layerInput = input;
        for (long l = 0; l < numLayers; l++)
        {
            var outs = new Tensor[directions];
            for (int d = 0; d < directions; d++)
            {
                long idx = l * directions + d;
                var (o, h, c) = Layer(mode, layerInput, h0[idx], c0?[idx], weights[idx], reverse: d == 1);
                outs[d] = o;
                finalH[idx] = h;
                if (finalC is not null) finalC[idx] = c!;
            }
            var layerOutput = directions == 1 ? outs[0] : cat(outs, -1);
            if (dropout != 0 && training && l < numLayers - 1) layerOutput = F.dropout(layerOutput, dropout, training: true);
            layerInput = layerOutput;
        }
        return (layerInput, stack(finalH, 0), finalC is null ? null : stack(finalC, 0));
    }
}

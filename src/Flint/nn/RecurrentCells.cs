using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Modules;

/// <summary>
/// What RNNCell, LSTMCell and GRUCell share (PyTorch's <c>nn.RNNCellBase</c>): weight_ih (gates × hidden, input),
/// weight_hh (gates × hidden, hidden), bias_ih and bias_hh, initialised from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))
/// in that order.
/// </summary>
public abstract class RNNCellBase : nn.Module
{
    private protected readonly RecurrentMode Mode;

    /// <summary>The input-to-hidden weights.</summary>
    public Parameter weight_ih;
    /// <summary>The hidden-to-hidden weights.</summary>
    public Parameter weight_hh;
    /// <summary>The input-to-hidden bias, or null.</summary>
    public Parameter? bias_ih;
    /// <summary>The hidden-to-hidden bias, or null.</summary>
    public Parameter? bias_hh;
    /// <summary>The number of features of the input.</summary>
    public long input_size { get; }
    /// <summary>The number of features of the hidden state.</summary>
    public long hidden_size { get; }
    /// <summary>Whether the cell has the biases.</summary>
    public bool bias { get; }

    private protected RNNCellBase(RecurrentMode mode, long input_size, long hidden_size, bool bias, Device? device, DType? dtype)
    {
        if (input_size < 0 || hidden_size < 0)
            throw new ArgumentException($"input_size and hidden_size must be non-negative, got {input_size}, {hidden_size}");
        Mode = mode;
        this.input_size = input_size; this.hidden_size = hidden_size; this.bias = bias;
        long gates = RecurrentMath.Gates(mode) * hidden_size;
        weight_ih = new Parameter(empty([gates, input_size], dtype, device));
        weight_hh = new Parameter(empty([gates, hidden_size], dtype, device));
        if (bias)
        {
            bias_ih = new Parameter(empty([gates], dtype, device));
            bias_hh = new Parameter(empty([gates], dtype, device));
        }
        reset_parameters();
    }

    /// <summary>Re-initialises every parameter from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch does.</summary>
    public void reset_parameters()
    {
        double stdv = hidden_size > 0 ? 1.0 / Math.Sqrt(hidden_size) : 0;
        foreach (var p in parameters()) nn.init.uniform_(p, -stdv, stdv);
    }

    private protected RecurrentWeights Weights => new(weight_ih, weight_hh, bias_ih, bias_hh, null);

    /// <summary>PyTorch's checks: a 1-D or 2-D input; returns it batched.</summary>
    private protected Tensor Batched(Tensor input)
    {
        if (input.dim() != 1 && input.dim() != 2)
            throw new ArgumentException($"{GetType().Name}: Expected input to be 1-D or 2-D but received {input.dim()}-D tensor");
        return input.dim() == 1 ? input.unsqueeze(0) : input;
    }

    /// <summary>PyTorch's check_rnn_cell_forward_input and check_rnn_cell_forward_hidden (whose label is 0 for both LSTM states, as in PyTorch).</summary>
    private protected void CheckShapes(Tensor input, Tensor hx)
    {
        if (input.size(1) != input_size) throw new ArgumentException($"input has inconsistent input_size: got {input.size(1)} expected {input_size}");
        if (input.size(0) != hx.size(0)) throw new ArgumentException($"Input batch size {input.size(0)} doesn't match hidden0 batch size {hx.size(0)}");
        if (hx.size(1) != hidden_size) throw new ArgumentException($"hidden0 has inconsistent hidden_size: got {hx.size(1)}, expected {hidden_size}");
    }

    /// <summary>A hidden state given for a batched (or unbatched) input, batched; it must have the input's number of dims.</summary>
    private protected static Tensor State(Tensor hx, bool batched)
    {
        if (hx.dim() != (batched ? 2 : 1))
            throw new ArgumentException($"hx should be {(batched ? 2 : 1)}-D for {(batched ? "batched 2-D" : "unbatched 1-D")} input, got {hx.dim()}-D");
        return batched ? hx : hx.unsqueeze(0);
    }

    /// <summary>x W_ihᵀ + b_ih, the input's projection that a step adds the hidden projection to.</summary>
    private protected Tensor InputProjection(Tensor input) => F.linear(input, weight_ih, bias_ih);

    /// <inheritdoc/>
    public override string extra_repr() => $"{input_size}, {hidden_size}" + (bias ? "" : ", bias=False");
}

/// <summary>One Elman RNN step, as <c>torch.nn.RNNCell</c>: h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh), act tanh or relu.</summary>
public sealed class RNNCell : RNNCellBase
{
    /// <summary>The nonlinearity, "tanh" or "relu" (another name is refused when the cell runs, as in PyTorch).</summary>
    public string nonlinearity { get; }

    /// <summary>An RNN cell, as <c>torch.nn.RNNCell</c>.</summary>
    public RNNCell(long input_size, long hidden_size, bool bias = true, string nonlinearity = "tanh", Device? device = null, DType? dtype = null)
        : base(RecurrentMode.RnnTanh, input_size, hidden_size, bias, device, dtype)
    {
        this.nonlinearity = nonlinearity;
    }

    /// <summary>The next hidden state of <paramref name="input"/> (N, H_in) or (H_in) from <paramref name="hx"/> (zeros when null).</summary>
    public Tensor forward(Tensor input, Tensor? hx = null)
    {
        bool batched = input.dim() == 2;
        input = Batched(input);
        var h = hx is null ? zeros([input.size(0), hidden_size], input.dtype, input.device) : State(hx, batched);
        if (nonlinearity != "tanh" && nonlinearity != "relu") throw new ArgumentException($"Unknown nonlinearity: {nonlinearity}");
        CheckShapes(input, h);
        var r = RecurrentMath.RnnStep(InputProjection(input), h, Weights, nonlinearity == "relu");
        return batched ? r : r.squeeze(0);
    }

    /// <summary>Runs forward with the module's hooks (PyTorch's <c>cell(input, hx)</c>).</summary>
    public Tensor call(Tensor input, Tensor? hx = null)
    {
        var args = RunPreHooks([input, hx]);
        var r = forward((Tensor)args[0]!, (Tensor?)args[1]);
        RunHooks(args, r);
        return r;
    }

    /// <inheritdoc/>
    public override string extra_repr() => base.extra_repr() + (nonlinearity != "tanh" ? $", nonlinearity={nonlinearity}" : "");
}

/// <summary>One LSTM step, as <c>torch.nn.LSTMCell</c>: returns (h', c').</summary>
public sealed class LSTMCell : RNNCellBase
{
    /// <summary>An LSTM cell, as <c>torch.nn.LSTMCell</c>.</summary>
    public LSTMCell(long input_size, long hidden_size, bool bias = true, Device? device = null, DType? dtype = null)
        : base(RecurrentMode.Lstm, input_size, hidden_size, bias, device, dtype) { }

    /// <summary>The next (h, c) of <paramref name="input"/> (N, H_in) or (H_in) from <paramref name="hx"/> = (h, c) (zeros when null).</summary>
    public (Tensor h, Tensor c) forward(Tensor input, (Tensor h, Tensor c)? hx = null)
    {
        bool batched = input.dim() == 2;
        input = Batched(input);
        Tensor h, c;
        if (hx is { } s) { h = State(s.h, batched); c = State(s.c, batched); }
        else h = c = zeros([input.size(0), hidden_size], input.dtype, input.device);
        CheckShapes(input, h);
        CheckShapes(input, c);
        var (hy, cy) = RecurrentMath.LstmStep(InputProjection(input), h, c, Weights);
        return batched ? (hy, cy) : (hy.squeeze(0), cy.squeeze(0));
    }

    /// <summary>Runs forward with the module's hooks (PyTorch's <c>cell(input, (h, c))</c>).</summary>
    public (Tensor h, Tensor c) call(Tensor input, (Tensor h, Tensor c)? hx = null)
    {
        var args = RunPreHooks([input, hx]);
        var r = forward((Tensor)args[0]!, ((Tensor, Tensor)?)args[1]);
        RunHooks(args, r);
        return r;
    }
}

/// <summary>One GRU step, as <c>torch.nn.GRUCell</c>.</summary>
public sealed class GRUCell : RNNCellBase
{
    /// <summary>A GRU cell, as <c>torch.nn.GRUCell</c>.</summary>
    public GRUCell(long input_size, long hidden_size, bool bias = true, Device? device = null, DType? dtype = null)
        : base(RecurrentMode.Gru, input_size, hidden_size, bias, device, dtype) { }

    /// <summary>The next hidden state of <paramref name="input"/> (N, H_in) or (H_in) from <paramref name="hx"/> (zeros when null).</summary>
    public Tensor forward(Tensor input, Tensor? hx = null)
    {
        bool batched = input.dim() == 2;
        input = Batched(input);
        var h = hx is null ? zeros([input.size(0), hidden_size], input.dtype, input.device) : State(hx, batched);
        CheckShapes(input, h);
        var r = RecurrentMath.GruStep(InputProjection(input), h, Weights);
        return batched ? r : r.squeeze(0);
    }

    /// <summary>Runs forward with the module's hooks (PyTorch's <c>cell(input, hx)</c>).</summary>
    public Tensor call(Tensor input, Tensor? hx = null)
    {
        var args = RunPreHooks([input, hx]);
        var r = forward((Tensor)args[0]!, (Tensor?)args[1]);
        RunHooks(args, r);
        return r;
    }
}

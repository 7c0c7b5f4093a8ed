using Flint.Printing;
using static Flint.torch;

namespace Flint.Modules;

/// <summary>
/// What nn.RNN, nn.LSTM and nn.GRU share (PyTorch's <c>nn.RNNBase</c>): the settings, the parameters named
/// <c>weight_ih_l{k}</c>, <c>weight_hh_l{k}</c>, <c>bias_ih_l{k}</c>, <c>bias_hh_l{k}</c> (and <c>weight_hr_l{k}</c> for an
/// LSTM with proj_size), with the suffix <c>_reverse</c> for the second direction, registered in PyTorch's order and
/// initialised from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) in that order, so a seed gives PyTorch's weights.
/// </summary>
/// <remarks>
/// The recurrence is a composition of differentiable ops in the order of PyTorch's CPU implementation, so outputs,
/// gradients and the grad_fn names of the outputs (StackBackward0, CatBackward0, TransposeBackward0/1, SqueezeBackward1)
/// are PyTorch's; there is no fused cell kernel yet.
/// </remarks>
public abstract class RNNBase : nn.Module
{
    private protected readonly RecurrentMode Mode;
    private readonly string[] flatNames;

    /// <summary>The number of features of each input step.</summary>
    public long input_size { get; }
    /// <summary>The number of features of the hidden state.</summary>
    public long hidden_size { get; }
    /// <summary>The number of stacked recurrent layers.</summary>
    public long num_layers { get; }
    /// <summary>Whether the layers have the biases b_ih and b_hh.</summary>
    public bool bias { get; }
    /// <summary>Whether input and output are (batch, seq, feature) instead of (seq, batch, feature).</summary>
    public bool batch_first { get; }
    /// <summary>The dropout probability applied to the outputs of every layer but the last, in training.</summary>
    public double dropout { get; }
    /// <summary>Whether each layer also runs the sequence backwards (outputs concatenated).</summary>
    public bool bidirectional { get; }
    /// <summary>The size of the LSTM's projected hidden state (0: no projection).</summary>
    public long proj_size { get; }

    private protected RNNBase(RecurrentMode mode, long input_size, long hidden_size, long num_layers, bool bias, bool batch_first, double dropout,
        bool bidirectional, long proj_size, Device? device, DType? dtype)
    {
        if (double.IsNaN(dropout) || dropout < 0 || dropout > 1)
            throw new ArgumentException("dropout should be a number in range [0, 1] representing the probability of an element being zeroed");
        if (proj_size < 0) throw new ArgumentException("proj_size should be a positive integer or zero to disable projections");
        if (proj_size >= hidden_size) throw new ArgumentException("proj_size has to be smaller than hidden_size");
        if (input_size < 0 || hidden_size < 0 || num_layers < 1)
            throw new ArgumentException($"input_size, hidden_size and num_layers must be non-negative and num_layers at least 1, got {input_size}, {hidden_size}, {num_layers}");
        Mode = mode;
        this.input_size = input_size; this.hidden_size = hidden_size; this.num_layers = num_layers; this.bias = bias;
        this.batch_first = batch_first; this.dropout = dropout; this.bidirectional = bidirectional; this.proj_size = proj_size;
        long gateSize = RecurrentMath.Gates(mode) * hidden_size;
        long realHidden = proj_size > 0 ? proj_size : hidden_size;
        int directions = bidirectional ? 2 : 1;
        var names = new List<string>();
        for (long layer = 0; layer < num_layers; layer++)
            for (int direction = 0; direction < directions; direction++)
            {
                long layerInput = layer == 0 ? input_size : realHidden * directions;
                string suffix = $"_l{layer}" + (direction == 1 ? "_reverse" : "");
                void Add(string name, long[] shape)
                {
                    register_parameter(name + suffix, new Parameter(empty(shape, dtype, device)));
                    names.Add(name + suffix);
                }
                Add("weight_ih", [gateSize, layerInput]);
                Add("weight_hh", [gateSize, realHidden]);
                if (bias) { Add("bias_ih", [gateSize]); Add("bias_hh", [gateSize]); }
                if (proj_size > 0) Add("weight_hr", [proj_size, hidden_size]);
            }
        flatNames = names.ToArray();
        reset_parameters();
    }

    /// <summary>Re-initialises every parameter from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), in registration order, as PyTorch does.</summary>
    public void reset_parameters()
    {
        double stdv = hidden_size > 0 ? 1.0 / Math.Sqrt(hidden_size) : 0;
        foreach (var p in parameters()) nn.init.uniform_(p, -stdv, stdv);
    }

    /// <summary>
    /// PyTorch compacts the weights into one buffer for cuDNN here; Flint's CPU recurrence reads each parameter where
    /// it is, so there is nothing to compact and the call changes nothing (it exists so that ported code runs).
    /// </summary>
    public void flatten_parameters() { }

    /// <summary>The parameter names in PyTorch's order, as its <c>_flat_weights_names</c>.</summary>
    public IReadOnlyList<string> _flat_weights_names => flatNames;

    /// <summary>The parameters of each layer and direction, as PyTorch's <c>all_weights</c>.</summary>
    public List<List<Parameter>> all_weights
    {
        get
        {
            var byName = named_parameters(recurse: false).ToDictionary(p => p.name, p => p.parameter);
            int perLayer = flatNames.Length / (int)(num_layers * (bidirectional ? 2 : 1));
            return flatNames.Chunk(perLayer).Select(c => c.Select(n => byName[n]).ToList()).ToList();
        }
    }

    /// <summary>
    /// The weights of each layer and direction as the recurrence reads them: the tensors now under each name (the
    /// parameters, or what a parametrization computed in their place).
    /// </summary>
    private protected RecurrentWeights[] Weights()
    {
        Tensor W(string name) => TensorNamed(name).tensor ?? throw new InvalidOperationException($"{GetName()} has no tensor '{name}'");
        int directions = bidirectional ? 2 : 1;
        var w = new RecurrentWeights[num_layers * directions];
        for (long layer = 0; layer < num_layers; layer++)
            for (int d = 0; d < directions; d++)
            {
                string s = $"_l{layer}" + (d == 1 ? "_reverse" : "");
                w[layer * directions + d] = new RecurrentWeights(W("weight_ih" + s), W("weight_hh" + s),
                    bias ? W("bias_ih" + s) : null, bias ? W("bias_hh" + s) : null, proj_size > 0 ? W("weight_hr" + s) : null);
            }
        return w;
    }

    /// <summary>PyTorch's check_input: a 3-D input whose last dim is input_size.</summary>
    private protected void CheckInput(Tensor input)
    {
        if (input.dim() != 3) throw new ArgumentException($"input must have 3 dimensions, got {input.dim()}");
        if (input.size(-1) != input_size)
            throw new ArgumentException($"input.size(-1) must be equal to input_size. Expected {input_size}, got {input.size(-1)}");
    }

    /// <summary>PyTorch's check_hidden_size: <paramref name="hx"/> must be (num_layers × directions, batch, <paramref name="size"/>).</summary>
    private protected void CheckHidden(Tensor hx, Tensor input, long size, string label)
    {
        long batch = batch_first ? input.size(0) : input.size(1);
        long[] expected = [num_layers * (bidirectional ? 2 : 1), batch, size];
        if (!hx.shape.SequenceEqual(expected))
            throw new ArgumentException($"Expected {label} size ({string.Join(", ", expected)}), got [{string.Join(", ", hx.shape)}]");
    }

    /// <summary>A zero initial state for <paramref name="input"/> (already batched) with <paramref name="size"/> features.</summary>
    private protected Tensor ZeroState(Tensor input, long size) =>
        zeros([num_layers * (bidirectional ? 2 : 1), batch_first ? input.size(0) : input.size(1), size], input.dtype, input.device);

    /// <summary>Runs the stack on a batched input with batched states; returns the output in the module's layout.</summary>
    private protected (Tensor output, Tensor h_n, Tensor? c_n) RunBatched(Tensor input, Tensor hx, Tensor? cx)
    {
        var seq = batch_first ? input.transpose(0, 1) : input;
        var (output, h, c) = RecurrentMath.Run(Mode, seq, hx, cx, Weights(), num_layers, bidirectional, dropout, training);
        // PyTorch's RNN and GRU transpose their output in place (TransposeBackward1), its LSTM out of place (TransposeBackward0)
        if (batch_first) output = Mode == RecurrentMode.Lstm ? output.transpose(0, 1) : output.transpose_(0, 1);
        return (output, h, c);
    }

    /// <summary>The forward of RNN and GRU (one state tensor): PyTorch's checks, unbatched inputs, zeros for a missing hx.</summary>
    private protected (Tensor output, Tensor h_n) ForwardOneState(Tensor input, Tensor? hx)
    {
        bool batched = input.dim() == 3;
        long batchDim = batch_first ? 0 : 1;
        if (!batched) input = input.unsqueeze(batchDim);
        if (hx is null) hx = ZeroState(input, hidden_size);
        else if (batched)
        {
            if (hx.dim() != 3) throw new ArgumentException($"For batched 3-D input, hx should also be 3-D but got {hx.dim()}-D tensor");
        }
        else
        {
            if (hx.dim() != 2) throw new ArgumentException($"For unbatched 2-D input, hx should also be 2-D but got {hx.dim()}-D tensor");
            hx = hx.unsqueeze(1);
        }
        CheckInput(input);
        CheckHidden(hx, input, hidden_size, "hidden");
        var (output, h, _) = RunBatched(input, hx, null);
        return batched ? (output, h) : (output.squeeze(batchDim), h.squeeze(1));
    }

    /// <inheritdoc/>
    public override string extra_repr()
    {
        var s = $"{input_size}, {hidden_size}";
        if (proj_size != 0) s += $", proj_size={proj_size}";
        if (num_layers != 1) s += $", num_layers={num_layers}";
        if (!bias) s += ", bias=False";
        if (batch_first) s += ", batch_first=True";
        if (dropout != 0) s += $", dropout={PyFormat.Repr(dropout)}";
        if (bidirectional) s += ", bidirectional=True";
        return s;
    }
}

/// <summary>
/// The Elman RNN, as <c>torch.nn.RNN</c>: h_t = act(x_t W_ihᵀ + b_ih + h_(t-1) W_hhᵀ + b_hh) with act tanh or relu, over
/// num_layers stacked layers (optionally bidirectional).
/// </summary>
public sealed class RNN : RNNBase
{
    /// <summary>The nonlinearity, "tanh" or "relu".</summary>
    public string nonlinearity { get; }

    /// <summary>An RNN layer stack, as <c>torch.nn.RNN</c>.</summary>
    public RNN(long input_size, long hidden_size, long num_layers = 1, string nonlinearity = "tanh", bool bias = true, bool batch_first = false,
        double dropout = 0, bool bidirectional = false, Device? device = null, DType? dtype = null)
        : base(ModeOf(nonlinearity), input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, 0, device, dtype)
    {
        this.nonlinearity = nonlinearity;
    }

    private static RecurrentMode ModeOf(string nonlinearity) => nonlinearity switch
    {
        "tanh" => RecurrentMode.RnnTanh,
        "relu" => RecurrentMode.RnnRelu,
        _ => throw new ArgumentException($"Unknown nonlinearity '{nonlinearity}'"),
    };

    /// <summary>
    /// Runs the stack over <paramref name="input"/> (L, N, H_in), (N, L, H_in) when batch_first, or unbatched (L, H_in),
    /// from <paramref name="hx"/> (num_layers × directions, N, H) or zeros. Returns the last layer's outputs (L, N,
    /// directions × H) and the final hidden state of every layer, h_n.
    /// </summary>
    public (Tensor output, Tensor h_n) forward(Tensor input, Tensor? hx = null) =>
        ForwardOneState(input, hx);

    /// <summary>Runs forward with the module's hooks (PyTorch's <c>rnn(input, hx)</c>).</summary>
    public (Tensor output, Tensor h_n) call(Tensor input, Tensor? hx = null)
    {
        var args = RunPreHooks([input, hx]);
        var r = forward((Tensor)args[0]!, (Tensor?)args[1]);
        RunHooks(args, r);
        return r;
    }
}

/// <summary>
/// The long short-term memory layer stack, as <c>torch.nn.LSTM</c>: input, forget, cell and output gates, with an
/// optional projection of the hidden state (proj_size).
/// </summary>
public sealed class LSTM : RNNBase
{
    /// <summary>An LSTM layer stack, as <c>torch.nn.LSTM</c>.</summary>
    public LSTM(long input_size, long hidden_size, long num_layers = 1, bool bias = true, bool batch_first = false, double dropout = 0,
        bool bidirectional = false, long proj_size = 0, Device? device = null, DType? dtype = null)
        : base(RecurrentMode.Lstm, input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, proj_size, device, dtype) { }

    /// <summary>
    /// Runs the stack over <paramref name="input"/> (L, N, H_in), (N, L, H_in) when batch_first, or unbatched (L, H_in),
    /// from <paramref name="hx"/> = (h_0, c_0) or zeros. Returns the last layer's outputs and (h_n, c_n) of every layer;
    /// with proj_size the hidden states have proj_size features.
    /// </summary>
    public (Tensor output, (Tensor h_n, Tensor c_n) hidden) forward(Tensor input, (Tensor h_0, Tensor c_0)? hx = null)
    {
        bool batched = input.dim() == 3;
        long batchDim = batch_first ? 0 : 1;
        long realHidden = proj_size > 0 ? proj_size : hidden_size;
        if (!batched) input = input.unsqueeze(batchDim);
        Tensor h0, c0;
        if (hx is not { } state) { h0 = ZeroState(input, realHidden); c0 = ZeroState(input, hidden_size); }
        else if (batched)
        {
            if (state.h_0.dim() != 3 || state.c_0.dim() != 3)
                throw new ArgumentException($"For batched 3-D input, hx and cx should also be 3-D but got ({state.h_0.dim()}-D, {state.c_0.dim()}-D) tensors");
            (h0, c0) = state;
        }
        else
        {
            if (state.h_0.dim() != 2 || state.c_0.dim() != 2)
                throw new ArgumentException($"For unbatched 2-D input, hx and cx should also be 2-D but got ({state.h_0.dim()}-D, {state.c_0.dim()}-D) tensors");
            (h0, c0) = (state.h_0.unsqueeze(1), state.c_0.unsqueeze(1));
        }
        CheckInput(input);
        CheckHidden(h0, input, realHidden, "hidden[0]");
        CheckHidden(c0, input, hidden_size, "hidden[1]");
        var (output, h, c) = RunBatched(input, h0, c0);
        return batched ? (output, (h, c!)) : (output.squeeze(batchDim), (h.squeeze(1), c!.squeeze(1)));
    }

    /// <summary>Runs forward with the module's hooks (PyTorch's <c>lstm(input, (h_0, c_0))</c>).</summary>
    public (Tensor output, (Tensor h_n, Tensor c_n) hidden) call(Tensor input, (Tensor h_0, Tensor c_0)? hx = null)
    {
        var args = RunPreHooks([input, hx]);
        var r = forward((Tensor)args[0]!, ((Tensor, Tensor)?)args[1]);
        RunHooks(args, r);
        return r;
    }
}

/// <summary>The gated recurrent unit layer stack, as <c>torch.nn.GRU</c>: reset and update gates and a new-state candidate.</summary>
public sealed class GRU : RNNBase
{
    /// <summary>A GRU layer stack, as <c>torch.nn.GRU</c>.</summary>
    public GRU(long input_size, long hidden_size, long num_layers = 1, bool bias = true, bool batch_first = false, double dropout = 0,
        bool bidirectional = false, Device? device = null, DType? dtype = null)
        : base(RecurrentMode.Gru, input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, 0, device, dtype) { }

    /// <summary>
    /// Runs the stack over <paramref name="input"/> (L, N, H_in), (N, L, H_in) when batch_first, or unbatched (L, H_in),
    /// from <paramref name="hx"/> or zeros. Returns the last layer's outputs and h_n of every layer.
    /// </summary>
    public (Tensor output, Tensor h_n) forward(Tensor input, Tensor? hx = null) =>
        ForwardOneState(input, hx);

    /// <summary>Runs forward with the module's hooks (PyTorch's <c>gru(input, hx)</c>).</summary>
    public (Tensor output, Tensor h_n) call(Tensor input, Tensor? hx = null)
    {
        var args = RunPreHooks([input, hx]);
        var r = forward((Tensor)args[0]!, (Tensor?)args[1]);
        RunHooks(args, r);
        return r;
    }
}

using System.Text.Json;
using Flint.Modules;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;

namespace Flint.Tests.Nn;

/// <summary>
/// Replays References/rnn.json (tools/refs/gen_rnn.py): nn.RNN, nn.LSTM, nn.GRU and the three cells with PyTorch's
/// state_dicts loaded (outputs, final states, grad_fn names, gradients of the input, the initial states and every
/// parameter), fresh modules' parameter names, init draws and reprs after a seed, dropout between layers in train mode,
/// and the error texts; plus float64 gradchecks of every recurrence.
/// </summary>
[Collection("GlobalGenerator")]
public class RecurrentReferenceTests
{
    private static TheoryData<string> Keys(string kind) => Reference.CaseNames("rnn", c => c.GetProperty("kind").GetString() == kind);
    private static JsonElement Case(string key) => Reference.Case("rnn", key);
    private static Tensor T(JsonElement c, string name) => Reference.Tensor(c.GetProperty(name));
    private static Tensor? Opt(JsonElement c, string name) => c.TryGetProperty(name, out var e) ? Reference.Tensor(e) : null;
    private static bool B(JsonElement o, string name, bool dflt = false) => o.TryGetProperty(name, out var e) ? e.GetBoolean() : dflt;
    private static long L(JsonElement o, string name, long dflt) => o.TryGetProperty(name, out var e) ? e.GetInt64() : dflt;
    private static double Tol(Tensor t) => t.dtype == float64 ? 1e-10 : 3e-5;

    /// <summary>The module a record's "mode" and "cfg" (PyTorch's keyword arguments) describe.</summary>
    internal static nn.Module Build(JsonElement c)
    {
        var cfg = c.GetProperty("cfg");
        long i = cfg.GetProperty("input_size").GetInt64(), h = cfg.GetProperty("hidden_size").GetInt64();
        long layers = L(cfg, "num_layers", 1);
        bool bias = B(cfg, "bias", true), bf = B(cfg, "batch_first"), bi = B(cfg, "bidirectional");
        double p = cfg.TryGetProperty("dropout", out var d) ? d.GetDouble() : 0;
        string nl = cfg.TryGetProperty("nonlinearity", out var n) ? n.GetString()! : "tanh";
        return c.GetProperty("mode").GetString() switch
        {
            "RNN" => nn.RNN(i, h, layers, nl, bias, bf, p, bi),
            "LSTM" => nn.LSTM(i, h, layers, bias, bf, p, bi, L(cfg, "proj_size", 0)),
            "GRU" => nn.GRU(i, h, layers, bias, bf, p, bi),
            "RNNCell" => nn.RNNCell(i, h, bias, nl),
            "LSTMCell" => nn.LSTMCell(i, h, bias),
            "GRUCell" => nn.GRUCell(i, h, bias),
            var m => throw new InvalidOperationException(m),
        };
    }

    /// <summary>Loads the record's state_dict (after checking its keys and their order) in the record's dtype.</summary>
    private static void Load(nn.Module m, JsonElement c)
    {
        var keys = NnRecords.Strings(c.GetProperty("keys"));
        var values = c.GetProperty("state").EnumerateArray().Select(Reference.Tensor).ToArray();
        Assert.Equal(keys, m.state_dict().Keys.ToArray());
        if (values[0].dtype != float32) m.to(values[0].dtype);
        m.load_state_dict(keys.Zip(values).ToDictionary(kv => kv.First, kv => kv.Second));
    }

    private static void AssertParameterGrads(nn.Module m, JsonElement c, double tol)
    {
        var expected = c.GetProperty("grads").EnumerateArray().ToArray();
        var ps = m.named_parameters().ToArray();
        Assert.Equal(expected.Length, ps.Length);
        for (int k = 0; k < ps.Length; k++)
        {
            Assert.True(ps[k].parameter.grad is not null, $"{ps[k].name} has no gradient");
            Reference.AssertClose(Reference.Tensor(expected[k]), ps[k].parameter.grad!, $"grad of {ps[k].name}", rtol: tol, atol: tol);
        }
    }

    /// <summary>Runs a sequence module on x (and h0, c0): output, h_n and c_n (null but for LSTM).</summary>
    private static (Tensor output, Tensor h_n, Tensor? c_n) RunSeq(nn.Module m, Tensor x, Tensor? h0, Tensor? c0) => m switch
    {
        LSTM lstm => Unpack(lstm.call(x, h0 is null ? null : (h0, c0!))),
        RNN rnn => Pair(rnn.call(x, h0)),
        GRU gru => Pair(gru.call(x, h0)),
        _ => throw new InvalidOperationException(m.GetType().Name),
    };

    private static (Tensor output, Tensor h_n, Tensor? c_n) Unpack((Tensor o, (Tensor h, Tensor c) s) r) => (r.o, r.s.h, r.s.c);
    private static (Tensor output, Tensor h_n, Tensor? c_n) Pair((Tensor o, Tensor h) r) => (r.o, r.h, null);

    public static TheoryData<string> SeqCases() => Keys("seq");

    [Theory]
    [MemberData(nameof(SeqCases))]
    public void SequenceLayersMatchPyTorch(string key)
    {
        var c = Case(key);
        var m = Build(c);
        Load(m, c);
        m.eval();
        var x = T(c, "x").requires_grad_();
        var h0 = Opt(c, "h0")?.requires_grad_();
        var c0 = Opt(c, "c0")?.requires_grad_();
        var (output, hn, cn) = RunSeq(m, x, h0, c0);
        double tol = Tol(x);
        Reference.AssertClose(T(c, "out"), output, "output", rtol: tol, atol: tol);
        Reference.AssertClose(T(c, "h_n"), hn, "h_n", rtol: tol, atol: tol);
        Assert.Equal(c.GetProperty("out_fn").GetString(), output.grad_fn?.name());
        Assert.Equal(c.GetProperty("hn_fn").GetString(), hn.grad_fn?.name());
        var loss = (output * T(c, "gout")).sum() + (hn * T(c, "ghn")).sum();
        if (c.TryGetProperty("c_n", out _))
        {
            Assert.NotNull(cn);
            Reference.AssertClose(T(c, "c_n"), cn!, "c_n", rtol: tol, atol: tol);
            Assert.Equal(c.GetProperty("cn_fn").GetString(), cn!.grad_fn?.name());
            loss = loss + (cn * T(c, "gcn")).sum();
        }
        else Assert.Null(cn);
        loss.backward();
        AssertParameterGrads(m, c, tol);
        Reference.AssertClose(T(c, "gx"), x.grad!, "grad of input", rtol: tol, atol: tol);
        if (h0 is not null) Reference.AssertClose(T(c, "gh0"), h0.grad!, "grad of h0", rtol: tol, atol: tol);
        if (c0 is not null) Reference.AssertClose(T(c, "gc0"), c0.grad!, "grad of c0", rtol: tol, atol: tol);
    }

    public static TheoryData<string> CellCases() => Keys("cell");

    [Theory]
    [MemberData(nameof(CellCases))]
    public void CellsMatchPyTorch(string key)
    {
        var c = Case(key);
        var m = Build(c);
        Load(m, c);
        var x = T(c, "x").requires_grad_();
        var h0 = Opt(c, "h0")?.requires_grad_();
        var c0 = Opt(c, "c0")?.requires_grad_();
        Tensor h;
        Tensor? cy = null;
        switch (m)
        {
            case LSTMCell lc: (h, cy) = lc.call(x, h0 is null ? null : (h0, c0!)); break;
            case RNNCell rc: h = rc.call(x, h0); break;
            case GRUCell gc: h = gc.call(x, h0); break;
            default: throw new InvalidOperationException(m.GetType().Name);
        }
        double tol = Tol(x);
        Reference.AssertClose(T(c, "h"), h, "h", rtol: tol, atol: tol);
        Assert.Equal(c.GetProperty("h_fn").GetString(), h.grad_fn?.name());
        var loss = (h * T(c, "gh")).sum();
        if (cy is not null)
        {
            Reference.AssertClose(T(c, "c"), cy, "c", rtol: tol, atol: tol);
            Assert.Equal(c.GetProperty("c_fn").GetString(), cy.grad_fn?.name());
            loss = loss + (cy * T(c, "gc")).sum();
        }
        loss.backward();
        AssertParameterGrads(m, c, tol);
        Reference.AssertClose(T(c, "gx"), x.grad!, "grad of input", rtol: tol, atol: tol);
        if (h0 is not null) Reference.AssertClose(T(c, "gh0"), h0.grad!, "grad of h0", rtol: tol, atol: tol);
        if (c0 is not null) Reference.AssertClose(T(c, "gc0"), c0.grad!, "grad of c0", rtol: tol, atol: tol);
    }

    public static TheoryData<string> FreshCases() => Keys("fresh");

    [Theory]
    [MemberData(nameof(FreshCases))]
    public void FreshModulesHavePyTorchsNamesInitAndRepr(string key)
    {
        var c = Case(key);
        manual_seed(c.GetProperty("seed").GetInt64());
        var m = Build(c);
        Assert.Equal(c.GetProperty("repr").GetString(), m.ToString());
        var keys = NnRecords.Strings(c.GetProperty("keys"));
        var sd = m.state_dict();
        Assert.Equal(keys, sd.Keys.ToArray());
        var st = c.GetProperty("state").EnumerateArray().ToArray();
        for (int k = 0; k < keys.Length; k++) Reference.AssertClose(Reference.Tensor(st[k]), sd[keys[k]], keys[k], rtol: 1e-6, atol: 1e-7);
        Assert.All(m.parameters(), p => Assert.True(p.requires_grad));
    }

    public static TheoryData<string> DropoutCases() => Keys("dropout");

    [Theory]
    [MemberData(nameof(DropoutCases))]
    public void DropoutBetweenLayersDrawsAsPyTorch(string key)
    {
        var c = Case(key);
        var m = Build(c);
        Load(m, c);
        m.train();
        manual_seed(c.GetProperty("seed").GetInt64());
        var (output, hn, cn) = RunSeq(m, T(c, "x"), null, null);
        Reference.AssertClose(T(c, "out"), output, "output", rtol: 3e-5, atol: 3e-5);
        Reference.AssertClose(T(c, "h_n"), hn, "h_n", rtol: 3e-5, atol: 3e-5);
        if (cn is not null) Reference.AssertClose(T(c, "c_n"), cn, "c_n", rtol: 3e-5, atol: 3e-5);
        // in eval mode the same module draws nothing: two runs agree and differ from the train-mode run
        m.eval();
        var (e1, _, _) = RunSeq(m, T(c, "x"), null, null);
        var (e2, _, _) = RunSeq(m, T(c, "x"), null, null);
        Reference.AssertClose(e1, e2, "eval runs", rtol: 0, atol: 0);
        Assert.False(allclose(e1, output));
    }

    private static Tensor R(params long[] shape) => rand(shape);

    private static Action ErrorCall(string name) => name switch
    {
        "dropout_range" => () => nn.LSTM(3, 4, dropout: 1.5),
        "dropout_negative" => () => nn.GRU(3, 4, dropout: -0.1),
        "proj_negative" => () => nn.LSTM(3, 4, proj_size: -1),
        "proj_too_big" => () => nn.LSTM(3, 4, proj_size: 4),
        "rnn_nonlinearity" => () => nn.RNN(3, 4, nonlinearity: "sigmoid"),
        "lstm_input_4d" => () => nn.LSTM(3, 4).call(R(2, 2, 2, 3)),
        "gru_input_1d" => () => nn.GRU(3, 4).call(R(3)),
        "lstm_input_size" => () => nn.LSTM(3, 4).call(R(5, 2, 6)),
        "rnn_input_size" => () => nn.RNN(3, 4).call(R(5, 2, 6)),
        "rnn_hidden_size" => () => nn.RNN(3, 4).call(R(5, 2, 3), R(1, 2, 5)),
        "rnn_hidden_batch" => () => nn.RNN(3, 4, num_layers: 2).call(R(5, 2, 3), R(1, 2, 4)),
        "gru_hidden_dims" => () => nn.GRU(3, 4).call(R(5, 2, 3), R(2, 4)),
        "gru_unbatched_hidden_dims" => () => nn.GRU(3, 4).call(R(5, 3), R(1, 1, 4)),
        "lstm_hidden0_size" => () => nn.LSTM(3, 4).call(R(5, 2, 3), (R(1, 2, 5), R(1, 2, 4))),
        "lstm_hidden1_size" => () => nn.LSTM(3, 4).call(R(5, 2, 3), (R(1, 2, 4), R(1, 3, 4))),
        "lstm_proj_hidden_size" => () => nn.LSTM(3, 4, proj_size: 2).call(R(5, 2, 3), (R(1, 2, 4), R(1, 2, 4))),
        "lstm_hidden_dims" => () => nn.LSTM(3, 4).call(R(5, 2, 3), (R(1, 2, 4), R(2, 4))),
        "lstm_unbatched_hidden_dims" => () => nn.LSTM(3, 4).call(R(5, 3), (R(1, 2, 4), R(1, 4))),
        "lstm_seq_len0" => () => nn.LSTM(3, 4).call(R(0, 2, 3)),
        "gru_seq_len0_batch_first" => () => nn.GRU(3, 4, batch_first: true).call(R(2, 0, 3)),
        "rnncell_input_3d" => () => nn.RNNCell(3, 4).call(R(2, 2, 3)),
        "lstmcell_input_3d" => () => nn.LSTMCell(3, 4).call(R(2, 2, 3)),
        "grucell_input_0d" => () => nn.GRUCell(3, 4).call(tensor(0.5f)),
        "rnncell_input_size" => () => nn.RNNCell(3, 4).call(R(2, 5)),
        "rnncell_hidden_batch" => () => nn.RNNCell(3, 4).call(R(2, 3), R(3, 4)),
        "rnncell_hidden_size" => () => nn.RNNCell(3, 4).call(R(2, 3), R(2, 5)),
        "lstmcell_hidden1_size" => () => nn.LSTMCell(3, 4).call(R(2, 3), (R(2, 4), R(2, 5))),
        "grucell_hidden_size" => () => nn.GRUCell(3, 4).call(R(2, 3), R(2, 6)),
        "rnncell_nonlinearity" => () => nn.RNNCell(3, 4, nonlinearity: "gelu").call(R(2, 3)),
        _ => throw new InvalidOperationException(name),
    };

    public static TheoryData<string> ErrorCases() => Keys("error");

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void ErrorsAreSaidAsPyTorchSaysThem(string key)
    {
        var c = Case(key);
        Reference.AssertError(c, ErrorCall(c.GetProperty("name").GetString()!));
    }

    /// <summary>Float64 gradchecks through every recurrence: input, initial states and all parameters, bidirectional stacks.</summary>
    [Theory]
    [InlineData("RNN")]
    [InlineData("RNN_relu")]
    [InlineData("LSTM")]
    [InlineData("LSTM_proj")]
    [InlineData("GRU")]
    public void SequenceLayersPassGradcheck(string kind)
    {
        manual_seed(7);
        nn.Module m = kind switch
        {
            "RNN" => nn.RNN(3, 4, num_layers: 2, bidirectional: true, dtype: float64),
            "RNN_relu" => nn.RNN(3, 4, nonlinearity: "relu", batch_first: true, dtype: float64),
            "LSTM" => nn.LSTM(3, 4, num_layers: 2, bidirectional: true, dtype: float64),
            "LSTM_proj" => nn.LSTM(3, 4, proj_size: 2, batch_first: true, dtype: float64),
            _ => nn.GRU(3, 4, num_layers: 2, bidirectional: true, dtype: float64),
        };
        var ps = m.parameters().Cast<Tensor>().ToArray();
        var rb = (RNNBase)m;
        var x = randn(rb.batch_first ? [2, 3, 3] : [3, 2, 3], dtype: float64, requires_grad: true);
        long dirs = rb.bidirectional ? 2 : 1;
        long hsz = rb.proj_size > 0 ? rb.proj_size : rb.hidden_size;
        var h0 = randn([rb.num_layers * dirs, 2, hsz], dtype: float64, requires_grad: true);
        var c0 = randn([rb.num_layers * dirs, 2, rb.hidden_size], dtype: float64, requires_grad: true);
        var names = m.named_parameters().Select(p => p.name).ToArray();
        Tensor[] Run(Tensor[] a)
        {
            // the parameters are gradcheck inputs too: the module reads the (perturbed) tensors put under its names
            for (int k = 0; k < names.Length; k++) m.AssignTensor(names[k], a[3 + k]);
            var o = m switch
            {
                LSTM l => Unpack(l.call(a[0], (a[1], a[2]))),
                RNN r => Pair(r.call(a[0], a[1])),
                GRU g => Pair(g.call(a[0], a[1])),
                _ => throw new InvalidOperationException(),
            };
            return o.c_n is null ? [o.output, o.h_n] : [o.output, o.h_n, o.c_n];
        }
        Assert.True(autograd.gradcheck(Run, [x, h0, c0, .. ps], raise_exception: true));
    }

    [Theory]
    [InlineData("RNNCell")]
    [InlineData("LSTMCell")]
    [InlineData("GRUCell")]
    public void CellsPassGradcheck(string kind)
    {
        manual_seed(8);
        nn.Module m = kind switch
        {
            "RNNCell" => nn.RNNCell(3, 4, dtype: float64),
            "LSTMCell" => nn.LSTMCell(3, 4, dtype: float64),
            _ => nn.GRUCell(3, 4, dtype: float64),
        };
        var ps = m.parameters().Cast<Tensor>().ToArray();
        var x = randn([2, 3], dtype: float64, requires_grad: true);
        var h0 = randn([2, 4], dtype: float64, requires_grad: true);
        var c0 = randn([2, 4], dtype: float64, requires_grad: true);
        var names = m.named_parameters().Select(p => p.name).ToArray();
        Tensor[] Run(Tensor[] a)
        {
            for (int k = 0; k < names.Length; k++) m.AssignTensor(names[k], a[3 + k]);
            return Step(a);
        }
        Tensor[] Step(Tensor[] a) => m switch
        {
            LSTMCell l => l.call(a[0], (a[1], a[2])) is var (h, c) ? [h, c] : [],
            RNNCell r => [r.call(a[0], a[1])],
            GRUCell g => [g.call(a[0], a[1])],
            _ => throw new InvalidOperationException(),
        };
        Assert.True(autograd.gradcheck(Run, [x, h0, c0, .. ps], raise_exception: true));
    }
}

using System.Text.Json;
using Flint.Modules;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Nn;

/// <summary>
/// Replays References/transformer.json (tools/refs/gen_transformer.py): MultiheadAttention, the Transformer layers,
/// stacks and nn.Transformer with PyTorch's state_dicts loaded (outputs, attention weights, node names, gradients of
/// every parameter and input), fresh modules' names, init draws and reprs, dropout draws in train mode, the causal
/// mask, rms_norm, and the error texts.
/// </summary>
[Collection("GlobalGenerator")]
public class TransformerReferenceTests
{
    private static TheoryData<string> Keys(string kind) => Reference.CaseNames("transformer", c => c.GetProperty("kind").GetString() == kind);
    private static JsonElement Case(string key) => Reference.Case("transformer", key);
    private static Tensor? Opt(JsonElement c, string name) =>
        c.TryGetProperty(name, out var e) && e.ValueKind != JsonValueKind.Null ? Reference.Tensor(e) : null;
    private static Tensor T(JsonElement c, string name) => Reference.Tensor(c.GetProperty(name));
    private static bool B(JsonElement o, string name, bool dflt = false) => o.TryGetProperty(name, out var e) ? e.GetBoolean() : dflt;
    private static long? L(JsonElement o, string name) => o.TryGetProperty(name, out var e) && e.ValueKind != JsonValueKind.Null ? e.GetInt64() : null;
    private static double D(JsonElement o, string name, double dflt) => o.TryGetProperty(name, out var e) ? e.GetDouble() : dflt;

    /// <summary>Loads the record's state_dict (after checking its keys and order) into the module, in the record's dtype.</summary>
    private static void Load(nn.Module m, JsonElement c)
    {
        var keys = NnRecords.Strings(c.GetProperty("keys"));
        var values = c.GetProperty("state").EnumerateArray().Select(Reference.Tensor).ToArray();
        Assert.Equal(keys, m.state_dict().Keys.ToArray());
        if (values.Length > 0 && values[0].dtype != float32) m.to(values[0].dtype);
        m.load_state_dict(keys.Zip(values).ToDictionary(kv => kv.First, kv => kv.Second));
    }

    /// <summary>Compares every parameter's gradient with the record's "grads" (PyTorch's named_parameters order).</summary>
    private static void AssertParameterGrads(nn.Module m, JsonElement c, double tol)
    {
        var expected = c.GetProperty("grads").EnumerateArray().ToArray();
        var ps = m.named_parameters().ToArray();
        Assert.Equal(expected.Length, ps.Length);
        for (int i = 0; i < ps.Length; i++)
        {
            Assert.True(ps[i].parameter.grad is not null, $"{ps[i].name} has no gradient");
            Reference.AssertClose(Reference.Tensor(expected[i]), ps[i].parameter.grad!, $"grad of {ps[i].name}", rtol: tol, atol: tol);
        }
    }

    private static double Tol(Tensor t) => t.dtype == float64 ? 1e-10 : 2e-5;

    private static MultiheadAttention Mha(JsonElement cfg) => nn.MultiheadAttention(cfg.GetProperty("embed_dim").GetInt64(), cfg.GetProperty("num_heads").GetInt64(),
        bias: B(cfg, "bias", true), add_bias_kv: B(cfg, "add_bias_kv"), add_zero_attn: B(cfg, "add_zero_attn"), kdim: L(cfg, "kdim"), vdim: L(cfg, "vdim"),
        batch_first: B(cfg, "batch_first"));

    public static TheoryData<string> MhaCases() => Keys("mha");

    [Theory]
    [MemberData(nameof(MhaCases))]
    public void MultiheadAttentionMatchesPyTorch(string key)
    {
        var c = Case(key);
        var m = Mha(c.GetProperty("cfg"));
        Load(m, c);
        m.eval();
        string same = c.GetProperty("same").GetString()!;
        var q = T(c, "q").requires_grad_();
        var k = same == "qkv" ? q : T(c, "k").requires_grad_();
        var v = same == "none" ? T(c, "v").requires_grad_() : k;
        var call = c.GetProperty("call");
        var (output, weights) = m.call(q, k, v, key_padding_mask: Opt(c, "kpm"), need_weights: B(call, "need_weights"), attn_mask: Opt(c, "mask"),
            average_attn_weights: B(call, "average_attn_weights"), is_causal: B(call, "is_causal"));
        double tol = Tol(q);
        Reference.AssertClose(T(c, "out"), output, "output", rtol: tol, atol: tol);
        Assert.Equal(c.GetProperty("out_fn").GetString(), output.grad_fn?.name());
        var expectedWeights = Opt(c, "weights");
        if (expectedWeights is null) Assert.Null(weights);
        else
        {
            Assert.NotNull(weights);
            Reference.AssertClose(expectedWeights, weights!, "weights", rtol: tol, atol: tol);
            Assert.Equal(c.GetProperty("w_fn").GetString(), weights!.grad_fn?.name());
        }
        var loss = (output * T(c, "gout")).sum();
        if (weights is not null) loss = loss + (weights * T(c, "gw")).sum();
        loss.backward();
        AssertParameterGrads(m, c, tol);
        Reference.AssertClose(T(c, "gq"), q.grad!, "grad of query", rtol: tol, atol: tol);
        if (same != "qkv") Reference.AssertClose(T(c, "gk"), k.grad!, "grad of key", rtol: tol, atol: tol);
        if (same == "none") Reference.AssertClose(T(c, "gv"), v.grad!, "grad of value", rtol: tol, atol: tol);
    }

    private static nn.Module Layer(JsonElement c)
    {
        var cfg = c.GetProperty("cfg");
        long d = cfg.GetProperty("d_model").GetInt64(), h = cfg.GetProperty("nhead").GetInt64(), ff = cfg.GetProperty("dim_feedforward").GetInt64();
        TransformerActivation act = cfg.TryGetProperty("activation", out var a) ? a.GetString()! : "relu";
        bool nf = B(cfg, "norm_first"), bf = B(cfg, "batch_first"), bias = c.GetProperty("bias").GetBoolean();
        return c.GetProperty("layer").GetString() == "enc"
            ? nn.TransformerEncoderLayer(d, h, ff, D(cfg, "dropout", 0.1), act, batch_first: bf, norm_first: nf, bias: bias)
            : nn.TransformerDecoderLayer(d, h, ff, D(cfg, "dropout", 0.1), act, batch_first: bf, norm_first: nf, bias: bias);
    }

    public static TheoryData<string> LayerCases() => Keys("layer");

    [Theory]
    [MemberData(nameof(LayerCases))]
    public void TransformerLayersMatchPyTorch(string key)
    {
        var c = Case(key);
        var m = Layer(c);
        Load(m, c);
        m.eval();
        var ins = c.GetProperty("inputs").EnumerateArray().Select(e => Reference.Tensor(e).requires_grad_()).ToArray();
        var masks = c.GetProperty("masks");
        var output = m is TransformerEncoderLayer enc
            ? enc.call(ins[0], Opt(masks, "src_mask"), Opt(masks, "src_key_padding_mask"))
            : ((TransformerDecoderLayer)m).call(ins[0], ins[1], Opt(masks, "tgt_mask"), Opt(masks, "memory_mask"),
                Opt(masks, "tgt_key_padding_mask"), Opt(masks, "memory_key_padding_mask"));
        double tol = Tol(ins[0]);
        Reference.AssertClose(T(c, "out"), output, "output", rtol: tol, atol: tol);
        Assert.Equal(c.GetProperty("out_fn").GetString(), output.grad_fn?.name());
        (output * T(c, "gout")).sum().backward();
        AssertParameterGrads(m, c, tol);
        var gin = c.GetProperty("gin").EnumerateArray().ToArray();
        for (int i = 0; i < ins.Length; i++) Reference.AssertClose(Reference.Tensor(gin[i]), ins[i].grad!, $"grad of input {i}", rtol: tol, atol: tol);
    }

    private static (nn.Module module, Func<Tensor[], Tensor> run) Stack(string name) => name switch
    {
        "encoder" => Wrap(nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 2, nn.LayerNorm(8)), (m, a) => m.call(a[0])),
        "encoder_masks" => Wrap(nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, norm_first: true), 2), (m, a) => m.call(a[0], a[1], a[2])),
        "decoder" => Wrap(nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16), 2, nn.LayerNorm(8)), (m, a) => m.call(a[0], a[1], tgt_mask: a[2])),
        "transformer" => Wrap(nn.Transformer(8, 2, 2, 2, 16),
            (m, a) => m.call(a[0], a[1], tgt_mask: a[2], src_key_padding_mask: a[3], memory_key_padding_mask: a[3])),
        "transformer_batch_first" => Wrap(nn.Transformer(8, 2, 1, 2, 16, activation: "gelu", batch_first: true, norm_first: true),
            (m, a) => m.call(a[0], a[1], tgt_mask: a[2])),
        "transformer_unbatched" => Wrap(nn.Transformer(8, 2, 1, 1, 16), (m, a) => m.call(a[0], a[1], tgt_mask: a[2])),
        _ => throw new InvalidOperationException(name),
    };

    private static (nn.Module, Func<Tensor[], Tensor>) Wrap<TM>(TM m, Func<TM, Tensor[], Tensor> run) where TM : nn.Module => (m, a => run(m, a));

    public static TheoryData<string> StackCases() => Keys("stack");

    [Theory]
    [MemberData(nameof(StackCases))]
    public void StacksAndTransformerMatchPyTorch(string key)
    {
        var c = Case(key);
        var (m, run) = Stack(c.GetProperty("name").GetString()!);
        Load(m, c);
        m.eval();
        var ins = c.GetProperty("inputs").EnumerateArray().Select(e =>
        {
            var t = Reference.Tensor(e);
            return t.dtype.is_floating_point && !t.isinf().any().item<bool>() ? t.requires_grad_() : t;
        }).ToArray();
        var output = run(ins);
        Reference.AssertClose(T(c, "out"), output, "output", rtol: 2e-5, atol: 2e-5);
        Assert.Equal(c.GetProperty("out_fn").GetString(), output.grad_fn?.name());
        (output * T(c, "gout")).sum().backward();
        AssertParameterGrads(m, c, 2e-5);
        var gin = c.GetProperty("gin").EnumerateArray().ToArray();
        for (int i = 0; i < Math.Min(2, ins.Length); i++)
            if (gin[i].ValueKind != JsonValueKind.Null && ins[i].requires_grad)
                Reference.AssertClose(Reference.Tensor(gin[i]), ins[i].grad!, $"grad of input {i}", rtol: 2e-5, atol: 2e-5);
    }

    private static nn.Module Fresh(string name) => name switch
    {
        "mha" => nn.MultiheadAttention(8, 2),
        "mha_kdim_vdim" => nn.MultiheadAttention(8, 2, kdim: 5, vdim: 6),
        "mha_bias_kv_nobias" => nn.MultiheadAttention(6, 3, bias: false, add_bias_kv: true),
        "encoder_layer" => nn.TransformerEncoderLayer(8, 2, 16),
        "decoder_layer" => nn.TransformerDecoderLayer(8, 2, 16, dropout: 0.2),
        "encoder" => nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 1, nn.LayerNorm(8)),
        "transformer" => nn.Transformer(8, 2, 2, 1, 16),
        "encoder_layer_gelu_module" => nn.TransformerEncoderLayer(8, 2, 16, activation: nn.GELU()),
        "module_list_runs" => nn.ModuleList(nn.Linear(2, 2), nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 2), nn.Linear(3, 2), nn.Linear(3, 2), nn.Linear(3, 2)),
        "module_list_empty" => nn.ModuleList(),
        _ => throw new InvalidOperationException(name),
    };

    public static TheoryData<string> FreshCases() => Keys("fresh");

    [Theory]
    [MemberData(nameof(FreshCases))]
    public void FreshModulesHavePyTorchNamesInitAndRepr(string key)
    {
        var c = Case(key);
        manual_seed(c.GetProperty("seed").GetInt64());
        var m = Fresh(c.GetProperty("name").GetString()!);
        var sd = m.state_dict();
        Assert.Equal(NnRecords.Strings(c.GetProperty("keys")), sd.Keys.ToArray());
        Assert.Equal(NnRecords.Strings(c.GetProperty("params")), m.named_parameters().Select(p => p.name).ToArray());
        Assert.Equal(NnRecords.Strings(c.GetProperty("modules")), m.named_modules().Select(p => p.name).ToArray());
        Assert.Equal(c.GetProperty("repr").GetString(), m.ToString());
        var st = c.GetProperty("state").EnumerateArray().ToArray();
        int i = 0;
        foreach (var (name, value) in sd) Reference.AssertClose(Reference.Tensor(st[i++]), value, name, rtol: 1e-6, atol: 1e-7);
    }

    public static TheoryData<string> DropoutCases() => Keys("dropout");

    [Theory]
    [MemberData(nameof(DropoutCases))]
    public void DropoutInTrainModeDrawsAsPyTorch(string key)
    {
        var c = Case(key);
        string kind = c.GetProperty("module").GetString()!;
        var x = T(c, "x");
        Tensor output;
        if (kind == "mha")
        {
            var m = nn.MultiheadAttention(8, 2, dropout: c.GetProperty("p").GetDouble());
            Load(m, c);
            manual_seed(c.GetProperty("seed").GetInt64());
            bool nw = c.GetProperty("need_weights").GetBoolean();
            var (o, w) = m.call(x, x, x, need_weights: nw);
            output = o;
            if (nw) Reference.AssertClose(T(c, "weights"), w!, "weights", rtol: 2e-5, atol: 2e-5);
        }
        else
        {
            var cfg = c.GetProperty("cfg");
            double p = cfg.GetProperty("dropout").GetDouble();
            bool nf = B(cfg, "norm_first");
            nn.Module m = kind == "enc" ? nn.TransformerEncoderLayer(8, 2, 16, p, norm_first: nf) : nn.TransformerDecoderLayer(8, 2, 16, p, norm_first: nf);
            Load(m, c);
            manual_seed(c.GetProperty("seed").GetInt64());
            output = m is TransformerEncoderLayer e ? e.call(x) : ((TransformerDecoderLayer)m).call(x, T(c, "mem"));
        }
        Reference.AssertClose(T(c, "out"), output, "output", rtol: 2e-5, atol: 2e-5);
    }

    public static TheoryData<string> MaskCases() => Keys("mask");

    [Theory]
    [MemberData(nameof(MaskCases))]
    public void SquareSubsequentMaskIsPyTorchs(string key)
    {
        var c = Case(key);
        var mask = Transformer.generate_square_subsequent_mask(c.GetProperty("sz").GetInt64());
        Reference.AssertClose(T(c, "out"), mask, "mask", rtol: 0, atol: 0);
        Assert.Equal(c.GetProperty("text").GetString(), mask.ToString());
    }

    public static TheoryData<string> RmsCases() => Keys("rms");

    [Theory]
    [MemberData(nameof(RmsCases))]
    public void RmsNormMatchesPyTorch(string key)
    {
        var c = Case(key);
        var x = T(c, "x").requires_grad_();
        var w = Opt(c, "w")?.requires_grad_();
        var ns = NnRecords.Longs(c.GetProperty("ns"));
        double? eps = c.GetProperty("eps").ValueKind == JsonValueKind.Null ? null : c.GetProperty("eps").GetDouble();
        var y = F.rms_norm(x, ns, w, eps);
        Reference.AssertClose(T(c, "out"), y, "out");
        Assert.Equal(c.GetProperty("out_fn").GetString(), y.grad_fn?.name());
        (y.to(float32) * T(c, "gout").to(float32)).sum().backward();
        var (rt, at) = x.dtype == float32 ? (1e-5, 1e-5) : Reference.Tolerance(x.dtype);
        Reference.AssertClose(T(c, "gx"), x.grad!, "grad of x", rtol: rt * 10, atol: at * 10);
        if (w is not null) Reference.AssertClose(T(c, "gw"), w.grad!, "grad of weight", rtol: rt * 10, atol: at * 10);
        // the module gives the same result with the weight loaded
        var m = ns.Length == 1 ? nn.RMSNorm(ns[0], eps, w is not null, dtype: x.dtype) : nn.RMSNorm(ns, eps, w is not null, dtype: x.dtype);
        if (w is not null) using (no_grad()) m.weight!.copy_(w);
        Reference.AssertClose(T(c, "out"), m.call(x.detach()), "module");
    }

    private static Tensor R(params long[] shape) => rand(shape);

    private static Action ErrorCall(string name)
    {
        var m8 = nn.MultiheadAttention(8, 2);
        Tensor x3 = R(3, 2, 8), x5 = R(5, 2, 8);
        return name switch
        {
            "mha_not_divisible" => () => nn.MultiheadAttention(8, 3),
            "mha_zero_embed" => () => nn.MultiheadAttention(0, 2),
            "mha_query_4d" => () => m8.call(R(1, 3, 2, 8), x5, x5),
            "mha_key_2d" => () => m8.call(x3, x5[.., 0], x5[.., 0]),
            "mha_kpm_3d" => () => m8.call(x3, x5, x5, key_padding_mask: zeros([2, 5, 1], @bool)),
            "mha_mask_4d" => () => m8.call(x3, x5, x5, attn_mask: zeros(1, 1, 3, 5)),
            "mha_unbatched_key_3d" => () => m8.call(x3[.., 0], x5, x5),
            "mha_unbatched_kpm_2d" => () => m8.call(x3[.., 0], x5[.., 0], x5[.., 0], key_padding_mask: zeros([1, 5], @bool)),
            "mha_unbatched_mask_1d" => () => m8.call(x3[.., 0], x5[.., 0], x5[.., 0], attn_mask: zeros(5)),
            "mha_unbatched_mask_3d_shape" => () => m8.call(x3[.., 0], x5[.., 0], x5[.., 0], attn_mask: zeros(3, 3, 5)),
            "mha_embed_dim" => () => m8.call(R(3, 2, 6), R(5, 2, 6), R(5, 2, 6)),
            "mha_key_value_shape" => () => m8.call(x3, x5, R(4, 2, 8)),
            "mha_mask_2d_shape" => () => m8.call(x3, x5, x5, attn_mask: zeros(3, 3)),
            "mha_mask_3d_shape" => () => m8.call(x3, x5, x5, attn_mask: zeros(2, 3, 5)),
            "mha_kpm_shape" => () => m8.call(x3, x5, x5, key_padding_mask: zeros([2, 4], @bool)),
            "mha_separate_key_value_dims" => () => nn.MultiheadAttention(8, 2, kdim: 4, vdim: 4).call(x3, R(5, 2, 4), R(4, 2, 4)),
            "mha_int_mask" => () => m8.call(x3, x5, x5, attn_mask: zeros([3, 5], int64)),
            "mha_int_kpm" => () => m8.call(x3, x5, x5, key_padding_mask: zeros([2, 5], int64)),
            "mha_causal_without_mask" => () => m8.call(x3, x3, x3, need_weights: false, is_causal: true),
            "layer_activation" => () => nn.TransformerEncoderLayer(8, 2, activation: "tanh"),
            "transformer_batch" => () => nn.Transformer(8, 2, 1, 1, 16).call(R(5, 2, 8), R(4, 3, 8)),
            "transformer_features" => () => nn.Transformer(8, 2, 1, 1, 16).call(R(5, 2, 8), R(4, 2, 6)),
            "rms_input_shape" => () => F.rms_norm(R(3, 4), [5]),
            "rms_weight_shape" => () => F.rms_norm(R(3, 4), [4], R(3)),
            "rms_empty_shape" => () => F.rms_norm(R(3, 4), []),
            "rms_int" => () => F.rms_norm(zeros([3, 4], int64), [4]),
            _ => throw new InvalidOperationException(name),
        };
    }

    public static TheoryData<string> ErrorCases() => Keys("error");

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void ErrorsAreSaidAsPyTorchSaysThem(string key)
    {
        var c = Case(key);
        Reference.AssertError(c, ErrorCall(c.GetProperty("name").GetString()!));
    }
}

using System.Text.Json;
using Flint.Modules;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Nn;

/// <summary>Replays the functional, init, model, repr and BatchNorm records of tools/refs/gen_nn.py.</summary>
[Collection("GlobalGenerator")]
public class NnReferenceTests
{
    private static string Red(JsonElement kw) => kw.TryGetProperty("reduction", out var r) ? r.GetString()! : "mean";
    private static double Kd(JsonElement kw, string k, double dflt) => kw.TryGetProperty(k, out var v) ? v.GetDouble() : dflt;

    private static Tensor Call(string name, Tensor[] a, JsonElement kw) => name switch
    {
        "linear" => F.linear(a[0], a[1], a[2]),
        "linear_nobias" => F.linear(a[0], a[1]),
        "bilinear" => F.bilinear(a[0], a[1], a[2], a[3]),
        "bilinear_nobias" => F.bilinear(a[0], a[1], a[2]),
        "embedding" => F.embedding(a[0], a[1]),
        "embedding_pad1" => F.embedding(a[0], a[1], padding_idx: 1),
        "layer_norm" => F.layer_norm(a[0], a[1].shape.ToArray(), a[1], a[2]),
        "layer_norm_noaffine" => F.layer_norm(a[0], NnRecords.Longs(kw.GetProperty("ns"))),
        "layer_norm_eps" => F.layer_norm(a[0], [4], eps: 1e-3),
        "group_norm" => F.group_norm(a[0], a[0].size(1) == 6 ? 3 : 2, a[1], a[2]),
        "group_norm_noaffine" => F.group_norm(a[0], (long)Kd(kw, "g", 4)),
        "batch_norm_train" => F.batch_norm(a[0], null, null, a[1], a[2], training: true),
        "batch_norm_eval" => F.batch_norm(a[0], a[3], a[4], a[1], a[2], training: false),
        "relu" => F.relu(a[0]),
        "leaky_relu" => F.leaky_relu(a[0]),
        "leaky_relu_0.2" => F.leaky_relu(a[0], 0.2),
        "elu" => F.elu(a[0]),
        "elu_0.5" => F.elu(a[0], 0.5),
        "gelu" => F.gelu(a[0]),
        "gelu_tanh" => F.gelu(a[0], "tanh"),
        "silu" => F.silu(a[0]),
        "mish" => F.mish(a[0]),
        "tanh" => F.tanh(a[0]),
        "sigmoid" => F.sigmoid(a[0]),
        "softplus" => F.softplus(a[0]),
        "softplus_2_1" => F.softplus(a[0], 2, 1),
        "softmax0" => F.softmax(a[0], 0),
        "softmax1" => F.softmax(a[0], 1),
        "log_softmax0" => F.log_softmax(a[0], 0),
        "log_softmax1" => F.log_softmax(a[0], 1),
        "dropout_eval" => F.dropout(a[0], 0.5, training: false),
        "dropout_p0" => F.dropout(a[0], 0.0),
        "cross_entropy" => F.cross_entropy(a[0], a[1], reduction: Red(kw)),
        "cross_entropy_w" => F.cross_entropy(a[0], a[1], weight: a[2], reduction: Red(kw)),
        "cross_entropy_ignore" => F.cross_entropy(a[0], a[1], reduction: Red(kw)),
        "cross_entropy_ignore1" => F.cross_entropy(a[0], a[1], ignore_index: 1, reduction: Red(kw)),
        "cross_entropy_ls" => F.cross_entropy(a[0], a[1], label_smoothing: Kd(kw, "ls", 0.1), reduction: Red(kw)),
        "cross_entropy_ls_w_ign" => F.cross_entropy(a[0], a[1], weight: a[2], label_smoothing: 0.2, reduction: Red(kw)),
        "nll_loss" => F.nll_loss(a[0], a[1], reduction: Red(kw)),
        "nll_loss_w" => F.nll_loss(a[0], a[1], weight: a[2], reduction: Red(kw)),
        "mse_loss" => F.mse_loss(a[0], a[1], Red(kw)),
        "l1_loss" => F.l1_loss(a[0], a[1], Red(kw)),
        "smooth_l1_loss" => F.smooth_l1_loss(a[0], a[1], Red(kw), Kd(kw, "beta", 1)),
        "huber_loss" => F.huber_loss(a[0], a[1], Red(kw), Kd(kw, "delta", 1)),
        "binary_cross_entropy" => F.binary_cross_entropy(a[0], a[1], reduction: Red(kw)),
        "binary_cross_entropy_w" => F.binary_cross_entropy(a[0], a[1], a[2], Red(kw)),
        "bce_with_logits" => F.binary_cross_entropy_with_logits(a[0], a[1], reduction: Red(kw)),
        "bce_with_logits_pw" => F.binary_cross_entropy_with_logits(a[0], a[1], reduction: Red(kw), pos_weight: a[2]),
        "bce_with_logits_w_pw" => F.binary_cross_entropy_with_logits(a[0], a[1], a[2], Red(kw), a[3]),
        "kl_div" => F.kl_div(a[0], a[1], Red(kw)),
        "kl_div_log" => F.kl_div(a[0], a[1], Red(kw), log_target: true),
        _ => throw new InvalidOperationException($"no mapping for {name}"),
    };

    public static TheoryData<string> FnCases() => NnRecords.Keys("fn");

    [Theory]
    [MemberData(nameof(FnCases))]
    public void FunctionalFormsAndGradientsMatchPyTorch(string key)
    {
        var c = NnRecords.Case(key);
        string name = c.GetProperty("name").GetString()!;
        var kw = c.GetProperty("kw");
        var (ins, grad) = NnRecords.Inputs(c);
        if (c.TryGetProperty("error", out _))
        {
            Reference.AssertError(c, () => Call(name, ins, kw));
            return;
        }
        var outT = Call(name, ins, kw);
        Reference.AssertClose(Reference.Tensor(c.GetProperty("out")), outT, "out");
        NnRecords.AssertGradients(c, outT, ins, grad);
    }

    public static TheoryData<string> DropoutCases() => NnRecords.Keys("dropout");

    [Theory]
    [MemberData(nameof(DropoutCases))]
    public void DropoutDrawsMatchPyTorch(string key)
    {
        var c = NnRecords.Case(key);
        long seed = c.GetProperty("seed").GetInt64();
        manual_seed(seed);
        var x = Reference.Tensor(c.GetProperty("x"));
        double p = c.GetProperty("p").GetDouble();
        var y = seed == 5 ? nn.Dropout(p).call(x) : F.dropout(x, p);
        Reference.AssertClose(Reference.Tensor(c.GetProperty("out")), y, "dropout");
    }

    private static Tensor Init(string name, Tensor t, JsonElement kw)
    {
        double D(string k, double d) => kw.TryGetProperty(k, out var v) ? v.GetDouble() : d;
        string S(string k, string d) => kw.TryGetProperty(k, out var v) ? v.GetString()! : d;
        return name switch
        {
            "uniform_" => nn.init.uniform_(t, D("a", 0), D("b", 1)),
            "normal_" => nn.init.normal_(t, D("mean", 0), D("std", 1)),
            "constant_" => nn.init.constant_(t, D("val", 0)),
            "xavier_uniform_" => nn.init.xavier_uniform_(t, D("gain", 1)),
            "xavier_normal_" => nn.init.xavier_normal_(t, D("gain", 1)),
            "kaiming_uniform_" => nn.init.kaiming_uniform_(t, D("a", 0), S("mode", "fan_in"), S("nonlinearity", "leaky_relu")),
            "kaiming_normal_" => nn.init.kaiming_normal_(t, D("a", 0), S("mode", "fan_in"), S("nonlinearity", "leaky_relu")),
            "trunc_normal_" => nn.init.trunc_normal_(t, D("mean", 0), D("std", 1), D("a", -2), D("b", 2)),
            "eye_" => nn.init.eye_(t),
            "zeros_" => nn.init.zeros_(t),
            "ones_" => nn.init.ones_(t),
            _ => throw new InvalidOperationException(name),
        };
    }

    public static TheoryData<string> InitCases() => NnRecords.Keys("init");
    public static TheoryData<string> GainCases() => NnRecords.Keys("gain");

    [Theory]
    [MemberData(nameof(InitCases))]
    public void InitFunctionsMatchPyTorchDraws(string key)
    {
        var c = NnRecords.Case(key);
        string name = c.GetProperty("name").GetString()!;
        long seed = c.GetProperty("seed").GetInt64();
        manual_seed(seed);
        var t = empty(NnRecords.Longs(c.GetProperty("shape")));
        if (c.TryGetProperty("error", out _))
        {
            Reference.AssertError(c, () => Init(name, t, c.GetProperty("kw")));
            return;
        }
        var r = Init(name, t, c.GetProperty("kw"));
        Assert.Same(t, r);
        Reference.AssertClose(Reference.Tensor(c.GetProperty("out")), t, name, rtol: name == "trunc_normal_" ? 1e-6 : 0, atol: name == "trunc_normal_" ? 1e-6 : 0);
    }

    [Theory]
    [MemberData(nameof(GainCases))]
    public void GainsMatchPyTorch(string key)
    {
        var c = NnRecords.Case(key);
        string nl = c.GetProperty("nonlinearity").GetString()!;
        var p = c.GetProperty("param");
        double g = nn.init.calculate_gain(nl, p.ValueKind == JsonValueKind.Null ? null : p.GetDouble());
        Assert.Equal(c.GetProperty("out").GetDouble(), g);
    }

    internal sealed class NeuralNetwork : nn.Module<Tensor, Tensor>
    {
        private readonly Flatten flatten = nn.Flatten();
        private readonly Sequential linear_relu_stack = nn.Sequential(
            nn.Linear(12, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 3));

        public override Tensor forward(Tensor x) => linear_relu_stack.call(flatten.call(x));
    }

    private static nn.Module Model(string name) => name switch
    {
        "linear" => nn.Linear(5, 3),
        "linear_nobias" => nn.Linear(4, 2, bias: false),
        "embedding" => nn.Embedding(6, 3),
        "embedding_pad" => nn.Embedding(6, 3, padding_idx: 2),
        "layernorm" => nn.LayerNorm(4),
        "bilinear" => nn.Bilinear(3, 2, 4),
        "batchnorm1d" => nn.BatchNorm1d(3),
        "sequential" => nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 2), nn.LayerNorm(2)),
        "quickstart" => new NeuralNetwork(),
        _ => throw new InvalidOperationException(name),
    };

    public static TheoryData<string> ModelCases() => NnRecords.Keys("model");
    public static TheoryData<string> QuickstartForwardCases() => NnRecords.Keys("quickstart_forward");

    [Theory]
    [MemberData(nameof(ModelCases))]
    public void FreshModelsHavePyTorchWeightsNamesAndRepr(string key)
    {
        var c = NnRecords.Case(key);
        string name = c.GetProperty("name").GetString()!;
        manual_seed(c.GetProperty("seed").GetInt64());
        var m = Model(name);
        var sd = m.state_dict();
        Assert.Equal(NnRecords.Strings(c.GetProperty("keys")), sd.Keys.ToArray());
        Assert.Equal(NnRecords.Strings(c.GetProperty("params")), m.named_parameters().Select(p => p.name).ToArray());
        Assert.Equal(NnRecords.Strings(c.GetProperty("buffers")), m.named_buffers().Select(p => p.name).ToArray());
        Assert.Equal(NnRecords.Strings(c.GetProperty("modules")), m.named_modules().Select(p => p.name).ToArray());
        Assert.Equal(c.GetProperty("repr").GetString(), m.ToString());
        var st = c.GetProperty("state").EnumerateArray().ToArray();
        int k = 0;
        foreach (var v in sd.Values) Reference.AssertClose(Reference.Tensor(st[k]), v, sd.Keys.ElementAt(k++), rtol: 0, atol: 0);
    }

    [Theory]
    [MemberData(nameof(QuickstartForwardCases))]
    public void QuickstartForwardMatchesPyTorch(string key)
    {
        var c = NnRecords.Case(key);
        manual_seed(c.GetProperty("seed").GetInt64());
        var m = new NeuralNetwork();
        Reference.AssertClose(Reference.Tensor(c.GetProperty("out")), m.call(Reference.Tensor(c.GetProperty("x"))), "forward");
    }

    public static TheoryData<string> StateErrorCases() => NnRecords.Keys("state_error");

    [Theory]
    [MemberData(nameof(StateErrorCases))]
    public void LoadStateDictReportsAsPyTorch(string key)
    {
        manual_seed(108);
        var sd = new NeuralNetwork().state_dict();
        var c = NnRecords.Case(key);
        string name = c.GetProperty("name").GetString()!;
        bool strict = c.GetProperty("strict").GetBoolean();
        var d = new Dictionary<string, Tensor>(sd);
        switch (name)
        {
            case "missing_unexpected_size":
                d.Remove("linear_relu_stack.4.bias");
                d["extra.weight"] = zeros(1);
                d["linear_relu_stack.0.weight"] = zeros(8, 13);
                break;
            case "missing": d.Remove("linear_relu_stack.2.weight"); break;
            case "unexpected": d["foo"] = zeros(2); break;
        }
        var m = new NeuralNetwork();
        if (c.TryGetProperty("error", out _))
        {
            var before = m.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
            Reference.AssertError(c, () => m.load_state_dict(d, strict));
            // nothing half-loaded
            foreach (var (k, v) in m.state_dict()) Assert.True(equal(before[k], v), $"{k} changed");
            return;
        }
        var (missing, unexpected) = m.load_state_dict(d, strict);
        Assert.Equal(NnRecords.Strings(c.GetProperty("missing")), missing.ToArray());
        Assert.Equal(NnRecords.Strings(c.GetProperty("unexpected")), unexpected.ToArray());
        foreach (var (k, v) in m.state_dict()) if (d.TryGetValue(k, out var src)) Assert.True(equal(src, v), $"{k} not loaded");
    }

    private static nn.Module ReprModule(string name) => name switch
    {
        "Linear" => nn.Linear(784, 512),
        "Linear_nobias" => nn.Linear(3, 2, bias: false),
        "Bilinear" => nn.Bilinear(3, 2, 4),
        "Identity" => nn.Identity(),
        "Dropout" => nn.Dropout(),
        "Dropout_02" => nn.Dropout(0.2, inplace: true),
        "Embedding" => nn.Embedding(10, 3),
        "Embedding_pad" => nn.Embedding(10, 3, padding_idx: 0),
        "LayerNorm" => nn.LayerNorm(4),
        "LayerNorm2" => nn.LayerNorm([3, 4], eps: 1e-6, elementwise_affine: false),
        "GroupNorm" => nn.GroupNorm(2, 4),
        "BatchNorm1d" => nn.BatchNorm1d(3),
        "BatchNorm2d" => nn.BatchNorm2d(5, momentum: null, affine: false),
        "BatchNorm2d_nostats" => nn.BatchNorm2d(5, track_running_stats: false),
        "Flatten" => nn.Flatten(),
        "Flatten02" => nn.Flatten(0, 2),
        "Unflatten" => nn.Unflatten(1, 2, 3),
        "Unflatten1" => nn.Unflatten(0, 4),
        "ReLU" => nn.ReLU(),
        "ReLU_inplace" => nn.ReLU(inplace: true),
        "LeakyReLU" => nn.LeakyReLU(),
        "LeakyReLU2" => nn.LeakyReLU(0.2, true),
        "ELU" => nn.ELU(),
        "ELU2" => nn.ELU(0.5),
        "GELU" => nn.GELU(),
        "GELU_tanh" => nn.GELU("tanh"),
        "SiLU" => nn.SiLU(),
        "Mish" => nn.Mish(),
        "Tanh" => nn.Tanh(),
        "Sigmoid" => nn.Sigmoid(),
        "Softmax" => nn.Softmax(dim: 1),
        "LogSoftmax" => nn.LogSoftmax(dim: -1),
        "Softplus" => nn.Softplus(),
        "Softplus2" => nn.Softplus(beta: 2, threshold: 10),
        "CrossEntropyLoss" => nn.CrossEntropyLoss(),
        "NLLLoss" => nn.NLLLoss(),
        "MSELoss" => nn.MSELoss(),
        "L1Loss" => nn.L1Loss(),
        "SmoothL1Loss" => nn.SmoothL1Loss(),
        "HuberLoss" => nn.HuberLoss(),
        "BCELoss" => nn.BCELoss(),
        "BCEWithLogitsLoss" => nn.BCEWithLogitsLoss(),
        "KLDivLoss" => nn.KLDivLoss(),
        "Sequential" => nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Dropout(0.1)), nn.Linear(3, 1)),
        "ModuleList" => nn.ModuleList(nn.Linear(1, 2), nn.ReLU()),
        "ModuleDict" => nn.ModuleDict(("act", nn.ReLU()), ("fc", nn.Linear(2, 2))),
        "Quickstart" => new NeuralNetwork(),
        "SequentialEmpty" => nn.Sequential(),
        "ModuleListEmpty" => nn.ModuleList(),
        _ => throw new InvalidOperationException(name),
    };

    public static TheoryData<string> ReprCases() => NnRecords.Keys("repr");

    [Theory]
    [MemberData(nameof(ReprCases))]
    public void ModuleReprsMatchPyTorch(string key)
    {
        var c = NnRecords.Case(key);
        Assert.Equal(c.GetProperty("text").GetString(), ReprModule(c.GetProperty("name").GetString()!).ToString());
    }

    public static TheoryData<string> BatchNormCases() => NnRecords.Keys("bn");

    [Theory]
    [MemberData(nameof(BatchNormCases))]
    public void BatchNormModulesTrackRunningStatsAsPyTorch(string key)
    {
        var c = NnRecords.Case(key);
        string name = c.GetProperty("name").GetString()!;
        BatchNorm m = name switch
        {
            "bn1d" => nn.BatchNorm1d(3),
            "bn1d_3d" => nn.BatchNorm1d(3, momentum: 0.3),
            "bn2d" => nn.BatchNorm2d(3),
            "bn2d_cma" => nn.BatchNorm2d(3, momentum: null),
            "bn1d_nostats" => nn.BatchNorm1d(3, track_running_stats: false),
            _ => throw new InvalidOperationException(name),
        };
        using (no_grad())
        {
            m.weight!.copy_(Reference.Tensor(c.GetProperty("weight")));
            m.bias!.copy_(Reference.Tensor(c.GetProperty("bias")));
        }
        var xs = c.GetProperty("xs").EnumerateArray().Select(Reference.Tensor).ToArray();
        var outs = c.GetProperty("outs").EnumerateArray().Select(Reference.Tensor).ToArray();
        Reference.AssertClose(outs[0], m.call(xs[0]), "train 0");
        Reference.AssertClose(outs[1], m.call(xs[1]), "train 1");
        m.eval();
        Reference.AssertClose(outs[2], m.call(xs[2]), "eval");
        var bufs = c.GetProperty("buffers").EnumerateArray().Select(Reference.Tensor).ToArray();
        var mine = m.buffers().ToArray();
        Assert.Equal(bufs.Length, mine.Length);
        for (int k = 0; k < bufs.Length; k++) Reference.AssertClose(bufs[k], mine[k], $"buffer {k}");
    }
}

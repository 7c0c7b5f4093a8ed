using System.Text.Json;
using Flint.Modules;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Nn;

/// <summary>
/// Replays tools/refs/gen_nn_edges.py: losses at infinite and NaN differences, the dtypes losses refuse, zero-element
/// inputs (softmax, losses, norms), empty convolution kernels and the texts of masked_fill_, padding_idx and hook errors.
/// </summary>
public class NnEdgeTests
{
    private static TheoryData<string> Of(string kind) => Reference.CaseNames("nn_edges", c => c.GetProperty("kind").GetString() == kind);
    public static TheoryData<string> FnCases() => Of("fn");
    public static TheoryData<string> ModuleCases() => Of("module");
    public static TheoryData<string> BuildCases() => Of("build");
    public static TheoryData<string> ErrorCases() => Of("error");

    private static string Red(JsonElement kw) => kw.TryGetProperty("reduction", out var r) ? r.GetString()! : "mean";
    private static double Kd(JsonElement kw, string k, double dflt) => kw.TryGetProperty(k, out var v) ? v.GetDouble() : dflt;

    private static Tensor Call(string name, Tensor[] a, JsonElement kw) => name switch
    {
        "smooth_l1_loss" => F.smooth_l1_loss(a[0], a[1], Red(kw), Kd(kw, "beta", 1)),
        "huber_loss" => F.huber_loss(a[0], a[1], Red(kw), Kd(kw, "delta", 1)),
        "l1_loss" => F.l1_loss(a[0], a[1], Red(kw)),
        "mse_loss" => F.mse_loss(a[0], a[1], Red(kw)),
        "bce_with_logits" => F.binary_cross_entropy_with_logits(a[0], a[1], reduction: Red(kw)),
        "bce_with_logits_pw" => F.binary_cross_entropy_with_logits(a[0], a[1], reduction: Red(kw), pos_weight: a[2]),
        "kl_div" => F.kl_div(a[0], a[1], Red(kw)),
        "kl_div_log" => F.kl_div(a[0], a[1], Red(kw), log_target: true),
        "binary_cross_entropy" => F.binary_cross_entropy(a[0], a[1], reduction: Red(kw)),
        "binary_cross_entropy_w" => F.binary_cross_entropy(a[0], a[1], a[2], Red(kw)),
        "nll_loss" => F.nll_loss(a[0], a[1], reduction: Red(kw)),
        "nll_loss_w" => F.nll_loss(a[0], a[1], weight: a[2], reduction: Red(kw)),
        "cross_entropy" => F.cross_entropy(a[0], a[1], reduction: Red(kw)),
        "cross_entropy_ls" => F.cross_entropy(a[0], a[1], reduction: Red(kw), label_smoothing: 0.1),
        "cross_entropy_w" => F.cross_entropy(a[0], a[1], weight: a[2], reduction: Red(kw)),
        "softmax" => F.softmax(a[0], (long)Kd(kw, "dim", 0)),
        "log_softmax" => F.log_softmax(a[0], (long)Kd(kw, "dim", 0)),
        "log_softmax_f64" => F.log_softmax(a[0], (long)Kd(kw, "dim", 0), float64),
        "batch_norm_train" => F.batch_norm(a[0], null, null, training: true),
        "batch_norm_train_affine" => F.batch_norm(a[0], null, null, a[1], a[2], training: true),
        "batch_norm_train_stats" => F.batch_norm(a[0], a[1], a[2], training: true),
        "batch_norm_eval" => F.batch_norm(a[0], a[1], a[2], training: false),
        "batch_norm_eval_nomean" => F.batch_norm(a[0], null, a[2], training: false),
        "batch_norm_eval_novar" => F.batch_norm(a[0], a[1], null, training: false),
        "group_norm" => F.group_norm(a[0], (long)Kd(kw, "g", 1), a[1], a[2]),
        "group_norm_noaffine" => F.group_norm(a[0], (long)Kd(kw, "g", 1)),
        "layer_norm" => F.layer_norm(a[0], a[1].shape.ToArray(), a[1], a[2]),
        "embedding_pad" => F.embedding(a[0], a[1], padding_idx: (long)Kd(kw, "padding_idx", 0)),
        "conv2d" => F.conv2d(a[0], a[1]),
        _ => throw new InvalidOperationException($"no mapping for {name}"),
    };

    [Theory]
    [MemberData(nameof(FnCases))]
    public void EdgeCasesOfFunctionalFormsMatchPyTorch(string key)
    {
        var c = Reference.Case("nn_edges", key);
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
        Assert.True(c.GetProperty("requires_grad").GetBoolean() == outT.requires_grad, $"requires_grad {outT.requires_grad}");
        var gfn = c.GetProperty("grad_fn");
        if (gfn.ValueKind == JsonValueKind.Null) Assert.Null(outT.grad_fn);
        else
        {
            Assert.True(outT.grad_fn is not null, "no grad_fn");
            if (c.GetProperty("check_grad_fn").GetBoolean())
                Assert.Equal(gfn.GetString(), outT.grad_fn!.name());
        }
        NnRecords.AssertGradients(c, outT, ins, grad);
    }

    private static nn.Module<Tensor, Tensor> Build(string name) => name switch
    {
        "BatchNorm1d" => nn.BatchNorm1d(3),
        "BatchNorm1d_cma" => nn.BatchNorm1d(3, momentum: null),
        "BatchNorm1d_nostats" => nn.BatchNorm1d(3, track_running_stats: false),
        "BatchNorm2d" => nn.BatchNorm2d(3),
        "BatchNorm2d_noaffine" => nn.BatchNorm2d(3, affine: false),
        "GroupNorm" => nn.GroupNorm(2, 4),
        "Conv2d_k0" or "Conv2d_k0_channels" => nn.Conv2d(3, 4, 0),
        "Conv2d_k01" => nn.Conv2d(3, 4, new long[] { 0, 1 }),
        "Conv2d_k10" => nn.Conv2d(3, 4, new long[] { 1, 0 }),
        "Conv1d_k0" => nn.Conv1d(3, 4, 0),
        "Conv2d_k-1" => nn.Conv2d(3, 4, -1),
        "Conv1d_k-2" => nn.Conv1d(3, 4, -2),
        "ConvTranspose2d_k0" => nn.ConvTranspose2d(3, 4, 0),
        "Embedding_pad6" => nn.Embedding(6, 3, padding_idx: 6),
        "Embedding_pad-7" => nn.Embedding(6, 3, padding_idx: -7),
        "Embedding_pad-6" => nn.Embedding(6, 3, padding_idx: -6),
        "Embedding_pad-1" => nn.Embedding(6, 3, padding_idx: -1),
        "Embedding_pad5" => nn.Embedding(6, 3, padding_idx: 5),
        _ => throw new InvalidOperationException($"no module for {name}"),
    };

    [Theory]
    [MemberData(nameof(ModuleCases))]
    public void ModulesOnEdgeInputsMatchPyTorch(string key)
    {
        var c = Reference.Case("nn_edges", key);
        string name = c.GetProperty("name").GetString()!;
        var m = Build(name);
        var x = Reference.Tensor(c.GetProperty("x"));
        if (x.dtype.is_floating_point) x.requires_grad_();
        if (c.TryGetProperty("error", out _))
        {
            Reference.AssertError(c, () => m.call(x));
            return;
        }
        var y = m.call(x);
        Reference.AssertClose(Reference.Tensor(c.GetProperty("out")), y, "out");
        Assert.True(y.grad_fn is not null, "no grad_fn");
        if (c.GetProperty("check_grad_fn").GetBoolean()) Assert.Equal(c.GetProperty("grad_fn").GetString(), y.grad_fn!.name());
        var ps = m.named_parameters().ToArray();
        var got = autograd.grad([y.sum()], [x, .. ps.Select(p => (Tensor)p.parameter)], allow_unused: true);
        var names = new[] { "input" }.Concat(ps.Select(p => p.name)).ToArray();
        var exp = c.GetProperty("grads");
        for (int k = 0; k < names.Length; k++)
        {
            if (!exp.TryGetProperty(names[k], out var e)) { Assert.True(got[k] is null, $"grad of {names[k]} should be None"); continue; }
            Assert.True(got[k] is not null, $"grad of {names[k]} is null");
            Reference.AssertClose(Reference.Tensor(e), got[k]!, $"grad of {names[k]}");
        }
        var bufs = c.GetProperty("buffers").EnumerateArray().Select(Reference.Tensor).ToArray();
        var mine = m.buffers().ToArray();
        Assert.Equal(bufs.Length, mine.Length);
        for (int k = 0; k < bufs.Length; k++) Reference.AssertClose(bufs[k], mine[k], $"buffer {k}");
        if (c.TryGetProperty("eval_out", out var ev))
        {
            m.eval();
            Reference.AssertClose(Reference.Tensor(ev), m.call(x), "eval out");
        }
        Assert.Equal(c.GetProperty("repr").GetString(), m.ToString());
    }

    [Theory]
    [MemberData(nameof(BuildCases))]
    public void ModuleConstructionMatchesPyTorch(string key)
    {
        var c = Reference.Case("nn_edges", key);
        string name = c.GetProperty("name").GetString()!;
        if (c.TryGetProperty("error", out _)) { Reference.AssertError(c, () => Build(name)); return; }
        Assert.Equal(c.GetProperty("repr").GetString(), Build(name).ToString());
    }

    private static Tensor Bools(params bool[] v) => tensor(v);

    private static void ScaleHookScenario()
    {
        static Tensor? scale_hook(Tensor g) => ones(2);
        var x = ones(3).requires_grad_();
        var y = x * 2;
        y.register_hook(scale_hook);
        y.sum().backward();
    }

    private static readonly Dictionary<string, Action> Scenarios = new()
    {
        ["masked_fill_size"] = () => zeros(3).masked_fill_(Bools(true, false), 1.0),
        ["masked_fill_size_grad"] = () => (zeros(3).requires_grad_() * 1).masked_fill_(Bools(true, false), 1.0),
        ["masked_fill_size_tensor"] = () => zeros(3).masked_fill_(Bools(true, false), tensor(1.0f)),
        ["masked_fill_size_leaf"] = () => zeros(3).requires_grad_().masked_fill_(Bools(true, false), 1.0),
        ["masked_fill_outofplace_size"] = () => zeros(3).masked_fill(Bools(true, false), 1.0),
        ["masked_fill_broadcast"] = () => zeros(3).masked_fill_(tensor(new bool[,] { { true, false, true }, { true, true, true } }), 1.0),
        ["masked_scatter_size"] = () => zeros(3).masked_scatter_(Bools(true, false), ones(3)),
        ["masked_scatter_size_grad"] = () => (zeros(3).requires_grad_() * 1).masked_scatter_(Bools(true, false), ones(3)),
        ["masked_scatter_outofplace_size"] = () => zeros(3).masked_scatter(Bools(true, false), ones(3)),
        ["masked_scatter_broadcast"] = () =>
        {
            var t = zeros(2, 3);
            t.masked_scatter_(tensor(new bool[,] { { true }, { false } }), arange(6.0f));
            Assert.Equal(new float[] { 0, 1, 2, 0, 0, 0 }, t.ToArray<float>());
        },
        ["hook_nonleaf_size"] = () =>
        {
            var x = ones(3).requires_grad_();
            var y = x * 2;
            y.register_hook(g => ones(4));
            y.sum().backward();
        },
        ["hook_leaf_size"] = () =>
        {
            var x = ones(3).requires_grad_();
            x.register_hook(g => ones(4));
            (x * 2).sum().backward();
        },
        ["hook_broadcastable_size"] = () =>
        {
            var x = ones(2, 3).requires_grad_();
            var y = x * 2;
            y.register_hook(g => ones(3));
            y.sum().backward();
        },
        ["hook_dtype"] = () =>
        {
            var x = ones(3).requires_grad_();
            var y = x * 2;
            y.register_hook(g => g.@double());
            y.sum().backward();
        },
        ["hook_named"] = ScaleHookScenario,
        ["hook_grad_api"] = () =>
        {
            var x = ones(3).requires_grad_();
            var y = x * 2;
            y.register_hook(g => ones(1));
            autograd.grad([y.sum()], [x]);
        },
        ["hook_same_size"] = () =>
        {
            var x = ones(3).requires_grad_();
            var y = x * 2;
            y.register_hook(g => g * 3);
            y.sum().backward();
            Assert.Equal(new float[] { 6, 6, 6 }, x.grad!.ToArray<float>());
        },
    };

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void ErrorTextsOfMaskedFillAndHooksMatchPyTorch(string key)
    {
        var c = Reference.Case("nn_edges", key);
        string name = c.GetProperty("name").GetString()!;
        var run = Scenarios[name];
        if (c.GetProperty("error").ValueKind == JsonValueKind.Null) { run(); return; }
        Reference.AssertError(c, run);
    }

    [Fact]
    public void EveryErrorScenarioIsRecorded() =>
        Assert.Equal(Scenarios.Keys.Order(), Reference.Cases("nn_edges").Where(c => c.GetProperty("kind").GetString() == "error").Select(c => c.GetProperty("name").GetString()!).Order());

    [Fact]
    public void AFailedMaskedFillLeavesTheTensorAlone()
    {
        var t = arange(3.0f);
        Assert.ThrowsAny<ArgumentException>(() => t.masked_fill_(Bools(true, false), 9.0));
        Assert.Equal(new float[] { 0, 1, 2 }, t.ToArray<float>());
        Assert.Equal(0, t._version_count);
    }

    /// <summary>The one-node losses are differentiable twice (their backward is built from differentiable ops).</summary>
    [Fact]
    public void OneNodeLossesPassGradcheckAndGradgradcheck()
    {
        // differences away from the kinks at ±0.7 and ±1.3: -2.1 ... 2.0 in steps of 0.37
        var x = (arange(12.0, dtype: float64) * 0.37 - 2.1).reshape(3, 4).requires_grad_();
        var y = (arange(12.0, dtype: float64) * -0.05 + 0.1).reshape(3, 4).requires_grad_();
        var p = (arange(12.0, dtype: float64) * 0.07 + 0.1).reshape(3, 4).requires_grad_();
        var lp = log_softmax(arange(12.0, dtype: float64).reshape(3, 4) * 0.3 - 1, 1).detach().requires_grad_();
        var t = tensor(new long[] { 1, -100, 3 });
        var cw = tensor(new double[] { 0.5, 1.0, 1.5, 2.0 });
        foreach (var red in new[] { "none", "mean", "sum" })
        {
            var cases = new (string, Func<Tensor[], Tensor>, Tensor[])[]
            {
                ("smooth_l1", a => F.smooth_l1_loss(a[0], a[1], red, 0.7), [x, y]),
                ("huber", a => F.huber_loss(a[0], a[1], red, 1.3), [x, y]),
                ("mse", a => F.mse_loss(a[0], a[1], red), [x, y]),
                ("bce", a => F.binary_cross_entropy(a[0], a[1], reduction: red), [p, y.detach().abs().requires_grad_()]),
                ("nll", a => F.nll_loss(a[0], t, weight: cw, reduction: red), [lp]),
            };
            foreach (var (name, fn, ins) in cases)
            {
                Assert.True(autograd.gradcheck(fn, ins), $"{name} {red} gradcheck");
                Assert.True(autograd.gradgradcheck(fn, ins), $"{name} {red} gradgradcheck");
            }
        }
    }

    [Fact]
    public void ClassWeightsThatRequireGradAreAcceptedWithoutGradMode()
    {
        var w = tensor(new float[] { 1, 2 }).requires_grad_();
        using (no_grad())
        {
            var l = F.nll_loss(tensor(new float[,] { { -1, -2 }, { -3, -4 } }), tensor(new long[] { 0, 1 }), weight: w);
            Assert.Equal((1 * 1f + 4 * 2f) / 3, l.item<float>(), 6);
            var b = F.binary_cross_entropy(tensor(new float[] { 0.5f, 0.5f }), tensor(new float[] { 1, 0 }), w);
            Assert.Equal(MathF.Log(2) * 1.5f, b.item<float>(), 6);
        }
    }

    [Fact]
    public void ZeroBatchBatchNormCountsTheBatchButKeepsItsStatistics()
    {
        var m = nn.BatchNorm1d(3, momentum: null);
        m.call(randn(4, 3));
        var mean = m.named_buffers().First(b => b.name == "running_mean").buffer.clone();
        m.call(zeros(0, 3));
        Assert.Equal(2L, m.named_buffers().First(b => b.name == "num_batches_tracked").buffer.item<long>());
        Assert.True(equal(mean, m.named_buffers().First(b => b.name == "running_mean").buffer));
    }
}

using System.Text.Json;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Nn;

/// <summary>
/// Replays tools/refs/gen_fused.py: the fused losses, norms and embedding (values, signed zeros, PyTorch's node
/// names, gradients and gradients of gradients), cumprod's gradient at zeros, and the error texts of those ops.
/// </summary>
public class FusedOpsTests
{
    private static readonly IReadOnlyDictionary<string, JsonElement> Records = Reference.CasesByName("fused");

    public static TheoryData<string> CaseNames() => Reference.CaseNames("fused");

    private static string Red(JsonElement kw) => kw.TryGetProperty("reduction", out var r) ? r.GetString()! : "mean";
    private static double Kd(JsonElement kw, string k, double dflt) => kw.TryGetProperty(k, out var v) ? v.GetDouble() : dflt;

    private static Tensor Call(string op, Tensor[] a, JsonElement kw) => op switch
    {
        "cumprod" => torch.cumprod(a[0], (long)Kd(kw, "dim", 0)),
        "mse_loss" => F.mse_loss(a[0], a[1], Red(kw)),
        "l1_loss" => F.l1_loss(a[0], a[1], Red(kw)),
        "smooth_l1_loss" => F.smooth_l1_loss(a[0], a[1], Red(kw), Kd(kw, "beta", 1)),
        "huber_loss" => F.huber_loss(a[0], a[1], Red(kw), Kd(kw, "delta", 1)),
        "kl_div" => F.kl_div(a[0], a[1], Red(kw)),
        "kl_div_log" => F.kl_div(a[0], a[1], Red(kw), log_target: true),
        "binary_cross_entropy" => F.binary_cross_entropy(a[0], a[1], reduction: Red(kw)),
        "binary_cross_entropy_w" => F.binary_cross_entropy(a[0], a[1], a[2], Red(kw)),
        "bce_with_logits" => F.binary_cross_entropy_with_logits(a[0], a[1], reduction: Red(kw)),
        "bce_with_logits_w" => F.binary_cross_entropy_with_logits(a[0], a[1], weight: a[2], reduction: Red(kw)),
        "bce_with_logits_pw" => F.binary_cross_entropy_with_logits(a[0], a[1], reduction: Red(kw), pos_weight: a[2]),
        "nll_loss" => F.nll_loss(a[0], a[1], reduction: Red(kw)),
        "cross_entropy" => F.cross_entropy(a[0], a[1], reduction: Red(kw)),
        "cross_entropy_w" => F.cross_entropy(a[0], a[1], weight: a[2], reduction: Red(kw)),
        "cross_entropy_ls" => F.cross_entropy(a[0], a[1], reduction: Red(kw), label_smoothing: Kd(kw, "label_smoothing", 0)),
        "batch_norm_train" => F.batch_norm(a[0], null, null, training: true),
        "batch_norm_train_affine" => F.batch_norm(a[0], null, null, a[1], a[2], training: true),
        "batch_norm_train_stats" => F.batch_norm(a[0], a[1], a[2], training: true, momentum: Kd(kw, "momentum", 0.1)),
        "batch_norm_eval_affine" => F.batch_norm(a[0], a[1], a[2], a[3], a[4], training: false),
        "layer_norm" => F.layer_norm(a[0], a[1].shape.ToArray(), a[1], a[2]),
        "layer_norm_noaffine" => F.layer_norm(a[0], kw.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray()),
        "group_norm" => F.group_norm(a[0], (long)Kd(kw, "g", 1), a[1], a[2]),
        "group_norm_noaffine" => F.group_norm(a[0], (long)Kd(kw, "g", 1)),
        "embedding" => F.embedding(a[0], a[1]),
        "embedding_pad" => F.embedding(a[0], a[1], padding_idx: (long)Kd(kw, "padding_idx", 0)),
        _ => throw new InvalidOperationException($"no mapping for {op}"),
    };

    /// <summary>The error scenarios, replayed by name.</summary>
    private static readonly Dictionary<string, Action> Scenarios = new()
    {
        ["index_select_out_of_range"] = () => arange(3.0).index_select(0, tensor(new long[] { 3 })),
        ["index_select_negative"] = () => arange(3.0).index_select(0, tensor(new long[] { -1 })),
        ["index_select_out_of_range_dim0"] = () => ones(3, 2).index_select(0, tensor(new long[] { 0, 5 })),
        ["index_select_out_of_range_dim2"] = () => ones(3, 2, 2).index_select(2, tensor(new long[] { 2 })),
        ["index_select_out_of_range_int32"] = () => arange(3.0).index_select(0, tensor(new int[] { 3 })),
        ["index_select_out_of_range_dim1"] = () => ones(3, 2).index_select(1, tensor(new long[] { 2 })),
        ["cross_entropy_float_target"] = () => F.cross_entropy(randn(2, 3), tensor(new float[] { 0, 1 })),
        ["cross_entropy_long_probabilities"] = () => F.cross_entropy(randn(2, 3), zeros([2, 3], dtype: int64)),
        ["cross_entropy_multi_target"] = () => F.cross_entropy(randn(2, 3), zeros(2, 4)),
        ["nll_loss_float_target"] = () => F.nll_loss(randn(2, 3), tensor(new float[] { 0, 1 })),
        ["batchnorm1d_num_features"] = () => nn.BatchNorm1d(3).call(randn(2, 4)),
        ["batchnorm1d_num_features_eval"] = () => { var m = nn.BatchNorm1d(3); m.eval(); m.call(randn(2, 4)); },
        ["batchnorm2d_num_features"] = () => nn.BatchNorm2d(3).call(randn(2, 4, 2, 2)),
        ["batch_norm_weight_size"] = () => F.batch_norm(randn(2, 4), zeros(4), ones(4), ones(3), training: true),
        ["batch_norm_bias_size"] = () => F.batch_norm(randn(2, 4), null, null, ones(4), ones(3), training: true),
        ["batch_norm_running_var_size"] = () => F.batch_norm(randn(2, 4), zeros(4), ones(3), training: true),
        ["layer_norm_input_shape"] = () => F.layer_norm(randn(2, 3), [4]),
        ["layer_norm_weight_shape"] = () => F.layer_norm(randn(2, 4), [4], ones(3)),
        ["layer_norm_bias_shape"] = () => F.layer_norm(randn(2, 4), [4], ones(4), ones(3)),
        ["group_norm_weight_shape"] = () => F.group_norm(randn(2, 4, 3), 2, ones(3)),
        ["embedding_out_of_range"] = () => F.embedding(tensor(new long[] { 1, 7 }), randn(3, 2)),
        ["embedding_negative"] = () => F.embedding(tensor(new long[] { -1 }), randn(3, 2)),
        ["embedding_module_out_of_range"] = () => nn.Embedding(3, 2).call(tensor(new long[,] { { 0, 3 } })),
        ["bce_with_logits_weight_requires_grad"] = () =>
            F.binary_cross_entropy_with_logits(randn([3], requires_grad: true), rand(3), weight: rand([3], requires_grad: true)),
        ["bce_with_logits_pos_weight_requires_grad"] = () =>
            F.binary_cross_entropy_with_logits(randn([3], requires_grad: true), rand(3), pos_weight: rand([3], requires_grad: true)),
        ["binary_cross_entropy_out_of_range"] = () => F.binary_cross_entropy(tensor(new float[] { 0.5f, 1.5f }), tensor(new float[] { 1, 0 })),
        ["mse_loss_integer"] = () => F.mse_loss(tensor(new long[] { 1, 2 }), tensor(new long[] { 1, 3 })),
    };

    /// <summary>Values as assert_close compares them, and each zero with PyTorch's sign.</summary>
    private static void AssertSame(Tensor expected, Tensor actual, string context)
    {
        Reference.AssertClose(expected, actual, context);
        if (!expected.dtype.is_floating_point) return;
        var e = expected.ToArray<double>(); var a = actual.ToArray<double>();
        for (int i = 0; i < e.Length; i++)
            if (e[i] == 0)
                Assert.True(double.IsNegative(e[i]) == double.IsNegative(a[i]), $"{context}: element {i} is {a[i]:R}, PyTorch's is {e[i]:R}");
    }

    private static void AssertGrads(JsonElement expected, Tensor?[] got, bool[] grad, string what, double tol)
    {
        var exp = expected.EnumerateArray().ToArray();
        int k = 0;
        for (int i = 0; i < grad.Length; i++)
        {
            if (!grad[i]) continue;
            var g = got[k++];
            if (exp[i].ValueKind == JsonValueKind.Null) { Assert.True(g is null || g.eq(0).all().item<bool>(), $"{what} {i} should be None"); continue; }
            Assert.True(g is not null, $"{what} {i} is null");
            var e = Reference.Tensor(exp[i]);
            var (rt, at) = Reference.Tolerance(e.dtype);
            Reference.AssertClose(e, g!, $"{what} {i}", rtol: Math.Max(tol, rt), atol: Math.Max(tol, at));
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesPyTorch(string name)
    {
        var c = Records[name];
        if (c.GetProperty("kind").GetString() == "error")
        {
            Assert.True(Scenarios.TryGetValue(name, out var run), $"no C# form for the recorded scenario {name}");
            var err = c.GetProperty("error");
            if (err.ValueKind == JsonValueKind.Null) { run!(); return; }
            Reference.AssertError(c, run!);
            return;
        }
        var kw = c.GetProperty("kw");
        string op = c.GetProperty("op").GetString()!;
        var (ins, grad) = NnRecords.Inputs(c);
        if (c.TryGetProperty("error", out _))
        {
            Reference.AssertError(c, () => Call(op, ins, kw));
            return;
        }
        var outT = Call(op, ins, kw);
        AssertSame(Reference.Tensor(c.GetProperty("out")), outT, "out");
        var gfn = c.GetProperty("grad_fn");
        if (gfn.ValueKind == JsonValueKind.Null) Assert.Null(outT.grad_fn);
        else Assert.Equal(gfn.GetString(), outT.grad_fn?.name());
        if (c.TryGetProperty("after", out var after))
        {
            var updated = after.EnumerateArray().ToArray();
            var which = ins.Where((_, k) => !grad[k] && k > 0).ToArray();
            for (int k = 0; k < updated.Length; k++) AssertSame(Reference.Tensor(updated[k]), which[k], $"updated input {k}");
        }
        if (!c.TryGetProperty("grads", out var grads)) return;
        var wanted = ins.Where((_, k) => grad[k]).ToArray();
        var gout = Reference.Tensor(c.GetProperty("gout"));
        bool twice = c.TryGetProperty("vs", out var vsE);
        var got = torch.autograd.grad([outT], wanted, [gout], create_graph: twice, allow_unused: true);
        AssertGrads(grads, got, grad, "grad", 1e-5);
        if (!twice) return;
        // the double backward: d/d inputs of sum_k sum(grad_k * v_k)
        var vs = vsE.EnumerateArray().ToArray();
        Tensor? s = null;
        for (int k = 0; k < got.Length; k++)
        {
            if (vs[k].ValueKind == JsonValueKind.Null) continue;
            // a gradient that does not depend on any input (a bias's) adds nothing to the second derivatives
            if (got[k] is not { requires_grad: true }) continue;
            var term = (got[k]! * Reference.Tensor(vs[k])).sum();
            s = s is null ? term : s + term;
        }
        Assert.True(s is not null, "no gradient is differentiable");
        var gg = torch.autograd.grad([s!], wanted, allow_unused: true);
        // second derivatives compound float32 rounding (PyTorch's formulas and Flint's round differently)
        AssertGrads(c.GetProperty("ggrads"), gg, grad, "gradgrad", outT.dtype == float64 ? 1e-5 : 1e-4);
    }

    [Fact]
    public void EveryScenarioIsRecorded()
    {
        var recorded = Records.Values.Where(c => c.GetProperty("kind").GetString() == "error").Select(c => c.GetProperty("name").GetString()!);
        Assert.Equal(Scenarios.Keys.Order(), recorded.Order());
    }

    /// <summary>Each fused op records one node whose inputs are the op's own inputs, not a chain of primitives.</summary>
    [Fact]
    public void FusedOpsRecordOneNodeOverTheirInputs()
    {
        var x = randn([4, 3], requires_grad: true);
        var t = randn(4, 3);
        foreach (var y in new[] { F.mse_loss(x, t), F.huber_loss(x, t), F.smooth_l1_loss(x, t), F.binary_cross_entropy_with_logits(x, t.sigmoid()),
                                  F.binary_cross_entropy(x.sigmoid().detach().requires_grad_(), t.sigmoid()) })
        {
            var next = y.grad_fn!.next_functions;
            Assert.True(next.All(e => e.Item1 is null || e.Item1.name().EndsWith("AccumulateGrad")), $"{y.grad_fn.name()} feeds {string.Join(", ", next.Select(e => e.Item1?.name()))}");
        }
        var w = ones([3], requires_grad: true); var b = zeros([3], requires_grad: true);
        foreach (var y in new[] { F.batch_norm(x, null, null, w, b, training: true), F.layer_norm(x, [3], w, b), F.group_norm(x, 3, w, b) })
            Assert.Equal(3, y.grad_fn!.next_functions.Count(e => e.Item1?.name().EndsWith("AccumulateGrad") == true));
    }

    /// <summary>The running statistics are updated in place: the buffers keep their identity and advance their versions.</summary>
    [Fact]
    public void BatchNormUpdatesTheRunningStatisticsInPlace()
    {
        var rm = zeros(3); var rv = ones(3);
        long v0 = rm._version.Value;
        F.batch_norm(tensor(new float[,] { { 1, 2, 3 }, { 3, 4, 5 } }), rm, rv, training: true, momentum: 0.5);
        Assert.True(rm._version.Value > v0);
        Assert.Equal([1f, 1.5f, 2f], rm.ToArray<float>());
        Assert.Equal([1.5f, 1.5f, 1.5f], rv.ToArray<float>());
    }
}

using System.Text.Json;
using Flint.Optimizers;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;
using static Flint.torch.optim.lr_scheduler;

namespace Flint.Tests.Nn;

/// <summary>Optimizer trajectories, parameter groups, gradient clipping and lr schedules vs PyTorch's records.</summary>
[Collection("GlobalGenerator")]
public class OptimReferenceTests
{
    private static readonly Tensor X = tensor(new float[,] { { 0.5f, -1.0f, 2.0f }, { 1.5f, 0.3f, -0.7f }, { -0.2f, 0.8f, 1.1f }, { 1.0f, 1.0f, -1.0f } });
    private static readonly Tensor Y = tensor(new float[,] { { 1.0f, -1.0f }, { 0.5f, 2.0f }, { -1.5f, 0.3f }, { 0.2f, 0.1f } });

    private static (Parameter w, Parameter b) Problem() =>
        (nn.Parameter(tensor(new float[,] { { 0.1f, -0.2f }, { 0.3f, 0.05f }, { -0.4f, 0.2f } })), nn.Parameter(tensor(new float[] { 0.01f, -0.02f })));

    private static Tensor Loss(Tensor w, Tensor b) => (matmul(X, w) + b - Y).pow(2).mean();

    private static Optimizer Make(string name, JsonElement kw, IEnumerable<Parameter> ps)
    {
        double D(string k, double d) => kw.TryGetProperty(k, out var v) ? v.GetDouble() : d;
        bool B(string k) => kw.TryGetProperty(k, out var v) && v.GetBoolean();
        (double, double)? betas = kw.TryGetProperty("betas", out var be) ? (be[0].GetDouble(), be[1].GetDouble()) : null;
        return name switch
        {
            "SGD" => optim.SGD(ps, D("lr", 1e-3), D("momentum", 0), D("dampening", 0), D("weight_decay", 0), B("nesterov"), B("maximize")),
            "Adam" => optim.Adam(ps, D("lr", 1e-3), betas, D("eps", 1e-8), D("weight_decay", 0), B("amsgrad"), B("maximize")),
            "AdamW" => optim.AdamW(ps, D("lr", 1e-3), betas, D("eps", 1e-8), D("weight_decay", 1e-2), B("amsgrad"), B("maximize")),
            "RMSprop" => optim.RMSprop(ps, D("lr", 1e-2), D("alpha", 0.99), D("eps", 1e-8), D("weight_decay", 0), D("momentum", 0), B("centered"), B("maximize")),
            "Adagrad" => optim.Adagrad(ps, D("lr", 1e-2), D("lr_decay", 0), D("weight_decay", 0), D("initial_accumulator_value", 0), D("eps", 1e-10), B("maximize")),
            _ => throw new InvalidOperationException(name),
        };
    }

    private static void StepOnce(Optimizer o, Parameter w, Parameter b)
    {
        o.zero_grad();
        Loss(w, b).backward();
        o.step();
    }

    private static void CheckStep(JsonElement step, Parameter w, Parameter b, string ctx)
    {
        Reference.AssertClose(Reference.Tensor(step[0]), w.detach(), ctx + " w", rtol: 1e-5, atol: 1e-6);
        Reference.AssertClose(Reference.Tensor(step[1]), b.detach(), ctx + " b", rtol: 1e-5, atol: 1e-6);
    }

    public static TheoryData<string> OptimCases() => NnRecords.Keys("optim");
    public static TheoryData<string> GroupCases() => NnRecords.Keys("optim_groups");

    [Theory]
    [MemberData(nameof(OptimCases))]
    public void OptimizerTrajectoriesMatchPyTorch(string key)
    {
        var c = NnRecords.Case(key);
        string name = c.GetProperty("name").GetString()!;
        var kw = c.GetProperty("kw");
        var (w, b) = Problem();
        var o = Make(name, kw, [w, b]);
        int k = 0;
        foreach (var step in c.GetProperty("steps").EnumerateArray()) { StepOnce(o, w, b); CheckStep(step, w, b, $"step {k++}"); }
        var sd = o.state_dict();
        var st = (Dictionary<int, Dictionary<string, object>>)sd["state"]!;
        // PyTorch keeps a None momentum_buffer for SGD without momentum; Flint keeps no state then
        if (st.Count > 0)
            Assert.Equal(NnRecords.Strings(c.GetProperty("state_keys")), st[0].Keys.OrderBy(x => x, StringComparer.Ordinal).ToArray());
        string[] implementationSwitches = ["capturable", "differentiable", "foreach", "fused"];
        var gk = ((List<Dictionary<string, object>>)sd["param_groups"]!)[0].Keys.OrderBy(x => x, StringComparer.Ordinal).ToArray();
        Assert.Equal(NnRecords.Strings(c.GetProperty("group_keys")).Except(implementationSwitches).ToArray(), gk);
    }

    [Theory]
    [MemberData(nameof(OptimCases))]
    public void OptimizerStateDictRoundTripsAsPyTorch(string key)
    {
        var c = NnRecords.Case(key);
        string name = c.GetProperty("name").GetString()!;
        var kw = c.GetProperty("kw");
        var (w, b) = Problem();
        var o = Make(name, kw, [w, b]);
        var steps = c.GetProperty("steps").EnumerateArray().ToArray();
        for (int k = 0; k < 3; k++) StepOnce(o, w, b);
        var sd = o.state_dict();
        StepOnce(o, w, b); // must not leak into the saved state
        var (w2, b2) = Problem();
        using (no_grad()) { w2.copy_(Reference.Tensor(steps[2][0])); b2.copy_(Reference.Tensor(steps[2][1])); }
        var o2 = Make(name, JsonDocument.Parse("{\"lr\": 12345}").RootElement, [w2, b2]);
        o2.load_state_dict(sd);
        Assert.Equal(o.param_groups[0].lr, o2.param_groups[0].lr);
        for (int k = 3; k < steps.Length; k++) { StepOnce(o2, w2, b2); CheckStep(steps[k], w2, b2, $"resumed step {k}"); }
    }

    [Theory]
    [MemberData(nameof(GroupCases))]
    public void ParamGroupTrajectoriesMatchPyTorch(string key)
    {
        var c = NnRecords.Case(key);
        string name = c.GetProperty("name").GetString()!;
        var (w, b) = Problem();
        Optimizer o = name == "SGD"
            ? new SGD([new ParamGroup([w]), new ParamGroup([b], new() { ["lr"] = 0.5 })], lr: 0.1, momentum: 0.9)
            : new Adam([new ParamGroup([w], new() { ["lr"] = 0.01 }), new ParamGroup([b])], lr: 0.2);
        int k = 0;
        foreach (var step in c.GetProperty("steps").EnumerateArray()) { StepOnce(o, w, b); CheckStep(step, w, b, $"step {k++}"); }
    }

    public static TheoryData<string> ClipCases() => NnRecords.Keys("clip");

    [Theory]
    [MemberData(nameof(ClipCases))]
    public void GradientClippingMatchesPyTorch(string key)
    {
        var c = NnRecords.Case(key);
        var kw = c.GetProperty("kw");
        var (w, b) = Problem();
        Loss(w, b).backward();
        if (c.GetProperty("name").GetString() == "norm")
        {
            double nt = kw.TryGetProperty("norm_type", out var v) ? (v.ValueKind == JsonValueKind.String ? double.PositiveInfinity : v.GetDouble()) : 2.0;
            var total = nn.utils.clip_grad_norm_([w, b], kw.GetProperty("max_norm").GetDouble(), nt);
            Assert.Equal(c.GetProperty("total").GetDouble(), total.item<double>(), 5);
        }
        else nn.utils.clip_grad_value_([w, b], kw.GetProperty("clip_value").GetDouble());
        var g = c.GetProperty("grads");
        Reference.AssertClose(Reference.Tensor(g[0]), w.grad!, "w.grad");
        Reference.AssertClose(Reference.Tensor(g[1]), b.grad!, "b.grad");
    }

    private static object MakeScheduler(string name, JsonElement kw, Optimizer o)
    {
        double D(string k, double d) => kw.TryGetProperty(k, out var v) ? v.GetDouble() : d;
        long? L(string k) => kw.TryGetProperty(k, out var v) ? v.GetInt64() : null;
        string S(string k, string d) => kw.TryGetProperty(k, out var v) ? v.GetString()! : d;
        return name switch
        {
            "StepLR" => new StepLR(o, L("step_size")!.Value, D("gamma", 0.1)),
            "MultiStepLR" => new MultiStepLR(o, NnRecords.Longs(kw.GetProperty("milestones")), D("gamma", 0.1)),
            "ExponentialLR" => new ExponentialLR(o, D("gamma", 0)),
            "CosineAnnealingLR" => new CosineAnnealingLR(o, L("T_max")!.Value, D("eta_min", 0)),
            "LambdaLR" => new LambdaLR(o, e => Math.Pow(0.95, e)),
            "OneCycleLR" or "OneCycleLR_Adam" => new OneCycleLR(o, D("max_lr", 0), L("total_steps"), L("epochs"), L("steps_per_epoch"),
                D("pct_start", 0.3), S("anneal_strategy", "cos"), D("div_factor", 25), D("final_div_factor", 1e4),
                three_phase: kw.TryGetProperty("three_phase", out var tp) && tp.GetBoolean()),
            _ => throw new InvalidOperationException(name),
        };
    }

    public static TheoryData<string> SchedCases() => NnRecords.Keys("sched");
    public static TheoryData<string> SchedErrorCases() => NnRecords.Keys("sched_error");
    public static TheoryData<string> PlateauCases() => NnRecords.Keys("plateau");

    [Theory]
    [MemberData(nameof(SchedCases))]
    public void SchedulerLrSequencesMatchPyTorch(string key)
    {
        var c = NnRecords.Case(key);
        string name = c.GetProperty("name").GetString()!;
        var kw = c.GetProperty("kw");
        var p = nn.Parameter(zeros(1));
        bool adam = name == "OneCycleLR_Adam";
        Optimizer o = adam ? optim.Adam([p], lr: 0.1) : optim.SGD([p], lr: 0.1, momentum: 0.9);
        var s = (LRScheduler)MakeScheduler(name, kw, o);
        double Mom() => adam ? (((double, double))o.param_groups[0].options["betas"]).Item1 : o.param_groups[0]["momentum"];
        var lrs = new List<double> { o.param_groups[0].lr };
        var moms = new List<double> { Mom() };
        var expected = NnRecords.Doubles(c.GetProperty("lrs"));
        for (int k = 1; k < expected.Length; k++)
        {
            o.step(); s.step();
            lrs.Add(o.param_groups[0].lr);
            moms.Add(Mom());
        }
        for (int k = 0; k < expected.Length; k++)
            Assert.True(Math.Abs(expected[k] - lrs[k]) <= 1e-12 + 1e-12 * Math.Abs(expected[k]), $"lr[{k}] {lrs[k]:R} != {expected[k]:R}");
        var em = NnRecords.Doubles(c.GetProperty("momenta"));
        for (int k = 0; k < em.Length; k++)
            Assert.True(Math.Abs(em[k] - moms[k]) <= 1e-12, $"momentum[{k}] {moms[k]:R} != {em[k]:R}");
        if (c.TryGetProperty("last_lr", out var ll)) Assert.Equal(NnRecords.Doubles(ll)[0], s.get_last_lr()[0], 12);
    }

    [Theory]
    [MemberData(nameof(SchedErrorCases))]
    public void OneCycleLrOverstepFailsAsPyTorch(string key)
    {
        var c = NnRecords.Case(key);
        var p = nn.Parameter(zeros(1));
        var o = optim.SGD([p], lr: 0.1);
        var s = new OneCycleLR(o, 1.0, total_steps: 2);
        Reference.AssertError(c, () => { for (int k = 0; k < 3; k++) { o.step(); s.step(); } });
    }

    [Theory]
    [MemberData(nameof(PlateauCases))]
    public void PlateauLrSequencesMatchPyTorch(string key)
    {
        var c = NnRecords.Case(key);
        var kw = c.GetProperty("kw");
        double D(string k, double d) => kw.TryGetProperty(k, out var v) ? v.GetDouble() : d;
        string S(string k, string d) => kw.TryGetProperty(k, out var v) ? v.GetString()! : d;
        var p = nn.Parameter(zeros(1));
        var o = optim.SGD([p], lr: 0.1);
        var s = new ReduceLROnPlateau(o, S("mode", "min"), D("factor", 0.1), (long)D("patience", 10), D("threshold", 1e-4),
            S("threshold_mode", "rel"), (long)D("cooldown", 0), D("min_lr", 0));
        var metrics = NnRecords.Doubles(c.GetProperty("metrics"));
        var expected = NnRecords.Doubles(c.GetProperty("lrs"));
        for (int k = 0; k < metrics.Length; k++)
        {
            s.step(metrics[k]);
            Assert.True(Math.Abs(expected[k] - o.param_groups[0].lr) <= 1e-15, $"epoch {k}: lr {o.param_groups[0].lr:R} != {expected[k]:R}");
        }
    }

    [Fact]
    public void OptimizerArgumentErrorsAsPyTorch()
    {
        var p = nn.Parameter(zeros(2));
        Assert.Equal("Invalid learning rate: -1", Assert.Throws<ArgumentException>(() => optim.SGD([p], lr: -1)).Message);
        Assert.Equal("Nesterov momentum requires a momentum and zero dampening", Assert.Throws<ArgumentException>(() => optim.SGD([p], lr: 0.1, nesterov: true)).Message);
        Assert.Equal("Invalid beta parameter at index 0: 1", Assert.Throws<ArgumentException>(() => optim.Adam([p], betas: (1.0, 0.9))).Message);
        Assert.Equal("optimizer got an empty parameter list", Assert.Throws<ArgumentException>(() => optim.Adam(Array.Empty<Parameter>())).Message);
        var o = optim.SGD([p], lr: 0.1);
        Assert.Equal("some parameters appear in more than one parameter group",
            Assert.Throws<ArgumentException>(() => o.add_param_group(new ParamGroup([p]))).Message);
    }

    [Fact]
    public void ZeroGradAndClosure()
    {
        var (w, b) = Problem();
        var o = optim.SGD([w, b], lr: 0.1);
        Loss(w, b).backward();
        o.zero_grad(set_to_none: false);
        Assert.True(w.grad!.eq(0).all().item<bool>());
        o.zero_grad();
        Assert.Null(w.grad);
        var loss = o.step(() => { o.zero_grad(); var l = Loss(w, b); l.backward(); return l; });
        Assert.NotNull(loss);
        Assert.NotNull(w.grad);
    }
}

using System.Text.Json;
using Flint.Optimizers;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;
using static Flint.torch.optim.lr_scheduler;
using static Flint.Tests.Optim.OptimRecords;

namespace Flint.Tests.Optim;

/// <summary>
/// The lr schedules of ConstantLR, LinearLR, PolynomialLR, CosineAnnealingWarmRestarts (also its fractional
/// step(epoch)), CyclicLR, SequentialLR and ChainedScheduler vs PyTorch 1.13's records: the lr and momentum after every
/// step, get_last_lr, the state dict, and a state dict restored half-way. CyclicLR cycling Adam's beta1 is PyTorch 2.x
/// only (1.13 refuses it), so it is checked against the SGD momentum record here.
/// </summary>
public class SchedulerReferenceTests
{
    private static LRScheduler Build(string name, JsonElement kw, Optimizer o) => name switch
    {
        "ConstantLR" => new ConstantLR(o, D(kw, "factor", 1.0 / 3), L(kw, "total_iters", 5)),
        "LinearLR" => new LinearLR(o, D(kw, "start_factor", 1.0 / 3), D(kw, "end_factor", 1.0), L(kw, "total_iters", 5)),
        "PolynomialLR" => new PolynomialLR(o, L(kw, "total_iters", 5), D(kw, "power", 1.0)),
        "CosineAnnealingWarmRestarts" => new CosineAnnealingWarmRestarts(o, L(kw, "T_0", 0), L(kw, "T_mult", 1), D(kw, "eta_min", 0)),
        "CyclicLR" => new CyclicLR(o, D(kw, "base_lr", 0), D(kw, "max_lr", 0), D(kw, "step_size_up", 2000),
            kw.TryGetProperty("step_size_down", out var sd) ? sd.GetDouble() : null, S(kw, "mode", "triangular"), D(kw, "gamma", 1.0),
            B(kw, "cycle_momentum", true), D(kw, "base_momentum", 0.8), D(kw, "max_momentum", 0.9)),
        "ExponentialLR" => new ExponentialLR(o, D(kw, "gamma", 0)),
        "CosineAnnealingLR" => new CosineAnnealingLR(o, L(kw, "T_max", 0), D(kw, "eta_min", 0)),
        "StepLR" => new StepLR(o, L(kw, "step_size", 0), D(kw, "gamma", 0.1)),
        "SequentialLR" => new SequentialLR(o, Subs(kw, o), kw.GetProperty("milestones").EnumerateArray().Select(m => m.GetInt64()).ToArray()),
        "ChainedScheduler" => new ChainedScheduler(Subs(kw, o)),
        _ => throw new InvalidOperationException(name),
    };

    private static LRScheduler[] Subs(JsonElement kw, Optimizer o) =>
        kw.GetProperty("schedulers").EnumerateArray().Select(s => Build(s[0].GetString()!, s[1], o)).ToArray();

    private static (Optimizer o, LRScheduler s) Make(JsonElement c)
    {
        var o = optim.SGD([nn.Parameter(zeros(1))], lr: 0.1, momentum: 0.9);
        return (o, Build(c.GetProperty("name").GetString()!, c.GetProperty("kw"), o));
    }

    private static void Step(LRScheduler s, JsonElement epoch)
    {
        if (epoch.ValueKind == JsonValueKind.Number) ((CosineAnnealingWarmRestarts)s).step(epoch.GetDouble());
        else s.step();
    }

    private static JsonElement[] Epochs(JsonElement c, int count) =>
        c.GetProperty("epochs").ValueKind == JsonValueKind.Array
            ? c.GetProperty("epochs").EnumerateArray().ToArray()
            : Enumerable.Repeat(default(JsonElement), count).ToArray();

    private static void AssertNear(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-12 + 1e-12 * Math.Abs(expected), $"{what}: {actual:R} != {expected:R}");

    public static TheoryData<string> SchedCases() => Keys("sched");
    public static TheoryData<string> ErrorCases() => Keys("sched_error");

    [Theory]
    [MemberData(nameof(SchedCases))]
    public void LrAndMomentumSequencesMatchPyTorch(string key)
    {
        var c = Case(key);
        var (o, s) = Make(c);
        var lrs = Doubles(c.GetProperty("lrs"));
        var moms = Doubles(c.GetProperty("momenta"));
        var epochs = Epochs(c, lrs.Length - 1);
        AssertNear(lrs[0], o.param_groups[0].lr, "lr[0]");
        for (int k = 1; k < lrs.Length; k++)
        {
            o.step();
            Step(s, epochs[k - 1]);
            AssertNear(lrs[k], o.param_groups[0].lr, $"lr[{k}]");
            AssertNear(moms[k], o.param_groups[0]["momentum"], $"momentum[{k}]");
        }
        AssertNear(Doubles(c.GetProperty("last_lr"))[0], s.get_last_lr()[0], "get_last_lr");
        AssertStateMatches(c.GetProperty("state"), s.state_dict(), "state_dict");
    }

    [Theory]
    [MemberData(nameof(SchedCases))]
    public void StateDictRestoredHalfWayContinuesAsPyTorch(string key)
    {
        var c = Case(key);
        var (o, s) = Make(c);
        var lrs = Doubles(c.GetProperty("lrs"));
        var epochs = Epochs(c, lrs.Length - 1);
        int half = lrs.Length / 2;
        for (int k = 1; k <= half; k++) { o.step(); Step(s, epochs[k - 1]); }
        var osd = o.state_dict();
        var ssd = s.state_dict();
        var (o2, s2) = Make(c);
        o2.load_state_dict(osd);
        s2.load_state_dict(ssd);
        for (int k = half + 1; k < lrs.Length; k++)
        {
            o2.step();
            Step(s2, epochs[k - 1]);
            AssertNear(lrs[k], o2.param_groups[0].lr, $"resumed lr[{k}]");
        }
    }

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void BadArgumentsFailAsPyTorch(string key)
    {
        var c = Case(key);
        var o = optim.SGD([nn.Parameter(zeros(1))], lr: 0.1, momentum: 0.9);
        string name = c.GetProperty("sched").GetString()!;
        if (key.EndsWith("negative epoch", StringComparison.Ordinal))
            Reference.AssertError(c, () => new CosineAnnealingWarmRestarts(o, 2).step(-1.0));
        else
            Reference.AssertError(c, () => Build(name, c.GetProperty("kw"), o));
    }

    [Fact]
    public void PyTorch2ErrorsWhere1_13Differs()
    {
        var o = optim.SGD([nn.Parameter(zeros(1))], lr: 0.1, momentum: 0.9);
        // 2.x refuses a zero start factor (1.13 accepted it and divided by zero later)
        Assert.Equal("Starting multiplicative factor expected to be greater than 0 and less or equal to 1.",
            Assert.Throws<ArgumentException>(() => new LinearLR(o, start_factor: 0)).Message);
        Assert.Equal("optimizer must support momentum or beta1 with `cycle_momentum` option enabled",
            Assert.Throws<ArgumentException>(() => new CyclicLR(optim.Adagrad([nn.Parameter(zeros(1))]), 0.01, 0.1)).Message);
        var other = optim.SGD([nn.Parameter(zeros(1))], lr: 0.1);
        Assert.Equal("ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and 1 to be different",
            Assert.Throws<ArgumentException>(() => new ChainedScheduler([new ConstantLR(o), new ConstantLR(other)])).Message);
    }

    [Fact]
    public void CyclicLrCyclesAdamBeta1AsTheMomentum()
    {
        // PyTorch 2.x: with Adam the cycled momentum is betas[0]; the values are those of SGD's momentum record
        var c = Case("CyclicLR");
        var o = optim.Adam([nn.Parameter(zeros(1))], lr: 0.1);
        var s = Build("CyclicLR", c.GetProperty("kw"), o);
        var moms = Doubles(c.GetProperty("momenta"));
        var lrs = Doubles(c.GetProperty("lrs"));
        AssertNear(moms[0], o.param_groups[0].betas.beta1, "beta1[0]");
        for (int k = 1; k < moms.Length; k++)
        {
            o.step(); s.step();
            AssertNear(lrs[k], o.param_groups[0].lr, $"lr[{k}]");
            AssertNear(moms[k], o.param_groups[0].betas.beta1, $"beta1[{k}]");
            Assert.Equal(0.999, o.param_groups[0].betas.beta2);
        }
    }
}

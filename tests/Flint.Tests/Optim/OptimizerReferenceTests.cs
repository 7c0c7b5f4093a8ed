using System.Text.Json;
using Flint.Optimizers;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;
using static Flint.Tests.Optim.OptimRecords;

namespace Flint.Tests.Optim;

/// <summary>
/// NAdam, RAdam, Adamax, Adadelta, ASGD and Rprop vs PyTorch on gen_nn.py's least-squares problem, in float32 and
/// float64: parameters after each of 8 steps, state and group keys, a state dict restored half-way, and the argument
/// errors. Records with "source": "1.13" come from torch.optim 1.13 itself; "2.x" records (NAdam throughout, whose
/// 1.13 step differs from 2.x's; RAdam's decoupled_weight_decay and maximize) come from gen_optim.py's transcription of
/// the 2.x step, which the generator checks against 1.13 where both have the behaviour.
/// </summary>
public class OptimizerReferenceTests
{
    private static readonly double[,] X = { { 0.5, -1.0, 2.0 }, { 1.5, 0.3, -0.7 }, { -0.2, 0.8, 1.1 }, { 1.0, 1.0, -1.0 } };
    private static readonly double[,] Y = { { 1.0, -1.0 }, { 0.5, 2.0 }, { -1.5, 0.3 }, { 0.2, 0.1 } };

    /// <summary>PyTorch 2.x group options 1.13 lacks.</summary>
    private static readonly string[] Only2x = ["decoupled_weight_decay", "maximize"];
    private static readonly string[] ImplementationSwitches = ["capturable", "differentiable", "foreach", "fused"];

    private static (Parameter w, Parameter b, Tensor x, Tensor y) Problem(DType dtype) =>
        (nn.Parameter(tensor(new float[,] { { 0.1f, -0.2f }, { 0.3f, 0.05f }, { -0.4f, 0.2f } }).to(dtype)),
         nn.Parameter(tensor(new float[] { 0.01f, -0.02f }).to(dtype)),
         tensor(X).to(float32).to(dtype), tensor(Y).to(float32).to(dtype));

    private static (double, double)? Pair(JsonElement kw, string k) => kw.TryGetProperty(k, out var v) ? (v[0].GetDouble(), v[1].GetDouble()) : null;

    private static Optimizer Make(string name, JsonElement kw, Parameter[] ps) => name switch
    {
        "NAdam" => optim.NAdam(ps, D(kw, "lr", 2e-3), Pair(kw, "betas"), D(kw, "eps", 1e-8), D(kw, "weight_decay", 0), D(kw, "momentum_decay", 4e-3),
            B(kw, "decoupled_weight_decay"), B(kw, "maximize")),
        "RAdam" => optim.RAdam(ps, D(kw, "lr", 1e-3), Pair(kw, "betas"), D(kw, "eps", 1e-8), D(kw, "weight_decay", 0), B(kw, "decoupled_weight_decay"), B(kw, "maximize")),
        "Adamax" => optim.Adamax(ps, D(kw, "lr", 2e-3), Pair(kw, "betas"), D(kw, "eps", 1e-8), D(kw, "weight_decay", 0), B(kw, "maximize")),
        "Adadelta" => optim.Adadelta(ps, D(kw, "lr", 1.0), D(kw, "rho", 0.9), D(kw, "eps", 1e-6), D(kw, "weight_decay", 0), B(kw, "maximize")),
        "ASGD" => optim.ASGD(ps, D(kw, "lr", 1e-2), D(kw, "lambd", 1e-4), D(kw, "alpha", 0.75), D(kw, "t0", 1e6), D(kw, "weight_decay", 0), B(kw, "maximize")),
        "Rprop" => optim.Rprop(ps, D(kw, "lr", 1e-2), Pair(kw, "etas"), Pair(kw, "step_sizes"), B(kw, "maximize")),
        _ => throw new InvalidOperationException(name),
    };

    private static void StepOnce(Optimizer o, Parameter w, Parameter b, Tensor x, Tensor y)
    {
        o.zero_grad();
        (matmul(x, w) + b - y).pow(2).mean().backward();
        o.step();
    }

    private static void CheckStep(JsonElement step, Parameter w, Parameter b, string dtype, string ctx, bool scalarsCast = false)
    {
        bool tight = dtype == "float64" && !scalarsCast;
        double rtol = tight ? 1e-10 : 1e-5, atol = tight ? 1e-12 : 1e-6;
        Assert.Equal(dtype, w.dtype.name);
        Reference.AssertClose(Reference.Tensor(step[0]), w.detach(), ctx + " w", rtol: rtol, atol: atol);
        Reference.AssertClose(Reference.Tensor(step[1]), b.detach(), ctx + " b", rtol: rtol, atol: atol);
    }

    public static TheoryData<string> Cases() => Keys("optim");
    public static TheoryData<string> ErrorCases() => Keys("optim_error");

    [Theory]
    [MemberData(nameof(Cases))]
    public void TrajectoriesMatchPyTorch(string key)
    {
        var c = Case(key);
        string name = c.GetProperty("optimizer").GetString()!, dtype = c.GetProperty("dtype").GetString()!;
        var (w, b, x, y) = Problem(Reference.DTypeOf(dtype));
        var o = Make(name, c.GetProperty("kw"), [w, b]);
        int k = 0;
        foreach (var step in c.GetProperty("steps").EnumerateArray()) { StepOnce(o, w, b, x, y); CheckStep(step, w, b, dtype, $"step {k++}"); }
        var sd = o.state_dict();
        var st = (Dictionary<int, Dictionary<string, object>>)sd["state"]!;
        Assert.Equal(Strings(c.GetProperty("state_keys")), st[0].Keys.Order(StringComparer.Ordinal).ToArray());
        var gk = ((List<Dictionary<string, object>>)sd["param_groups"]!)[0].Keys.Order(StringComparer.Ordinal).ToArray();
        var expected = Strings(c.GetProperty("group_keys")).Except(ImplementationSwitches);
        if (c.GetProperty("source").GetString() == "1.13") expected = expected.Union(Only2x.Intersect(gk));
        Assert.Equal(expected.Order(StringComparer.Ordinal).ToArray(), gk);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void StateDictRestoredHalfWayContinuesAsPyTorch(string key)
    {
        var c = Case(key);
        string name = c.GetProperty("optimizer").GetString()!, dtype = c.GetProperty("dtype").GetString()!;
        var steps = c.GetProperty("steps").EnumerateArray().ToArray();
        var (w, b, x, y) = Problem(Reference.DTypeOf(dtype));
        var o = Make(name, c.GetProperty("kw"), [w, b]);
        int half = steps.Length / 2;
        for (int k = 0; k < half; k++) StepOnce(o, w, b, x, y);
        var sd = o.state_dict();
        StepOnce(o, w, b, x, y); // must not leak into the saved state
        var (w2, b2, _, _) = Problem(Reference.DTypeOf(dtype));
        using (no_grad()) { w2.copy_(Reference.Tensor(steps[half - 1][0])); b2.copy_(Reference.Tensor(steps[half - 1][1])); }
        var o2 = Make(name, JsonDocument.Parse("{\"lr\": 12345}").RootElement, [w2, b2]);
        o2.load_state_dict(sd);
        Assert.Equal(o.param_groups[0].lr, o2.param_groups[0].lr);
        // as PyTorch, loading casts 0-dim state scalars other than step (NAdam's mu_product, ASGD's eta and mu) to the
        // parameter's dtype: a float64 run resumed computes them in float64, the uninterrupted one in float32
        bool scalarsCast = State0(o).Any(kv => kv.Key != "step" && kv.Value is Tensor t && t.dim() == 0);
        for (int k = half; k < steps.Length; k++) { StepOnce(o2, w2, b2, x, y); CheckStep(steps[k], w2, b2, dtype, $"resumed step {k}", scalarsCast); }
        if (scalarsCast)
            foreach (var kv in State0(o2).Where(kv => kv.Key != "step" && kv.Value is Tensor)) Assert.Equal(w.dtype, ((Tensor)kv.Value).dtype);
    }

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void BadArgumentsFailAsPyTorch(string key)
    {
        var c = Case(key);
        var p = nn.Parameter(zeros(2));
        Reference.AssertError(c, () => Make(c.GetProperty("optimizer").GetString()!, c.GetProperty("kw"), [p]));
    }

    [Fact]
    public void PyTorch1StateDictsLoad()
    {
        // 1.13 keeps Rprop's and Adadelta's step as a plain int and the pairs as lists; they load and step on
        var (w, b, x, y) = Problem(float32);
        var o = optim.Rprop([w, b], lr: 0.05);
        StepOnce(o, w, b, x, y);
        var sd = o.state_dict();
        var st = (Dictionary<int, Dictionary<string, object>>)sd["state"]!;
        foreach (var s in st.Values) s["step"] = 1L;
        var groups = (List<Dictionary<string, object>>)sd["param_groups"]!;
        groups[0]["etas"] = new List<object?> { 0.5, 1.2 };
        groups[0]["step_sizes"] = new List<object?> { 1e-6, 50.0 };
        var o2 = optim.Rprop([w, b]);
        o2.load_state_dict(sd);
        StepOnce(o2, w, b, x, y);
        Assert.Equal(2.0, ((Tensor)o2.state[w]["step"]).item<double>());
        Assert.Equal(0.05, o2.param_groups[0].lr);
    }

    private static Dictionary<string, object> State0(Optimizer o) => o.state[o.param_groups[0].@params[0]];

    private static string[] Strings(JsonElement e) => e.EnumerateArray().Select(v => v.GetString()!).ToArray();
}

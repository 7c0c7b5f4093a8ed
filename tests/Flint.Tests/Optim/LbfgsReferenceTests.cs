using System.Text.Json;
using Flint.Optimizers;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;
using static Flint.Tests.Optim.OptimRecords;

namespace Flint.Tests.Optim;

/// <summary>
/// LBFGS vs PyTorch 1.13 (whose LBFGS 2.x keeps): four <c>step(closure)</c> calls on the Rosenbrock function from
/// (-1.5, 2) and on gen_nn.py's least-squares problem, with and without the strong-Wolfe line search, in float32 and
/// float64: the parameters and the returned loss after each step, the closure evaluations and iterations counted, and
/// the state and group keys. PyTorch computes the search's scalars (step, directional derivatives, curvature) as 0-dim
/// tensors of the parameters' dtype and Flint in double: in float64 the whole trajectory matches; in float32 PyTorch's
/// own run leaves its float64 trajectory after the first step (its tolerance tests and interpolations see different
/// roundings), so float32 is compared on the first step, at float32's precision.
/// </summary>
public class LbfgsReferenceTests
{
    public static TheoryData<string> Cases() => Keys("lbfgs");

    private static (Parameter[] ps, Func<Tensor> f) Problem(string name, DType dtype)
    {
        if (name == "rosenbrock")
        {
            var xy = nn.Parameter(tensor(new[] { -1.5, 2.0 }).to(dtype));
            return ([xy], () => (1 - xy[0]).pow(2) + 100 * (xy[1] - xy[0].pow(2)).pow(2));
        }
        var w = nn.Parameter(tensor(new float[,] { { 0.1f, -0.2f }, { 0.3f, 0.05f }, { -0.4f, 0.2f } }).to(dtype));
        var b = nn.Parameter(tensor(new float[] { 0.01f, -0.02f }).to(dtype));
        var x = tensor(new float[,] { { 0.5f, -1.0f, 2.0f }, { 1.5f, 0.3f, -0.7f }, { -0.2f, 0.8f, 1.1f }, { 1.0f, 1.0f, -1.0f } }).to(dtype);
        var y = tensor(new float[,] { { 1.0f, -1.0f }, { 0.5f, 2.0f }, { -1.5f, 0.3f }, { 0.2f, 0.1f } }).to(dtype);
        return ([w, b], () => (matmul(x, w) + b - y).pow(2).mean());
    }

    private static LBFGS Make(JsonElement kw, Parameter[] ps) =>
        optim.LBFGS(ps, D(kw, "lr", 1), L(kw, "max_iter", 20), kw.TryGetProperty("max_eval", out var me) ? me.GetInt64() : null,
            D(kw, "tolerance_grad", 1e-7), D(kw, "tolerance_change", 1e-9), L(kw, "history_size", 100), S(kw, "line_search_fn", null!));

    [Theory]
    [MemberData(nameof(Cases))]
    public void StepsMatchPyTorch(string key)
    {
        var c = Case(key);
        string dtype = c.GetProperty("dtype").GetString()!;
        var (ps, f) = Problem(c.GetProperty("problem").GetString()!, Reference.DTypeOf(dtype));
        var o = Make(c.GetProperty("kw"), ps);
        Tensor Closure() { o.zero_grad(); var l = f(); l.backward(); return l; }
        double rtol = dtype == "float64" ? 1e-9 : 1e-4, atol = dtype == "float64" ? 1e-11 : 1e-5;
        var losses = Doubles(c.GetProperty("losses"));
        int k = 0;
        bool exact = dtype == "float64";
        foreach (var step in c.GetProperty("steps").EnumerateArray().Take(exact ? int.MaxValue : 1))
        {
            double loss = o.step(Closure)!.item<double>();
            Assert.True(Math.Abs(loss - losses[k]) <= atol + rtol * Math.Abs(losses[k]), $"step {k}: loss {loss:R} != {losses[k]:R}");
            for (int i = 0; i < ps.Length; i++)
                Reference.AssertClose(Reference.Tensor(step[i]), ps[i].detach(), $"step {k} param {i}", rtol: rtol, atol: atol);
            k++;
        }
        var st = o.state[ps[0]];
        if (exact) Assert.Equal(c.GetProperty("func_evals").GetInt64(), (long)st["func_evals"]);
        if (exact) Assert.Equal(c.GetProperty("n_iter").GetInt64(), (long)st["n_iter"]);
        Assert.Equal(c.GetProperty("state_keys").EnumerateArray().Select(e => e.GetString()!).ToArray(), st.Keys.Order(StringComparer.Ordinal).ToArray());
        var gk = ((List<Dictionary<string, object>>)o.state_dict()["param_groups"]!)[0].Keys.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(c.GetProperty("group_keys").EnumerateArray().Select(e => e.GetString()!).ToArray(), gk);
    }

    [Fact]
    public void StepNeedsAClosure()
    {
        var o = optim.LBFGS([nn.Parameter(zeros(2))]);
        Assert.Equal("step() missing 1 required positional argument: 'closure'", Assert.Throws<ArgumentNullException>(() => o.step()).Message.Split(" (Parameter")[0]);
    }

    [Fact]
    public void OnlyStrongWolfeLineSearch()
    {
        var p = nn.Parameter(ones(2));
        var o = optim.LBFGS([p], line_search_fn: "backtracking");
        Assert.Equal("only 'strong_wolfe' is supported",
            Assert.Throws<InvalidOperationException>(() => o.step(() => { o.zero_grad(); var l = p.pow(2).sum(); l.backward(); return l; })).Message);
    }
}

using System.Text.Json;
using Flint.Optimizers;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;

namespace Flint.Tests.Optim;

/// <summary>
/// LBFGS's state_dict()/load_state_dict() (References/lbfgs_state.json, tools/refs/gen_lbfgs_state.py): PyTorch's
/// saved state (func_evals, n_iter, d, t, old_dirs, old_stps, ro, H_diag, prev_flat_grad, prev_loss, al; its tensors
/// flat over both parameters, H_diag and ro's entries 0-dim tensors) loads into a fresh Flint LBFGS, which then takes
/// PyTorch's next steps; Flint's own state dict resumes a second optimizer on the trajectory of the first, and is a copy
/// the first's later steps leave unchanged.
/// </summary>
public class LbfgsStateDictTests
{
    public static TheoryData<string> Cases() => Reference.CaseNames("lbfgs_state");

    private static readonly Tensor X, Y;

    /// <summary>PyTorch's LBFGS state keys, in ordinal order.</summary>
    private static readonly string[] Keys =
        new[] { "func_evals", "n_iter", "d", "t", "old_dirs", "old_stps", "ro", "H_diag", "prev_flat_grad", "prev_loss", "al" }.Order(StringComparer.Ordinal).ToArray();

    static LbfgsStateDictTests()
    {
        // the generator's problem: tanh(x W + b) against y³, least squares; x and y come with the first record
        var c = Reference.Cases("lbfgs_state")[0];
        X = Reference.Tensor(c.GetProperty("x"));
        Y = Reference.Tensor(c.GetProperty("y"));
    }

    private static Parameter[] Params(JsonElement values) => values.EnumerateArray().Select(v => nn.Parameter(Reference.Tensor(v))).ToArray();

    private static LBFGS Make(JsonElement kw, Parameter[] ps) =>
        optim.LBFGS(ps, kw.TryGetProperty("lr", out var lr) ? lr.GetDouble() : 1, kw.GetProperty("max_iter").GetInt64(),
            history_size: kw.GetProperty("history_size").GetInt64(), line_search_fn: kw.TryGetProperty("line_search_fn", out var ls) ? ls.GetString() : null);

    private static Func<Tensor> Closure(LBFGS o, Parameter[] ps) => () =>
    {
        o.zero_grad();
        var loss = (tanh(matmul(X, ps[0]) + ps[1]) - Y).pow(2).mean();
        loss.backward();
        return loss;
    };

    /// <summary>A state entry as torch.load gives it: tensors, lists (of tensors or None), ints and floats.</summary>
    private static object? Value(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Array => e.EnumerateArray().Select(Value).ToList(),
        JsonValueKind.Object => Reference.Tensor(e),
        JsonValueKind.Number when e.TryGetInt64(out var l) => l,
        JsonValueKind.Number => e.GetDouble(),
        _ => throw new InvalidOperationException(e.ToString()),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void PyTorchsStateResumesPyTorchsTrajectory(string key)
    {
        var c = Reference.Case("lbfgs_state", key);
        var ps = Params(c.GetProperty("saved"));
        var o = Make(c.GetProperty("kw"), ps);
        var st = c.GetProperty("state").EnumerateObject().ToDictionary(p => p.Name, p => Value(p.Value));
        Assert.Equal(Keys, st.Keys.Order(StringComparer.Ordinal).ToArray()); // PyTorch's key order depends on the run (al comes first with the line search)
        var sd = o.state_dict();
        sd["state"] = new Dictionary<object, object?> { [0L] = st };
        o.load_state_dict(sd);
        var closure = Closure(o, ps);
        var losses = c.GetProperty("losses_after").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        int k = 0;
        foreach (var step in c.GetProperty("after").EnumerateArray())
        {
            double loss = o.step(closure)!.item<double>();
            Assert.True(Math.Abs(loss - losses[k]) <= 1e-11 + 1e-9 * Math.Abs(losses[k]), $"step {k}: loss {loss:R} != {losses[k]:R}");
            var expected = step.EnumerateArray().Select(Reference.Tensor).ToArray();
            for (int i = 0; i < ps.Length; i++) Reference.AssertClose(expected[i], ps[i].detach(), $"step {k} param {i}", rtol: 1e-9, atol: 1e-11);
            k++;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FlintsStateDictResumesTheSameTrajectory(string key)
    {
        var c = Reference.Case("lbfgs_state", key);
        var kw = c.GetProperty("kw");
        var a = Params(c.GetProperty("init"));
        var oa = Make(kw, a);
        var ca = Closure(oa, a);
        for (int i = 0; i < 2; i++) oa.step(ca);
        var sd = oa.state_dict();
        var state = (Dictionary<int, Dictionary<string, object>>)sd["state"]!;
        Assert.Equal(Keys, state[0].Keys.Order(StringComparer.Ordinal).ToArray());
        var savedFlat = ((Tensor)state[0]["prev_flat_grad"]).clone();
        var savedDirs = ((System.Collections.IList)state[0]["old_dirs"]).Cast<Tensor>().Select(t => t.clone()).ToArray();
        // the saved state is PyTorch's after the same two steps
        Reference.AssertClose(Reference.Tensor(c.GetProperty("state").GetProperty("d")), (Tensor)state[0]["d"], "d", rtol: 1e-9, atol: 1e-11);

        var b = a.Select(p => nn.Parameter(p.detach().clone())).ToArray();
        var ob = Make(kw, b);
        ob.load_state_dict(sd);
        var cb = Closure(ob, b);
        for (int s = 0; s < 3; s++)
        {
            double la = oa.step(ca)!.item<double>(), lb = ob.step(cb)!.item<double>();
            Assert.Equal(la, lb);
            for (int i = 0; i < a.Length; i++) Reference.AssertClose(a[i].detach(), b[i].detach(), $"step {s} param {i}", rtol: 0, atol: 0);
        }
        // the state dict was a copy: the later steps changed neither its flat gradient nor its history
        Reference.AssertClose(savedFlat, (Tensor)state[0]["prev_flat_grad"], "saved prev_flat_grad", rtol: 0, atol: 0);
        var dirs = ((System.Collections.IList)state[0]["old_dirs"]).Cast<Tensor>().ToArray();
        Assert.Equal(savedDirs.Length, dirs.Length);
        for (int i = 0; i < dirs.Length; i++) Reference.AssertClose(savedDirs[i], dirs[i], $"saved old_dirs[{i}]", rtol: 0, atol: 0);
    }
}

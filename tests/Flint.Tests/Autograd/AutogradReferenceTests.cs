using System.Text.Json;
using Flint;
using Flint.Tests.Support;
using Xunit;

namespace Flint.Tests.Autograd;

/// <summary>
/// Replays tools/refs/gen_autograd.py: for each op case, the output's grad_fn name (PyTorch's node name), the
/// names of its next_functions, and the gradient of every input for the recorded grad_output; then gradcheck
/// (float64) on every differentiable case and gradgradcheck on the marked subset. All failures are reported
/// together.
/// </summary>
public class AutogradReferenceTests
{
    private static readonly JsonElement[] Cases = Reference.Cases("autograd");

    /// <summary>
    /// Composite ops whose node graph differs from PyTorch's decomposition (the gradients must still match):
    /// id -> why. Kept short on purpose.
    /// </summary>
    private static readonly Dictionary<string, string> CompositeNames = new()
    {
        ["einsum_mm"] = "einsum contracts with its own sequence of views and products",
        ["einsum_trace"] = "einsum contracts with its own sequence of views and products",
        ["einsum_outer"] = "einsum contracts with its own sequence of views and products",
        ["einsum_batch"] = "einsum contracts with its own sequence of views and products",
        ["einsum_sum"] = "einsum contracts with its own sequence of views and products",
    };

    private static Tensor[] Inputs(JsonElement c) =>
        c.GetProperty("inputs").EnumerateArray().Select(e =>
        {
            var t = Reference.Tensor(e);
            return e.GetProperty("requires_grad").GetBoolean() ? t.requires_grad_() : t;
        }).ToArray();

    private static string? Name(Flint.Autograd.Node? n) => n?.name();

    private static void Collect(List<string> failures, string id, Action check)
    {
        try { check(); }
        catch (Exception ex) { failures.Add($"{id}: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}"); }
    }

    private static void Report(List<string> failures, int total)
    {
        Assert.True(failures.Count == 0, $"{failures.Count} of {total} cases failed:\n" + string.Join("\n", failures));
    }

    [Fact]
    public void EveryCaseHasAnOp()
    {
        var missing = Cases.Select(c => c.GetProperty("id").GetString()!).Where(id => !AutogradOps.Table.ContainsKey(id)).ToArray();
        Assert.True(missing.Length == 0, "no op for cases: " + string.Join(", ", missing));
        Assert.True(Cases.Length >= 150, $"only {Cases.Length} cases");
    }

    [Fact]
    public void NodeNamesAndGradientsMatchPyTorch()
    {
        var failures = new List<string>();
        foreach (var c in Cases)
        {
            string id = c.GetProperty("id").GetString()!;
            if (!AutogradOps.Table.TryGetValue(id, out var op)) continue;
            Collect(failures, id, () =>
            {
                var xs = Inputs(c);
                var outs = AutogradOps.Outputs(op(xs));
                if (c.TryGetProperty("nondiff", out _))
                {
                    foreach (var o in outs)
                        if (o.requires_grad || o.grad_fn is not null)
                            throw new Exception($"a non-differentiable output requires grad (grad_fn {Name(o.grad_fn)})");
                    return;
                }
                if (!CompositeNames.ContainsKey(id))
                {
                    var names = c.GetProperty("grad_fn").EnumerateArray().Select(e => e.GetString()).ToArray();
                    if (names.Length != outs.Length) throw new Exception($"{outs.Length} outputs, PyTorch has {names.Length}");
                    for (int i = 0; i < outs.Length; i++)
                        if (Name(outs[i].grad_fn) != names[i])
                            throw new Exception($"output {i}: grad_fn {Name(outs[i].grad_fn) ?? "None"}, PyTorch {names[i]}");
                    var next = c.GetProperty("next_functions").EnumerateArray().Select(e => e[0].ValueKind == JsonValueKind.Null ? null : e[0].GetString()).ToArray();
                    var mine = outs[0].grad_fn!.next_functions.Select(f => Name(f.node)).ToArray();
                    if (!next.SequenceEqual(mine))
                        throw new Exception($"next_functions [{string.Join(", ", mine.Select(n => n ?? "None"))}], PyTorch [{string.Join(", ", next.Select(n => n ?? "None"))}]");
                }
                var gos = c.GetProperty("grad_outputs").EnumerateArray().Select(Reference.Tensor).ToArray();
                var diff = xs.Where(x => x.requires_grad).ToArray();
                var grads = torch.autograd.grad(outs, diff, gos, allow_unused: true);
                var expected = c.GetProperty("grads").EnumerateArray().ToArray();
                int k = 0;
                for (int i = 0; i < xs.Length; i++)
                {
                    if (!xs[i].requires_grad) continue;
                    var g = grads[k++];
                    if (expected[i].ValueKind == JsonValueKind.Null)
                    {
                        if (g is not null && g.abs().sum().item<double>() != 0) throw new Exception($"input {i}: PyTorch gives no gradient");
                        continue;
                    }
                    if (g is null) throw new Exception($"input {i}: no gradient");
                    Reference.AssertClose(Reference.Tensor(expected[i]), g, $"grad of input {i}");
                }
            });
        }
        Report(failures, Cases.Length);
    }

    private static Func<Tensor[], Tensor[]> Fn(Func<Tensor[], object> op) => xs => AutogradOps.Outputs(op(xs));

    [Fact]
    public void GradcheckEveryDifferentiableOp()
    {
        var failures = new List<string>();
        int n = 0;
        foreach (var c in Cases)
        {
            string id = c.GetProperty("id").GetString()!;
            if (c.TryGetProperty("nondiff", out _) || !c.GetProperty("gradcheck").GetBoolean()) continue;
            if (!AutogradOps.Table.TryGetValue(id, out var op)) continue;
            n++;
            Collect(failures, id, () => torch.autograd.gradcheck(Fn(op), Inputs(c)));
        }
        Report(failures, n);
    }

    [Fact]
    public void GradgradcheckRepresentativeOps()
    {
        var failures = new List<string>();
        int n = 0;
        foreach (var c in Cases)
        {
            string id = c.GetProperty("id").GetString()!;
            if (!c.GetProperty("gradgrad").GetBoolean()) continue;
            if (!AutogradOps.Table.TryGetValue(id, out var op)) continue;
            n++;
            torch.manual_seed(0);
            Collect(failures, id, () => torch.autograd.gradgradcheck(Fn(op), Inputs(c)));
        }
        Assert.True(n >= 20, $"only {n} gradgradcheck cases");
        Report(failures, n);
    }
}

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

    public static TheoryData<string> AllCases() => Reference.CaseNames("autograd");
    public static TheoryData<string> GradcheckCases() =>
        Reference.CaseNames("autograd", c => !c.TryGetProperty("nondiff", out _) && c.GetProperty("gradcheck").GetBoolean());
    public static TheoryData<string> GradgradCases() => Reference.CaseNames("autograd", c => c.GetProperty("gradgrad").GetBoolean());

    /// <summary>The case recorded under <paramref name="id"/> and its op in <see cref="AutogradOps.Table"/>.</summary>
    private static (JsonElement c, Func<Tensor[], object> op) Lookup(string id)
    {
        var c = Reference.Case("autograd", id);
        Assert.True(AutogradOps.Table.TryGetValue(id, out var op), $"no op for case {id}");
        return (c, op!);
    }

    [Fact]
    public void EveryCaseHasAnOp()
    {
        var missing = Cases.Select(c => c.GetProperty("id").GetString()!).Where(id => !AutogradOps.Table.ContainsKey(id)).ToArray();
        Assert.True(missing.Length == 0, "no op for cases: " + string.Join(", ", missing));
        Assert.True(Cases.Length >= 150, $"only {Cases.Length} cases");
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public void NodeNamesAndGradientsMatchPyTorch(string id)
    {
        var (c, op) = Lookup(id);
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
    }

    private static Func<Tensor[], Tensor[]> Fn(Func<Tensor[], object> op) => xs => AutogradOps.Outputs(op(xs));

    [Theory]
    [MemberData(nameof(GradcheckCases))]
    public void GradcheckEveryDifferentiableOp(string id)
    {
        var (c, op) = Lookup(id);
        torch.autograd.gradcheck(Fn(op), Inputs(c));
    }

    [Theory]
    [MemberData(nameof(GradgradCases))]
    public void GradgradcheckRepresentativeOps(string id)
    {
        var (c, op) = Lookup(id);
        torch.manual_seed(0);
        torch.autograd.gradgradcheck(Fn(op), Inputs(c));
    }

    [Fact]
    public void GradgradcheckCoversTwentyOps()
    {
        int n = Cases.Count(c => c.GetProperty("gradgrad").GetBoolean());
        Assert.True(n >= 20, $"only {n} gradgradcheck cases");
    }
}

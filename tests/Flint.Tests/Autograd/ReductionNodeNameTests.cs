using Flint.Tests.Support;
using Xunit;
using static Flint.torch;

namespace Flint.Tests.Autograd;

/// <summary>
/// The node names of reductions with and without a dim argument (tools/refs/gen_reduction_nodes.py): the call
/// without dims gets the full overload's node (SumBackward0), any dim argument the dim overload's (SumBackward1),
/// even when it names every dim.
/// </summary>
public class ReductionNodeNameTests
{
    public static TheoryData<string> Cases() => Reference.CaseNames("reduction_nodes");

    private static readonly Dictionary<string, Func<Tensor, Tensor, Tensor, Tensor>> Exprs = new()
    {
        ["x.sum()"] = (x, v, s) => x.sum(),
        ["x.sum([0, 1])"] = (x, v, s) => x.sum([0, 1]),
        ["x.sum(1)"] = (x, v, s) => x.sum(1),
        ["x.sum([0, 1], keepdim=True)"] = (x, v, s) => x.sum([0, 1], keepdim: true),
        ["v.sum(0)"] = (x, v, s) => v.sum(0),
        ["s.sum(0)"] = (x, v, s) => s.sum(0),
        ["v.sum()"] = (x, v, s) => v.sum(),
        ["x.mean()"] = (x, v, s) => x.mean(),
        ["x.mean([0, 1])"] = (x, v, s) => x.mean([0, 1]),
        ["v.mean(0)"] = (x, v, s) => v.mean(0),
        ["x.mean(0)"] = (x, v, s) => x.mean(0),
        ["v.mean()"] = (x, v, s) => v.mean(),
        ["v.prod()"] = (x, v, s) => v.prod(),
        ["v.prod(0)"] = (x, v, s) => v.prod(0),
        ["x.prod(1)"] = (x, v, s) => x.prod(1),
        ["v.nansum(0)"] = (x, v, s) => v.nansum(0),
        ["v.nansum()"] = (x, v, s) => v.nansum(),
        ["x.norm()"] = (x, v, s) => x.norm(),
        ["v.std(0)"] = (x, v, s) => v.std(0),
        ["v.std()"] = (x, v, s) => v.std(),
        ["x.logsumexp([0, 1])"] = (x, v, s) => x.logsumexp([0, 1]),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void NodeNamesMatchPyTorch(string key)
    {
        var c = Reference.Case("reduction_nodes", key);
        var x = randn(3, 4, dtype: float64).requires_grad_();
        var v = randn(3, dtype: float64).requires_grad_();
        var s = tensor(2.0).requires_grad_();
        var y = Exprs[c.GetProperty("expr").GetString()!](x, v, s);
        Assert.Equal(c.GetProperty("grad_fn").GetString(), y.grad_fn?.name());
    }
}

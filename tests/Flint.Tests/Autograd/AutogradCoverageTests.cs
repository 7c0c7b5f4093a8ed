using Flint;
using Xunit;

namespace Flint.Tests.Autograd;

/// <summary>
/// What the reference replay cannot show: explicit errors for backwards that do not exist, outputs that must not
/// require grad, multi-output nodes used in part, random sampling nodes and creation with requires_grad.
/// </summary>
public class AutogradCoverageTests
{
    private static Tensor X(params long[] shape) => torch.randn(shape, dtype: torch.float64).requires_grad_();

    [Fact]
    public void MissingBackwardsThrowNamingTheOp()
    {
        var x = X(3, 4);
        var idx = torch.tensor(new long[,] { { 0, 1 }, { 2, 2 }, { 1, 0 } });
        var cases = new (string op, Func<Tensor> run)[]
        {
            ("_unique2", () => torch.unique(x)),
            ("unique_dim", () => torch.unique(x, dim: 0)),
        };
        foreach (var (op, run) in cases)
        {
            var y = run();
            Assert.True(y.requires_grad, op + ": the output takes part in the graph");
            var ex = Assert.Throws<NotSupportedException>(() => y.sum().backward());
            Assert.Contains($"'{op}'", ex.Message);
            Assert.Contains("is not implemented", ex.Message);
        }
    }

    [Fact]
    public void NonDifferentiableOutputsDoNotRequireGrad()
    {
        var x = X(3, 4); var y = X(3, 4);
        var outs = new (string name, Tensor t)[]
        {
            ("argmax", x.argmax()), ("argmin", x.argmin(1)), ("argsort", x.argsort()),
            ("eq", x.eq(y)), ("ne", x.ne(y)), ("lt", x.lt(y)), ("le", x.le(0)), ("gt", x > y), ("ge", x >= 0),
            ("isnan", x.isnan()), ("isinf", x.isinf()), ("isfinite", x.isfinite()),
            ("logical_and", torch.logical_and(x, y)), ("logical_not", x.logical_not()),
            ("nonzero", x.nonzero()), ("count_nonzero", torch.count_nonzero(x)), ("to int64", x.to(torch.int64)),
            ("sort indices", x.sort(1).indices), ("topk indices", x.topk(2).indices), ("max indices", x.max(0).indices),
            ("all", x.all()), ("any", x.any()), ("isclose", torch.isclose(x, y)),
            ("unique inverse", torch.unique(x, sorted: true, return_inverse: true).inverse_indices!),
        };
        foreach (var (name, t) in outs)
        {
            Assert.False(t.requires_grad, name);
            Assert.Null(t.grad_fn);
        }
    }

    [Fact]
    public void UnbindSplitChunkAreOneNodeWithSeveralOutputs()
    {
        var x = X(4, 3);
        var pieces = x.unbind(0);
        Assert.All(pieces, p => Assert.Same(pieces[0].grad_fn, p.grad_fn));
        Assert.Equal("UnbindBackward0", pieces[0].grad_fn!.name());
        Assert.Single(pieces[0].grad_fn!.next_functions);
        // only one piece used: the others get zeros
        pieces[2].sum().backward();
        var expected = torch.zeros(4, 3, dtype: torch.float64);
        expected[2] = torch.ones(3, dtype: torch.float64);
        Assert.True(torch.equal(x.grad!, expected));

        var parts = x.split([1, 3], 0);
        Assert.Same(parts[0].grad_fn, parts[1].grad_fn);
        Assert.Equal("SplitWithSizesBackward0", parts[1].grad_fn!.name());
        var chunks = x.chunk(2, 1);
        Assert.Equal("SplitBackward0", chunks[1].grad_fn!.name());
        var g = torch.autograd.grad([(chunks[0] * 2).sum() + chunks[1].sum()], [x])[0]!;
        Assert.True(torch.equal(g, torch.tensor(new double[,] { { 2, 2, 1 }, { 2, 2, 1 }, { 2, 2, 1 }, { 2, 2, 1 } })));
    }

    [Fact]
    public void SamplingNodes()
    {
        var mean = X(3);
        var s = torch.normal(mean, 0.5);
        Assert.Equal("NormalBackward1", s.grad_fn!.name());
        s.sum().backward();
        // PyTorch 1.13 and 2.x (derivatives.yaml, normal.Tensor_float: mean: zeros) give the mean no gradient
        Assert.True(torch.equal(mean.grad!, torch.zeros(3, dtype: torch.float64)));

        // normal(mean, std) with both tensors: NormalBackward3, zeros for both (PyTorch 1.13 prints zeros for each)
        var m2 = X(3); var s2 = torch.ones(3, dtype: torch.float64, requires_grad: true);
        var both = torch.normal(m2, s2);
        Assert.Equal("NormalBackward3", both.grad_fn!.name());
        both.sum().backward();
        Assert.True(torch.equal(m2.grad!, torch.zeros(3, dtype: torch.float64)));
        Assert.True(torch.equal(s2.grad!, torch.zeros(3, dtype: torch.float64)));

        var p = torch.full([3], 0.5, dtype: torch.float64, requires_grad: true);
        var b = torch.bernoulli(p);
        Assert.Equal("BernoulliBackward0", b.grad_fn!.name());
        b.sum().backward();
        Assert.True(torch.equal(p.grad!, torch.zeros(3, dtype: torch.float64)));
    }

    [Fact]
    public void CreationWithRequiresGradMakesLeaves()
    {
        foreach (var t in new[]
        {
            torch.zeros(2, 3, requires_grad: true), torch.ones(2, requires_grad: true),
            torch.randn(2, 2, requires_grad: true), torch.full([2], 1.5, requires_grad: true),
            torch.arange(3.0, requires_grad: true),
        })
        {
            Assert.True(t.requires_grad);
            Assert.True(t.is_leaf);
            Assert.Null(t.grad_fn);
        }
    }

    [Fact]
    public void OutArgumentsRefuseGraphInputs()
    {
        var x = X(3, 3);
        var o = torch.empty([3, 3], dtype: torch.float64);
        Assert.Throws<InvalidOperationException>(() => torch.tril(x, 0, @out: o));
        Assert.Throws<InvalidOperationException>(() => torch.diag(x, 0, @out: o));
        Assert.Throws<InvalidOperationException>(() => torch.masked_select(x, x > 0, @out: o));
        Assert.Throws<InvalidOperationException>(() => torch.stack([x, x], 0, @out: o));
    }

    [Fact]
    public void CopyAndFillRebaseHistory()
    {
        var a = X(3); var b = X(3);
        var y = a * 2;
        y.copy_(b);
        Assert.Equal("torch::autograd::CopyBackwards", y.grad_fn!.name());
        y.sum().backward();
        Assert.True(torch.equal(b.grad!, torch.ones(3, dtype: torch.float64)));
        Assert.True(torch.equal(a.grad!, torch.zeros(3, dtype: torch.float64)));

        var c = X(3);
        var z = c * 3;
        z.fill_(1.0);
        Assert.Equal("FillBackward2", z.grad_fn!.name());
        Assert.Equal("MulBackward0", z.grad_fn!.next_functions[0].node!.name());
    }
}

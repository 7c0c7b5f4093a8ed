using Flint.Ops;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;

namespace Flint.Tests.Nn;

/// <summary>
/// The fused LSTM step the sequence layers run (_thnn_fused_lstm_cell): the same values as PyTorch's chain of
/// elementwise ops (the cell modules' route, checked against PyTorch in RecurrentReferenceTests), the same gradients
/// from either output alone or both, a differentiable gradient under create_graph, one ThnnFusedLstmCellBackward0
/// node per step inside nn.LSTM, and the operands it refuses.
/// </summary>
public class FusedLstmCellTests
{
    /// <summary>PyTorch's CPU cell as a chain of ops: gates = hidden + input, i f g o, cy = f·cx + i·g, hy = o·tanh(cy).</summary>
    private static (Tensor hy, Tensor cy) Composed(Tensor ig, Tensor hg, Tensor cx)
    {
        var g = (hg + ig).chunk(4, 1);
        var cy = sigmoid(g[1]) * cx + sigmoid(g[0]) * tanh(g[2]);
        return (sigmoid(g[3]) * tanh(cy), cy);
    }

    [Theory]
    [InlineData(3, 5, true, true)]
    [InlineData(1, 17, true, false)]
    [InlineData(4, 33, false, true)]
    public void MatchesTheChainOfOpsAndItsGradients(int b, int h, bool useH, bool useC)
    {
        foreach (var dt in new[] { float32, float64 })
        {
            manual_seed(b * 100 + h);
            var ig = randn([b, 4 * h], dtype: dt) * 2; var hg = randn([b, 4 * h], dtype: dt); var cx = randn([b, h], dtype: dt);
            var gh = randn([b, h], dtype: dt); var gc = randn([b, h], dtype: dt);
            Tensor[] Run(bool fused)
            {
                var leaves = new[] { ig, hg, cx }.Select(t => t.detach().requires_grad_(true)).ToArray();
                var (hy, cy) = fused ? FusedLstmCell.Apply(leaves[0], leaves[1], leaves[2]) : Composed(leaves[0], leaves[1], leaves[2]);
                var loss = (useH ? (hy * gh).sum() : zeros([], dtype: dt)) + (useC ? (cy * gc).sum() : zeros([], dtype: dt));
                if (fused) Assert.Equal("ThnnFusedLstmCellBackward0", hy.grad_fn!.name());
                loss.backward();
                return [hy.detach(), cy.detach(), leaves[0].grad!, leaves[1].grad!, leaves[2].grad!];
            }
            var want = Run(false);
            var got = Run(true);
            // the forward uses the chain's routines in its order: equal values; the backward groups its products differently
            Assert.True(want[0].equal(got[0]) && want[1].equal(got[1]), $"{dt}: the fused forward differs from the chain of ops");
            double tol = dt == float64 ? 1e-12 : 1e-5;
            for (int i = 2; i < 5; i++) Reference.AssertClose(want[i], got[i], $"{dt} gradient {i - 2}", rtol: tol, atol: tol);
        }
    }

    [Fact]
    public void ItsGradientIsDifferentiable()
    {
        manual_seed(3);
        var ig = randn([2, 12], dtype: float64, requires_grad: true);
        var hg = randn([2, 12], dtype: float64, requires_grad: true);
        var cx = randn([2, 3], dtype: float64, requires_grad: true);
        Tensor[] F(Tensor[] a) { var (hy, cy) = FusedLstmCell.Apply(a[0], a[1], a[2]); return [hy, cy]; }
        Assert.True(autograd.gradcheck(F, [ig, hg, cx], raise_exception: true));
        Assert.True(autograd.gradgradcheck(F, [ig, hg, cx], raise_exception: true));
    }

    [Fact]
    public void TheLstmLayerRunsOneFusedNodePerStep()
    {
        manual_seed(0);
        var lstm = nn.LSTM(4, 3, batch_first: true);
        var (o, _) = lstm.call(randn(2, 5, 4));
        var seen = new HashSet<Flint.Autograd.Node>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Flint.Autograd.Node>([o.grad_fn!]);
        int fused = 0;
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (!seen.Add(n)) continue;
            if (n.name() == "ThnnFusedLstmCellBackward0") fused++;
            Assert.NotEqual("SigmoidBackward0", n.name());
            foreach (var (next, _) in n.next_functions) if (next is not null) stack.Push(next);
        }
        Assert.Equal(5, fused);
    }

    [Fact]
    public void OperandsItDoesNotTakeGoToTheChainOfOps()
    {
        var cx = zeros(2, 3);
        Assert.True(FusedLstmCell.Applies(zeros(2, 12), zeros(2, 12), cx));
        Assert.False(FusedLstmCell.Applies(zeros(2, 11), zeros(2, 11), cx));
        Assert.False(FusedLstmCell.Applies(zeros(2, 12), zeros(2, 12, dtype: float64), cx));
        Assert.False(FusedLstmCell.Applies(zeros(2, 12, dtype: float16), zeros(2, 12, dtype: float16), cx.to(float16)));
        Assert.False(FusedLstmCell.Applies(zeros(3, 12), zeros(3, 12), cx));
        // the kernel itself refuses mismatched operands with a typed error, never writing out of bounds
        var ex = Assert.Throws<ArgumentException>(() => cx.Backend.LstmCell(zeros(2, 11), zeros(2, 11), cx, zeros(2, 3), zeros(2, 3), zeros(2, 11)));
        Assert.Contains("_thnn_fused_lstm_cell", ex.Message);
    }
}

using Flint;
using Xunit;

namespace Flint.Tests.Linalg;

/// <summary>API behaviours the reference replay does not reach: aliasing, method forms, version counters.</summary>
public class ProductApiTests
{
    private static Tensor M(double[,] v) => torch.tensor(v);

    [Fact]
    public void MethodFormsMatchFunctions()
    {
        var a = M(new double[,] { { 1, 2 }, { 3, 4 } });
        var b = M(new double[,] { { 5, 6 }, { 7, 8 } });
        var v = torch.tensor(new double[] { 1, -1 });
        Assert.Equal(new double[] { 19, 22, 43, 50 }, a.matmul(b).ToArray<double>());
        Assert.Equal(new double[] { 19, 22, 43, 50 }, a.mm(b).ToArray<double>());
        Assert.Equal(new double[] { -1, -1 }, a.mv(v).ToArray<double>());
        Assert.Equal(2.0, v.dot(v).item<double>());
        Assert.Equal(2.0, v.vdot(v).item<double>());
        Assert.Equal(new double[] { 1, -1, -1, 1 }, v.outer(v).ToArray<double>());
        Assert.Equal(new double[] { 1, -1, -1, 1 }, v.ger(v).ToArray<double>());
        Assert.Equal(new double[] { 17, 23, 39, 53 }, a.inner(b).ToArray<double>());
        Assert.Equal(new double[] { 19, 22, 43, 50 }, a.unsqueeze(0).bmm(b.unsqueeze(0)).ToArray<double>());
        Assert.Equal(new double[] { 20, 24, 46, 54 }, a.addmm(a, b).ToArray<double>());
        Assert.Equal(new double[] { 0, -2 }, v.addmv(a, v).ToArray<double>());
        Assert.Equal(new double[] { 20, 24, 46, 54 }, a.unsqueeze(0).baddbmm(a.unsqueeze(0), b.unsqueeze(0)).ToArray<double>());
    }

    [Fact]
    public void OutAliasingAnInputIsSafe()
    {
        var a = M(new double[,] { { 1, 2 }, { 3, 4 } });
        var r = torch.mm(a, a, @out: a);
        Assert.True(ReferenceEquals(r, a));
        Assert.Equal(new double[] { 7, 10, 15, 22 }, a.ToArray<double>());

        var v = torch.tensor(new double[] { 1, 2, 3 });
        var o = torch.matmul(v, v.unsqueeze(1).expand(3, 4), @out: v);
        Assert.True(ReferenceEquals(o, v));
        Assert.Equal(new long[] { 4 }, v.shape.ToArray());
        Assert.Equal(new double[] { 14, 14, 14, 14 }, v.ToArray<double>());
    }

    [Fact]
    public void InPlaceWithSelfAsOperandUsesTheOldValues()
    {
        var a = M(new double[,] { { 1, 2 }, { 3, 4 } });
        long v0 = a._version_count;
        var r = a.addmm_(a, a, beta: 2, alpha: 1);
        Assert.True(ReferenceEquals(r, a));
        Assert.Equal(new double[] { 9, 14, 21, 30 }, a.ToArray<double>());
        Assert.Equal(v0 + 1, a._version_count);

        var x = torch.tensor(new double[] { 1, 1 });
        x.addmv_(M(new double[,] { { 1, 2 }, { 3, 4 } }), x);
        Assert.Equal(new double[] { 4, 8 }, x.ToArray<double>());

        var t = M(new double[,] { { 1, 2 }, { 3, 4 } }).unsqueeze(0);
        t.baddbmm_(t, t, beta: 0);
        Assert.Equal(new double[] { 7, 10, 15, 22 }, t.ToArray<double>());
    }

    [Fact]
    public void InPlaceIntoNonContiguousSelf()
    {
        var baseT = torch.zeros([3, 2], dtype: torch.float32);
        var self = baseT.t();
        self.addmm_(torch.ones([2, 4]), torch.ones([4, 3]), beta: 0, alpha: 0.5);
        Assert.Equal(Enumerable.Repeat(2f, 6).ToArray(), baseT.ToArray<float>());
    }

    [Fact]
    public void EinsumSingleOperandIsAView()
    {
        var a = M(new double[,] { { 1, 2 }, { 3, 4 } });
        var d = torch.einsum("ii->i", a);
        Assert.Equal(new double[] { 1, 4 }, d.ToArray<double>());
        Assert.True(ReferenceEquals(d.untyped_storage(), a.untyped_storage()));
        var tr = torch.einsum("ji", a);
        Assert.Equal(new double[] { 1, 3, 2, 4 }, tr.ToArray<double>());
    }

    [Fact]
    public void ErrorsAreTypedExceptions()
    {
        Assert.Throws<ArgumentException>(() => torch.mm(torch.ones(2, 3), torch.ones(4, 5)));
        Assert.Throws<NotSupportedException>(() => torch.mm(torch.ones([2, 2], dtype: torch.@bool), torch.ones([2, 2], dtype: torch.@bool)));
        Assert.Throws<ArgumentException>(() => torch.einsum("ij,jk", torch.ones(2, 3)));
        Assert.Throws<ArgumentException>(() => torch.matmul(torch.tensor(1.0), torch.ones(3)));
    }
}

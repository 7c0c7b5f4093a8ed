using Flint;
using Xunit;

namespace Flint.Tests.Binary;

/// <summary>out= delivery (Ops/OutArgument.cs): refusals, resizing and version counting, as PyTorch 1.13.</summary>
public class OutArgumentTests
{
    private const string OutRefused = "functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.";

    [Theory]
    [InlineData("logaddexp")]
    [InlineData("logaddexp2")]
    public void LogAddExpRefusesAnOutThatRequiresGrad(string op)
    {
        // torch.logaddexp(a, b, out=torch.zeros(2, requires_grad=True)) -> RuntimeError "logaddexp(): functions with out=..."
        var a = torch.tensor(new[] { 1.0, 2.0 });
        var b = torch.tensor(new[] { 0.5, 3.0 });
        var o = torch.zeros(2, dtype: DType.Float64, requires_grad: true);
        var e = Assert.Throws<InvalidOperationException>(() => op == "logaddexp" ? torch.logaddexp(a, b, @out: o) : torch.logaddexp2(a, b, @out: o));
        Assert.Equal(op + "(): " + OutRefused, e.Message);
        Assert.Equal(new[] { 0.0, 0.0 }, o.detach().ToArray<double>());
    }

    [Fact]
    public void DeliveredResultsResizeAndCount()
    {
        var a = torch.tensor(new[] { 1.0, 2.0 });
        var b = torch.tensor(new[] { 0.5, 3.0 });
        var o = torch.zeros(new long[] { 3 }, dtype: DType.Float64);
        long v = o._version_count;
        torch.logaddexp(a, b, @out: o);
        Assert.Equal(new long[] { 2 }, o.shape.ToArray());
        Assert.Equal(torch.logaddexp(a, b).ToArray<double>(), o.ToArray<double>());
        Assert.True(o._version_count > v);
        var s = torch.zeros(new long[] { 4 }, dtype: DType.Float64);
        long vs = s._version_count;
        torch.sum(a, 0, @out: s);
        Assert.Empty(s.shape.ToArray());
        Assert.Equal(3.0, s.item<double>());
        Assert.Equal(vs + 1, s._version_count);
    }
}

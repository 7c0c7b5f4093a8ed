using Flint;
using Xunit;

namespace Flint.Tests.Binary;

/// <summary>Behaviour PyTorch 1.13 cannot record (it crashes, hits an internal assert, or is undefined there).</summary>
public class BinaryEdgeTests
{
    [Fact]
    public void IntegerMinimumByMinusOneWrapsInsteadOfCrashing()
    {
        // PyTorch 1.13 dies with SIGFPE here for int32/int64; Flint wraps as it does for int8/int16.
        var a = torch.tensor(new long[] { long.MinValue, 7 });
        Assert.Equal(new long[] { long.MinValue, -7 }, torch.floor_divide(a, -1).ToArray<long>());
        Assert.Equal(new long[] { long.MinValue, -7 }, torch.div(a, -1, rounding_mode: "trunc").ToArray<long>());
        Assert.Equal(new long[] { 0, 0 }, torch.remainder(a, -1).ToArray<long>());
        Assert.Equal(new long[] { 0, 0 }, torch.fmod(a, -1).ToArray<long>());
        var b = torch.tensor(new int[] { int.MinValue });
        Assert.Equal(new int[] { int.MinValue }, torch.floor_divide(b, -1).ToArray<int>());
    }

    [Fact]
    public void ShiftsOutOfRangeAreDefined()
    {
        // undefined in PyTorch 1.13; Flint follows later PyTorch: 0 for <<, sign fill for >>
        var a = torch.tensor(new int[] { 1, -8, 8 });
        Assert.Equal(new int[] { 0, 0, 0 }, (a << 40).ToArray<int>());
        Assert.Equal(new int[] { 0, -1, 0 }, (a >> 40).ToArray<int>());
        Assert.Equal(new int[] { 0, -1, 0 }, torch.bitwise_right_shift(a, torch.tensor(new int[] { -1, -1, -1 })).ToArray<int>());
        Assert.Equal(new byte[] { 0 }, (torch.tensor(new byte[] { 200 }) >> 9).ToArray<byte>());
    }

    [Fact]
    public void WhereAndAddcmulCastIntoOut()
    {
        // PyTorch 1.13 hits an internal assert for these; Flint applies the usual out= cast rule.
        var cond = torch.tensor(new bool[] { true, false });
        var o = torch.empty(new long[] { 0 }, dtype: torch.float64);
        var r = torch.where(cond, torch.tensor(new float[] { 1.5f, 2 }), torch.tensor(new int[] { 3, 4 }), @out: o);
        Assert.Same(o, r);
        Assert.Equal(new double[] { 1.5, 4 }, o.ToArray<double>());
        var bad = torch.empty(new long[] { 0 }, dtype: torch.int64);
        var ex = Assert.Throws<InvalidOperationException>(() => torch.where(cond, torch.tensor(new float[] { 1, 2 }), torch.tensor(new int[] { 3, 4 }), @out: bad));
        Assert.Equal("result type Float can't be cast to the desired output type Long", ex.Message);
        var o2 = torch.empty(new long[] { 0 }, dtype: torch.float64);
        var x = torch.tensor(new float[] { 1, 2 });
        torch.addcmul(x, x, x, 2, @out: o2);
        Assert.Equal(new double[] { 3, 10 }, o2.ToArray<double>());
    }

    [Fact]
    public void FailedInPlaceLeavesSelfAndVersionUntouched()
    {
        var a = torch.tensor(new int[] { 1, 2, 3 });
        long v = a._version_count;
        Assert.Throws<InvalidOperationException>(() => a.add_(1.5));
        Assert.Throws<ArgumentException>(() => a.mul_(torch.ones(2, 3)));
        Assert.Throws<DivideByZeroException>(() => a.remainder_(torch.tensor(new int[] { 1, 0, 1 })));
        Assert.Equal(new int[] { 1, 2, 3 }, a.ToArray<int>());
        Assert.Equal(v, a._version_count);
        a.add_(1);
        Assert.Equal(v + 1, a._version_count);
    }

    [Fact]
    public void BitwiseOperatorsOnFloatAreRefused()
    {
        var f = torch.ones(2);
        Assert.Equal("\"bitwise_and_cpu\" not implemented for 'Float'", Assert.Throws<NotSupportedException>(() => f & f).Message);
        Assert.Equal("\"bitwise_not_cpu\" not implemented for 'Float'", Assert.Throws<NotSupportedException>(() => ~f).Message);
        Assert.Equal("\"bitwise_or_cpu\" not implemented for 'Float'", Assert.Throws<NotSupportedException>(() => torch.ones(new long[] { 2 }, dtype: torch.int32) | 1.5).Message);
    }

    [Fact]
    public void ClampNeedsABound()
    {
        var ex = Assert.Throws<ArgumentException>(() => torch.clamp(torch.ones(2)));
        Assert.Equal("torch.clamp: At least one of 'min' or 'max' must not be None", ex.Message);
        Assert.Throws<ArgumentException>(() => torch.clamp(torch.ones(2), (Tensor?)null, null));
    }
}

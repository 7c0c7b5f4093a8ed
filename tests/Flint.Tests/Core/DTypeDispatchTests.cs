using System.Numerics;
using Flint;
using Flint.Backends;
using Xunit;

namespace Flint.Tests.Core;

/// <summary>The dtype dispatcher: which element type each dtype set visits, and PyTorch's refusal of the rest.</summary>
public class DTypeDispatchTests
{
    private struct Any : IAnyTypeVisitor
    {
        public Type? Seen;
        public void Visit<T>() where T : unmanaged => Seen = typeof(T);
    }

    private struct Numeric : INumericVisitor
    {
        public Type? Seen;
        public void Visit<T>() where T : unmanaged, INumber<T> => Seen = typeof(T);
    }

    private struct Floating : IFloatVisitor
    {
        public Type? Seen;
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T> => Seen = typeof(T);
    }

    private struct Integral : IIntegerVisitor
    {
        public Type? Seen;
        public void Visit<T>() where T : unmanaged, IBinaryInteger<T> => Seen = typeof(T);
    }

    public static TheoryData<string> DTypes()
    {
        var d = new TheoryData<string>();
        foreach (var t in DType.All) d.Add(t.name);
        return d;
    }

    private static DType ByName(string name) => DType.All.Single(d => d.name == name);

    /// <summary>Visits with the dtype's own element type when the set holds it, else throws PyTorch's text.</summary>
    private static void Check(DType dt, bool inSet, Func<Type?> visit)
    {
        if (inSet)
        {
            Assert.Equal(dt.ClrType, visit());
            return;
        }
        var e = Assert.Throws<NotSupportedException>(() => visit());
        Assert.Equal($"\"some_op\" not implemented for '{dt.LegacyName}'", e.Message);
    }

    [Theory]
    [MemberData(nameof(DTypes))]
    public void EachSetVisitsItsElementTypesAndRefusesTheRest(string name)
    {
        var dt = ByName(name);
        bool isFloat = dt == DType.Float32 || dt == DType.Float64;
        bool isInt = dt.IsIntegral;
        Assert.Equal(dt.ClrType, DTypeDispatch.All(dt, new Any()).Seen);
        Check(dt, isFloat || isInt, () => DTypeDispatch.Numeric(dt, "some_op", new Numeric()).Seen);
        Check(dt, isFloat, () => DTypeDispatch.Floating(dt, "some_op", new Floating()).Seen);
        Check(dt, isInt, () => DTypeDispatch.Integral(dt, "some_op", new Integral()).Seen);
    }

    [Fact]
    public void HalfIsRefusedWithPyTorchsText()
    {
        // torch.zeros(2, dtype=torch.half).exp() on PyTorch 1.13's CPU: "exp_vml_cpu" not implemented for 'Half'
        var e = Assert.Throws<NotSupportedException>(() => DTypeDispatch.Floating(DType.Float16, "exp_vml_cpu", new Floating()));
        Assert.Equal("\"exp_vml_cpu\" not implemented for 'Half'", e.Message);
    }
}

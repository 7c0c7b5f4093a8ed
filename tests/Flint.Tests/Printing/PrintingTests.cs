using System.Globalization;
using System.Text.Json;
using Flint;
using Flint.Printing;
using Flint.Tests.Support;
using Xunit;

namespace Flint.Tests.Printing;

/// <summary>Print options and the default dtype are process-wide, so these tests run alone.</summary>
[CollectionDefinition("Printing", DisableParallelization = true)]
public sealed class PrintingCollection { }

[Collection("Printing")]
public class PrintingTests
{
    private static void ApplyOptions(JsonElement c)
    {
        torch.set_printoptions(profile: "default");
        if (!c.TryGetProperty("opts", out var o)) return;
        int? I(string n) => o.TryGetProperty(n, out var v) ? v.GetInt32() : null;
        long? L(string n) => o.TryGetProperty(n, out var v) ? v.GetInt64() : null;
        string? profile = o.TryGetProperty("profile", out var pr) ? pr.GetString() : null;
        bool? sci = o.TryGetProperty("sci_mode", out var s) && s.ValueKind != JsonValueKind.Null ? s.GetBoolean() : null;
        torch.set_printoptions(precision: I("precision"), threshold: L("threshold"), edgeitems: I("edgeitems"),
            linewidth: I("linewidth"), profile: profile, sci_mode: sci);
    }

    public static TheoryData<string> ReprCases() => Reference.CaseNames("printing");

    [Fact]
    public void EnoughReprCases() => Assert.True(Reference.Cases("printing").Length > 400, $"only {Reference.Cases("printing").Length} printing cases");

    [Theory]
    [MemberData(nameof(ReprCases))]
    public void ReprMatchesPyTorch(string name)
    {
        var c = Reference.Case("printing", name);
        string expected = c.GetProperty("repr").GetString()!;
        try
        {
            var t = Reference.Tensor(c.GetProperty("x"));
            if (c.TryGetProperty("requires_grad", out var rg) && rg.GetBoolean()) t.requires_grad = true;
            if (c.TryGetProperty("default_dtype", out var dd)) torch.set_default_dtype(Reference.DTypeOf(dd.GetString()!));
            ApplyOptions(c);
            string actual = t.ToString();
            Assert.True(actual == expected, $"{name}:\n--- expected\n{expected}\n--- actual\n{actual}");
        }
        finally
        {
            torch.set_printoptions(profile: "default");
            torch.set_default_dtype(torch.float32);
        }
    }

    /// <summary>Parses Python's float.hex() form, e.g. -0x1.8000000000000p+3.</summary>
    private static double FromHex(string s)
    {
        bool neg = s.StartsWith('-');
        if (neg) s = s[1..];
        int p = s.IndexOf('p');
        int exp = int.Parse(s[(p + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        string mant = s[2..p];
        int dot = mant.IndexOf('.');
        long lead = long.Parse(mant[..dot], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        string frac = mant[(dot + 1)..];
        long bits = frac.Length == 0 ? 0 : long.Parse(frac, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        long m = (lead << (4 * frac.Length)) | bits;
        double v = Math.ScaleB(m, exp - 4 * frac.Length);
        return neg ? -v : v;
    }

    public static TheoryData<string> NumberCases() => Reference.CaseNames("pyformat");

    [Theory]
    [MemberData(nameof(NumberCases))]
    public void NumberFormattingMatchesPython(string key)
    {
        var failures = new List<string>();
        var c = Reference.Case("pyformat", key);
        double v = FromHex(c.GetProperty("v").GetString()!);
        int p = c.GetProperty("p").GetInt32();
        void Cmp(string what, string expected, Func<string> f)
        {
            string actual;
            try { actual = f(); } catch (Exception ex) { actual = ex.GetType().Name + ": " + ex.Message; }
            if (actual != expected) failures.Add($"{what} of {v:R}: {actual} != expected {expected}");
        }
        Cmp("repr", c.GetProperty("repr").GetString()!, () => PyFormat.Repr(v));
        Cmp($"{{:.{p}f}}", c.GetProperty("f").GetString()!, () => PyFormat.Fixed(v, p));
        Cmp($"{{:.{p}e}}", c.GetProperty("e").GetString()!, () => PyFormat.Sci(v, p));
        Cmp("{:.4f}", c.GetProperty("f4").GetString()!, () => PyFormat.Fixed(v, 4));
        Cmp("{:.4e}", c.GetProperty("e4").GetString()!, () => PyFormat.Sci(v, 4));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void NonFiniteAndSpecialNumbers()
    {
        Assert.Equal("nan", PyFormat.Fixed(double.NaN, 4));
        Assert.Equal("-inf", PyFormat.Sci(double.NegativeInfinity, 4));
        Assert.Equal("inf", PyFormat.Repr(double.PositiveInfinity));
        Assert.Equal("-0.0", PyFormat.Repr(-0.0));
        Assert.Equal("1e+16", PyFormat.Repr(1e16));
        Assert.Equal("1000000000000000.0", PyFormat.Repr(1e15));
        Assert.Equal("0.0001", PyFormat.Repr(1e-4));
        Assert.Equal("1e-05", PyFormat.Repr(1e-5));
        Assert.Equal("0.12", PyFormat.Fixed(0.125, 2));
        Assert.Equal("2e+00", PyFormat.Sci(2.5, 0));
    }

    [Fact]
    public void SizeAndDTypeToString()
    {
        Assert.Equal("torch.Size([5, 3])", torch.zeros(5, 3).shape.ToString());
        Assert.Equal("torch.Size([])", torch.tensor(1.5).shape.ToString());
        Assert.Equal("torch.Size([0])", torch.zeros(0).shape.ToString());
        Assert.Equal("torch.float32", torch.float32.ToString());
        Assert.Equal("torch.float64", DType.Float64.ToString());
        Assert.Equal("torch.bfloat16", torch.bfloat16.ToString());
        Assert.Equal("torch.int64", torch.zeros(new long[] { 2 }, dtype: torch.int64).dtype.ToString());
        Assert.Equal("torch.bool", torch.@bool.ToString());
        Assert.Equal("torch.uint8", torch.uint8.ToString());
    }

    [Fact]
    public void PrintOptionsRoundTrip()
    {
        try
        {
            torch.set_printoptions(precision: 2, threshold: 5, edgeitems: 1, linewidth: 40, sci_mode: true);
            var o = PrintOptions.Current;
            Assert.Equal(new PrintOptions(2, 5, 1, 40, true), o);
            // sci_mode is reset whenever it is left out, as PyTorch does
            torch.set_printoptions(precision: 3);
            Assert.Equal(new PrintOptions(3, 5, 1, 40, null), PrintOptions.Current);
            torch.set_printoptions(profile: "full");
            Assert.Equal(double.PositiveInfinity, PrintOptions.Current.Threshold);
            Assert.Equal("tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])", torch.arange(10).ToString());
            torch.set_printoptions(profile: "short", edgeitems: 1);
            Assert.Equal(new PrintOptions(2, 1000, 1, 80, null), PrintOptions.Current);
            torch.set_printoptions(precision: -1);
            Assert.Equal("tensor([1, 2])", torch.tensor(new long[] { 1, 2 }).ToString());
            Assert.Throws<ArgumentException>(() => torch.tensor(new double[] { 1.5 }).ToString());
            torch.set_printoptions(profile: "default", edgeitems: 0, threshold: 5);
            Assert.Equal("tensor([ ..., 0, 1, 2, 3, 4, 5, 6, 7, 8, 9])", torch.arange(10).ToString());
            var ex = Assert.Throws<ArgumentException>(() => torch.arange(20).reshape(4, 5).ToString());
            Assert.Equal("stack expects a non-empty TensorList", ex.Message);
        }
        finally
        {
            torch.set_printoptions(profile: "default");
        }
        Assert.Equal(PrintOptions.Default, PrintOptions.Current);
    }
}

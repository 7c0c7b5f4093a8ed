using System.Globalization;

namespace Flint.Printing;

/// <summary>Python's number formatting: <c>repr(float)</c>, <c>'{:.4f}'</c> and <c>'{:.4e}'</c>.</summary>
internal static class PyFormat
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Python's repr of a float: shortest round-trip digits, with ".0" for whole numbers.</summary>
    internal static string Repr(double v)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsPositiveInfinity(v)) return "inf";
        if (double.IsNegativeInfinity(v)) return "-inf";
        string r = v.ToString("R", Inv);
        if (r.Contains('E'))
        {
            // .NET writes 1E+16; Python writes 1e+16 and pads the exponent to two digits
            var parts = r.Split('E');
            string exp = parts[1];
            char sign = exp[0] == '-' ? '-' : '+';
            string digits = exp.TrimStart('+', '-').PadLeft(2, '0');
            return parts[0] + "e" + sign + digits;
        }
        double a = Math.Abs(v);
        if (a >= 1e16) return v.ToString("0.0###############e+00", Inv);
        if (!r.Contains('.')) r += ".0";
        return r;
    }

    /// <summary>Python's <c>'{:.Nf}'.format(v)</c>.</summary>
    internal static string Fixed(double v, int precision)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        return v.ToString("F" + precision, Inv);
    }

    /// <summary>Python's <c>'{:.Ne}'.format(v)</c>: mantissa with N decimals, exponent signed and at least two digits.</summary>
    internal static string Sci(double v, int precision)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        string s = v.ToString((precision > 0 ? "0." + new string('0', precision) : "0") + "e+00", Inv);
        return s;
    }
}

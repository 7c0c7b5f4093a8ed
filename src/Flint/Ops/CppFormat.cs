using System.Globalization;

namespace Flint.Ops;

/// <summary>Numbers as C++'s default ostream writes them, for PyTorch's error texts that print them so.</summary>
internal static class CppFormat
{
    /// <summary>A double in %g style with 6 significant digits (an exponent of at least two digits, signed).</summary>
    internal static string Double(double v)
    {
        var s = v.ToString("G6", CultureInfo.InvariantCulture);
        int e = s.IndexOf('E');
        if (e < 0) return s;
        var exp = s[(e + 1)..];
        char sign = exp[0] == '-' ? '-' : '+';
        return s[..e] + "e" + sign + exp.TrimStart('+', '-').PadLeft(2, '0');
    }
}

using System.Globalization;
using System.Numerics;
using System.Text;

namespace Flint.Printing;

/// <summary>
/// Python's number formatting: <c>repr(float)</c>, <c>'{:.Nf}'</c> and <c>'{:.Ne}'</c>. The fixed and
/// scientific forms round the exact binary value of the double to the requested digits, ties to even,
/// as CPython does; they are computed with exact integer arithmetic.
/// </summary>
internal static class PyFormat
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Python's repr of a float: shortest round-trip digits, scientific below 1e-4 and from 1e16 on.</summary>
    internal static string Repr(double v)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsPositiveInfinity(v)) return "inf";
        if (double.IsNegativeInfinity(v)) return "-inf";
        bool neg = double.IsNegative(v);
        string sign = neg ? "-" : "";
        if (v == 0) return sign + "0.0";
        var (digits, point) = ShortestDigits(Math.Abs(v));
        int exp = point - 1;
        if (exp < -4 || exp >= 16)
        {
            string mant = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            return sign + mant + ExponentSuffix(exp);
        }
        string body;
        if (point <= 0) body = "0." + new string('0', -point) + digits;
        else if (point >= digits.Length) body = digits + new string('0', point - digits.Length) + ".0";
        else body = digits[..point] + "." + digits[point..];
        return sign + body;
    }

    /// <summary>Python's <c>'{:.Nf}'.format(v)</c>.</summary>
    internal static string Fixed(double v, int precision)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        CheckPrecision(precision);
        string sign = double.IsNegative(v) ? "-" : "";
        var q = RoundScaled(Math.Abs(v), precision);
        string s = q.ToString(Inv);
        if (precision == 0) return sign + s;
        if (s.Length <= precision) s = new string('0', precision + 1 - s.Length) + s;
        return sign + s[..^precision] + "." + s[^precision..];
    }

    /// <summary>Python's <c>'{:.Ne}'.format(v)</c>: mantissa with N decimals, exponent signed and at least two digits.</summary>
    internal static string Sci(double v, int precision)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        CheckPrecision(precision);
        string sign = double.IsNegative(v) ? "-" : "";
        double a = Math.Abs(v);
        int exp = 0;
        string digits;
        if (a == 0) digits = new string('0', precision + 1);
        else
        {
            exp = DecimalExponent(a);
            var q = RoundScaled(a, precision - exp);
            if (q == BigInteger.Pow(10, precision + 1)) { q /= 10; exp++; }
            digits = q.ToString(Inv);
        }
        string mant = precision == 0 ? digits : digits[0] + "." + digits[1..];
        return sign + mant + ExponentSuffix(exp);
    }

    private static void CheckPrecision(int precision)
    {
        if (precision < 0) throw new ArgumentException("Format specifier missing precision");
    }

    private static string ExponentSuffix(int exp)
    {
        var sb = new StringBuilder("e");
        sb.Append(exp < 0 ? '-' : '+');
        sb.Append(Math.Abs(exp).ToString("00", Inv));
        return sb.ToString();
    }

    /// <summary>The exact value of a positive finite double as mantissa * 2^exponent.</summary>
    private static (long mantissa, int exponent) Decompose(double a)
    {
        long bits = BitConverter.DoubleToInt64Bits(a);
        int e = (int)((bits >> 52) & 0x7FF);
        long m = bits & 0xFFFFFFFFFFFFFL;
        if (e == 0) e = 1; else m |= 1L << 52;
        return (m, e - 1075);
    }

    /// <summary>a * 10^k as an exact fraction num/den.</summary>
    private static (BigInteger num, BigInteger den) Scaled(double a, int k)
    {
        var (m, e) = Decompose(a);
        BigInteger num = m, den = BigInteger.One;
        if (e > 0) num <<= e; else den <<= -e;
        if (k > 0) num *= BigInteger.Pow(10, k); else if (k < 0) den *= BigInteger.Pow(10, -k);
        return (num, den);
    }

    /// <summary>a * 10^k rounded to an integer, ties to even.</summary>
    private static BigInteger RoundScaled(double a, int k)
    {
        var (num, den) = Scaled(a, k);
        var q = BigInteger.DivRem(num, den, out var r);
        int c = (r << 1).CompareTo(den);
        if (c > 0 || (c == 0 && !q.IsEven)) q += 1;
        return q;
    }

    /// <summary>floor(log10(a)) for a positive finite double, exactly.</summary>
    private static int DecimalExponent(double a)
    {
        int d = (int)Math.Floor(Math.Log10(a));
        while (true)
        {
            var (num, den) = Scaled(a, -d);
            if (num < den) { d--; continue; }
            if (num >= den * 10) { d++; continue; }
            return d;
        }
    }

    /// <summary>The shortest digits that round-trip, and the decimal point position (value = 0.DIGITS * 10^point).</summary>
    private static (string digits, int point) ShortestDigits(double a)
    {
        string s = a.ToString("R", Inv);
        int exp = 0;
        int ei = s.IndexOfAny(['E', 'e']);
        if (ei >= 0)
        {
            exp = int.Parse(s[(ei + 1)..], NumberStyles.AllowLeadingSign, Inv);
            s = s[..ei];
        }
        int dot = s.IndexOf('.');
        string intPart = dot >= 0 ? s[..dot] : s;
        string frac = dot >= 0 ? s[(dot + 1)..] : "";
        string all = intPart + frac;
        int point = intPart.Length + exp;
        int lead = 0;
        while (lead < all.Length - 1 && all[lead] == '0') lead++;
        all = all[lead..];
        point -= lead;
        all = all.TrimEnd('0');
        if (all.Length == 0) all = "0";
        return (all, point);
    }
}

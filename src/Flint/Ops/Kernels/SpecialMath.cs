namespace Flint.Ops.Kernels;

/// <summary>
/// Double-precision special functions .NET lacks (or computes imprecisely): erf, erfc, erfinv, expm1, log1p.
/// float32 callers go through double and round once, which is at least as accurate as PyTorch's float kernels.
/// </summary>
internal static class SpecialMath
{
    private const double TwoOverSqrtPi = 1.1283791670955126;   // 2/sqrt(pi)
    private const double InvSqrtPi = 0.56418958354775628;      // 1/sqrt(pi)

    /// <summary>erf(x): a positive-term series for |x| &lt; 2.5, 1 - erfc(|x|) beyond.</summary>
    internal static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double ax = Math.Abs(x);
        if (ax < 2.5) return ErfSeries(x);
        if (ax >= 6.0) return Math.CopySign(1.0, x);
        return Math.CopySign(1.0 - ErfcLarge(ax), x);
    }

    // erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)); every term has x's sign, so
    // nothing cancels.
    private static double ErfSeries(double x)
    {
        if (x == 0) return x;
        double x2 = 2 * x * x, term = x, sum = x;
        for (int n = 1; n < 200; n++)
        {
            term *= x2 / (2 * n + 1);
            sum += term;
            if (Math.Abs(term) < 1e-17 * Math.Abs(sum)) break;
        }
        return TwoOverSqrtPi * Math.Exp(-x * x) * sum;
    }

    // erfc(x) for x >= 2.5 from its continued fraction, evaluated bottom-up:
    // erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))).
    private static double ErfcLarge(double x)
    {
        if (x > 27.3) return 0.0;
        int terms = x < 3.5 ? 120 : x < 6 ? 60 : 30;
        double f = x;
        for (int k = terms; k >= 1; k--) f = x + (k * 0.5) / f;
        return Math.Exp(-x * x) * InvSqrtPi / f;
    }

    internal static double Erfc(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x < 0.5) return 1.0 - Erf(x);
        if (x < 2.5) return 1.0 - ErfSeries(x);
        return ErfcLarge(x);
    }

    /// <summary>erfinv(y): a closed-form first guess refined by Newton steps on erf (or erfc near ±1).</summary>
    internal static double Erfinv(double y)
    {
        if (double.IsNaN(y) || y < -1 || y > 1) return double.NaN;
        if (y == 1) return double.PositiveInfinity;
        if (y == -1) return double.NegativeInfinity;
        if (y == 0) return y;
        double ay = Math.Abs(y);
        // first guess: Winitzki's approximation with a = 0.147
        const double a = 0.147;
        double l = Math.Log((1 - ay) * (1 + ay));
        double t = 2 / (Math.PI * a) + l / 2;
        double x = Math.Sqrt(Math.Sqrt(t * t - l / a) - t);
        double tail = 1 - ay;   // exact for ay > 0.5
        for (int i = 0; i < 6; i++)
        {
            double deriv = TwoOverSqrtPi * Math.Exp(-x * x);
            if (deriv == 0) break;
            double f = ay <= 0.5 ? Erf(x) - ay : tail - Erfc(x);
            double step = f / deriv;
            x -= step;
            if (Math.Abs(step) <= 1e-17 * x) break;
        }
        return Math.CopySign(x, y);
    }

    /// <summary>exp(x) - 1 without cancellation near 0 (Kahan's correction).</summary>
    internal static double Expm1(double x)
    {
        double u = Math.Exp(x);
        if (!(Math.Abs(x) < 0.5)) return u - 1.0;   // no cancellation out here (NaN passes through too)
        if (u == 1.0) return x;
        double um1 = u - 1.0;
        if (um1 == -1.0 || double.IsPositiveInfinity(u)) return um1;
        return um1 * x / Math.Log(u);
    }

    /// <summary>log(1 + x) without cancellation near 0.</summary>
    internal static double Log1p(double x)
    {
        double u = 1.0 + x;
        if (u == 1.0) return x;
        if (double.IsPositiveInfinity(u)) return u;
        if (u <= 0) return Math.Log(u);
        return Math.Log(u) * x / (u - 1.0);
    }
}

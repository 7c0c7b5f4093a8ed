namespace Flint.Optimizers;

/// <summary>PyTorch's strong-Wolfe line search for LBFGS (bracketing, then zoom by safeguarded cubic interpolation).</summary>
internal static class StrongWolfe
{
    /// <summary>The minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to the bounds (the interval by default).</summary>
    internal static double CubicInterpolate(double x1, double f1, double g1, double x2, double f2, double g2, (double min, double max)? bounds = null)
    {
        var (lo, hi) = bounds ?? (x1 <= x2 ? (x1, x2) : (x2, x1));
        double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
        double d2Square = d1 * d1 - g1 * g2;
        if (d2Square < 0) return (lo + hi) / 2.0;
        double d2 = Math.Sqrt(d2Square);
        double minPos = x1 <= x2
            ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
            : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
        return Math.Min(Math.Max(minPos, lo), hi);
    }

    /// <summary>
    /// Searches along <paramref name="d"/> from step <paramref name="t"/>; <paramref name="evaluate"/>(t, d) gives the loss and
    /// flat gradient there. Returns the loss, gradient and step found and the number of evaluations.
    /// </summary>
    internal static (double f, Tensor g, double t, long evals) Search(Func<double, Tensor, (double, Tensor)> evaluate, double t, Tensor d,
        double f, Tensor g, double gtd, double toleranceChange, double c1 = 1e-4, double c2 = 0.9, int maxLs = 25)
    {
        double dNorm = d.abs().max().item<double>();
        g = g.clone();
        var (fNew, gNew) = evaluate(t, d);
        long evals = 1;
        double gtdNew = torch.dot(gNew, d).item<double>();
        double tPrev = 0, fPrev = f, gtdPrev = gtd;
        Tensor gPrev = g;
        bool done = false;
        int lsIter = 0;
        double[] bracket = [], bracketF = [], bracketGtd = [];
        Tensor[] bracketG = [];
        while (lsIter < maxLs)
        {
            bool sufficientDecreaseFails = fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev);
            if (!sufficientDecreaseFails && Math.Abs(gtdNew) <= -c2 * gtd)
            {
                bracket = [t]; bracketF = [fNew]; bracketG = [gNew];
                done = true;
                break;
            }
            if (sufficientDecreaseFails || gtdNew >= 0)
            {
                bracket = [tPrev, t]; bracketF = [fPrev, fNew]; bracketG = [gPrev, gNew.clone()]; bracketGtd = [gtdPrev, gtdNew];
                break;
            }
            double minStep = t + 0.01 * (t - tPrev), maxStep = t * 10, tmp = t;
            t = CubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, (minStep, maxStep));
            tPrev = tmp; fPrev = fNew; gPrev = gNew.clone(); gtdPrev = gtdNew;
            (fNew, gNew) = evaluate(t, d);
            evals++;
            gtdNew = torch.dot(gNew, d).item<double>();
            lsIter++;
        }
        if (lsIter == maxLs) { bracket = [0, t]; bracketF = [f, fNew]; bracketG = [g, gNew]; }

        bool insufProgress = false;
        var (low, high) = bracketF[0] <= bracketF[^1] ? (0, 1) : (1, 0);
        while (!done && lsIter < maxLs)
        {
            if (Math.Abs(bracket[1] - bracket[0]) * dNorm < toleranceChange) break;
            t = CubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
            double bMax = Math.Max(bracket[0], bracket[1]), bMin = Math.Min(bracket[0], bracket[1]);
            double eps = 0.1 * (bMax - bMin);
            if (Math.Min(bMax - t, t - bMin) < eps)
            {
                if (insufProgress || t >= bMax || t <= bMin)
                {
                    t = Math.Abs(t - bMax) < Math.Abs(t - bMin) ? bMax - eps : bMin + eps;
                    insufProgress = false;
                }
                else insufProgress = true;
            }
            else insufProgress = false;
            (fNew, gNew) = evaluate(t, d);
            evals++;
            gtdNew = torch.dot(gNew, d).item<double>();
            lsIter++;
            if (fNew > f + c1 * t * gtd || fNew >= bracketF[low])
            {
                bracket[high] = t; bracketF[high] = fNew; bracketG[high] = gNew.clone(); bracketGtd[high] = gtdNew;
                (low, high) = bracketF[0] <= bracketF[1] ? (0, 1) : (1, 0);
            }
            else
            {
                if (Math.Abs(gtdNew) <= -c2 * gtd) done = true;
                else if (gtdNew * (bracket[high] - bracket[low]) >= 0)
                {
                    bracket[high] = bracket[low]; bracketF[high] = bracketF[low]; bracketG[high] = bracketG[low]; bracketGtd[high] = bracketGtd[low];
                }
                bracket[low] = t; bracketF[low] = fNew; bracketG[low] = gNew.clone(); bracketGtd[low] = gtdNew;
            }
        }
        return (bracketF[low], bracketG[low], bracket[low], evals);
    }
}

using System.Numerics;

namespace Flint.Backends;

/// <summary>PyTorch's order for sorting and selection: numbers ascending, NaN after every number.</summary>
internal static class NanOrder
{
    /// <summary>Orders a before b (negative), NaN after every number; equal values compare 0.</summary>
    internal static int Compare<T>(T a, T b) where T : INumber<T>
    {
        bool na = T.IsNaN(a), nb = T.IsNaN(b);
        if (na || nb) return na == nb ? 0 : na ? 1 : -1;
        return a < b ? -1 : a > b ? 1 : 0;
    }
}

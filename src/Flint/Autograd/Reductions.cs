namespace Flint.Autograd;

internal static class Reductions
{
    /// <summary>Sums over <paramref name="dims"/> keeping them as size 1.</summary>
    internal static Tensor SumDims(Tensor t, long[] dims, bool keepdim)
    {
        var r = t;
        foreach (var d in dims)
        {
            var acc = r.narrow(d, 0, 1).clone();
            for (long k = 1; k < r.size((int)d); k++) acc = acc + r.narrow(d, k, 1);
            r = acc;
        }
        return r;
    }
}

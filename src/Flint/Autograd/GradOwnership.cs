namespace Flint.Autograd;

/// <summary>
/// Which gradients a backward run may hand to a leaf's <c>.grad</c> without copying (PyTorch steals a gradient
/// whose only reference is the engine's). A gradient qualifies when its storage was allocated by the run (on the
/// engine's thread), exactly one gradient buffer of the run holds it, nothing outside the engine has seen it
/// (tensor hooks and custom Functions mark what they touch as escaped), and it covers its whole storage densely.
/// </summary>
internal static class GradOwnership
{
    private const int Escaped = int.MaxValue / 2;
    private static long runs;

    [ThreadStatic] private static long currentRun;

    /// <summary>The run active on this thread (0 for none); storages record it when they are made.</summary>
    internal static long CurrentRun => currentRun;

    /// <summary>Starts a run on this thread whose gradients may be stolen; returns what <see cref="End"/> restores.</summary>
    internal static long Begin() => Swap(Interlocked.Increment(ref runs));

    /// <summary>Starts a stretch in which nothing may be stolen (a run that returns gradients to the caller).</summary>
    internal static long Suspend() => Swap(0);

    internal static void End(long previous) => Swap(previous);

    private static long Swap(long run)
    {
        var previous = currentRun;
        currentRun = run;
        return previous;
    }

    /// <summary>A gradient buffer of the run now holds <paramref name="g"/>.</summary>
    internal static void Hold(Tensor g)
    {
        var st = g._storage;
        if (currentRun == 0) return;
        if (st.GradRun != currentRun) { st.GradRun = currentRun; st.GradHolders = 1; }
        else if (st.GradHolders < Escaped) st.GradHolders++;
    }

    /// <summary>A gradient buffer that held <paramref name="g"/> was consumed.</summary>
    internal static void Release(Tensor g)
    {
        var st = g._storage;
        if (currentRun != 0 && st.GradRun == currentRun && st.GradHolders is > 0 and < Escaped) st.GradHolders--;
    }

    /// <summary>Code outside the engine (a hook, a custom Function) has seen <paramref name="g"/>: never steal it.</summary>
    internal static void Escape(Tensor g)
    {
        if (currentRun == 0) return;
        g._storage.GradRun = currentRun;
        g._storage.GradHolders = Escaped;
    }

    /// <summary>
    /// Whether only this run's engine holds <paramref name="g"/>: it may become a leaf's .grad as it is, and a node
    /// that consumes it may write its own gradient into it.
    /// </summary>
    internal static bool CanSteal(Tensor g)
    {
        var st = g._storage;
        return currentRun != 0 && st.GradRun == currentRun && st.GradHolders == 1 && st.BornInRun == currentRun
            && !st.Borrowed && g._offset == 0 && Shape.Numel(g._shape) == st.Count && Tensor.HasContiguousStrides(g._shape, g._strides);
    }
}

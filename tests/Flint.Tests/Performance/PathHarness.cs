using Flint.Backends.Cpu;

namespace Flint.Tests.Performance;

/// <summary>Runs a check under every forced kernel path (vector width × threading) and gathers failures.</summary>
internal static class PathHarness
{
    internal static readonly VectorPath[] Paths = [VectorPath.Scalar, VectorPath.Vector256, VectorPath.Vector512];
    internal static readonly bool[] ThreadModes = [false, true];

    internal static void ForEachPath(List<string> failures, Action<string> check)
    {
        var (oldPath, oldThreads) = (KernelOptions.Path, KernelOptions.Threads);
        try
        {
            foreach (var p in Paths)
                foreach (var t in ThreadModes)
                {
                    KernelOptions.Path = p; KernelOptions.Threads = t;
                    string tag = $"[{p}, threads={t}]";
                    try { check(tag); }
                    catch (Exception e) { failures.Add($"{tag} threw {e.GetType().Name}: {e.Message}"); }
                }
        }
        finally { KernelOptions.Path = oldPath; KernelOptions.Threads = oldThreads; }
    }

    /// <summary>Values with every class a kernel must carry: signed values, zeros, NaN, ±inf.</summary>
    internal static double[] Values(long n, int seed, bool specials)
    {
        var rng = new Random(seed);
        var v = new double[n];
        for (long i = 0; i < n; i++) v[i] = Math.Round(rng.NextDouble() * 20 - 10, 3);
        if (specials && n > 4)
        {
            v[1] = double.NaN; v[n / 2] = double.PositiveInfinity; v[n - 1] = double.NegativeInfinity; v[2] = 0;
        }
        return v;
    }

    internal static Tensor Make(long[] shape, DType dt, int seed, bool specials)
    {
        long n = 1; foreach (var d in shape) n *= d;
        var v = Values(n, seed, specials && dt.is_floating_point);
        return torch.tensor(v, dtype: dt).reshape(shape);
    }

    internal static void Close(List<string> failures, string ctx, Tensor expected, Tensor actual, double rtol = 0, double atol = 0)
    {
        if (expected.dtype != actual.dtype) { failures.Add($"{ctx}: dtype {actual.dtype} != {expected.dtype}"); return; }
        if (!expected.shape.Equals(actual.shape)) { failures.Add($"{ctx}: shape {actual.shape} != {expected.shape}"); return; }
        var e = expected.ToArray<double>(); var a = actual.ToArray<double>();
        for (int i = 0; i < e.Length; i++)
        {
            if (double.IsNaN(e[i]) && double.IsNaN(a[i])) continue;
            if (e[i] == a[i]) continue;
            if (double.IsFinite(e[i]) && Math.Abs(a[i] - e[i]) <= atol + rtol * Math.Abs(e[i])) continue;
            failures.Add($"{ctx}: element {i}: {a[i]:R} != expected {e[i]:R}");
            return;
        }
    }
}

namespace Flint.Backends.Cpu;

/// <summary>Which vector width the elementwise and reduction kernels use.</summary>
internal enum VectorPath
{
    /// <summary>The widest vectors the hardware accelerates.</summary>
    Auto,
    /// <summary>Plain scalar loops (the reference every vector path is tested against).</summary>
    Scalar,
    Vector256,
    Vector512,
}

/// <summary>
/// Knobs for the CPU elementwise and reduction kernels, read on the calling thread when a kernel starts (so a
/// test can force a path on its own thread without disturbing kernels running elsewhere).
/// </summary>
internal static class KernelOptions
{
    [ThreadStatic] private static VectorPath path;
    [ThreadStatic] private static bool? threads;

    // Set once any thread has set a knob: until then the per-call reads skip the thread-local storage.
    private static volatile bool overridden;

    /// <summary>Forces a vector width; Auto picks by hardware. A width the hardware lacks falls back to Auto.</summary>
    internal static VectorPath Path
    {
        get => overridden ? path : VectorPath.Auto;
        set { overridden = true; path = value; }
    }

    /// <summary>null: split work across the pool when it is large; true: split whenever there are 2+ grains
    /// (with the grain shrunk to <see cref="TestGrain"/>); false: stay on the calling thread.</summary>
    internal static bool? Threads
    {
        get => overridden ? threads : null;
        set { overridden = true; threads = value; }
    }

    /// <summary>The grain used when <see cref="Threads"/> is true, so small test tensors still split.</summary>
    internal const long TestGrain = 7;

    /// <summary>Elements below which an elementwise kernel stays on one thread (PyTorch uses the same 32768).</summary>
    internal const long GrainSize = 32768;

    private static readonly VectorPath Widest = Resolve(VectorPath.Auto);

    internal static VectorPath Resolve() => overridden ? Resolve(path) : Widest;

    internal static bool Vector512Available => System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated;
    internal static bool Vector256Available => System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated;

    /// <summary>
    /// The vector width a kernel runs now: <paramref name="forced"/> when the hardware has it, else the widest it
    /// accelerates (the elementwise kernels and the GEMM micro-kernels resolve their forced paths alike).
    /// </summary>
    internal static VectorPath Resolve(VectorPath forced)
    {
        var p = forced;
        if (p == VectorPath.Vector512 && !Vector512Available) p = VectorPath.Auto;
        if (p == VectorPath.Vector256 && !Vector256Available) p = VectorPath.Auto;
        if (p != VectorPath.Auto) return p;
        if (Vector512Available) return VectorPath.Vector512;
        if (Vector256Available) return VectorPath.Vector256;
        return VectorPath.Scalar;
    }

    /// <summary>The grain for this call: tiny under forced threading, else <paramref name="grain"/>; long.MaxValue when single-threaded.</summary>
    internal static long Grain(long grain = GrainSize) => !overridden ? grain : threads switch
    {
        true => TestGrain,
        false => long.MaxValue,
        _ => grain,
    };
}

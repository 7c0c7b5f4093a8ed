namespace Flint.Backends.Cpu.Gemm;

/// <summary>
/// Knobs for the CPU GEMM, read on the calling thread when a product starts (so a test can force a path on its
/// own thread without disturbing products running elsewhere).
/// </summary>
internal static class GemmOptions
{
    /// <summary>Forces a micro-kernel family (the vector width, as <see cref="KernelOptions.Path"/>); Auto picks by hardware.</summary>
    [ThreadStatic] internal static VectorPath Path;

    /// <summary>null: thread when the product is large; true: always split across the worker pool; false: never.</summary>
    [ThreadStatic] internal static bool? Threads;

    /// <summary>Overrides the cache blocking (kc, mc, nc) when set; mc/nc are rounded up to the micro-tile.</summary>
    [ThreadStatic] internal static (int kc, int mc, int nc)? Blocking;

    /// <summary>
    /// null: read A in place (six rows side by side) whenever it has a unit stride, which measured as fast as packing
    /// it at every size from 128 to 2048 and saves the packing pass; true: always pack A; false: same as null.
    /// </summary>
    [ThreadStatic] internal static bool? PackA;

    /// <summary>
    /// Up to this many multiply-adds, a threaded product with A read in place splits C by column panels only, each
    /// task packing its own panels of B (no shared packing phase to wait for).
    /// </summary>
    internal const long ColumnSplitMaxWork = 1L << 23;

    /// <summary>Skips the matrix-vector shortcuts so that 1-row or 1-column products go through the packed kernel.</summary>
    [ThreadStatic] internal static bool NoGemv;

    /// <summary>Forces a tuning (tile, prefetch, cache shares) on this thread; null: <see cref="EnvTuning"/>, else the CPU's.</summary>
    [ThreadStatic] internal static GemmTuning? Tuning;

    /// <summary>Forces the processor description the blocking is computed from on this thread; null: the real one.</summary>
    [ThreadStatic] internal static ProcessorInfo? Cpu;

    /// <summary>The tuning named by the FLINT_GEMM_TUNING environment variable (generic, zen-avx2, zen4, zen5, intel-avx512), if any.</summary>
    internal static readonly GemmTuning? EnvTuning = GemmTuning.Named(Environment.GetEnvironmentVariable("FLINT_GEMM_TUNING"));

    /// <summary>The tuning detected for this machine.</summary>
    internal static readonly GemmTuning Detected = GemmTuning.For(ProcessorInfo.Current);

    /// <summary>The tuning a product on this thread runs with: forced, named in the environment, or detected.</summary>
    internal static GemmTuning Current => Tuning ?? EnvTuning ?? Detected;

    /// <summary>The processor description the blocking of a product on this thread follows.</summary>
    internal static ProcessorInfo CurrentCpu => Cpu ?? ProcessorInfo.Current;

    /// <summary>The largest packed operand (bytes); bigger products run as sub-products.</summary>
    internal const long PackCapBytes = 16L << 20;

    /// <summary>Packed elements below which packing stays on the calling thread.</summary>
    internal const long PackParallelThreshold = 1L << 16;

    /// <summary>Below this many multiply-adds a product stays on the calling thread.</summary>
    internal const long ParallelThreshold = 1L << 18;


    /// <summary>The path a product takes now, given the forced option and the hardware.</summary>
    internal static VectorPath Resolve() => KernelOptions.Resolve(Path);
}

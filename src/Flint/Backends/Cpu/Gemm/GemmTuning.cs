namespace Flint.Backends.Cpu.Gemm;

/// <summary>The register tile of the 512-bit micro-kernel: rows of A × vectors of B.</summary>
internal enum GemmTile
{
    /// <summary>6 rows × 2 vectors (12 accumulators): the portable shape, also the 256-bit kernel's.</summary>
    Rows6x2,
    /// <summary>12 rows × 2 vectors (24 accumulators).</summary>
    Rows12x2,
    /// <summary>8 rows × 3 vectors (24 accumulators).</summary>
    Rows8x3,
}

/// <summary>
/// How the GEMM runs on one microarchitecture family: the 512-bit register tile, the software prefetch distance
/// of the packed B panel (k steps; 0: none), and the shares of each cache level the blocking fills (a kc×NR panel
/// of B in L1, or in L2 when <see cref="KcL2Share"/> is set; the mc×kc block of A in L2; the kc×nc panel of B in L3).
/// The 256-bit and scalar paths keep their one tile; the blocking follows the cache sizes of the
/// <see cref="ProcessorInfo"/> it is computed for.
/// </summary>
internal sealed record GemmTuning(string Name, GemmTile Tile512, int PrefetchSteps, double L1Share, double L2Share, double L3Share,
    double KcL2Share = 0)
{
    /// <summary>Any CPU: the 6×2 tile, no software prefetch.</summary>
    internal static readonly GemmTuning Generic = new("generic", GemmTile.Rows6x2, 0, 0.6, 0.5, 0.25);

    /// <summary>
    /// AMD Zen 1 and Zen 2 (family 17h, AVX2 only): the 256-bit 6×2 kernel, the A block sized for a third of L2
    /// instead of half. Measured on a 2-core EPYC of this family (Zen 1, 512 KiB L2), interleaved runs: matmul 1024
    /// at 70-73 GFLOP/s against 58-69 with half of L2 (the product then splits into 8 row blocks of 128 instead
    /// of 5 of 210 cut again by columns); 768, 1536 and 2048 unchanged within the noise.
    /// </summary>
    internal static readonly GemmTuning ZenAvx2 = new("zen-avx2", GemmTile.Rows6x2, 0, 0.6, 0.33, 0.25);

    /// <summary>
    /// AMD Zen 4 (family 19h with AVX-512): 512-bit operations run as two 256-bit halves, so one 512-bit FMA issues
    /// per cycle and the 6×2 tile's 12 accumulators already cover the FMA latency. At that rate the kernel's two B
    /// loads per k step stream from L2 as fast as from L1, so kc is sized for a kc×NR panel of B in an eighth of L2
    /// (1024 steps on a 1 MiB L2: C is loaded and stored once per 1024 steps instead of once per 144) and the A block
    /// for a quarter of it. Measured on a quiet EPYC of this family (2 cores, --compare --rounds 3): matmul 1024 at 95 %
    /// of fma_peak and 2048 at 89 %, against 76 % and 75 % with kc from L1.
    /// </summary>
    internal static readonly GemmTuning Zen4 = new("zen4", GemmTile.Rows6x2, 0, 0.6, 0.25, 0.25, KcL2Share: 0.125);

    /// <summary>
    /// AMD Zen 5 (family 1Ah): measured on an EPYC of this family (interleaved runs, loaded machine), the 6×2 tile
    /// ran matmul_1024 1.3 to 1.7× faster than the 12×2 one, whose eleven row offsets do not all fit in general
    /// registers; hardware prefetch covers the packed stream.
    /// </summary>
    internal static readonly GemmTuning Zen5 = new("zen5", GemmTile.Rows6x2, 0, 0.6, 0.5, 0.25);

    /// <summary>
    /// Intel cores with AVX-512 and two 512-bit FMA ports (Skylake-SP to Sapphire Rapids): the 12×2 tile (24
    /// accumulators, the register tile the usual Skylake-SP kernels use), the packed B panel prefetched 16 steps
    /// ahead, a smaller L1 share. Chosen from the port layout; not measured on Intel hardware here.
    /// </summary>
    internal static readonly GemmTuning IntelAvx512 = new("intel-avx512", GemmTile.Rows12x2, 16, 0.5, 0.5, 0.25);

    /// <summary>Every tuning, for forcing by name.</summary>
    internal static readonly GemmTuning[] All = [Generic, ZenAvx2, Zen4, Zen5, IntelAvx512];

    /// <summary>The tuning for a processor: by vendor, family and vector units, the generic one when none matches.</summary>
    internal static GemmTuning For(ProcessorInfo cpu)
    {
        if (!cpu.Avx512) return cpu.IsAmd && cpu.Family == 0x17 && cpu.Avx2 ? ZenAvx2 : Generic;
        if (cpu.IsAmd && cpu.Family == 0x1A) return Zen5;
        if (cpu.IsAmd && cpu.Family == 0x19) return Zen4;
        if (cpu.IsIntel && cpu.Family == 6) return IntelAvx512;
        return Generic;
    }

    /// <summary>The tuning named <paramref name="name"/> (case-insensitive), or null.</summary>
    internal static GemmTuning? Named(string? name) =>
        string.IsNullOrWhiteSpace(name) ? null : Array.Find(All, t => string.Equals(t.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The cache blocking (kc, mc, nc) for a micro-tile of mr×nr elements of <paramref name="elementSize"/> bytes on
    /// <paramref name="cpu"/>: kc so a kc×nr panel of B fills the L1 share (or the L2 one of <see cref="KcL2Share"/>), mc (a multiple of mr) so the mc×kc block
    /// of A fills the L2 share, nc (a multiple of nr) so the kc×nc panel of B fills the L3 share, each clamped to
    /// sizes that keep the loop overhead and the packing buffers reasonable.
    /// </summary>
    internal (int kc, int mc, int nc) Blocking(ProcessorInfo cpu, int elementSize, int mr, int nr)
    {
        double kcBytes = KcL2Share > 0 ? cpu.L2 * KcL2Share : cpu.L1d * L1Share;
        int kc = (int)Math.Clamp(kcBytes / ((long)nr * elementSize), 64, 1024) / 16 * 16;
        int mc = (int)Math.Clamp(cpu.L2 * L2Share / ((long)kc * elementSize), 2 * mr, 1536) / mr * mr;
        int nc = (int)Math.Clamp(cpu.L3 * L3Share / ((long)kc * elementSize), 4 * nr, 8192) / nr * nr;
        return (kc, mc, nc);
    }
}

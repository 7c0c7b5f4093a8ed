using Flint;
using Flint.Backends.Cpu;
using Flint.Backends.Cpu.Gemm;
using Xunit;

namespace Flint.Tests.Linalg;

/// <summary>
/// The CPU description (cpuid decoding, sysfs cache sizes), the tuning table and its cache blocking, and the GEMM
/// run under every tuning (each vendor's register tile and prefetch distance, forced on this machine) against a
/// naive double-precision product: shapes with remainders of every tile in every dimension, transposed and
/// strided operands, strided outputs, beta accumulation, NaN and infinity.
/// </summary>
public class GemmTuningTests
{
    private static readonly ProcessorInfo Zen5 = new("AuthenticAMD", 0x1A, 0x02, true, true, 48 << 10, 1 << 20, 32 << 20);
    private static readonly ProcessorInfo Zen4 = new("AuthenticAMD", 0x19, 0x11, true, true, 32 << 10, 1 << 20, 32 << 20);
    private static readonly ProcessorInfo Zen1 = new("AuthenticAMD", 0x17, 0x01, true, false, 32 << 10, 512 << 10, 8 << 20);
    private static readonly ProcessorInfo Zen3 = new("AuthenticAMD", 0x19, 0x01, true, false, 32 << 10, 512 << 10, 32 << 20);
    private static readonly ProcessorInfo Sapphire = new("GenuineIntel", 6, 0x8F, true, true, 48 << 10, 2 << 20, 105 << 20);
    private static readonly ProcessorInfo Tiny = new("GenuineIntel", 6, 0x55, true, true, 1 << 10, 8 << 10, 64 << 10);

    [Fact]
    public void FamilyAndModelFoldTheExtendedFields()
    {
        Assert.Equal((0x1A, 0x02), ProcessorInfo.FamilyModel(0x00B00F21));   // Zen 5 EPYC
        Assert.Equal((0x19, 0x11), ProcessorInfo.FamilyModel(0x00A10F11));   // Zen 4 EPYC
        Assert.Equal((0x17, 0x01), ProcessorInfo.FamilyModel(0x00800F12));   // Zen 1 EPYC
        Assert.Equal((6, 0x8F), ProcessorInfo.FamilyModel(0x000806F8));      // Sapphire Rapids
        Assert.Equal((6, 0x55), ProcessorInfo.FamilyModel(0x00050654));      // Skylake-SP
        Assert.Equal((5, 0x2), ProcessorInfo.FamilyModel(0x00010521));       // base family 5: extended fields ignored
    }

    [Fact]
    public void VendorStringReadsEbxEdxEcx()
    {
        Assert.Equal("GenuineIntel", ProcessorInfo.VendorString(0x756e6547, 0x49656e69, 0x6c65746e));
        Assert.Equal("AuthenticAMD", ProcessorInfo.VendorString(0x68747541, 0x69746e65, 0x444d4163));
    }

    [Fact]
    public void CacheEntryMultipliesWaysPartitionsLinesSets()
    {
        // L1 data, 12 ways, 1 partition, 64-byte lines, 64 sets = 48 KiB
        Assert.Equal((1, 1, 48L << 10), ProcessorInfo.CacheEntry(0x21, (11 << 22) | 63, 63));
        // L2 unified, 16 ways, 64-byte lines, 2048 sets = 2 MiB
        Assert.Equal((2, 3, 2L << 20), ProcessorInfo.CacheEntry(0x43, (15 << 22) | 63, 2047));
        // instruction cache and the terminating null entry
        Assert.Equal(2, ProcessorInfo.CacheEntry(0x22, (7 << 22) | 63, 63).kind);
        Assert.Equal(0, ProcessorInfo.CacheEntry(0, 0, 0).kind);
    }

    [Theory]
    [InlineData("48K", 48L << 10)]
    [InlineData("32768K", 32L << 20)]
    [InlineData("2M", 2L << 20)]
    [InlineData("1G", 1L << 30)]
    [InlineData("512", 512L)]
    [InlineData("", 0L)]
    [InlineData("K", 0L)]
    [InlineData("x12K", 0L)]
    [InlineData("-4K", 0L)]
    public void SysfsSizesParse(string text, long expected) => Assert.Equal(expected, ProcessorInfo.ParseSize(text));

    [Fact]
    public void SysfsFolderFillsOnlyWhatCpuidLeftOpen()
    {
        var dir = Directory.CreateTempSubdirectory("flint-cache");
        try
        {
            void Index(int i, string level, string type, string size)
            {
                var d = Directory.CreateDirectory(Path.Combine(dir.FullName, $"index{i}")).FullName;
                File.WriteAllText(Path.Combine(d, "level"), level + "\n");
                File.WriteAllText(Path.Combine(d, "type"), type + "\n");
                File.WriteAllText(Path.Combine(d, "size"), size + "\n");
            }
            Index(0, "1", "Data", "48K");
            Index(1, "1", "Instruction", "32K");
            Index(2, "2", "Unified", "1024K");
            Index(3, "3", "Unified", "32768K");
            long l1 = 0, l2 = 0, l3 = 0;
            ProcessorInfo.ReadSysfs(dir.FullName, ref l1, ref l2, ref l3);
            Assert.Equal((48L << 10, 1L << 20, 32L << 20), (l1, l2, l3));
            long k1 = 64 << 10, k2 = 0, k3 = 0;
            ProcessorInfo.ReadSysfs(dir.FullName, ref k1, ref k2, ref k3);
            Assert.Equal((64L << 10, 1L << 20, 32L << 20), (k1, k2, k3));
            long m1 = 0, m2 = 0, m3 = 0;
            ProcessorInfo.ReadSysfs(Path.Combine(dir.FullName, "missing"), ref m1, ref m2, ref m3);
            Assert.Equal((0L, 0L, 0L), (m1, m2, m3));
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void DetectedCachesAgreeWithSysfs()
    {
        var cpu = ProcessorInfo.Current;
        Assert.True(cpu.L1d >= 4096 && cpu.L2 >= cpu.L1d && cpu.L3 > 0, cpu.ToString());
        long l1 = 0, l2 = 0, l3 = 0;
        ProcessorInfo.ReadSysfs("/sys/devices/system/cpu/cpu0/cache", ref l1, ref l2, ref l3);
        if (l1 > 0) Assert.Equal(l1, cpu.L1d);
        if (l2 > 0) Assert.Equal(l2, cpu.L2);
        if (System.Runtime.Intrinsics.X86.X86Base.IsSupported) Assert.Equal(12, cpu.Vendor.Length);
        if (File.Exists("/proc/cpuinfo"))
        {
            // the kernel's own decoding of the same cpuid leaves
            var info = File.ReadAllLines("/proc/cpuinfo");
            string Field(string name) => info.First(l => l.Contains(':') && l.Split(':')[0].Trim() == name).Split(':')[1].Trim();
            if (info.Any(l => l.StartsWith("vendor_id")))
            {
                Assert.Equal(Field("vendor_id"), cpu.Vendor);
                Assert.Equal(int.Parse(Field("cpu family")), cpu.Family);
                Assert.Equal(int.Parse(Field("model")), cpu.Model);
            }
        }
        Assert.Equal(GemmTuning.For(cpu), GemmOptions.Detected);
    }

    [Fact]
    public void TuningTableMatchesVendorAndFamily()
    {
        Assert.Same(GemmTuning.Zen5, GemmTuning.For(Zen5));
        Assert.Same(GemmTuning.Zen4, GemmTuning.For(Zen4));
        Assert.Same(GemmTuning.Generic, GemmTuning.For(Zen3));
        Assert.Same(GemmTuning.ZenAvx2, GemmTuning.For(Zen1));
        Assert.Same(GemmTuning.Generic, GemmTuning.For(Zen1 with { Avx2 = false }));
        Assert.Same(GemmTuning.IntelAvx512, GemmTuning.For(Sapphire));
        Assert.Same(GemmTuning.Generic, GemmTuning.For(new ProcessorInfo("CentaurHauls", 7, 0x3B, true, true, 32 << 10, 2 << 20, 8 << 20)));
        Assert.Same(GemmTuning.Generic, GemmTuning.For(new ProcessorInfo("unknown", 0, 0, false, false, 32 << 10, 512 << 10, 8 << 20)));
        Assert.Same(GemmTuning.Zen5, GemmTuning.Named(" ZEN5 "));
        Assert.Same(GemmTuning.IntelAvx512, GemmTuning.Named("intel-avx512"));
        Assert.Null(GemmTuning.Named("pentium"));
        Assert.Null(GemmTuning.Named(null));
        // the two vendors' tilings differ: forcing one or the other runs different code
        Assert.NotEqual(GemmTuning.Zen5.Tile512, GemmTuning.IntelAvx512.Tile512);
        Assert.NotEqual(GemmTuning.Zen5.PrefetchSteps, GemmTuning.IntelAvx512.PrefetchSteps);
    }

    [Fact]
    public void BlockingFollowsTheCacheSizes()
    {
        // a 12x32 float tile on Zen 5: kc = 48K*0.6/128 -> 224, mc = 1M*0.5/(224*4) -> 576 (a multiple of 12), nc clamped to 8192
        Assert.Equal((224, 576, 8192), GemmTuning.Zen5.Blocking(Zen5, 4, 12, 32));
        // float64 with the same tile bytes: 12x16 doubles
        Assert.Equal((224, 288, 4672), GemmTuning.Zen5.Blocking(Zen5, 8, 12, 16));
        // tiny caches clamp to the floors: kc 64, mc 2*mr, nc 4*nr
        Assert.Equal((64, 16, 192), GemmTuning.IntelAvx512.Blocking(Tiny, 4, 8, 48));
        // the Intel tuning's smaller L1 share: 48K*0.5/128 -> 192
        Assert.Equal(192, GemmTuning.IntelAvx512.Blocking(Sapphire, 4, 12, 32).kc);
        // Zen 4 sizes kc from L2: a 6x32 float tile on 1 MiB of L2 -> kc = 1M/8/128 = 1024, mc = 1M/4/4096 -> 60
        // Zen 1's AVX2 tuning: a 6x16 float tile, kc = 32K*0.6/64 -> 304, mc = 512K*0.33/(304*4) -> 138, nc = 8M/4/1216 -> 1712
        Assert.Equal((304, 138, 1712), GemmTuning.ZenAvx2.Blocking(Zen1, 4, 6, 16));
        var zen4 = GemmTuning.Zen4.Blocking(Zen4, 4, 6, 32);
        Assert.Equal(1024, zen4.kc);
        Assert.Equal(60, zen4.mc);
        foreach (var t in GemmTuning.All)
            foreach (var cpu in new[] { Zen5, Zen4, Zen1, Sapphire, Tiny })
                foreach (var (es, mr, nr) in new[] { (4, 6, 32), (8, 6, 16), (4, 12, 32), (8, 8, 24), (4, 6, 16) })
                {
                    var (kc, mc, nc) = t.Blocking(cpu, es, mr, nr);
                    Assert.True(kc >= 64 && kc % 16 == 0 && mc % mr == 0 && mc >= 2 * mr && nc % nr == 0 && nc >= 4 * nr, $"{t.Name} {cpu} {es} {mr}x{nr}: {kc} {mc} {nc}");
                    // the kc×nr panel of B fits the cache level the tuning sizes it for
                    double level = t.KcL2Share > 0 ? cpu.L2 * t.KcL2Share : cpu.L1d * t.L1Share;
                    Assert.True(kc == 64 || (long)kc * nr * es <= level, $"{t.Name} kc {kc} overflows its cache share");
                }
    }

    private static readonly (int batch, int m, int n, int k)[] Shapes =
    [
        // remainders of the 12-, 8- and 6-row tiles and the 16/24/32/48-wide panels in every dimension
        (1, 25, 49, 33), (1, 13, 97, 17), (2, 11, 47, 5), (1, 24, 96, 64), (1, 37, 31, 300), (3, 9, 65, 1),
        (1, 1, 50, 40), (1, 50, 1, 40), (1, 7, 3, 9), (1, 100, 2, 3), (1, 0, 5, 3), (2, 5, 7, 0),
    ];

    private sealed record Layout(string Name, bool TransA, bool TransB, int StepA, int StepB, bool TransC, bool StepC);

    private static readonly Layout[] Layouts =
    [
        new("plain", false, false, 1, 1, false, false),
        new("tA", true, false, 1, 1, false, false),
        new("tB", false, true, 1, 1, false, false),
        new("tAtB_tC", true, true, 1, 1, true, false),
        new("stepA_stepB_stepC", false, false, 2, 3, false, true),
    ];

    private static Tensor Make(long[] shape, int seed, DType dt, bool transpose, int step)
    {
        var build = (long[])shape.Clone();
        if (transpose) (build[^1], build[^2]) = (build[^2], build[^1]);
        build[^1] *= step;
        long total = build.Aggregate(1L, (x, y) => x * y);
        var rng = new Random(seed);
        var v = new double[total];
        for (long i = 0; i < total; i++) v[i] = Math.Round(rng.NextDouble() * 4 - 2, 3);
        var t = torch.from_array(v, build).to(dt);
        if (step > 1)
        {
            var st = t.stride(); var sh = (long[])build.Clone();
            sh[^1] /= step; st[^1] *= step;
            t = t.as_strided(sh, st, 0);
        }
        return transpose ? t.transpose(-1, -2) : t;
    }

    private static (double[] value, double[] bound) Naive(Tensor a, Tensor b, Tensor c0, double alpha, double beta)
    {
        int batch = (int)c0.size(0), m = (int)c0.size(1), n = (int)c0.size(2), k = (int)a.size(2);
        var av = a.contiguous().to(torch.float64).ToArray<double>(); var bv = b.contiguous().to(torch.float64).ToArray<double>();
        var cv = c0.contiguous().to(torch.float64).ToArray<double>();
        var r = new double[batch * m * n]; var bound = new double[r.Length];
        for (int bi = 0; bi < batch; bi++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0, sa = 0;
                    for (int p = 0; p < k; p++)
                    {
                        double x = av[(bi * m + i) * k + p], y = bv[(bi * k + p) * n + j];
                        s += x * y; sa += Math.Abs(x * y);
                    }
                    int o = (bi * m + i) * n + j;
                    r[o] = alpha * s + (beta == 0 ? 0 : beta * cv[o]);
                    bound[o] = Math.Abs(alpha) * sa + (beta == 0 ? 0 : Math.Abs(beta * cv[o]));
                }
        return (r, bound);
    }

    /// <summary>Every tuning × threaded or not × the machine's blocking or the tiny-cache one (many k, m, n blocks).</summary>
    private static IEnumerable<(string name, Action setup)> Configs()
    {
        // the table's tunings, then every tile × prefetch distance the table could name
        var forced = GemmTuning.All.Concat(
            from tile in Enum.GetValues<GemmTile>()
            from pf in new[] { 0, 8, 16 }
            select new GemmTuning($"{tile}/pf{pf}", tile, pf, 0.6, 0.5, 0.25));
        foreach (var tuning in forced)
            foreach (var threads in new[] { false, true })
                foreach (var cpu in new ProcessorInfo?[] { null, Tiny })
                {
                    var t = tuning; var th = threads; var c = cpu;
                    yield return ($"{t.Name}/threads={th}/cpu={(c is null ? "this" : "tiny")}", () =>
                    {
                        GemmOptions.Path = VectorPath.Vector512;
                        GemmOptions.Tuning = t;
                        GemmOptions.Threads = th;
                        GemmOptions.Cpu = c;
                        GemmOptions.NoGemv = c is not null;
                    });
                }
    }

    private static void Reset()
    {
        GemmOptions.Path = VectorPath.Auto;
        GemmOptions.Tuning = null;
        GemmOptions.Threads = null;
        GemmOptions.Cpu = null;
        GemmOptions.NoGemv = false;
    }

    private static bool Close(double got, double want, double tol) =>
        double.IsNaN(want) ? double.IsNaN(got) : double.IsInfinity(want) ? got == want : Math.Abs(got - want) <= tol;

    private static List<string> Check(Tensor a, Tensor b, Tensor c0, Layout lay, double alpha, double beta, string what)
    {
        var failures = new List<string>();
        var dt = c0.dtype;
        var (want, bound) = Naive(a, b, c0, alpha, beta);
        double eps = dt == DType.Float32 ? 1.2e-7 : 2.3e-16;
        int k = (int)a.size(2);
        foreach (var (cfg, setup) in Configs())
        {
            var c = Make(c0.shape.ToArray(), 0, dt, lay.TransC, lay.StepC ? 2 : 1);
            c.copy_(c0);
            try { setup(); c.Backend.Gemm(a, b, c, alpha, beta); }
            finally { Reset(); }
            var got = c.contiguous().to(torch.float64).ToArray<double>();
            for (int i = 0; i < got.Length; i++)
                if (!Close(got[i], want[i], eps * (k + 2) * (bound[i] + 1)))
                {
                    failures.Add($"{what} {cfg}: element {i}: {got[i]:R} != {want[i]:R}");
                    break;
                }
        }
        return failures;
    }

    [Theory]
    [InlineData("float32", 1.0, 0.0)]
    [InlineData("float32", -1.5, 0.75)]
    [InlineData("float64", 1.0, 0.0)]
    [InlineData("float64", 0.5, -2.0)]
    public void EveryTuningMatchesNaive(string dtype, double alpha, double beta)
    {
        var dt = Support.Reference.DTypeOf(dtype);
        var failures = new List<string>();
        int seed = 100;
        foreach (var (batch, m, n, k) in Shapes)
            foreach (var lay in Layouts)
            {
                var a = Make([batch, m, k], seed++, dt, lay.TransA, lay.StepA);
                var b = Make([batch, k, n], seed++, dt, lay.TransB, lay.StepB);
                var c0 = Make([batch, m, n], seed++, dt, false, 1);
                failures.AddRange(Check(a, b, c0, lay, alpha, beta, $"{dtype} {batch}x{m}x{n}x{k} {lay.Name}"));
            }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(30)));
    }

    [Theory]
    [InlineData("float32")]
    [InlineData("float64")]
    public void NaNAndInfinityPropagateUnderEveryTuning(string dtype)
    {
        var dt = Support.Reference.DTypeOf(dtype);
        var lay = Layouts[0];
        var a = Make([1, 27, 19], 7, dt, false, 1);
        var b = Make([1, 19, 53], 8, dt, false, 1);
        a[0, 3, 5] = torch.tensor(double.NaN, dtype: dt);
        a[0, 14, 2] = torch.tensor(double.PositiveInfinity, dtype: dt);
        b[0, 4, 40] = torch.tensor(double.NegativeInfinity, dtype: dt);
        var c0 = Make([1, 27, 53], 9, dt, false, 1);
        var failures = Check(a, b, c0, lay, 1.0, 0.5, $"{dtype} nan/inf");
        // beta 0 never reads C: NaN there must not leak into the product
        var nanC = torch.full([1, 27, 53], double.NaN, dtype: dt);
        var clean = Make([1, 27, 19], 10, dt, false, 1);
        failures.AddRange(Check(clean, b.nan_to_num(0, 0, 0), nanC, lay, 2.0, 0.0, $"{dtype} beta0 NaN C"));
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(30)));
    }

    [Fact]
    public void ForcedTuningsAgreeWithEachOtherOnALargeProduct()
    {
        var a = Make([1, 301, 517], 21, DType.Float32, false, 1);
        var b = Make([1, 517, 263], 22, DType.Float32, true, 1);
        float[]? first = null;
        foreach (var t in GemmTuning.All.Append(new GemmTuning("wide", GemmTile.Rows8x3, 8, 0.6, 0.5, 0.25)))
        {
            var c = torch.zeros([1, 301, 263]);
            try { GemmOptions.Tuning = t; c.Backend.Gemm(a, b, c, 1, 0); }
            finally { Reset(); }
            var got = c.ToArray<float>();
            first ??= got;
            for (int i = 0; i < got.Length; i++)
                Assert.True(Math.Abs(got[i] - first[i]) <= 1e-3f * (1 + Math.Abs(first[i])), $"{t.Name}: element {i}: {got[i]} vs {first[i]}");
        }
    }
}

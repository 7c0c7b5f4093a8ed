using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Backends.Cpu;

/// <summary>
/// What the CPU kernels need to know about the processor they run on: the vendor, the family and model (as the
/// vendors' manuals number them, extended fields folded in), the vector units, and the per-core data cache sizes
/// in bytes (L3: the whole shared cache). Read once from cpuid (leaf 4 on Intel, 0x8000001D on AMD), with
/// /sys/devices/system/cpu/cpu0/cache as the fallback and fixed sizes when neither answers.
/// </summary>
internal sealed record ProcessorInfo(string Vendor, int Family, int Model, bool Avx2, bool Avx512, long L1d, long L2, long L3)
{
    /// <summary>Sizes assumed when nothing reports them (a common desktop core).</summary>
    internal const long FallbackL1d = 32 << 10, FallbackL2 = 512 << 10, FallbackL3 = 8 << 20;

    /// <summary>The processor this process runs on.</summary>
    internal static ProcessorInfo Current { get; } = Detect();

    internal bool IsIntel => Vendor == "GenuineIntel";
    internal bool IsAmd => Vendor == "AuthenticAMD" || Vendor == "HygonGenuine";

    /// <summary>Reads cpuid where the hardware has it, the sysfs cache description otherwise.</summary>
    internal static ProcessorInfo Detect()
    {
        string vendor = "unknown";
        int family = 0, model = 0;
        long l1 = 0, l2 = 0, l3 = 0;
        if (X86Base.IsSupported)
        {
            var (maxLeaf, vb, vc, vd) = X86Base.CpuId(0, 0);
            vendor = VendorString(vb, vd, vc);
            if (maxLeaf >= 1)
                (family, model) = FamilyModel(X86Base.CpuId(1, 0).Eax);
            int cacheLeaf = 0;
            if (vendor == "GenuineIntel" && maxLeaf >= 4) cacheLeaf = 4;
            else if (vendor is "AuthenticAMD" or "HygonGenuine")
            {
                uint maxExt = (uint)X86Base.CpuId(unchecked((int)0x80000000), 0).Eax;
                bool topoExt = maxExt >= 0x80000001 && (X86Base.CpuId(unchecked((int)0x80000001), 0).Ecx & (1 << 22)) != 0;
                if (topoExt && maxExt >= 0x8000001D) cacheLeaf = unchecked((int)0x8000001D);
            }
            if (cacheLeaf != 0)
                for (int sub = 0; sub < 16; sub++)
                {
                    var (eax, ebx, ecx, _) = X86Base.CpuId(cacheLeaf, sub);
                    var (level, kind, size) = CacheEntry(eax, ebx, ecx);
                    if (kind == 0) break;
                    Record(level, kind, size, ref l1, ref l2, ref l3);
                }
        }
        if (l1 == 0 || l2 == 0) ReadSysfs("/sys/devices/system/cpu/cpu0/cache", ref l1, ref l2, ref l3);
        return new ProcessorInfo(vendor, family, model, System.Runtime.Intrinsics.X86.Avx2.IsSupported && Fma.IsSupported,
            Vector512.IsHardwareAccelerated && Avx512F.IsSupported,
            l1 > 0 ? l1 : FallbackL1d, l2 > 0 ? l2 : FallbackL2, l3 > 0 ? l3 : FallbackL3);
    }

    /// <summary>The twelve vendor characters cpuid leaf 0 returns in EBX, EDX, ECX.</summary>
    internal static string VendorString(int ebx, int edx, int ecx)
    {
        Span<char> s = stackalloc char[12];
        int i = 0;
        foreach (int r in (ReadOnlySpan<int>)[ebx, edx, ecx])
            for (int b = 0; b < 4; b++) s[i++] = (char)((r >> (8 * b)) & 0xFF);
        return new string(s);
    }

    /// <summary>
    /// The display family and model from cpuid leaf 1's EAX: the extended family is added when the base family
    /// is 0xF, the extended model prepended when the family is 6 or 0xF (both vendors' rule).
    /// </summary>
    internal static (int family, int model) FamilyModel(int eax)
    {
        int baseFamily = (eax >> 8) & 0xF, baseModel = (eax >> 4) & 0xF;
        int extFamily = (eax >> 20) & 0xFF, extModel = (eax >> 16) & 0xF;
        int family = baseFamily == 0xF ? baseFamily + extFamily : baseFamily;
        int model = baseFamily is 0x6 or 0xF ? (extModel << 4) | baseModel : baseModel;
        return (family, model);
    }

    /// <summary>
    /// One deterministic cache parameter entry (cpuid leaf 4 / 0x8000001D share the layout): its level, its type
    /// (0 none, 1 data, 2 instruction, 3 unified) and its size, ways × partitions × line size × sets.
    /// </summary>
    internal static (int level, int kind, long size) CacheEntry(int eax, int ebx, int ecx)
    {
        int kind = eax & 0x1F, level = (eax >> 5) & 0x7;
        long ways = ((uint)ebx >> 22) + 1, partitions = ((ebx >> 12) & 0x3FF) + 1, line = (ebx & 0xFFF) + 1, sets = (uint)ecx + 1L;
        return (level, kind, ways * partitions * line * sets);
    }

    private static void Record(int level, int kind, long size, ref long l1, ref long l2, ref long l3)
    {
        if (kind == 2 || size <= 0) return;   // instruction caches do not hold operands
        if (level == 1) l1 = size;
        else if (level == 2) l2 = size;
        else if (level == 3) l3 = size;
    }

    /// <summary>Reads index*/level, type and size ("48K", "32768K", "2M") under a sysfs cache folder; missing files are skipped.</summary>
    internal static void ReadSysfs(string folder, ref long l1, ref long l2, ref long l3)
    {
        try
        {
            if (!Directory.Exists(folder)) return;
            foreach (var dir in Directory.GetDirectories(folder, "index*"))
            {
                string Read(string f) => File.Exists(Path.Combine(dir, f)) ? File.ReadAllText(Path.Combine(dir, f)).Trim() : "";
                if (!int.TryParse(Read("level"), out int level)) continue;
                int kind = Read("type") switch { "Data" => 1, "Instruction" => 2, "Unified" => 3, _ => 0 };
                if (kind == 0) continue;
                long size = ParseSize(Read("size"));
                long a = l1, b = l2, c = l3;
                Record(level, kind, size, ref a, ref b, ref c);
                if (l1 == 0) l1 = a;
                if (l2 == 0) l2 = b;
                if (l3 == 0) l3 = c;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>A sysfs cache size: a byte count with an optional K, M or G suffix; 0 when it does not parse.</summary>
    internal static long ParseSize(string s)
    {
        s = s.Trim();
        if (s.Length == 0) return 0;
        long scale = char.ToUpperInvariant(s[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 1 };
        if (scale != 1) s = s[..^1];
        return long.TryParse(s, out long v) && v > 0 ? v * scale : 0;
    }
}

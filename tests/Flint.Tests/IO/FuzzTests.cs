using System.Diagnostics;
using System.IO.Compression;
using Flint;
using Xunit;

namespace Flint.Tests.IO;

/// <summary>
/// Seeded mutation fuzzing of the file readers: every mutated file either loads or fails with the reader's
/// documented exceptions (torch.load: <see cref="UnpicklingError"/>, <see cref="InvalidDataException"/>,
/// <see cref="NotSupportedException"/>; np.load and np.load_npz: <see cref="InvalidDataException"/>,
/// <see cref="NotSupportedException"/>), in bounded time. Files that once broke a reader are kept in
/// References/fuzz and replayed.
/// </summary>
public class FuzzTests
{
    private const int MutationsPerFormat = 2500;
    /// <summary>What reading one damaged file may allocate at most: the largest honest read (sixty thousand memoized
    /// dicts) takes about 34 MB, and a reader that trusts a forged size asks for gigabytes.</summary>
    private const long MaxBytesPerFile = 64L << 20;
    /// <summary>The slowest one file may be: far above an honest read (milliseconds) even on a machine loaded many
    /// times over, far below what a reader that goes quadratic on a forged count takes.</summary>
    private static readonly TimeSpan MaxTimePerFile = TimeSpan.FromSeconds(15);
    private static readonly string RefDir = Path.Combine(AppContext.BaseDirectory, "References");

    private static readonly Type[] TorchErrors = [typeof(UnpicklingError), typeof(InvalidDataException), typeof(NotSupportedException)];
    private static readonly Type[] NumpyErrors = [typeof(InvalidDataException), typeof(NotSupportedException)];

    private static object? LoadPt(byte[] b) => torch.load(new MemoryStream(b));
    private static object? LoadNpy(byte[] b) => np.load(new MemoryStream(b));
    private static object? LoadNpz(byte[] b) => np.load_npz(new MemoryStream(b));

    // ---------------- seeds ----------------

    private static byte[] Saved(object? obj)
    {
        var ms = new MemoryStream();
        torch.save(obj, ms);
        return ms.ToArray();
    }

    private static List<byte[]> ZipSeeds()
    {
        var w = torch.arange(6, dtype: torch.float32).reshape(2, 3);
        var seeds = new List<byte[]>
        {
            Saved(new Dictionary<string, Tensor> { ["w"] = w, ["wt"] = w.t(), ["b"] = torch.ones(3, dtype: torch.int64) }),
            Saved(new List<object?> { 1L, -70000L, 2.5, "text", true, null, new object?[] { 1L, "a" }, new Size(2, 3), w[1] }),
            Saved(new Parameter(torch.zeros(4))),
        };
        foreach (var f in new[] { "read_nested.pt", "read_views.pt", "read_param.pt", "read_scalars.pt" })
            seeds.Add(File.ReadAllBytes(Path.Combine(RefDir, "pt", f)));
        return seeds;
    }

    private static List<byte[]> LegacySeeds() =>
        new[] { "legacy_nested.pt", "legacy_views.pt", "legacy_param.pt", "legacy_dtypes.pt" }
            .Select(f => File.ReadAllBytes(Path.Combine(RefDir, "pt", f))).ToList();

    private static List<byte[]> NpySeeds()
    {
        var seeds = new List<byte[]>();
        foreach (var t in new[] { torch.arange(12, dtype: torch.float32).reshape(3, 4), torch.tensor(new[] { true, false }), torch.tensor(7L) })
        {
            var ms = new MemoryStream();
            np.save(ms, t);
            seeds.Add(ms.ToArray());
        }
        foreach (var f in new[] { "read_be_f4.npy", "bytes_transposed_f4.npy", "read_0dim_b1.npy" })
            seeds.Add(File.ReadAllBytes(Path.Combine(RefDir, "npy", f)));
        return seeds;
    }

    private static List<byte[]> NpzSeeds()
    {
        var arrays = new Dictionary<string, Tensor> { ["a"] = torch.arange(8, dtype: torch.int16), ["b"] = torch.ones(2, 2) };
        var plain = new MemoryStream(); np.savez(plain, arrays);
        var packed = new MemoryStream(); np.savez_compressed(packed, arrays);
        return [plain.ToArray(), packed.ToArray(), File.ReadAllBytes(Path.Combine(RefDir, "npy", "read_compressed.npz"))];
    }

    // ---------------- mutations ----------------

    private static readonly long[] Interesting = [0, 1, -1, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, long.MaxValue, long.MinValue, 1L << 40];

    /// <summary>One to four random edits: bit flips, byte and word overwrites with edge values, cuts, inserts, repeats, truncation.</summary>
    internal static byte[] Mutate(Random r, byte[] src)
    {
        var b = new List<byte>(src);
        int edits = 1 + r.Next(4);
        for (int k = 0; k < edits && b.Count > 0; k++)
        {
            int at = r.Next(b.Count);
            switch (r.Next(8))
            {
                case 0: b[at] ^= (byte)(1 << r.Next(8)); break;
                case 1: b[at] = (byte)r.Next(256); break;
                case 2: b[at] = (byte)Interesting[r.Next(6)]; break;
                case 3:
                    {
                        var v = BitConverter.GetBytes(Interesting[r.Next(Interesting.Length)]);
                        int n = r.Next(2) == 0 ? 4 : 8;
                        for (int i = 0; i < n && at + i < b.Count; i++) b[at + i] = v[i];
                        break;
                    }
                case 4: b.RemoveRange(at, Math.Min(b.Count - at, 1 + r.Next(16))); break;
                case 5: b.InsertRange(at, Enumerable.Range(0, 1 + r.Next(8)).Select(_ => (byte)r.Next(256))); break;
                case 6:
                    {
                        int n = Math.Min(b.Count - at, 1 + r.Next(32));
                        b.InsertRange(r.Next(b.Count), b.GetRange(at, n));
                        break;
                    }
                default: b.RemoveRange(at, b.Count - at); break;
            }
        }
        return b.ToArray();
    }

    /// <summary>Mutates one member of a zip archive and writes a fresh, well-formed archive around it, so the
    /// member's reader (not the zip's checks) meets the damage.</summary>
    private static byte[] MutateMember(Random r, byte[] zip, Func<string, bool> preferred)
    {
        var members = new List<(string name, byte[] data)>();
        using (var src = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read))
            foreach (var e in src.Entries)
            {
                using var s = e.Open();
                var ms = new MemoryStream();
                s.CopyTo(ms);
                members.Add((e.FullName, ms.ToArray()));
            }
        var candidates = members.Select((m, i) => (m, i)).Where(x => preferred(x.m.name)).Select(x => x.i).ToList();
        int pick = candidates.Count > 0 && r.Next(4) != 0 ? candidates[r.Next(candidates.Count)] : r.Next(members.Count);
        members[pick] = (members[pick].name, Mutate(r, members[pick].data));
        var outMs = new MemoryStream();
        using (var dst = new ZipArchive(outMs, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, data) in members)
            {
                using var w = dst.CreateEntry(name, CompressionLevel.NoCompression).Open();
                w.Write(data);
            }
        return outMs.ToArray();
    }

    // ---------------- the runs ----------------

    private sealed record Outcome(int Loaded, int Refused, List<string> Failures, long MostAllocated, int MostAllocatedAt, TimeSpan Slowest);

    /// <summary>Runs <paramref name="count"/> mutated files through <paramref name="load"/> on a thread of its own, failing on a hang.</summary>
    private static Outcome Fuzz(string format, List<byte[]> seeds, int seed, int count, Func<Random, byte[], byte[]> mutate, Func<byte[], object?> load, Type[] allowed)
    {
        int loaded = 0, refused = 0;
        var failures = new List<string>();
        long mostAllocated = 0;
        int mostAllocatedAt = -1;
        var slowest = TimeSpan.Zero;
        int current = -1;
        Exception? crash = null;
        var thread = new Thread(() =>
        {
            try
            {
                var r = new Random(seed);
                for (int i = 0; i < count; i++)
                {
                    current = i;
                    var file = mutate(r, seeds[i % seeds.Count]);
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    var sw = Stopwatch.StartNew();
                    try { load(file); loaded++; }
                    catch (Exception e) when (allowed.Contains(e.GetType()) && !string.IsNullOrWhiteSpace(e.Message)) { refused++; }
                    catch (Exception e)
                    {
                        string path = Path.Combine(Path.GetTempPath(), $"flint-fuzz-{format}-{seed}-{i}.bin");
                        File.WriteAllBytes(path, file);
                        failures.Add($"{format} mutation {i} ({path}): {e.GetType().Name}: {e.Message}");
                    }
                    if (sw.Elapsed > slowest) slowest = sw.Elapsed;
                    long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                    if (allocated > mostAllocated) { mostAllocated = allocated; mostAllocatedAt = i; }
                }
            }
            catch (Exception e) { crash = e; }
        }, 512 << 10) { IsBackground = true };   // a small stack, so a reader that recurses on the file shows it
        thread.Start();
        if (!thread.Join(TimeSpan.FromSeconds(60)))
            Assert.Fail($"{format}: mutation {current} did not finish within the time left for the run (a hang)");
        Assert.Null(crash);
        return new Outcome(loaded, refused, failures, mostAllocated, mostAllocatedAt, slowest);
    }

    private static void Check(Outcome o, int count, bool expectRefusals = true)
    {
        Assert.True(o.Failures.Count == 0, o.Failures.Count + " failures:\n" + string.Join("\n", o.Failures.Take(20)));
        Assert.Equal(count, o.Loaded + o.Refused);
        if (expectRefusals) Assert.True(o.Refused > 0);
        // A reader that trusts a size in a damaged header allocates for it before it fails: one file's reading may
        // allocate at most a fixed budget, counted in bytes on the reading thread, so a loaded machine cannot fail it.
        // Time is checked too, with a bound that only a reader gone quadratic (or looping, the 60 s join) exceeds.
        Assert.True(o.MostAllocated < MaxBytesPerFile,
            $"mutation {o.MostAllocatedAt} allocated {o.MostAllocated:N0} bytes while being read (budget {MaxBytesPerFile:N0})");
        Assert.True(o.Slowest < MaxTimePerFile, $"the slowest file took {o.Slowest}");
    }

    [Fact]
    public void MutatedZipCheckpointsLoadOrFailTyped()
    {
        var seeds = ZipSeeds();
        var o = Fuzz("pt", seeds, 1, MutationsPerFormat,
            (r, s) => r.Next(3) == 0 ? Mutate(r, s) : MutateMember(r, s, n => n.EndsWith("data.pkl", StringComparison.Ordinal)), LoadPt, TorchErrors);
        Check(o, MutationsPerFormat);
    }

    [Fact]
    public void MutatedLegacyCheckpointsLoadOrFailTyped()
    {
        var o = Fuzz("legacy", LegacySeeds(), 2, MutationsPerFormat, Mutate, LoadPt, TorchErrors);
        Check(o, MutationsPerFormat);
        Assert.True(o.Loaded > 0);   // edits in the storage bytes leave a loadable file
    }

    [Fact]
    public void MutatedNpyFilesLoadOrFailTyped()
    {
        var o = Fuzz("npy", NpySeeds(), 3, MutationsPerFormat, Mutate, LoadNpy, NumpyErrors);
        Check(o, MutationsPerFormat);
        Assert.True(o.Loaded > 0);
    }

    [Fact]
    public void MutatedNpzArchivesLoadOrFailTyped()
    {
        var o = Fuzz("npz", NpzSeeds(), 4, MutationsPerFormat,
            (r, s) => r.Next(2) == 0 ? Mutate(r, s) : MutateMember(r, s, _ => true), LoadNpz, NumpyErrors);
        Check(o, MutationsPerFormat);
    }

    public static TheoryData<string> CorpusFiles()
    {
        var d = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(RefDir, "fuzz")).Select(Path.GetFileName).Order(StringComparer.Ordinal))
            if (!f!.EndsWith(".md", StringComparison.Ordinal)) d.Add(f);
        return d;
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void FilesThatOnceBrokeAReaderLoadOrFailTyped(string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(RefDir, "fuzz", file));
        var (load, allowed) = Path.GetExtension(file) switch
        {
            ".npy" => ((Func<byte[], object?>)LoadNpy, NumpyErrors),
            ".npz" => (LoadNpz, NumpyErrors),
            _ => (LoadPt, TorchErrors),
        };
        var o = Fuzz(file, [bytes], 0, 1, (_, b) => b, load, allowed);
        Check(o, 1, expectRefusals: false);
    }
}

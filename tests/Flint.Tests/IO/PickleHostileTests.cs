using System.Diagnostics;
using System.IO.Compression;
using System.Numerics;
using Flint;
using Xunit;

namespace Flint.Tests.IO;

/// <summary>Hostile checkpoints: each fails fast with a typed error, or loads in time linear in its size.</summary>
public class PickleHostileTests
{
    private static object? Load(byte[] file) => torch.load(new MemoryStream(file));

    private static UnpicklingError Refused(byte[] file) => Assert.Throws<UnpicklingError>(() => Load(file));

    /// <summary>Runs <paramref name="body"/> on a thread of its own and fails when it has not finished in
    /// <paramref name="seconds"/> seconds (a hang), instead of waiting for it.</summary>
    private static void Bounded(Action body, int seconds = 60)
    {
        Exception? error = null;
        var t = new Thread(() => { try { body(); } catch (Exception e) { error = e; } }) { IsBackground = true };
        t.Start();
        Assert.True(t.Join(TimeSpan.FromSeconds(seconds)), $"still running after {seconds} s");
        if (error is not null) throw new Xunit.Sdk.XunitException($"{error.GetType().Name}: {error.Message}");
    }

    /// <summary>
    /// Loads a hostile file and a benign file of the same size and shape, best of two runs each, and checks the
    /// hostile one costs at most a constant factor more: a quadratic reader fails this by orders of magnitude.
    /// </summary>
    private static void AssertLinear(byte[] hostile, byte[] benign, Action<object?> check)
    {
        TimeSpan Best(byte[] f)
        {
            var best = TimeSpan.MaxValue;
            for (int i = 0; i < 2; i++)
            {
                var sw = Stopwatch.StartNew();
                var r = Load(f);
                sw.Stop();
                check(r);
                if (sw.Elapsed < best) best = sw.Elapsed;
            }
            return best;
        }
        var tb = Best(benign);
        var th = TimeSpan.Zero;
        Bounded(() => th = Best(hostile));
        Assert.True(th < 20 * tb + TimeSpan.FromSeconds(1), $"the hostile file took {th.TotalMilliseconds:F0} ms, the benign one {tb.TotalMilliseconds:F0} ms");
    }

    /// <summary>A dict whose one key is the empty tuple wrapped in <paramref name="depth"/> one-tuples.</summary>
    private static byte[] DeepTupleKey(int depth)
    {
        var p = new Pickle().Proto().Op('}').Op(')');
        for (int i = 0; i < depth; i++) p.Op(0x85);   // TUPLE1
        return p.Op('N').Op('s').Stop();
    }

    [Fact]
    public void DictKeyedByAMillionDeepTupleIsRefused()
    {
        // The key's hash used to recurse once per level and overflow the thread's stack.
        var e = Refused(HostileFiles.ZipCheckpoint(DeepTupleKey(1_000_000)));
        Assert.Contains("nests tuples more than 100 deep", e.Message);
        var legacy = Assert.Throws<UnpicklingError>(() => Load(HostileFiles.LegacyCheckpoint(DeepTupleKey(1_000_000))));
        Assert.Contains("nests tuples", legacy.Message);
    }

    [Fact]
    public void NestedTupleKeysWithinTheBoundLoadAndCompareByValue()
    {
        // {((((), ), ...), ): None, same key again: 1}: 100 levels is allowed; the second SETITEM finds the first key.
        var p = new Pickle().Proto().Op('}');
        for (int k = 0; k < 2; k++)
        {
            p.Op(')');
            for (int i = 0; i < 99; i++) p.Op(0x85);
            p.Int(k).Op('s');
        }
        var d = Assert.IsType<Dictionary<object, object?>>(Load(HostileFiles.ZipCheckpoint(p.Stop())));
        Assert.Single(d);
        Assert.Equal(1L, d.Values.Single());
        Refused(HostileFiles.ZipCheckpoint(DeepTupleKey(100)));   // 101 tuples deep
    }

    [Fact]
    public void KeyOfExponentiallySharedTuplesIsRefused()
    {
        // t = (t, t) sixty times: 2^60 leaves, which hashing (Python's too) would visit one by one.
        var p = new Pickle().Proto().Op('}').Op(')');
        for (int i = 0; i < 60; i++) p.Op('2').Op(0x86);   // DUP, TUPLE2
        var file = HostileFiles.ZipCheckpoint(p.Op('N').Op('s').Stop());
        Bounded(() => Assert.Contains("more than 1000 items", Refused(file).Message));
    }

    [Fact]
    public void TupleKeyHoldingAListIsUnhashable()
    {
        var p = new Pickle().Proto().Op('}').Op('(').Int(1).Op(']').Op('t').Op('N').Op('s');
        Assert.Contains("unhashable", Refused(HostileFiles.ZipCheckpoint(p.Stop())).Message);
    }

    /// <summary>60000 memoized dicts, each given one key: an int key turns every one into an object-keyed dict.</summary>
    private static byte[] ManyMemoizedDicts(int n, bool intKeys)
    {
        var p = new Pickle().Proto(4).Op(']');
        for (int i = 0; i < n; i++)   // EMPTY_DICT MEMOIZE key None SETITEM APPEND
        {
            p.Op('}').Op(0x94);
            if (intKeys) p.Int(1); else p.Op(0x8c).Op(1).Op('k');
            p.Op('N').Op('s').Op('a');
        }
        return HostileFiles.ZipCheckpoint(p.Stop(), level: CompressionLevel.SmallestSize);
    }

    [Fact]
    public void SixtyThousandMemoizedDictsLoadInLinearTime()
    {
        // Turning a dict into an object-keyed one scanned the whole memo for it: 12-15 s for this 885-byte file.
        var hostile = ManyMemoizedDicts(60_000, intKeys: true);
        Assert.True(hostile.Length < 2000);
        AssertLinear(hostile, ManyMemoizedDicts(60_000, intKeys: false), r =>
        {
            var l = Assert.IsType<List<object?>>(r);
            Assert.Equal(60_000, l.Count);
            if (l[0] is Dictionary<object, object?>)
                Assert.All(l, d => Assert.Equal(1L, Assert.IsType<Dictionary<object, object?>>(d).Keys.Single()));
        });
    }

    [Fact]
    public void ConvertedDictIsWhatTheMemoGivesBack()
    {
        // d = {}; memo[0] = memo[1] = d; d[1] = None; [memo[0], memo[1]]: both are the converted dict.
        var p = new Pickle().Proto().Op('}').Op('q').Op(0).Op('q').Op(1).Int(1).Op('N').Op('s').Op('0')
            .Op('(').Op('h').Op(0).Op('h').Op(1).Op('l');
        var l = Assert.IsType<List<object?>>(Load(HostileFiles.ZipCheckpoint(p.Stop())));
        var d = Assert.IsType<Dictionary<object, object?>>(l[0]);
        Assert.Same(d, l[1]);
        Assert.Equal(1L, d.Keys.Single());
    }

    /// <summary>A dict keyed by (i &lt;&lt; 32) | i, which all hashed to 0 (the two halves of a long are xor-ed),
    /// or for comparison by i &lt;&lt; 32.</summary>
    private static byte[] CollidingIntKeys(int n, bool collide = true)
    {
        var p = new Pickle().Proto().Op('}').Op('(');
        for (long i = 1; i <= n; i++)
        {
            p.Long(collide ? (i << 32) | i : i << 32).Op('N');
            if (i % 1000 == 0) p.Op('u').Op('(');
        }
        return HostileFiles.ZipCheckpoint(p.Op('u').Stop());
    }

    [Fact]
    public void IntKeysChosenToCollideHashApart()
    {
        var keys = Enumerable.Range(1, 100_000).Select(i => (object)(((long)i << 32) | (long)i)).ToArray();
        int distinct = keys.Select(PyKeyComparer.Instance.GetHashCode).Distinct().Count();
        Assert.True(distinct > 99_000, $"{distinct} distinct hashes of 100000 keys");
        Assert.True(Enumerable.Range(1, 100_000).Select(i => PyKeyComparer.Int64.GetHashCode(((long)i << 32) | (long)i)).Distinct().Count() > 99_000);
    }

    [Fact]
    public void HundredThousandCollidingIntKeysLoadInLinearTime()
    {
        // 117 s before keys were hashed with a seeded mix of both halves.
        AssertLinear(CollidingIntKeys(100_000), CollidingIntKeys(100_000, collide: false), r =>
        {
            var d = Assert.IsType<Dictionary<object, object?>>(r);
            Assert.Equal(100_000, d.Count);
            Assert.True(d.ContainsKey(77L << 32) || d.ContainsKey((77L << 32) | 77L));
        });
    }

    [Fact]
    public void MemoIndicesChosenToCollideStillLoadInLinearTime()
    {
        // PUT with a text index takes any long: (i << 32) | i indices all landed in one hash bucket.
        byte[] Build(bool collide)
        {
            var p = new Pickle().Proto().Op(']');
            for (long i = 1; i <= 50_000; i++) p.Op('N').Op('p').Line((collide ? (i << 32) | i : i << 32).ToString()).Op('a');
            p.Op('0').Op('g').Line(((123L << 32) | (collide ? 123L : 0)).ToString());
            return HostileFiles.ZipCheckpoint(p.Stop());
        }
        AssertLinear(Build(true), Build(false), Assert.Null);
    }

    [Fact]
    public void NumbersEqualInPythonAreOneKey()
    {
        // {1: a, 1.0: b, True: c} is {1: c} in Python; 2**70 and 2.0**70 too.
        var p = new Pickle().Proto().Op('}').Op('(').Int(1).Int(10).Op('G').Bytes(BitConverter.GetBytes(1.0).Reverse().ToArray()).Int(11)
            .Op(0x88).Int(12).Long(BigInteger.Pow(2, 70)).Int(13).Op('G').Bytes(BitConverter.GetBytes(Math.Pow(2, 70)).Reverse().ToArray()).Int(14).Op('u');
        var d = Assert.IsType<Dictionary<object, object?>>(Load(HostileFiles.ZipCheckpoint(p.Stop())));
        Assert.Equal(2, d.Count);
        Assert.Equal(12L, d[1L]);
        Assert.Equal(14L, d[BigInteger.Pow(2, 70)]);
    }

    [Theory]
    [InlineData(0x8d, "BINUNICODE8 exceeds system's maximum size of 9223372036854775807 bytes")]
    [InlineData(0x8e, "BINBYTES8 exceeds system's maximum size of 9223372036854775807 bytes")]
    [InlineData(0x95, "FRAME length exceeds system's maximum of 9223372036854775807 bytes")]
    public void EightByteLengthsPastTwoToTheSixtyThreeAreRefused(int op, string message)
    {
        // Python's messages (there an OverflowError; an UnpicklingError here, as every malformed pickle is)
        var pickle = new Pickle().Proto(4).Op(op).U64(ulong.MaxValue - 5).Stop();
        var e = Refused(HostileFiles.ZipCheckpoint(pickle));
        Assert.Equal(message, e.Message);
        Assert.Throws<UnpicklingError>(() => Load(HostileFiles.LegacyCheckpoint(pickle)));
    }

    [Fact]
    public void EightByteLengthsPastTheFileAreTruncation()
    {
        var e = Refused(HostileFiles.ZipCheckpoint(new Pickle().Proto(4).Op(0x8e).U64(1UL << 40).Stop()));
        Assert.Equal("pickle data was truncated", e.Message);
    }

    [Theory]
    [InlineData('j', 0xFFFFFFFFu)]   // LONG_BINGET of the largest index
    [InlineData('j', 7u)]            // LONG_BINGET of an index never put
    [InlineData('h', 200u)]          // BINGET
    public void MemoGetOfAMissingIndexIsRefused(char op, uint index)
    {
        var p = new Pickle().Proto().Op('N').Op('q').Op(0).Op(op);
        if (op == 'j') p.U32(index); else p.Op((int)index);
        var e = Refused(HostileFiles.ZipCheckpoint(p.Stop()));
        Assert.Equal($"Memo value not found at index {index}", e.Message);
    }

    [Fact]
    public void HugeMemoPutIndexAllocatesNothing()
    {
        var p = new Pickle().Proto().Op('N').Op('r').U32(0xFFFFFFFF).Op('0').Op('j').U32(0xFFFFFFFF);
        Assert.Null(Load(HostileFiles.ZipCheckpoint(p.Stop())));
        var text = new Pickle().Proto().Op('N').Op('p').Line("9223372036854775807").Op('0').Op('g').Line("9223372036854775807");
        Assert.Null(Load(HostileFiles.ZipCheckpoint(text.Stop())));
    }

    [Fact]
    public void StorageLargerThanItsRecordIsRefused()
    {
        var pickle = HostileFiles.TensorPickle("0", 1_000_000_000, [1_000_000_000], [1]);
        var e = Assert.Throws<InvalidDataException>(() => Load(HostileFiles.ZipCheckpoint(pickle, new Dictionary<string, byte[]> { ["0"] = new byte[16] })));
        Assert.Contains("the record holds 16 bytes", e.Message);
    }

    [Fact]
    public void RecordSizeForgedInTheCentralDirectoryIsRefusedBeforeAllocating()
    {
        var pickle = HostileFiles.TensorPickle("0", 1_000_000_000, [1_000_000_000], [1]);
        var file = HostileFiles.ZipCheckpoint(pickle, new Dictionary<string, byte[]> { ["0"] = new byte[16] });
        ForgeUncompressedSize(file, "archive/data/0", 4_000_000_000);
        var e = Assert.Throws<InvalidDataException>(() => Load(file));
        Assert.Contains("claims 4000000000 bytes", e.Message);
    }

    /// <summary>Rewrites the uncompressed size a zip's central directory records for <paramref name="name"/>.</summary>
    internal static void ForgeUncompressedSize(byte[] zip, string name, uint size)
    {
        var nameBytes = System.Text.Encoding.UTF8.GetBytes(name);
        for (int i = 0; i + 46 <= zip.Length; i++)
        {
            if (zip[i] != 0x50 || zip[i + 1] != 0x4b || zip[i + 2] != 1 || zip[i + 3] != 2) continue;
            int nameLen = BitConverter.ToUInt16(zip, i + 28);
            if (!zip.AsSpan(i + 46, nameLen).SequenceEqual(nameBytes)) continue;
            BitConverter.GetBytes(size).CopyTo(zip, i + 24);
            return;
        }
        throw new InvalidOperationException($"{name} is not in the central directory");
    }

    [Fact]
    public void LegacyStorageLargerThanTheFileIsRefused()
    {
        // the legacy persistent id has a sixth item (the view metadata)
        var legacyPickle = new Pickle().Proto().Global("torch._utils", "_rebuild_tensor").Op('(')
            .Op('(').Str("storage").Global("torch", "FloatStorage").Str("0").Str("cpu").Int(1L << 40).Op('N').Op('t').Op('Q')
            .Int(0).Op('(').Int(1L << 40).Op('t').Op('(').Int(1).Op('t').Op('t').Op('R').Stop();
        var e = Assert.Throws<InvalidDataException>(() => Load(HostileFiles.LegacyCheckpoint(legacyPickle, ["0"])));
        Assert.Contains("do not fit in the rest of the file", e.Message);
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    [InlineData(long.MaxValue)]
    [InlineData(1L << 62)]
    public void PersistentIdSizesOutOfRangeAreRefused(long numel)
    {
        var pickle = HostileFiles.TensorPickle("0", numel, [1], [1]);
        var e = Record.Exception(() => Load(HostileFiles.ZipCheckpoint(pickle, new Dictionary<string, byte[]> { ["0"] = new byte[16] })));
        Assert.True(e is UnpicklingError or InvalidDataException, $"{e?.GetType().Name}: {e?.Message}");
        var legacyPickle = new Pickle().Proto().Global("torch._utils", "_rebuild_tensor").Op('(')
            .Op('(').Str("storage").Global("torch", "FloatStorage").Str("0").Str("cpu").Int(numel).Op('N').Op('t').Op('Q')
            .Int(0).Op('(').Int(1).Op('t').Op('(').Int(1).Op('t').Op('t').Op('R').Stop();
        var le = Record.Exception(() => Load(HostileFiles.LegacyCheckpoint(legacyPickle, ["0"], new byte[24])));
        Assert.True(le is UnpicklingError or InvalidDataException, $"{le?.GetType().Name}: {le?.Message}");
    }

    [Fact]
    public void UnknownStorageLocationIsAnUnpicklingError()
    {
        var pickle = HostileFiles.TensorPickle("0", 4, [4], [1], location: "cpx");
        var e = Refused(HostileFiles.ZipCheckpoint(pickle, new Dictionary<string, byte[]> { ["0"] = new byte[16] }));
        Assert.Contains("don't know how to restore data location", e.Message);
    }

    [Fact]
    public void TensorSizesWhoseProductOverflowsAreRefused()
    {
        var pickle = HostileFiles.TensorPickle("0", 4, [1L << 40, 1L << 40], [0, 0]);
        var e = Refused(HostileFiles.ZipCheckpoint(pickle, new Dictionary<string, byte[]> { ["0"] = new byte[16] }));
        Assert.Contains("numel: integer multiplication overflow", e.Message);
    }

    [Fact]
    public void SelfNestedRebuildFromTypeIsRefused()
    {
        // _rebuild_from_type_v2(_rebuild_from_type_v2, Tensor, (_rebuild_from_type_v2, Tensor, (...), None), None), 100000 deep
        const int depth = 100_000;
        var p = new Pickle().Proto().Global("torch._tensor", "_rebuild_from_type_v2").Op('q').Op(0)
            .Global("torch", "Tensor").Op('q').Op(1).Op('0');
        for (int i = 0; i < depth; i++) p.Op('(').Op('h').Op(0).Op('h').Op(1);
        p.Op(')');
        for (int i = 0; i < depth; i++) p.Op('N').Op('t');
        p.Op('R');
        var e = Refused(HostileFiles.ZipCheckpoint(p.Stop()));
        Assert.Contains("_rebuild_from_type_v2", e.Message);
    }

    [Fact]
    public void CopyingOneBigListOverAndOverIsRefused()
    {
        // l = [None] * 100000; then list(l) 100000 times: 10^10 items copied from a 700 KB file.
        var p = new Pickle().Proto().Op(']').Op('(');
        for (int i = 0; i < 100_000; i++) p.Op('N');
        p.Op('e').Op('q').Op(0).Op('0').Global("builtins", "list").Op('q').Op(1).Op('0');
        for (int i = 0; i < 100_000; i++) p.Op('h').Op(1).Op('h').Op(0).Op(0x85).Op('R').Op('0');
        var file = HostileFiles.ZipCheckpoint(p.Op('N').Stop());
        Bounded(() => Assert.Contains("copies more items than its size can account for", Refused(file).Message));
        // a few copies are fine
        var few = new Pickle().Proto().Global("builtins", "list").Op('(').Op(']').Op('(').Int(1).Int(2).Op('e').Op('t').Op('R').Stop();
        Assert.Equal(new object?[] { 1L, 2L }, Assert.IsType<List<object?>>(Load(HostileFiles.ZipCheckpoint(few))));
    }

    [Fact]
    public void BadDeviceStringIsAnUnpicklingError()
    {
        var p = new Pickle().Proto().Global("torch", "device").Op('(').Str("no such device").Op('t').Op('R');
        Assert.Contains("torch.device", Refused(HostileFiles.ZipCheckpoint(p.Stop())).Message);
    }

    [Fact]
    public void IntegerParameterThatRequiresGradIsRefused()
    {
        var tensor = new Pickle().Proto().Global("torch._utils", "_rebuild_parameter").Op('(')
            .Global("torch._utils", "_rebuild_tensor_v2").Op('(')
            .Op('(').Str("storage").Global("torch", "LongStorage").Str("0").Str("cpu").Int(1).Op('t').Op('Q')
            .Int(0).Op('(').Int(1).Op('t').Op('(').Int(1).Op('t').Op(0x89).Global("collections", "OrderedDict").Op(')').Op('R').Op('t').Op('R')
            .Op(0x88).Global("collections", "OrderedDict").Op(')').Op('R').Op('t').Op('R').Stop();
        var e = Refused(HostileFiles.ZipCheckpoint(tensor, new Dictionary<string, byte[]> { ["0"] = new byte[8] }));
        Assert.Contains("only Tensors of floating point dtype can require gradients", e.Message);
    }

    [Fact]
    public void UnicodeEscapeOfALoneSurrogateLoads()
    {
        var p = new Pickle().Op('V').Line("a\\ud800b");
        Assert.Equal("a\ud800b", Load(HostileFiles.ZipCheckpoint(p.Stop())));
    }
}

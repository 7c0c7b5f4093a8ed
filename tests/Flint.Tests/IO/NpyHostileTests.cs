using System.Text;
using Flint;
using Xunit;

namespace Flint.Tests.IO;

/// <summary>Hostile .npy and .npz files: each fails fast with <see cref="InvalidDataException"/>.</summary>
public class NpyHostileTests
{
    private static InvalidDataException Refused(byte[] file) => Assert.Throws<InvalidDataException>(() => np.load(new MemoryStream(file)));

    [Fact]
    public void DeeplyNestedHeaderIsRefusedBeforeParsing()
    {
        // 200000 nested parentheses (400 KB): the recursive literal parser used to overflow the stack.
        string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + new string('(', 200_000) + new string(')', 200_000) + "}";
        var e = Refused(HostileFiles.Npy(header));
        Assert.StartsWith($"Header info length ({header.Length + 1}) is large and may not be safe to load securely", e.Message);
    }

    [Fact]
    public void HeaderLengthFollowsNumPysMaxHeaderSize()
    {
        // NumPy's max_header_size (10000 characters) is the limit: a padded header of exactly 10000 characters loads.
        string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
        string atLimit = dict + new string(' ', 10000 - dict.Length - 1);
        var t = np.load(new MemoryStream(HostileFiles.Npy(atLimit, new byte[8])));
        Assert.Equal(new long[] { 2 }, t.shape.ToArray());
        var e = Refused(HostileFiles.Npy(atLimit + " ", new byte[8]));
        Assert.StartsWith("Header info length (10001) is large", e.Message);
    }

    [Fact]
    public void Version3HeaderIsMeasuredInCharacters()
    {
        // 9000 characters of which 2000 take two bytes in UTF-8: 11000 bytes, under NumPy's limit of 10000 characters.
        string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': '" + new string('\u00e9', 2000) + "'}";
        var b = Encoding.UTF8.GetBytes(dict.PadRight(9000 - 1) + "\n");
        var file = new MemoryStream();
        file.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 3, 0]);
        file.Write(BitConverter.GetBytes((uint)b.Length));
        file.Write(b);
        var e = Refused(file.ToArray());   // parsed (not refused for its size): the extra key is what is wrong
        Assert.StartsWith("Header does not contain the correct keys", e.Message);
    }

    [Theory]
    [InlineData(200, true)]
    [InlineData(201, false)]
    public void NestingDeeperThanPythonsParserAllowsIsRefused(int depth, bool parses)
    {
        // the dict itself is one level, so the shape nests depth - 1 brackets deep
        string shape = new string('[', depth - 1) + new string(']', depth - 1);
        var file = HostileFiles.Npy("{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + "}");
        var e = Refused(file);
        if (parses) Assert.StartsWith("shape is not valid", e.Message);
        else
        {
            Assert.StartsWith("Cannot parse header", e.Message);
            Assert.Contains("too many nested parentheses", e.Message);
        }
    }

    /// <summary>A stream that cannot seek, so its length is unknown to the reader.</summary>
    private sealed class ForwardOnly(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    }

    [Fact]
    public void ShapeBeyondAnUnseekableStreamCostsNoMoreThanItsBytes()
    {
        // 2e9 float64 elements (16 GB) claimed, 64 bytes given: an EOF error, having set aside at most a read-ahead chunk.
        var file = HostileFiles.Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2000000000,), }", new byte[64]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => np.load(new ForwardOnly(file)));
        Assert.StartsWith("EOF: reading array data, expected 16000000000 bytes got 64", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 << 20);
        var ok = HostileFiles.Npy("{'descr': '<i2', 'fortran_order': False, 'shape': (3,), }", [1, 0, 2, 0, 3, 0]);
        Assert.Equal(new long[] { 1, 2, 3 }, np.load(new ForwardOnly(ok)).to(torch.int64).ToArray<long>());
    }

    [Fact]
    public void BitFlippedNpzMemberIsRefused()
    {
        var ms = new MemoryStream();
        np.savez(ms, new Dictionary<string, Tensor> { ["x"] = torch.arange(64, dtype: torch.float32) });
        var file = ms.ToArray();
        Assert.Equal(64, np.load_npz(new MemoryStream(file))["x"].numel());
        // the last element's bytes sit just before the central directory; flip one bit of its mantissa
        int cd = FindCentralDirectory(file);
        file[cd - 3] ^= 0x01;
        var e = Assert.Throws<InvalidDataException>(() => np.load_npz(new MemoryStream(file)));
        Assert.Contains("Bad CRC-32 for file 'x.npy'", e.Message);
    }

    [Fact]
    public void NpzMemberWhoseRecordedCrcIsWrongIsRefused()
    {
        foreach (bool compress in new[] { false, true })
        {
            var ms = new MemoryStream();
            if (compress) np.savez_compressed(ms, torch.arange(100, dtype: torch.int64));
            else np.savez(ms, torch.arange(100, dtype: torch.int64));
            var file = ms.ToArray();
            int cd = FindCentralDirectory(file);
            file[cd + 16] ^= 0x10;   // the CRC-32 field of the central directory entry
            var e = Assert.Throws<InvalidDataException>(() => np.load_npz(new MemoryStream(file)));
            Assert.Contains("Bad CRC-32 for file 'arr_0.npy'", e.Message);
        }
    }

    [Fact]
    public void NpzMemberSizeForgedInTheCentralDirectoryIsRefused()
    {
        var ms = new MemoryStream();
        np.savez(ms, torch.arange(4, dtype: torch.float32));
        var file = ms.ToArray();
        PickleHostileTests.ForgeUncompressedSize(file, "arr_0.npy", 3_000_000_000);
        var e = Assert.Throws<InvalidDataException>(() => np.load_npz(new MemoryStream(file)));
        Assert.Contains("claims 3000000000 bytes", e.Message);
    }

    private static int FindCentralDirectory(byte[] zip)
    {
        for (int i = 0; i + 4 <= zip.Length; i++)
            if (zip[i] == 0x50 && zip[i + 1] == 0x4b && zip[i + 2] == 1 && zip[i + 3] == 2) return i;
        throw new InvalidOperationException("no central directory");
    }
}

using System.IO.Compression;

namespace Flint;

/// <summary>Checks on the records of a zip archive that is read (a .pt checkpoint or an .npz archive).</summary>
internal static class ZipRecords
{
    /// <summary>Deflate's greatest expansion: a compressed byte stands for at most about 1032 bytes.</summary>
    private const long MaxDeflateRatio = 1032;

    /// <summary>
    /// Refuses a record whose sizes its archive cannot hold: compressed data longer than the archive, or an
    /// uncompressed size more than deflate can expand the compressed bytes to. The sizes come from the central
    /// directory, which a damaged file can set to anything, so they are checked before memory is set aside for them.
    /// </summary>
    public static void CheckSizes(ZipArchiveEntry e, long archiveLength, string what)
    {
        if (e.CompressedLength > archiveLength)
            throw new InvalidDataException($"{what}: the record claims {e.CompressedLength} compressed bytes, more than the archive's {archiveLength} bytes (the file is truncated or corrupt)");
        if (e.Length > MaxDeflateRatio * e.CompressedLength + 1024)
            throw new InvalidDataException($"{what}: the record claims {e.Length} bytes, more than its {e.CompressedLength} compressed bytes can hold (the file is corrupt)");
    }
}

/// <summary>A read-only stream that computes the CRC-32 of what is read through it.</summary>
internal sealed class Crc32ReadStream(Stream inner) : ForwardReadStream
{
    private uint crc = Crc32.Initial;

    public uint Crc => Crc32.Final(crc);

    /// <summary>Reads what is left and throws when the CRC-32 of the whole record is not <paramref name="expected"/>.</summary>
    public void CheckToEnd(uint expected, string name)
    {
        var buf = new byte[1 << 16];
        while (Read(buf, 0, buf.Length) > 0) { }
        if (Crc != expected)
            throw new InvalidDataException($"Bad CRC-32 for file '{name}': the archive records {expected:x8}, the data has {Crc:x8} (the file is corrupt)");
    }

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        crc = Crc32.Update(crc, buffer[..n]);
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}

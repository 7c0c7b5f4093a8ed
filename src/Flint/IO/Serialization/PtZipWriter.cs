using System.Buffers.Binary;
using System.Text;

namespace Flint;

/// <summary>
/// Writes a zip archive laid out as PyTorch's own writer lays out a <c>torch.save</c> file: every record stored
/// uncompressed under "&lt;archive&gt;/", its data aligned to 64 bytes by an "FB" padding extra field, sizes and
/// CRC in a data descriptor after the data, zeroed timestamps, and a zip64 end-of-central-directory record
/// (always written) before the classic one. Records over 4 GiB, or starting past 4 GiB, get zip64 extra fields.
/// The stream is written forward only; it need not be seekable.
/// </summary>
internal sealed class PtZipWriter
{
    private const int Alignment = 64;
    private const uint Max32 = 0xFFFFFFFF;
    private readonly Stream output;
    private readonly string prefix;
    private long position;
    private readonly List<(byte[] name, uint crc, long size, long offset)> entries = [];

    public PtZipWriter(Stream output, string archiveName)
    {
        this.output = output;
        prefix = archiveName + "/";
    }

    private void Write(ReadOnlySpan<byte> b) { output.Write(b); position += b.Length; }

    private void U16(int v) { Span<byte> b = stackalloc byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v); Write(b); }
    private void U32(uint v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); Write(b); }
    private void U64(ulong v) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, v); Write(b); }

    /// <summary>Writes one record; <paramref name="writeData"/> receives consecutive chunks and must deliver exactly <paramref name="size"/> bytes.</summary>
    public void WriteRecord(string name, long size, Action<Action<ReadOnlySpan<byte>>> writeData)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(prefix + name);
        long offset = position;
        bool big = size >= Max32, far = offset >= Max32;
        int zip64Len = big || far ? 4 + (big ? 16 : 0) + (far ? 8 : 0) : 0;
        long start = offset + 30 + nameBytes.Length + zip64Len + 4;
        int pad = (int)((Alignment - start % Alignment) % Alignment);

        U32(0x04034b50);
        U16(0);            // version needed
        U16(Flags(size));
        U16(0);            // stored
        U16(0); U16(0);    // time, date
        U32(0); U32(big ? Max32 : 0); U32(big ? Max32 : 0);
        U16(nameBytes.Length);
        U16(zip64Len + 4 + pad);
        Write(nameBytes);
        if (zip64Len > 0)
        {
            U16(1); U16(zip64Len - 4);
            if (big) { U64(0); U64(0); }
            if (far) U64((ulong)offset);
        }
        Write("FB"u8); U16(pad);
        Span<byte> z = stackalloc byte[Alignment];
        z.Fill((byte)'Z');
        Write(z[..pad]);

        uint crc = Crc32.Initial;
        long written = 0;
        writeData(chunk =>
        {
            crc = Crc32.Update(crc, chunk);
            written += chunk.Length;
            Write(chunk);
        });
        if (written != size) throw new InvalidOperationException($"internal error: record {name} wrote {written} bytes, {size} announced");
        crc = Crc32.Final(crc);

        if (size > 0)
        {
            U32(0x08074b50);
            U32(crc);
            if (big) { U64((ulong)size); U64((ulong)size); }
            else { U32((uint)size); U32((uint)size); }
        }
        entries.Add((nameBytes, crc, size, offset));
    }

    /// <summary>UTF-8 names; a data descriptor follows every record that has data (an empty one has none).</summary>
    private static int Flags(long size) => size > 0 ? 0x0808 : 0x0800;

    public void WriteRecord(string name, byte[] data) => WriteRecord(name, data.Length, w => w(data));

    /// <summary>Writes the central directory and the end records.</summary>
    public void Finish()
    {
        long cdStart = position;
        foreach (var (name, crc, size, offset) in entries)
        {
            bool big = size >= Max32, far = offset >= Max32;
            int zip64Len = big || far ? 4 + (big ? 16 : 0) + (far ? 8 : 0) : 0;
            U32(0x02014b50);
            U16(0); U16(0);    // made by, needed
            U16(Flags(size)); U16(0);
            U16(0); U16(0);
            U32(crc);
            U32(big ? Max32 : (uint)size); U32(big ? Max32 : (uint)size);
            U16(name.Length); U16(zip64Len); U16(0);
            U16(0); U16(0); U32(0);
            U32(far ? Max32 : (uint)offset);
            Write(name);
            if (zip64Len > 0)
            {
                U16(1); U16(zip64Len - 4);
                if (big) { U64((ulong)size); U64((ulong)size); }
                if (far) U64((ulong)offset);
            }
        }
        long cdSize = position - cdStart;
        long eocd64 = position;
        U32(0x06064b50);
        U64(44);
        U16(0x031e); U16(0x002d);
        U32(0); U32(0);
        U64((ulong)entries.Count); U64((ulong)entries.Count);
        U64((ulong)cdSize); U64((ulong)cdStart);
        U32(0x07064b50);
        U32(0); U64((ulong)eocd64); U32(1);
        U32(0x06054b50);
        U16(0); U16(0);
        U16(Math.Min(entries.Count, 0xFFFF)); U16(Math.Min(entries.Count, 0xFFFF));
        U32(cdSize >= Max32 ? Max32 : (uint)cdSize);
        U32(cdStart >= Max32 ? Max32 : (uint)cdStart);
        U16(0);
    }
}

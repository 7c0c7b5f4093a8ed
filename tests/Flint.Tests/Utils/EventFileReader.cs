using System.Buffers.Binary;
using Google.Protobuf;
using Xunit;

namespace Flint.Tests.Utils;

/// <summary>
/// Reads TensorBoard event files back for the tests, independently of the writer: TFRecord framing with both
/// masked CRC-32C checked (a bitwise CRC here, not the writer's table), and a generic protobuf field reader.
/// </summary>
public static class EventFileReader
{
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = ~0u;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0x82F63B78u & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }

    public static uint Masked(ReadOnlySpan<byte> data)
    {
        uint c = Crc32C(data);
        return unchecked(((c >> 15) | (c << 17)) + 0xa282ead8u);
    }

    public static byte[] ReadAllShared(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var ms = new MemoryStream();
        fs.CopyTo(ms);
        return ms.ToArray();
    }

    /// <summary>The records of a file, each CRC checked; a torn tail fails the test.</summary>
    public static List<byte[]> Records(string path)
    {
        var bytes = ReadAllShared(path);
        var records = new List<byte[]>();
        int pos = 0;
        while (pos < bytes.Length)
        {
            Assert.True(bytes.Length - pos >= 12, "truncated record header");
            var header = bytes.AsSpan(pos, 8);
            ulong len = BinaryPrimitives.ReadUInt64LittleEndian(header);
            Assert.Equal(Masked(header), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos + 8)));
            pos += 12;
            Assert.True((ulong)(bytes.Length - pos) >= len + 4, "truncated record data");
            var data = bytes.AsSpan(pos, (int)len);
            Assert.Equal(Masked(data), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos + (int)len)));
            records.Add(data.ToArray());
            pos += (int)len + 4;
        }
        return records;
    }

    public static List<Pb> Events(string path) => Records(path).Select(Pb.Parse).ToList();

    /// <summary>The one event file of a directory (not looking into sub-directories).</summary>
    public static string SingleEventFile(string dir) => Assert.Single(Directory.GetFiles(dir, "events.out.tfevents.*"));
}

/// <summary>A decoded protobuf message: its fields in order, by number.</summary>
public sealed class Pb
{
    private readonly List<(int Field, WireFormat.WireType Type, object Value)> fields = [];

    public static Pb Parse(byte[] bytes)
    {
        var pb = new Pb();
        var input = new CodedInputStream(bytes);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            int f = WireFormat.GetTagFieldNumber(tag);
            var wt = WireFormat.GetTagWireType(tag);
            object v = wt switch
            {
                WireFormat.WireType.Varint => input.ReadUInt64(),
                WireFormat.WireType.Fixed64 => input.ReadFixed64(),
                WireFormat.WireType.Fixed32 => input.ReadFixed32(),
                WireFormat.WireType.LengthDelimited => input.ReadBytes().ToByteArray(),
                _ => throw new InvalidDataException($"unexpected wire type {wt}"),
            };
            pb.fields.Add((f, wt, v));
        }
        return pb;
    }

    public IReadOnlyList<int> FieldNumbers => fields.Select(x => x.Field).ToList();
    public bool Has(int f) => fields.Any(x => x.Field == f);

    private object One(int f, WireFormat.WireType type)
    {
        var matches = fields.Where(x => x.Field == f).ToList();
        var m = Assert.Single(matches);
        Assert.Equal(type, m.Type);
        return m.Value;
    }

    public byte[] Bytes(int f) => (byte[])One(f, WireFormat.WireType.LengthDelimited);
    public string Str(int f) => System.Text.Encoding.UTF8.GetString(Bytes(f));
    public Pb Msg(int f) => Parse(Bytes(f));
    /// <summary>The values of a repeated string field, in order.</summary>
    public string[] Strs(int f) => fields.Where(x => x.Field == f).Select(x => System.Text.Encoding.UTF8.GetString((byte[])x.Value)).ToArray();
    public IEnumerable<Pb> Msgs(int f) => fields.Where(x => x.Field == f).Select(x => Parse((byte[])x.Value));
    public double Double(int f) => Has(f) ? BitConverter.UInt64BitsToDouble((ulong)One(f, WireFormat.WireType.Fixed64)) : 0.0;
    public float Float(int f) => BitConverter.UInt32BitsToSingle((uint)One(f, WireFormat.WireType.Fixed32));
    public long Int(int f) => Has(f) ? (long)(ulong)One(f, WireFormat.WireType.Varint) : 0;

    public double[] PackedDoubles(int f)
    {
        if (!Has(f)) return [];
        var b = Bytes(f);
        Assert.Equal(0, b.Length % 8);
        return Enumerable.Range(0, b.Length / 8).Select(i => BinaryPrimitives.ReadDoubleLittleEndian(b.AsSpan(i * 8))).ToArray();
    }

    public float[] PackedFloats(int f)
    {
        var b = Bytes(f);
        return Enumerable.Range(0, b.Length / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(i * 4))).ToArray();
    }
}

using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;
using System.Text;

namespace Flint.Tests.IO;

/// <summary>Builds hostile .npy headers, pickle streams and the checkpoint containers that carry them, in memory.</summary>
internal static class HostileFiles
{
    /// <summary>A .npy file (format 1.0, or 2.0 when the header needs it) with the given header text and data bytes.</summary>
    public static byte[] Npy(string header, byte[]? data = null, int major = 0)
    {
        byte[] h = Encoding.Latin1.GetBytes(header + "\n");
        if (major == 0) major = h.Length > ushort.MaxValue ? 2 : 1;
        var ms = new MemoryStream();
        ms.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0]);
        Span<byte> len = stackalloc byte[4];
        if (major == 1) { BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)h.Length); ms.Write(len[..2]); }
        else { BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)h.Length); ms.Write(len); }
        ms.Write(h);
        if (data is not null) ms.Write(data);
        return ms.ToArray();
    }

    /// <summary>A zip checkpoint as torch.save lays it out: archive/data.pkl, archive/data/&lt;key&gt;, archive/version.</summary>
    public static byte[] ZipCheckpoint(byte[] pickle, IReadOnlyDictionary<string, byte[]>? storages = null, CompressionLevel level = CompressionLevel.NoCompression)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string name, byte[] bytes)
            {
                using var w = zip.CreateEntry("archive/" + name, level).Open();
                w.Write(bytes);
            }
            Add("data.pkl", pickle);
            foreach (var (k, v) in storages ?? new Dictionary<string, byte[]>()) Add("data/" + k, v);
            Add("version", "3\n"u8.ToArray());
        }
        return ms.ToArray();
    }

    /// <summary>A legacy (pre-1.6) checkpoint: magic, protocol version and sys info pickles, the object, then the storage keys and data.</summary>
    public static byte[] LegacyCheckpoint(byte[] pickle, string[]? keys = null, byte[]? tail = null)
    {
        var ms = new MemoryStream();
        ms.Write(new Pickle().Long(BigInteger.Parse("119547037146038801333356")).Stop());
        ms.Write(new Pickle().Int(1001).Stop());
        ms.Write(new Pickle().Op('}').Stop());
        ms.Write(pickle);
        var k = new Pickle().Op(']').Op('(');
        foreach (var key in keys ?? []) k.Str(key);
        ms.Write(k.Op('e').Stop());
        if (tail is not null) ms.Write(tail);
        return ms.ToArray();
    }

    /// <summary>The persistent id of a zip checkpoint's storage: ('storage', torch.FloatStorage, key, 'cpu', numel).</summary>
    public static Pickle StorageId(this Pickle p, string key, long numel, string location = "cpu") =>
        p.Op('(').Str("storage").Global("torch", "FloatStorage").Str(key).Str(location).Int(numel).Op('t').Op('Q');

    /// <summary>_rebuild_tensor_v2(storage, 0, sizes, strides, False, OrderedDict()) around whatever pushed the storage.</summary>
    public static byte[] TensorPickle(string key, long numel, long[] sizes, long[] strides, string location = "cpu")
    {
        var p = new Pickle().Proto().Global("torch._utils", "_rebuild_tensor_v2").Op('(').StorageId(key, numel, location).Int(0);
        p.Op('('); foreach (var s in sizes) p.Int(s); p.Op('t');
        p.Op('('); foreach (var s in strides) p.Int(s); p.Op('t');
        return p.Op(0x89).Global("collections", "OrderedDict").Op(')').Op('R').Op('t').Op('R').Stop();
    }
}

/// <summary>Writes pickle opcodes one by one.</summary>
internal sealed class Pickle
{
    private readonly MemoryStream ms = new();

    public Pickle Op(char c) { ms.WriteByte((byte)c); return this; }
    public Pickle Op(int b) { ms.WriteByte((byte)b); return this; }
    public Pickle Bytes(ReadOnlySpan<byte> b) { ms.Write(b); return this; }
    public Pickle Proto(int v = 2) => Op(0x80).Op(v);
    public Pickle Line(string s) => Bytes(Encoding.UTF8.GetBytes(s + "\n"));

    public Pickle U32(uint v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); return Bytes(b); }
    public Pickle U64(ulong v) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, v); return Bytes(b); }

    /// <summary>BININT1 / BININT2 / BININT, or LONG1 for what does not fit 32 bits.</summary>
    public Pickle Int(long v)
    {
        if (v >= 0 && v < 256) return Op('K').Op((int)v);
        if (v >= 0 && v < 65536) return Op('M').Op((int)(v & 0xFF)).Op((int)(v >> 8));
        if (v >= int.MinValue && v <= int.MaxValue) { Op('J'); Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteInt32LittleEndian(b, (int)v); return Bytes(b); }
        return Long(v);
    }

    public Pickle Long(BigInteger v)
    {
        var b = v.ToByteArray(isUnsigned: false, isBigEndian: false);
        return Op(0x8a).Op(b.Length).Bytes(b);
    }

    public Pickle Str(string s)
    {
        var b = Encoding.UTF8.GetBytes(s);
        return Op('X').U32((uint)b.Length).Bytes(b);
    }

    public Pickle Global(string module, string name) => Op('c').Line(module).Line(name);

    public byte[] Stop() { Op('.'); return ms.ToArray(); }
    public byte[] ToArray() => ms.ToArray();
}

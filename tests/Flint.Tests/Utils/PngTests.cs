using System.Buffers.Binary;
using System.IO.Compression;
using Flint.Plotting;
using Xunit;

namespace Flint.Tests.Utils;

/// <summary>The library's PNG encoder (TensorBoard images, charts): chunks, CRCs, and the pixels inflated back.</summary>
public class PngTests
{
    /// <summary>Reads an 8-bit, unfiltered PNG as Png.Encode writes it, checking every chunk's CRC.</summary>
    internal static (int Width, int Height, int ColorType, byte[] Pixels) Decode(byte[] bytes)
    {
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        int pos = 8, width = 0, height = 0, colorType = -1;
        var idat = new MemoryStream();
        var types = new List<string>();
        while (pos < bytes.Length)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(bytes, pos + 4, 4);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(pos + 8 + len));
            Assert.Equal(Crc32.Compute(bytes.AsSpan(pos + 4, 4 + len)), crc);
            if (type == "IDAT") idat.Write(bytes, pos + 8, len);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(pos + 8));
                height = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(pos + 12));
                Assert.Equal(8, bytes[pos + 16]);
                colorType = bytes[pos + 17];
            }
            types.Add(type);
            pos += 12 + len;
        }
        Assert.Equal(["IHDR", "IDAT", "IEND"], types);
        int channels = colorType switch { 0 => 1, 4 => 2, 2 => 3, 6 => 4, _ => throw new InvalidDataException($"color type {colorType}") };
        idat.Position = 0;
        var raw = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionMode.Decompress)) z.CopyTo(raw);
        var rows = raw.ToArray();
        int rowBytes = width * channels;
        Assert.Equal(height * (1 + rowBytes), rows.Length);
        var pixels = new byte[height * rowBytes];
        for (int y = 0; y < height; y++)
        {
            Assert.Equal(0, rows[y * (1 + rowBytes)]);   // filter type None
            Array.Copy(rows, y * (1 + rowBytes) + 1, pixels, y * rowBytes, rowBytes);
        }
        return (width, height, colorType, pixels);
    }

    [Fact]
    public void ACanvasEncodesToAValidRgbPng()
    {
        var canvas = new Canvas(7, 3, new Rgb(255, 255, 255));
        canvas.SetPixel(1, 2, new Rgb(10, 20, 30));
        canvas.Line(0, 0, 6, 0, new Rgb(1, 2, 3));
        var (w, h, colorType, px) = Decode(canvas.EncodePng());
        Assert.Equal((7, 3, 2), (w, h, colorType));
        Assert.Equal(new byte[] { 1, 2, 3 }, px[..3]);                          // (0, 0)
        Assert.Equal(new byte[] { 10, 20, 30 }, px[((2 * 7 + 1) * 3)..((2 * 7 + 2) * 3)]);   // (1, 2)
        Assert.Equal(new byte[] { 255, 255, 255 }, px[((1 * 7 + 3) * 3)..((1 * 7 + 4) * 3)]); // (3, 1)
    }

    [Fact]
    public void TheChunkCrcIsPngsCrc32()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));   // the CRC-32 check value
        Assert.Equal(0xAE426082u, Crc32.Compute("IEND"u8));        // every PNG's last four bytes
    }

    [Fact]
    public void EveryChannelCountGetsItsColorType()
    {
        foreach (var (channels, colorType) in new[] { (1, 0), (2, 4), (3, 2), (4, 6) })
        {
            var pixels = Enumerable.Range(0, 2 * 3 * channels).Select(i => (byte)(i * 7)).ToArray();
            var (w, h, ct, px) = Decode(Png.Encode(pixels, 2, 3, channels));
            Assert.Equal((3, 2, colorType), (w, h, ct));
            Assert.Equal(pixels, px);
        }
        Assert.Throws<ArgumentException>(() => Png.Encode(new byte[5 * 2], 2, 1, 5));
        Assert.Throws<ArgumentException>(() => Png.Encode(new byte[3], 2, 2, 1));
        Assert.Throws<ArgumentException>(() => Png.Encode([], 0, 2, 1));
    }
}

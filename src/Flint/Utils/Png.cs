using System.Buffers.Binary;
using System.IO.Compression;

namespace Flint;

/// <summary>
/// Writes 8-bit images as PNG: gray (1 channel), gray + alpha (2), RGB (3) or RGBA (4), rows unfiltered and
/// zlib-compressed in one IDAT chunk. Used by TensorBoard's image summaries and by <see cref="torch.utils.Chart"/>.
/// </summary>
internal static class Png
{
    /// <summary>The PNG file of an 8-bit image.</summary>
    /// <param name="pixels">height × width × channels bytes, row-major, channels interleaved.</param>
    /// <param name="height">the number of rows.</param>
    /// <param name="width">the number of columns.</param>
    /// <param name="channels">1 (gray), 2 (gray and alpha), 3 (RGB) or 4 (RGBA).</param>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int height, int width, int channels)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException($"an image needs a positive size, got {height}x{width}");
        byte colorType = channels switch
        {
            1 => 0, 2 => 4, 3 => 2, 4 => 6,
            _ => throw new ArgumentException($"a PNG image has 1, 2, 3 or 4 channels, got {channels}"),
        };
        int rowBytes = checked(width * channels);
        if (pixels.Length != checked(rowBytes * height)) throw new ArgumentException("the pixel buffer does not match the image size");

        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(0), width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;           // bits per channel
        header[9] = colorType;   // compression, filter and interlace methods stay 0
        WriteChunk(png, "IHDR", header);

        using var packed = new MemoryStream();
        using (var z = new ZLibStream(packed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (int y = 0; y < height; y++)
            {
                z.WriteByte(0);   // filter type None
                z.Write(pixels.Slice(y * rowBytes, rowBytes));
            }
        }
        WriteChunk(png, "IDAT", packed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream s, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        s.Write(word);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        s.Write(typeBytes);
        s.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Final(Crc32.Update(Crc32.Update(Crc32.Initial, typeBytes), data)));
        s.Write(word);
    }
}

using System.Buffers.Binary;
using System.IO.Compression;

namespace Quickstart;

/// <summary>An RGB image in memory with a few drawing primitives, written out as a PNG.</summary>
public sealed class Canvas
{
    public int Width { get; }
    public int Height { get; }
    private readonly byte[] rgb;

    public Canvas(int width, int height, Rgb background)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), "the canvas needs a positive size");
        Width = width; Height = height;
        rgb = new byte[width * height * 3];
        FillRect(0, 0, width, height, background);
    }

    public Rgb this[int x, int y]
    {
        get { int i = (y * Width + x) * 3; return new Rgb(rgb[i], rgb[i + 1], rgb[i + 2]); }
    }

    public void SetPixel(int x, int y, Rgb c)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) return;
        int i = (y * Width + x) * 3;
        rgb[i] = c.R; rgb[i + 1] = c.G; rgb[i + 2] = c.B;
    }

    public void FillRect(int x, int y, int w, int h, Rgb c)
    {
        for (int yy = Math.Max(y, 0); yy < Math.Min(y + h, Height); yy++)
            for (int xx = Math.Max(x, 0); xx < Math.Min(x + w, Width); xx++)
                SetPixel(xx, yy, c);
    }

    /// <summary>A straight line (Bresenham), <paramref name="thickness"/> pixels wide.</summary>
    public void Line(double x0, double y0, double x1, double y1, Rgb c, int thickness = 1)
    {
        int ax = (int)Math.Round(x0), ay = (int)Math.Round(y0), bx = (int)Math.Round(x1), by = (int)Math.Round(y1);
        int dx = Math.Abs(bx - ax), dy = -Math.Abs(by - ay), sx = ax < bx ? 1 : -1, sy = ay < by ? 1 : -1, err = dx + dy;
        int lo = -(thickness - 1) / 2;
        while (true)
        {
            FillRect(ax + lo, ay + lo, thickness, thickness, c);
            if (ax == bx && ay == by) break;
            int e2 = 2 * err;
            if (e2 >= dy) { err += dy; ax += sx; }
            if (e2 <= dx) { err += dx; ay += sy; }
        }
    }

    /// <summary>The outline of a rectangle.</summary>
    public void Rect(int x, int y, int w, int h, Rgb c)
    {
        FillRect(x, y, w, 1, c); FillRect(x, y + h - 1, w, 1, c);
        FillRect(x, y, 1, h, c); FillRect(x + w - 1, y, 1, h, c);
    }

    /// <summary>Text in the built-in 5x7 font, <paramref name="scale"/> pixels per font dot, top-left at (x, y).</summary>
    public void Text(int x, int y, string text, Rgb c, int scale = 2)
    {
        foreach (char ch in text)
        {
            var glyph = BitmapFont.Glyph(ch);
            for (int row = 0; row < BitmapFont.Height; row++)
                for (int col = 0; col < BitmapFont.Width; col++)
                    if ((glyph[row] >> (BitmapFont.Width - 1 - col) & 1) != 0)
                        FillRect(x + col * scale, y + row * scale, scale, scale, c);
            x += BitmapFont.Advance * scale;
        }
    }

    public static int TextWidth(string text, int scale = 2) =>
        text.Length == 0 ? 0 : (text.Length * BitmapFont.Advance - (BitmapFont.Advance - BitmapFont.Width)) * scale;

    /// <summary>Writes the image as an 8-bit RGB PNG (no filtering, zlib-compressed), replacing the file.</summary>
    public void SavePng(string path)
    {
        string tmp = path + ".tmp";
        using (var fs = File.Create(tmp)) WritePng(fs);
        File.Move(tmp, path, overwrite: true);
    }

    public void WritePng(Stream stream)
    {
        stream.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(0), Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), Height);
        header[8] = 8;   // bits per channel
        header[9] = 2;   // color type: truecolor RGB
        // compression 0 (deflate), filter method 0, no interlace: bytes 10..12 stay 0
        WriteChunk(stream, "IHDR", header);

        using var packed = new MemoryStream();
        using (var z = new ZLibStream(packed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (int y = 0; y < Height; y++)
            {
                z.WriteByte(0);   // filter type "None" for this scanline
                z.Write(rgb, y * Width * 3, Width * 3);
            }
        }
        WriteChunk(stream, "IDAT", packed.ToArray());
        WriteChunk(stream, "IEND", []);
    }

    private static void WriteChunk(Stream s, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        s.Write(word);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        s.Write(typeBytes);
        s.Write(data);
        uint crc = Crc32.Update(Crc32.Update(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        s.Write(word);
    }
}

/// <summary>A color.</summary>
public readonly record struct Rgb(byte R, byte G, byte B);

/// <summary>The CRC-32 that PNG chunks carry (reflected polynomial 0xEDB88320), table-driven.</summary>
public static class Crc32
{
    private static readonly uint[] Table = MakeTable();

    private static uint[] MakeTable()
    {
        var t = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }

    /// <summary>Feeds bytes into a running CRC (start from 0xFFFFFFFF, finish by xor with 0xFFFFFFFF).</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    public static uint Compute(ReadOnlySpan<byte> data) => Update(0xFFFFFFFFu, data) ^ 0xFFFFFFFFu;
}

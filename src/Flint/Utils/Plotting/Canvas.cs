namespace Flint.Plotting;

/// <summary>An RGB image in memory with a few drawing primitives, encoded as a PNG.</summary>
internal sealed class Canvas
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

    /// <summary>Text drawn upwards (rotated a quarter turn counter-clockwise), its first letter's bottom-left at (x, y).</summary>
    public void TextUp(int x, int y, string text, Rgb c, int scale = 2)
    {
        for (int i = 0; i < text.Length; i++)
        {
            var glyph = BitmapFont.Glyph(text[i]);
            for (int row = 0; row < BitmapFont.Height; row++)
                for (int col = 0; col < BitmapFont.Width; col++)
                    if ((glyph[row] >> (BitmapFont.Width - 1 - col) & 1) != 0)
                        FillRect(x + row * scale, y - (i * BitmapFont.Advance + col + 1) * scale, scale, scale, c);
        }
    }

    /// <summary>The image as an 8-bit RGB PNG.</summary>
    public byte[] EncodePng() => Png.Encode(rgb, Height, Width, 3);
}

/// <summary>A color.</summary>
internal readonly record struct Rgb(byte R, byte G, byte B);

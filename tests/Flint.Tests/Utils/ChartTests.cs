using Xunit;
using static Flint.torch.utils;

namespace Flint.Tests.Utils;

/// <summary>torch.utils.Chart: the PNG it writes, read back pixel by pixel.</summary>
public class ChartTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("flint-chart-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static (byte r, byte g, byte b) At((int Width, int Height, int ColorType, byte[] Pixels) png, int x, int y)
    {
        int i = (y * png.Width + x) * 3;
        return (png.Pixels[i], png.Pixels[i + 1], png.Pixels[i + 2]);
    }

    [Fact]
    public void ALineAndMarkersLandWhereTheAxesPutThem()
    {
        // data x in [0, 1] and y in [0, 1]: ticks every 0.2, the axes span exactly [0, 1]. A 400 x 300 chart without a
        // y label has its plot area at x 70..384 (width 315) and y 30..249 (height 220): margins 70, 15, 30 and 50.
        var chart = new Chart(title: "T", xlabel: "X");
        chart.plot([(0.0, 0.0), (1.0, 1.0)]).plot([(0.5, 0.25)], line: false, markers: true, color: "#ff0000");
        string path = Path.Combine(dir, "c.png");
        chart.savefig(path, width: 400, height: 300);

        var png = PngTests.Decode(File.ReadAllBytes(path));
        Assert.Equal((400, 300, 2), (png.Width, png.Height, png.ColorType));
        var blue = ((byte)0x1f, (byte)0x77, (byte)0xb4);
        static double X(double x) => 70 + x * 314;
        static double Y(double y) => 30 + (1 - y) * 219;

        // along the diagonal, the first color of the cycle; elsewhere in the plot area, none of it
        int onLine = 0;
        for (int x = 72; x <= 382; x++)
        {
            double y = Y((x - 70) / 314.0);
            bool hit = false;
            for (int dy = -2; dy <= 2; dy++) hit |= At(png, x, (int)Math.Round(y) + dy) == blue;
            if (hit) onLine++;
        }
        Assert.Equal(311, onLine);
        for (int y = 31; y < 249; y++)
            for (int x = 71; x < 384; x++)
                if (At(png, x, y) == blue)
                    Assert.True(Math.Abs(y - Y((x - 70) / 314.0)) <= 2.5, $"a line pixel at ({x}, {y}), away from the line");

        // the marker: a 9 x 9 square centered on (0.5, 0.25)
        int mx = (int)Math.Round(X(0.5)), my = (int)Math.Round(Y(0.25));
        for (int dy = -4; dy <= 4; dy++)
            for (int dx = -4; dx <= 4; dx++)
                Assert.Equal(((byte)255, (byte)0, (byte)0), At(png, mx + dx, my + dy));
        Assert.NotEqual(((byte)255, (byte)0, (byte)0), At(png, mx + 6, my));

        // the corners of the plot area carry the axis frame
        Assert.Equal(((byte)90, (byte)90, (byte)90), At(png, 70, 30));
        Assert.Equal(((byte)90, (byte)90, (byte)90), At(png, 384, 249));
    }

    [Fact]
    public void PanelsSideBySideAndTheLegend()
    {
        var loss = new Chart(title: "LOSS", xlabel: "EPOCH", ylabel: "LOSS");
        loss.plot([2.3, 1.5, 1.1, 0.9], label: "TRAIN").plot([(1.0, 1.6), (3.0, 1.0)], label: "TEST", markers: true);
        var acc = new Chart(title: "ACCURACY", legend_loc: "lower right");
        acc.plot([10.0, 40, 60, 70], label: "TRAIN", color: "#00aa00");
        string path = Path.Combine(dir, "two.png");
        Chart.savefig(path, [loss, acc], suptitle: "RUN 1", width: 800, height: 400);

        var png = PngTests.Decode(File.ReadAllBytes(path));
        Assert.Equal((800, 400), (png.Width, png.Height));
        int Count(int x0, int x1, (byte, byte, byte) c)
        {
            int n = 0;
            for (int y = 0; y < png.Height; y++)
                for (int x = x0; x < x1; x++)
                    if (At(png, x, y) == c) n++;
            return n;
        }
        var blue = ((byte)0x1f, (byte)0x77, (byte)0xb4);
        var orange = ((byte)0xff, (byte)0x7f, (byte)0x0e);
        var green = ((byte)0x00, (byte)0xaa, (byte)0x00);
        Assert.True(Count(0, 400, blue) > 300 && Count(0, 400, orange) > 150, "the left panel has both series");
        Assert.Equal(0, Count(0, 400, green));
        Assert.True(Count(400, 800, green) > 300, "the right panel has its series");
        Assert.Equal(0, Count(400, 800, blue));
    }

    [Fact]
    public void SavingReplacesTheFileAndLeavesNoTemporary()
    {
        string path = Path.Combine(dir, "c.png");
        File.WriteAllText(path, "old");
        new Chart().plot([1.0, 2.0]).savefig(path);
        Assert.Equal(0x89, File.ReadAllBytes(path)[0]);
        Assert.Equal(["c.png"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new Chart(legend_loc: "best"));
        Assert.Throws<ArgumentException>(() => new Chart().plot([1.0], color: "blue"));
        Assert.Throws<ArgumentException>(() => new Chart().savefig(Path.Combine(dir, "x.png"), width: 10, height: 10));
        Assert.Throws<ArgumentException>(() => Chart.savefig(Path.Combine(dir, "x.png"), []));
        Assert.Empty(Directory.GetFiles(dir));
    }
}

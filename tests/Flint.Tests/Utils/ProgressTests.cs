using Xunit;
using static Flint.torch.utils;

namespace Flint.Tests.Utils;

/// <summary>torch.utils.Progress, on a StringWriter and a clock the test sets.</summary>
public class ProgressTests
{
    private sealed class FakeClock { public double Now; }

    private static (Progress bar, StringWriter log, FakeClock clock) Make(long total, bool live, string unit = "samples", string? stepUnit = "batches")
    {
        var log = new StringWriter();
        var clock = new FakeClock();
        return (new Progress(total, log, live, unit, stepUnit, () => clock.Now), log, clock);
    }

    [Fact]
    public void RedirectedItWritesTheLinesAndOneSummary()
    {
        var (bar, log, clock) = Make(938, live: false);
        Assert.False(bar.live);
        for (int i = 0; i < 938; i++)
        {
            clock.Now += 0.0125;
            bar.set_postfix("loss: 1.000000");
            bar.update(1, items: i == 937 ? 32 : 64);
            if (i % 400 == 0) bar.write($"line {i}");
        }
        bar.close();
        bar.close();   // once only
        Assert.Equal((938L, 60000L), (bar.n, bar.items));
        // 60000 samples in 11.725 s
        Assert.Equal("line 0\nline 400\nline 800\n938 batches, 60000 samples in 11.7 s (5117 samples/s)\n", log.ToString().Replace("\r\n", "\n"));
    }

    [Fact]
    public void WithoutAStepUnitTheSummaryCountsUnits()
    {
        var (bar, log, clock) = Make(10, live: false, unit: "it", stepUnit: null);
        bar.update(4);
        clock.Now = 2;
        bar.Dispose();
        Assert.Equal("4 it in 2.0 s (2 it/s)\n", log.ToString().Replace("\r\n", "\n"));
    }

    [Fact]
    public void TheLiveLineShowsTheBarRateAndEta()
    {
        var (bar, log, clock) = Make(938, live: true);
        clock.Now = 20;
        bar.set_postfix("loss: 1.131542");
        bar.update(412, items: 412 * 64);
        // 26368 samples in 20 s; 526 steps left at 20/412 s each: 25.5 s
        const string line = "412/938 [==========>             ] loss: 1.131542  1318 samples/s  ETA 0:26";
        Assert.Equal(line, bar.Line());
        Assert.Equal("\r" + line, log.ToString());
        Assert.Equal("412/938 [==========>             ] loss: 1.131542  1318 samples/s  in 0:20", bar.Line(final: true));

        // the step count is padded to the total's width; no postfix, no extra space
        var (small, _, c2) = Make(100, live: true, unit: "it", stepUnit: null);
        c2.Now = 1;
        small.update(5);
        Assert.Equal("  5/100 [>                       ]  5 it/s  ETA 0:19", small.Line());
        var (none, _, _) = Make(3, live: true);
        Assert.Equal("0/3 [                        ]  0 samples/s  ETA ?", none.Line());
    }

    [Fact]
    public void TheLiveBarRedrawsAtMostEveryTenthOfASecondAndWritesAboveIt()
    {
        var (bar, log, clock) = Make(100, live: true, unit: "it", stepUnit: null);
        clock.Now = 1;
        bar.update();                // drawn
        clock.Now = 1.05;
        bar.update();                // too soon
        Assert.Equal(1, log.ToString().Count(ch => ch == '\r'));
        clock.Now = 1.2;
        bar.update();                // drawn again
        Assert.Equal(2, log.ToString().Count(ch => ch == '\r'));

        log.GetStringBuilder().Clear();
        bar.write("hello");
        string drawn = "  3/100 [>                       ]  3 it/s  ETA 0:39";
        Assert.Equal("\r" + new string(' ', drawn.Length) + "\r" + "hello" + Environment.NewLine + "\r" + drawn, log.ToString());

        log.GetStringBuilder().Clear();
        bar.update(97);
        clock.Now = 4;
        bar.close();
        Assert.EndsWith("100/100 [========================]  25 it/s  in 0:04" + Environment.NewLine, log.ToString());
    }

    [Fact]
    public void ClockAndArguments()
    {
        Assert.Equal("0:00", Progress.Clock(0.4));
        Assert.Equal("1:05", Progress.Clock(65));
        Assert.Equal("1:02:05", Progress.Clock(3725));
        Assert.Throws<ArgumentException>(() => new Progress(-1, TextWriter.Null));
        Assert.Throws<ArgumentException>(() => new Progress(1, TextWriter.Null).update(-1));
        Assert.False(new Progress(1, new StringWriter()).live);   // a writer passed in is not a console
    }
}

using System.Runtime.Intrinsics;
using Flint.Backends.Cpu;
using Xunit;

namespace Flint.Tests.Performance;

/// <summary>
/// The softmax rows' vector exponential (<see cref="FloatExp"/>): within an ulp of the exact value over the whole
/// float range (normal, subnormal, overflow), NaN through, and the same bits for a lane whether its vector takes
/// the usual path or the edge path (a neighbour out of range).
/// </summary>
public class FloatExpTests
{
    private static float[] Sweep()
    {
        var xs = new List<float>();
        for (double v = -110; v <= 95; v += 0.0137) xs.Add((float)v);
        foreach (var edge in new[] { FloatExp.FastLowest, FloatExp.FastHighest, FloatExp.Lowest, FloatExp.Highest, 88.72f, -87.34f, -103.97f })
            for (int k = -3; k <= 3; k++) xs.Add(BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(edge) + k));
        xs.AddRange([0f, -0f, 1e-30f, -1e-30f, float.Epsilon, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, float.MinValue]);
        while (xs.Count % 16 != 0) xs.Add(0.5f);
        return [.. xs];
    }

    /// <summary>Distance in ulps between a float and the exact value (its nearest float counts as 0.5 or less).</summary>
    private static double Ulps(float got, double exact)
    {
        if (double.IsNaN(exact)) return float.IsNaN(got) ? 0 : double.PositiveInfinity;
        if (exact > float.MaxValue) return float.IsPositiveInfinity(got) || got == float.MaxValue ? 0 : double.PositiveInfinity;
        float near = (float)exact;
        float next = MathF.BitIncrement(Math.Abs(near));
        double ulp = Math.Max(next - Math.Abs(near), float.Epsilon);
        return Math.Abs(got - exact) / ulp;
    }

    private static float[] Exp256(float[] x, bool edge)
    {
        var y = new float[x.Length];
        var lane = new float[8];
        for (int i = 0; i < x.Length; i += 8)
        {
            x.AsSpan(i, 8).CopyTo(lane);
            if (edge) lane[7] = float.NaN;   // forces the whole vector onto the edge path
            var v = FloatLanes256.Exp(FloatLanes256.Load(ref lane[0], 0));
            FloatLanes256.Store(v, ref lane[0], 0);
            lane.AsSpan(0, edge ? 7 : 8).CopyTo(y.AsSpan(i));
            if (edge) y[i + 7] = float.NaN;
        }
        return y;
    }

    private static float[] Exp512(float[] x)
    {
        var y = new float[x.Length];
        for (int i = 0; i < x.Length; i += 16)
            FloatLanes512.Store(FloatLanes512.Exp(FloatLanes512.Load(ref x[i], 0)), ref y[i], 0);
        return y;
    }

    [Fact]
    public void WithinAnUlpOverTheWholeRange()
    {
        var x = Sweep();
        var paths = new List<(string, float[])> { ("256", Exp256(x, false)) };
        if (Vector512.IsHardwareAccelerated) paths.Add(("512", Exp512(x)));
        foreach (var (name, y) in paths)
            for (int i = 0; i < x.Length; i++)
            {
                double u = Ulps(y[i], Math.Exp(x[i]));
                Assert.True(u <= 1, $"{name}: exp({x[i]:R}) = {y[i]:R}, exact {Math.Exp(x[i]):R} ({u:F2} ulps)");
            }
    }

    [Fact]
    public void ALaneGetsTheSameBitsOnBothPaths()
    {
        var x = Sweep();
        var usual = Exp256(x, false);
        var edge = Exp256(x, true);
        for (int i = 0; i < x.Length; i++)
        {
            if (i % 8 == 7) continue;
            Assert.True(BitConverter.SingleToInt32Bits(usual[i]) == BitConverter.SingleToInt32Bits(edge[i]),
                $"exp({x[i]:R}): {usual[i]:R} alone, {edge[i]:R} beside a NaN");
        }
    }
}

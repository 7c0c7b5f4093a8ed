using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Bench;

/// <summary>
/// fma_peak: this machine's float32 multiply-add peak, from register-only FMA chains (16 independent accumulators
/// of the widest vector, enough to cover two pipes' latency) on every core at once. Flint-only (the peer has no
/// such row); the matmul rows report their GFLOP/s as a fraction of it.
/// </summary>
public static class FmaPeak
{
    const int Iterations = 2_000_000;
    static double cached;

    /// <summary>Floating-point operations in one call: threads × iterations × 16 chains × lanes × 2.</summary>
    static double FlopsPerCall => (double)Environment.ProcessorCount * Iterations * 16 * Lanes * 2;

    static int Lanes => Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? 16 : Fma.IsSupported ? 8 : 4;

    /// <summary>The measured peak in GFLOP/s (measured once per process, by the workload or the first matmul row).</summary>
    public static double Gflops(Func<Action, int, int, double> time)
    {
        if (cached == 0) cached = FlopsPerCall / time(Call, 3, 7) / 1e9;
        return cached;
    }

    /// <summary>Runs the workload: seconds per call and GFLOP/s.</summary>
    public static void Run(Func<Action, int, int, double> time, Action<string, double, string> report)
    {
        double s = time(Call, 3, 7);
        cached = Math.Max(cached, FlopsPerCall / s / 1e9);
        report("fma_peak", s, $"{FlopsPerCall / s / 1e9:F1} GFLOP/s float32 ({Environment.ProcessorCount} threads, {Lanes}-lane FMA)");
    }

    /// <summary>One call: every core runs the chains once.</summary>
    static void Call()
    {
        int n = Environment.ProcessorCount;
        var threads = new Thread[n - 1];
        for (int t = 0; t < threads.Length; t++) { threads[t] = new Thread(() => Chains(Iterations)); threads[t].Start(); }
        Chains(Iterations);
        foreach (var t in threads) t.Join();
    }

    static float sink;

    [MethodImpl(MethodImplOptions.NoInlining)]
    static void Chains(int iterations)
    {
        if (Lanes == 16) Chains512(iterations);
        else if (Lanes == 8) Chains256(iterations);
        else
        {
            var acc = Vector128.Create(1f); var m = Vector128.Create(0.999999f); var a = Vector128.Create(1e-7f);
            for (int i = 0; i < iterations * 16; i++) acc = acc * m + a;
            sink += acc.ToScalar();
        }
    }

    static void Chains512(int iterations)
    {
        var m = Vector512.Create(0.999999f); var a = Vector512.Create(1e-7f);
        Vector512<float> c0 = Vector512.Create(1f), c1 = c0 + a, c2 = c1 + a, c3 = c2 + a, c4 = c3 + a, c5 = c4 + a, c6 = c5 + a, c7 = c6 + a;
        Vector512<float> c8 = c7 + a, c9 = c8 + a, c10 = c9 + a, c11 = c10 + a, c12 = c11 + a, c13 = c12 + a, c14 = c13 + a, c15 = c14 + a;
        for (int i = 0; i < iterations; i++)
        {
            c0 = Avx512F.FusedMultiplyAdd(c0, m, a); c1 = Avx512F.FusedMultiplyAdd(c1, m, a);
            c2 = Avx512F.FusedMultiplyAdd(c2, m, a); c3 = Avx512F.FusedMultiplyAdd(c3, m, a);
            c4 = Avx512F.FusedMultiplyAdd(c4, m, a); c5 = Avx512F.FusedMultiplyAdd(c5, m, a);
            c6 = Avx512F.FusedMultiplyAdd(c6, m, a); c7 = Avx512F.FusedMultiplyAdd(c7, m, a);
            c8 = Avx512F.FusedMultiplyAdd(c8, m, a); c9 = Avx512F.FusedMultiplyAdd(c9, m, a);
            c10 = Avx512F.FusedMultiplyAdd(c10, m, a); c11 = Avx512F.FusedMultiplyAdd(c11, m, a);
            c12 = Avx512F.FusedMultiplyAdd(c12, m, a); c13 = Avx512F.FusedMultiplyAdd(c13, m, a);
            c14 = Avx512F.FusedMultiplyAdd(c14, m, a); c15 = Avx512F.FusedMultiplyAdd(c15, m, a);
        }
        var s = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11)) + ((c12 + c13) + (c14 + c15));
        sink += s.ToScalar();
    }

    static void Chains256(int iterations)
    {
        var m = Vector256.Create(0.999999f); var a = Vector256.Create(1e-7f);
        Vector256<float> c0 = Vector256.Create(1f), c1 = c0 + a, c2 = c1 + a, c3 = c2 + a, c4 = c3 + a, c5 = c4 + a, c6 = c5 + a, c7 = c6 + a;
        Vector256<float> c8 = c7 + a, c9 = c8 + a, c10 = c9 + a, c11 = c10 + a, c12 = c11 + a, c13 = c12 + a, c14 = c13 + a, c15 = c14 + a;
        for (int i = 0; i < iterations; i++)
        {
            c0 = Fma.MultiplyAdd(c0, m, a); c1 = Fma.MultiplyAdd(c1, m, a);
            c2 = Fma.MultiplyAdd(c2, m, a); c3 = Fma.MultiplyAdd(c3, m, a);
            c4 = Fma.MultiplyAdd(c4, m, a); c5 = Fma.MultiplyAdd(c5, m, a);
            c6 = Fma.MultiplyAdd(c6, m, a); c7 = Fma.MultiplyAdd(c7, m, a);
            c8 = Fma.MultiplyAdd(c8, m, a); c9 = Fma.MultiplyAdd(c9, m, a);
            c10 = Fma.MultiplyAdd(c10, m, a); c11 = Fma.MultiplyAdd(c11, m, a);
            c12 = Fma.MultiplyAdd(c12, m, a); c13 = Fma.MultiplyAdd(c13, m, a);
            c14 = Fma.MultiplyAdd(c14, m, a); c15 = Fma.MultiplyAdd(c15, m, a);
        }
        var s = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11)) + ((c12 + c13) + (c14 + c15));
        sink += s.ToScalar();
    }
}

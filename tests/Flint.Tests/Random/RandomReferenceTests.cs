using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using Xunit;

namespace Flint.Tests;

/// <summary>
/// Replays the random streams recorded from PyTorch 1.13 (CPU, AVX2 build) by tools/refs/gen_random.py
/// and requires bit-for-bit equality: float values are compared through their IEEE bit patterns,
/// and the generator state after each sequence must hash to the same SHA-256 as PyTorch's get_state().
/// </summary>
public sealed class RandomReferenceTests
{
    private static readonly Lazy<ReferenceFile> s_reference = new(ReferenceFile.Load);

    public static IEnumerable<object[]> CaseNames()
        => s_reference.Value.Cases.Keys.Select(name => new object[] { name });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesPyTorchStream(string caseName)
    {
        JsonElement testCase = s_reference.Value.Cases[caseName];
        var g = new Generator();
        Assert.Same(g, g.manual_seed(testCase.GetProperty("seed").GetInt64()));

        int index = 0;
        foreach (JsonElement step in testCase.GetProperty("steps").EnumerateArray())
        {
            RunStep(g, step, $"{caseName} step {index}");
            index++;
        }

        Assert.Equal(testCase.GetProperty("initial_seed").GetInt64(), g.initial_seed());
        Assert.Equal(testCase.GetProperty("final_state_sha256").GetString(), StateHash(g));
    }

    [Fact]
    public void FreshGeneratorUsesPyTorchDefaultSeed()
    {
        Assert.Equal(Generator.DefaultSeed, s_reference.Value.DefaultSeed);
        Assert.Equal(67280421310721L, new Generator().initial_seed());
        Assert.Equal(s_reference.Value.DefaultSeed, new Generator().initial_seed());
        Assert.Equal(s_reference.Value.DefaultSeed, new Generator("cpu").initial_seed());
        Assert.NotNull(Generator.Default);
        Assert.Equal("cpu", new Generator().device);
    }

    [Fact]
    public void StateHasPyTorchSize()
    {
        Assert.Equal(Generator.StateSizeInBytes, s_reference.Value.StateSize);
        Assert.Equal(s_reference.Value.StateSize, new Generator().get_state().Length);
    }

    [Fact]
    public void NonCpuDeviceIsRejected()
    {
        Assert.Throws<NotSupportedException>(() => new Generator("cuda"));
    }

    [Fact]
    public void NegativeSeedRoundTripsThroughInitialSeed()
    {
        var g = new Generator().manual_seed(-5);
        Assert.Equal(-5L, g.initial_seed());
    }

    [Fact]
    public void SeedReturnsTheSeedInUse()
    {
        var g = new Generator();
        long s = g.seed();
        Assert.Equal(s, g.initial_seed());
        var replay = new Generator().manual_seed(s);
        Assert.Equal(replay.NextUInt64(), g.NextUInt64());
    }

    [Fact]
    public void StateRoundTripsIncludingCachedNormal()
    {
        var g = new Generator().manual_seed(2024);
        var scratch = new double[3];
        RandomKernels.Normal(g, scratch, 0.0, 1.0);
        Assert.NotNull(g.NextDoubleNormalSample);
        byte[] saved = g.get_state();

        var expected = new double[40];
        RandomKernels.Normal(g, expected.AsSpan(0, 5), 0.0, 1.0);
        RandomKernels.Uniform(g, expected.AsSpan(5, 35), 0.0, 1.0);

        foreach (Generator target in new[] { g, new Generator() })
        {
            Assert.Same(target, target.set_state(saved));
            Assert.Equal(saved, target.get_state());
            var actual = new double[40];
            RandomKernels.Normal(target, actual.AsSpan(0, 5), 0.0, 1.0);
            RandomKernels.Uniform(target, actual.AsSpan(5, 35), 0.0, 1.0);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void SetStateRejectsMalformedInput()
    {
        var g = new Generator();
        Assert.Throws<ArgumentException>(() => g.set_state(new byte[10]));
        byte[] state = g.get_state();
        state[8] = 0;
        state[9] = 0;
        state[10] = 0;
        state[11] = 0;
        Assert.Throws<ArgumentException>(() => g.set_state(state));
    }

    [Fact]
    public void ManualSeedClearsCachedNormal()
    {
        var g = new Generator().manual_seed(3);
        RandomKernels.Normal(g, new double[1], 0.0, 1.0);
        Assert.NotNull(g.NextDoubleNormalSample);
        g.manual_seed(3);
        Assert.Null(g.NextDoubleNormalSample);
        Assert.Null(g.NextFloatNormalSample);
    }

    [Fact]
    public void Random64CombinesTwoDrawsHighFirst()
    {
        var a = new Generator().manual_seed(11);
        var b = new Generator().manual_seed(11);
        ulong hi = a.NextUInt32();
        ulong lo = a.NextUInt32();
        Assert.Equal((hi << 32) | lo, b.NextUInt64());
    }

    [Fact]
    public void VectorAndScalarFloatNormalKernelsAgreeBitwise()
    {
        bool saved = RandomKernels.VectorizedNormalEnabled;
        try
        {
            foreach (int n in new[] { 16, 17, 31, 100, 65_537 })
            {
                foreach (long seed in new[] { 0L, 7L, 1L << 40 })
                {
                    RandomKernels.VectorizedNormalEnabled = false;
                    var scalar = new float[n];
                    RandomKernels.Normal(new Generator().manual_seed(seed), scalar, 0.25, 1.75);
                    RandomKernels.VectorizedNormalEnabled = true;
                    var vector = new float[n];
                    RandomKernels.Normal(new Generator().manual_seed(seed), vector, 0.25, 1.75);
                    for (int i = 0; i < n; i++)
                    {
                        Assert.True(
                            BitConverter.SingleToInt32Bits(scalar[i]) == BitConverter.SingleToInt32Bits(vector[i]),
                            $"n={n} seed={seed} element {i}: scalar {scalar[i]:R} vs vector {vector[i]:R}");
                    }
                }
            }
        }
        finally
        {
            RandomKernels.VectorizedNormalEnabled = saved;
        }
    }

    [Fact]
    public void InvalidArgumentsThrow()
    {
        var g = new Generator();
        Assert.Throws<ArgumentException>(() => RandomKernels.Uniform(g, new float[2], 1.0, 0.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => RandomKernels.Normal(g, new float[2], 0.0, -1.0));
        Assert.Throws<ArgumentException>(() => RandomKernels.RandomFrom(g, new long[2], 5, 5));
        Assert.Throws<ArgumentException>(() => RandomKernels.RandomFrom(g, new byte[2], -1, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => RandomKernels.Bernoulli(g, new float[2], 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => RandomKernels.Bernoulli(g, new double[] { 0.5, -0.1 }, new double[2]));
        Assert.Throws<ArgumentException>(
            () => RandomKernels.Multinomial(g, new double[] { 0.5, 0.5 }, 1, 2, 3, false, new long[3]));
        Assert.Throws<ArgumentException>(
            () => RandomKernels.Multinomial(g, new double[] { 0.0, 0.0 }, 1, 2, 1, true, new long[1]));
    }

    private static void RunStep(Generator g, JsonElement step, string where)
    {
        string op = step.GetProperty("op").GetString()!;
        string dtype = step.TryGetProperty("dtype", out JsonElement dt) ? dt.GetString()! : "float32";
        int n = step.TryGetProperty("n", out JsonElement nEl) ? nEl.GetInt32() : 0;
        switch (op)
        {
            case "manual_seed":
                g.manual_seed(step.GetProperty("seed").GetInt64());
                return;
            case "check_state":
                Assert.True(step.GetProperty("state_sha256").GetString() == StateHash(g), $"{where}: generator state differs");
                return;
            case "set_state":
                g.set_state(Convert.FromBase64String(step.GetProperty("state").GetString()!));
                return;
            case "rand":
                FloatOp(step, dtype, n, where, f => RandomKernels.Uniform(g, f, 0.0, 1.0), d => RandomKernels.Uniform(g, d, 0.0, 1.0));
                return;
            case "randn":
                FloatOp(step, dtype, n, where, f => RandomKernels.Normal(g, f, 0.0, 1.0), d => RandomKernels.Normal(g, d, 0.0, 1.0));
                return;
            case "uniform":
            {
                double lo = step.GetProperty("low").GetDouble();
                double hi = step.GetProperty("high").GetDouble();
                FloatOp(step, dtype, n, where, f => RandomKernels.Uniform(g, f, lo, hi), d => RandomKernels.Uniform(g, d, lo, hi));
                return;
            }
            case "normal":
            {
                double mean = step.GetProperty("mean").GetDouble();
                double std = step.GetProperty("std").GetDouble();
                FloatOp(step, dtype, n, where, f => RandomKernels.Normal(g, f, mean, std), d => RandomKernels.Normal(g, d, mean, std));
                return;
            }
            case "bernoulli_scalar":
            {
                double p = step.GetProperty("p").GetDouble();
                FloatOp(step, dtype, n, where, f => RandomKernels.Bernoulli(g, f, p), d => RandomKernels.Bernoulli(g, d, p));
                return;
            }
            case "bernoulli_tensor":
                BernoulliTensor(g, step, dtype, n, where);
                return;
            case "exponential":
            {
                double lambda = step.GetProperty("lambd").GetDouble();
                FloatOp(step, dtype, n, where, f => RandomKernels.Exponential(g, f, lambda), d => RandomKernels.Exponential(g, d, lambda));
                return;
            }
            case "geometric":
            {
                double p = step.GetProperty("p").GetDouble();
                FloatOp(step, dtype, n, where, f => RandomKernels.Geometric(g, f, p), d => RandomKernels.Geometric(g, d, p));
                return;
            }
            case "log_normal":
            {
                double mean = step.GetProperty("mean").GetDouble();
                double std = step.GetProperty("std").GetDouble();
                FloatOp(step, dtype, n, where, f => RandomKernels.LogNormal(g, f, mean, std), d => RandomKernels.LogNormal(g, d, mean, std));
                return;
            }
            case "cauchy":
            {
                double median = step.GetProperty("median").GetDouble();
                double sigma = step.GetProperty("sigma").GetDouble();
                FloatOp(step, dtype, n, where, f => RandomKernels.Cauchy(g, f, median, sigma), d => RandomKernels.Cauchy(g, d, median, sigma));
                return;
            }
            case "randint":
                RandInt(g, step, dtype, n, where);
                return;
            case "randperm":
            {
                var perm = new long[n];
                RandomKernels.Randperm(g, perm);
                AssertSequence(Expected(step), perm, where);
                return;
            }
            case "multinomial":
                Multinomial(g, step, dtype, where);
                return;
            default:
                throw new InvalidOperationException($"{where}: unknown op '{op}'");
        }
    }

    private static void FloatOp(JsonElement step, string dtype, int n, string where, Action<float[]> f32, Action<double[]> f64)
    {
        switch (dtype)
        {
            case "float32":
            {
                var values = new float[n];
                f32(values);
                AssertSequence(Expected(step), values.Select(v => (long)BitConverter.SingleToInt32Bits(v)).ToArray(), where);
                break;
            }
            case "float64":
            {
                var values = new double[n];
                f64(values);
                AssertSequence(Expected(step), values.Select(BitConverter.DoubleToInt64Bits).ToArray(), where);
                break;
            }
            default:
                throw new InvalidOperationException($"{where}: unexpected dtype '{dtype}'");
        }
    }

    private static void BernoulliTensor(Generator g, JsonElement step, string dtype, int n, string where)
    {
        long[] probBits = Longs(step.GetProperty("probs"));
        if (dtype == "float32")
        {
            float[] probs = probBits.Select(b => BitConverter.Int32BitsToSingle((int)b)).ToArray();
            var values = new float[n];
            RandomKernels.Bernoulli(g, probs, values);
            AssertSequence(Expected(step), values.Select(v => (long)BitConverter.SingleToInt32Bits(v)).ToArray(), where);
        }
        else
        {
            double[] probs = probBits.Select(BitConverter.Int64BitsToDouble).ToArray();
            var values = new double[n];
            RandomKernels.Bernoulli(g, probs, values);
            AssertSequence(Expected(step), values.Select(BitConverter.DoubleToInt64Bits).ToArray(), where);
        }
    }

    private static void RandInt(Generator g, JsonElement step, string dtype, int n, string where)
    {
        long lo = step.GetProperty("low").GetInt64();
        long hi = step.GetProperty("high").GetInt64();
        long[] actual;
        switch (dtype)
        {
            case "int64":
                actual = new long[n];
                RandomKernels.RandomFrom(g, actual, lo, hi);
                break;
            case "int32":
            {
                var v = new int[n];
                RandomKernels.RandomFrom(g, v, lo, hi);
                actual = v.Select(x => (long)x).ToArray();
                break;
            }
            case "int16":
            {
                var v = new short[n];
                RandomKernels.RandomFrom(g, v, lo, hi);
                actual = v.Select(x => (long)x).ToArray();
                break;
            }
            case "int8":
            {
                var v = new sbyte[n];
                RandomKernels.RandomFrom(g, v, lo, hi);
                actual = v.Select(x => (long)x).ToArray();
                break;
            }
            case "uint8":
            {
                var v = new byte[n];
                RandomKernels.RandomFrom(g, v, lo, hi);
                actual = v.Select(x => (long)x).ToArray();
                break;
            }
            case "float32":
            {
                var v = new float[n];
                RandomKernels.RandomFrom(g, v, lo, hi);
                actual = v.Select(x => (long)BitConverter.SingleToInt32Bits(x)).ToArray();
                break;
            }
            case "float64":
            {
                var v = new double[n];
                RandomKernels.RandomFrom(g, v, lo, hi);
                actual = v.Select(BitConverter.DoubleToInt64Bits).ToArray();
                break;
            }
            default:
                throw new InvalidOperationException($"{where}: unexpected dtype '{dtype}'");
        }
        AssertSequence(Expected(step), actual, where);
    }

    private static void Multinomial(Generator g, JsonElement step, string dtype, string where)
    {
        int rows = step.GetProperty("rows").GetInt32();
        int cats = step.GetProperty("cats").GetInt32();
        int k = step.GetProperty("num_samples").GetInt32();
        bool replacement = step.GetProperty("replacement").GetBoolean();
        long[] probBits = Longs(step.GetProperty("probs"));
        var actual = new long[rows * k];
        if (dtype == "float32")
        {
            float[] probs = probBits.Select(b => BitConverter.Int32BitsToSingle((int)b)).ToArray();
            RandomKernels.Multinomial(g, probs, rows, cats, k, replacement, actual);
        }
        else
        {
            double[] probs = probBits.Select(BitConverter.Int64BitsToDouble).ToArray();
            RandomKernels.Multinomial(g, probs, rows, cats, k, replacement, actual);
        }
        AssertSequence(Expected(step), actual, where);
    }

    private static long[] Expected(JsonElement step) => Longs(step.GetProperty("values"));

    private static long[] Longs(JsonElement array)
    {
        var result = new long[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement e in array.EnumerateArray())
        {
            result[i++] = e.GetInt64();
        }
        return result;
    }

    private static void AssertSequence(long[] expected, long[] actual, string where)
    {
        Assert.True(expected.Length == actual.Length, $"{where}: expected {expected.Length} values, got {actual.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i] != actual[i])
            {
                Assert.Fail($"{where}: first mismatch at element {i}: expected {expected[i]}, got {actual[i]}");
            }
        }
    }

    private static string StateHash(Generator g) => Convert.ToHexStringLower(SHA256.HashData(g.get_state()));

    private sealed class ReferenceFile
    {
        private ReferenceFile(Dictionary<string, JsonElement> cases, long defaultSeed, int stateSize)
        {
            Cases = cases;
            DefaultSeed = defaultSeed;
            StateSize = stateSize;
        }

        public Dictionary<string, JsonElement> Cases { get; }

        public long DefaultSeed { get; }

        public int StateSize { get; }

        public static ReferenceFile Load()
        {
            string path = Path.Combine(AppContext.BaseDirectory, "References", "random.json");
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement root = doc.RootElement;
            var cases = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (JsonElement c in root.GetProperty("cases").EnumerateArray())
            {
                cases.Add(c.GetProperty("name").GetString()!, c.Clone());
            }
            return new ReferenceFile(cases, root.GetProperty("default_seed").GetInt64(), root.GetProperty("state_size").GetInt32());
        }
    }
}

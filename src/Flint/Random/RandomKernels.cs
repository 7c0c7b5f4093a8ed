using System.Numerics;
using System.Runtime.CompilerServices;

namespace Flint;

/// <summary>
/// Sampling kernels that fill contiguous buffers exactly like PyTorch 1.13's CPU kernels do
/// (same draws from the generator, same element order, same floating-point operation sequence,
/// including the fused multiply-adds that PyTorch's AVX2 build emits).
/// Every kernel holds <see cref="Generator.SyncRoot"/> while it draws.
/// </summary>
internal static class RandomKernels
{
    private const uint Mask24 = (1u << 24) - 1;
    private const ulong Mask53 = (1ul << 53) - 1;
    private const float Scale24 = 1.0f / (1 << 24);
    private const double Scale53 = 1.0 / (1ul << 53);
    private const double TwoPi = 2.0 * Math.PI;

    /// <summary>Size from which PyTorch switches <c>normal_</c> to the 16-wide block algorithm.</summary>
    internal const int NormalBlockThreshold = 16;

    // ---------------------------------------------------------------------------------------
    // Elementary draws
    // ---------------------------------------------------------------------------------------

    /// <summary>Uniform float in [0, 1) from the low 24 bits of one 32-bit draw.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float UniformFloat01(Generator g) => (g.NextUInt32() & Mask24) * Scale24;

    /// <summary>Uniform double in [0, 1) from the low 53 bits of one 64-bit draw.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double UniformDouble01(Generator g) => (g.NextUInt64() & Mask53) * Scale53;

    /// <summary>
    /// One standard-normal double via Box-Muller, using and refilling the generator's cached
    /// second sample, then scaled as <c>fma(z, std, mean)</c>.
    /// </summary>
    private static double NormalDouble(Generator g, double mean, double std)
    {
        if (g.NextDoubleNormalSample is double cached)
        {
            g.NextDoubleNormalSample = null;
            return Math.FusedMultiplyAdd(cached, std, mean);
        }
        double u1 = UniformDouble01(g);
        double u2 = UniformDouble01(g);
        double radius = Math.Sqrt(Math.Log(1.0 - u2) * -2.0);
        double theta = TwoPi * u1;
        (double sin, double cos) = Math.SinCos(theta);
        g.NextDoubleNormalSample = radius * sin;
        return Math.FusedMultiplyAdd(radius * cos, std, mean);
    }

    // ---------------------------------------------------------------------------------------
    // uniform_ / rand
    // ---------------------------------------------------------------------------------------

    /// <summary><c>tensor.uniform_(from, to)</c> / <c>torch.rand</c> for float32.</summary>
    internal static void Uniform(Generator g, Span<float> dst, double from, double to)
    {
        ArgumentNullException.ThrowIfNull(g);
        CheckUniformBounds(from, to, float.MinValue, float.MaxValue, "float32");
        float lo = (float)from;
        float range = (float)to - lo;
        lock (g.SyncRoot)
        {
            for (int i = 0; i < dst.Length; i++)
            {
                dst[i] = MathF.FusedMultiplyAdd(UniformFloat01(g), range, lo);
            }
        }
    }

    /// <summary><c>tensor.uniform_(from, to)</c> / <c>torch.rand</c> for float64.</summary>
    internal static void Uniform(Generator g, Span<double> dst, double from, double to)
    {
        ArgumentNullException.ThrowIfNull(g);
        CheckUniformBounds(from, to, double.MinValue, double.MaxValue, "float64");
        double range = to - from;
        lock (g.SyncRoot)
        {
            for (int i = 0; i < dst.Length; i++)
            {
                dst[i] = Math.FusedMultiplyAdd(UniformDouble01(g), range, from);
            }
        }
    }

    private static void CheckUniformBounds(double from, double to, double min, double max, string dtype)
    {
        if (!(from >= min && from <= max))
        {
            throw new ArgumentOutOfRangeException(nameof(from), from, $"from is out of bounds for {dtype}.");
        }
        if (!(to >= min && to <= max))
        {
            throw new ArgumentOutOfRangeException(nameof(to), to, $"to is out of bounds for {dtype}.");
        }
        if (!(from <= to))
        {
            throw new ArgumentException($"uniform_ expects to return a [from, to) range, but found from={from} > to={to}.");
        }
        if (!(to - from <= max))
        {
            throw new ArgumentException($"uniform_ expects to-from <= {dtype} max, but found to={to} and from={from}.");
        }
    }

    // ---------------------------------------------------------------------------------------
    // normal_ / randn
    // ---------------------------------------------------------------------------------------

    /// <summary>
    /// <c>tensor.normal_(mean, std)</c> / <c>torch.randn</c> for float32. With 16 or more elements
    /// this reproduces PyTorch's AVX2 block kernel (24-bit uniforms, Cephes-style vector log and sincos);
    /// below that it uses the double-precision Box-Muller sampler with the generator's cached sample.
    /// </summary>
    internal static void Normal(Generator g, Span<float> dst, double mean, double std)
    {
        ArgumentNullException.ThrowIfNull(g);
        CheckStd(std);
        lock (g.SyncRoot)
        {
            if (dst.Length >= NormalBlockThreshold)
            {
                NormalFillFloat(g, dst, (float)mean, (float)std);
            }
            else
            {
                for (int i = 0; i < dst.Length; i++)
                {
                    dst[i] = (float)NormalDouble(g, mean, std);
                }
            }
        }
    }

    /// <summary><c>tensor.normal_(mean, std)</c> / <c>torch.randn</c> for float64.</summary>
    internal static void Normal(Generator g, Span<double> dst, double mean, double std)
    {
        ArgumentNullException.ThrowIfNull(g);
        CheckStd(std);
        lock (g.SyncRoot)
        {
            if (dst.Length >= NormalBlockThreshold)
            {
                NormalFillDouble(g, dst, mean, std);
            }
            else
            {
                for (int i = 0; i < dst.Length; i++)
                {
                    dst[i] = NormalDouble(g, mean, std);
                }
            }
        }
    }

    private static void CheckStd(double std)
    {
        if (!(std >= 0.0))
        {
            throw new ArgumentOutOfRangeException(nameof(std), std, "normal expects std >= 0.0.");
        }
    }

    private static void NormalFillDouble(Generator g, Span<double> data, double mean, double std)
    {
        int size = data.Length;
        for (int i = 0; i < size; i++)
        {
            data[i] = UniformDouble01(g);
        }
        for (int i = 0; i + 16 <= size; i += 16)
        {
            NormalBlockDouble(data.Slice(i, 16), mean, std);
        }
        if (size % 16 != 0)
        {
            Span<double> tail = data[(size - 16)..];
            for (int i = 0; i < 16; i++)
            {
                tail[i] = UniformDouble01(g);
            }
            NormalBlockDouble(tail, mean, std);
        }
    }

    private static void NormalBlockDouble(Span<double> block, double mean, double std)
    {
        for (int j = 0; j < 8; j++)
        {
            double u1 = 1.0 - block[j];
            double u2 = block[j + 8];
            double radius = Math.Sqrt(Math.Log(u1) * -2.0);
            double theta = TwoPi * u2;
            (double sin, double cos) = Math.SinCos(theta);
            block[j] = Math.FusedMultiplyAdd(radius * cos, std, mean);
            block[j + 8] = Math.FusedMultiplyAdd(radius * sin, std, mean);
        }
    }

    private static void NormalFillFloat(Generator g, Span<float> data, float mean, float std)
    {
        int size = data.Length;
        for (int i = 0; i < size; i++)
        {
            data[i] = UniformFloat01(g);
        }
        for (int i = 0; i + 16 <= size; i += 16)
        {
            NormalBlockFloat(data.Slice(i, 16), mean, std);
        }
        if (size % 16 != 0)
        {
            Span<float> tail = data[(size - 16)..];
            for (int i = 0; i < 16; i++)
            {
                tail[i] = UniformFloat01(g);
            }
            NormalBlockFloat(tail, mean, std);
        }
    }

    private static void NormalBlockFloat(Span<float> block, float mean, float std)
    {
        for (int j = 0; j < 8; j++)
        {
            float u1 = 1.0f - block[j];
            float theta = CephesF.TwoPi * block[j + 8];
            float radius = MathF.Sqrt(CephesF.Log(u1) * -2.0f);
            CephesF.SinCos(theta, out float sin, out float cos);
            block[j] = MathF.FusedMultiplyAdd(radius * cos, std, mean);
            block[j + 8] = MathF.FusedMultiplyAdd(radius * sin, std, mean);
        }
    }

    /// <summary>
    /// Lane-wise replica of the single-precision Cephes log/sincos approximations that PyTorch's
    /// AVX2 normal kernel uses, with the multiply-adds fused exactly where that build fuses them.
    /// </summary>
    private static class CephesF
    {
        internal static readonly float TwoPi = (float)(2.0 * Math.PI);

        private static readonly float One = 1.0f;
        private static readonly float Half = 0.5f;
        private static readonly float SqrtHalf = Bits(0x3f3504f3);
        private static readonly float LogP0 = Bits(0x3d9021bb);
        private static readonly float LogP1 = Bits(0xbdebd1b8);
        private static readonly float LogP2 = Bits(0x3def251a);
        private static readonly float LogP3 = Bits(0xbdfe5d4f);
        private static readonly float LogP4 = Bits(0x3e11e9bf);
        private static readonly float LogP5 = Bits(0xbe2aae50);
        private static readonly float LogP6 = Bits(0x3e4cceac);
        private static readonly float LogP7 = Bits(0xbe7ffffc);
        private static readonly float LogP8 = Bits(0x3eaaaaaa);
        private static readonly float LogQ1 = Bits(0xb95e8083);
        private static readonly float LogQ2 = Bits(0x3f318000);
        private static readonly float FourOverPi = Bits(0x3fa2f983);
        private static readonly float MinusDp1 = Bits(0xbf490000);
        private static readonly float MinusDp2 = Bits(0xb97da000);
        private static readonly float MinusDp3 = Bits(0xb3222169);
        private static readonly float CosC0 = Bits(0x37ccf5ce);
        private static readonly float CosC1 = Bits(0xbab6061a);
        private static readonly float CosC2 = Bits(0x3d2aaaa5);
        private static readonly float SinC0 = Bits(0xb94ca1f9);
        private static readonly float SinC1 = Bits(0x3c08839e);
        private static readonly float SinC2 = Bits(0xbe2aaaa3);

        private const int MinNormalBits = 0x00800000;
        private const int ExponentMask = 0x7f800000;
        private const uint SignMask = 0x80000000u;

        private static float Bits(uint bits) => BitConverter.UInt32BitsToSingle(bits);

        internal static float Log(float x)
        {
            bool invalid = x <= 0.0f;
            float minNormal = BitConverter.Int32BitsToSingle(MinNormalBits);
            x = x > minNormal ? x : minNormal;
            int bits = BitConverter.SingleToInt32Bits(x);
            int exponent = (int)((uint)bits >> 23) - 0x7f;
            float m = BitConverter.Int32BitsToSingle((bits & ~ExponentMask) | BitConverter.SingleToInt32Bits(Half));
            float e = exponent + One;
            bool small = m < SqrtHalf;
            float tmp = small ? m : 0.0f;
            m += -One;
            e -= small ? One : 0.0f;
            m = tmp + m;

            float z = m * m;
            float y = MathF.FusedMultiplyAdd(m, LogP0, LogP1);
            y = MathF.FusedMultiplyAdd(m, y, LogP2);
            y = MathF.FusedMultiplyAdd(m, y, LogP3);
            y = MathF.FusedMultiplyAdd(m, y, LogP4);
            y = MathF.FusedMultiplyAdd(m, y, LogP5);
            y = MathF.FusedMultiplyAdd(m, y, LogP6);
            y = MathF.FusedMultiplyAdd(m, y, LogP7);
            y = MathF.FusedMultiplyAdd(m, y, LogP8);
            y = m * y;
            y = MathF.FusedMultiplyAdd(y, z, e * LogQ1);
            y = MathF.FusedMultiplyAdd(-z, Half, y);
            float r = MathF.FusedMultiplyAdd(e, LogQ2, m + y);
            return invalid ? float.NaN : r;
        }

        internal static void SinCos(float x, out float sin, out float cos)
        {
            uint xBits = BitConverter.SingleToUInt32Bits(x);
            uint signSin = xBits & SignMask;
            float ax = BitConverter.UInt32BitsToSingle(xBits & ~SignMask);

            int j = (int)(ax * FourOverPi);
            j = (j + 1) & ~1;
            float y = j;
            uint swapSin = (uint)(j & 4) << 29;
            bool firstPoly = (j & 2) == 0;
            uint signCos = (uint)(~(j - 2) & 4) << 29;

            float r = MathF.FusedMultiplyAdd(y, MinusDp1, ax);
            r = MathF.FusedMultiplyAdd(y, MinusDp2, r);
            r = MathF.FusedMultiplyAdd(y, MinusDp3, r);
            signSin ^= swapSin;

            float z = r * r;
            float yc = MathF.FusedMultiplyAdd(z, CosC0, CosC1);
            yc = MathF.FusedMultiplyAdd(z, yc, CosC2);
            float halfZ = z * Half;
            yc = z * yc;
            yc = MathF.FusedMultiplyAdd(yc, z, -halfZ);
            float ys = MathF.FusedMultiplyAdd(SinC0, z, SinC1);
            ys = MathF.FusedMultiplyAdd(z, ys, SinC2);
            yc += One;
            ys = z * ys;
            ys = MathF.FusedMultiplyAdd(ys, r, r);

            float sinPart2 = firstPoly ? ys : 0.0f;
            float sinPart1 = firstPoly ? 0.0f : yc;
            float cosPart2 = ys - sinPart2;
            float cosPart1 = yc - sinPart1;
            float s = sinPart2 + sinPart1;
            float c = cosPart2 + cosPart1;
            sin = BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(s) ^ signSin);
            cos = BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(c) ^ signCos);
        }
    }

    // ---------------------------------------------------------------------------------------
    // random_(from, to) / randint
    // ---------------------------------------------------------------------------------------

    /// <summary><c>torch.randint(low, high)</c> / <c>random_(low, high)</c> with int64 output (randint's default dtype).</summary>
    internal static void RandomFrom(Generator g, Span<long> dst, long low, long high)
        => RandomFromIntegral(g, dst, low, high, long.MinValue, long.MaxValue, allowWide: true);

    /// <summary><c>random_(low, high)</c> with int32 output.</summary>
    internal static void RandomFrom(Generator g, Span<int> dst, long low, long high)
        => RandomFromIntegral(g, dst, low, high, int.MinValue, int.MaxValue, allowWide: false);

    /// <summary><c>random_(low, high)</c> with int16 output.</summary>
    internal static void RandomFrom(Generator g, Span<short> dst, long low, long high)
        => RandomFromIntegral(g, dst, low, high, short.MinValue, short.MaxValue, allowWide: false);

    /// <summary><c>random_(low, high)</c> with int8 output.</summary>
    internal static void RandomFrom(Generator g, Span<sbyte> dst, long low, long high)
        => RandomFromIntegral(g, dst, low, high, sbyte.MinValue, sbyte.MaxValue, allowWide: false);

    /// <summary><c>random_(low, high)</c> with uint8 output.</summary>
    internal static void RandomFrom(Generator g, Span<byte> dst, long low, long high)
        => RandomFromIntegral(g, dst, low, high, byte.MinValue, byte.MaxValue, allowWide: false);

    /// <summary><c>random_(low, high)</c> with float32 output (bounds adjusted to representable values as PyTorch does).</summary>
    internal static void RandomFrom(Generator g, Span<float> dst, long low, long high)
    {
        CheckFromLessThanTo(low, high);
        low = UpdateFrom(low, 24, static v => (long)(float)v);
        high = UpdateTo(high, 24, static v => (long)(float)v);
        CheckFromLessThanTo(low, high);
        RandomFromCore(g, dst, unchecked((ulong)high - (ulong)low), low, allowWide: true);
    }

    /// <summary><c>random_(low, high)</c> with float64 output (bounds adjusted to representable values as PyTorch does).</summary>
    internal static void RandomFrom(Generator g, Span<double> dst, long low, long high)
    {
        CheckFromLessThanTo(low, high);
        low = UpdateFrom(low, 53, static v => (long)(double)v);
        high = UpdateTo(high, 53, static v => (long)(double)v);
        CheckFromLessThanTo(low, high);
        RandomFromCore(g, dst, unchecked((ulong)high - (ulong)low), low, allowWide: true);
    }

    private static void RandomFromIntegral<T>(Generator g, Span<T> dst, long low, long high, long min, long max, bool allowWide)
        where T : INumberBase<T>
    {
        CheckFromLessThanTo(low, high);
        if (low < min || low > max)
        {
            throw new ArgumentOutOfRangeException(nameof(low), low, $"from is out of bounds for {typeof(T).Name}.");
        }
        if (high - 1 < min || high - 1 > max)
        {
            throw new ArgumentOutOfRangeException(nameof(high), high, $"to - 1 is out of bounds for {typeof(T).Name}.");
        }
        RandomFromCore(g, dst, unchecked((ulong)high - (ulong)low), low, allowWide);
    }

    private static void RandomFromCore<T>(Generator g, Span<T> dst, ulong range, long baseValue, bool allowWide)
        where T : INumberBase<T>
    {
        ArgumentNullException.ThrowIfNull(g);
        bool wide = allowWide && range >= (1ul << 32);
        ulong offset = unchecked((ulong)baseValue);
        lock (g.SyncRoot)
        {
            if (wide)
            {
                for (int i = 0; i < dst.Length; i++)
                {
                    dst[i] = T.CreateTruncating(unchecked((long)((g.NextUInt64() % range) + offset)));
                }
            }
            else
            {
                for (int i = 0; i < dst.Length; i++)
                {
                    dst[i] = T.CreateTruncating(unchecked((long)((g.NextUInt32() % range) + offset)));
                }
            }
        }
    }

    private static void CheckFromLessThanTo(long low, long high)
    {
        if (low >= high)
        {
            throw new ArgumentException($"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}.");
        }
    }

    private static long UpdateFrom(long from, int digits, Func<long, long> roundTrip)
    {
        long fromPlus1 = roundTrip(unchecked(from + 1));
        if (fromPlus1 < from)
        {
            long magnitude = Math.Abs(unchecked(from + 1));
            int n = 0;
            while ((magnitude >>= 1) != 0)
            {
                n++;
            }
            from = fromPlus1 + (1L << (n - digits + 1));
        }
        return from;
    }

    private static long UpdateTo(long to, int digits, Func<long, long> roundTrip)
    {
        long toMinus1 = roundTrip(unchecked(to - 1));
        if (toMinus1 >= to)
        {
            long magnitude = Math.Abs(unchecked(to - 1));
            int n = 0;
            while ((magnitude >>= 1) != 0)
            {
                n++;
            }
            to = toMinus1 - (1L << (n - digits + 1));
        }
        return to;
    }

    // ---------------------------------------------------------------------------------------
    // bernoulli
    // ---------------------------------------------------------------------------------------

    /// <summary><c>tensor.bernoulli_(p)</c> / <c>torch.bernoulli(input, p)</c> with a scalar probability (float32 output).</summary>
    internal static void Bernoulli(Generator g, Span<float> dst, double p)
    {
        ArgumentNullException.ThrowIfNull(g);
        CheckProbability(p);
        lock (g.SyncRoot)
        {
            for (int i = 0; i < dst.Length; i++)
            {
                dst[i] = UniformDouble01(g) < p ? 1.0f : 0.0f;
            }
        }
    }

    /// <summary><c>tensor.bernoulli_(p)</c> / <c>torch.bernoulli(input, p)</c> with a scalar probability (float64 output).</summary>
    internal static void Bernoulli(Generator g, Span<double> dst, double p)
    {
        ArgumentNullException.ThrowIfNull(g);
        CheckProbability(p);
        lock (g.SyncRoot)
        {
            for (int i = 0; i < dst.Length; i++)
            {
                dst[i] = UniformDouble01(g) < p ? 1.0 : 0.0;
            }
        }
    }

    /// <summary><c>torch.bernoulli(probs)</c> for float64 probabilities: one 53-bit uniform per element.</summary>
    internal static void Bernoulli(Generator g, ReadOnlySpan<double> probs, Span<double> dst)
    {
        ArgumentNullException.ThrowIfNull(g);
        CheckSameLength(probs.Length, dst.Length);
        lock (g.SyncRoot)
        {
            for (int i = 0; i < dst.Length; i++)
            {
                double p = probs[i];
                CheckProbability(p);
                dst[i] = UniformDouble01(g) < p ? 1.0 : 0.0;
            }
        }
    }

    /// <summary><c>torch.bernoulli(probs)</c> for float32 probabilities: one 24-bit uniform per element.</summary>
    internal static void Bernoulli(Generator g, ReadOnlySpan<float> probs, Span<float> dst)
    {
        ArgumentNullException.ThrowIfNull(g);
        CheckSameLength(probs.Length, dst.Length);
        lock (g.SyncRoot)
        {
            for (int i = 0; i < dst.Length; i++)
            {
                float p = probs[i];
                CheckProbability(p);
                dst[i] = UniformFloat01(g) < p ? 1.0f : 0.0f;
            }
        }
    }

    private static void CheckProbability(double p)
    {
        if (!(p >= 0.0 && p <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "bernoulli expects p to be in [0, 1].");
        }
    }

    private static void CheckSameLength(int expected, int actual)
    {
        if (expected != actual)
        {
            throw new ArgumentException($"Length mismatch: expected {expected} elements but got {actual}.");
        }
    }

    // ---------------------------------------------------------------------------------------
    // randperm
    // ---------------------------------------------------------------------------------------

    /// <summary>
    /// <c>torch.randperm(n)</c> (n = <paramref name="dst"/>.Length) as PyTorch 1.13 does it on the CPU:
    /// identity fill, then a forward Fisher-Yates pass that swaps position i with i + (random() mod (n - i)).
    /// </summary>
    internal static void Randperm(Generator g, Span<long> dst)
    {
        ArgumentNullException.ThrowIfNull(g);
        long n = dst.Length;
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = i;
        }
        lock (g.SyncRoot)
        {
            for (int i = 0; i < n - 1; i++)
            {
                long z = g.NextUInt32() % (n - i);
                int k = (int)(z + i);
                (dst[i], dst[k]) = (dst[k], dst[i]);
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // multinomial
    // ---------------------------------------------------------------------------------------

    /// <summary>
    /// <c>torch.multinomial</c> for float64 probabilities laid out as <paramref name="rows"/> x <paramref name="cats"/>
    /// (row-major); <paramref name="dst"/> receives <paramref name="rows"/> x <paramref name="numSamples"/> indices.
    /// </summary>
    internal static void Multinomial(Generator g, ReadOnlySpan<double> probs, int rows, int cats, int numSamples, bool replacement, Span<long> dst)
        => MultinomialCore(g, probs, rows, cats, numSamples, replacement, dst);

    /// <summary><c>torch.multinomial</c> for float32 probabilities (sampling arithmetic in float32, as PyTorch does).</summary>
    internal static void Multinomial(Generator g, ReadOnlySpan<float> probs, int rows, int cats, int numSamples, bool replacement, Span<long> dst)
        => MultinomialCore(g, probs, rows, cats, numSamples, replacement, dst);

    private static void MultinomialCore<T>(Generator g, ReadOnlySpan<T> probs, int rows, int cats, int numSamples, bool replacement, Span<long> dst)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(g);
        if (rows <= 0 || cats <= 0)
        {
            throw new ArgumentException("multinomial expects at least one row and one category.");
        }
        if (numSamples <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numSamples), numSamples, "cannot sample n_sample <= 0 samples.");
        }
        if (!replacement && numSamples > cats)
        {
            throw new ArgumentException("cannot sample n_sample > prob_dist.size(-1) samples without replacement.");
        }
        if (cats > (1 << 24))
        {
            throw new ArgumentException("number of categories cannot exceed 2^24.");
        }
        CheckSameLength(checked(rows * cats), probs.Length);
        CheckSameLength(checked(rows * numSamples), dst.Length);

        if (!replacement || numSamples == 1)
        {
            MultinomialByExponentialRace(g, probs, rows, cats, numSamples, dst);
        }
        else
        {
            MultinomialWithReplacement(g, probs, rows, cats, numSamples, dst);
        }
    }

    private static void MultinomialByExponentialRace<T>(Generator g, ReadOnlySpan<T> probs, int rows, int cats, int numSamples, Span<long> dst)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < probs.Length; i++)
        {
            T v = probs[i];
            if (!(v >= T.Zero) || T.IsPositiveInfinity(v))
            {
                throw new ArgumentException("probability tensor contains either `inf`, `nan` or element < 0.");
            }
        }
        for (int r = 0; r < rows; r++)
        {
            T sum = T.Zero;
            foreach (T v in probs.Slice(r * cats, cats))
            {
                sum += v;
            }
            if (sum == T.Zero)
            {
                throw new ArgumentException("invalid multinomial distribution (sum of probabilities <= 0).");
            }
        }

        T[] keys = new T[probs.Length];
        lock (g.SyncRoot)
        {
            for (int i = 0; i < keys.Length; i++)
            {
                keys[i] = T.CreateTruncating(-Math.Log(1.0 - UniformDouble01(g)));
            }
        }
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = probs[i] / keys[i];
        }

        int[]? order = numSamples > 1 ? new int[cats] : null;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> row = keys.AsSpan(r * cats, cats);
            Span<long> outRow = dst.Slice(r * numSamples, numSamples);
            if (numSamples == 1)
            {
                int best = 0;
                for (int c = 1; c < cats; c++)
                {
                    if (Larger(row[c], row[best]))
                    {
                        best = c;
                    }
                }
                outRow[0] = best;
            }
            else
            {
                for (int c = 0; c < cats; c++)
                {
                    order![c] = c;
                }
                TopKIndices(row, order!, numSamples);
                for (int s = 0; s < numSamples; s++)
                {
                    outRow[s] = order![s];
                }
            }
        }
    }

    /// <summary>NaN ranks above every number; otherwise the usual ordering.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Larger<T>(T a, T b)
        where T : IBinaryFloatingPointIeee754<T>
        => (T.IsNaN(a) && !T.IsNaN(b)) || a > b;

    /// <summary>Moves the indices of the <paramref name="k"/> largest keys to the front, in descending key order.</summary>
    private static void TopKIndices<T>(ReadOnlySpan<T> keys, int[] order, int k)
        where T : IBinaryFloatingPointIeee754<T>
    {
        for (int s = 0; s < k; s++)
        {
            int best = s;
            for (int c = s + 1; c < order.Length; c++)
            {
                int cand = order[c];
                int cur = order[best];
                if (Larger(keys[cand], keys[cur]) || (!Larger(keys[cur], keys[cand]) && cand < cur))
                {
                    best = c;
                }
            }
            (order[s], order[best]) = (order[best], order[s]);
        }
    }

    private static void MultinomialWithReplacement<T>(Generator g, ReadOnlySpan<T> probs, int rows, int cats, int numSamples, Span<long> dst)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T[] cumulative = new T[cats];
        lock (g.SyncRoot)
        {
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<T> row = probs.Slice(r * cats, cats);
                T sum = T.Zero;
                for (int c = 0; c < cats; c++)
                {
                    T v = row[c];
                    if (!(v >= T.Zero))
                    {
                        throw new ArgumentException("invalid multinomial distribution (encountering probability entry < 0).");
                    }
                    if (!T.IsFinite(v))
                    {
                        throw new ArgumentException("invalid multinomial distribution (encountering probability entry = infinity or NaN).");
                    }
                    sum += v;
                    cumulative[c] = sum;
                }
                if (!(sum > T.Zero))
                {
                    throw new ArgumentException("invalid multinomial distribution (sum of probabilities <= 0).");
                }
                for (int c = 0; c < cats; c++)
                {
                    cumulative[c] /= sum;
                }
                cumulative[cats - 1] = T.One;

                Span<long> outRow = dst.Slice(r * numSamples, numSamples);
                for (int s = 0; s < numSamples; s++)
                {
                    double u = UniformDouble01(g);
                    int left = 0;
                    int right = cats;
                    while (right - left > 0)
                    {
                        int mid = left + ((right - left) / 2);
                        if (double.CreateTruncating(cumulative[mid]) < u)
                        {
                            left = mid + 1;
                        }
                        else
                        {
                            right = mid;
                        }
                    }
                    outRow[s] = left;
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Other distributions (computed in double precision, then rounded to the output type)
    // ---------------------------------------------------------------------------------------

    /// <summary><c>tensor.exponential_(lambd)</c> for float32.</summary>
    internal static void Exponential(Generator g, Span<float> dst, double lambda)
    {
        CheckLambda(lambda);
        lock (NotNull(g).SyncRoot)
        {
            for (int i = 0; i < dst.Length; i++)
            {
                dst[i] = (float)ExponentialSample(g, lambda);
            }
        }
    }

    /// <summary><c>tensor.exponential_(lambd)</c> for float64.</summary>
    internal static void Exponential(Generator g, Span<double> dst, double lambda)
    {
        CheckLambda(lambda);
        lock (NotNull(g).SyncRoot)
        {
            for (int i = 0; i < dst.Length; i++)
            {
                dst[i] = ExponentialSample(g, lambda);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double ExponentialSample(Generator g, double lambda)
        => -1.0 / lambda * Math.Log(1.0 - UniformDouble01(g));

    private static void CheckLambda(double lambda)
    {
        if (!(lambda >= 0.0))
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "exponential_ expects lambda >= 0.0.");
        }
    }

    /// <summary><c>tensor.geometric_(p)</c> for float32.</summary>
    internal static void Geometric(Generator g, Span<float> dst, double p)
    {
        CheckGeometricP(p);
        lock (NotNull(g).SyncRoot)
        {
            for (int i = 0; i < dst.Length; i++)
            {
                dst[i] = (float)GeometricSample(g, p);
            }
        }
    }

    /// <summary><c>tensor.geometric_(p)</c> for float64.</summary>
    internal static void Geometric(Generator g, Span<double> dst, double p)
    {
        CheckGeometricP(p);
        lock (NotNull(g).SyncRoot)
        {
            for (int i = 0; i < dst.Length; i++)
            {
                dst[i] = GeometricSample(g, p);
            }
        }
    }

    /// <summary><c>tensor.geometric_(p)</c> for int64.</summary>
    internal static void Geometric(Generator g, Span<long> dst, double p)
    {
        CheckGeometricP(p);
        lock (NotNull(g).SyncRoot)
        {
            for (int i = 0; i < dst.Length; i++)
            {
                dst[i] = (long)GeometricSample(g, p);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double GeometricSample(Generator g, double p)
        => Math.Ceiling(Math.Log(UniformDouble01(g)) / Math.Log(1.0 - p));

    private static void CheckGeometricP(double p)
    {
        if (!(p > 0.0 && p < 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "geometric_ expects p to be in (0, 1).");
        }
    }

    /// <summary><c>tensor.log_normal_(mean, std)</c> for float32 (shares the cached Box-Muller sample).</summary>
    internal static void LogNormal(Generator g, Span<float> dst, double mean, double std)
    {
        CheckLogNormalStd(std);
        lock (NotNull(g).SyncRoot)
        {
            for (int i = 0; i < dst.Length; i++)
            {
                dst[i] = (float)Math.Exp(NormalDouble(g, mean, std));
            }
        }
    }

    /// <summary><c>tensor.log_normal_(mean, std)</c> for float64 (shares the cached Box-Muller sample).</summary>
    internal static void LogNormal(Generator g, Span<double> dst, double mean, double std)
    {
        CheckLogNormalStd(std);
        lock (NotNull(g).SyncRoot)
        {
            for (int i = 0; i < dst.Length; i++)
            {
                dst[i] = Math.Exp(NormalDouble(g, mean, std));
            }
        }
    }

    private static void CheckLogNormalStd(double std)
    {
        if (!(std > 0.0))
        {
            throw new ArgumentOutOfRangeException(nameof(std), std, "log_normal_ expects std > 0.0.");
        }
    }

    /// <summary><c>tensor.cauchy_(median, sigma)</c> for float32.</summary>
    internal static void Cauchy(Generator g, Span<float> dst, double median, double sigma)
    {
        lock (NotNull(g).SyncRoot)
        {
            for (int i = 0; i < dst.Length; i++)
            {
                dst[i] = (float)CauchySample(g, median, sigma);
            }
        }
    }

    /// <summary><c>tensor.cauchy_(median, sigma)</c> for float64.</summary>
    internal static void Cauchy(Generator g, Span<double> dst, double median, double sigma)
    {
        lock (NotNull(g).SyncRoot)
        {
            for (int i = 0; i < dst.Length; i++)
            {
                dst[i] = CauchySample(g, median, sigma);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double CauchySample(Generator g, double median, double sigma)
        => Math.FusedMultiplyAdd(sigma, Math.Tan(Math.PI * (UniformDouble01(g) - 0.5)), median);

    private static Generator NotNull(Generator g)
    {
        ArgumentNullException.ThrowIfNull(g);
        return g;
    }
}

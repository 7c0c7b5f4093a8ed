using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
    internal static double UniformDouble01(Generator g) => (g.NextUInt64() & Mask53) * Scale53;

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
    internal static void Normal(Generator g, Span<float> dst, double mean, double std) => Normal<float, FloatPrecision>(g, dst, mean, std);

    /// <summary><c>tensor.normal_(mean, std)</c> / <c>torch.randn</c> for float64.</summary>
    internal static void Normal(Generator g, Span<double> dst, double mean, double std) => Normal<double, DoublePrecision>(g, dst, mean, std);

    private static void Normal<T, TP>(Generator g, Span<T> dst, double mean, double std) where T : unmanaged, IFloatingPointIeee754<T> where TP : IPrecision<T>
    {
        ArgumentNullException.ThrowIfNull(g);
        CheckStd(std);
        lock (g.SyncRoot)
        {
            if (dst.Length >= NormalBlockThreshold)
            {
                NormalFill<T, TP>(g, dst, T.CreateTruncating(mean), T.CreateTruncating(std));
            }
            else
            {
                for (int i = 0; i < dst.Length; i++)
                {
                    dst[i] = T.CreateTruncating(NormalDouble(g, mean, std));
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

    /// <summary>One precision of the samplers: the uniform PyTorch draws for it and its 16-element Box-Muller block.</summary>
    private interface IPrecision<T>
    {
        static abstract T Uniform01(Generator g);
        static abstract void Block(Span<T> block, T mean, T std);
    }

    private readonly struct FloatPrecision : IPrecision<float>
    {
        public static float Uniform01(Generator g) => UniformFloat01(g);
        public static void Block(Span<float> block, float mean, float std) => NormalBlockFloat(block, mean, std);
    }

    private readonly struct DoublePrecision : IPrecision<double>
    {
        public static double Uniform01(Generator g) => UniformDouble01(g);
        public static void Block(Span<double> block, double mean, double std) => NormalBlockDouble(block, mean, std);
    }

    /// <summary>PyTorch's block fill: uniforms for every element, then Box-Muller 16 at a time, the ragged end
    /// redrawn as one last block over the final 16 elements.</summary>
    private static void NormalFill<T, TP>(Generator g, Span<T> data, T mean, T std) where TP : IPrecision<T>
    {
        int size = data.Length;
        for (int i = 0; i < size; i++)
        {
            data[i] = TP.Uniform01(g);
        }
        for (int i = 0; i + 16 <= size; i += 16)
        {
            TP.Block(data.Slice(i, 16), mean, std);
        }
        if (size % 16 != 0)
        {
            Span<T> tail = data[(size - 16)..];
            for (int i = 0; i < 16; i++)
            {
                tail[i] = TP.Uniform01(g);
            }
            TP.Block(tail, mean, std);
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

    /// <summary>
    /// Whether the float32 block normal kernel may use AVX2/FMA vector instructions. The vector and the
    /// scalar implementations produce identical bits; the switch exists so tests can cover both.
    /// </summary>
    internal static bool VectorizedNormalEnabled { get; set; } = CephesV.IsSupported;

    private static void NormalBlockFloat(Span<float> block, float mean, float std)
    {
        if (VectorizedNormalEnabled && CephesV.IsSupported)
        {
            CephesV.NormalBlock(block, mean, std);
            return;
        }
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

    /// <summary>
    /// The same computation as <see cref="CephesF"/>, eight lanes at a time with AVX2 and FMA
    /// (operation for operation, so the results are bit-identical to the scalar path).
    /// </summary>
    private static class CephesV
    {
        internal static bool IsSupported => Avx2.IsSupported && Fma.IsSupported;

        internal static void NormalBlock(Span<float> block, float mean, float std)
        {
            ref float start = ref MemoryMarshal.GetReference(block);
            Vector256<float> first = Vector256.LoadUnsafe(ref start);
            Vector256<float> second = Vector256.LoadUnsafe(ref start, 8);

            Vector256<float> u1 = Avx.Subtract(Vector256.Create(1.0f), first);
            Vector256<float> theta = Avx.Multiply(Vector256.Create(CephesF.TwoPi), second);
            Vector256<float> radius = Avx.Sqrt(Avx.Multiply(Log(u1), Vector256.Create(-2.0f)));
            SinCos(theta, out Vector256<float> sin, out Vector256<float> cos);

            Vector256<float> stdV = Vector256.Create(std);
            Vector256<float> meanV = Vector256.Create(mean);
            Fma.MultiplyAdd(Avx.Multiply(radius, cos), stdV, meanV).StoreUnsafe(ref start);
            Fma.MultiplyAdd(Avx.Multiply(radius, sin), stdV, meanV).StoreUnsafe(ref start, 8);
        }

        private static Vector256<float> C(uint bits) => Vector256.Create(bits).AsSingle();

        private static Vector256<float> Log(Vector256<float> x)
        {
            Vector256<float> one = Vector256.Create(1.0f);
            Vector256<float> half = Vector256.Create(0.5f);
            Vector256<float> invalid = Avx.Compare(x, Vector256<float>.Zero, FloatComparisonMode.OrderedLessThanOrEqualSignaling);
            x = Avx.Max(x, C(0x00800000));
            Vector256<int> exponent = Avx2.ShiftRightLogical(x.AsInt32(), 23);
            x = Avx.And(x, C(~0x7f800000u));
            x = Avx.Or(x, half);
            exponent = Avx2.Subtract(exponent, Vector256.Create(0x7f));
            Vector256<float> e = Avx.Add(Avx.ConvertToVector256Single(exponent), one);
            Vector256<float> small = Avx.Compare(x, C(0x3f3504f3), FloatComparisonMode.OrderedLessThanSignaling);
            Vector256<float> tmp = Avx.And(x, small);
            x = Avx.Subtract(x, one);
            e = Avx.Subtract(e, Avx.And(one, small));
            x = Avx.Add(tmp, x);

            Vector256<float> z = Avx.Multiply(x, x);
            Vector256<float> y = Fma.MultiplyAdd(x, C(0x3d9021bb), C(0xbdebd1b8));
            y = Fma.MultiplyAdd(x, y, C(0x3def251a));
            y = Fma.MultiplyAdd(x, y, C(0xbdfe5d4f));
            y = Fma.MultiplyAdd(x, y, C(0x3e11e9bf));
            y = Fma.MultiplyAdd(x, y, C(0xbe2aae50));
            y = Fma.MultiplyAdd(x, y, C(0x3e4cceac));
            y = Fma.MultiplyAdd(x, y, C(0xbe7ffffc));
            y = Fma.MultiplyAdd(x, y, C(0x3eaaaaaa));
            y = Avx.Multiply(x, y);
            y = Fma.MultiplyAdd(y, z, Avx.Multiply(e, C(0xb95e8083)));
            y = Fma.MultiplyAddNegated(z, half, y);
            Vector256<float> r = Fma.MultiplyAdd(e, C(0x3f318000), Avx.Add(x, y));
            return Avx.Or(r, invalid);
        }

        private static void SinCos(Vector256<float> x, out Vector256<float> sin, out Vector256<float> cos)
        {
            Vector256<float> one = Vector256.Create(1.0f);
            Vector256<float> signSin = Avx.And(x, C(0x80000000));
            Vector256<float> ax = Avx.And(x, C(0x7fffffff));

            Vector256<int> j = Avx.ConvertToVector256Int32WithTruncation(Avx.Multiply(ax, C(0x3fa2f983)));
            j = Avx2.And(Avx2.Add(j, Vector256.Create(1)), Vector256.Create(~1));
            Vector256<float> y = Avx.ConvertToVector256Single(j);
            Vector256<int> four = Vector256.Create(4);
            Vector256<float> swapSin = Avx2.ShiftLeftLogical(Avx2.And(j, four), 29).AsSingle();
            Vector256<float> firstPoly = Avx2.CompareEqual(Avx2.And(j, Vector256.Create(2)), Vector256<int>.Zero).AsSingle();
            Vector256<float> signCos = Avx2.ShiftLeftLogical(Avx2.AndNot(Avx2.Subtract(j, Vector256.Create(2)), four), 29).AsSingle();

            Vector256<float> r = Fma.MultiplyAdd(y, C(0xbf490000), ax);
            r = Fma.MultiplyAdd(y, C(0xb97da000), r);
            r = Fma.MultiplyAdd(y, C(0xb3222169), r);
            signSin = Avx.Xor(signSin, swapSin);

            Vector256<float> z = Avx.Multiply(r, r);
            Vector256<float> yc = Fma.MultiplyAdd(z, C(0x37ccf5ce), C(0xbab6061a));
            yc = Fma.MultiplyAdd(z, yc, C(0x3d2aaaa5));
            Vector256<float> halfZ = Avx.Multiply(z, Vector256.Create(0.5f));
            yc = Avx.Multiply(z, yc);
            yc = Fma.MultiplySubtract(yc, z, halfZ);
            Vector256<float> ys = Fma.MultiplyAdd(C(0xb94ca1f9), z, C(0x3c08839e));
            ys = Fma.MultiplyAdd(z, ys, C(0xbe2aaaa3));
            yc = Avx.Add(yc, one);
            ys = Avx.Multiply(z, ys);
            ys = Fma.MultiplyAdd(ys, r, r);

            Vector256<float> sinPart2 = Avx.And(firstPoly, ys);
            Vector256<float> sinPart1 = Avx.AndNot(firstPoly, yc);
            Vector256<float> cosPart2 = Avx.Subtract(ys, sinPart2);
            Vector256<float> cosPart1 = Avx.Subtract(yc, sinPart1);
            sin = Avx.Xor(Avx.Add(sinPart2, sinPart1), signSin);
            cos = Avx.Xor(Avx.Add(cosPart2, cosPart1), signCos);
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

    /// <summary>The C type PyTorch's random_ names in its bounds messages.</summary>
    private static string CTypeName<T>() => typeof(T) == typeof(sbyte) ? "signed char" : typeof(T) == typeof(byte) ? "unsigned char"
        : typeof(T) == typeof(short) ? "short int" : typeof(T) == typeof(int) ? "int" : typeof(T) == typeof(long) ? "long" : typeof(T).Name;

    private static void RandomFromIntegral<T>(Generator g, Span<T> dst, long low, long high, long min, long max, bool allowWide)
        where T : INumberBase<T>
    {
        CheckFromLessThanTo(low, high);
        if (low < min || low > max)
        {
            throw new ArgumentException($"from is out of bounds for {CTypeName<T>()}");
        }
        if (high - 1 < min || high - 1 > max)
        {
            throw new ArgumentException($"to - 1 is out of bounds for {CTypeName<T>()}");
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
        Fill(g, dst, new BernoulliSampler(p));
    }

    /// <summary><c>tensor.bernoulli_(p)</c> / <c>torch.bernoulli(input, p)</c> with a scalar probability (float64 output).</summary>
    internal static void Bernoulli(Generator g, Span<double> dst, double p)
    {
        ArgumentNullException.ThrowIfNull(g);
        CheckProbability(p);
        Fill(g, dst, new BernoulliSampler(p));
    }

    private readonly struct BernoulliSampler(double p) : ISampler
    {
        public double Next(Generator g) => UniformDouble01(g) < p ? 1.0 : 0.0;
    }

    /// <summary><c>torch.bernoulli(probs)</c> for float64 probabilities: one 53-bit uniform per element.</summary>
    internal static void Bernoulli(Generator g, ReadOnlySpan<double> probs, Span<double> dst) => Bernoulli<double, DoublePrecision>(g, probs, dst);

    /// <summary><c>torch.bernoulli(probs)</c> for float32 probabilities: one 24-bit uniform per element.</summary>
    internal static void Bernoulli(Generator g, ReadOnlySpan<float> probs, Span<float> dst) => Bernoulli<float, FloatPrecision>(g, probs, dst);

    private static void Bernoulli<T, TP>(Generator g, ReadOnlySpan<T> probs, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T> where TP : IPrecision<T>
    {
        ArgumentNullException.ThrowIfNull(g);
        CheckSameLength(probs.Length, dst.Length);
        lock (g.SyncRoot)
        {
            for (int i = 0; i < dst.Length; i++)
            {
                T p = probs[i];
                CheckProbability(double.CreateTruncating(p));
                dst[i] = TP.Uniform01(g) < p ? T.One : T.Zero;
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
    /// (row-major, rows need not be normalized); <paramref name="dst"/> receives <paramref name="rows"/> x
    /// <paramref name="numSamples"/> indices. As in PyTorch 1.13: without replacement, one Exp(1) key per entry is
    /// drawn for the whole matrix and the largest <c>p / key</c> win (argmax for one sample, libstdc++-ordered top-k
    /// otherwise); with replacement (any sample count), each row is sampled by binary search in its normalized
    /// cumulative distribution with one 53-bit uniform per sample.
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

        if (!replacement)
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
                throw new ArgumentException("probability tensor contains either `inf`, `nan` or element < 0");
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
                throw new ArgumentException("invalid multinomial distribution (sum of probabilities <= 0)");
            }
        }

        T[] keys = new T[probs.Length];
        lock (g.SyncRoot)
        {
            for (int i = 0; i < keys.Length; i++)
            {
                keys[i] = T.CreateTruncating(new ExponentialSampler(1.0).Next(g));
            }
        }
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = probs[i] / keys[i];
        }

        KeyIndex<T>[]? queue = numSamples > 1 ? new KeyIndex<T>[cats] : null;
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
                    queue![c] = new KeyIndex<T>(row[c], c);
                }
                LibStdCxx<T>.TopKLargest(queue!, numSamples);
                for (int s = 0; s < numSamples; s++)
                {
                    outRow[s] = queue![s].Index;
                }
            }
        }
    }

    /// <summary>NaN ranks above every number; otherwise the usual ordering.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Larger<T>(T a, T b)
        where T : IBinaryFloatingPointIeee754<T>
        => (T.IsNaN(a) && !T.IsNaN(b)) || a > b;

    private readonly record struct KeyIndex<T>(T Key, int Index);

    /// <summary>
    /// The selection and sorting routines of GCC's libstdc++ (nth_element/introselect, sort/introsort,
    /// partial_sort/heap select), reproduced step for step so that PyTorch's CPU top-k returns tied keys
    /// in the same order. The ordering is "larger key first" with NaN above everything.
    /// </summary>
    private static class LibStdCxx<T>
        where T : IBinaryFloatingPointIeee754<T>
    {
        private const int SortThreshold = 16;

        /// <summary>PyTorch's top-k (largest, sorted): moves the k best entries to the front in order.</summary>
        internal static void TopKLargest(KeyIndex<T>[] queue, int k)
        {
            int n = queue.Length;
            if ((long)k * 64 <= n)
            {
                HeapSelect(queue, 0, k, n);
                SortHeap(queue, 0, k);
            }
            else
            {
                NthElement(queue, 0, k - 1, n);
                Sort(queue, 0, k - 1);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool Before(in KeyIndex<T> x, in KeyIndex<T> y) => Larger(x.Key, y.Key);

        private static int FloorLog2(int n) => 31 - BitOperations.LeadingZeroCount((uint)n);

        private static void Swap(KeyIndex<T>[] a, int i, int j) => (a[i], a[j]) = (a[j], a[i]);

        private static void NthElement(KeyIndex<T>[] a, int first, int nth, int last)
        {
            if (first == last || nth == last)
            {
                return;
            }
            int depth = FloorLog2(last - first) * 2;
            while (last - first > 3)
            {
                if (depth == 0)
                {
                    HeapSelect(a, first, nth + 1, last);
                    Swap(a, first, nth);
                    return;
                }
                depth--;
                int cut = PartitionPivot(a, first, last);
                if (cut <= nth)
                {
                    first = cut;
                }
                else
                {
                    last = cut;
                }
            }
            InsertionSort(a, first, last);
        }

        private static void Sort(KeyIndex<T>[] a, int first, int last)
        {
            if (first == last)
            {
                return;
            }
            IntroSortLoop(a, first, last, FloorLog2(last - first) * 2);
            if (last - first > SortThreshold)
            {
                InsertionSort(a, first, first + SortThreshold);
                for (int i = first + SortThreshold; i < last; i++)
                {
                    UnguardedLinearInsert(a, i);
                }
            }
            else
            {
                InsertionSort(a, first, last);
            }
        }

        private static void IntroSortLoop(KeyIndex<T>[] a, int first, int last, int depth)
        {
            while (last - first > SortThreshold)
            {
                if (depth == 0)
                {
                    HeapSelect(a, first, last, last);
                    SortHeap(a, first, last);
                    return;
                }
                depth--;
                int cut = PartitionPivot(a, first, last);
                IntroSortLoop(a, cut, last, depth);
                last = cut;
            }
        }

        private static int PartitionPivot(KeyIndex<T>[] a, int first, int last)
        {
            int mid = first + ((last - first) / 2);
            MoveMedianToFirst(a, first, first + 1, mid, last - 1);
            return UnguardedPartition(a, first + 1, last, first);
        }

        private static void MoveMedianToFirst(KeyIndex<T>[] a, int result, int x, int y, int z)
        {
            if (Before(a[x], a[y]))
            {
                if (Before(a[y], a[z]))
                {
                    Swap(a, result, y);
                }
                else if (Before(a[x], a[z]))
                {
                    Swap(a, result, z);
                }
                else
                {
                    Swap(a, result, x);
                }
            }
            else if (Before(a[x], a[z]))
            {
                Swap(a, result, x);
            }
            else if (Before(a[y], a[z]))
            {
                Swap(a, result, z);
            }
            else
            {
                Swap(a, result, y);
            }
        }

        private static int UnguardedPartition(KeyIndex<T>[] a, int first, int last, int pivot)
        {
            while (true)
            {
                while (Before(a[first], a[pivot]))
                {
                    first++;
                }
                last--;
                while (Before(a[pivot], a[last]))
                {
                    last--;
                }
                if (first >= last)
                {
                    return first;
                }
                Swap(a, first, last);
                first++;
            }
        }

        private static void InsertionSort(KeyIndex<T>[] a, int first, int last)
        {
            if (first == last)
            {
                return;
            }
            for (int i = first + 1; i != last; i++)
            {
                if (Before(a[i], a[first]))
                {
                    KeyIndex<T> value = a[i];
                    Array.Copy(a, first, a, first + 1, i - first);
                    a[first] = value;
                }
                else
                {
                    UnguardedLinearInsert(a, i);
                }
            }
        }

        private static void UnguardedLinearInsert(KeyIndex<T>[] a, int last)
        {
            KeyIndex<T> value = a[last];
            int next = last - 1;
            while (Before(value, a[next]))
            {
                a[last] = a[next];
                last = next;
                next--;
            }
            a[last] = value;
        }

        private static void HeapSelect(KeyIndex<T>[] a, int first, int middle, int last)
        {
            MakeHeap(a, first, middle);
            for (int i = middle; i < last; i++)
            {
                if (Before(a[i], a[first]))
                {
                    PopHeap(a, first, middle, i);
                }
            }
        }

        private static void MakeHeap(KeyIndex<T>[] a, int first, int last)
        {
            int len = last - first;
            if (len < 2)
            {
                return;
            }
            int parent = (len - 2) / 2;
            while (true)
            {
                AdjustHeap(a, first, parent, len, a[first + parent]);
                if (parent == 0)
                {
                    return;
                }
                parent--;
            }
        }

        private static void SortHeap(KeyIndex<T>[] a, int first, int last)
        {
            while (last - first > 1)
            {
                last--;
                PopHeap(a, first, last, last);
            }
        }

        private static void PopHeap(KeyIndex<T>[] a, int first, int last, int result)
        {
            KeyIndex<T> value = a[result];
            a[result] = a[first];
            AdjustHeap(a, first, 0, last - first, value);
        }

        private static void AdjustHeap(KeyIndex<T>[] a, int first, int hole, int len, KeyIndex<T> value)
        {
            int top = hole;
            int child = hole;
            while (child < (len - 1) / 2)
            {
                child = 2 * (child + 1);
                if (Before(a[first + child], a[first + child - 1]))
                {
                    child--;
                }
                a[first + hole] = a[first + child];
                hole = child;
            }
            if ((len & 1) == 0 && child == (len - 2) / 2)
            {
                child = 2 * (child + 1);
                a[first + hole] = a[first + child - 1];
                hole = child - 1;
            }
            int parent = (hole - 1) / 2;
            while (hole > top && Before(a[first + parent], value))
            {
                a[first + hole] = a[first + parent];
                hole = parent;
                parent = (hole - 1) / 2;
            }
            a[first + hole] = value;
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
                    throw new ArgumentException("invalid multinomial distribution (sum of probabilities <= 0)");
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
    internal static void Exponential(Generator g, Span<float> dst, double lambda) { CheckLambda(lambda); Fill(g, dst, new ExponentialSampler(lambda)); }

    /// <summary><c>tensor.exponential_(lambd)</c> for float64.</summary>
    internal static void Exponential(Generator g, Span<double> dst, double lambda) { CheckLambda(lambda); Fill(g, dst, new ExponentialSampler(lambda)); }

    private readonly struct ExponentialSampler(double lambda) : ISampler
    {
        public double Next(Generator g) => -1.0 / lambda * Math.Log(1.0 - UniformDouble01(g));
    }

    private static void CheckLambda(double lambda)
    {
        if (!(lambda >= 0.0))
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "exponential_ expects lambda >= 0.0.");
        }
    }

    /// <summary><c>tensor.geometric_(p)</c> for float32.</summary>
    internal static void Geometric(Generator g, Span<float> dst, double p) { CheckGeometricP(p); Fill(g, dst, new GeometricSampler(p)); }

    /// <summary><c>tensor.geometric_(p)</c> for float64.</summary>
    internal static void Geometric(Generator g, Span<double> dst, double p) { CheckGeometricP(p); Fill(g, dst, new GeometricSampler(p)); }

    /// <summary><c>tensor.geometric_(p)</c> for int64.</summary>
    internal static void Geometric(Generator g, Span<long> dst, double p) { CheckGeometricP(p); Fill(g, dst, new GeometricSampler(p)); }

    private readonly struct GeometricSampler(double p) : ISampler
    {
        public double Next(Generator g) => Math.Ceiling(Math.Log(UniformDouble01(g)) / Math.Log(1.0 - p));
    }

    private static void CheckGeometricP(double p)
    {
        if (!(p > 0.0 && p < 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "geometric_ expects p to be in (0, 1).");
        }
    }

    /// <summary><c>tensor.log_normal_(mean, std)</c> for float32 (shares the cached Box-Muller sample).</summary>
    internal static void LogNormal(Generator g, Span<float> dst, double mean, double std) { CheckLogNormalStd(std); Fill(g, dst, new LogNormalSampler(mean, std)); }

    /// <summary><c>tensor.log_normal_(mean, std)</c> for float64 (shares the cached Box-Muller sample).</summary>
    internal static void LogNormal(Generator g, Span<double> dst, double mean, double std) { CheckLogNormalStd(std); Fill(g, dst, new LogNormalSampler(mean, std)); }

    private readonly struct LogNormalSampler(double mean, double std) : ISampler
    {
        public double Next(Generator g) => Math.Exp(NormalDouble(g, mean, std));
    }

    private static void CheckLogNormalStd(double std)
    {
        if (!(std > 0.0))
        {
            throw new ArgumentOutOfRangeException(nameof(std), std, "log_normal_ expects std > 0.0.");
        }
    }

    /// <summary><c>tensor.cauchy_(median, sigma)</c> for float32.</summary>
    internal static void Cauchy(Generator g, Span<float> dst, double median, double sigma) => Fill(g, dst, new CauchySampler(median, sigma));

    /// <summary><c>tensor.cauchy_(median, sigma)</c> for float64.</summary>
    internal static void Cauchy(Generator g, Span<double> dst, double median, double sigma) => Fill(g, dst, new CauchySampler(median, sigma));

    private readonly struct CauchySampler(double median, double sigma) : ISampler
    {
        public double Next(Generator g) => Math.FusedMultiplyAdd(sigma, Math.Tan(Math.PI * (UniformDouble01(g) - 0.5)), median);
    }

    /// <summary>One draw of a distribution computed in double precision.</summary>
    private interface ISampler
    {
        double Next(Generator g);
    }

    /// <summary>Fills <paramref name="dst"/> with draws of <paramref name="s"/>, each rounded to the output type.</summary>
    private static void Fill<T, TS>(Generator g, Span<T> dst, TS s) where T : INumber<T> where TS : struct, ISampler
    {
        lock (NotNull(g).SyncRoot)
        {
            for (int i = 0; i < dst.Length; i++)
            {
                dst[i] = T.CreateTruncating(s.Next(g));
            }
        }
    }

    private static Generator NotNull(Generator g)
    {
        ArgumentNullException.ThrowIfNull(g);
        return g;
    }
}

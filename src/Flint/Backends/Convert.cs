using System.Runtime.CompilerServices;

namespace Flint.Backends;

/// <summary>
/// Element conversion with PyTorch's casting behaviour on x86: integers wrap, floats truncate toward zero,
/// anything nonzero (NaN too) is true. The type tests fold away when the JIT specializes each pair.
/// </summary>
internal static class Convert
{
    // a reinterpretation between T and the type the test above it proved T to be: unlike (T)(object)x it never boxes,
    // not even in the first, unoptimised compilation of a method
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TTo As<TFrom, TTo>(TFrom v) => Unsafe.As<TFrom, TTo>(ref v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsFloat<T>() =>
        typeof(T) == typeof(float) || typeof(T) == typeof(double) || typeof(T) == typeof(Half) || typeof(T) == typeof(BFloat16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double ToDouble<T>(T v)
    {
        if (typeof(T) == typeof(float)) return As<T, float>(v);
        if (typeof(T) == typeof(double)) return As<T, double>(v);
        if (typeof(T) == typeof(Half)) return (double)As<T, Half>(v);
        if (typeof(T) == typeof(BFloat16)) return (float)As<T, BFloat16>(v);
        return ToLong(v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long ToLong<T>(T v)
    {
        if (typeof(T) == typeof(long)) return As<T, long>(v);
        if (typeof(T) == typeof(int)) return As<T, int>(v);
        if (typeof(T) == typeof(short)) return As<T, short>(v);
        if (typeof(T) == typeof(sbyte)) return As<T, sbyte>(v);
        if (typeof(T) == typeof(byte)) return As<T, byte>(v);
        if (typeof(T) == typeof(bool)) return As<T, bool>(v) ? 1 : 0;
        return DoubleToLong(ToDouble(v));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long DoubleToLong(double d) =>
        d >= -9.2233720368547758E18 && d < 9.2233720368547758E18 ? (long)d : long.MinValue;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int DoubleToInt(double d) => d > -2147483649.0 && d < 2147483648.0 ? (int)d : int.MinValue;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T FromDouble<T>(double d)
    {
        if (typeof(T) == typeof(float)) return As<float, T>((float)d);
        if (typeof(T) == typeof(double)) return As<double, T>(d);
        if (typeof(T) == typeof(Half)) return As<Half, T>((Half)(float)d);
        if (typeof(T) == typeof(BFloat16)) return As<BFloat16, T>((BFloat16)(float)d);
        if (typeof(T) == typeof(bool)) return As<bool, T>((d != 0 || double.IsNaN(d)));
        if (typeof(T) == typeof(long)) return As<long, T>(DoubleToLong(d));
        if (typeof(T) == typeof(int)) return As<int, T>(DoubleToInt(d));
        if (typeof(T) == typeof(short)) return As<short, T>(unchecked((short)DoubleToInt(d)));
        if (typeof(T) == typeof(sbyte)) return As<sbyte, T>(unchecked((sbyte)DoubleToInt(d)));
        // PyTorch converts floating values to uint8 through int64 (the other narrow types go through int32)
        if (typeof(T) == typeof(byte)) return As<byte, T>(unchecked((byte)DoubleToLong(d)));
        throw new NotSupportedException(typeof(T).Name);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T FromLong<T>(long l)
    {
        if (typeof(T) == typeof(long)) return As<long, T>(l);
        if (typeof(T) == typeof(int)) return As<int, T>(unchecked((int)l));
        if (typeof(T) == typeof(short)) return As<short, T>(unchecked((short)l));
        if (typeof(T) == typeof(sbyte)) return As<sbyte, T>(unchecked((sbyte)l));
        if (typeof(T) == typeof(byte)) return As<byte, T>(unchecked((byte)l));
        if (typeof(T) == typeof(bool)) return As<bool, T>((l != 0));
        if (typeof(T) == typeof(float)) return As<float, T>((float)l);
        if (typeof(T) == typeof(double)) return As<double, T>((double)l);
        if (typeof(T) == typeof(Half)) return As<Half, T>((Half)(float)l);
        if (typeof(T) == typeof(BFloat16)) return As<BFloat16, T>((BFloat16)(float)l);
        throw new NotSupportedException(typeof(T).Name);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TDst To<TSrc, TDst>(TSrc v)
    {
        if (typeof(TSrc) == typeof(TDst)) return Unsafe.As<TSrc, TDst>(ref v);
        if (typeof(TSrc) == typeof(float) && typeof(TDst) == typeof(Half)) return As<Half, TDst>((Half)As<TSrc, float>(v));
        if (IsFloat<TSrc>()) return FromDouble<TDst>(ToDouble(v));
        return FromLong<TDst>(ToLong(v));
    }

    internal static T FromScalar<T>(Scalar s) => s.IsFloating ? FromDouble<T>(s.Double) : FromLong<T>(s.Long);
}

using System.Runtime.CompilerServices;

namespace Flint.Backends;

/// <summary>
/// Element conversion with PyTorch's casting behaviour on x86: integers wrap, floats truncate toward zero,
/// anything nonzero (NaN too) is true. The type tests fold away when the JIT specializes each pair.
/// </summary>
internal static class Convert
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsFloat<T>() =>
        typeof(T) == typeof(float) || typeof(T) == typeof(double) || typeof(T) == typeof(Half) || typeof(T) == typeof(BFloat16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double ToDouble<T>(T v)
    {
        if (typeof(T) == typeof(float)) return (float)(object)v!;
        if (typeof(T) == typeof(double)) return (double)(object)v!;
        if (typeof(T) == typeof(Half)) return (double)(Half)(object)v!;
        if (typeof(T) == typeof(BFloat16)) return (float)(BFloat16)(object)v!;
        return ToLong(v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long ToLong<T>(T v)
    {
        if (typeof(T) == typeof(long)) return (long)(object)v!;
        if (typeof(T) == typeof(int)) return (int)(object)v!;
        if (typeof(T) == typeof(short)) return (short)(object)v!;
        if (typeof(T) == typeof(sbyte)) return (sbyte)(object)v!;
        if (typeof(T) == typeof(byte)) return (byte)(object)v!;
        if (typeof(T) == typeof(bool)) return (bool)(object)v! ? 1 : 0;
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
        if (typeof(T) == typeof(float)) return (T)(object)(float)d;
        if (typeof(T) == typeof(double)) return (T)(object)d;
        if (typeof(T) == typeof(Half)) return (T)(object)(Half)(float)d;
        if (typeof(T) == typeof(BFloat16)) return (T)(object)(BFloat16)(float)d;
        if (typeof(T) == typeof(bool)) return (T)(object)(d != 0 || double.IsNaN(d));
        if (typeof(T) == typeof(long)) return (T)(object)DoubleToLong(d);
        if (typeof(T) == typeof(int)) return (T)(object)DoubleToInt(d);
        if (typeof(T) == typeof(short)) return (T)(object)unchecked((short)DoubleToInt(d));
        if (typeof(T) == typeof(sbyte)) return (T)(object)unchecked((sbyte)DoubleToInt(d));
        // PyTorch converts floating values to uint8 through int64 (the other narrow types go through int32)
        if (typeof(T) == typeof(byte)) return (T)(object)unchecked((byte)DoubleToLong(d));
        throw new NotSupportedException(typeof(T).Name);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T FromLong<T>(long l)
    {
        if (typeof(T) == typeof(long)) return (T)(object)l;
        if (typeof(T) == typeof(int)) return (T)(object)unchecked((int)l);
        if (typeof(T) == typeof(short)) return (T)(object)unchecked((short)l);
        if (typeof(T) == typeof(sbyte)) return (T)(object)unchecked((sbyte)l);
        if (typeof(T) == typeof(byte)) return (T)(object)unchecked((byte)l);
        if (typeof(T) == typeof(bool)) return (T)(object)(l != 0);
        if (typeof(T) == typeof(float)) return (T)(object)(float)l;
        if (typeof(T) == typeof(double)) return (T)(object)(double)l;
        if (typeof(T) == typeof(Half)) return (T)(object)(Half)(float)l;
        if (typeof(T) == typeof(BFloat16)) return (T)(object)(BFloat16)(float)l;
        throw new NotSupportedException(typeof(T).Name);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TDst To<TSrc, TDst>(TSrc v)
    {
        if (typeof(TSrc) == typeof(TDst)) return Unsafe.As<TSrc, TDst>(ref v);
        if (typeof(TSrc) == typeof(float) && typeof(TDst) == typeof(Half)) return (TDst)(object)(Half)(float)(object)v!;
        if (IsFloat<TSrc>()) return FromDouble<TDst>(ToDouble(v));
        return FromLong<TDst>(ToLong(v));
    }

    internal static T FromScalar<T>(Scalar s) => s.IsFloating ? FromDouble<T>(s.Double) : FromLong<T>(s.Long);
}

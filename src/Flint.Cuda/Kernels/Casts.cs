namespace Flint.Cuda.Kernels;

// Element conversion as PyTorch casts on x86 (the CPU backend's rules): integers wrap, floats truncate toward zero
// (out of range: the integer minimum, through int32 for the narrow types and through int64 for uint8), anything
// nonzero (NaN too) is true. A reader widens a source element, a writer narrows to the destination; the pairs are
// plain casts, which every ILGPU backend compiles.

/// <summary>Widens one element type: to long (integer sources) or to double (float sources).</summary>
internal interface IRead<T> where T : unmanaged
{
    static abstract long L(T v);
    static abstract double D(T v);
}

/// <summary>Narrows to one element type from long or double.</summary>
internal interface IWrite<T> where T : unmanaged
{
    static abstract T FromLong(long l);
    static abstract T FromDouble(double d);
}

internal static class CastRules
{
    public static long DoubleToLong(double d) => d >= -9.2233720368547758E18 && d < 9.2233720368547758E18 ? (long)d : long.MinValue;
    public static int DoubleToInt(double d) => d > -2147483649.0 && d < 2147483648.0 ? (int)d : int.MinValue;
}

internal struct ReadF32 : IRead<float> { public static long L(float v) => CastRules.DoubleToLong(v); public static double D(float v) => v; }
internal struct ReadF64 : IRead<double> { public static long L(double v) => CastRules.DoubleToLong(v); public static double D(double v) => v; }
internal struct ReadI64 : IRead<long> { public static long L(long v) => v; public static double D(long v) => v; }
internal struct ReadI32 : IRead<int> { public static long L(int v) => v; public static double D(int v) => v; }
internal struct ReadI16 : IRead<short> { public static long L(short v) => v; public static double D(short v) => v; }
internal struct ReadI8 : IRead<sbyte> { public static long L(sbyte v) => v; public static double D(sbyte v) => v; }
internal struct ReadU8 : IRead<byte> { public static long L(byte v) => v; public static double D(byte v) => v; }

internal struct WriteF32 : IWrite<float> { public static float FromLong(long l) => l; public static float FromDouble(double d) => (float)d; }
internal struct WriteF64 : IWrite<double> { public static double FromLong(long l) => l; public static double FromDouble(double d) => d; }
internal struct WriteI64 : IWrite<long> { public static long FromLong(long l) => l; public static long FromDouble(double d) => CastRules.DoubleToLong(d); }
internal struct WriteI32 : IWrite<int> { public static int FromLong(long l) => unchecked((int)l); public static int FromDouble(double d) => CastRules.DoubleToInt(d); }
internal struct WriteI16 : IWrite<short> { public static short FromLong(long l) => unchecked((short)l); public static short FromDouble(double d) => unchecked((short)CastRules.DoubleToInt(d)); }
internal struct WriteI8 : IWrite<sbyte> { public static sbyte FromLong(long l) => unchecked((sbyte)l); public static sbyte FromDouble(double d) => unchecked((sbyte)CastRules.DoubleToInt(d)); }
internal struct WriteU8 : IWrite<byte> { public static byte FromLong(long l) => unchecked((byte)l); public static byte FromDouble(double d) => unchecked((byte)CastRules.DoubleToLong(d)); }
internal struct WriteBool : IWrite<byte> { public static byte FromLong(long l) => l != 0 ? (byte)1 : (byte)0; public static byte FromDouble(double d) => d != 0 || double.IsNaN(d) ? (byte)1 : (byte)0; }

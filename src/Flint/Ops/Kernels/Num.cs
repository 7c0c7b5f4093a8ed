using System.Numerics;
using System.Runtime.CompilerServices;

namespace Flint.Ops.Kernels;

/// <summary>Float helpers usable from INumber-generic kernels; the type tests fold away per instantiation.</summary>
internal static class Num
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsFloat<T>() => typeof(T) == typeof(float) || typeof(T) == typeof(double);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Fmod<T>(T a, T b) where T : INumber<T>
    {
        if (typeof(T) == typeof(float)) return (T)(object)((float)(object)a! % (float)(object)b!);
        if (typeof(T) == typeof(double)) return (T)(object)((double)(object)a! % (double)(object)b!);
        return a % b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Floor<T>(T a) where T : INumber<T>
    {
        if (typeof(T) == typeof(float)) return (T)(object)MathF.Floor((float)(object)a!);
        if (typeof(T) == typeof(double)) return (T)(object)Math.Floor((double)(object)a!);
        return a;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Trunc<T>(T a) where T : INumber<T>
    {
        if (typeof(T) == typeof(float)) return (T)(object)MathF.Truncate((float)(object)a!);
        if (typeof(T) == typeof(double)) return (T)(object)Math.Truncate((double)(object)a!);
        return a;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T CopySign<T>(T a, T b) where T : INumber<T>
    {
        if (typeof(T) == typeof(float)) return (T)(object)MathF.CopySign((float)(object)a!, (float)(object)b!);
        if (typeof(T) == typeof(double)) return (T)(object)Math.CopySign((double)(object)a!, (double)(object)b!);
        return a;
    }

    /// <summary>b == -1 for signed types (for unsigned ones -1 would wrap to the maximum, which is not −1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsMinusOne<T>(T b) where T : INumber<T> => T.IsNegative(b) && b == -T.One;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsNaN<T>(T a) where T : INumber<T> => T.IsNaN(a);
}

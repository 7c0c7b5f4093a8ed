using System.Numerics;
using System.Runtime.CompilerServices;
using Flint.Ops.Kernels;

namespace Flint.Backends.Cpu;

// Element functions: one face over every elementwise kernel family, so each walk (flat, parallel flat, tiled,
// strided rows) is written once, generic over T and a struct F. Each adapter forwards to its op struct's
// static members, so for a given T and TOp the JIT compiles the walk with TOp.Apply and TOp.Span called
// directly (and inlined), as if the walk had been written for that family.

/// <summary>y = f(x) with an optional fast route over a contiguous run.</summary>
internal interface IUnaryFn<T> where T : unmanaged
{
    static abstract T Apply(T x);
    /// <summary>Computes a whole contiguous run by the op's span or vector code; false when it has none.</summary>
    static abstract bool Run(VectorPath path, ref T x, ref T y, int n);
}

/// <summary>y = f(a, b) with an optional fast route over a contiguous run.</summary>
internal interface IBinaryFn<T> where T : unmanaged
{
    static abstract KernelId Kernel { get; }
    static abstract T Apply(T a, T b);
    static abstract bool Span(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y);
}

/// <summary>y = f(x; a, b, c) with three scalar parameters.</summary>
internal interface IUnaryArgsFn<T> where T : unmanaged
{
    static abstract T Apply(T x, T a, T b, T c);
}

internal readonly struct FloatUnaryFn<T, TOp> : IUnaryFn<T> where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatUnaryKernel
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Apply(T x) => TOp.Apply(x);

    public static bool Run(VectorPath path, ref T x, ref T y, int n) =>
        path != VectorPath.Scalar && TOp.Span<T>(System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref x, n),
            System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref y, n))
        || VectorMath.TryUnary<T, TOp>(path, ref x, ref y, n);
}

internal readonly struct NumericUnaryFn<T, TOp> : IUnaryFn<T> where T : unmanaged, INumber<T> where TOp : INumericUnaryKernel
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Apply(T x) => TOp.Apply(x);

    public static bool Run(VectorPath path, ref T x, ref T y, int n) =>
        path != VectorPath.Scalar && TOp.Span<T>(System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref x, n),
            System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref y, n));
}

internal readonly struct FloatBinaryFn<T, TOp> : IBinaryFn<T> where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatBinaryKernel
{
    public static KernelId Kernel => TOp.Kernel;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Apply(T a, T b) => TOp.Apply(a, b);
    public static bool Span(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) => TOp.Span(a, b, y);
}

internal readonly struct NumericBinaryFn<T, TOp> : IBinaryFn<T> where T : unmanaged, INumber<T> where TOp : INumericBinaryKernel
{
    public static KernelId Kernel => TOp.Kernel;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Apply(T a, T b) => TOp.Apply(a, b);
    public static bool Span(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) => TOp.Span(a, b, y);
}

internal readonly struct FloatUnaryArgsFn<T, TOp> : IUnaryArgsFn<T> where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatUnaryArgsKernel
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Apply(T x, T a, T b, T c) => TOp.Apply(x, a, b, c);
}

internal readonly struct NumericUnaryArgsFn<T, TOp> : IUnaryArgsFn<T> where T : unmanaged, INumber<T> where TOp : INumericUnaryArgsKernel
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Apply(T x, T a, T b, T c) => TOp.Apply(x, a, b, c);
}

/// <summary>y = f(a, b) with a result type of its own (bool for comparisons), no fast route.</summary>
internal interface IBinaryMapFn<T, TY> where T : unmanaged where TY : unmanaged
{
    static abstract TY Apply(T a, T b);
    /// <summary>An optional vector loop over a row y[i] = f(a[i·sa], b[i·sb]) with y contiguous; false declines.</summary>
    static virtual bool Row(VectorPath path, ref T a, long sa, ref T b, long sb, ref TY y, long n) => false;
}

internal readonly struct IntegerBinaryFn<T, TOp> : IBinaryMapFn<T, T> where T : unmanaged, IBinaryInteger<T> where TOp : IIntegerBinaryKernel
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Apply(T a, T b) => TOp.Apply(a, b);
}

internal readonly struct CompareFn<T, TOp> : IBinaryMapFn<T, bool> where T : unmanaged, INumber<T> where TOp : ICompareKernel
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Apply(T a, T b) => TOp.Apply(a, b);
    public static bool Row(VectorPath path, ref T a, long sa, ref T b, long sb, ref bool y, long n) =>
        CompareKernels.Run(CompareKernels.Kind(TOp.Kernel), path, ref a, sa, ref b, sb, ref y, n);
}

using System.Numerics;
using System.Runtime.CompilerServices;

namespace Flint.Backends;

// The one place a dtype becomes a .NET element type. A kernel that runs for several dtypes writes its body once,
// generic over T, inside a struct visitor, and hands the visitor to the dispatch of the dtype set it supports;
// the dispatch calls Visit<T> with the element type of the dtype or refuses it with PyTorch's
// "\"op\" not implemented for 'Half'" message. The visitor is a struct type parameter, so the JIT compiles one
// copy of the dispatch per visitor and the Visit<T> call is direct (no boxing, no delegate, no allocation).
// Each set is one flat switch: allocation and the small elementwise ops dispatch on every call, and a set
// composed of smaller ones (numeric = floating + integral through adapter visitors) adds a test and copies there.

/// <summary>A kernel body for any element type: all ten dtypes, bool and the half types included.</summary>
public interface IAnyTypeVisitor
{
    /// <summary>The body, run with <typeparamref name="T"/> the dtype's C# element type.</summary>
    void Visit<T>() where T : unmanaged;
}

/// <summary>A kernel body for the numeric dtypes with arithmetic (float32, float64 and the integer types).</summary>
public interface INumericVisitor
{
    /// <summary>The body, run with <typeparamref name="T"/> the dtype's C# element type.</summary>
    void Visit<T>() where T : unmanaged, INumber<T>;
}

/// <summary>A kernel body for the floating dtypes with full IEEE arithmetic (float32, float64).</summary>
public interface IFloatVisitor
{
    /// <summary>The body, run with <typeparamref name="T"/> the dtype's C# element type.</summary>
    void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>A kernel body for the integer dtypes (int64, int32, int16, int8, uint8).</summary>
public interface IIntegerVisitor
{
    /// <summary>The body, run with <typeparamref name="T"/> the dtype's C# element type.</summary>
    void Visit<T>() where T : unmanaged, IBinaryInteger<T>;
}

/// <summary>Runs a struct visitor for the element type of a dtype (see the file comment).</summary>
public static class DTypeDispatch
{
    /// <summary>PyTorch's refusal of a dtype a kernel has no implementation for.</summary>
    public static NotSupportedException NotImplemented(string op, DType dtype) =>
        new($"\"{op}\" not implemented for '{dtype.LegacyName}'");

    /// <summary>Visits with the element type of any dtype; returns the visitor (with whatever it recorded).</summary>
    public static TV All<TV>(DType dtype, TV v) where TV : struct, IAnyTypeVisitor
    {
        All(dtype, ref v);
        return v;
    }

    /// <summary><see cref="All{TV}(DType, TV)"/> on a visitor in the caller's variable (nothing copied).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void All<TV>(DType dtype, ref TV v) where TV : struct, IAnyTypeVisitor, allows ref struct
    {
        switch (dtype.scalar_type)
        {
            case ScalarType.Float32: v.Visit<float>(); return;
            case ScalarType.Float64: v.Visit<double>(); return;
            case ScalarType.Float16: v.Visit<Half>(); return;
            case ScalarType.BFloat16: v.Visit<BFloat16>(); return;
            case ScalarType.Int64: v.Visit<long>(); return;
            case ScalarType.Int32: v.Visit<int>(); return;
            case ScalarType.Int16: v.Visit<short>(); return;
            case ScalarType.Int8: v.Visit<sbyte>(); return;
            case ScalarType.UInt8: v.Visit<byte>(); return;
            case ScalarType.Bool: v.Visit<bool>(); return;
            default: throw new NotSupportedException(dtype.ToString());
        }
    }

    /// <summary>Visits with float, double, long, int, short, sbyte or byte; refuses bool and the half types.</summary>
    public static TV Numeric<TV>(DType dtype, string op, TV v) where TV : struct, INumericVisitor
    {
        Numeric(dtype, op, ref v);
        return v;
    }

    /// <summary>
    /// <see cref="Numeric{TV}(DType, string, TV)"/> on a visitor in the caller's variable: nothing is copied, which the
    /// per-call path of the elementwise kernels wants (a visitor holding three layouts is 96 bytes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Numeric<TV>(DType dtype, string op, ref TV v) where TV : struct, INumericVisitor, allows ref struct
    {
        switch (dtype.scalar_type)
        {
            case ScalarType.Float32: v.Visit<float>(); return;
            case ScalarType.Float64: v.Visit<double>(); return;
            case ScalarType.Int64: v.Visit<long>(); return;
            case ScalarType.Int32: v.Visit<int>(); return;
            case ScalarType.Int16: v.Visit<short>(); return;
            case ScalarType.Int8: v.Visit<sbyte>(); return;
            case ScalarType.UInt8: v.Visit<byte>(); return;
            default: throw NotImplemented(op, dtype);
        }
    }

    /// <summary><see cref="Floating{TV}(DType, string, TV)"/> on a visitor in the caller's variable (nothing copied).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Floating<TV>(DType dtype, string op, ref TV v) where TV : struct, IFloatVisitor, allows ref struct
    {
        switch (dtype.scalar_type)
        {
            case ScalarType.Float32: v.Visit<float>(); return;
            case ScalarType.Float64: v.Visit<double>(); return;
            default: throw NotImplemented(op, dtype);
        }
    }

    /// <summary>Visits with float or double; refuses every other dtype.</summary>
    public static TV Floating<TV>(DType dtype, string op, TV v) where TV : struct, IFloatVisitor
    {
        Floating(dtype, op, ref v);
        return v;
    }

    /// <summary>Visits with long, int, short, sbyte or byte; refuses every other dtype.</summary>
    public static TV Integral<TV>(DType dtype, string op, TV v) where TV : struct, IIntegerVisitor
    {
        switch (dtype.scalar_type)
        {
            case ScalarType.Int64: v.Visit<long>(); return v;
            case ScalarType.Int32: v.Visit<int>(); return v;
            case ScalarType.Int16: v.Visit<short>(); return v;
            case ScalarType.Int8: v.Visit<sbyte>(); return v;
            case ScalarType.UInt8: v.Visit<byte>(); return v;
            default: throw NotImplemented(op, dtype);
        }
    }
}

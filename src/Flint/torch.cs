namespace Flint;

/// <summary>
/// PyTorch's <c>torch</c> namespace: dtypes, tensor creation and every op in function form, with PyTorch's
/// names so Python code ports line by line.
/// </summary>
public static partial class torch
{
    /// <summary>The library's version, like <c>torch.__version__</c>: the package version, e.g. <c>0.2.0-preview.1</c>.</summary>
    public const string __version__ = PackageVersion.Value;

    /// <summary>Single precision, <c>torch.float32</c> (<c>torch.float</c>).</summary>
    public static readonly DType float32 = DType.Float32, @float = DType.Float32;
    /// <summary>Double precision, <c>torch.float64</c> (<c>torch.double</c>).</summary>
    public static readonly DType float64 = DType.Float64, @double = DType.Float64;
    /// <summary>Half precision, <c>torch.float16</c> (<c>torch.half</c>).</summary>
    public static readonly DType float16 = DType.Float16, half = DType.Float16;
    /// <summary>Brain floating point, <c>torch.bfloat16</c>.</summary>
    public static readonly DType bfloat16 = DType.BFloat16;
    /// <summary>64-bit integers, <c>torch.int64</c> (<c>torch.long</c>).</summary>
    public static readonly DType int64 = DType.Int64, @long = DType.Int64;
    /// <summary>32-bit integers, <c>torch.int32</c> (<c>torch.int</c>).</summary>
    public static readonly DType int32 = DType.Int32, @int = DType.Int32;
    /// <summary>16-bit integers, <c>torch.int16</c> (<c>torch.short</c>).</summary>
    public static readonly DType int16 = DType.Int16, @short = DType.Int16;
    /// <summary>8-bit signed integers, <c>torch.int8</c>.</summary>
    public static readonly DType int8 = DType.Int8;
    /// <summary>8-bit unsigned integers, <c>torch.uint8</c>.</summary>
    public static readonly DType uint8 = DType.UInt8;
    /// <summary>Booleans, <c>torch.bool</c>.</summary>
    public static readonly DType @bool = DType.Bool;

    /// <summary>The dtype floating tensors get when none is given (float32 unless changed), as <c>torch.get_default_dtype()</c>.</summary>
    public static DType get_default_dtype() => DefaultDType.Value;

    /// <summary>Sets the default floating dtype (float32, float64, float16 or bfloat16), as <c>torch.set_default_dtype</c>.</summary>
    public static void set_default_dtype(DType d)
    {
        if (d != DType.Float32 && d != DType.Float64 && d != DType.Float16 && d != DType.BFloat16)
            throw new ArgumentException($"only floating-point types are supported as the default type");
        DefaultDType.Value = d;
    }

    /// <summary>A device from a string (<c>"cpu"</c>, <c>"cuda:0"</c>, <c>"meta"</c>), as <c>torch.device(spec)</c>.</summary>
    public static Device device(string spec) => new(spec);
    /// <summary>A device of a type and index, as <c>torch.device("cuda", 0)</c>.</summary>
    public static Device device(string type, int index) =>
        index < 0 ? throw new ArgumentException("Device index must not be negative") : new($"{type}:{index}");

    /// <summary>Whether <paramref name="o"/> is a tensor, as <c>torch.is_tensor</c>.</summary>
    public static bool is_tensor(object? o) => o is Tensor;
    /// <summary>Whether <paramref name="t"/> has a floating dtype, as <c>torch.is_floating_point</c>.</summary>
    public static bool is_floating_point(Tensor t) => t.is_floating_point();
    /// <summary>The number of elements of <paramref name="t"/>, as <c>torch.numel</c>.</summary>
    public static long numel(Tensor t) => t.numel();

    /// <summary>The smallest dtype both <paramref name="a"/> and <paramref name="b"/> convert to, as <c>torch.promote_types</c>.</summary>
    public static DType promote_types(DType a, DType b) => Ops.TypePromotion.Promote(a, b);
    /// <summary>The dtype an op on two tensors gives (type promotion), as <c>torch.result_type</c>.</summary>
    public static DType result_type(Tensor a, Tensor b) => Ops.TypePromotion.ResultType(a, b);
    /// <summary>The dtype an op on a tensor and a number gives, as <c>torch.result_type</c>.</summary>
    public static DType result_type(Tensor a, Scalar b) => Ops.TypePromotion.ResultType(a, Scalars.Wrap(b));
    /// <summary>Whether casting <paramref name="from"/> to <paramref name="to"/> is allowed by PyTorch's casting rules (no float to integer, no to-bool demotion), as <c>torch.can_cast</c>.</summary>
    public static bool can_cast(DType from, DType to) => Ops.TypePromotion.CanCast(from, to);
}

/// <summary>The dtype floating-point factories default to (torch.get_default_dtype / set_default_dtype).</summary>
internal static class DefaultDType
{
    internal static DType Value = DType.Float32;
}

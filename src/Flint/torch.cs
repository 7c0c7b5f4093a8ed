namespace Flint;

/// <summary>
/// PyTorch's <c>torch</c> namespace: dtypes, tensor creation and every op in function form, with PyTorch's
/// names so Python code ports line by line.
/// </summary>
public static partial class torch
{
    /// <summary>The library's version, like <c>torch.__version__</c>.</summary>
    public const string __version__ = "0.1.0";

    public static readonly DType float32 = DType.Float32, @float = DType.Float32;
    public static readonly DType float64 = DType.Float64, @double = DType.Float64;
    public static readonly DType float16 = DType.Float16, half = DType.Float16;
    public static readonly DType bfloat16 = DType.BFloat16;
    public static readonly DType int64 = DType.Int64, @long = DType.Int64;
    public static readonly DType int32 = DType.Int32, @int = DType.Int32;
    public static readonly DType int16 = DType.Int16, @short = DType.Int16;
    public static readonly DType int8 = DType.Int8;
    public static readonly DType uint8 = DType.UInt8;
    public static readonly DType @bool = DType.Bool;

    public static DType get_default_dtype() => DefaultDType.Value;

    public static void set_default_dtype(DType d)
    {
        if (d != DType.Float32 && d != DType.Float64 && d != DType.Float16 && d != DType.BFloat16)
            throw new ArgumentException($"only floating-point types are supported as the default type");
        DefaultDType.Value = d;
    }

    public static Device device(string spec) => new(spec);
    public static Device device(string type, int index) =>
        index < 0 ? throw new ArgumentException("Device index must not be negative") : new($"{type}:{index}");

    public static bool is_tensor(object? o) => o is Tensor;
    public static bool is_floating_point(Tensor t) => t.is_floating_point();
    public static long numel(Tensor t) => t.numel();

    public static DType promote_types(DType a, DType b) => Ops.TypePromotion.Promote(a, b);
    public static DType result_type(Tensor a, Tensor b) => Ops.TypePromotion.ResultType(a, b);
    public static DType result_type(Tensor a, Scalar b) => Ops.TypePromotion.ResultType(a, Scalars.Wrap(b));
    public static bool can_cast(DType from, DType to) => Ops.TypePromotion.CanCast(from, to);
}

/// <summary>The dtype floating-point factories default to (torch.get_default_dtype / set_default_dtype).</summary>
internal static class DefaultDType
{
    internal static DType Value = DType.Float32;
}

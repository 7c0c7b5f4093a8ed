using System.Text.Json;
using Flint;
using Xunit;

namespace Flint.Tests.Support;

/// <summary>Reads the PyTorch-recorded reference files (see tools/refs/common.py for the encoding).</summary>
public static class Reference
{
    public static JsonElement[] Cases(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "References", name + ".json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    /// <summary>The names of a reference file's cases, as theory rows (one op or case runs with --filter).</summary>
    public static TheoryData<string> CaseNames(string name)
    {
        var names = new TheoryData<string>();
        foreach (var c in Cases(name)) names.Add(c.GetProperty("name").GetString()!);
        return names;
    }

    /// <summary>A reference file's cases keyed by their names.</summary>
    public static Dictionary<string, JsonElement> CasesByName(string name) =>
        Cases(name).ToDictionary(c => c.GetProperty("name").GetString()!);

    public static DType DTypeOf(string name) => DType.All.First(d => d.name == name);

    /// <summary>Python's float('nan') has the sign bit clear; .NET's double.NaN has it set (copysign/signbit see it).</summary>
    private static readonly double PositiveNaN = BitConverter.Int64BitsToDouble(0x7FF8000000000000);

    private static double Num(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString() switch { "nan" => PositiveNaN, "inf" => double.PositiveInfinity, "-inf" => double.NegativeInfinity, var s => throw new FormatException(s) },
        JsonValueKind.True => 1,
        JsonValueKind.False => 0,
        _ => e.GetDouble(),
    };

    private static readonly AsyncLocal<Device?> placement = new();

    /// <summary>
    /// Where decoded tensors go (null: the CPU). The meta replay sets it to the meta device, so every table's own
    /// dispatch runs its ops on meta tensors with the recorded shapes, dtypes and strides.
    /// </summary>
    public static Device? Placement { get => placement.Value; set => placement.Value = value; }

    /// <summary>Decodes a recorded tensor, rebuilding non-contiguous views where the record asks for one.</summary>
    public static Tensor Tensor(JsonElement e)
    {
        var t = Decode(e);
        return Placement is { } d ? t.to(d) : t;
    }

    private static Tensor Decode(JsonElement e)
    {
        if (e.TryGetProperty("scalar", out _)) throw new ArgumentException("record is a scalar, not a tensor");
        var dt = DTypeOf(e.GetProperty("dtype").GetString()!);
        var shape = e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
        var data = e.GetProperty("data");
        Tensor t;
        if (dt.is_floating_point)
        {
            var v = data.EnumerateArray().Select(Num).ToArray();
            t = torch.from_array(v, shape).to(dt);
        }
        else if (dt == torch.@bool)
        {
            var v = data.EnumerateArray().Select(x => x.GetBoolean()).ToArray();
            t = torch.from_array(v, shape);
        }
        else
        {
            var v = data.EnumerateArray().Select(x => x.GetInt64()).ToArray();
            t = torch.from_array(v, shape).to(dt);
        }
        t = t.clone();
        if (e.TryGetProperty("transpose", out var tr))
        {
            var d = tr.EnumerateArray().Select(x => x.GetInt64()).ToArray();
            t = t.transpose(d[0], d[1]);
        }
        if (e.TryGetProperty("step", out var st))
        {
            long k = st.GetInt64();
            t = t.as_strided(t.shape.ToArray()[..^1].Append((t.shape[-1] + k - 1) / k).ToArray(),
                t.stride()[..^1].Append(t.stride(-1) * k).ToArray(), t.storage_offset());
        }
        return t;
    }

    /// <summary>A recorded Python scalar as a C# Scalar.</summary>
    public static Scalar Scalar(JsonElement e)
    {
        var v = e.TryGetProperty("scalar", out var s) ? s : e;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String => Num(v),
            JsonValueKind.Number when v.TryGetInt64(out var l) && !v.GetRawText().Contains('.') && !v.GetRawText().Contains('e') => l,
            _ => v.GetDouble(),
        };
    }

    public static bool IsScalar(JsonElement e) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("scalar", out _);

    /// <summary>torch.testing.assert_close's default tolerances for a dtype.</summary>
    public static (double rtol, double atol) Tolerance(DType dt) => dt.name switch
    {
        "float16" => (1e-3, 1e-5),
        "bfloat16" => (1.6e-2, 1e-5),
        "float32" => (1.3e-6, 1e-5),
        "float64" => (1e-7, 1e-7),
        _ => (0, 0),
    };

    /// <summary>Asserts dtype, shape and values as torch.testing.assert_close (NaN equals NaN).</summary>
    public static void AssertClose(Tensor expected, Tensor actual, string context = "", double? rtol = null, double? atol = null)
    {
        Assert.True(expected.dtype == actual.dtype, $"{context}: dtype {actual.dtype} != expected {expected.dtype}");
        Assert.True(expected.shape == actual.shape, $"{context}: shape {actual.shape} != expected {expected.shape}");
        var (rt, at) = Tolerance(expected.dtype);
        rt = rtol ?? rt; at = atol ?? at;
        if (expected.dtype.is_floating_point)
        {
            var e = expected.ToArray<double>(); var a = actual.ToArray<double>();
            for (int i = 0; i < e.Length; i++)
            {
                if (double.IsNaN(e[i]) && double.IsNaN(a[i])) continue;
                if (e[i] == a[i]) continue;
                double diff = Math.Abs(a[i] - e[i]);
                Assert.True(diff <= at + rt * Math.Abs(e[i]),
                    $"{context}: element {i}: {a[i]:R} != expected {e[i]:R} (|diff| {diff:G3} > atol {at} + rtol {rt} * |expected|)");
            }
        }
        else
        {
            var e = expected.ToArray<long>(); var a = actual.ToArray<long>();
            for (int i = 0; i < e.Length; i++)
                Assert.True(e[i] == a[i], $"{context}: element {i}: {a[i]} != expected {e[i]}");
        }
    }

    /// <summary>Compares an outcome record ({"out": ...} or {"error": ...}) with what <paramref name="run"/> does.</summary>
    public static void Check(JsonElement c, Func<object> run, string context)
    {
        if (c.TryGetProperty("error", out var err))
        {
            var ex = Assert.ThrowsAny<Exception>(() => run());
            Assert.True(ex.Message.Contains(err.GetString()!) || err.GetString()!.Contains(ex.Message),
                $"{context}: error \"{ex.Message}\" does not match PyTorch's \"{err.GetString()}\"");
            return;
        }
        object result;
        try { result = run(); }
        catch (Exception ex) { throw new Xunit.Sdk.XunitException($"{context}: threw {ex.GetType().Name}: {ex.Message}"); }
        var outE = c.GetProperty("out");
        if (outE.ValueKind == JsonValueKind.Array)
        {
            var ts = result as IReadOnlyList<Tensor> ?? throw new Xunit.Sdk.XunitException($"{context}: expected a list of tensors");
            var es = outE.EnumerateArray().ToArray();
            Assert.Equal(es.Length, ts.Count);
            for (int i = 0; i < es.Length; i++) AssertClose(Tensor(es[i]), ts[i], $"{context}[{i}]");
        }
        else if (IsScalar(outE))
        {
            var exp = Scalar(outE);
            var act = result switch { Tensor t => t.item<double>(), bool b => b ? 1.0 : 0.0, IConvertible cv => cv.ToDouble(null), _ => double.NaN };
            Assert.True(exp.ToDouble() == act || (double.IsNaN(exp.ToDouble()) && double.IsNaN(act)), $"{context}: {act} != expected {exp}");
        }
        else AssertClose(Tensor(outE), (Tensor)result, context);
    }
}

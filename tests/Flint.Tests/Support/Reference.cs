using System.Collections.Concurrent;
using System.Text.Json;
using Flint;
using Xunit;

namespace Flint.Tests.Support;

/// <summary>Reads the PyTorch-recorded reference files (see tools/refs/common.py for the encoding).</summary>
public static class Reference
{
    private static readonly ConcurrentDictionary<string, Table> s_tables = new();

    /// <summary>One reference file, parsed once: its cases in order and by key.</summary>
    private sealed class Table
    {
        public readonly JsonElement[] Cases;
        public readonly string[] Keys;
        public readonly Dictionary<string, JsonElement> ByKey = new(StringComparer.Ordinal);

        public Table(string file)
        {
            var path = Path.Combine(AppContext.BaseDirectory, "References", file + ".json");
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            Cases = doc.RootElement.GetProperty("cases").EnumerateArray().Select(e => e.Clone()).ToArray();
            Keys = new string[Cases.Length];
            for (int i = 0; i < Cases.Length; i++)
            {
                string key = BaseKey(Cases[i], i);
                for (int k = 2; ByKey.ContainsKey(key); k++) key = BaseKey(Cases[i], i) + " #" + k;
                Keys[i] = key;
                ByKey.Add(key, Cases[i]);
            }
        }

        private static string BaseKey(JsonElement c, int index)
        {
            foreach (var field in (string[])["name", "id"])
                if (c.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String) return v.GetString()!;
            foreach (var field in (string[])["op", "kind"])
                if (c.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String) return v.GetString() + " #" + index;
            return "case #" + index;
        }
    }

    private static Table Load(string file) => s_tables.GetOrAdd(file, f => new Table(f));

    /// <summary>Every case of References/&lt;file&gt;.json, in file order (parsed once per test run).</summary>
    public static JsonElement[] Cases(string file) => Load(file).Cases;

    /// <summary>
    /// The keys of a reference file's cases (optionally only those <paramref name="where"/> accepts), as theory rows:
    /// each case is its own test, so one op or one case runs with <c>--filter "DisplayName~add/"</c>. A case's key is
    /// its "name" (or "id"); a name recorded twice gets " #2", " #3" on its later cases; a case with neither is
    /// "&lt;op or kind&gt; #&lt;index&gt;". Look the case up with <see cref="Case"/>.
    /// </summary>
    public static TheoryData<string> CaseNames(string file, Func<JsonElement, bool>? where = null)
    {
        var t = Load(file);
        var names = new TheoryData<string>();
        for (int i = 0; i < t.Cases.Length; i++)
            if (where is null || where(t.Cases[i])) names.Add(t.Keys[i]);
        return names;
    }

    /// <summary>The case of a reference file with the given key (see <see cref="CaseNames"/>).</summary>
    public static JsonElement Case(string file, string key) =>
        Load(file).ByKey.TryGetValue(key, out var c) ? c : throw new KeyNotFoundException($"{file}.json has no case \"{key}\"");

    /// <summary>A reference file's cases by their keys (see <see cref="CaseNames"/>).</summary>
    public static IReadOnlyDictionary<string, JsonElement> CasesByName(string file) => Load(file).ByKey;

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

    /// <summary>
    /// PyTorch's exception types and the .NET exception type Flint throws for each (compared exactly, no subclass):
    /// RuntimeError is ArgumentException when an argument is wrong (shapes, dtypes, values) and
    /// InvalidOperationException when the state is (autograd graph, version counters, modes); PyTorch raises
    /// RuntimeError for both. Two RuntimeErrors have their own type: a dtype an op has no kernel for
    /// ("\"add\" not implemented for 'Bool'", "Bool inputs not supported for hardtanh") is NotSupportedException, integer division by zero
    /// ("ZeroDivisionError") is DivideByZeroException.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, Type[]> ExceptionTypes = new Dictionary<string, Type[]>
    {
        ["RuntimeError"] = [typeof(ArgumentException), typeof(InvalidOperationException)],
        ["IndexError"] = [typeof(IndexOutOfRangeException)],
        ["ValueError"] = [typeof(ArgumentException)],
        ["TypeError"] = [typeof(ArgumentException)],
        ["AssertionError"] = [typeof(ArgumentException)],
        ["NotImplementedError"] = [typeof(NotSupportedException)],
        ["GradcheckError"] = [typeof(GradcheckError)],
    };

    /// <summary>The .NET exception types Flint throws for a PyTorch error of type <paramref name="pyType"/> with that message.</summary>
    public static Type[] ExceptionTypesFor(string pyType, string message)
    {
        if (pyType == "RuntimeError" && NotImplementedForDType.IsMatch(message)) return [typeof(NotSupportedException)];
        if (pyType == "RuntimeError" && message == "ZeroDivisionError") return [typeof(DivideByZeroException)];
        return ExceptionTypes.TryGetValue(pyType, out var t) ? t : throw new ArgumentException($"no .NET type for PyTorch's {pyType}");
    }

    /// <summary>PyTorch's refusals of a dtype: "\"add\" not implemented for 'Bool'", "Bool inputs not supported for hardtanh".</summary>
    private static readonly System.Text.RegularExpressions.Regex NotImplementedForDType =
        new("^(\"[^\"]+\" not implemented for '[A-Za-z0-9]+'|[A-Za-z0-9]+ inputs not supported for [A-Za-z0-9_]+)$");

    /// <summary>
    /// Asserts that <paramref name="ex"/> is the error a record ({"error": PyTorch's message, "type": PyTorch's exception
    /// type}) asks for: the .NET type <see cref="ExceptionTypesFor"/> maps it to (exactly, no subclass), and its message
    /// equal to PyTorch's, line for line, over as many lines as the record holds (most records keep the first line).
    /// No substring match: where Flint's text differs from the record, one of the two is wrong.
    /// </summary>
    public static void AssertError(JsonElement record, Exception? ex, string context = "")
    {
        string expected = record.GetProperty("error").GetString()!;
        string pyType = record.TryGetProperty("type", out var ty) ? ty.GetString()! : "RuntimeError";
        string at = context.Length > 0 ? context + ": " : "";
        if (ex is null) throw new Xunit.Sdk.XunitException($"{at}expected {pyType} \"{expected}\", got a result");
        // records keep PyTorch's first line (common.outcome) or, where a generator asks for it, the whole message
        int lines = expected.Split('\n').Length;
        string actual = string.Join('\n', ex.Message.Split('\n').Take(lines));
        if (actual != expected)
            throw new Xunit.Sdk.XunitException($"{at}error \"{actual}\" ({ex.GetType().Name}) != PyTorch's \"{expected}\" ({pyType})");
        var types = ExceptionTypesFor(pyType, expected);
        if (!types.Contains(ex.GetType()))
            throw new Xunit.Sdk.XunitException($"{at}{ex.GetType().Name} is not what PyTorch's {pyType} maps to ({string.Join(" or ", types.Select(t => t.Name))}): {actual}");
    }

    /// <summary>Runs <paramref name="run"/> and asserts it throws the recorded error (see <see cref="AssertError(JsonElement, Exception?, string)"/>).</summary>
    public static void AssertError(JsonElement record, Action run, string context = "")
    {
        Exception? ex = null;
        try { run(); }
        catch (Xunit.Sdk.XunitException) { throw; }
        catch (Exception e) { ex = e; }
        AssertError(record, ex, context);
    }

    /// <summary>Compares an outcome record ({"out": ...} or {"error": ..., "type": ...}) with what <paramref name="run"/> does.</summary>
    public static void Check(JsonElement c, Func<object> run, string context)
    {
        if (c.TryGetProperty("error", out _))
        {
            AssertError(c, () => run(), context);
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

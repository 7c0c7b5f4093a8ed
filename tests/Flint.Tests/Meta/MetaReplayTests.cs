using System.Text.Json;
using Flint;
using Flint.Tests.Binary;
using Flint.Tests.Conv;
using Flint.Tests.Indexing;
using Flint.Tests.Linalg;
using Flint.Tests.Reductions;
using Flint.Tests.Support;
using Flint.Tests.Unary;
using Flint.Tests.Variants;
using Xunit;

namespace Flint.Tests.Meta;

/// <summary>
/// Replays the op reference tables on the meta device: each table's own dispatch runs with every recorded tensor
/// moved to meta (<see cref="Reference.Placement"/>), and the outcome must be PyTorch's recorded one in everything a
/// meta tensor has: the shape and dtype of each output (on meta), or the same error where PyTorch's CPU run refused
/// the arguments. Cases are left out only by the explicit rules of <see cref="Skip"/>, and each table asserts how
/// many cases ran.
/// </summary>
public class MetaReplayTests
{
    /// <summary>The fewest cases each table must run on meta (its count when the replay was written, rounded down).</summary>
    private static readonly Dictionary<string, int> MinimumRun = new()
    {
        ["binary"] = 4500, ["unary"] = 2300, ["reductions"] = 3000, ["variants"] = 280, ["indexing"] = 580, ["linalg"] = 530, ["conv"] = 120,
    };

    /// <summary>
    /// Ops whose output size or result depends on the input's values: on meta they raise PyTorch's meta errors
    /// (no kernel, no data), so their recorded values cannot be compared. A case of one of them must raise such an
    /// error on meta, or match the record like any other.
    /// </summary>
    private static readonly HashSet<string> ValueOps =
    [
        "nonzero", "nonzero_tuple", "argwhere", "where1", "masked_select", "unique", "equal", "allclose",
    ];

    /// <summary>
    /// Errors PyTorch's CPU kernels raise after reading the values (an index out of range, a zero divisor, a
    /// count of true elements): a meta tensor has no values, so meta runs cannot raise them (PyTorch's meta
    /// kernels skip these checks too).
    /// </summary>
    private static readonly string[] ValueErrors =
    [
        "out of bounds", "out of range", "INDICES element is out of DATA bounds", "Number of elements of source < number of ones in mask",
        "ZeroDivisionError", "division by zero", "is out of bounds", "Expected a prob", "must be non-negative", "invalid multinomial",
        "index_put_ with accumulate", "Target ", "shape mismatch: value tensor of shape", "masked_scatter",
    ];

    /// <summary>
    /// Whether a meta error is the value need of this case: the op is a <see cref="ValueOps"/> one; or it indexes
    /// with a boolean mask (PyTorch runs nonzero for it); or it takes a 0-dim tensor as a number (an index, a start:
    /// PyTorch calls item()).
    /// </summary>
    private static bool NeedsValues(string op, JsonElement c, Exception e) =>
        ValueOps.Contains(op)
        || e.Message.StartsWith("Could not run 'aten::nonzero'", StringComparison.Ordinal) && HasTensor(c, t => t.dtype is "bool" or "uint8")
        || e.Message == "Tensor.item() cannot be called on meta tensors" && HasTensor(c, t => t.shape.Length == 0 && t.dtype is not ("float32" or "float64" or "float16" or "bfloat16"));

    /// <summary>True when some recorded tensor argument of the case (anywhere in its arguments) satisfies <paramref name="pred"/>.</summary>
    private static bool HasTensor(JsonElement c, Func<(string dtype, long[] shape), bool> pred)
    {
        bool Walk(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object when e.TryGetProperty("dtype", out var d) && d.ValueKind == JsonValueKind.String && e.TryGetProperty("shape", out _)
                && e.TryGetProperty("data", out _) => pred(Meta(e)),
            JsonValueKind.Object => e.EnumerateObject().Any(p => p.Name is not ("out" or "res" or "after") && Walk(p.Value)),
            JsonValueKind.Array => e.EnumerateArray().Any(Walk),
            _ => false,
        };
        return Walk(c);
    }

    private static bool IsMetaDataError(Exception e) =>
        e.Message == "Cannot copy out of meta tensor; no data!" || e.Message == "Tensor.item() cannot be called on meta tensors"
        || e.Message.StartsWith("Could not run 'aten::", StringComparison.Ordinal) && e.Message.Contains("'Meta' backend");

    /// <summary>A case the replay leaves out, and why.</summary>
    private enum Skip
    {
        /// <summary>Left out of the CPU replay too: Python-only argument errors, PyTorch's internal asserts (binary).</summary>
        PythonOnly,
        /// <summary>No op call to make: operator records (their ops are in binary.json), layer init and repr records.</summary>
        NoOpCall,
        /// <summary>The result needs the values (<see cref="NeedsValues"/>): meta raises PyTorch's meta error instead.</summary>
        ValueResult,
        /// <summary>PyTorch's CPU error comes from reading the values (<see cref="ValueErrors"/>): meta has none to read.</summary>
        ValueError,
    }

    private sealed class Tally
    {
        public int Ran;
        public readonly Dictionary<Skip, int> Skipped = [];
        public readonly List<string> SkippedNames = [];
        public readonly List<string> Failures = [];
        public string Current = "";
        public void Skip(Skip why)
        {
            Skipped[why] = Skipped.GetValueOrDefault(why) + 1;
            SkippedNames.Add($"{why}: {Current}");
        }
    }

    private static (string dtype, long[] shape) Meta(JsonElement e) =>
        (e.GetProperty("dtype").GetString()!, e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray());

    private static void CheckTensor(JsonElement expected, object actual, string ctx)
    {
        var t = actual as Tensor ?? throw new InvalidOperationException($"{ctx}: expected a tensor, got {actual?.GetType().Name}");
        var (dt, shape) = Meta(expected);
        if (!t.is_meta) throw new InvalidOperationException($"{ctx}: result on {t.device}, not on meta");
        if (t.dtype.name != dt) throw new InvalidOperationException($"{ctx}: dtype {t.dtype.name} != PyTorch's {dt}");
        if (!t.shape.ToArray().SequenceEqual(shape)) throw new InvalidOperationException($"{ctx}: shape {t.shape} != PyTorch's [{string.Join(", ", shape)}]");
    }

    private static void CheckResult(JsonElement outE, object result, string name)
    {
        if (outE.ValueKind == JsonValueKind.Array)
        {
            var ts = result as IReadOnlyList<Tensor> ?? throw new InvalidOperationException($"{name}: expected a list of tensors");
            var es = outE.EnumerateArray().ToArray();
            if (es.Length != ts.Count) throw new InvalidOperationException($"{name}: {ts.Count} results, PyTorch {es.Length}");
            for (int i = 0; i < es.Length; i++) CheckTensor(es[i], ts[i], $"{name}[{i}]");
        }
        else CheckTensor(outE, result, name);
    }

    /// <summary>Runs one case on meta and compares it with the record (an {"out": ...} or {"error": ...} outcome).</summary>
    private static void Replay(Tally tally, string name, string op, JsonElement c, JsonElement outcome, Func<object> run)
    {
        Reference.Placement = Device.Meta;
        try
        {
            if (outcome.TryGetProperty("error", out var err))
            {
                string expected = err.GetString()!;
                bool valueError = ValueErrors.Any(expected.Contains);
                Exception? ex = null;
                try { run(); } catch (Exception e) { ex = e; }
                if (ex is not null && (ex.Message.Contains(expected) || expected.Contains(ex.Message))) { tally.Ran++; return; }
                if (valueError && (ex is null || IsMetaDataError(ex))) { tally.Skip(Skip.ValueError); return; }
                if (ex is not null && IsMetaDataError(ex) && NeedsValues(op, c, ex)) { tally.Skip(Skip.ValueResult); return; }
                tally.Failures.Add($"{name}: PyTorch raised \"{expected}\"; on meta {(ex is null ? "no error" : $"{ex.GetType().Name} \"{ex.Message.Split('\n')[0]}\"")}");
                return;
            }
            var outE = outcome.GetProperty("out");
            object result;
            try { result = run(); }
            catch (Exception ex) when (IsMetaDataError(ex) && NeedsValues(op, c, ex)) { tally.Skip(Skip.ValueResult); return; }
            if (Reference.IsScalar(outE))
            {
                // a Python number or bool: a value, which only dtype-level predicates can give without data
                if (result is bool b && b == Reference.Scalar(outE).AsBool) { tally.Ran++; return; }
                tally.Failures.Add($"{name}: PyTorch gave the value {outE.GetRawText()}, meta {result}");
                return;
            }
            CheckResult(outE, result, name);
            tally.Ran++;
        }
        catch (Exception ex) { tally.Failures.Add($"{name}: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}"); }
        finally { Reference.Placement = null; }
    }

    private static string S(JsonElement c, string p) => c.GetProperty(p).GetString()!;

    private static Tally Run(string table)
    {
        var tally = new Tally();
        foreach (var c in Reference.Cases(table))
        {
            string name = S(c, "name");
            tally.Current = name;
            switch (table)
            {
                case "binary":
                {
                    // Python-only argument errors do not compile in C#; PyTorch's internal asserts are bugs (as the CPU replay)
                    if (c.TryGetProperty("type", out var ty) && ty.GetString() == "TypeError"
                        || c.TryGetProperty("error", out var ia) && ia.GetString()!.Contains("INTERNAL ASSERT")) { tally.Skip(Skip.PythonOnly); continue; }
                    string op = S(c, "op"), mode = S(c, "mode");
                    Func<object> run = () =>
                    {
                        var args = c.GetProperty("args").EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()!
                            : Reference.IsScalar(e) ? (object)Reference.Scalar(e) : Reference.Tensor(e)).ToArray();
                        Tensor? outT = c.TryGetProperty("out_init", out var oi) ? Reference.Tensor(oi) : null;
                        return BinaryDispatch.Call(op, mode, args, c.GetProperty("kw"), outT);
                    };
                    if (c.TryGetProperty("out", out var res) && res.ValueKind == JsonValueKind.Object && res.TryGetProperty("dtype_result", out var dr))
                    {
                        Reference.Placement = Device.Meta;
                        try
                        {
                            if (((DType)run()).name == dr.GetString()) tally.Ran++;
                            else tally.Failures.Add($"{name}: result_type differs on meta");
                        }
                        catch (Exception ex) { tally.Failures.Add($"{name}: {ex.Message}"); }
                        finally { Reference.Placement = null; }
                        continue;
                    }
                    Replay(tally, name, op, c, c, run);
                    break;
                }
                case "unary":
                    Replay(tally, name, S(c, "op"), c, c.GetProperty("res"), () => UnaryReferenceTests.Run(c));
                    break;
                case "reductions":
                {
                    string op = S(c, "op");
                    var kw = c.GetProperty("kw");
                    Replay(tally, name, op, c, c, () =>
                    {
                        var x = Reference.Tensor(c.GetProperty("x"));
                        return kw.TryGetProperty("out", out _) ? ReductionReferenceTests.RunOut(op, x, kw) : ReductionReferenceTests.Run(op, x, kw);
                    });
                    break;
                }
                case "variants":
                {
                    string op = S(c, "op");
                    // operators: the binary table replays the ops behind them; a case without a function form has nothing to call here
                    if (op == "operator" || !c.GetProperty("has").GetProperty("fn").GetBoolean()) { tally.Skip(Skip.NoOpCall); continue; }
                    var cands = VariantsTests.FunctionCandidates(op, S(c, "module") == "F");
                    Replay(tally, name, op, c, c.GetProperty("res"),
                        () => VariantsTests.Normalize(VariantsTests.Call(cands, null, VariantsTests.Args(c), VariantsTests.Kw(c))));
                    break;
                }
                case "indexing":
                    Replay(tally, name, S(c, "op"), c, c, () => IndexingReferenceTests.Run(c));
                    break;
                case "linalg":
                {
                    Func<object> run = () =>
                    {
                        var args = c.GetProperty("args").EnumerateArray().Select(e => LinalgReferenceTests.Arg(e).to(Device.Meta)).ToArray();
                        Tensor? @out = c.TryGetProperty("out_arg", out var oa) ? Reference.Tensor(oa) : null;
                        return LinalgReferenceTests.Run(c, args, @out);
                    };
                    if (c.TryGetProperty("sample", out var sample))
                    {
                        // a large result is recorded as a sample of its elements, with its dtype and shape
                        Reference.Placement = Device.Meta;
                        try { CheckTensor(sample, run(), name); tally.Ran++; }
                        catch (Exception ex) { tally.Failures.Add($"{name}: {ex.Message}"); }
                        finally { Reference.Placement = null; }
                        continue;
                    }
                    Replay(tally, name, S(c, "op"), c, c, run);
                    break;
                }
                case "conv":
                {
                    if (S(c, "kind") != "op") { tally.Skip(Skip.NoOpCall); continue; }   // layer init and repr: no op to run
                    string op = S(c, "op");
                    Replay(tally, name, op, c, c, () =>
                        ConvReferenceTests.Run(op, c.GetProperty("args").EnumerateArray().Select(Reference.Tensor).ToArray(), ConvReferenceTests.Kw(c)));
                    break;
                }
                default: throw new ArgumentException(table);
            }
        }
        return tally;
    }

    public static TheoryData<string> Tables() => new(MinimumRun.Keys);

    [Theory]
    [MemberData(nameof(Tables))]
    public void ReferenceTableReplaysOnMeta(string table)
    {
        var t = Run(table);
        string counts = $"{table}: {t.Ran} ran, skipped " + string.Join(", ", t.Skipped.Select(kv => $"{kv.Key} {kv.Value}"));
        Console.WriteLine(counts);
        foreach (var n in t.SkippedNames) Console.WriteLine($"  {table} skipped {n}");
        Assert.True(t.Failures.Count == 0, $"{counts}; {t.Failures.Count} differ from PyTorch on meta:\n" + string.Join("\n", t.Failures.Take(100)));
        Assert.True(t.Ran >= MinimumRun[table], $"{counts}: fewer than {MinimumRun[table]} cases ran");
    }
}

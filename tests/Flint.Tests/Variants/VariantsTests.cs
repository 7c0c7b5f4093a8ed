using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Flint;
using Flint.Tests.Support;
using Xunit;

namespace Flint.Tests.Variants;

/// <summary>
/// The variants audit (tools/refs/gen_variants.py): for each op, the call forms PyTorch has (torch.op, Tensor.op,
/// Tensor.op_, out=) must exist in Flint, found by reflection and called with the recorded Python arguments, and each
/// must give PyTorch's result; in-place keeps self's storage and bumps its version as PyTorch; out= writes into the
/// given tensor's storage. Operators are checked against Python's.
/// </summary>
public class VariantsTests
{
    private static readonly Lazy<JsonElement[]> All = new(() => Reference.Cases("variants"));

    private static IEnumerable<JsonElement> OpCases => All.Value.Where(c => c.GetProperty("op").GetString() != "operator");

    [Fact]
    public void EveryPyTorchVariantExists()
    {
        var missing = new SortedSet<string>();
        foreach (var c in OpCases)
        {
            string op = c.GetProperty("op").GetString()!;
            var has = c.GetProperty("has");
            bool functional = c.GetProperty("module").GetString() == "F";
            if (has.GetProperty("fn").GetBoolean() && FunctionCandidates(op, functional).Length == 0)
                missing.Add(functional ? $"torch.nn.functional.{op}" : $"torch.{op}");
            if (has.GetProperty("method").GetBoolean() && MethodCandidates(op).Length == 0 && typeof(Tensor).GetProperty(op) is null)
                missing.Add($"Tensor.{op}");
            if (has.GetProperty("inplace").GetBoolean() && MethodCandidates(op + "_").Length == 0)
                missing.Add($"Tensor.{op}_");
            if (has.GetProperty("out").GetBoolean() && !FunctionCandidates(op, functional).Any(m => m.GetParameters().Any(p => p.Name == "out")))
                missing.Add($"torch.{op}(..., out=)");
        }
        Assert.True(missing.Count == 0, $"{missing.Count} PyTorch variants missing:\n" + string.Join("\n", missing));
    }

    public static TheoryData<string> Groups()
    {
        var d = new TheoryData<string>();
        foreach (var op in All.Value.Select(c => c.GetProperty("op").GetString()!).Distinct()) d.Add(op);
        return d;
    }

    [Theory]
    [MemberData(nameof(Groups))]
    public void VariantsAgreeWithPyTorch(string op)
    {
        var failures = new List<string>();
        foreach (var c in All.Value.Where(c => c.GetProperty("op").GetString() == op))
        {
            var name = c.GetProperty("name").GetString()!;
            var checks = op == "operator"
                ? new (string, Action)[] { ("", () => CheckOperator(c)) }
                : new (string, Action)[]
                {
                    ("function", () => CheckFunction(c)), ("method", () => CheckMethod(c)),
                    ("in-place", () => CheckInPlace(c)), ("out=", () => CheckOut(c)),
                    ("non-leaf", () => CheckNonLeaf(c)),
                };
            foreach (var (form, check) in checks)
            {
                try { check(); }
                catch (Exception ex) { failures.Add($"{name} {form}: {ex.Message.Split('\n')[0]}"); }
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} {op} variant checks failed:\n" + string.Join("\n", failures));
    }

    [Fact]
    public void InPlaceViewOpsKeepTheGraph()
    {
        var x = torch.arange(6.0).reshape(2, 3).requires_grad_();
        var w = torch.arange(6.0).reshape(3, 2);
        var y = x * 2;
        var storage = y.untyped_storage();
        Assert.True(ReferenceEquals(y.t_(), y));
        Assert.Equal([3L, 2L], y.shape.ToArray());
        y.unsqueeze_(0).squeeze_(0).transpose_(0, 1).swapaxes_(0, 1);
        Assert.True(ReferenceEquals(storage, y.untyped_storage()));
        (y * w).sum().backward();
        Reference.AssertClose(w.t() * 2, x.grad!, "grad through t_/unsqueeze_/squeeze_/transpose_");

        var ex = Assert.Throws<InvalidOperationException>(() => x.t_());
        Assert.Contains("a leaf Variable that requires grad is being used in an in-place operation.", ex.Message);
        using (torch.no_grad()) x.t_();
        Assert.Equal([3L, 2L], x.shape.ToArray());
    }

    [Fact]
    public void OutFormsRefuseInputsThatRequireGrad()
    {
        var x = torch.rand(2, 3).requires_grad_();
        var ex = Assert.Throws<InvalidOperationException>(() => torch.sort(x, 1, @out: (torch.empty(0), torch.empty(0, dtype: torch.int64))));
        Assert.Contains("sort(): functions with out=... arguments don't support automatic differentiation", ex.Message);
        Assert.Throws<InvalidOperationException>(() => torch.scatter_add(x, 1, torch.zeros(2, 1, dtype: torch.int64), x, @out: torch.empty(0)));
        var dt = Assert.Throws<ArgumentException>(() => torch.topk(x.detach(), 1, @out: (torch.empty(0, dtype: torch.float64), torch.empty(0, dtype: torch.int64))));
        Assert.Equal("Expected out tensor to have dtype float, but got double instead", dt.Message);
    }

    // ---- the forms

    private static bool Has(JsonElement c, string form) => c.GetProperty("has").GetProperty(form).GetBoolean();

    internal static List<JsonElement> Args(JsonElement c) => c.GetProperty("args").EnumerateArray().ToList();

    internal static Dictionary<string, JsonElement> Kw(JsonElement c) =>
        c.GetProperty("kw").EnumerateObject().ToDictionary(p => p.Name, p => p.Value);

    private static int[] MethodOrder(JsonElement c) => c.TryGetProperty("method_args", out var o)
        ? o.EnumerateArray().Select(e => e.GetInt32()).ToArray()
        : Enumerable.Range(0, Args(c).Count).ToArray();

    private static void CheckFunction(JsonElement c)
    {
        if (!Has(c, "fn")) return;
        string op = c.GetProperty("op").GetString()!;
        var cands = FunctionCandidates(op, c.GetProperty("module").GetString() == "F");
        Reference.Check(c.GetProperty("res"), () => Normalize(Call(cands, null, Args(c), Kw(c))), $"torch.{op}");
    }

    private static void CheckMethod(JsonElement c)
    {
        if (!Has(c, "method") || c.TryGetProperty("method_error", out _)) return;
        string op = c.GetProperty("op").GetString()!;
        var args = Args(c);
        var order = MethodOrder(c);
        Reference.Check(c.GetProperty("res"), () =>
        {
            var self = Reference.Tensor(args[order[0]]);
            if (c.TryGetProperty("prop", out _))
                return Normalize(typeof(Tensor).GetProperty(op)!.GetValue(self));
            return Normalize(Call(MethodCandidates(op), self, order.Skip(1).Select(i => args[i]).ToList(), Kw(c)));
        }, $"Tensor.{op}");
    }

    private static void CheckInPlace(JsonElement c)
    {
        if (!Has(c, "inplace")) return;
        string op = c.GetProperty("op").GetString()!;
        var rec = c.GetProperty("inplace");
        var args = Args(c);
        var order = MethodOrder(c);
        var self = Reference.Tensor(args[order[0]]);
        var storage = self.untyped_storage();
        long version = self._version_count;
        Func<object> run = () =>
        {
            var r = Call(MethodCandidates(op + "_"), self, order.Skip(1).Select(i => args[i]).ToList(), Kw(c));
            Assert.True(ReferenceEquals(r, self), $"Tensor.{op}_ must return self");
            return self;
        };
        if (rec.TryGetProperty("random", out _)) run(); // a random fill: its values are not compared
        else Reference.Check(rec, run, $"Tensor.{op}_");
        if (rec.TryGetProperty("error", out _)) return;
        Assert.True(ReferenceEquals(self.untyped_storage(), storage), $"Tensor.{op}_ replaced self's storage");
        long bump = rec.GetProperty("bump").GetInt64();
        Assert.True(self._version_count - version == bump, $"Tensor.{op}_ bumped the version by {self._version_count - version}, PyTorch by {bump}");
    }

    private static void CheckOut(JsonElement c)
    {
        if (!Has(c, "out") || !c.TryGetProperty("out", out var rec)) return;
        string op = c.GetProperty("op").GetString()!;
        var expected = rec.GetProperty("out");
        var kw = Kw(c);
        Tensor Empty(JsonElement e) => torch.empty(e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray(),
            dtype: Reference.DTypeOf(e.GetProperty("dtype").GetString()!));
        object o = expected.ValueKind == JsonValueKind.Array
            ? expected.EnumerateArray().Select(Empty).ToArray()
            : Empty(expected);
        var outs = o as Tensor[] ?? [(Tensor)o];
        var storages = outs.Select(t => t.untyped_storage()).ToArray();
        Reference.Check(rec, () =>
        {
            var r = Normalize(Call(FunctionCandidates(op, false), null, Args(c), kw, o));
            var rs = r as IReadOnlyList<Tensor> ?? [(Tensor)r];
            Assert.True(rs.Count == outs.Length && rs.Zip(outs).All(p => ReferenceEquals(p.First, p.Second)),
                $"torch.{op}(out=) must return the out tensor(s)");
            return outs.Length == 1 && expected.ValueKind != JsonValueKind.Array ? outs[0] : outs;
        }, $"torch.{op}(out=)");
        if (rec.GetProperty("same_storage").GetBoolean())
            for (int i = 0; i < outs.Length; i++)
                Assert.True(ReferenceEquals(outs[i].untyped_storage(), storages[i]), $"torch.{op}(out=) did not write into out's storage");
    }

    /// <summary>
    /// The in-place form on a non-leaf, as a user calls it: <c>x = X.requires_grad_(); y = x * 1.5; y.op_(...);
    /// y.sum().backward()</c>, with every other floating tensor argument requiring grad too. y's grad_fn and value,
    /// x's gradient and the other arguments' gradients must be PyTorch's, or the call (or its backward) must fail with
    /// PyTorch's error. The torch.op_ function, where Flint has one, must do the same.
    /// </summary>
    private static void CheckNonLeaf(JsonElement c)
    {
        if (c.TryGetProperty("nonleaf", out var nonleaf)) CheckInGraph(c, nonleaf);
        if (c.TryGetProperty("plain", out var plain)) CheckInGraph(c, plain);
    }

    /// <remarks>A "plain" record: self is outside the graph and only the other arguments require grad.</remarks>
    private static void CheckInGraph(JsonElement c, JsonElement rec)
    {
        string method = rec.GetProperty("method").GetString()!;
        NonLeaf(c, rec, $"Tensor.{method}", (self, rest, kw, pre, preKw) => Call(MethodCandidates(method), self, rest, kw, null, pre, preKw));
        var fns = FunctionCandidates(method, false);
        if (fns.Length == 0) return;
        NonLeaf(c, rec, $"torch.{method}", (self, rest, kw, pre, preKw) =>
        {
            // self becomes the first positional argument; the prepared tensors move one place on
            var all = new List<JsonElement> { default };
            all.AddRange(rest);
            var shifted = pre.ToDictionary(p => p.Key + 1, p => p.Value);
            shifted[0] = self;
            return Call(fns, null, all, kw, null, shifted, preKw);
        });
    }

    private delegate object? InPlaceCall(Tensor self, List<JsonElement> rest, Dictionary<string, JsonElement> kw,
        Dictionary<int, Tensor> pre, Dictionary<string, Tensor> preKw);

    private static bool IsFloatTensor(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("shape", out _) && e.TryGetProperty("dtype", out var d) &&
        Reference.DTypeOf(d.GetString()!).is_floating_point;

    private static void NonLeaf(JsonElement c, JsonElement rec, string form, InPlaceCall call)
    {
        var args = Args(c);
        var order = MethodOrder(c);
        var rest = order.Skip(1).Select(i => args[i]).ToList();
        var kw = Kw(c);
        bool plain = !rec.TryGetProperty("x", out var xe);
        var x = plain ? Reference.Tensor(args[order[0]]) : Reference.Tensor(xe).requires_grad_();
        var pre = new Dictionary<int, Tensor>();
        for (int j = 0; j < rest.Count; j++)
            if (IsFloatTensor(rest[j])) pre[j] = Reference.Tensor(rest[j]).requires_grad_();
        var preKw = kw.Where(p => IsFloatTensor(p.Value)).ToDictionary(p => p.Key, p => Reference.Tensor(p.Value).requires_grad_());
        string stage = rec.TryGetProperty("stage", out var st) ? st.GetString()! : "";
        string view = rec.TryGetProperty("view", out var v) ? v.GetString()! : "";

        string where = plain ? "a tensor outside the graph" : "a non-leaf";
        Tensor y = plain ? x : view switch
        {
            "leaf" => x.view(x.shape),
            "nonleaf" => (x * 1.5).view(x.shape),
            "leaf_self" => x,
            "narrow" => (x * 1.5).narrow(1, 1, 2),
            _ => x * 1.5,
        };
        object? Forward()
        {
            var r = call(y, rest, kw, pre, preKw);
            Assert.True(ReferenceEquals(r, y), $"{form} must return self");
            return r;
        }
        if (stage == "forward")
        {
            ExpectError(rec, () => Forward(), $"{form} on {where}");
            return;
        }
        try { Forward(); }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            throw new Xunit.Sdk.XunitException($"{form} on {where} threw {ex.GetType().Name}: {ex.Message}");
        }
        var gradFn = rec.GetProperty("grad_fn");
        string? expectedFn = gradFn.ValueKind == JsonValueKind.Null ? null : gradFn.GetString();
        // the recorded name is Python's type(grad_fn).__name__: name() without its C++ namespace
        string? actualFn = y.grad_fn?.name() is { } n ? n[(n.LastIndexOf("::", StringComparison.Ordinal) + 1)..].TrimStart(':') : null;
        Assert.True(expectedFn == actualFn, $"{form} on {where}: grad_fn {actualFn ?? "None"}, PyTorch's {expectedFn ?? "None"}");
        if (rec.TryGetProperty("y", out var ye)) Reference.AssertClose(Reference.Tensor(ye), y.detach(), $"{form} on {where}: y");
        if (stage == "backward")
        {
            ExpectError(rec, () => y.sum().backward(), $"{form} on {where}: backward");
            return;
        }
        try { y.sum().backward(); }
        catch (Exception ex) { throw new Xunit.Sdk.XunitException($"{form} on {where}: backward threw {ex.GetType().Name}: {ex.Message}"); }
        if (!plain) CheckGrad(rec.GetProperty("x_grad"), x, $"{form} on {where}: x.grad");
        var grads = rec.GetProperty("grads").EnumerateArray().ToList();
        for (int j = 0; j < grads.Count; j++)
            if (grads[j].ValueKind != JsonValueKind.Null) CheckGrad(grads[j], pre[j], $"{form} on {where}: argument {j + 1}'s grad");
        foreach (var p in rec.GetProperty("kw_grads").EnumerateObject())
            CheckGrad(p.Value, preKw[p.Name], $"{form} on {where}: {p.Name}.grad");
    }

    private static void CheckGrad(JsonElement expected, Tensor t, string context)
    {
        if (expected.ValueKind == JsonValueKind.String)
        {
            Assert.True(t.grad is null, $"{context}: PyTorch leaves it None");
            return;
        }
        Assert.True(t.grad is not null, $"{context}: None, PyTorch gives a gradient");
        Reference.AssertClose(Reference.Tensor(expected), t.grad!, context);
    }

    private static void ExpectError(JsonElement rec, Action run, string context)
    {
        string expected = rec.GetProperty("error").GetString()!;
        Exception? ex = null;
        try { run(); }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException) { ex = e; }
        Assert.True(ex is not null, $"{context}: no error, PyTorch raises \"{expected}\"");
        Assert.True(ex!.Message.Contains(expected) || expected.Contains(ex.Message),
            $"{context}: error \"{ex.Message}\" does not match PyTorch's \"{expected}\"");
        string type = rec.GetProperty("type").GetString()!;
        Assert.True(TypeMatches(type, ex), $"{context}: {ex.GetType().Name} for PyTorch's {type}");
    }

    /// <summary>The exception types PyTorch's error types map to.</summary>
    private static bool TypeMatches(string pyType, Exception e) => pyType switch
    {
        "RuntimeError" => e is InvalidOperationException or ArgumentException or NotSupportedException
            && e is not ArgumentOutOfRangeException and not ArgumentNullException,
        "NotImplementedError" => e is NotSupportedException or NotImplementedException,
        "IndexError" => e is IndexOutOfRangeException,
        "ValueError" or "TypeError" => e is ArgumentException and not ArgumentOutOfRangeException and not ArgumentNullException,
        _ => false,
    };

    // ---- operators

    private static object Operand(JsonElement e) => Reference.IsScalar(e) ? Reference.Scalar(e) : Reference.Tensor(e);

    private static void CheckOperator(JsonElement c)
    {
        string sym = c.GetProperty("pyop").GetString()!;
        var a = Operand(c.GetProperty("a"));
        object? b = c.TryGetProperty("b", out var be) ? Operand(be) : null;
        Reference.Check(c.GetProperty("res"), () => (b, a) switch
        {
            (null, Tensor x) => sym switch { "neg" => -x, "~" => ~x, _ => throw new ArgumentException(sym) },
            (Tensor y, Tensor x) => Binary(sym, x, y),
            (Scalar y, Tensor x) => Binary(sym, x, y),
            (Tensor y, Scalar x) => Binary(sym, x, y),
            _ => throw new ArgumentException("operands"),
        }, $"a {sym} b");
    }

    private static Tensor Binary(string sym, Tensor a, Tensor b) => sym switch
    {
        "+" => a + b, "-" => a - b, "*" => a * b, "/" => a / b, "%" => a % b,
        "==" => a == b, "!=" => a != b, "<" => a < b, "<=" => a <= b, ">" => a > b, ">=" => a >= b,
        "&" => a & b, "|" => a | b, "^" => a ^ b,
        _ => throw new ArgumentException(sym),
    };

    private static Tensor Binary(string sym, Tensor a, Scalar b) => sym switch
    {
        "+" => a + b, "-" => a - b, "*" => a * b, "/" => a / b, "%" => a % b,
        "==" => a == b, "!=" => a != b, "<" => a < b, "<=" => a <= b, ">" => a > b, ">=" => a >= b,
        "&" => a & b, "|" => a | b, "^" => a ^ b,
        _ => throw new ArgumentException(sym),
    };

    private static Tensor Binary(string sym, Scalar a, Tensor b) => sym switch
    {
        "+" => a + b, "-" => a - b, "*" => a * b, "/" => a / b, "%" => a % b,
        "==" => a == b, "!=" => a != b, "<" => a < b, "<=" => a <= b, ">" => a > b, ">=" => a >= b,
        "&" => a & b, "|" => a | b, "^" => a ^ b,
        _ => throw new ArgumentException(sym),
    };

    // ---- a small binder for Python-style calls (positional + keyword arguments) over C# overloads

    internal static MethodInfo[] FunctionCandidates(string op, bool functional)
    {
        var type = functional ? typeof(torch.nn.functional) : typeof(torch);
        return type.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name == op && !m.IsGenericMethodDefinition).ToArray();
    }

    private static MethodInfo[] MethodCandidates(string name) =>
        typeof(Tensor).GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.Name == name && !m.IsGenericMethodDefinition).ToArray();

    internal static object Normalize(object? r) => r switch
    {
        Tensor t => t,
        bool b => b,
        IReadOnlyList<Tensor> l => l.ToArray(),
        ITuple tu => Enumerable.Range(0, tu.Length).Select(i => tu[i]).OfType<Tensor>().ToArray(),
        null => throw new InvalidOperationException("returned null"),
        _ => r,
    };

    /// <remarks>
    /// <paramref name="pre"/> (by position) and <paramref name="preKw"/> (by keyword) give tensors made by the caller
    /// for some arguments (ones that require grad), used instead of converting those arguments.
    /// </remarks>
    internal static object? Call(MethodInfo[] candidates, object? self, List<JsonElement> args, Dictionary<string, JsonElement> kw, object? @out = null,
        Dictionary<int, Tensor>? pre = null, Dictionary<string, Tensor>? preKw = null)
    {
        var (m, a) = Bind(candidates, args, kw, @out, pre, preKw);
        try { return m.Invoke(self, a); }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    /// <summary>
    /// The overloads the non-leaf and plain records call (the Tensor method, and the torch function where Flint has
    /// one), found by binding each record's arguments as the replay does.
    /// </summary>
    internal static IEnumerable<MethodInfo> InPlaceOverloadsCalled()
    {
        foreach (var c in OpCases)
            foreach (var key in new[] { "nonleaf", "plain" })
            {
                if (!c.TryGetProperty(key, out var rec)) continue;
                string method = rec.GetProperty("method").GetString()!;
                var args = Args(c);
                var order = MethodOrder(c);
                var rest = order.Skip(1).Select(i => args[i]).ToList();
                var kw = Kw(c);
                var pre = new Dictionary<int, Tensor>();
                for (int j = 0; j < rest.Count; j++)
                    if (IsFloatTensor(rest[j])) pre[j] = Reference.Tensor(rest[j]);
                var preKw = kw.Where(p => IsFloatTensor(p.Value)).ToDictionary(p => p.Key, p => Reference.Tensor(p.Value));
                MethodInfo? m = null;
                try { m = Bind(MethodCandidates(method), rest, kw, null, pre, preKw).m; } catch (MissingMethodException) { }
                if (m is not null) yield return m;
                var fns = FunctionCandidates(method, false);
                if (fns.Length == 0) continue;
                var all = new List<JsonElement> { default };
                all.AddRange(rest);
                var shifted = pre.ToDictionary(p => p.Key + 1, p => p.Value);
                shifted[0] = Reference.Tensor(args[order[0]]);
                MethodInfo? f = null;
                try { f = Bind(fns, all, kw, null, shifted, preKw).m; } catch (MissingMethodException) { }
                if (f is not null) yield return f;
            }
    }

    private static (MethodInfo m, object?[] a) Bind(MethodInfo[] candidates, List<JsonElement> args, Dictionary<string, JsonElement> kw, object? @out,
        Dictionary<int, Tensor>? pre, Dictionary<string, Tensor>? preKw)
    {
        if (candidates.Length == 0) throw new MissingMethodException("no such method");
        (MethodInfo m, object?[] a, int cost)? best = null;
        foreach (var m in candidates)
            if (TryBind(m, args, kw, @out, pre, preKw, out var values, out int cost) && (best is null || cost < best.Value.cost))
                best = (m, values, cost);
        if (best is null)
        {
            var sig = string.Join(", ", args.Select(Describe).Concat(kw.Select(p => $"{p.Key}={Describe(p.Value)}")).Concat(@out is null ? [] : ["out"]));
            throw new MissingMethodException($"no overload of {candidates[0].Name} takes ({sig})");
        }
        return (best.Value.m, best.Value.a);
    }

    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object when e.TryGetProperty("tensors", out _) => "tensors",
        JsonValueKind.Object when e.TryGetProperty("scalar", out var s) => $"number {s}",
        JsonValueKind.Object when e.TryGetProperty("dtype_arg", out var d) => $"dtype {d}",
        JsonValueKind.Object => "tensor",
        _ => e.GetRawText(),
    };

    private static bool TryBind(MethodInfo m, List<JsonElement> args, Dictionary<string, JsonElement> kw, object? @out,
        Dictionary<int, Tensor>? pre, Dictionary<string, Tensor>? preKw, out object?[] values, out int cost)
    {
        var ps = m.GetParameters();
        values = new object?[ps.Length];
        cost = ps.Length; // prefer the overload with fewer parameters when conversions tie
        bool paramsTail = ps.Length > 0 && ps[^1].IsDefined(typeof(ParamArrayAttribute)) && ps[^1].ParameterType == typeof(Tensor[]);
        if (args.Count > ps.Length && !paramsTail) return false;
        int used = 0;
        for (int i = 0; i < ps.Length; i++)
        {
            var p = ps[i];
            if (paramsTail && i == ps.Length - 1 && i < args.Count && !(args.Count == ps.Length && args[i].TryGetProperty("tensors", out _)))
            {
                // einsum(equation, params Tensor[] operands): the remaining positional tensors
                var rest = args.Skip(i).ToList();
                if (!rest.All(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("shape", out _))) return false;
                values[i] = rest.Select(Reference.Tensor).ToArray();
                break;
            }
            if (i < args.Count)
            {
                if (kw.ContainsKey(p.Name!)) return false;
                if (pre is not null && pre.TryGetValue(i, out var given))
                {
                    if ((Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType) != typeof(Tensor)) return false;
                    values[i] = given;
                    continue;
                }
                if (!TryConvert(args[i], p, out values[i], out int c)) return false;
                cost += 10 * c;
            }
            else if (p.Name == "out" && @out is not null)
            {
                if (@out is Tensor t && (p.ParameterType == typeof(Tensor))) values[i] = t;
                else if (@out is Tensor[] ts && ts.Length == 2 && Nullable.GetUnderlyingType(p.ParameterType) == typeof(ValueTuple<Tensor, Tensor>))
                    values[i] = (ts[0], ts[1]);
                else return false;
                used++;
            }
            else if (kw.TryGetValue(p.Name!, out var v))
            {
                if (preKw is not null && preKw.TryGetValue(p.Name!, out var given))
                {
                    if ((Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType) != typeof(Tensor)) return false;
                    values[i] = given;
                    used++;
                    continue;
                }
                if (!TryConvert(v, p, out values[i], out int c)) return false;
                cost += 10 * c;
                used++;
            }
            else if (p.HasDefaultValue) values[i] = p.DefaultValue is DBNull ? Type.Missing : p.DefaultValue;
            else if (p.IsDefined(typeof(ParamArrayAttribute))) values[i] = Array.CreateInstance(p.ParameterType.GetElementType()!, 0);
            else return false;
        }
        return used == kw.Count + (@out is null ? 0 : 1);
    }

    private static bool TryConvert(JsonElement e, ParameterInfo p, out object? value, out int cost)
    {
        var t = p.ParameterType;
        var u = Nullable.GetUnderlyingType(t) ?? t;
        bool isParams = p.IsDefined(typeof(ParamArrayAttribute));
        value = null;
        cost = 0;
        switch (e.ValueKind)
        {
            case JsonValueKind.Null:
                return !t.IsValueType || Nullable.GetUnderlyingType(t) is not null;
            case JsonValueKind.True or JsonValueKind.False:
                if (u == typeof(bool)) { value = e.GetBoolean(); return true; }
                return false;
            case JsonValueKind.String:
                if (u == typeof(string)) { value = e.GetString(); return true; }
                return false;
            case JsonValueKind.Number:
            {
                long l = e.GetInt64();
                if (u == typeof(long)) { value = l; return true; }
                if (u == typeof(int)) { value = (int)l; return true; }
                if (u == typeof(long[]) && isParams) { value = new[] { l }; cost = 1; return true; }
                if (u == typeof(double)) { value = (double)l; cost = 2; return true; }
                if (u == typeof(Scalar)) { value = (Scalar)l; cost = 2; return true; }
                return false;
            }
            case JsonValueKind.Array:
            {
                var items = e.EnumerateArray().Select(x => x.GetInt64()).ToArray();
                if (u == typeof(long[])) { value = items; return true; }
                if (u == typeof(int[])) { value = items.Select(x => (int)x).ToArray(); return true; }
                return false;
            }
        }
        if (e.TryGetProperty("tensors", out var ts))
        {
            var list = ts.EnumerateArray().Select(Reference.Tensor).ToArray();
            if (u.IsAssignableFrom(typeof(Tensor[]))) { value = list; return true; }
            if (u == typeof(Tensor?[])) { value = list.Cast<Tensor?>().ToArray(); return true; }
            return false;
        }
        if (e.TryGetProperty("dtype_arg", out var d))
        {
            if (u == typeof(DType)) { value = Reference.DTypeOf(d.GetString()!); return true; }
            return false;
        }
        if (Reference.IsScalar(e))
        {
            var s = Reference.Scalar(e);
            var raw = e.GetProperty("scalar");
            bool integral = raw.ValueKind == JsonValueKind.Number && !raw.GetRawText().Contains('.') && !raw.GetRawText().Contains('e');
            bool boolean = raw.ValueKind is JsonValueKind.True or JsonValueKind.False;
            if (u == typeof(Scalar)) { value = s; return true; }
            if (u == typeof(double) && !boolean) { value = s.ToDouble(); cost = 1; return true; }
            if (u == typeof(float) && !boolean) { value = (float)s.ToDouble(); cost = 1; return true; }
            if (u == typeof(long) && integral) { value = s.ToInt64(); cost = 1; return true; }
            if (u == typeof(bool) && boolean) { value = s.ToDouble() != 0; return true; }
            return false;
        }
        if (u == typeof(Tensor)) { value = Reference.Tensor(e); return true; }
        return false;
    }
}

using System.Reflection;
using Flint;
using Flint.Generators;
using Flint.Ops.Kernels;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Forms = Flint.Ops.Kernels.ReductionForms;

namespace Flint.Tests.Generators;

/// <summary>
/// The reduction declarations: every [ReductionOp] gives exactly the overloads its forms ask for (no more, no fewer,
/// with PyTorch's parameter names and defaults), they run through the rule's entry (so autograd is recorded, in-place
/// forms included), a malformed declaration is a compile error with its own diagnostic, and a reduction that does not
/// state its backward does not compile.
/// </summary>
public class ReductionDeclarationTests
{
    private static readonly (Type Op, ReductionOpAttribute Decl)[] Declarations = typeof(torch).Assembly.GetTypes()
        .SelectMany(t => t.GetCustomAttributes<ReductionOpAttribute>().Select(a => (t, a))).ToArray();

    /// <summary>The parameter lists (after input, or on the method) each form stands for, written as "type name=default".</summary>
    private static List<string> Expected(ReductionOpAttribute d, bool method)
    {
        var f = d.Forms;
        bool dtype = f.HasFlag(Forms.DType), correction = f.HasFlag(Forms.Correction), @out = f.HasFlag(Forms.Out) && !method;
        string Tail(bool withOut) => withOut ? ", Tensor out=null" : "";
        string OverDims(string dim) =>
            dim + (correction ? ", Nullable`1[Boolean] unbiased=null" : "") + ", Boolean keepdim=False" + (dtype ? ", DType dtype=null" : "")
            + (correction ? ", Nullable`1[Double] correction=null" : "") + Tail(@out);
        var r = new List<string>();
        if (f.HasFlag(Forms.Full)) r.Add((dtype ? "DType dtype=null" : "") + Tail(f.HasFlag(Forms.FullOut) && !method));
        if (f.HasFlag(Forms.Dim)) r.Add(OverDims("Int64 dim"));
        if (f.HasFlag(Forms.Dims)) r.Add(OverDims("Int64[] dim"));
        if (f.HasFlag(Forms.DimsDefault)) r.Add(OverDims("Int64[] dim=null"));
        if (f.HasFlag(Forms.OptionalDim)) r.Add("Nullable`1[Int64] dim=null, Boolean keepdim=False" + Tail(@out));
        if (f.HasFlag(Forms.Along)) r.Add("Int64 dim" + (dtype ? ", DType dtype=null" : "") + Tail(@out));
        return r.Select(s => s.TrimStart(',', ' ')).Order(StringComparer.Ordinal).ToList();
    }

    private static string Signature(IEnumerable<ParameterInfo> ps) => string.Join(", ", ps.Select(p =>
        $"{p.ParameterType.Name}{(p.ParameterType.IsGenericType ? "[" + p.ParameterType.GetGenericArguments()[0].Name + "]" : "")} {p.Name}"
        + (p.HasDefaultValue ? "=" + (p.DefaultValue?.ToString() ?? "null") : "")));

    private static List<string> Actual(Type on, BindingFlags flags, string name, bool skipInput) => on.GetMethods(flags)
        .Where(m => m.Name == name)
        .Select(m => Signature(m.GetParameters().Skip(skipInput ? 1 : 0)))
        .Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void EveryDeclarationHasExactlyItsForms()
    {
        Assert.True(Declarations.Length >= 18, $"only {Declarations.Length} declarations found");
        const BindingFlags Static = BindingFlags.Public | BindingFlags.Static, Instance = BindingFlags.Public | BindingFlags.Instance;
        foreach (var (op, d) in Declarations)
        {
            Assert.True(typeof(torch).GetMethods(Static).Where(m => m.Name == d.Name).All(m => m.GetParameters()[0] is { Name: "input" } p && p.ParameterType == typeof(Tensor)),
                $"torch.{d.Name} ({op.Name}): every form takes the input first");
            Assert.Equal(Expected(d, method: false), Actual(typeof(torch), Static, d.Name, skipInput: true));
            Assert.Equal(d.Forms.HasFlag(Forms.Method) ? Expected(d, method: true) : new List<string>(), Actual(typeof(Tensor), Instance, d.Name, skipInput: false));
            Assert.Equal(d.Forms.HasFlag(Forms.InPlace) ? new List<string> { "Int64 dim, DType dtype=null" } : new List<string>(), Actual(typeof(Tensor), Instance, d.Name + "_", skipInput: false));
        }
    }

    [Fact]
    public void TheConvertedOpsAreDeclared()
    {
        var names = Declarations.Select(x => x.Decl.Name).ToHashSet();
        foreach (var n in new[] { "sum", "nansum", "prod", "mean", "nanmean", "amax", "amin", "all", "any", "var", "std", "logsumexp",
                     "cumsum", "cumprod", "softmax", "log_softmax", "argmax", "argmin" })
            Assert.Contains(n, names);
    }

    [Fact]
    public void GeneratedFormsRecordThroughTheEntry()
    {
        var x = torch.tensor(new[] { 1.0, 2.0, 3.0 }, requires_grad: true);
        Assert.Equal("SumBackward0", torch.sum(x).grad_fn!.name());
        Assert.Equal("MeanBackward1", x.mean(0, keepdim: true).grad_fn!.name());
        Assert.Equal("SoftmaxBackward0", torch.softmax(x, 0).grad_fn!.name());
        Assert.Equal("LogSoftmaxBackward0", x.log_softmax(0).grad_fn!.name());
        Assert.Null(torch.argmax(x).grad_fn);
        Assert.Null(x.all().grad_fn);
        // the in-place scan on a non-leaf: PyTorch's node, and the gradient through it (d/dx of sum(cumsum(1.5 x)))
        var y = x * 1.5;
        y.cumsum_(0);
        Assert.Equal("CumsumBackward0", y.grad_fn!.name());
        y.sum().backward();
        Assert.Equal(new[] { 4.5, 3.0, 1.5 }, x.grad!.tolist());
        // out= forms refuse an input that requires grad, as the entry checks it
        Assert.Throws<InvalidOperationException>(() => torch.sum(x, 0, @out: torch.empty(0, dtype: DType.Float64)));
    }

    private const string ScanBody = """
        {
            public static string Name => "probe";
            public static ReduceDerivative Derivative { get; } = ReduceDerivative.NotDifferentiable;
            public static void Scan<T>(Span<T> v) where T : unmanaged, INumber<T> { }
        }
        """;

    private static IReadOnlyList<Diagnostic> Generate(string declarations, out string generated) =>
        GeneratorProbe.Generate(new ReductionGenerator(), declarations, out generated);

    private const string Reduce = "internal struct P : IReduction " + GeneratorProbe.ReduceBody;

    [Theory]
    [InlineData("[ReductionOp(\"probe\", ReductionRule.Sum, ReductionForms.Dim | ReductionForms.DType)] internal struct P { public static string Name => \"p\"; }", "FLINT101")]
    [InlineData("[ReductionOp(\"probe_\", ReductionRule.Sum, ReductionForms.Dim | ReductionForms.DType)] " + Reduce, "FLINT102")]
    [InlineData("[ReductionOp(\"class\", ReductionRule.Sum, ReductionForms.Dim | ReductionForms.DType)] " + Reduce, "FLINT102")]
    [InlineData("[ReductionOp(\"probe\", ReductionRule.Sum, ReductionForms.None)] " + Reduce, "FLINT103")]
    [InlineData("[ReductionOp(\"probe\", ReductionRule.Sum, ReductionForms.DType | ReductionForms.Method)] " + Reduce, "FLINT103")]
    [InlineData("[ReductionOp(\"probe\", ReductionRule.Sum, ReductionForms.Dim)] " + Reduce, "FLINT103")]
    [InlineData("[ReductionOp(\"probe\", ReductionRule.Sum, ReductionForms.Dim | ReductionForms.DType | ReductionForms.InPlace)] " + Reduce, "FLINT103")]
    [InlineData("[ReductionOp(\"probe\", ReductionRule.Extremum, ReductionForms.Full | ReductionForms.FullOut)] " + Reduce, "FLINT103")]
    [InlineData("[ReductionOp(\"probe\", ReductionRule.Extremum, ReductionForms.Dims | ReductionForms.DimsDefault)] " + Reduce, "FLINT103")]
    [InlineData("[ReductionOp(\"probe\", ReductionRule.Extremum, ReductionForms.Full | ReductionForms.DimsDefault)] " + Reduce, "FLINT103")]
    [InlineData("[ReductionOp(\"probe\", ReductionRule.Extremum, ReductionForms.Dim, StrictDims = true)] " + Reduce, "FLINT103")]
    [InlineData("[ReductionOp(\"probe\", ReductionRule.Scan, ReductionForms.Along | ReductionForms.DType)] " + Reduce, "FLINT104")]
    [InlineData("[ReductionOp(\"probe\", ReductionRule.Sum, ReductionForms.Dim | ReductionForms.DType)] internal struct P : IScan " + ScanBody, "FLINT104")]
    [InlineData("[ReductionOp(\"probe\", ReductionRule.Mean, ReductionForms.Dim | ReductionForms.DType, HalfOk = false)] " + Reduce, "FLINT104")]
    [InlineData("[ReductionOp(\"probe\", ReductionRule.Extremum, ReductionForms.Dim)] [ReductionOp(\"probe\", ReductionRule.Extremum, ReductionForms.Dims)] " + Reduce, "FLINT105")]
    public void MalformedDeclarationIsAnError(string declaration, string id)
    {
        var d = Assert.Single(Generate(declaration, out _));
        Assert.Equal(id, d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
    }

    [Fact]
    public void WellFormedDeclarationGivesItsForms()
    {
        Assert.Empty(Generate("[ReductionOp(\"probe\", ReductionRule.Sum, ReductionForms.Full | ReductionForms.Dim | ReductionForms.DType | ReductionForms.Out"
            + " | ReductionForms.Method, Error = \"probe_cpu\", HalfOk = false)] " + Reduce, out var text));
        const string entry = "global::Flint.Ops.Reductions.Sum<global::Probe.P>";
        Assert.Contains("public static global::Flint.Tensor probe(global::Flint.Tensor input, global::Flint.DType? dtype = null) => "
            + entry + "(input, null, false, dtype, null, \"probe_cpu\", halfOk: false);", text);
        Assert.Contains("public static global::Flint.Tensor probe(global::Flint.Tensor input, long dim, bool keepdim = false, global::Flint.DType? dtype = null, "
            + "global::Flint.Tensor? @out = null) => " + entry + "(input, new long[] { dim }, keepdim, dtype, @out, \"probe_cpu\", halfOk: false);", text);
        Assert.Contains("public global::Flint.Tensor probe(long dim, bool keepdim = false, global::Flint.DType? dtype = null) => "
            + entry + "(this, new long[] { dim }, keepdim, dtype, null, \"probe_cpu\", halfOk: false);", text);
        Assert.DoesNotContain("probe_(", text);

        Assert.Empty(Generate("[ReductionOp(\"probe\", ReductionRule.Scan, ReductionForms.Along | ReductionForms.DType | ReductionForms.InPlace)] internal struct P : IScan "
            + ScanBody, out var scan));
        Assert.Contains("public static global::Flint.Tensor probe(global::Flint.Tensor input, long dim, global::Flint.DType? dtype = null) => "
            + "global::Flint.Ops.Reductions.Scan<global::Probe.P>(input, dim, dtype, null, \"probe\");", scan);
        Assert.Contains("public global::Flint.Tensor probe_(long dim, global::Flint.DType? dtype = null) => "
            + "global::Flint.Ops.Reductions.ScanInPlace<global::Probe.P>(this, dim, dtype, \"probe\");", scan);
    }

    [Fact]
    public void ReductionWithoutBackwardDoesNotCompile()
    {
        const string noDerivative = """
            internal struct P : IReduction
            {
                public static string Name => "probe";
                public static T Reduce<T>(Span<T> v, double arg) where T : unmanaged, INumber<T> => v[0];
            }
            """;
        var e = Assert.Single(GeneratorProbe.Compile(noDerivative).GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("CS0535", e.Id);
        Assert.Contains("IReduceDifferentiable.Derivative", e.GetMessage());
        Assert.DoesNotContain(GeneratorProbe.Compile(Reduce).GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
    }
}

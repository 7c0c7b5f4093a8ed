using System.Reflection;
using Flint;
using Flint.Generators;
using Flint.Ops.Kernels;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using OpVariants = Flint.Ops.Kernels.Variants;

namespace Flint.Tests.Generators;

/// <summary>
/// The op declarations: every [ElementwiseOp] gives exactly the forms its variants ask for (and they run through the
/// family entry, so autograd is recorded), a malformed declaration is a compile error with its own diagnostic, and an
/// op struct that does not state its backward does not compile.
/// </summary>
public class OpDeclarationTests
{
    private static readonly (Type Op, ElementwiseOpAttribute Decl)[] Declarations = typeof(torch).Assembly.GetTypes()
        .SelectMany(t => t.GetCustomAttributes<ElementwiseOpAttribute>().Select(a => (t, a))).ToArray();

    private static bool IsBinary(Type op) =>
        typeof(ICompareOp).IsAssignableFrom(op) || typeof(INumericBinary).IsAssignableFrom(op) || typeof(IFloatBinary).IsAssignableFrom(op)
        || typeof(IIntegerBinary).IsAssignableFrom(op);

    /// <summary>The CLR names of the operators a declaration may ask for.</summary>
    private static readonly Dictionary<string, string> OperatorNames = new()
    {
        ["+"] = "op_Addition", ["-"] = "op_Subtraction", ["*"] = "op_Multiply", ["/"] = "op_Division", ["%"] = "op_Modulus",
        ["&"] = "op_BitwiseAnd", ["|"] = "op_BitwiseOr", ["^"] = "op_ExclusiveOr",
    };

    /// <summary>The required parameters, less required numbers after the tensors (threshold's threshold and value).</summary>
    private static int Arity(MethodInfo m)
    {
        var ps = m.GetParameters();
        int required = ps.Count(p => !p.IsOptional);
        int tensors = ps.TakeWhile(p => p.ParameterType == typeof(Tensor) && !p.IsOptional).Count();
        return ps.Skip(tensors).TakeWhile(p => !p.IsOptional).All(p => p.ParameterType == typeof(double)) ? tensors : required;
    }

    [Fact]
    public void EveryDeclarationHasExactlyItsForms()
    {
        Assert.True(Declarations.Length >= 60, $"only {Declarations.Length} declarations found");
        const BindingFlags Static = BindingFlags.Public | BindingFlags.Static, Instance = BindingFlags.Public | BindingFlags.Instance;
        foreach (var (op, d) in Declarations)
        {
            int inputs = IsBinary(op) ? 2 : 1;
            bool Has(Type on, BindingFlags flags, string name, int arity, bool withOut) =>
                on.GetMethods(flags).Any(m => m.Name == name && Arity(m) == arity && m.GetParameters().Any(p => p.Name == "out") == withOut
                    && m.GetParameters().Take(arity).All(p => p.ParameterType == typeof(Tensor)));
            var v = d.Variants;
            Assert.True(Has(typeof(torch), Static, d.Name, inputs, v.HasFlag(OpVariants.Out)) == v.HasFlag(OpVariants.Function), $"torch.{d.Name} ({op.Name})");
            Assert.True(Has(typeof(torch), Static, d.Name + "_", inputs, false) == v.HasFlag(OpVariants.FunctionInPlace), $"torch.{d.Name}_ ({op.Name})");
            Assert.True(Has(typeof(Tensor), Instance, d.Name, inputs - 1, false) == v.HasFlag(OpVariants.Method), $"Tensor.{d.Name} ({op.Name})");
            Assert.True(Has(typeof(Tensor), Instance, d.Name + "_", inputs - 1, false) == v.HasFlag(OpVariants.InPlace), $"Tensor.{d.Name}_ ({op.Name})");
            if (v.HasFlag(OpVariants.Scalar))
                Assert.Contains(typeof(torch).GetMethods(Static), m => m.Name == d.Name && m.GetParameters().Length > 1 && m.GetParameters()[1].ParameterType == typeof(Scalar));
            Assert.True(typeof(torch).GetMethods(Static).Any(m => m.Name == d.Name && m.GetParameters() is [{ ParameterType: var t0, Name: "self" }, { ParameterType: var t1 }, ..]
                && t0 == typeof(Scalar) && t1 == typeof(Tensor)) == v.HasFlag(OpVariants.ScalarFirst), $"torch.{d.Name}(Scalar self, ...) ({op.Name})");
            if (IsBinary(op) && v.HasFlag(OpVariants.Function))
                Assert.Contains(typeof(torch).GetMethods(Static), m => m.Name == d.Name && m.GetParameters().Length > 1 && m.GetParameters()[1].Name == (d.Other ?? "other"));
            if (d.Operator is { } op2)
            {
                var ops = typeof(Tensor).GetMethods(Static).Where(m => m.Name == OperatorNames[op2]).Select(m => (m.GetParameters()[0].ParameterType, m.GetParameters()[1].ParameterType)).ToArray();
                Assert.Contains((typeof(Tensor), typeof(Tensor)), ops);
                Assert.Equal(v.HasFlag(OpVariants.Scalar), ops.Contains((typeof(Tensor), typeof(Scalar))));
                Assert.Equal(v.HasFlag(OpVariants.ScalarFirst), ops.Contains((typeof(Scalar), typeof(Tensor))));
            }
        }
    }

    [Fact]
    public void GeneratedFormsRecordThroughTheEntry()
    {
        // every differentiable declared form on a non-leaf: the node is the op's own (from its Derivative)
        var x = torch.tensor(new[] { 0.25, 0.5 }, requires_grad: true);
        Assert.Equal("ExpBackward0", torch.exp(x).grad_fn!.name());
        Assert.Equal("AsinBackward0", x.arcsin().grad_fn!.name());
        var y = x * 1.0;
        y.sigmoid_();
        Assert.Equal("SigmoidBackward0", y.grad_fn!.name());
        y.sum().backward();
        var s = torch.sigmoid(x.detach());
        Assert.Equal((s * (1 - s)).tolist(), x.grad!.tolist());
        Assert.Throws<InvalidOperationException>(() => torch.exp(x, @out: torch.empty(2, dtype: DType.Float64)));
    }

    private const string ArgsBody = """
        {
            public static string Name => "probe";
            public static UnaryDerivative Derivative { get; } = UnaryDerivative.NotImplemented("probe");
            public static T Apply<T>(T x, T a, T b, T c) where T : unmanaged, IFloatingPointIeee754<T> => x * a;
            public static (double, double, double) Arguments(Tensor input, Tensor? @out, double alpha, double beta) => (alpha, beta, 0);
        }
        """;

    private static IReadOnlyList<Diagnostic> Generate(string declarations, out string generated) =>
        GeneratorProbe.Generate(new OpGenerator(), declarations, out generated);

    [Theory]
    [InlineData("[ElementwiseOp(\"probe\", Variants.All, Error = \"probe_cpu\")] internal struct P { public static string Name => \"p\"; }", "FLINT001")]
    [InlineData("[ElementwiseOp(\"probe_\", Variants.All, Error = \"probe_cpu\")] internal struct P : IFloatUnary " + GeneratorProbe.FloatBody, "FLINT002")]
    [InlineData("[ElementwiseOp(\"class\", Variants.All, Error = \"probe_cpu\")] internal struct P : IFloatUnary " + GeneratorProbe.FloatBody, "FLINT002")]
    [InlineData("[ElementwiseOp(\"probe\", Variants.None, Error = \"probe_cpu\")] internal struct P : IFloatUnary " + GeneratorProbe.FloatBody, "FLINT003")]
    [InlineData("[ElementwiseOp(\"probe\", Variants.Method | Variants.Out, Error = \"probe_cpu\")] internal struct P : IFloatUnary " + GeneratorProbe.FloatBody, "FLINT003")]
    [InlineData("[ElementwiseOp(\"probe\", Variants.All | Variants.Scalar, Error = \"probe_cpu\")] internal struct P : IFloatUnary " + GeneratorProbe.FloatBody, "FLINT003")]
    [InlineData("[ElementwiseOp(\"probe\", Variants.All, Error = \"probe_cpu\", Rule = OpRule.Numeric)] internal struct P : IFloatUnary " + GeneratorProbe.FloatBody, "FLINT004")]
    [InlineData("[ElementwiseOp(\"probe\", Variants.All, Error = \"probe_cpu\", Rule = OpRule.Rounding, HalfOk = true)] internal struct P : IFloatUnary " + GeneratorProbe.FloatBody, "FLINT004")]
    [InlineData("[ElementwiseOp(\"probe\", Variants.All)] internal struct P : IFloatUnary " + GeneratorProbe.FloatBody, "FLINT005")]
    [InlineData("[ElementwiseOp(\"probe\", Variants.All, Error = \"a\")] [ElementwiseOp(\"probe\", Variants.Method, Error = \"a\")] internal struct P : IFloatUnary " + GeneratorProbe.FloatBody, "FLINT006")]
    [InlineData("[ElementwiseOp(\"probe\", Variants.All | Variants.ScalarFirst, Error = \"probe_cpu\")] internal struct P : IFloatUnary " + GeneratorProbe.FloatBody, "FLINT003")]
    [InlineData("[ElementwiseOp(\"probe\", Variants.Method | Variants.ScalarFirst)] internal struct P : IIntegerBinary " + GeneratorProbe.IntegerBody, "FLINT003")]
    [InlineData("[ElementwiseOp(\"probe\", Variants.All, Error = \"probe_cpu\", Operator = \"+\")] internal struct P : IFloatUnary " + GeneratorProbe.FloatBody, "FLINT007")]
    [InlineData("[ElementwiseOp(\"probe\", Variants.All, Operator = \"&&\")] internal struct P : IIntegerBinary " + GeneratorProbe.IntegerBody, "FLINT007")]
    [InlineData("[ElementwiseOp(\"probe\", Variants.All, Other = \"out\")] internal struct P : IIntegerBinary " + GeneratorProbe.IntegerBody, "FLINT008")]
    [InlineData("[ElementwiseOp(\"probe\", Variants.All, Other = \"ref\")] internal struct P : IIntegerBinary " + GeneratorProbe.IntegerBody, "FLINT008")]
    [InlineData("[ElementwiseOp(\"probe\", Variants.All, Error = \"probe_cpu\", Other = \"exponent\")] internal struct P : IFloatUnary " + GeneratorProbe.FloatBody, "FLINT008")]
    [InlineData("[ElementwiseOp(\"probe\", Variants.All, Error = \"probe_cpu\")] internal struct P : IIntegerBinary " + GeneratorProbe.IntegerBody, "FLINT004")]
    [InlineData("[ElementwiseOp(\"probe\", Variants.All)] internal struct P : IFloatUnaryArgs " + ArgsBody, "FLINT009")]
    [InlineData("[ElementwiseOp(\"probe\", Variants.All, Parameters = \"alpha\")] internal struct P : IFloatUnaryArgs " + ArgsBody, "FLINT009")]
    [InlineData("[ElementwiseOp(\"probe\", Variants.All, Parameters = \"double out = 1\")] internal struct P : IFloatUnaryArgs " + ArgsBody, "FLINT009")]
    [InlineData("[ElementwiseOp(\"probe\", Variants.All, Error = \"probe_cpu\", Parameters = \"double alpha = 1\")] internal struct P : IFloatUnary " + GeneratorProbe.FloatBody, "FLINT009")]
    public void MalformedDeclarationIsAnError(string declaration, string id)
    {
        var d = Assert.Single(Generate(declaration, out _));
        Assert.Equal(id, d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
    }

    [Fact]
    public void WellFormedDeclarationGivesItsForms()
    {
        Assert.Empty(Generate("[ElementwiseOp(\"probe\", Variants.All, Error = \"probe_cpu\", HalfOk = true)] internal struct P : IFloatUnary " + GeneratorProbe.FloatBody, out var text));
        Assert.Contains("public static global::Flint.Tensor probe(global::Flint.Tensor input, global::Flint.Tensor? @out = null) => "
            + "global::Flint.Ops.Unary.Float<global::Probe.P>(input, @out, false, \"probe_cpu\", halfOk: true);", text);
        Assert.Contains("public static global::Flint.Tensor probe_(global::Flint.Tensor input) => global::Flint.Ops.Unary.Float<global::Probe.P>(input, null, true, \"probe_cpu\", halfOk: true);", text);
        Assert.Contains("public global::Flint.Tensor probe() => global::Flint.Ops.Unary.Float<global::Probe.P>(this, null, false, \"probe_cpu\", halfOk: true);", text);
        Assert.Contains("public global::Flint.Tensor probe_() => global::Flint.Ops.Unary.Float<global::Probe.P>(this, null, true, \"probe_cpu\", halfOk: true);", text);
    }

    [Fact]
    public void BinaryDeclarationGivesNumberFormsAndOperators()
    {
        Assert.Empty(Generate("[ElementwiseOp(\"probe\", Variants.Function | Variants.Out | Variants.InPlace | Variants.Scalar | Variants.ScalarFirst, Operator = \"&\", Other = \"mask\")] "
            + "internal struct P : IIntegerBinary " + GeneratorProbe.IntegerBody, out var text));
        const string T = "global::Flint.Tensor", S = "global::Flint.Scalar", E = "global::Flint.Ops.Elementwise.IntegerBinary<global::Probe.P>", W = "global::Flint.Scalars.Wrap";
        Assert.Contains($"public static {T} probe({T} input, {T} mask, {T}? @out = null) => {E}(input, mask, @out);", text);
        Assert.Contains($"public static {T} probe({T} input, {S} mask, {T}? @out = null) => {E}(input, {W}(mask), @out);", text);
        Assert.Contains($"public static {T} probe({S} self, {T} mask, {T}? @out = null) => {E}({W}(self), mask, @out);", text);
        Assert.Contains($"public {T} probe_({S} mask) => {E}(this, {W}(mask), null, true);", text);
        Assert.Contains($"public static {T} operator &({T} a, {T} b) => {E}(a, b, null);", text);
        Assert.Contains($"public static {T} operator &({T} a, {S} b) => {E}(a, {W}(b), null);", text);
        Assert.Contains($"public static {T} operator &({S} a, {T} b) => {E}({W}(a), b, null);", text);
        Assert.DoesNotContain($"public {T} probe({T} mask)", text); // no Method asked for
    }

    [Fact]
    public void DeclarationWithArgumentsGivesItsForms()
    {
        Assert.Empty(Generate("[ElementwiseOp(\"probe\", Variants.All, Parameters = \"double alpha = 1.0, double beta = 2\")] internal struct P : IFloatUnaryArgs " + ArgsBody, out var text));
        const string T = "global::Flint.Tensor", E = "global::Flint.Ops.Unary.FloatArgs<global::Probe.P>", A = "global::Probe.P.Arguments";
        Assert.Contains($"public static {T} probe({T} input, double alpha = 1.0, double beta = 2, {T}? @out = null) => {E}(input, @out, false, {A}(input, @out, alpha, beta));", text);
        Assert.Contains($"public static {T} probe_({T} input, double alpha = 1.0, double beta = 2) => {E}(input, null, true, {A}(input, null, alpha, beta));", text);
        Assert.Contains($"public {T} probe(double alpha = 1.0, double beta = 2) => {E}(this, null, false, {A}(this, null, alpha, beta));", text);
        Assert.Contains($"public {T} probe_(double alpha = 1.0, double beta = 2) => {E}(this, null, true, {A}(this, null, alpha, beta));", text);
        Assert.Empty(Generate("[ElementwiseOp(\"probe\", Variants.Function, Parameters = \"\")] internal struct P : IFloatUnaryArgs " + ArgsBody, out var none));
        Assert.Contains($"public static {T} probe({T} input) => {E}(input, null, false, {A}(input, null));", none);
    }

    [Fact]
    public void DeclaredArgumentFormsRunTheOpsChecks()
    {
        var x = torch.tensor(new[] { -2.0, 0.5, 3.0 }, requires_grad: true);
        var y = x * 1.0;
        y.leaky_relu_(0.5);
        Assert.Equal(new[] { -1.0, 0.5, 3.0 }, y.detach().ToArray<double>());
        y.sum().backward();
        Assert.Equal(new[] { 0.5, 1.0, 1.0 }, x.grad!.ToArray<double>());
        Assert.Equal(new[] { 0.0, 0.5, 1.0 }, torch.hardtanh(x.detach(), 0.0, 1.0).ToArray<double>());
        Assert.Equal(new[] { 0.0, 0.5, 3.0 }, x.detach().relu6().ToArray<double>());
        Assert.Equal("Bool inputs not supported for hardtanh", Assert.Throws<NotSupportedException>(() => torch.relu6(torch.tensor(new[] { true }))).Message);
        Assert.Equal("\"elu_cpu\" not implemented for 'Long'", Assert.Throws<NotSupportedException>(() => torch.selu(torch.tensor(new long[] { 1 }))).Message);
        Assert.Equal("\"softplus_cpu\" not implemented for 'Long'", Assert.Throws<NotSupportedException>(() => torch.tensor(new long[] { 1 }).softplus()).Message);
    }

    [Fact]
    public void DeclaredBinaryFormsRunTheOpsChecks()
    {
        // the operand checks on the op struct run in every generated form, operators included
        var i = torch.tensor(new long[] { 5, 7 });
        Assert.Equal("ZeroDivisionError", Assert.Throws<DivideByZeroException>(() => i % 0).Message);
        Assert.Throws<DivideByZeroException>(() => torch.remainder(3, torch.tensor(new long[] { 0 })));
        Assert.Throws<DivideByZeroException>(() => i.fmod_(torch.tensor(new long[] { 1, 0 })));
        var b = torch.tensor(new[] { true, false });
        Assert.Equal("\"lshift_cpu\" not implemented for 'Bool'", Assert.Throws<NotSupportedException>(() => torch.bitwise_left_shift(b, b)).Message);
        Assert.Equal("\"pow\" not implemented for 'Bool'", Assert.Throws<NotSupportedException>(() => torch.pow(true, b)).Message);
        Assert.Equal("Integers to negative integer powers are not allowed.", Assert.Throws<ArgumentException>(() => i.pow_(-1)).Message);
        Assert.Equal(new long[] { 1, 1 }, (i % 2).ToArray<long>());
        Assert.Equal(new long[] { 2, 5 }, (12 % i).ToArray<long>());
        Assert.Equal(new long[] { 5, 7 }, (i & 15).ToArray<long>());
        Assert.Equal(new long[] { 10, 14 }, (i << 1).ToArray<long>());
        Assert.Equal(new long[] { 32, 128 }, torch.pow(2, i).ToArray<long>());
    }

    [Fact]
    public void OpWithoutBackwardDoesNotCompile()
    {
        const string noDerivative = """
            internal struct P : IFloatUnary
            {
                public static string Name => "probe";
                public static T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x;
            }
            """;
        var errors = GeneratorProbe.Compile(noDerivative).GetDiagnostics().Where(e => e.Severity == DiagnosticSeverity.Error).ToArray();
        var e = Assert.Single(errors);
        Assert.Equal("CS0535", e.Id);
        Assert.Contains("IUnaryDifferentiable.Derivative", e.GetMessage());
        // with its backward stated (here: explicitly not implemented) the same op compiles
        Assert.DoesNotContain(GeneratorProbe.Compile("internal struct P : IFloatUnary " + GeneratorProbe.FloatBody).GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
    }
}

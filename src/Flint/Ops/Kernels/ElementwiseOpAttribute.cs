namespace Flint.Ops.Kernels;

/// <summary>Which public forms an [ElementwiseOp] declaration asks for.</summary>
[Flags]
internal enum Variants
{
    None = 0,
    /// <summary><c>torch.op(input, ...)</c>.</summary>
    Function = 1,
    /// <summary><c>tensor.op(...)</c>.</summary>
    Method = 2,
    /// <summary><c>tensor.op_(...)</c>: in place on the tensor.</summary>
    InPlace = 4,
    /// <summary><c>torch.op_(input, ...)</c>.</summary>
    FunctionInPlace = 8,
    /// <summary>An <c>out</c> parameter on <c>torch.op</c>.</summary>
    Out = 16,
    /// <summary>Binary ops: overloads taking a C# number (a <see cref="Scalar"/>) as the second operand.</summary>
    Scalar = 32,
    /// <summary>Binary ops: <c>torch.op(Scalar self, Tensor other, ...)</c>, the number as the first operand.</summary>
    ScalarFirst = 64,
    /// <summary>torch.op(input, out), torch.op_(input), tensor.op(), tensor.op_().</summary>
    All = Function | Method | InPlace | FunctionInPlace | Out,
}

/// <summary>The dtype rule of a unary op: which generic entry in <see cref="Unary"/> its forms call.</summary>
internal enum OpRule
{
    /// <summary>The family's own: <see cref="Float"/> for IFloatUnary ops, <see cref="Numeric"/> for INumericUnary ops.</summary>
    Default = 0,
    /// <summary>Integers and bool promote to the default float dtype; out= may be any float dtype.</summary>
    Float,
    /// <summary>Floating inputs only; out= must match the input dtype.</summary>
    FloatOnly,
    /// <summary>floor/ceil/trunc: integers come back unchanged, bool and float16 are refused, out= must match.</summary>
    Rounding,
    /// <summary>The input dtype is kept (integers included); out= must match.</summary>
    Numeric,
}

/// <summary>
/// Declares a public op on its kernel struct. The Flint.Generators source generator writes the forms that
/// <paramref name="variants"/> asks for (torch.name, torch.name_, Tensor.name, Tensor.name_, out=, Scalar overloads),
/// each a single call of the family's generic entry (Unary.Float&lt;TOp&gt;, Elementwise.Compare&lt;TOp&gt;, ...), which
/// does the dtype checks, overlap checks, version counting and autograd recording (with the struct's Derivative).
/// Several declarations on one struct give aliases (each with its own variants and summary).
/// </summary>
[AttributeUsage(AttributeTargets.Struct, AllowMultiple = true, Inherited = false)]
internal sealed class ElementwiseOpAttribute(string name, Variants variants) : Attribute
{
    /// <summary>The public name (torch.<c>name</c>).</summary>
    public string Name { get; } = name;
    public Variants Variants { get; } = variants;
    /// <summary>PyTorch's CPU kernel name, which its "not implemented for 'Half'" errors quote (unary ops).</summary>
    public string? Error { get; set; }
    /// <summary>The dtype rule (unary ops).</summary>
    public OpRule Rule { get; set; }
    /// <summary>Whether float16 is accepted (unary ops; the entry's default when not set).</summary>
    public bool HalfOk { get; set; }
    /// <summary>Whether bfloat16 is accepted (FloatOnly ops; the entry's default when not set).</summary>
    public bool BFloat16Ok { get; set; }
    /// <summary>Whether bool is accepted (Numeric ops; the entry's default when not set).</summary>
    public bool BoolOk { get; set; }
    /// <summary>Binary ops: the C# operator that is this op (<c>"%"</c> gives <c>a % b</c>, with <c>a % 2</c> under Scalar and <c>2 % a</c> under ScalarFirst).</summary>
    public string? Operator { get; set; }
    /// <summary>Binary ops: PyTorch's name of the second operand (<c>"exponent"</c> for pow); <c>other</c> when not set.</summary>
    public string? Other { get; set; }
    /// <summary>
    /// Unary ops with arguments (IFloatUnaryArgs, INumericUnaryArgs): the arguments after input as C# parameters with
    /// PyTorch's names and defaults (<c>"double negative_slope = 0.01"</c>; <c>""</c> for none). The struct's
    /// <c>Arguments(Tensor input, Tensor? @out, ...those parameters)</c> checks them and gives the kernel's three numbers.
    /// </summary>
    public string? Parameters { get; set; }
    /// <summary>The XML summary of the torch function (and of the method).</summary>
    public string? Summary { get; set; }
}

namespace Flint.Ops.Kernels;

/// <summary>Which public forms a [ReductionOp] declaration asks for (the parameters each form has).</summary>
[Flags]
internal enum ReductionForms
{
    None = 0,
    /// <summary><c>torch.op(input)</c> over every element (with <see cref="DType"/>: <c>dtype</c> too).</summary>
    Full = 1,
    /// <summary>The <see cref="Full"/> form takes <c>out</c> too.</summary>
    FullOut = 2,
    /// <summary><c>torch.op(input, long dim, bool keepdim = false)</c>.</summary>
    Dim = 4,
    /// <summary><c>torch.op(input, long[]? dim, bool keepdim = false)</c> (null or empty: every dim).</summary>
    Dims = 8,
    /// <summary><see cref="Dims"/> with <c>dim = null</c> by default, standing for the full form.</summary>
    DimsDefault = 16,
    /// <summary>Arg reductions: <c>torch.op(input, long? dim = null, bool keepdim = false)</c>.</summary>
    OptionalDim = 32,
    /// <summary>Scans and softmax: <c>torch.op(input, long dim)</c>, the result of the input's shape.</summary>
    Along = 64,
    /// <summary>A <c>DType? dtype = null</c> parameter after keepdim (after dim for <see cref="Along"/>).</summary>
    DType = 128,
    /// <summary>std/var: <c>bool? unbiased = null</c> after dim and <c>double? correction = null</c> after keepdim.</summary>
    Correction = 256,
    /// <summary>The torch forms take <c>Tensor? @out = null</c> last.</summary>
    Out = 512,
    /// <summary>A <c>tensor.op(...)</c> method for every torch form (without out).</summary>
    Method = 1024,
    /// <summary><c>tensor.op_(long dim, ...)</c>: the <see cref="Along"/> form in place.</summary>
    InPlace = 2048,
}

/// <summary>The dtype rule of a reduction: which generic entry in <see cref="Reductions"/> its forms call.</summary>
internal enum ReductionRule
{
    /// <summary>sum/nansum/prod: integers and bool give int64 unless dtype says otherwise; out= sets the accumulation dtype.</summary>
    Sum = 1,
    /// <summary>mean/nanmean: floating inputs (or a floating dtype) only.</summary>
    Mean,
    /// <summary>amax/amin: the input dtype; no reduction over an empty dim; out= must match.</summary>
    Extremum,
    /// <summary>all/any: bool results (uint8 for uint8 inputs).</summary>
    Logical,
    /// <summary>var/std: floating inputs only, with unbiased or correction.</summary>
    Variance,
    /// <summary>logsumexp: integers promote to the default float dtype.</summary>
    LogSumExp,
    /// <summary>cumsum/cumprod: the sum rule's dtypes, along one dim.</summary>
    Scan,
    /// <summary>softmax/log_softmax: floating only (after dtype), along one dim.</summary>
    Softmax,
    /// <summary>argmax/argmin: int64 positions, over the flattened input when dim is null.</summary>
    Arg,
}

/// <summary>
/// Declares a public reduction (or scan, or softmax) on its kernel struct. The Flint.Generators source generator
/// (ReductionGenerator) writes the torch.name / Tensor.name (/ Tensor.name_) overloads that <paramref name="forms"/>
/// asks for, each a single call of the rule's generic entry (Reductions.Sum&lt;TOp&gt;, ...), which does the dtype
/// checks, out= delivery and autograd recording (with the struct's Derivative). Several declarations on one struct
/// give several public names (amax on MaxOp, and max's hand-written overloads call the same entry).
/// </summary>
[AttributeUsage(AttributeTargets.Struct, AllowMultiple = true, Inherited = false)]
internal sealed class ReductionOpAttribute(string name, ReductionRule rule, ReductionForms forms) : Attribute
{
    /// <summary>The public name (torch.<c>name</c>).</summary>
    public string Name { get; } = name;
    public ReductionRule Rule { get; } = rule;
    public ReductionForms Forms { get; } = forms;
    /// <summary>The op's name as PyTorch's error texts give it (a CPU kernel's name, say); the public name when not set.</summary>
    public string? Error { get; set; }
    /// <summary>Sum rule: whether float16 results are computed (prod refuses them); true when not set.</summary>
    public bool HalfOk { get; set; }
    /// <summary>The dim list is <c>long[]</c> (not nullable), as PyTorch's signature of the op requires one.</summary>
    public bool StrictDims { get; set; }
    /// <summary>The XML summary of the torch function.</summary>
    public string? Summary { get; set; }
}

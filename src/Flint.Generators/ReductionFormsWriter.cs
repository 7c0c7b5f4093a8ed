using System.Collections.Generic;
using System.Text;

namespace Flint.Generators;

/// <summary>The source text of a reduction's forms: one expression-bodied member per overload.</summary>
internal static class ReductionFormsWriter
{
    /// <summary>One overload: its parameters after input (torch) or this (methods), and the entry's arguments after it.</summary>
    private sealed record Form(string Parameters, string Arguments, bool HasOut);

    private const string T = "global::Flint.Tensor", DT = "global::Flint.DType", I = "        ";

    internal static void Write(ReductionDecl d, StringBuilder torch, StringBuilder tensor)
    {
        string entry = "global::Flint.Ops.Reductions." + d.Rule + "<" + d.Struct + ">";
        var tail = new StringBuilder(", \"").Append(d.Error ?? d.Name).Append('"');
        if (d.HalfOk is { } h) tail.Append(", halfOk: ").Append(h ? "true" : "false");
        foreach (var f in FormsOf(d))
        {
            GeneratedPartials.Doc(torch, I, d.Summary, "torch." + d.Name);
            string outParam = f.HasOut ? ", " + T + "? @out = null" : "";
            torch.Append(I).Append("public static ").Append(T).Append(' ').Append(d.Name).Append('(').Append(T).Append(" input")
                .Append(f.Parameters.Length > 0 ? ", " + f.Parameters : "").Append(outParam).Append(") => ")
                .Append(entry).Append("(input").Append(f.Arguments).Append(f.HasOut ? ", @out" : ", null").Append(tail).AppendLine(");");
            if (d.Has(ReductionFormFlags.Method))
            {
                GeneratedPartials.Doc(tensor, I, d.Summary, "tensor." + d.Name + "()");
                tensor.Append(I).Append("public ").Append(T).Append(' ').Append(d.Name).Append('(').Append(f.Parameters).Append(") => ")
                    .Append(entry).Append("(this").Append(f.Arguments).Append(", null").Append(tail).AppendLine(");");
            }
        }
        if (d.Has(ReductionFormFlags.InPlace))
        {
            GeneratedPartials.Doc(tensor, I, d.Summary, "tensor." + d.Name + "_()", inPlace: true);
            tensor.Append(I).Append("public ").Append(T).Append(' ').Append(d.Name).Append("_(long dim, ").Append(DT).Append("? dtype = null) => ")
                .Append("global::Flint.Ops.Reductions.").Append(d.Rule).Append("InPlace<").Append(d.Struct).Append(">(this, dim, dtype").Append(tail).AppendLine(");");
        }
    }

    /// <summary>The overloads the declaration asks for, in a fixed order.</summary>
    private static IEnumerable<Form> FormsOf(ReductionDecl d)
    {
        bool dtype = d.Has(ReductionFormFlags.DType), correction = d.Has(ReductionFormFlags.Correction), @out = d.Has(ReductionFormFlags.Out);
        string dtypeParam = dtype ? DT + "? dtype = null" : "";
        if (d.Has(ReductionFormFlags.Full))
            yield return new Form(dtypeParam, ", null, false" + (dtype ? ", dtype" : ""), d.Has(ReductionFormFlags.FullOut));
        if (d.Has(ReductionFormFlags.Dim)) yield return OverDims("long dim", "new long[] { dim }", dtype, correction, @out);
        if (d.Has(ReductionFormFlags.Dims)) yield return OverDims(d.StrictDims ? "long[] dim" : "long[]? dim", "dim", dtype, correction, @out);
        if (d.Has(ReductionFormFlags.DimsDefault)) yield return OverDims("long[]? dim = null", "dim", dtype, correction, @out);
        if (d.Has(ReductionFormFlags.OptionalDim)) yield return new Form("long? dim = null, bool keepdim = false", ", dim, keepdim", @out);
        if (d.Has(ReductionFormFlags.Along))
            yield return new Form("long dim" + (dtype ? ", " + dtypeParam : ""), ", dim" + (dtype ? ", dtype" : ""), @out);
    }

    /// <summary>dim, [unbiased], keepdim, [dtype], [correction]: the parameters of a reduction over dims, in PyTorch's order.</summary>
    private static Form OverDims(string dimParam, string dimArg, bool dtype, bool correction, bool @out)
    {
        var p = new StringBuilder(dimParam);
        var a = new StringBuilder(", ").Append(dimArg);
        if (correction) { p.Append(", bool? unbiased = null"); a.Append(", unbiased"); }
        p.Append(", bool keepdim = false"); a.Append(", keepdim");
        if (dtype) { p.Append(", ").Append(DT).Append("? dtype = null"); a.Append(", dtype"); }
        if (correction) { p.Append(", double? correction = null"); a.Append(", correction"); }
        return new Form(p.ToString(), a.ToString(), @out);
    }
}

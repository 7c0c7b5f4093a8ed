using System.Text;

namespace Flint.Generators;

/// <summary>The source text of an op's forms, one expression-bodied member per form.</summary>
internal static class Forms
{
    private const string T = "global::Flint.Tensor";
    private const string S = "global::Flint.Scalar";
    private const string Wrap = "global::Flint.Scalars.Wrap";
    private const string I = "        ";

    internal static void Write(OpDecl d, StringBuilder torch, StringBuilder tensor)
    {
        switch (d.Family)
        {
            case Family.FloatUnary:
            case Family.NumericUnary: Unary(d, torch, tensor); break;
            case Family.Compare: Binary(d, "Compare", torch, tensor); break;
            case Family.NumericBinary: Binary(d, "NumericBinary", torch, tensor); break;
            case Family.FloatBinary: Binary(d, "FloatBinary", torch, tensor); break;
            case Family.IntegerBinary: Binary(d, "IntegerBinary", torch, tensor); break;
            case Family.FloatUnaryArgs: UnaryArgs(d, "FloatArgs", torch, tensor); break;
            case Family.NumericUnaryArgs: UnaryArgs(d, "NumericArgs", torch, tensor); break;
            case Family.Predicate: Predicate(d, torch, tensor); break;
        }
    }

    /// <summary>The doc comment of an operator form: the op it calls and the declaration's summary.</summary>
    private static void OperatorDoc(StringBuilder sb, string? summary, string op, string name)
    {
        if (summary is null) return;
        sb.Append(I).Append("/// <summary><c>a ").Append(op.Replace("&", "&amp;")).Append(" b</c>: <c>torch.").Append(name).Append("(a, b)</c>. ")
            .Append(summary).AppendLine("</summary>");
    }

    private static void Unary(OpDecl d, StringBuilder torch, StringBuilder tensor)
    {
        var rule = d.EffectiveRule;
        string entry = "global::Flint.Ops.Unary." + rule + "<" + d.Struct + ">";
        var extra = new StringBuilder(", \"").Append(d.Error).Append('"');
        if (d.HalfOk is { } h) extra.Append(", halfOk: ").Append(h ? "true" : "false");
        if (d.BFloat16Ok is { } b) extra.Append(", bfloat16Ok: ").Append(b ? "true" : "false");
        if (d.BoolOk is { } o) extra.Append(", boolOk: ").Append(o ? "true" : "false");
        string n = d.Name;
        if (d.Has(VariantFlags.Function))
        {
            GeneratedPartials.Doc(torch, I, d.Summary, "torch." + n);
            bool @out = d.Has(VariantFlags.Out);
            torch.Append(I).Append("public static ").Append(T).Append(' ').Append(n).Append('(').Append(T).Append(" input")
                .Append(@out ? ", " + T + "? @out = null" : "").Append(") => ").Append(entry).Append("(input, ").Append(@out ? "@out" : "null")
                .Append(", false").Append(extra).AppendLine(");");
        }
        if (d.Has(VariantFlags.FunctionInPlace))
        {
            GeneratedPartials.Doc(torch, I, d.Summary, "torch." + n + "_", inPlace: true);
            torch.Append(I).Append("public static ").Append(T).Append(' ').Append(n).Append("_(").Append(T).Append(" input) => ")
                .Append(entry).Append("(input, null, true").Append(extra).AppendLine(");");
        }
        if (d.Has(VariantFlags.Method))
        {
            GeneratedPartials.Doc(tensor, I, d.Summary, "tensor." + n + "()");
            tensor.Append(I).Append("public ").Append(T).Append(' ').Append(n).Append("() => ").Append(entry).Append("(this, null, false").Append(extra).AppendLine(");");
        }
        if (d.Has(VariantFlags.InPlace))
        {
            GeneratedPartials.Doc(tensor, I, d.Summary, "tensor." + n + "_()", inPlace: true);
            tensor.Append(I).Append("public ").Append(T).Append(' ').Append(n).Append("_() => ").Append(entry).Append("(this, null, true").Append(extra).AppendLine(");");
        }
    }

    /// <summary>
    /// A binary op: the entry is Elementwise.{family}&lt;TOp&gt;(a, b, out, inPlace). A number operand becomes a wrapped
    /// 0-dim tensor (Scalars.Wrap), as PyTorch's Scalar overloads do; the operator forms call the same entry.
    /// </summary>
    private static void Binary(OpDecl d, string family, StringBuilder torch, StringBuilder tensor)
    {
        string entry = "global::Flint.Ops.Elementwise." + family + "<" + d.Struct + ">";
        string n = d.Name, o = d.Other ?? "other";
        bool scalar = d.Has(VariantFlags.Scalar), @out = d.Has(VariantFlags.Out);
        string outParam = @out ? ", " + T + "? @out = null" : "", outArg = @out ? "@out" : "null";
        foreach (var number in scalar ? new[] { false, true } : new[] { false })
        {
            string type = number ? S : T, other = number ? Wrap + "(" + o + ")" : o;
            if (d.Has(VariantFlags.Function))
            {
                GeneratedPartials.Doc(torch, I, d.Summary, "torch." + n);
                torch.Append(I).Append("public static ").Append(T).Append(' ').Append(n).Append('(').Append(T).Append(" input, ").Append(type).Append(' ').Append(o)
                    .Append(outParam).Append(") => ").Append(entry).Append("(input, ").Append(other).Append(", ").Append(outArg).AppendLine(");");
            }
            if (d.Has(VariantFlags.FunctionInPlace))
            {
                GeneratedPartials.Doc(torch, I, d.Summary, "torch." + n + "_", inPlace: true);
                torch.Append(I).Append("public static ").Append(T).Append(' ').Append(n).Append("_(").Append(T).Append(" input, ").Append(type).Append(' ').Append(o)
                    .Append(") => ").Append(entry).Append("(input, ").Append(other).AppendLine(", null, true);");
            }
            if (d.Has(VariantFlags.Method))
            {
                GeneratedPartials.Doc(tensor, I, d.Summary, "tensor." + n + "(" + o + ")");
                tensor.Append(I).Append("public ").Append(T).Append(' ').Append(n).Append('(').Append(type).Append(' ').Append(o).Append(") => ")
                    .Append(entry).Append("(this, ").Append(other).AppendLine(", null);");
            }
            if (d.Has(VariantFlags.InPlace))
            {
                GeneratedPartials.Doc(tensor, I, d.Summary, "tensor." + n + "_(" + o + ")", inPlace: true);
                tensor.Append(I).Append("public ").Append(T).Append(' ').Append(n).Append("_(").Append(type).Append(' ').Append(o).Append(") => ")
                    .Append(entry).Append("(this, ").Append(other).AppendLine(", null, true);");
            }
        }
        if (d.Has(VariantFlags.ScalarFirst))
        {
            GeneratedPartials.Doc(torch, I, d.Summary, "torch." + n + "(self, " + o + ")");
            torch.Append(I).Append("public static ").Append(T).Append(' ').Append(n).Append('(').Append(S).Append(" self, ").Append(T).Append(' ').Append(o)
                .Append(outParam).Append(") => ").Append(entry).Append('(').Append(Wrap).Append("(self), ").Append(o).Append(", ").Append(outArg).AppendLine(");");
        }
        if (d.Operator is { } op)
        {
            Operator(tensor, d, op, T, T, entry + "(a, b, null)");
            if (scalar) Operator(tensor, d, op, T, S, entry + "(a, " + Wrap + "(b), null)");
            if (d.Has(VariantFlags.ScalarFirst)) Operator(tensor, d, op, S, T, entry + "(" + Wrap + "(a), b, null)");
        }
    }

    private static void Operator(StringBuilder tensor, OpDecl d, string op, string a, string b, string body)
    {
        OperatorDoc(tensor, d.Summary, op, d.Name);
        tensor.Append(I).Append("public static ").Append(T).Append(" operator ").Append(op).Append('(').Append(a).Append(" a, ").Append(b).Append(" b) => ")
            .Append(body).AppendLine(";");
    }

    /// <summary>
    /// The names in a parameter list such as <c>double beta = 1, double threshold = 20</c> (empty for ""), or null when
    /// a parameter is not "type name" or "type name = default".
    /// </summary>
    internal static string[]? ParameterNames(string parameters)
    {
        if (parameters.Trim().Length == 0) return new string[0];
        var names = new System.Collections.Generic.List<string>();
        foreach (var p in parameters.Split(','))
        {
            var decl = p.Split('=')[0].Trim();
            int space = decl.LastIndexOf(' ');
            if (space <= 0) return null;
            var name = decl.Substring(space + 1);
            if (!Microsoft.CodeAnalysis.CSharp.SyntaxFacts.IsValidIdentifier(name) || name is "input" or "out"
                || Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None) return null;
            names.Add(name);
        }
        return names.ToArray();
    }

    /// <summary>
    /// A unary op with arguments: the struct's <c>Arguments(input, out, ...)</c> checks them (PyTorch's refusals) and
    /// maps them to the kernel's three numbers; the entry is Unary.{FloatArgs|NumericArgs}&lt;TOp&gt;(x, out, inPlace, args).
    /// </summary>
    private static void UnaryArgs(OpDecl d, string family, StringBuilder torch, StringBuilder tensor)
    {
        string entry = "global::Flint.Ops.Unary." + family + "<" + d.Struct + ">";
        string n = d.Name, ps = d.Parameters!.Trim();
        string names = string.Concat(System.Linq.Enumerable.Select(ParameterNames(ps)!, x => ", " + x));
        string sep = ps.Length > 0 ? ", " : "";
        string Call(string x, string o, string inPlace) => entry + "(" + x + ", " + o + ", " + inPlace + ", " + d.Struct + ".Arguments(" + x + ", " + o + names + "))";
        if (d.Has(VariantFlags.Function))
        {
            GeneratedPartials.Doc(torch, I, d.Summary, "torch." + n);
            bool @out = d.Has(VariantFlags.Out);
            torch.Append(I).Append("public static ").Append(T).Append(' ').Append(n).Append('(').Append(T).Append(" input").Append(sep).Append(ps)
                .Append(@out ? ", " + T + "? @out = null" : "").Append(") => ").Append(Call("input", @out ? "@out" : "null", "false")).AppendLine(";");
        }
        if (d.Has(VariantFlags.FunctionInPlace))
        {
            GeneratedPartials.Doc(torch, I, d.Summary, "torch." + n + "_", inPlace: true);
            torch.Append(I).Append("public static ").Append(T).Append(' ').Append(n).Append("_(").Append(T).Append(" input").Append(sep).Append(ps).Append(") => ")
                .Append(Call("input", "null", "true")).AppendLine(";");
        }
        if (d.Has(VariantFlags.Method))
        {
            GeneratedPartials.Doc(tensor, I, d.Summary, "tensor." + n + "()");
            tensor.Append(I).Append("public ").Append(T).Append(' ').Append(n).Append('(').Append(ps).Append(") => ").Append(Call("this", "null", "false")).AppendLine(";");
        }
        if (d.Has(VariantFlags.InPlace))
        {
            GeneratedPartials.Doc(tensor, I, d.Summary, "tensor." + n + "_()", inPlace: true);
            tensor.Append(I).Append("public ").Append(T).Append(' ').Append(n).Append("_(").Append(ps).Append(") => ").Append(Call("this", "null", "true")).AppendLine(";");
        }
    }

    private static void Predicate(OpDecl d, StringBuilder torch, StringBuilder tensor)
    {
        string entry = "global::Flint.Ops.Unary.Classify<" + d.Struct + ">";
        string n = d.Name;
        if (d.Has(VariantFlags.Function))
        {
            GeneratedPartials.Doc(torch, I, d.Summary, "torch." + n);
            bool @out = d.Has(VariantFlags.Out);
            torch.Append(I).Append("public static ").Append(T).Append(' ').Append(n).Append('(').Append(T).Append(" input")
                .Append(@out ? ", " + T + "? @out = null" : "").Append(") => ").Append(entry).Append("(input, ").Append(@out ? "@out" : "null").AppendLine(");");
        }
        if (d.Has(VariantFlags.Method))
        {
            GeneratedPartials.Doc(tensor, I, d.Summary, "tensor." + n + "()");
            tensor.Append(I).Append("public ").Append(T).Append(' ').Append(n).Append("() => ").Append(entry).AppendLine("(this, null);");
        }
    }
}

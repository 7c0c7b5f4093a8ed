using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Flint.Generators;

/// <summary>
/// Writes the public forms of every op declared with <c>[ElementwiseOp(name, variants, ...)]</c> on its kernel
/// struct: torch.name (with out= and Scalar overloads as asked), torch.name_, Tensor.name and Tensor.name_. Each
/// form is one call of the family's generic entry with the struct as TOp, so no form can skip the checks, version
/// counting or autograd recording that the entry does. Malformed declarations are compile errors (FLINT001-009).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class OpGenerator : IIncrementalGenerator
{
    private const string AttributeName = "Flint.Ops.Kernels.ElementwiseOpAttribute";

    /// <summary>Registers the generator with the compiler: reads every <c>[ElementwiseOp]</c> struct and writes the ops' public forms.</summary>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var decls = context.SyntaxProvider.ForAttributeWithMetadataName(AttributeName,
            static (node, _) => node is StructDeclarationSyntax,
            static (ctx, _) => Read(ctx));
        context.RegisterSourceOutput(decls.Collect(), static (spc, all) => Emit(spc, all));
    }

    private static ImmutableArray<OpDecl> Read(GeneratorAttributeSyntaxContext ctx)
    {
        var type = (INamedTypeSymbol)ctx.TargetSymbol;
        var family = Families.Of(type);
        var location = LocationInfo.From(ctx.TargetNode.GetLocation());
        var result = ImmutableArray.CreateBuilder<OpDecl>();
        foreach (var a in ctx.Attributes)
        {
            var loc = a.ApplicationSyntaxReference is { } r ? LocationInfo.From(r.GetSyntax().GetLocation()) : location;
            string name = a.ConstructorArguments.Length > 0 ? a.ConstructorArguments[0].Value as string ?? "" : "";
            int variants = a.ConstructorArguments.Length > 1 && a.ConstructorArguments[1].Value is int v ? v : 0;
            string? error = null, summary = null, @operator = null, other = null, parameters = null;
            int rule = 0;
            bool? halfOk = null, bfloat16Ok = null, boolOk = null;
            foreach (var kv in a.NamedArguments)
            {
                switch (kv.Key)
                {
                    case "Error": error = kv.Value.Value as string; break;
                    case "Summary": summary = kv.Value.Value as string; break;
                    case "Rule": rule = kv.Value.Value is int i ? i : 0; break;
                    case "HalfOk": halfOk = kv.Value.Value as bool?; break;
                    case "BFloat16Ok": bfloat16Ok = kv.Value.Value as bool?; break;
                    case "BoolOk": boolOk = kv.Value.Value as bool?; break;
                    case "Operator": @operator = kv.Value.Value as string; break;
                    case "Other": other = kv.Value.Value as string; break;
                    case "Parameters": parameters = kv.Value.Value as string; break;
                }
            }
            result.Add(new OpDecl(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), type.Name, family, name, variants,
                error, summary, rule, halfOk, bfloat16Ok, boolOk, @operator, other, parameters, loc));
        }
        return result.ToImmutable();
    }

    private static void Emit(SourceProductionContext spc, ImmutableArray<ImmutableArray<OpDecl>> all)
    {
        var torch = new StringBuilder();
        var tensor = new StringBuilder();
        var seen = new HashSet<string>();
        foreach (var d in all.SelectMany(x => x).OrderBy(x => x.Name, System.StringComparer.Ordinal).ThenBy(x => x.StructName, System.StringComparer.Ordinal))
        {
            var problem = Validate(d);
            if (problem is { } p)
            {
                spc.ReportDiagnostic(Diagnostic.Create(p.Descriptor, d.Location.ToLocation(), p.Args));
                continue;
            }
            // the same name twice in one family would be two identical signatures
            if (!seen.Add(d.Family + ":" + d.Name))
            {
                spc.ReportDiagnostic(Diagnostic.Create(Diagnostics.Duplicate, d.Location.ToLocation(), d.Name));
                continue;
            }
            Forms.Write(d, torch, tensor);
        }
        spc.AddSource("ElementwiseOps.g.cs", GeneratedPartials.File("ElementwiseOp", torch, tensor));
    }

    /// <summary>The binary operators a declaration may ask for (C#'s overloadable ones that PyTorch's tensors have).</summary>
    private static readonly string[] BinaryOperators = { "+", "-", "*", "/", "%", "&", "|", "^" };

    private static (DiagnosticDescriptor Descriptor, object[] Args)? Validate(OpDecl d)
    {
        if (d.Family == Family.None)
            return (Diagnostics.NoFamily, new object[] { d.StructName });
        if (!SyntaxFacts.IsValidIdentifier(d.Name) || d.Name.EndsWith("_", System.StringComparison.Ordinal) || SyntaxFacts.GetKeywordKind(d.Name) != SyntaxKind.None)
            return (Diagnostics.BadName, new object[] { d.Name });
        const int known = 127;
        var v = d.Variants;
        if (v == 0 || (v & ~known) != 0 || (v & (int)(VariantFlags.Function | VariantFlags.Method | VariantFlags.InPlace | VariantFlags.FunctionInPlace)) == 0)
            return (Diagnostics.BadVariants, new object[] { d.Name, "no form is asked for" });
        if ((v & (int)VariantFlags.Out) != 0 && (v & (int)VariantFlags.Function) == 0)
            return (Diagnostics.BadVariants, new object[] { d.Name, "Out needs Function" });
        bool unary = d.Family is Family.FloatUnary or Family.NumericUnary;
        bool args = d.Family is Family.FloatUnaryArgs or Family.NumericUnaryArgs;
        if (args != (d.Parameters is not null) || args && Forms.ParameterNames(d.Parameters!) is null)
            return (Diagnostics.BadParameters, new object[] { d.Name, d.Parameters ?? "(none)" });
        if (args && (v & (int)VariantFlags.Scalar) != 0)
            return (Diagnostics.BadVariants, new object[] { d.Name, "Scalar overloads are for binary ops" });
        bool binary = d.Family is Family.Compare or Family.NumericBinary or Family.FloatBinary or Family.IntegerBinary;
        if ((v & (int)(VariantFlags.Scalar | VariantFlags.ScalarFirst)) != 0 && !binary)
            return (Diagnostics.BadVariants, new object[] { d.Name, "Scalar overloads are for binary ops" });
        if ((v & (int)VariantFlags.ScalarFirst) != 0 && (v & (int)VariantFlags.Function) == 0)
            return (Diagnostics.BadVariants, new object[] { d.Name, "ScalarFirst needs Function" });
        if (d.Operator is { } op && (!binary || System.Array.IndexOf(BinaryOperators, op) < 0))
            return (Diagnostics.BadOperator, new object[] { d.Name, op });
        if (d.Other is { } o && (!binary || !SyntaxFacts.IsValidIdentifier(o) || SyntaxFacts.GetKeywordKind(o) != SyntaxKind.None || o is "input" or "self" or "out"))
            return (Diagnostics.BadParameter, new object[] { d.Name, o });
        if (d.Family == Family.Predicate && (v & (int)(VariantFlags.InPlace | VariantFlags.FunctionInPlace)) != 0)
            return (Diagnostics.BadVariants, new object[] { d.Name, "a predicate's bool result cannot be written in place" });
        if (unary)
        {
            if (string.IsNullOrEmpty(d.Error)) return (Diagnostics.NoError, new object[] { d.Name });
            var rule = d.EffectiveRule;
            if (d.Family == Family.NumericUnary && rule != Rule.Numeric || d.Family == Family.FloatUnary && rule == Rule.Numeric)
                return (Diagnostics.BadRule, new object[] { d.Name, rule.ToString(), d.Family.ToString() });
            if (rule == Rule.Rounding && (d.HalfOk is not null || d.BFloat16Ok is not null || d.BoolOk is not null)
                || rule == Rule.Float && (d.BFloat16Ok is not null || d.BoolOk is not null)
                || rule == Rule.FloatOnly && d.BoolOk is not null
                || rule == Rule.Numeric && d.BFloat16Ok is not null)
                return (Diagnostics.BadRule, new object[] { d.Name, rule + " with a dtype flag it does not take", d.Family.ToString() });
        }
        else if (d.Error is not null || d.Rule != 0 || d.HalfOk is not null || d.BFloat16Ok is not null || d.BoolOk is not null)
            return (Diagnostics.BadRule, new object[] { d.Name, "dtype settings", d.Family.ToString() });
        return null;
    }
}

internal enum Family { None, FloatUnary, NumericUnary, Compare, Predicate, NumericBinary, FloatBinary, IntegerBinary, FloatUnaryArgs, NumericUnaryArgs }

/// <summary>Mirrors Flint.Ops.Kernels.OpRule (the same values).</summary>
internal enum Rule { Default = 0, Float, FloatOnly, Rounding, Numeric }

/// <summary>Mirrors Flint.Ops.Kernels.Variants (the same values).</summary>
[System.Flags]
internal enum VariantFlags { Function = 1, Method = 2, InPlace = 4, FunctionInPlace = 8, Out = 16, Scalar = 32, ScalarFirst = 64 }

internal static class Families
{
    internal static Family Of(INamedTypeSymbol type)
    {
        foreach (var i in type.AllInterfaces)
        {
            if (i.ContainingNamespace?.ToDisplayString() != "Flint.Ops.Kernels") continue;
            switch (i.Name)
            {
                case "IFloatUnary": return Family.FloatUnary;
                case "INumericUnary": return Family.NumericUnary;
                case "ICompareOp": return Family.Compare;
                case "IFloatPredicate": return Family.Predicate;
                case "INumericBinary": return Family.NumericBinary;
                case "IFloatBinary": return Family.FloatBinary;
                case "IIntegerBinary": return Family.IntegerBinary;
                case "IFloatUnaryArgs": return Family.FloatUnaryArgs;
                case "INumericUnaryArgs": return Family.NumericUnaryArgs;
            }
        }
        return Family.None;
    }
}

/// <summary>One declaration as the generator keeps it between runs (plain values, compared by value).</summary>
internal sealed record OpDecl(string Struct, string StructName, Family Family, string Name, int Variants, string? Error, string? Summary,
    int Rule, bool? HalfOk, bool? BFloat16Ok, bool? BoolOk, string? Operator, string? Other, string? Parameters, LocationInfo Location)
{
    internal Rule EffectiveRule => Rule != 0 ? (Rule)Rule : Family == Family.NumericUnary ? Generators.Rule.Numeric : Generators.Rule.Float;
    internal bool Has(VariantFlags f) => (Variants & (int)f) != 0;
}

internal sealed record LocationInfo(string Path, TextSpan Span, LinePositionSpan Lines)
{
    internal static LocationInfo From(Location l) => new(l.SourceTree?.FilePath ?? "", l.SourceSpan, l.GetLineSpan().Span);
    internal Location ToLocation() => Location.Create(Path, Span, Lines);
}

internal static class Diagnostics
{
    private const string Category = "Flint.Ops";

    internal static readonly DiagnosticDescriptor NoFamily = new("FLINT001", "[ElementwiseOp] on a struct of no op family",
        "'{0}' has [ElementwiseOp] but implements none of IFloatUnary, INumericUnary, IFloatUnaryArgs, INumericUnaryArgs, INumericBinary, IFloatBinary, IIntegerBinary, ICompareOp, IFloatPredicate", Category, DiagnosticSeverity.Error, true);
    internal static readonly DiagnosticDescriptor BadName = new("FLINT002", "Bad op name",
        "'{0}' is not a usable op name (a C# identifier, not a keyword, without the trailing '_' of the in-place form)", Category, DiagnosticSeverity.Error, true);
    internal static readonly DiagnosticDescriptor BadVariants = new("FLINT003", "Bad op variants",
        "The variants of '{0}' are malformed: {1}", Category, DiagnosticSeverity.Error, true);
    internal static readonly DiagnosticDescriptor BadRule = new("FLINT004", "Bad dtype rule",
        "'{0}': {1} does not apply to a {2} op", Category, DiagnosticSeverity.Error, true);
    internal static readonly DiagnosticDescriptor NoError = new("FLINT005", "Unary op without its kernel name",
        "'{0}' needs Error = \"<PyTorch's CPU kernel name>\" for its dtype errors", Category, DiagnosticSeverity.Error, true);
    internal static readonly DiagnosticDescriptor Duplicate = new("FLINT006", "Op declared twice",
        "'{0}' is declared more than once", Category, DiagnosticSeverity.Error, true);
    internal static readonly DiagnosticDescriptor BadOperator = new("FLINT007", "Bad op operator",
        "'{0}': operator '{1}' cannot be declared (binary ops only; one of + - * / % & | ^)", Category, DiagnosticSeverity.Error, true);
    internal static readonly DiagnosticDescriptor BadParameter = new("FLINT008", "Bad parameter name",
        "'{0}': '{1}' is not a usable name for the second operand (a C# identifier, not a keyword, not input/self/out)", Category, DiagnosticSeverity.Error, true);
    internal static readonly DiagnosticDescriptor BadParameters = new("FLINT009", "Bad op parameters",
        "'{0}': Parameters '{1}' is malformed: ops with arguments, and only they, declare them as C# parameters with PyTorch's names and defaults (double alpha = 1)", Category, DiagnosticSeverity.Error, true);
}

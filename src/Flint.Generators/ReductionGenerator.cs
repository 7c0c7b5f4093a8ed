using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Flint.Generators;

/// <summary>
/// Writes the public forms of every reduction, scan and softmax declared with
/// <c>[ReductionOp(name, rule, forms, ...)]</c> on its kernel struct: the torch.name overloads (over every element,
/// one dim, a dim list, with dtype, correction and out= as asked), the Tensor.name methods and Tensor.name_ for scans.
/// Each form is one call of the rule's generic entry (Flint.Ops.Reductions.Sum&lt;TOp&gt;, ...) with the struct as
/// TOp, so every form runs the same dtype checks, out= delivery and autograd recording. Malformed declarations are
/// compile errors (FLINT101-105).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ReductionGenerator : IIncrementalGenerator
{
    /// <summary>Registers the generator with the compiler: reads every <c>[ReductionOp]</c> struct and writes the reductions' public forms.</summary>
    public void Initialize(IncrementalGeneratorInitializationContext context) =>
        context.RegisterSourceOutput(context.SyntaxProvider.ForAttributeWithMetadataName("Flint.Ops.Kernels.ReductionOpAttribute",
            static (node, _) => node is StructDeclarationSyntax,
            static (ctx, _) => ctx.Attributes.Select(a => Read((INamedTypeSymbol)ctx.TargetSymbol, a, ctx.TargetNode.GetLocation())).ToImmutableArray()).Collect(),
            static (spc, all) => Emit(spc, all));

    /// <summary>One [ReductionOp] as plain values (the attribute's constructor arguments and named settings).</summary>
    private static ReductionDecl Read(INamedTypeSymbol type, AttributeData a, Location structLocation)
    {
        var args = a.ConstructorArguments;
        var named = a.NamedArguments.ToDictionary(kv => kv.Key, kv => kv.Value.Value);
        named.TryGetValue("HalfOk", out var halfOk);
        named.TryGetValue("StrictDims", out var strict);
        named.TryGetValue("Error", out var error);
        named.TryGetValue("Summary", out var summary);
        var where = a.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? structLocation;
        return new ReductionDecl(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), type.Name, ReductionFamilies.Of(type),
            args.Length > 0 ? args[0].Value as string ?? "" : "",
            (ReductionRuleKind)(args.Length > 1 && args[1].Value is int rule ? rule : 0),
            args.Length > 2 && args[2].Value is int forms ? forms : 0,
            error as string, summary as string, halfOk as bool?, strict is true, LocationInfo.From(where));
    }

    private static void Emit(SourceProductionContext spc, ImmutableArray<ImmutableArray<ReductionDecl>> all)
    {
        var torch = new StringBuilder();
        var tensor = new StringBuilder();
        var seen = new HashSet<string>();
        foreach (var d in all.SelectMany(x => x).OrderBy(x => x.Name, System.StringComparer.Ordinal).ThenBy(x => x.StructName, System.StringComparer.Ordinal))
        {
            // a name declared twice would be the same overloads twice
            var problem = Validate(d) ?? (seen.Add(d.Name) ? null : (ReductionDiagnostics.Duplicate, new object[] { d.Name }));
            if (problem is { } p) spc.ReportDiagnostic(Diagnostic.Create(p.Descriptor, d.Location.ToLocation(), p.Args));
            else ReductionFormsWriter.Write(d, torch, tensor);
        }
        spc.AddSource("ReductionOps.g.cs", GeneratedPartials.File("ReductionOp", torch, tensor));
    }

    private static (DiagnosticDescriptor Descriptor, object[] Args)? Validate(ReductionDecl d)
    {
        if (d.Family == ReductionFamily.None)
            return (ReductionDiagnostics.NoFamily, new object[] { d.StructName });
        if (!GeneratedPartials.IsUsableName(d.Name))
            return (ReductionDiagnostics.BadName, new object[] { d.Name });
        var rule = d.Rule;
        if (rule < ReductionRuleKind.Sum || rule > ReductionRuleKind.Arg)
            return (ReductionDiagnostics.BadRule, new object[] { d.Name, "an unknown rule" });
        if (ReductionRules.FamilyOf(rule) != d.Family)
            return (ReductionDiagnostics.BadRule, new object[] { d.Name, "the " + rule + " rule needs a struct of the " + ReductionRules.FamilyOf(rule) + " family, not " + d.Family });
        var f = d.Forms;
        if (f == 0 || (f & ~(int)ReductionFormFlags.Known) != 0)
            return (ReductionDiagnostics.BadForms, new object[] { d.Name, "no known form is asked for" });
        if ((f & (int)ReductionFormFlags.Shapes) == 0)
            return (ReductionDiagnostics.BadForms, new object[] { d.Name, "no form says which dims it reduces (Full, Dim, Dims, DimsDefault, OptionalDim, Along)" });
        if ((f & ~ReductionRules.Allowed(rule)) is var extra && extra != 0)
            return (ReductionDiagnostics.BadForms, new object[] { d.Name, ((ReductionFormFlags)extra) + " does not apply to the " + rule + " rule" });
        if ((f & ReductionRules.Required(rule)) != ReductionRules.Required(rule))
            return (ReductionDiagnostics.BadForms, new object[] { d.Name, "the " + rule + " rule needs " + (ReductionFormFlags)ReductionRules.Required(rule) });
        if (d.Has(ReductionFormFlags.FullOut) && !(d.Has(ReductionFormFlags.Full) && d.Has(ReductionFormFlags.Out)))
            return (ReductionDiagnostics.BadForms, new object[] { d.Name, "FullOut needs Full and Out" });
        if (d.Has(ReductionFormFlags.Dims) && d.Has(ReductionFormFlags.DimsDefault))
            return (ReductionDiagnostics.BadForms, new object[] { d.Name, "Dims and DimsDefault are the same overload" });
        if (d.Has(ReductionFormFlags.Full) && d.Has(ReductionFormFlags.DimsDefault))
            return (ReductionDiagnostics.BadForms, new object[] { d.Name, "Full and DimsDefault are both the form over every element" });
        if (d.StrictDims && !d.Has(ReductionFormFlags.Dims))
            return (ReductionDiagnostics.BadForms, new object[] { d.Name, "StrictDims needs Dims" });
        if (d.HalfOk is not null && rule != ReductionRuleKind.Sum)
            return (ReductionDiagnostics.BadRule, new object[] { d.Name, "HalfOk is a setting of the Sum rule only" });
        return null;
    }
}

internal enum ReductionFamily { None, Reduction, Scan, Softmax, Arg }

/// <summary>Mirrors Flint.Ops.Kernels.ReductionRule (the same values).</summary>
internal enum ReductionRuleKind { None = 0, Sum, Mean, Extremum, Logical, Variance, LogSumExp, Scan, Softmax, Arg }

/// <summary>Mirrors Flint.Ops.Kernels.ReductionForms (the same values).</summary>
[System.Flags]
internal enum ReductionFormFlags
{
    Full = 1, FullOut = 2, Dim = 4, Dims = 8, DimsDefault = 16, OptionalDim = 32, Along = 64,
    DType = 128, Correction = 256, Out = 512, Method = 1024, InPlace = 2048,
    Known = 4095,
    Shapes = Full | Dim | Dims | DimsDefault | OptionalDim | Along,
}

/// <summary>What each rule's entry takes: its family, the forms it can have and the ones it must have.</summary>
internal static class ReductionRules
{
    private const ReductionFormFlags Common = ReductionFormFlags.Out | ReductionFormFlags.Method;
    private const ReductionFormFlags OverDims = ReductionFormFlags.Dim | ReductionFormFlags.Dims | ReductionFormFlags.DimsDefault | Common;

    internal static ReductionFamily FamilyOf(ReductionRuleKind rule) => rule switch
    {
        ReductionRuleKind.Scan => ReductionFamily.Scan,
        ReductionRuleKind.Softmax => ReductionFamily.Softmax,
        ReductionRuleKind.Arg => ReductionFamily.Arg,
        _ => ReductionFamily.Reduction,
    };

    internal static int Allowed(ReductionRuleKind rule) => (int)(rule switch
    {
        ReductionRuleKind.Sum or ReductionRuleKind.Mean => OverDims | ReductionFormFlags.Full | ReductionFormFlags.DType,
        ReductionRuleKind.Extremum or ReductionRuleKind.Logical or ReductionRuleKind.LogSumExp => OverDims | ReductionFormFlags.Full | ReductionFormFlags.FullOut,
        ReductionRuleKind.Variance => OverDims | ReductionFormFlags.Correction,
        ReductionRuleKind.Scan => ReductionFormFlags.Along | ReductionFormFlags.DType | ReductionFormFlags.InPlace | Common,
        ReductionRuleKind.Softmax => ReductionFormFlags.Along | ReductionFormFlags.DType | Common,
        ReductionRuleKind.Arg => ReductionFormFlags.OptionalDim | Common,
        _ => default(ReductionFormFlags),
    });

    internal static int Required(ReductionRuleKind rule) => (int)(rule switch
    {
        ReductionRuleKind.Sum or ReductionRuleKind.Mean => ReductionFormFlags.DType,
        ReductionRuleKind.Variance => ReductionFormFlags.Correction,
        ReductionRuleKind.Scan or ReductionRuleKind.Softmax => ReductionFormFlags.Along | ReductionFormFlags.DType,
        ReductionRuleKind.Arg => ReductionFormFlags.OptionalDim,
        _ => default(ReductionFormFlags),
    });
}

internal static class ReductionFamilies
{
    internal static ReductionFamily Of(INamedTypeSymbol type) => GeneratedPartials.FamilyOf(type, "IReduction", "IScan", "ISoftmax", "IArgReduction") switch
    {
        "IReduction" => ReductionFamily.Reduction,
        "IScan" => ReductionFamily.Scan,
        "ISoftmax" => ReductionFamily.Softmax,
        "IArgReduction" => ReductionFamily.Arg,
        _ => ReductionFamily.None,
    };
}

/// <summary>One declaration as the generator keeps it between runs (plain values, compared by value).</summary>
internal sealed record ReductionDecl(string Struct, string StructName, ReductionFamily Family, string Name, ReductionRuleKind Rule, int Forms,
    string? Error, string? Summary, bool? HalfOk, bool StrictDims, LocationInfo Location)
{
    internal bool Has(ReductionFormFlags f) => (Forms & (int)f) != 0;
}

internal static class ReductionDiagnostics
{
    internal static readonly DiagnosticDescriptor NoFamily = Error("FLINT101", "[ReductionOp] on a struct of no reduction family",
        "'{0}' has [ReductionOp] but implements none of IReduction, IScan, ISoftmax, IArgReduction");
    internal static readonly DiagnosticDescriptor BadName = Error("FLINT102", "Bad reduction name",
        "'{0}' is not a usable op name (a C# identifier, not a keyword, without the trailing '_' of the in-place form)");
    internal static readonly DiagnosticDescriptor BadForms = Error("FLINT103", "Bad reduction forms", "The forms of '{0}' are malformed: {1}");
    internal static readonly DiagnosticDescriptor BadRule = Error("FLINT104", "Bad reduction rule", "'{0}': {1}");
    internal static readonly DiagnosticDescriptor Duplicate = Error("FLINT105", "Reduction declared twice", "'{0}' is declared more than once");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, "Flint.Ops", DiagnosticSeverity.Error, isEnabledByDefault: true);
}

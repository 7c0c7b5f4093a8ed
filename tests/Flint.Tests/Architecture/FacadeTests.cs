using System.Reflection;
using System.Runtime.CompilerServices;
using Xunit;

namespace Flint.Tests.Architecture;

/// <summary>
/// The public <c>torch</c> facade holds PyTorch's API only: no non-public static member (method, field, property,
/// event or nested type) sits in <c>torch</c> or in any public class nested in it (<c>torch.nn</c>,
/// <c>torch.nn.functional</c>, <c>torch.optim</c>, ...). Helpers live in internal classes named after what they
/// hold. Compiler-generated members (lambda closures, local functions, backing fields) are not counted.
/// </summary>
public class FacadeTests
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary><c>torch</c> and every public class nested in it, at any depth.</summary>
    private static IEnumerable<Type> Facades()
    {
        var pending = new Stack<Type>();
        pending.Push(typeof(torch));
        while (pending.Count > 0)
        {
            var t = pending.Pop();
            yield return t;
            foreach (var n in t.GetNestedTypes(BindingFlags.Public))
                if (n.IsClass && n.IsAbstract && n.IsSealed) pending.Push(n);   // static classes
        }
    }

    private static bool CompilerGenerated(MemberInfo m) =>
        m.Name.Contains('<') || m.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false);

    private static bool IsPublic(MemberInfo m) => m switch
    {
        MethodBase b => b.IsPublic,
        FieldInfo f => f.IsPublic,
        PropertyInfo p => p.GetAccessors(nonPublic: true).Any(a => a.IsPublic),
        EventInfo e => e.AddMethod?.IsPublic == true,
        Type t => t.IsNestedPublic,
        _ => true,
    };

    /// <summary>The non-public static members of the facade classes, as <c>facade.member</c>.</summary>
    internal static IEnumerable<string> NonPublicStatics()
    {
        foreach (var facade in Facades())
        {
            var name = facade.FullName!.Replace('+', '.')[(typeof(torch).Namespace!.Length + 1)..];
            var members = facade.GetMembers(Declared).Where(m => m is not ConstructorInfo);
            foreach (var m in members)
            {
                if (IsPublic(m) || CompilerGenerated(m)) continue;
                if (m is MethodInfo { IsSpecialName: true }) continue;   // property/event accessors: judged with the property
                yield return $"{name}.{m.Name}";
            }
        }
    }

    [Fact]
    public void TorchHoldsOnlyPublicApi()
    {
        var offenders = NonPublicStatics().Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.True(offenders.Count == 0,
            "non-public static members in the public torch facade (move them to an internal class named after what they hold):\n  "
            + string.Join("\n  ", offenders));
    }
}

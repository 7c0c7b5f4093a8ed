using Xunit;

namespace Flint.Tests.Performance;

/// <summary>
/// What an op's public form allocates per call, counted on the calling thread (deterministic, unlike a time): the
/// in-place forms of the everyday arithmetic allocate nothing, with a tensor or a C# number as the operand, and the
/// out-of-place forms no more than their result. A form that grows a per-call closure, a wrapped number or a temporary
/// fails here. (A lambda that captures a method's locals allocates its closure at the method's entry, on every call,
/// even when the branch that uses it is not taken.)
/// </summary>
public class AllocationTests
{
    private static double BytesPerCall(Action call)
    {
        for (int i = 0; i < 200; i++) call();  // first calls: type initialisers, per-thread storage
        const int n = 2000;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < n; i++) call();
        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)n;
    }

    public static TheoryData<string> InPlaceForms => new(InPlace.Keys);

    private static readonly Dictionary<string, Action<Tensor, Tensor>> InPlace = new()
    {
        ["add_(tensor)"] = (a, b) => a.add_(b),
        ["sub_(tensor)"] = (a, b) => a.sub_(b),
        ["mul_(tensor)"] = (a, b) => a.mul_(b),
        ["div_(tensor)"] = (a, b) => a.div_(b),
        ["add_(number)"] = (a, _) => a.add_(0.5),
        ["sub_(number)"] = (a, _) => a.sub_(0.5),
        ["mul_(number)"] = (a, _) => a.mul_(1.0),
        ["div_(number)"] = (a, _) => a.div_(1.0),
        ["exp_().log_()"] = (a, _) => a.exp_().log_(),
        ["neg_()"] = (a, _) => a.neg_(),
        ["copy_"] = (a, b) => a.copy_(b),
        ["fill_"] = (a, _) => a.fill_(1.0),
        ["zero_"] = (a, _) => a.zero_(),
    };

    [Theory]
    [MemberData(nameof(InPlaceForms))]
    public void InPlaceFormsAllocateNothing(string form)
    {
        var a = torch.rand(5, 3).add_(1); var b = torch.rand(5, 3).add_(1);
        var f = InPlace[form];
        Assert.Equal(0, BytesPerCall(() => f(a, b)), 0.5);
    }

    public static TheoryData<string> OutOfPlaceForms => new(OutOfPlace.Keys);

    private static readonly Dictionary<string, Func<Tensor, Tensor, Tensor>> OutOfPlace = new()
    {
        ["a + b"] = (a, b) => a + b,
        ["a - b"] = (a, b) => a - b,
        ["a * b"] = (a, b) => a * b,
        ["a / b"] = (a, b) => a / b,
        ["a * 2.0"] = (a, _) => a * 2.0,
        ["torch.add(a, b)"] = (a, b) => torch.add(a, b),
        ["exp"] = (a, _) => a.exp(),
        ["relu"] = (a, _) => a.relu(),
        ["sigmoid"] = (a, _) => a.sigmoid(),
        ["pow(2)"] = (a, _) => a.pow(2),
    };

    [Theory]
    [MemberData(nameof(OutOfPlaceForms))]
    public void OutOfPlaceFormsAllocateNoMoreThanTheirResult(string form)
    {
        var a = torch.rand(5, 3).add_(1); var b = torch.rand(5, 3).add_(1);
        var f = OutOfPlace[form];
        double result = BytesPerCall(() => torch.empty_like(a));
        double op = BytesPerCall(() => f(a, b));
        Assert.True(op <= result, $"{form} allocates {op:F0} bytes per call; an empty tensor of its result's shape takes {result:F0}");
    }
}

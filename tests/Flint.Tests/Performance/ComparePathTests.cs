using Flint;
using Flint.Backends.Cpu;
using Xunit;

namespace Flint.Tests.Performance;

/// <summary>
/// The vector rows of the six comparisons against the scalar path: every numeric dtype (lane counts 4 to 32),
/// rows shorter than a vector, one lane past it and several vectors long, each operand contiguous, broadcast
/// along the row (stride 0), broadcast across rows, transposed or stepped; NaN and ±inf in the floating data.
/// </summary>
[Collection("KernelPaths")]
public class ComparePathTests
{
    private static readonly Func<Tensor, Tensor, Tensor>[] Ops =
    [
        (x, y) => torch.eq(x, y), (x, y) => torch.ne(x, y), (x, y) => torch.lt(x, y),
        (x, y) => torch.le(x, y), (x, y) => torch.gt(x, y), (x, y) => torch.ge(x, y),
    ];
    private static readonly string[] Names = ["eq", "ne", "lt", "le", "gt", "ge"];

    private static Tensor Data(long[] shape, DType dt, int seed)
    {
        var t = (PathHarness.Make(shape, torch.float64, seed, specials: dt.is_floating_point) / 3).round();
        return dt.is_floating_point ? t.to(dt) : t.abs().to(dt);
    }

    [Fact]
    public void ComparisonRowsMatchTheScalarPath()
    {
        var failures = new List<string>();
        foreach (var dt in new[] { torch.float32, torch.float64, torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8 })
            foreach (int n in new[] { 3, 4, 9, 31, 33, 70 })
            {
                var a = Data([5, n], dt, n);
                var operands = new[]
                {
                    Data([5, n], dt, n + 1),
                    Data([n, 5], dt, n + 2).t(),
                    Data([1, n], dt, n + 3).expand(5, n),
                    Data([5, 1], dt, n + 4).expand(5, n),
                    Data([5, 2 * n], dt, n + 5)[TensorIndex.Colon, TensorIndex.Slice(null, null, 2)],
                    a,
                };
                for (int k = 0; k < Ops.Length; k++)
                    foreach (var b in operands)
                        foreach (var (x, y) in new[] { (a, b), (b, a), (b, b) })
                        {
                            var (oldPath, oldThreads) = (KernelOptions.Path, KernelOptions.Threads);
                            Tensor expected;
                            try { KernelOptions.Path = VectorPath.Scalar; KernelOptions.Threads = false; expected = Ops[k](x, y); }
                            finally { KernelOptions.Path = oldPath; KernelOptions.Threads = oldThreads; }
                            int op = k;
                            PathHarness.ForEachPath(failures, tag => PathHarness.Close(failures, $"{Names[op]} {dt} n{n} {tag}", expected, Ops[op](x, y)));
                        }
            }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
    }
}

namespace Flint.Distributed.Tests;

/// <summary>Named checks: each failure is printed with the rank; the process exits 1 if any failed.</summary>
internal sealed class Checks(int rank)
{
    public int Passed { get; private set; }
    public List<string> Failed { get; } = [];

    public void Run(string name, Action body)
    {
        try
        {
            body();
            Passed++;
        }
        catch (Exception e)
        {
            Failed.Add(name);
            Console.Error.WriteLine($"rank {rank}: FAIL {name}: {e.GetType().Name}: {e.Message}");
        }
    }

    public static void Equal(Tensor expected, Tensor actual, string what = "")
    {
        if (expected.dtype != actual.dtype) throw new Exception($"{what} dtype {actual.dtype} != {expected.dtype}");
        if (!expected.shape.SequenceEqual(actual.shape)) throw new Exception($"{what} shape [{string.Join(", ", actual.shape)}] != [{string.Join(", ", expected.shape)}]");
        if (!torch.equal(expected, actual)) throw new Exception($"{what} values\n{actual}\n!= expected\n{expected}");
    }

    public static void Close(Tensor expected, Tensor actual, double rtol, double atol, string what = "")
    {
        if (!expected.shape.SequenceEqual(actual.shape)) throw new Exception($"{what} shape mismatch");
        if (!torch.allclose(expected, actual, rtol, atol)) throw new Exception($"{what}: max difference {(expected - actual).abs().max().item<float>()}");
    }

    public static void Throws<TException>(string message, Action body) where TException : Exception
    {
        try { body(); }
        catch (TException e) when (e.Message == message) { return; }
        catch (Exception e) { throw new Exception($"expected {typeof(TException).Name} \"{message}\", got {e.GetType().Name} \"{e.Message}\""); }
        throw new Exception($"expected {typeof(TException).Name} \"{message}\", nothing was thrown");
    }
}

using Flint;
using Xunit;

namespace Flint.Tests.Autograd;

/// <summary>
/// Grad mode and inference mode follow the logical flow of control (the ExecutionContext), not the thread: a
/// mode set before an await holds in the continuation wherever it runs, ends when its scope is disposed, and never
/// reaches unrelated work items that later run on the pool thread the flow started on.
/// </summary>
public class GradModeFlowTests
{
    [Fact]
    public async Task AModeHeldAcrossAnAwaitDoesNotLeakIntoOtherWorkOnTheSameThread()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int entered = 0;
        // each holds no_grad across an await that completes only after the checks below, so the threads these
        // started on go back to the pool while the scopes are still open
        var holders = Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            using (torch.no_grad())
            {
                Interlocked.Increment(ref entered);
                await release.Task;
                Assert.False(torch.is_grad_enabled());
            }
            Assert.True(torch.is_grad_enabled());
        })).ToArray();
        while (Volatile.Read(ref entered) < holders.Length) await Task.Delay(1);

        var seen = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() =>
        {
            Thread.SpinWait(200);
            return (torch.is_grad_enabled(), torch.is_inference_mode_enabled());
        })));
        release.SetResult();
        Assert.Equal(0, seen.Count(s => !s.Item1));
        Assert.Equal(0, seen.Count(s => s.Item2));
        await Task.WhenAll(holders);
    }

    [Fact]
    public async Task AnInferenceModeHeldAcrossAnAwaitDoesNotLeakEither()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int entered = 0;
        var holders = Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            using (torch.inference_mode())
            {
                Interlocked.Increment(ref entered);
                await release.Task;
                Assert.True(torch.is_inference_mode_enabled());
            }
        })).ToArray();
        while (Volatile.Read(ref entered) < holders.Length) await Task.Delay(1);
        var made = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() =>
        {
            Thread.SpinWait(200);
            return torch.ones(2).is_inference();
        })));
        release.SetResult();
        Assert.Equal(0, made.Count(inf => inf));
        await Task.WhenAll(holders);
    }

    // run on the pool (outside the test framework's synchronization context), so continuations may change thread
    [Fact]
    public Task TheModeFlowsIntoTheContinuationAndEndsWithItsScope() => Task.Run(ContinuationsKeepTheMode);

    private static async Task ContinuationsKeepTheMode()
    {
        var x = torch.ones(3, requires_grad: true);
        Assert.True(torch.is_grad_enabled());
        using (torch.no_grad())
        {
            await Task.Delay(5);
            await Task.Yield();
            Assert.False(torch.is_grad_enabled());
            Assert.False((x * 2).requires_grad);
            using (torch.enable_grad())
            {
                await Task.Yield();
                Assert.True(torch.is_grad_enabled());
                Assert.True((x * 2).requires_grad);
            }
            Assert.False(torch.is_grad_enabled());
        }
        // disposed on whichever thread the continuation ran: the mode before the scope is back
        Assert.True(torch.is_grad_enabled());
        Assert.True((x * 2).requires_grad);

        using (torch.inference_mode())
        {
            await Task.Yield();
            Assert.True(torch.is_inference_mode_enabled());
            Assert.False(torch.is_grad_enabled());
            Assert.True(torch.ones(1).is_inference());
        }
        Assert.False(torch.is_inference_mode_enabled());
        Assert.False(torch.ones(1).is_inference());
    }

    [Fact]
    public async Task WorkStartedInsideAScopeInheritsItsMode()
    {
        bool inTask, inThread = true;
        using (torch.no_grad())
        {
            inTask = await Task.Run(() => torch.is_grad_enabled());
            var t = new Thread(() => inThread = torch.is_grad_enabled());
            t.Start();
            t.Join();
        }
        Assert.False(inTask);
        Assert.False(inThread);
        Assert.True(await Task.Run(() => torch.is_grad_enabled()));
    }

    private static async Task<bool> DisableInside()
    {
        var scope = torch.no_grad();   // never disposed: the mode ends with this method's flow
        await Task.Yield();
        _ = scope;
        return torch.is_grad_enabled();
    }

    [Fact]
    public async Task AModeSetInsideAnAsyncMethodEndsWithTheMethod()
    {
        Assert.False(await DisableInside());
        Assert.True(torch.is_grad_enabled());
    }

    [Fact]
    public async Task ABackwardRunsHooksWithoutRecordingAndAScopeInAHookTakesOver()
    {
        var x = torch.ones(2, requires_grad: true);
        bool? inHook = null, inScope = null, afterScope = null, inTask = null;
        var y = x * 3;
        y.register_hook(g =>
        {
            inHook = torch.is_grad_enabled();
            using (torch.enable_grad()) inScope = torch.is_grad_enabled() && (x * 2).requires_grad;
            afterScope = torch.is_grad_enabled();
            inTask = Task.Run(() => torch.is_grad_enabled()).Result;   // work started elsewhere runs in the flow's mode
            return null;
        });
        y.sum().backward();
        Assert.False(inHook);
        Assert.True(inScope);
        Assert.False(afterScope);
        Assert.True(inTask);
        Assert.True(torch.is_grad_enabled());
        Assert.Null(x.grad!.grad_fn);

        // create_graph records the gradient's history even under no_grad, and the mode comes back after
        var z = torch.ones(2, requires_grad: true);
        var w = (z * z).sum();
        using (torch.no_grad())
        {
            w.backward(create_graph: true);
            Assert.False(torch.is_grad_enabled());
            await Task.Yield();
            Assert.False(torch.is_grad_enabled());
        }
        Assert.NotNull(z.grad!.grad_fn);
        Assert.True(torch.is_grad_enabled());
    }

    private static readonly AsyncLocal<string?> Other = new();

    [Fact]
    public void LeavingAScopeKeepsOtherFlowValuesSetInside()
    {
        Other.Value = "before";
        using (torch.no_grad())
        {
            Other.Value = "inside";
            Assert.False(torch.is_grad_enabled());
        }
        Assert.True(torch.is_grad_enabled());
        Assert.Equal("inside", Other.Value);
        using (torch.no_grad()) { }
        Assert.Equal("inside", Other.Value);
        Assert.True(torch.is_grad_enabled());
        Other.Value = null;
    }

    [Fact]
    public void SynchronousScopesNestAndRestore()
    {
        Assert.True(torch.is_grad_enabled());
        using (torch.no_grad())
        {
            Assert.False(torch.is_grad_enabled());
            using (torch.set_grad_enabled(true)) Assert.True(torch.is_grad_enabled());
            using (torch.inference_mode())
            {
                Assert.True(torch.is_inference_mode_enabled());
                using (torch.inference_mode(false))
                {
                    Assert.False(torch.is_inference_mode_enabled());
                    Assert.True(torch.is_grad_enabled());
                }
                Assert.True(torch.is_inference_mode_enabled());
            }
            Assert.False(torch.is_grad_enabled());
            Assert.False(torch.is_inference_mode_enabled());
        }
        Assert.True(torch.is_grad_enabled());
        // a backward run turns recording off for its formulas and back on after
        var x = torch.ones(2, requires_grad: true);
        (x * x).sum().backward();
        Assert.True(torch.is_grad_enabled());
    }
}

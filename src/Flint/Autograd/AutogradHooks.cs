namespace Flint.Autograd;

/// <summary>The checks ops ask of autograd before they write (out= targets, in-place on leaves).</summary>
internal static class AutogradHooks
{
    internal static void CheckOut(Tensor @out)
    {
        if (@out.requires_grad && GradMode.IsEnabled)
            throw new InvalidOperationException("functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.");
    }

    internal static void CheckOutInputs(params Tensor[] inputs)
    {
        if (GradMode.IsEnabled && inputs.Any(t => t.requires_grad))
            throw new InvalidOperationException("functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.");
    }

    /// <summary>
    /// A tensor hook may replace a gradient only with one of the same type, device and size: PyTorch's checks, in
    /// its order and words, naming the hook as Python would (a lambda is '&lt;lambda&gt;').
    /// </summary>
    internal static void CheckHookResult(Tensor original, Tensor result, Delegate hook)
    {
        if (result.dtype != original.dtype || result.is_cuda != original.is_cuda)
        {
            string was = TypeName(original), got = TypeName(result);
            if (result.dtype != original.dtype)
                throw new InvalidOperationException($"hook '{HookName(hook)}' has changed the type of value (was {was} got {got})");
            throw new InvalidOperationException($"hook '{HookName(hook)}' has changed the type of value (was {(original.is_cuda ? "CUDA tensor got CPU tensor" : "CPU tensor got CUDA tensor")})");
        }
        if (!result.shape.Equals(original.shape))
            throw new InvalidOperationException($"hook '{HookName(hook)}' has changed the size of value");
    }

    private static string TypeName(Tensor t) => $"torch.{(t.is_cuda ? "cuda." : "")}{t.dtype.LegacyName}Tensor";

    /// <summary>A method's own name; a lambda's compiler-made name is '&lt;lambda&gt;', a local function's is its declared name.</summary>
    internal static string HookName(Delegate hook)
    {
        string name = hook.Method.Name;
        if (!name.StartsWith('<')) return name;
        int local = name.IndexOf("g__", StringComparison.Ordinal);
        if (local >= 0)
        {
            int end = name.IndexOf('|', local);
            return end > local ? name[(local + 3)..end] : name[(local + 3)..];
        }
        return "<lambda>";
    }

    internal static void CheckInPlace(Tensor self)
    {
        if (self._storage.IsInference && !GradMode.IsInference)
            throw new InvalidOperationException("Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details.");
        if (self.requires_grad && self.is_leaf && GradMode.IsEnabled)
            throw new InvalidOperationException("a leaf Variable that requires grad is being used in an in-place operation.");
    }
}

/// <summary>
/// Whether operations record history (PyTorch's grad mode) and whether inference mode is on, for the current
/// logical flow of control. PyTorch keeps both per thread; Python code does not hop threads, but .NET async code
/// does (<c>using (torch.no_grad()) await ...;</c> resumes on another pool thread), so here the mode lives in the
/// <see cref="ExecutionContext"/>: it follows awaits, flows into work started from inside a scope (Task.Run, a
/// new thread), and never reaches unrelated work items that later run on the same pool thread. A mode set inside
/// an async method ends with that method, as any async-local value does.
/// <para>Every op asks for the mode, so reads must cost no more than a thread-static field: the flow-carried
/// value is an immutable <see cref="State"/>, and .NET reports every change of it on a thread (a set, or the
/// thread switching execution contexts) to <see cref="Changed"/>, which mirrors it into a thread-static field
/// that the reads use (the pattern of CultureInfo.CurrentCulture).</para>
/// </summary>
internal static class GradMode
{
    /// <summary>One of the four modes; immutable, so execution contexts can share it.</summary>
    internal sealed class State
    {
        internal readonly bool Enabled, Inference;
        /// <summary>The mirror bits: 1 when grad is disabled, 2 in inference mode (0 is the default mode).</summary>
        internal readonly int Bits;
        private State(bool enabled, bool inference)
        {
            Enabled = enabled; Inference = inference;
            Bits = (enabled ? 0 : 1) | (inference ? 2 : 0);
        }

        private static readonly State[] All = [new(true, false), new(false, false), new(true, true), new(false, true)];
        internal static State Of(bool enabled, bool inference) => All[(enabled ? 0 : 1) | (inference ? 2 : 0)];
    }

    private static readonly AsyncLocal<State?> Flow = new(Changed);

    /// <summary>The flow's mode bits on this thread, kept equal to <see cref="Flow"/> by <see cref="Changed"/>.</summary>
    [ThreadStatic] private static int flowBits;
    /// <summary>A mode for this thread alone (a backward run's), as 4 | mode bits; 0 for none.</summary>
    [ThreadStatic] private static int threadBits;
    /// <summary>The mode in force: the thread's own while a backward run holds one, else the flow's. Ops read this.</summary>
    [ThreadStatic] private static int bits;

    private static void Changed(AsyncLocalValueChangedArgs<State?> args)
    {
        flowBits = args.CurrentValue?.Bits ?? 0;
        bits = threadBits != 0 ? threadBits & 3 : flowBits;
    }

    internal static bool IsEnabled => (bits & 1) == 0;
    internal static bool IsInference => (bits & 2) != 0;

    /// <summary>The mode in force.</summary>
    internal static State Current => State.Of(IsEnabled, IsInference);

    /// <summary>The mode of the current flow (setting it changes the mode from here on in this flow).</summary>
    internal static State FlowState
    {
        get => State.Of((flowBits & 1) == 0, (flowBits & 2) != 0);
        set { if (value.Bits != flowBits) Flow.Value = value.Bits == 0 ? null : value; }
    }

    /// <summary>
    /// Puts this thread in grad mode <paramref name="enabled"/> until <see cref="EndThreadMode"/>, without touching
    /// the flow (no context is made): for a backward run, which runs synchronously on its thread, as PyTorch's engine
    /// sets its thread's mode. A scope entered inside (by a hook) takes over until it is disposed; work a hook starts
    /// elsewhere runs in the flow's mode. Returns what <see cref="EndThreadMode"/> restores.
    /// </summary>
    internal static int BeginThreadMode(bool enabled)
    {
        int saved = threadBits;
        threadBits = 4 | State.Of(enabled, IsInference).Bits;
        bits = threadBits & 3;
        return saved;
    }

    /// <summary>Suspends this thread's own mode, if any (for a scope entered during a backward run); returns it.</summary>
    internal static int EndThreadModeForScope()
    {
        int saved = threadBits;
        if (saved != 0) EndThreadMode(0);
        return saved;
    }

    internal static void EndThreadMode(int saved)
    {
        threadBits = saved;
        bits = saved != 0 ? saved & 3 : flowBits;
    }
}

/// <summary>Restores the previous grad mode when disposed: <c>using (torch.no_grad()) { ... }</c>.</summary>
public sealed class GradModeScope : IDisposable
{
    private readonly GradMode.State previous;
    /// <summary>The execution contexts just before and just after the scope set its mode (null when it changed nothing).</summary>
    private readonly ExecutionContext? before, after;
    /// <summary>The backward run's thread mode the scope suspended (0 for none).</summary>
    private readonly int suspended;
    private bool disposed;

    /// <param name="enabled">whether operations are recorded for autograd inside the scope.</param>
    /// <param name="inference">null keeps the inference mode; inference_mode(mode) sets it to mode.</param>
    internal GradModeScope(bool enabled, bool? inference = null)
    {
        var mode = GradMode.State.Of(enabled, inference ?? GradMode.IsInference);
        // inside a backward run (a hook, say) the scope's mode takes over from the run's until it is disposed
        suspended = GradMode.EndThreadModeForScope();
        previous = GradMode.FlowState;
        if (mode == previous) return;
        before = ExecutionContext.Capture();
        GradMode.FlowState = mode;
        after = ExecutionContext.Capture();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        // when no async-local value changed since the scope began (the usual synchronous block), going back to the
        // context from before the scope is the same as setting the mode back, without making another context
        if (before is not null && after is not null && ReferenceEquals(ExecutionContext.Capture(), after)) ExecutionContext.Restore(before);
        else GradMode.FlowState = previous;
        if (suspended != 0) GradMode.EndThreadMode(suspended);
    }
}

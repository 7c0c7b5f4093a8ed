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

    /// <summary>The current flow's mode bits on this thread (kept equal to <see cref="Flow"/> by <see cref="Changed"/>).</summary>
    [ThreadStatic] private static int bits;

    private static void Changed(AsyncLocalValueChangedArgs<State?> args) => bits = args.CurrentValue?.Bits ?? 0;

    internal static bool IsEnabled
    {
        get => (bits & 1) == 0;
        set { if (IsEnabled != value) Current = State.Of(value, IsInference); }
    }

    internal static bool IsInference
    {
        get => (bits & 2) != 0;
        set { if (IsInference != value) Current = State.Of(IsEnabled, value); }
    }

    /// <summary>The mode of the current flow (setting it changes the mode from here on in this flow).</summary>
    internal static State Current
    {
        get => State.Of(IsEnabled, IsInference);
        set { if (value.Bits != bits) Flow.Value = value.Bits == 0 ? null : value; }
    }
}

/// <summary>Restores the previous grad mode when disposed: <c>using (torch.no_grad()) { ... }</c>.</summary>
public sealed class GradModeScope : IDisposable
{
    private readonly GradMode.State previous;
    /// <summary>The execution contexts just before and just after the scope set its mode (null when it changed nothing).</summary>
    private readonly ExecutionContext? before, after;
    private bool disposed;

    /// <param name="inference">null keeps the inference mode; inference_mode(mode) sets it to mode.</param>
    internal GradModeScope(bool enabled, bool? inference = null)
    {
        previous = GradMode.Current;
        var mode = GradMode.State.Of(enabled, inference ?? previous.Inference);
        if (mode == previous) return;
        before = ExecutionContext.Capture();
        GradMode.Current = mode;
        after = ExecutionContext.Capture();
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        // when no async-local value changed since the scope began (the usual synchronous block), going back to the
        // context from before the scope is the same as setting the mode back, without making another context
        if (before is not null && after is not null && ReferenceEquals(ExecutionContext.Capture(), after)) ExecutionContext.Restore(before);
        else GradMode.Current = previous;
    }
}

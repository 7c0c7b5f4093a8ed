using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Flint.Data;

/// <summary>
/// The worker threads of a <see cref="DataLoader"/> (PyTorch's worker processes, as threads): each has its own
/// queue of batches to build, runs <c>worker_init_fn(id)</c> once before its first batch, and builds its batches in
/// the order they were sent. A worker holds its loader only weakly and only while it builds a batch, so threads of a
/// loader that is dropped without being disposed end by themselves within about a second.
/// </summary>
internal sealed class DataLoaderWorkers
{
    /// <summary>One batch on its way: filled by a worker, waited for by the loop that asked for it.</summary>
    internal sealed class Slot
    {
        private readonly ManualResetEventSlim done = new(false);
        private (Tensor, Tensor) value;
        private ExceptionDispatchInfo? error;

        internal void Complete((Tensor, Tensor) v) { value = v; done.Set(); }
        internal void Fail(ExceptionDispatchInfo e) { error = e; done.Set(); }
        internal void Abandon() => done.Set();

        /// <summary>Waits for the batch; rethrows the dataset's own exception (type and stack) if building it failed.</summary>
        internal (Tensor, Tensor) Take()
        {
            done.Wait();
            error?.Throw();
            return value;
        }
    }

    /// <summary>One pass over the loader: its batches in flight, whether it was abandoned, and the context its batches run in.</summary>
    internal sealed class Epoch(ExecutionContext? context)
    {
        internal readonly ExecutionContext? Context = context;
        internal volatile bool Cancelled;
        private int pending;
        private readonly object gate = new();

        internal void Sent() { lock (gate) pending++; }

        internal void Finished()
        {
            lock (gate) if (--pending == 0) Monitor.PulseAll(gate);
        }

        /// <summary>Stops the batches not yet started and waits for those being built (no dataset call outlives the loop).</summary>
        internal void CancelAndWait()
        {
            Cancelled = true;
            lock (gate) while (pending > 0) Monitor.Wait(gate);
        }
    }

    private sealed class Job(Epoch epoch, Slot slot, Func<(Tensor, Tensor)> build)
    {
        internal readonly Epoch Epoch = epoch;
        internal readonly Slot Slot = slot;
        internal readonly Func<(Tensor, Tensor)> Build = build;
    }

    private sealed class Worker
    {
        internal readonly Queue<Job> Queue = new();
        internal bool Stopping;
        /// <summary>worker_init_fn and the context it runs in, dropped once it has run.</summary>
        internal Action<int>? Init;
        internal ExecutionContext? InitContext;
        /// <summary>A worker_init_fn failure, reported as the result of the worker's first batch (as PyTorch does).</summary>
        internal ExceptionDispatchInfo? InitFailure;
    }

    /// <summary>How long an idle worker waits before checking whether its loader still exists.</summary>
    private const int IdleCheckMilliseconds = 1000;

    private readonly Worker[] workers;
    private readonly WeakReference owner;

    internal int Count => workers.Length;

    /// <param name="count">the number of worker threads.</param>
    /// <param name="init">worker_init_fn, called with each worker's id when it starts; null for none.</param>
    /// <param name="owner">what the workers serve (the loader, or one pass over it); they end once it is collected.</param>
    /// <param name="initContext">the context worker_init_fn runs in.</param>
    internal DataLoaderWorkers(int count, Action<int>? init, object owner, ExecutionContext? initContext)
    {
        this.owner = new WeakReference(owner);
        workers = new Worker[count];
        for (int i = 0; i < count; i++)
        {
            var w = workers[i] = new Worker { Init = init, InitContext = initContext };
            int id = i;
            var weak = this.owner;
            var t = new Thread(() => Loop(w, id, weak)) { IsBackground = true, Name = $"Flint DataLoader worker {id}" };
            t.UnsafeStart();
        }
    }

    /// <summary>Queues a batch for worker <paramref name="worker"/>; the returned slot receives it.</summary>
    internal Slot Send(int worker, Epoch epoch, Func<(Tensor, Tensor)> build)
    {
        var slot = new Slot();
        var w = workers[worker];
        lock (w.Queue)
        {
            // a stopping worker may already have ended: nothing sent now would ever be built
            ObjectDisposedException.ThrowIf(w.Stopping, typeof(DataLoader));
            epoch.Sent();
            w.Queue.Enqueue(new Job(epoch, slot, build));
            Monitor.Pulse(w.Queue);
        }
        return slot;
    }

    /// <summary>Lets the workers end once their queues are empty.</summary>
    internal void Shutdown()
    {
        foreach (var w in workers)
            lock (w.Queue) { w.Stopping = true; Monitor.Pulse(w.Queue); }
    }

    private static void Loop(Worker w, int id, WeakReference owner)
    {
        RunInit(w, id);
        while (RunNext(w, owner)) { }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RunInit(Worker w, int id)
    {
        var init = w.Init;
        var context = w.InitContext;
        w.Init = null; w.InitContext = null;
        if (init is null) return;
        try
        {
            if (context is null) init(id);
            else ExecutionContext.Run(context, static s => { var (f, i) = ((Action<int>, int))s!; f(i); }, (init, id));
        }
        catch (Exception e) { w.InitFailure = ExceptionDispatchInfo.Capture(e); }
    }

    /// <summary>
    /// Takes the next job and runs it; false when the worker should end. A method of its own so the job (and the
    /// loader it refers to) lives only in this frame, never in the loop's frame while the worker waits.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool RunNext(Worker w, WeakReference owner)
    {
        Job job;
        lock (w.Queue)
        {
            while (w.Queue.Count == 0)
            {
                if (w.Stopping) return false;
                if (!Monitor.Wait(w.Queue, IdleCheckMilliseconds) && w.Queue.Count == 0 && !owner.IsAlive) return false;
            }
            job = w.Queue.Dequeue();
        }
        try
        {
            if (job.Epoch.Cancelled) job.Slot.Abandon();
            else if (w.InitFailure is { } failure) { w.InitFailure = null; job.Slot.Fail(failure); }
            else if (job.Epoch.Context is { } context) ExecutionContext.Run(context, static s => Build((Job)s!), job);
            else Build(job);
        }
        finally { job.Epoch.Finished(); }
        return true;
    }

    private static void Build(Job job)
    {
        try { job.Slot.Complete(job.Build()); }
        catch (Exception e) { job.Slot.Fail(ExceptionDispatchInfo.Capture(e)); }
    }
}

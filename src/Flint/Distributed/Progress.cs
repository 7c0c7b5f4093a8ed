using static Flint.torch.distributed;

namespace Flint.Distributed;

/// <summary>
/// A background thread that drives operations in flight to completion while the caller computes. MPI moves the data of a
/// non-blocking collective only inside MPI calls (MPI_Test, MPI_Wait), so an all-reduce started during backward would
/// otherwise stand still until the next such call, which comes only between autograd nodes, not during one node's
/// kernel. The thread polls the watched operations (each MPI call under the library's lock, as MPI_THREAD_SERIALIZED
/// asks), yielding between rounds, and sleeps while none is watched. A watched operation that fails keeps its failure
/// for the caller's wait().
/// </summary>
internal static class Progress
{
    private static readonly object s_gate = new();
    private static readonly List<Work> s_watched = [];
    private static Thread? s_thread;

    /// <summary>Polls <paramref name="work"/> from the background thread until it completes (or fails).</summary>
    internal static void Watch(Work work)
    {
        lock (s_gate)
        {
            s_watched.Add(work);
            if (s_thread is null)
            {
                s_thread = new Thread(Loop) { IsBackground = true, Name = "Flint distributed progress" };
                s_thread.Start();
            }
            else Monitor.Pulse(s_gate);
        }
    }

    private static void Loop()
    {
        var round = new List<Work>();
        while (true)
        {
            lock (s_gate)
            {
                while (s_watched.Count == 0) Monitor.Wait(s_gate);
                round.Clear();
                round.AddRange(s_watched);
            }
            foreach (var w in round)
            {
                bool done;
                try { done = w.is_completed(); }
                catch (Exception) { done = true; } // the Work keeps the failure; its wait() throws it
                if (done) lock (s_gate) s_watched.Remove(w);
            }
            Thread.Yield();
        }
    }
}

using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Flint;

public static partial class torch
{
    public static partial class distributed
    {
        /// <summary>
        /// A collective or point-to-point operation in flight (what <c>async_op: true</c> returns, PyTorch's <c>Work</c>).
        /// The tensors' memory stays pinned until the operation completes; then strided or converted copies are written
        /// back into the caller's tensors, once, by whichever of <see cref="wait"/> or <see cref="is_completed"/> sees
        /// the completion first. An operation that does not complete within the group's timeout fails with
        /// <see cref="DistBackendError"/> instead of hanging.
        /// </summary>
        public sealed class Work
        {
            private readonly Distributed.IBackendRequest[] requests;
            private readonly Action? finish;
            private readonly List<GCHandle> pins;
            private readonly string opType;
            private readonly long numelIn, numelOut, seq;
            private readonly ProcessGroup group;
            private bool completed;
            private Exception? failure;
            private readonly object gate = new();

            internal Work(ProcessGroup group, string opType, long numelIn, long numelOut, Distributed.IBackendRequest[] requests, List<GCHandle> pins, Action? finish)
            {
                this.group = group; this.opType = opType; this.numelIn = numelIn; this.numelOut = numelOut;
                this.requests = requests; this.pins = pins; this.finish = finish;
                seq = group.NextSeq();
            }

            /// <summary>True once the operation has completed (making progress on it); throws if it failed.</summary>
            public bool is_completed()
            {
                lock (gate)
                {
                    if (failure is not null) throw failure;
                    if (completed) return true;
                    return Poll();
                }
            }

            /// <summary>True when the operation completed successfully (false while it runs or after a failure).</summary>
            public bool is_success()
            {
                lock (gate) return completed && failure is null;
            }

            /// <summary>The failure, if the operation failed.</summary>
            public Exception? exception()
            {
                lock (gate) return failure;
            }

            /// <summary>For a receive from any source: the rank the tensor came from.</summary>
            public int _source_rank()
            {
                wait();
                return group.GlobalRank(requests[0].Source);
            }

            /// <summary>
            /// Blocks until the operation completes (returns true), or fails with <see cref="DistBackendError"/> once
            /// <paramref name="timeout"/> (default: the group's timeout) has passed.
            /// </summary>
            public bool wait(TimeSpan? timeout = null)
            {
                lock (gate)
                {
                    if (failure is not null) throw failure;
                    if (completed) return true;
                    var limit = timeout ?? group.Timeout;
                    var clock = Stopwatch.StartNew();
                    int spins = 0;
                    while (!Poll())
                    {
                        if (++spins > 64) Thread.Yield();
                        if ((spins & 255) == 0 && clock.Elapsed > limit)
                        {
                            // the memory stays pinned: the engine may still write into it; the job ends at exit
                            group.Backend?.MarkFailed();
                            failure = new DistBackendError(
                                $"[Rank {group.rank()}] Watchdog caught collective operation timeout: WorkMPI(SeqNum={seq}, OpType={opType}, NumelIn={numelIn}, " +
                                $"NumelOut={numelOut}, Timeout(ms)={(long)limit.TotalMilliseconds}) ran for {clock.ElapsedMilliseconds} milliseconds before timing out. " +
                                "A peer may have failed or not reached the same operation.");
                            throw failure;
                        }
                    }
                    return true;
                }
            }

            private bool Poll()
            {
                try
                {
                    foreach (var r in requests)
                        if (!r.Test()) return false;
                    completed = true;
                    foreach (var p in pins) p.Free();
                    pins.Clear();
                    if (finish is not null)
                        using (no_grad()) finish();
                    return true;
                }
                catch (Exception e)
                {
                    failure = e;
                    throw;
                }
            }

            internal static Work Done(ProcessGroup group, string opType, Action? finish = null) =>
                new(group, opType, 0, 0, [], [], finish);
        }

        /// <summary>A failure of the communication engine or a peer (PyTorch's <c>torch.distributed.DistBackendError</c>).</summary>
        public class DistBackendError : InvalidOperationException
        {
            /// <summary>An error raised by the communication backend, as PyTorch's <c>torch.distributed.DistBackendError</c>.</summary>
            public DistBackendError(string message) : base(message) { }
        }
    }
}

namespace Flint;

public static partial class torch
{
    public static partial class distributed
    {
        /// <summary>
        /// A group of processes that run collectives together (PyTorch's <c>ProcessGroup</c>): the world made by
        /// init_process_group or a sub-group made by new_group, over one <see cref="Distributed.ICollectiveBackend"/>.
        /// Ranks given to collectives (src, dst) are global ranks, as in PyTorch.
        /// </summary>
        public sealed class ProcessGroup
        {
            /// <summary>The engine; null on a process that is not a member (new_group's non-member ranks).</summary>
            internal Distributed.ICollectiveBackend? Backend { get; private set; }
            /// <summary>The members' global ranks, in group-rank order.</summary>
            internal int[] Ranks { get; }
            internal TimeSpan Timeout { get; }
            private long seq;

            internal ProcessGroup(Distributed.ICollectiveBackend? backend, int[] ranks, TimeSpan timeout)
            {
                Backend = backend; Ranks = ranks; Timeout = timeout;
            }

            /// <summary>This process's rank within the group (-1 when it is not a member).</summary>
            public int rank() => Backend?.Rank ?? -1;
            /// <summary>The number of processes in the group.</summary>
            public int size() => Ranks.Length;
            /// <summary>The backend's name (<c>mpi</c>), or <c>none</c>.</summary>
            public string name() => Backend?.Name ?? "none";

            internal bool IsMember => Backend is not null;
            internal long NextSeq() => Interlocked.Increment(ref seq);

            internal Distributed.ICollectiveBackend Live =>
                Backend ?? throw new InvalidOperationException("Invalid process group specified: the process group has been destroyed or this rank is not a member");

            /// <summary>The group rank of a global rank, with PyTorch's error for one outside the group.</summary>
            internal int GroupRank(int globalRank, string op, string role)
            {
                if (globalRank < 0 || globalRank >= (Distributed.ProcessGroups.Default?.size() ?? Ranks.Length))
                    throw new InvalidOperationException($"ProcessGroupMPI::{op}: invalid {role} rank: {globalRank}");
                int i = Array.IndexOf(Ranks, globalRank);
                if (i < 0) throw new ArgumentException($"Global rank {globalRank} is not part of group {this}");
                return i;
            }

            internal int GlobalRank(int groupRank) => groupRank < 0 ? groupRank : Ranks[groupRank];

            internal void Destroy()
            {
                Backend?.Dispose();
                Backend = null;
            }

            /// <inheritdoc/>
            public override string ToString() => $"ProcessGroup(backend={name()}, ranks=[{string.Join(", ", Ranks)}])";
        }
    }
}

using Flint.Distributed;

namespace Flint;

public static partial class torch
{
    /// <summary>
    /// PyTorch's <c>torch.distributed</c>: process groups and collectives between processes. Backend "mpi" runs on
    /// the system's MPI library (Open MPI), found at run time; start the program under <c>mpirun -np N</c>.
    /// </summary>
    public static partial class distributed
    {
        /// <summary>How collectives combine the ranks' elements (PyTorch's <c>torch.distributed.ReduceOp</c>).</summary>
        public enum ReduceOp
        {
            /// <summary>The sum of the ranks' elements.</summary>
            SUM,
            /// <summary>Their mean.</summary>
            AVG,
            /// <summary>Their product.</summary>
            PRODUCT,
            /// <summary>Their minimum.</summary>
            MIN,
            /// <summary>Their maximum.</summary>
            MAX,
            /// <summary>Their bitwise and (integer tensors).</summary>
            BAND,
            /// <summary>Their bitwise or (integer tensors).</summary>
            BOR,
            /// <summary>Their bitwise exclusive or (integer tensors).</summary>
            BXOR,
        }

        /// <summary>Backend names (PyTorch's <c>torch.distributed.Backend</c>) and the registry of engines.</summary>
        public static class Backend
        {
            /// <summary>The backend names PyTorch knows; only <c>mpi</c> has an engine here.</summary>
            public const string MPI = "mpi", GLOO = "gloo", NCCL = "nccl", UCC = "ucc";

            /// <summary>Registers an engine under a backend name (lower-cased), for init_process_group(backend: name).</summary>
            public static void register_backend(string name, ICollectiveBackendFactory factory)
                => BackendRegistry.Register(name, factory);
        }

        /// <summary>PyTorch's default_pg_timeout: 30 minutes.</summary>
        public static readonly TimeSpan default_pg_timeout = TimeSpan.FromMinutes(30);

        /// <summary>
        /// Joins this process to the default process group. With backend "mpi" the ranks come from the MPI launcher
        /// (<c>mpirun -np N</c>); <paramref name="world_size"/> and <paramref name="rank"/>, when given, and the
        /// env:// variables WORLD_SIZE and RANK, when set, must agree with it. <paramref name="timeout"/> bounds
        /// every operation of the group (default 30 minutes).
        /// </summary>
        public static void init_process_group(string backend = Backend.MPI, string? init_method = null, TimeSpan? timeout = null,
            int world_size = -1, int rank = -1, string group_name = "")
        {
            lock (ProcessGroups.Gate)
            {
                if (ProcessGroups.Default is not null) throw new InvalidOperationException("trying to initialize the default process group twice!");
                if (timeout is { } t && t <= TimeSpan.Zero) throw new ArgumentException($"timeout must be positive, got {t}");
                if (world_size < -1 || world_size == 0) throw new ArgumentException($"world_size must be positive, got {world_size}");
                if (rank < -1 || world_size > 0 && rank >= world_size)
                    throw new ArgumentException($"rank must be in [0, world_size), got rank {rank} and world_size {world_size}");
                var method = init_method ?? "env://";
                var factory = BackendRegistry.Find(backend);
                if (method != "env://")
                    throw new ArgumentException($"init_method {method} is not supported: use env:// (the default); the MPI launcher connects the processes");
                var engine = factory.Create(method, world_size, rank, timeout ?? default_pg_timeout);
                ProcessGroups.SetDefault(new ProcessGroup(engine, Enumerable.Range(0, engine.Size).ToArray(), timeout ?? default_pg_timeout));
            }
        }

        /// <summary>True: the package is built in (is_mpi_available says whether an MPI library can be loaded).</summary>
        public static bool is_available() => true;
        /// <summary>Whether <c>init_process_group</c> has been called, as <c>torch.distributed.is_initialized()</c>.</summary>
        public static bool is_initialized() => ProcessGroups.Default is not null;
        /// <summary>Whether the system's MPI library can be loaded.</summary>
        public static bool is_mpi_available() => MpiLibrary.IsAvailable();
        /// <summary>Whether the NCCL backend is available: never here (CPU only).</summary>
        public static bool is_nccl_available() => false;
        /// <summary>Whether the Gloo backend is available: no (the MPI backend is).</summary>
        public static bool is_gloo_available() => false;

        /// <summary>This process's rank in the group (default: the world); -1 when it is not a member.</summary>
        public static int get_rank(ProcessGroup? group = null) => ProcessGroups.Resolve(group).rank();
        /// <summary>The number of processes in <paramref name="group"/> (the default group when null), or -1 when this process is not in it, as <c>torch.distributed.get_world_size</c>.</summary>
        public static int get_world_size(ProcessGroup? group = null) => ProcessGroups.Resolve(group) is var g && g.IsMember ? g.size() : -1;
        /// <summary>The name of the group's backend, as <c>torch.distributed.get_backend</c>.</summary>
        public static string get_backend(ProcessGroup? group = null) => ProcessGroups.Resolve(group).name();

        /// <summary>The global rank of <paramref name="group_rank"/> in <paramref name="group"/>.</summary>
        public static int get_global_rank(ProcessGroup group, int group_rank) =>
            group_rank >= 0 && group_rank < group.size() ? group.Ranks[group_rank] : throw new ArgumentException($"Group rank {group_rank} is not part of group {group}");

        /// <summary>The rank within <paramref name="group"/> of global rank <paramref name="global_rank"/>.</summary>
        public static int get_group_rank(ProcessGroup group, int global_rank) =>
            Array.IndexOf(group.Ranks, global_rank) is var i and >= 0 ? i : throw new ArgumentException($"Global rank {global_rank} is not part of group {group}");

        /// <summary>
        /// A group of some of the world's ranks (all of them when null). Every rank of the world must call it, in the
        /// same order as the other ranks; the ranks outside get a group they are not a member of.
        /// </summary>
        public static ProcessGroup new_group(int[]? ranks = null, TimeSpan? timeout = null, string? backend = null)
        {
            var world = ProcessGroups.World;
            if (backend is not null && backend.ToLowerInvariant() != world.name()) BackendRegistry.Find(backend);
            var members = (ranks ?? Enumerable.Range(0, world.size()).ToArray()).Distinct().Order().ToArray();
            if (members.Length > world.size())
                throw new InvalidOperationException("the new group's world size should be less or equal to the world size set by init_process_group");
            foreach (var r in members)
                if (r < 0 || r >= world.size())
                    throw new InvalidOperationException("The new group's rank should be within the world_size set by init_process_group");
            var engine = world.Live.Split(members);
            var g = new ProcessGroup(engine, members, timeout ?? world.Timeout);
            ProcessGroups.Add(g);
            return g;
        }

        /// <summary>Ends a group, or all of them and the default group when <paramref name="group"/> is null.</summary>
        public static void destroy_process_group(ProcessGroup? group = null) => ProcessGroups.Destroy(group);
    }
}

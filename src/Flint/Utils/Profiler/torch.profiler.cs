using Flint.Profiler;

namespace Flint;

public static partial class torch
{
    /// <summary>PyTorch's <c>torch.profiler</c>: per-op CPU times, shapes and memory, tables and Chrome traces.</summary>
    public static class profiler
    {
        /// <summary>What a profile records: CPU ops (CUDA is accepted and records nothing more, no kernel runs on a GPU here).</summary>
        public enum ProfilerActivity
        {
            /// <summary>Ops run on the CPU.</summary>
            CPU,
            /// <summary>GPU kernels (none run here).</summary>
            CUDA,
        }

        /// <summary>
        /// Starts a profile that records until it is disposed: <c>using (var prof = torch.profiler.profile(record_shapes:
        /// true)) { ... }</c>, then <c>prof.key_averages().table(sort_by: "self_cpu_time_total")</c>.
        /// </summary>
        /// <param name="activities">What to record (the default: CPU).</param>
        /// <param name="record_shapes">Record the shapes of each op's tensor inputs.</param>
        /// <param name="profile_memory">Record the bytes of storage each op allocates.</param>
        /// <param name="with_stack">Record source locations (not supported).</param>
        public static Profile profile(IEnumerable<ProfilerActivity>? activities = null, bool record_shapes = false, bool profile_memory = false,
            bool with_stack = false) => new(true, record_shapes, profile_memory, with_stack);

        /// <summary>A labelled range in the running profile: <c>using (torch.profiler.record_function("step")) { ... }</c>.</summary>
        public static RecordFunction record_function(string name) => new(name);
    }

    public static partial class autograd
    {
        /// <summary>PyTorch's <c>torch.autograd.profiler</c>: the older face of <see cref="torch.profiler"/>.</summary>
        public static class profiler
        {
            /// <summary>A profile (see <see cref="torch.profiler.profile"/>); <paramref name="enabled"/> false records nothing.</summary>
            public static Profile profile(bool enabled = true, bool use_cuda = false, bool record_shapes = false, bool profile_memory = false,
                bool with_stack = false) => new(enabled, record_shapes, profile_memory, with_stack);

            /// <summary>A labelled range in the running profile.</summary>
            public static RecordFunction record_function(string name) => new(name);
        }
    }
}

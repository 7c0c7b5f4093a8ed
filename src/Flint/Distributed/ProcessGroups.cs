namespace Flint.Distributed;

/// <summary>
/// The process's groups: the default group (init_process_group's world) and the sub-groups new_group made, with
/// the lock that orders their creation and destruction.
/// </summary>
internal static class ProcessGroups
{
    private static torch.distributed.ProcessGroup? s_world;
    private static readonly List<torch.distributed.ProcessGroup> s_groups = [];

    /// <summary>Held while the default group or the group list changes.</summary>
    internal static readonly object Gate = new();

    /// <summary>The default group, or null before init_process_group (and after its destruction).</summary>
    internal static torch.distributed.ProcessGroup? Default => s_world;

    /// <summary>The default group (PyTorch's <c>group.WORLD</c>), with PyTorch's error when there is none.</summary>
    internal static torch.distributed.ProcessGroup World =>
        s_world ?? throw new InvalidOperationException("Default process group has not been initialized, please make sure to call init_process_group.");

    /// <summary>The group a collective runs on: the one given, else the default group.</summary>
    internal static torch.distributed.ProcessGroup Resolve(torch.distributed.ProcessGroup? group) => group ?? World;

    internal static bool IsDefault(torch.distributed.ProcessGroup group) => ReferenceEquals(group, s_world);

    /// <summary>Makes <paramref name="world"/> the default group (under <see cref="Gate"/>); refuses a second one.</summary>
    internal static void SetDefault(torch.distributed.ProcessGroup world)
    {
        if (s_world is not null) throw new InvalidOperationException("trying to initialize the default process group twice!");
        s_world = world;
    }

    internal static void Add(torch.distributed.ProcessGroup group)
    {
        lock (Gate) s_groups.Add(group);
    }

    /// <summary>Ends a sub-group, or every group and the default one when <paramref name="group"/> is null or the default.</summary>
    internal static void Destroy(torch.distributed.ProcessGroup? group)
    {
        lock (Gate)
        {
            var world = World;
            if (group is null || ReferenceEquals(group, world))
            {
                foreach (var g in s_groups) g.Destroy();
                s_groups.Clear();
                world.Destroy();
                s_world = null;
            }
            else
            {
                group.Destroy();
                s_groups.Remove(group);
            }
        }
    }
}

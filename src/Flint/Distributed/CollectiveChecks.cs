using static Flint.torch;
using static Flint.torch.distributed;

namespace Flint.Distributed;

/// <summary>The collectives' argument checks (with PyTorch's errors) and reduction plans.</summary>
internal static class CollectiveChecks
{
    /// <summary>The group (default: the world), or null on a process that is not a member of it.</summary>
    internal static ProcessGroup? Member(ProcessGroup? group)
    {
        var g = ProcessGroups.Resolve(group);
        if (g.Backend is null && ProcessGroups.IsDefault(g)) throw new InvalidOperationException("Default process group has not been initialized, please make sure to call init_process_group.");
        return g.IsMember ? g : null;
    }

    internal static void CheckTensor(Tensor t)
    {
        if (!Backends.HostMemory.IsHost(t._storage)) throw new InvalidOperationException($"ProcessGroupMPI: tensors must be on the CPU, got a tensor on {t.device}");
    }

    internal static void CheckOp(ReduceOp op, DType dtype)
    {
        if (op is ReduceOp.BAND or ReduceOp.BOR or ReduceOp.BXOR && dtype.is_floating_point)
            throw new InvalidOperationException($"Cannot use ReduceOp.{op} with non-integral dtype");
        if (op == ReduceOp.AVG && dtype == DType.Bool) throw new InvalidOperationException("Cannot use ReduceOp.AVG with bool tensors");
    }

    /// <summary>The dtype and operation the engine reduces with, and what follows on the result (AVG's division).</summary>
    internal static (DType wire, ReduceOp op, Action<Tensor>? after) Plan(ProcessGroup g, DType dtype, ReduceOp op)
    {
        var engine = g.Live;
        var wire = dtype;
        if (!engine.CanReduce(dtype, ReduceOp.SUM) && dtype.is_floating_point) wire = DType.Float32;
        if (op != ReduceOp.AVG || engine.CanReduce(wire, op)) return (wire, op, null);
        long size = g.size();
        return (wire, ReduceOp.SUM, t => t.copy_(div(t, size, rounding_mode: t.dtype.is_floating_point ? null : "trunc")));
    }

    /// <summary>PyTorch's _ensure_all_tensors_same_dtype.</summary>
    internal static void SameDType(IReadOnlyList<Tensor> tensors)
    {
        for (int i = 1; i < tensors.Count; i++)
            if (tensors[i].dtype != tensors[0].dtype)
                throw new InvalidOperationException($"Invalid usage of tensors with different dtypesFound torch.{tensors[0].dtype.name} and  torch.{tensors[i].dtype.name}");
    }

    /// <summary>gather's and scatter's checks of the list only the root gives (PyTorch's texts); whether this rank is the root.</summary>
    internal static bool RootList(ProcessGroup g, int root, Tensor tensor, IList<Tensor>? list, string listName, string rootRole, string countError)
    {
        bool isRoot = g.rank() == root;
        if (isRoot && list is null) throw new ArgumentException($"Argument ``{listName}`` must be specified on {rootRole} rank.");
        if (!isRoot && list is { Count: > 0 }) throw new ArgumentException($"Argument ``{listName}`` must NOT be specified on non-{rootRole} ranks.");
        if (list is not null) SameDType([tensor, .. list]);
        if (isRoot && list!.Count != g.size()) throw new InvalidOperationException(countError);
        if (isRoot) SameSizeAndType(tensor, list!);
        return isRoot;
    }

    internal static void SameSizeAndType(Tensor like, IEnumerable<Tensor> tensors)
    {
        foreach (var t in tensors)
        {
            if (t.numel() != like.numel() || t.dtype != like.dtype) throw new InvalidOperationException("Tensors are not equal in size or data type");
            CheckTensor(t);
        }
    }

    internal static (long[] counts, long[] offsets) Layout(IEnumerable<long> counts)
    {
        var c = counts.ToArray();
        var o = new long[c.Length];
        for (int i = 1; i < c.Length; i++) o[i] = o[i - 1] + c[i - 1];
        return (c, o);
    }

    /// <summary>Element counts of dim-0 splits, with c10d's checkSplitSizes errors.</summary>
    internal static long[] Splits(Tensor t, long[]? splits, int size)
    {
        long rows = t.dim() == 0 ? 1 : t.size(0);
        long rowNumel = rows == 0 ? 0 : t.numel() / rows;
        if (splits is null || splits.Length == 0)
        {
            if (rows % size != 0) throw new InvalidOperationException("Tensor's dim 0 does not divide equally across group size");
            return Enumerable.Repeat(rows / size * rowNumel, size).ToArray();
        }
        if (splits.Length != size) throw new InvalidOperationException("Number of tensor splits not equal to group size");
        if (splits.Sum() != rows || splits.Any(x => x < 0)) throw new InvalidOperationException("Split sizes doesn't match total dim 0 size");
        return splits.Select(x => x * rowNumel).ToArray();
    }
}

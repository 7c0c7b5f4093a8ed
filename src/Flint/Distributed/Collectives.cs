using Flint.Distributed;
using static Flint.Distributed.CollectiveChecks;

namespace Flint;

public static partial class torch
{
    public static partial class distributed
    {
        // Every collective returns null unless async_op is true (then the Work in flight). A process that is not a
        // member of the group returns null at once, as in PyTorch. src/dst are global ranks.

        /// <summary>Reduces <paramref name="tensor"/> over the group's ranks, in place on every rank.</summary>
        public static Work? all_reduce(Tensor tensor, ReduceOp op = ReduceOp.SUM, ProcessGroup? group = null, bool async_op = false)
        {
            if (Member(group) is not { } g) return null;
            CheckTensor(tensor);
            CheckOp(op, tensor.dtype);
            var s = new Staging(g);
            var (wire, mop, after) = Plan(g, tensor.dtype, op);
            var p = s.InOut(tensor, wire, after);
            long n = tensor.numel();
            return s.Run("ALLREDUCE", n, n, async_op, e => [e.AllReduce(p, n, wire, mop)]);
        }

        /// <summary>Copies the tensor of rank <paramref name="src"/> into every rank's <paramref name="tensor"/>.</summary>
        public static Work? broadcast(Tensor tensor, int src, ProcessGroup? group = null, bool async_op = false)
        {
            if (Member(group) is not { } g) return null;
            CheckTensor(tensor);
            int root = g.GroupRank(src, "broadcast", "root");
            var s = new Staging(g);
            var p = s.InOut(tensor);
            long n = tensor.numel();
            return s.Run("BROADCAST", n, n, async_op, e => [e.Broadcast(p, n, tensor.dtype, root)]);
        }

        /// <summary>Reduces the ranks' tensors into the tensor of rank <paramref name="dst"/> (the others' are left as they are).</summary>
        public static Work? reduce(Tensor tensor, int dst, ReduceOp op = ReduceOp.SUM, ProcessGroup? group = null, bool async_op = false)
        {
            if (Member(group) is not { } g) return null;
            CheckTensor(tensor);
            CheckOp(op, tensor.dtype);
            int root = g.GroupRank(dst, "reduce", "root");
            var s = new Staging(g);
            var (wire, mop, after) = Plan(g, tensor.dtype, op);
            long n = tensor.numel();
            nint p = g.rank() == root ? s.InOut(tensor, wire, after) : s.In(tensor.dtype == wire ? tensor : tensor.to(wire));
            return s.Run("REDUCE", n, n, async_op, e => [e.Reduce(p, p, n, wire, mop, root)]);
        }

        /// <summary>Every rank's <paramref name="tensor"/> into <paramref name="tensor_list"/> (one tensor per rank, in rank order).</summary>
        public static Work? all_gather(IList<Tensor> tensor_list, Tensor tensor, ProcessGroup? group = null, bool async_op = false)
        {
            if (Member(group) is not { } g) return null;
            SameDType([.. tensor_list, tensor]);
            CheckTensor(tensor);
            if (tensor_list.Count != g.size()) throw new InvalidOperationException("All gather: number of output tensors should equal to the world size");
            SameSizeAndType(tensor, tensor_list);
            long n = tensor.numel();
            var s = new Staging(g);
            var src = s.In(tensor);
            var buf = empty([g.size() * n], dtype: tensor.dtype);
            var dst = s.Joined([.. tensor_list], buf, writeBack: true);
            return s.Run("ALLGATHER", n, n * g.size(), async_op, e => [e.AllGather(src, dst, n, tensor.dtype)]);
        }

        /// <summary>Every rank's <paramref name="input_tensor"/>, concatenated (or stacked) in rank order into <paramref name="output_tensor"/>.</summary>
        public static Work? all_gather_into_tensor(Tensor output_tensor, Tensor input_tensor, ProcessGroup? group = null, bool async_op = false)
        {
            if (Member(group) is not { } g) return null;
            CheckTensor(input_tensor);
            CheckTensor(output_tensor);
            if (output_tensor.dtype != input_tensor.dtype) throw new InvalidOperationException("output tensor must have the same type as input tensor");
            long n = input_tensor.numel();
            if (output_tensor.numel() != n * g.size()) throw new InvalidOperationException("output tensor size must be equal to world_size times input tensor size");
            var s = new Staging(g);
            var src = s.In(input_tensor);
            var dst = s.InOut(output_tensor);
            return s.Run("_ALLGATHER_BASE", n, n * g.size(), async_op, e => [e.AllGather(src, dst, n, input_tensor.dtype)]);
        }

        /// <summary>The reduction over the ranks of <c>input_list[r]</c> into rank r's <paramref name="output"/>.</summary>
        public static Work? reduce_scatter(Tensor output, IList<Tensor> input_list, ReduceOp op = ReduceOp.SUM, ProcessGroup? group = null, bool async_op = false)
        {
            if (Member(group) is not { } g) return null;
            SameDType([output, .. input_list]);
            CheckTensor(output);
            CheckOp(op, output.dtype);
            if (input_list.Count != g.size()) throw new InvalidOperationException("Reduce scatter: number of input tensors should equal to the world size");
            SameSizeAndType(output, input_list);
            var (wire, mop, after) = Plan(g, output.dtype, op);
            long n = output.numel();
            var s = new Staging(g);
            var src = s.In(cat(input_list.Select(t => t.reshape(-1).to(wire)).ToArray()));
            var dst = s.InOut(output, wire, after);
            return s.Run("REDUCE_SCATTER", n * g.size(), n, async_op, e => [e.ReduceScatter(src, dst, n, wire, mop)]);
        }

        /// <summary>The reduction over the ranks of block r of <paramref name="input"/> (world size × output's elements) into rank r's <paramref name="output"/>.</summary>
        public static Work? reduce_scatter_tensor(Tensor output, Tensor input, ReduceOp op = ReduceOp.SUM, ProcessGroup? group = null, bool async_op = false)
        {
            if (Member(group) is not { } g) return null;
            CheckTensor(input);
            CheckTensor(output);
            if (input.dtype != output.dtype) throw new InvalidOperationException("input tensor must be the same type as the output tensor.");
            long n = output.numel();
            if (input.numel() != n * g.size()) throw new InvalidOperationException("input tensor must be the same size as output size times world size");
            CheckOp(op, output.dtype);
            var (wire, mop, after) = Plan(g, output.dtype, op);
            var s = new Staging(g);
            var src = s.In(input.dtype == wire ? input : input.to(wire));
            var dst = s.InOut(output, wire, after);
            return s.Run("_REDUCE_SCATTER_BASE", n * g.size(), n, async_op, e => [e.ReduceScatter(src, dst, n, wire, mop)]);
        }

        /// <summary>Every rank's <paramref name="tensor"/> into <paramref name="gather_list"/> on rank <paramref name="dst"/> (null elsewhere).</summary>
        public static Work? gather(Tensor tensor, IList<Tensor>? gather_list = null, int dst = 0, ProcessGroup? group = null, bool async_op = false)
        {
            if (Member(group) is not { } g) return null;
            CheckTensor(tensor);
            int root = g.GroupRank(dst, "gather", "root");
            bool isRoot = RootList(g, root, tensor, gather_list, "gather_list", "destination", "Gather: number of output tensors should equal to the world size");
            long n = tensor.numel();
            var s = new Staging(g);
            var src = s.In(tensor);
            nint recv = isRoot ? s.Joined([.. gather_list!], empty([g.size() * n], dtype: tensor.dtype), writeBack: true) : 0;
            return s.Run("GATHER", n, isRoot ? n * g.size() : 0, async_op, e => [e.Gather(src, recv, n, tensor.dtype, root)]);
        }

        /// <summary><c>scatter_list[r]</c> of rank <paramref name="src"/> into rank r's <paramref name="tensor"/>.</summary>
        public static Work? scatter(Tensor tensor, IList<Tensor>? scatter_list = null, int src = 0, ProcessGroup? group = null, bool async_op = false)
        {
            if (Member(group) is not { } g) return null;
            CheckTensor(tensor);
            int root = g.GroupRank(src, "scatter", "root");
            bool isRoot = RootList(g, root, tensor, scatter_list, "scatter_list", "source", "Scatter: number of input tensors should equal to the world size");
            long n = tensor.numel();
            var s = new Staging(g);
            nint send = isRoot ? s.In(cat(scatter_list!.Select(t => t.reshape(-1)).ToArray())) : 0;
            var recv = s.InOut(tensor);
            return s.Run("SCATTER", isRoot ? n * g.size() : 0, n, async_op, e => [e.Scatter(send, recv, n, tensor.dtype, root)]);
        }

        /// <summary><c>input_tensor_list[r]</c> to rank r, and rank r's tensor for this rank into <c>output_tensor_list[r]</c> (sizes may differ per rank).</summary>
        public static Work? all_to_all(IList<Tensor> output_tensor_list, IList<Tensor> input_tensor_list, ProcessGroup? group = null, bool async_op = false)
        {
            if (Member(group) is not { } g) return null;
            SameDType([.. output_tensor_list, .. input_tensor_list]);
            if (input_tensor_list.Count != g.size()) throw new InvalidOperationException("Number of input tensors are not equal to group size");
            if (output_tensor_list.Count != g.size()) throw new InvalidOperationException("Number of output tensors are not equal to group size");
            foreach (var t in output_tensor_list.Concat(input_tensor_list)) CheckTensor(t);
            var dtype = input_tensor_list[0].dtype;
            var (sc, so) = Layout(input_tensor_list.Select(t => t.numel()));
            var (rc, ro) = Layout(output_tensor_list.Select(t => t.numel()));
            var s = new Staging(g);
            var send = s.In(cat(input_tensor_list.Select(t => t.reshape(-1)).ToArray()));
            var recv = s.Joined([.. output_tensor_list], empty([rc.Sum()], dtype: dtype), writeBack: true);
            return s.Run("ALLTOALL", sc.Sum(), rc.Sum(), async_op, e => [e.AllToAll(send, sc, so, recv, rc, ro, dtype)]);
        }

        /// <summary>
        /// Splits <paramref name="input"/> along dim 0 (equally, or by <paramref name="input_split_sizes"/>), sends split r to rank r and
        /// concatenates what the ranks send into <paramref name="output"/> (split by <paramref name="output_split_sizes"/>).
        /// </summary>
        public static Work? all_to_all_single(Tensor output, Tensor input, long[]? output_split_sizes = null, long[]? input_split_sizes = null,
            ProcessGroup? group = null, bool async_op = false)
        {
            if (Member(group) is not { } g) return null;
            SameDType([output, input]);
            CheckTensor(output);
            CheckTensor(input);
            var sc = Splits(input, input_split_sizes, g.size());
            var rc = Splits(output, output_split_sizes, g.size());
            var (_, so) = Layout(sc);
            var (_, ro) = Layout(rc);
            var s = new Staging(g);
            var send = s.In(input);
            var recv = s.InOut(output);
            return s.Run("ALLTOALL_BASE", input.numel(), output.numel(), async_op, e => [e.AllToAll(send, sc, so, recv, rc, ro, input.dtype)]);
        }

        /// <summary>Waits for every rank of the group.</summary>
        public static Work? barrier(ProcessGroup? group = null, bool async_op = false)
        {
            if (Member(group) is not { } g) return null;
            return new Staging(g).Run("BARRIER", 0, 0, async_op, e => [e.Barrier()]);
        }

        /// <summary>Sends <paramref name="tensor"/> to rank <paramref name="dst"/> (blocking).</summary>
        public static void send(Tensor tensor, int dst, ProcessGroup? group = null, int tag = 0) => isend(tensor, dst, group, tag)?.wait();

        /// <summary>Receives into <paramref name="tensor"/> from rank <paramref name="src"/> (any rank when null); returns the sender's rank.</summary>
        public static int recv(Tensor tensor, int? src = null, ProcessGroup? group = null, int tag = 0) =>
            irecv(tensor, src, group, tag) is { } w ? w._source_rank() : -1;

        /// <summary>Sends <paramref name="tensor"/> to rank <paramref name="dst"/> without waiting, as <c>torch.distributed.isend</c>; wait on the returned work before changing the tensor.</summary>
        public static Work? isend(Tensor tensor, int dst, ProcessGroup? group = null, int tag = 0)
        {
            if (Member(group) is not { } g) return null;
            CheckTensor(tensor);
            int peer = g.GroupRank(dst, "send", "destination");
            if (peer == g.rank()) throw new ArgumentException("Invalid destination rank: destination rank should not be the same as the rank of the current process.");
            var s = new Staging(g);
            var p = s.In(tensor);
            long n = tensor.numel();
            return s.Run("SEND", n, 0, true, e => [e.Send(p, n, tensor.dtype, peer, tag)]);
        }

        /// <summary>Receives into <paramref name="tensor"/> from rank <paramref name="src"/> (any rank when null) without waiting, as <c>torch.distributed.irecv</c>; wait on the returned work before reading it.</summary>
        public static Work? irecv(Tensor tensor, int? src = null, ProcessGroup? group = null, int tag = 0)
        {
            if (Member(group) is not { } g) return null;
            CheckTensor(tensor);
            int? peer = src is { } r ? g.GroupRank(r, "recv", "source") : null;
            if (peer == g.rank()) throw new ArgumentException("Invalid source rank: source rank should not be the same as the rank of the current process.");
            var s = new Staging(g);
            var p = s.InOut(tensor);
            long n = tensor.numel();
            return s.Run(peer is null ? "RECVANYSOURCE" : "RECV", 0, n, true, e => [e.Recv(p, n, tensor.dtype, peer, tag)]);
        }
    }
}

using static Flint.torch;
using static Flint.torch.distributed;

namespace Flint.Distributed.Tests;

/// <summary>Every collective against its definition: each rank makes every rank's input itself (from the rank number)
/// and computes the expected result locally, in every dtype, for contiguous and strided tensors.</summary>
internal static class CollectiveTests
{
    private static readonly DType[] DTypes = [uint8, int8, int16, int32, int64, float16, float32, float64, @bool, bfloat16];

    /// <summary>Rank <paramref name="r"/>'s input: small whole numbers (exact in every dtype, products stay small).</summary>
    internal static Tensor Input(int r, DType dt, long[] shape, int salt = 0)
    {
        long n = shape.Aggregate(1L, (a, b) => a * b);
        var v = (arange(n) * (r + 2) + r * 5 + salt) % 3 + 1; // 1..3
        if (dt == @bool) return (arange(n) + r + salt).remainder(3).eq(0).reshape(shape);
        return v.to(dt).reshape(shape);
    }

    private static Tensor Fold(int size, Func<int, Tensor> input, ReduceOp op)
    {
        var acc = input(0).clone();
        var dt = acc.dtype;
        for (int r = 1; r < size; r++)
        {
            var x = input(r);
            acc = op switch
            {
                ReduceOp.SUM or ReduceOp.AVG => dt == @bool ? acc.logical_or(x) : (acc + x).to(dt),
                ReduceOp.PRODUCT => dt == @bool ? acc.logical_and(x) : (acc * x).to(dt),
                ReduceOp.MIN => minimum(acc, x),
                ReduceOp.MAX => maximum(acc, x),
                ReduceOp.BAND => bitwise_and(acc, x),
                ReduceOp.BOR => bitwise_or(acc, x),
                ReduceOp.BXOR => bitwise_xor(acc, x),
                _ => throw new ArgumentException(op.ToString()),
            };
        }
        if (op == ReduceOp.AVG) acc = div(acc, size, rounding_mode: dt.is_floating_point ? null : "trunc").to(dt);
        return acc;
    }

    private static IEnumerable<ReduceOp> OpsFor(DType dt) =>
        dt.is_floating_point ? [ReduceOp.SUM, ReduceOp.AVG, ReduceOp.PRODUCT, ReduceOp.MIN, ReduceOp.MAX]
        : dt == @bool ? [ReduceOp.SUM, ReduceOp.PRODUCT, ReduceOp.MIN, ReduceOp.MAX, ReduceOp.BAND, ReduceOp.BOR, ReduceOp.BXOR]
        : Enum.GetValues<ReduceOp>();

    /// <summary>A strided view of the input's values (a transposed block inside a bigger tensor), and the bigger tensor.</summary>
    private static (Tensor view, Tensor whole) Strided(Tensor contiguous)
    {
        var shape = contiguous.shape.ToArray(); // [a, b]
        var whole = full([shape[1], shape[0] * 2], 7, dtype: contiguous.dtype);
        if (contiguous.dtype == @bool) whole = ones([shape[1], shape[0] * 2], dtype: @bool);
        var view = whole.t().narrow(0, 0, shape[0]); // rows 0..a of the [2a, b] transpose: non-contiguous
        view.copy_(contiguous);
        return (view, whole);
    }

    /// <param name="recorded">PyTorch's text for a recorded argument error (tools/refs/gen_distributed.py, over gloo, 2 ranks)</param>
    public static void Run(Checks c, int rank, int size, Func<string, string> recorded)
    {
        long[] shape = [3, 4];
        foreach (var dt in DTypes)
        {
            foreach (var op in OpsFor(dt))
            {
                c.Run($"all_reduce {dt.name} {op}", () =>
                {
                    var t = Input(rank, dt, shape);
                    all_reduce(t, op);
                    Checks.Equal(Fold(size, r => Input(r, dt, shape), op), t);
                });
                c.Run($"all_reduce strided {dt.name} {op}", () =>
                {
                    var (view, whole) = Strided(Input(rank, dt, shape));
                    var untouched = whole.t().narrow(0, shape[0], shape[0]).clone();
                    all_reduce(view, op);
                    Checks.Equal(Fold(size, r => Input(r, dt, shape), op), view);
                    Checks.Equal(untouched, whole.t().narrow(0, shape[0], shape[0]), "elements outside the view");
                });
                c.Run($"reduce {dt.name} {op}", () =>
                {
                    var t = Input(rank, dt, shape);
                    int dst = size - 1;
                    reduce(t, dst, op);
                    Checks.Equal(rank == dst ? Fold(size, r => Input(r, dt, shape), op) : Input(rank, dt, shape), t);
                });
                c.Run($"reduce_scatter_tensor {dt.name} {op}", () =>
                {
                    var input = Input(rank, dt, [size * 2, 3]);
                    var output = zeros([2, 3], dtype: dt);
                    reduce_scatter_tensor(output, input, op);
                    Checks.Equal(Fold(size, r => Input(r, dt, [size * 2, 3]), op).narrow(0, rank * 2, 2), output);
                });
            }
            c.Run($"reduce_scatter {dt.name}", () =>
            {
                var inputs = Enumerable.Range(0, size).Select(i => Input(rank, dt, [2, 2], salt: i)).ToList();
                var (output, _) = Strided(zeros([2, 2], dtype: dt));
                reduce_scatter(output, inputs, ReduceOp.MAX);
                Checks.Equal(Fold(size, r => Input(r, dt, [2, 2], salt: rank), ReduceOp.MAX), output);
            });
            c.Run($"broadcast {dt.name}", () =>
            {
                foreach (int src in Enumerable.Range(0, size))
                {
                    var (t, _) = Strided(Input(rank, dt, shape));
                    broadcast(t, src);
                    Checks.Equal(Input(src, dt, shape), t, $"src {src}");
                }
            });
            c.Run($"all_gather {dt.name}", () =>
            {
                var outs = Enumerable.Range(0, size).Select(_ => zeros(shape, dtype: dt)).ToList();
                outs[0] = Strided(outs[0]).view;
                all_gather(outs, Strided(Input(rank, dt, shape)).view);
                for (int r = 0; r < size; r++) Checks.Equal(Input(r, dt, shape), outs[r], $"from rank {r}");
            });
            c.Run($"all_gather_into_tensor {dt.name}", () =>
            {
                var stacked = zeros([size, 3, 4], dtype: dt);
                all_gather_into_tensor(stacked, Input(rank, dt, shape));
                Checks.Equal(stack(Enumerable.Range(0, size).Select(r => Input(r, dt, shape)).ToArray()), stacked);
                var concatenated = zeros([size * 3, 4], dtype: dt);
                all_gather_into_tensor(concatenated, Input(rank, dt, shape));
                Checks.Equal(cat(Enumerable.Range(0, size).Select(r => Input(r, dt, shape)).ToArray()), concatenated);
            });
            c.Run($"gather {dt.name}", () =>
            {
                int dst = size - 1;
                var outs = rank == dst ? Enumerable.Range(0, size).Select(_ => zeros(shape, dtype: dt)).ToList() : null;
                gather(Input(rank, dt, shape), outs, dst);
                if (rank == dst) for (int r = 0; r < size; r++) Checks.Equal(Input(r, dt, shape), outs![r]);
            });
            c.Run($"scatter {dt.name}", () =>
            {
                var t = zeros(shape, dtype: dt);
                var list = rank == 0 ? Enumerable.Range(0, size).Select(r => Input(0, dt, shape, salt: r)).ToList() : null;
                scatter(t, list, src: 0);
                Checks.Equal(Input(0, dt, shape, salt: rank), t);
            });
            c.Run($"all_to_all {dt.name}", () =>
            {
                // rank r sends r + j + 1 elements to rank j
                var inputs = Enumerable.Range(0, size).Select(j => Input(rank, dt, [rank + j + 1], salt: j)).ToList();
                var outputs = Enumerable.Range(0, size).Select(j => zeros([j + rank + 1], dtype: dt)).ToList();
                all_to_all(outputs, inputs);
                for (int j = 0; j < size; j++) Checks.Equal(Input(j, dt, [j + rank + 1], salt: rank), outputs[j], $"from rank {j}");
            });
            c.Run($"all_to_all_single {dt.name}", () =>
            {
                var input = Input(rank, dt, [size * 2, 3]);
                var output = zeros([size * 2, 3], dtype: dt);
                all_to_all_single(output, input);
                var expected = cat(Enumerable.Range(0, size).Select(j => Input(j, dt, [size * 2, 3]).narrow(0, rank * 2, 2)).ToArray());
                Checks.Equal(expected, output);
                // uneven splits: rank r sends j + 1 rows to rank j
                var inSplits = Enumerable.Range(0, size).Select(j => (long)(j + 1)).ToArray();
                var outSplits = Enumerable.Repeat((long)(rank + 1), size).ToArray();
                var input2 = Input(rank, dt, [inSplits.Sum(), 2]);
                var output2 = zeros([outSplits.Sum(), 2], dtype: dt);
                all_to_all_single(output2, input2, outSplits, inSplits);
                long start = Enumerable.Range(0, rank).Sum(j => j + 1L);
                var expected2 = cat(Enumerable.Range(0, size).Select(j => Input(j, dt, [inSplits.Sum(), 2]).narrow(0, start, rank + 1)).ToArray());
                Checks.Equal(expected2, output2);
            });
            c.Run($"send/recv {dt.name}", () =>
            {
                // a ring: each rank sends to the next and receives from the previous
                int next = (rank + 1) % size, prev = (rank + size - 1) % size;
                var t = zeros(shape, dtype: dt);
                var w = isend(Input(rank, dt, shape), next);
                int from = recv(t, prev);
                w!.wait();
                if (from != prev) throw new Exception($"recv says it came from {from}, expected {prev}");
                Checks.Equal(Input(prev, dt, shape), t);
                // from any source
                var w2 = isend(Input(rank, dt, shape, salt: 1), next, tag: 3);
                var t2 = zeros(shape, dtype: dt);
                from = recv(t2, null, tag: 3);
                w2!.wait();
                Checks.Equal(Input(from, dt, shape, salt: 1), t2, $"from {from}");
            });
        }

        c.Run("async all_reduce: Work.wait and is_completed", () =>
        {
            var t = Input(rank, float32, [1000]);
            var work = all_reduce(t, async_op: true)!;
            while (!work.is_completed()) Thread.Yield();
            if (!work.wait() || !work.is_success()) throw new Exception("wait returned false");
            Checks.Equal(Fold(size, r => Input(r, float32, [1000]), ReduceOp.SUM), t);
            var many = Enumerable.Range(0, 4).Select(i => Input(rank, int64, [5], salt: i)).ToArray();
            var works = many.Select(x => all_reduce(x, ReduceOp.MAX, async_op: true)!).ToArray();
            foreach (var w in works) w.wait();
            for (int i = 0; i < 4; i++) Checks.Equal(Fold(size, r => Input(r, int64, [5], salt: i), ReduceOp.MAX), many[i]);
        });
        c.Run("async all_reduce watched by the progress thread completes while this thread makes no MPI call", () =>
        {
            long[] big = [1 << 22]; // 16 MB: moved in many rounds, each needing MPI calls on both ranks
            var t = Input(rank, float32, big);
            var work = all_reduce(t, async_op: true)!;
            Progress.Watch(work);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!work.is_success() && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(1); // is_success makes no MPI call
            if (!work.is_success()) throw new Exception($"not completed after {clock.ElapsedMilliseconds} ms without MPI calls on the main thread");
            work.wait();
            Checks.Equal(Fold(size, r => Input(r, float32, big), ReduceOp.SUM), t);
        });
        c.Run("irecv Work", () =>
        {
            if (size < 2) return;
            var t = zeros(3);
            if (rank == 0)
            {
                var w = irecv(t, 1)!;
                w.wait();
                Checks.Equal(tensor(new float[] { 1, 2, 3 }), t);
            }
            else if (rank == 1) isend(tensor(new float[] { 1, 2, 3 }), 0)!.wait();
        });
        c.Run("barrier", () =>
        {
            barrier();
            barrier(async_op: true)!.wait();
        });
        c.Run("broadcast_object_list", () =>
        {
            object?[] list = rank == 1 % size ? ["hello", 42L, 2.5, true, null, tensor(new long[] { 1, 2 }), new List<object?> { "a", 1L }] : new object?[7];
            broadcast_object_list(list, src: 1 % size);
            if ((string)list[0]! != "hello" || Convert.ToInt64(list[1]) != 42 || Convert.ToDouble(list[2]) != 2.5 || !(bool)list[3]! || list[4] is not null)
                throw new Exception($"got [{string.Join(", ", list)}]");
            Checks.Equal(tensor(new long[] { 1, 2 }), (Tensor)list[5]!);
        });
        c.Run("all_gather_object", () =>
        {
            var list = new object?[size];
            all_gather_object(list, $"rank {rank} says {new string('x', rank * 3)}");
            for (int r = 0; r < size; r++)
                if ((string)list[r]! != $"rank {r} says {new string('x', r * 3)}") throw new Exception($"element {r}: {list[r]}");
        });
        c.Run("new_group", () =>
        {
            // every rank calls new_group; ranks outside get -1 and no-op collectives
            var members = Enumerable.Range(0, size).Where(r => r != 0).ToArray();
            if (members.Length == 0) return;
            var g = new_group(members);
            var t = Input(rank, int32, [4]);
            all_reduce(t, group: g);
            if (rank == 0)
            {
                if (get_rank(g) != -1 || get_world_size(g) != -1) throw new Exception($"non-member rank {get_rank(g)} size {get_world_size(g)}");
                Checks.Equal(Input(0, int32, [4]), t, "a non-member's tensor");
            }
            else
            {
                if (get_rank(g) != rank - 1 || get_world_size(g) != size - 1) throw new Exception($"group rank {get_rank(g)} size {get_world_size(g)}");
                var expected = members.Select(r => Input(r, int32, [4])).Aggregate((a, b) => a + b);
                Checks.Equal(expected, t);
                var b = zeros([4], dtype: int32);
                if (rank == members[0]) b.copy_(Input(rank, int32, [4]));
                broadcast(b, members[0], g); // src is a global rank
                Checks.Equal(Input(members[0], int32, [4]), b);
            }
            destroy_process_group(g);
        });
        c.Run("MPI's own errors name the function and MPI_Error_string's text", () =>
        {
            // a negative tag (other than MPI_ANY_TAG) is refused by MPI itself, with MPI_ERR_TAG
            try
            {
                isend(zeros(4), (rank + 1) % size, tag: -5);
                throw new Exception("isend with tag -5 did not fail");
            }
            catch (DistBackendError e)
            {
                if (!e.Message.StartsWith("MPI_Isend failed: ", StringComparison.Ordinal) || !e.Message.Contains("tag", StringComparison.OrdinalIgnoreCase)
                    || !System.Text.RegularExpressions.Regex.IsMatch(e.Message, @"\(MPI error \d+\)$"))
                    throw new Exception($"unexpected message: {e.Message}");
            }
        });
        c.Run("errors", () =>
        {
            var t = zeros(4);
            Checks.Throws<InvalidOperationException>("All gather: number of output tensors should equal to the world size", () => all_gather([zeros(4)], t));
            Checks.Throws<InvalidOperationException>("Tensors are not equal in size or data type", () => all_gather(Enumerable.Range(0, size).Select(_ => zeros(3)).ToList(), t));
            Checks.Throws<InvalidOperationException>(recorded("all_gather_dtypes_rank0"),
                () => all_gather(Enumerable.Range(0, size).Select(_ => zeros(4, dtype: float64)).ToList(), t));
            Checks.Throws<InvalidOperationException>(recorded("all_to_all_dtypes_rank0"),
                () => all_to_all(Enumerable.Range(0, size).Select(_ => zeros(4)).ToList(), Enumerable.Range(0, size).Select(_ => zeros(4, dtype: int64)).ToList()));
            Checks.Throws<InvalidOperationException>("output tensor size must be equal to world_size times input tensor size", () => all_gather_into_tensor(zeros(4 * size + 1), t));
            Checks.Throws<InvalidOperationException>("output tensor must have the same type as input tensor", () => all_gather_into_tensor(zeros(4 * size, dtype: int64), t));
            Checks.Throws<InvalidOperationException>("input tensor must be the same size as output size times world size", () => reduce_scatter_tensor(t, zeros(4 * size + 1)));
            Checks.Throws<InvalidOperationException>($"ProcessGroupMPI::broadcast: invalid root rank: {size}", () => broadcast(t, size));
            Checks.Throws<InvalidOperationException>("Cannot use ReduceOp.BAND with non-integral dtype", () => all_reduce(t, ReduceOp.BAND));
            Checks.Throws<InvalidOperationException>("Tensor's dim 0 does not divide equally across group size", () => all_to_all_single(zeros(size * 2 + 1), zeros(size * 2 + 1)));
            Checks.Throws<InvalidOperationException>("Number of tensor splits not equal to group size", () => all_to_all_single(zeros(4), zeros(4), [4, 0, 0, 0, 0], [4, 0, 0, 0, 0]));
            Checks.Throws<ArgumentException>("Invalid destination rank: destination rank should not be the same as the rank of the current process.", () => send(t, rank));
            if (rank == 0)
            {
                Checks.Throws<ArgumentException>(recorded("scatter_list_missing_rank0"), () => scatter(t, null, 0));
                Checks.Throws<ArgumentException>(recorded("gather_list_missing_rank0"), () => gather(t, null, 0));
            }
            else
            {
                Checks.Throws<ArgumentException>(recorded("scatter_list_on_non_source_rank1"), () => scatter(t, [t, t], 0));
                Checks.Throws<ArgumentException>(recorded("gather_list_on_non_destination_rank1"), () => gather(t, [t, t], 0));
            }
            Checks.Throws<InvalidOperationException>(recorded("init_twice_rank0"), () => init_process_group("mpi"));
        });
    }
}

using Flint.Autograd;
using static Flint.torch.distributed;

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>PyTorch's <c>torch.nn.parallel</c>.</summary>
        public static partial class parallel
        {
            /// <summary>
            /// Data-parallel training over the processes of a group (PyTorch's <c>DistributedDataParallel</c>): at
            /// construction rank 0's parameters and buffers are broadcast to every rank; during backward each
            /// parameter's gradient, once accumulated, is copied (times 1 / world size, as PyTorch does) into its
            /// bucket, and a full bucket is all-reduced asynchronously (SUM) while backward goes on with the layers
            /// before it; when the last parameter's gradient has arrived the buckets are waited for, in order, and the
            /// averaged gradients written back into .grad. Buckets hold parameters in reverse order (the order their
            /// gradients become ready), grouped by dtype, the first up to 1 MiB and the others up to
            /// <c>bucket_cap_mb</c>. Inside <see cref="no_sync"/> gradients only accumulate locally; the first
            /// backward after it all-reduces the sum. State dict keys carry the <c>module.</c> prefix.
            /// </summary>
            public sealed class DistributedDataParallel : Module<Tensor, Tensor>
            {
                /// <summary>The wrapped module.</summary>
                public Module<Tensor, Tensor> module { get; }
                /// <summary>Whether the buffers of rank 0 are broadcast to the others before each forward.</summary>
                public bool broadcast_buffers { get; }
                /// <summary>Whether parameters unused in a forward pass are found and marked ready (PyTorch's flag).</summary>
                public bool find_unused_parameters { get; }
                /// <summary>The size in MiB of the buckets gradients are all-reduced in.</summary>
                public double bucket_cap_mb { get; }
                /// <summary>False inside <see cref="no_sync"/>.</summary>
                public bool require_backward_grad_sync { get; private set; } = true;

                private readonly ProcessGroup group;
                private readonly Parameter[] trained; // those that require grad, in module order
                private readonly Bucket[] buckets;
                private readonly Dictionary<Tensor, (Bucket bucket, int slot)> where = new(ReferenceEqualityComparer.Instance);
                private readonly List<RemovableHandle> hooks = [];
                private int pendingParams;
                private bool expectingBackward, reductionStarted;
                private bool[]? locallyUsed;

                private sealed class Bucket
                {
                    internal required Parameter[] Params;
                    internal required long[] Offsets;
                    /// <summary>The parameters' indices in the module's trained parameters.</summary>
                    internal required int[] Indices;
                    internal required Tensor Flat;
                    internal int Ready;
                    internal Work? Work;
                }

                /// <summary>Wraps <paramref name="module"/> so backward averages the gradients over all ranks, overlapping the all-reduce of buckets with the backward pass, as <c>torch.nn.parallel.DistributedDataParallel</c>.</summary>
                public DistributedDataParallel(Module<Tensor, Tensor> module, int[]? device_ids = null, Device? output_device = null,
                    bool broadcast_buffers = true, ProcessGroup? process_group = null, double bucket_cap_mb = 25,
                    bool find_unused_parameters = false, bool gradient_as_bucket_view = false, bool static_graph = false)
                {
                    if (bucket_cap_mb <= 0) throw new ArgumentException($"bucket_cap_mb must be positive, got {bucket_cap_mb}");
                    group = Distributed.ProcessGroups.Resolve(process_group);
                    this.module = module; this.broadcast_buffers = broadcast_buffers;
                    this.find_unused_parameters = find_unused_parameters; this.bucket_cap_mb = bucket_cap_mb;
                    trained = module.parameters().Where(p => p.requires_grad).ToArray();
                    if (trained.Length == 0)
                        throw new InvalidOperationException("DistributedDataParallel is not needed when a module doesn't have any parameter that requires a gradient.");
                    VerifySameModel();
                    SyncModuleStates();
                    buckets = MakeBuckets();
                    foreach (var p in trained) hooks.Add(p.register_post_accumulate_grad_hook(GradReady));
                }

                /// <inheritdoc/>
                public override string GetName() => "DistributedDataParallel";

                private int Src => group.Ranks[0];

                /// <summary>PyTorch's _verify_param_shape_across_processes: the same number and sizes of parameters everywhere.</summary>
                private void VerifySameModel()
                {
                    var mine = tensor(new long[] { trained.Length, trained.Sum(p => p.numel()) });
                    var all = zeros([group.size() * 2], dtype: int64);
                    all_gather_into_tensor(all, mine, group);
                    var v = all.ToArray<long>();
                    int me = group.rank();
                    for (int r = 0; r < group.size(); r++)
                    {
                        if (v[2 * r] != trained.Length)
                            throw new InvalidOperationException($"DDP expects same model across all ranks, but Rank {group.Ranks[me]} has {trained.Length} params, while rank {group.Ranks[r]} has inconsistent {v[2 * r]} params.");
                        if (v[2 * r + 1] != v[2 * me + 1])
                            throw new InvalidOperationException($"DDP expects same model across all ranks, but Rank {group.Ranks[me]} has {v[2 * me + 1]} parameter elements, while rank {group.Ranks[r]} has inconsistent {v[2 * r + 1]}.");
                    }
                }

                /// <summary>Rank 0's parameters and buffers to every rank, coalesced per dtype.</summary>
                private void SyncModuleStates()
                {
                    var tensors = module.parameters().Cast<Tensor>().Concat(module.buffers()).ToArray();
                    BroadcastCoalesced(tensors);
                }

                private void BroadcastCoalesced(IEnumerable<Tensor> tensors)
                {
                    foreach (var sameType in tensors.Where(t => t.numel() > 0).GroupBy(t => t.dtype))
                    {
                        var list = sameType.ToArray();
                        using (no_grad())
                        {
                            var flat = cat(list.Select(t => t.detach().reshape(-1)).ToArray());
                            broadcast(flat, Src, group);
                            long at = 0;
                            foreach (var t in list)
                            {
                                t.detach().copy_(flat.narrow(0, at, t.numel()).view(t.shape.ToArray()));
                                at += t.numel();
                            }
                        }
                    }
                }

                private Bucket[] MakeBuckets()
                {
                    var result = new List<Bucket>();
                    var open = new Dictionary<DType, List<Parameter>>();
                    var bytes = new Dictionary<DType, long>();
                    long cap = 1L << 20; // PyTorch's first bucket: 1 MiB
                    void Close(DType dt)
                    {
                        var ps = open[dt];
                        var offsets = new long[ps.Count];
                        long n = 0;
                        for (int i = 0; i < ps.Count; i++) { offsets[i] = n; n += ps[i].numel(); }
                        var b = new Bucket { Params = ps.ToArray(), Offsets = offsets, Indices = ps.Select(p => Array.FindIndex(trained, t => ReferenceEquals(t, p))).ToArray(), Flat = zeros([n], dtype: dt) };
                        for (int i = 0; i < ps.Count; i++) where[ps[i]] = (b, i);
                        result.Add(b);
                        open.Remove(dt);
                        cap = (long)(bucket_cap_mb * (1L << 20));
                    }
                    foreach (var p in trained.Reverse())
                    {
                        if (!open.TryGetValue(p.dtype, out var list)) { open[p.dtype] = list = []; bytes[p.dtype] = 0; }
                        list.Add(p);
                        bytes[p.dtype] += p.numel() * p.dtype.itemsize;
                        if (bytes[p.dtype] >= cap) Close(p.dtype);
                    }
                    foreach (var dt in open.Keys.ToArray()) Close(dt);
                    return result.ToArray();
                }

                /// <inheritdoc/>
                public override Tensor forward(Tensor input)
                {
                    if (reductionStarted) throw new InvalidOperationException(UnfinishedReductionMessage());
                    if (broadcast_buffers && module.buffers().Any()) BroadcastCoalesced(module.buffers());
                    var output = module.call(input);
                    expectingBackward = is_grad_enabled() && require_backward_grad_sync;
                    if (expectingBackward)
                    {
                        pendingParams = trained.Length;
                        foreach (var b in buckets) { b.Ready = 0; b.Work = null; }
                        locallyUsed = null;
                        if (find_unused_parameters) locallyUsed = Reachable(output);
                    }
                    return output;
                }

                private string UnfinishedReductionMessage()
                {
                    var missing = Enumerable.Range(0, trained.Length).Where(i => !Arrived(i)).ToArray();
                    return "Expected to have finished reduction in the prior iteration before starting a new one. This error indicates that your module has parameters that were not used in producing loss. " +
                        "You can enable unused parameter detection by passing the keyword argument `find_unused_parameters=True` to `torch.nn.parallel.DistributedDataParallel`, and by \n" +
                        "making sure all `forward` function outputs participate in calculating loss. \n" +
                        "If you already have done the above, then the distributed data parallel module wasn't able to locate the output tensors in the return value of your module's `forward` function. " +
                        "Please include the loss function and the structure of the return value of `forward` of your module when reporting this issue (e.g. list, dict, iterable).\n" +
                        $"Parameter indices which did not receive grad for rank {get_rank()}: {string.Join(" ", missing)}\n" +
                        " In addition, you can set the environment variable TORCH_DISTRIBUTED_DEBUG to either INFO or DETAIL to print out information about which particular parameters did not receive gradient on this rank as part of this error";
                }

                private readonly HashSet<Tensor> arrived = new(ReferenceEqualityComparer.Instance);
                private bool Arrived(int i) => arrived.Contains(trained[i]);

                /// <summary>Which parameters the output's graph reaches (find_unused_parameters).</summary>
                private bool[] Reachable(Tensor output)
                {
                    var used = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
                    if (output.grad_fn is { } root)
                    {
                        var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance);
                        var stack = new Stack<Node>();
                        stack.Push(root);
                        while (stack.Count > 0)
                        {
                            var n = stack.Pop();
                            if (!seen.Add(n)) continue;
                            if (n is AccumulateGrad acc) used.Add(acc.variable);
                            foreach (var (next, _) in n.next_functions)
                                if (next is not null) stack.Push(next);
                        }
                    }
                    return trained.Select(p => used.Contains(p)).ToArray();
                }

                private void GradReady(Tensor p)
                {
                    if (!expectingBackward || !require_backward_grad_sync) return;
                    if (!where.TryGetValue(p, out var w) || !arrived.Add(p)) return;
                    if (!reductionStarted)
                    {
                        reductionStarted = true;
                        // parameters the forward did not reach will get no gradient: their slots count as ready (zeros)
                        if (locallyUsed is not null)
                            for (int i = 0; i < trained.Length; i++)
                                if (!locallyUsed[i] && arrived.Add(trained[i])) MarkReady(trained[i], null);
                    }
                    MarkReady(p, p.grad);
                    if (pendingParams == 0) Finish();
                }

                private void MarkReady(Tensor p, Tensor? grad)
                {
                    var (b, slot) = where[p];
                    var view = b.Flat.narrow(0, b.Offsets[slot], p.numel());
                    using (no_grad())
                    {
                        if (grad is null) view.zero_();
                        else view.copy_(grad.detach().reshape(-1)).mul_(1.0 / group.size()); // scaled while the slot is in cache
                    }
                    pendingParams--;
                    if (++b.Ready == b.Params.Length)
                    {
                        b.Work = all_reduce(b.Flat, ReduceOp.SUM, group, async_op: true)!;
                        // MPI moves the bucket only inside MPI calls: the background thread makes them while backward computes
                        Distributed.Progress.Watch(b.Work);
                    }
                }

                /// <summary>Waits for the buckets in order and writes the averaged gradients back.</summary>
                private void Finish()
                {
                    bool[]? globallyUsed = null;
                    if (locallyUsed is not null)
                    {
                        var counts = tensor(locallyUsed.Select(u => u ? 1 : 0).ToArray());
                        all_reduce(counts, ReduceOp.SUM, group);
                        globallyUsed = counts.ToArray<int>().Select(c => c > 0).ToArray();
                    }
                    using (no_grad())
                    {
                        foreach (var b in buckets)
                        {
                            b.Work!.wait();
                            for (int s = 0; s < b.Params.Length; s++)
                            {
                                var p = b.Params[s];
                                if (globallyUsed is not null && !globallyUsed[b.Indices[s]]) continue; // no rank used it: .grad stays as it is
                                var avg = b.Flat.narrow(0, b.Offsets[s], p.numel()).view(p.shape.ToArray());
                                if (p.grad is null) p.grad = avg.clone();
                                else p.grad.copy_(avg);
                            }
                        }
                    }
                    arrived.Clear();
                    reductionStarted = false;
                    expectingBackward = false;
                }

                /// <summary>
                /// Gradients accumulate locally, without communication, until the scope is disposed:
                /// <c>using (ddp.no_sync()) { ddp.call(x1).backward(); }</c> then <c>ddp.call(x2).backward()</c> all-reduces the sum.
                /// </summary>
                public IDisposable no_sync()
                {
                    bool old = require_backward_grad_sync;
                    require_backward_grad_sync = false;
                    return new Scope(() => require_backward_grad_sync = old);
                }

                private sealed class Scope(Action end) : IDisposable
                {
                    private Action? end = end;
                    public void Dispose() { end?.Invoke(); end = null; }
                }
            }
        }
    }
}

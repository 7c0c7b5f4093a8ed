using static Flint.torch;
using static Flint.torch.distributed;

namespace Flint.Distributed.Tests;

/// <summary>
/// DistributedDataParallel against single-process training: N steps of DDP, each rank on its slice of the global
/// batch, give the weights and losses of one process training on the whole global batch; no_sync accumulation gives
/// the gradients of plain accumulation; find_unused_parameters; rank 0's parameters and buffers at construction;
/// PyTorch's errors (recorded by tools/refs/gen_distributed.py with PyTorch's DDP over gloo).
/// </summary>
internal static class DdpTests
{
    private sealed class Net : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> hidden = nn.Linear(6, 16), act = nn.Tanh(), output = nn.Linear(16, 3);
        public Net() => register_buffer("counter", zeros(2));
        public override Tensor forward(Tensor x) => output.call(act.call(hidden.call(x)));
    }

    private sealed class WithUnused : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> a = nn.Linear(4, 2), b = nn.Linear(4, 2);
        public override Tensor forward(Tensor x) => a.call(x);
    }

    private static (Tensor x, Tensor y) GlobalBatch(int size, int perRank, int step)
    {
        var g = new Generator().manual_seed(1000 + step);
        return (randn([size * perRank, 6], generator: g), randn([size * perRank, 3], generator: g));
    }

    public static void Run(Checks c, int rank, int size, Func<string, string> recorded)
    {
        foreach (double cap in new[] { 25.0, 0.0002 }) // one bucket, or one per parameter (200 bytes)
        {
            c.Run($"DDP steps == single-process steps on the global batch (bucket_cap_mb {cap})", () =>
            {
                const int perRank = 4, steps = 5;
                manual_seed(0);
                var single = new Net();
                manual_seed(rank + 1); // a different initialization on each rank: DDP must broadcast rank 0's
                var local = new Net();
                if (rank == 0) local.load_state_dict(single.state_dict());
                else local.state_dict()["counter"].fill_(rank + 5);
                var ddp = new nn.parallel.DistributedDataParallel(local, bucket_cap_mb: cap);
                foreach (var (name, t) in single.state_dict()) Checks.Equal(t, local.state_dict()[name], $"{name} after construction");
                var optSingle = optim.SGD(single.parameters(), lr: 0.1, momentum: 0.9);
                var optDdp = optim.SGD(ddp.parameters(), lr: 0.1, momentum: 0.9);
                for (int step = 0; step < steps; step++)
                {
                    var (x, y) = GlobalBatch(size, perRank, step);
                    optSingle.zero_grad();
                    var lossSingle = nn.functional.mse_loss(single.call(x), y);
                    lossSingle.backward();
                    optSingle.step();

                    optDdp.zero_grad();
                    var lossLocal = nn.functional.mse_loss(ddp.call(x.narrow(0, rank * perRank, perRank)), y.narrow(0, rank * perRank, perRank));
                    lossLocal.backward();
                    optDdp.step();
                    var lossGlobal = lossLocal.detach().clone();
                    all_reduce(lossGlobal, ReduceOp.AVG);
                    Checks.Close(lossSingle.detach(), lossGlobal, 1e-5, 1e-6, $"loss at step {step}");
                }
                foreach (var (name, p) in single.named_parameters())
                    Checks.Close(p.detach(), local.state_dict()[name], 1e-5, 1e-6, $"{name} after {steps} steps");
            });
        }

        c.Run("no_sync accumulation == plain accumulation", () =>
        {
            const int perRank = 3;
            manual_seed(0);
            var single = new Net();
            var local = new Net();
            local.load_state_dict(single.state_dict());
            var ddp = new nn.parallel.DistributedDataParallel(local);
            var (x1, y1) = GlobalBatch(size, perRank, 10);
            var (x2, y2) = GlobalBatch(size, perRank, 11);
            // one process: the mean losses of the two global micro-batches, accumulated
            nn.functional.mse_loss(single.call(x1), y1).backward();
            nn.functional.mse_loss(single.call(x2), y2).backward();
            using (ddp.no_sync())
                nn.functional.mse_loss(ddp.call(x1.narrow(0, rank * perRank, perRank)), y1.narrow(0, rank * perRank, perRank)).backward();
            // inside no_sync the gradients are this rank's own
            var ownGrad = local.parameters().First().grad!.clone();
            var others = zeros([size, .. ownGrad.shape], dtype: ownGrad.dtype);
            all_gather_into_tensor(others, ownGrad);
            if (size > 1 && equal(others[0], others[1])) throw new Exception("no_sync all-reduced the gradients");
            nn.functional.mse_loss(ddp.call(x2.narrow(0, rank * perRank, perRank)), y2.narrow(0, rank * perRank, perRank)).backward();
            foreach (var ((name, p), q) in single.named_parameters().Zip(local.parameters()))
                Checks.Close(p.grad!, q.grad!, 1e-5, 1e-6, $"{name}.grad");
        });

        c.Run("state_dict keys carry the module. prefix; module is the wrapped module", () =>
        {
            var net = new Net();
            var ddp = new nn.parallel.DistributedDataParallel(net);
            var keys = ddp.state_dict().Keys.ToArray();
            var expected = net.state_dict().Keys.Select(k => "module." + k).ToArray();
            if (!keys.SequenceEqual(expected)) throw new Exception($"keys [{string.Join(", ", keys)}]");
            if (!ReferenceEquals(ddp.module, net)) throw new Exception("module is not the wrapped module");
        });

        c.Run("find_unused_parameters: an unused parameter's grad stays None, the used ones are averaged", () =>
        {
            manual_seed(3);
            var m = new WithUnused();
            var ddp = new nn.parallel.DistributedDataParallel(m, find_unused_parameters: true);
            for (int i = 0; i < 2; i++)
            {
                var x = full([2, 4], rank + 1.0f);
                ddp.call(x).sum().backward();
            }
            var named = m.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            if (named["b.weight"].grad is not null) throw new Exception("the unused parameter got a gradient");
            // d(sum(a(x)))/d(a.weight) = column sums of x: 2 (rank + 1) per element, averaged over ranks, twice
            float mean = Enumerable.Range(0, size).Sum(r => 2f * (r + 1)) / size;
            Checks.Close(full([2, 4], 2 * mean), named["a.weight"].grad!, 1e-6, 1e-6, "a.weight.grad");
        });

        c.Run("an unused parameter without find_unused_parameters: PyTorch's error at the next forward", () =>
        {
            var ddp = new nn.parallel.DistributedDataParallel(new WithUnused());
            ddp.call(ones(2, 4)).sum().backward();
            var message = recorded("ddp_unused").Replace("{rank}", rank.ToString());
            Checks.Throws<InvalidOperationException>(message, () => ddp.call(ones(2, 4)));
        });

        c.Run("a different model on one rank: PyTorch's error on every rank", () =>
        {
            nn.Module<Tensor, Tensor> m = rank == 0 ? nn.Linear(3, 2) : nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 2));
            var message = recorded(rank == 0 ? "ddp_shape_rank0" : "ddp_shape_rank1");
            if (size > 2 && rank > 0) message = message.Replace("Rank 1", $"Rank {rank}");
            Checks.Throws<InvalidOperationException>(message, () => new nn.parallel.DistributedDataParallel(m));
        });
    }
}

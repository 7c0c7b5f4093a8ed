// Data-parallel training with torch.distributed and DistributedDataParallel, as in PyTorch:
//   mpirun -np 2 dotnet run -c Release --project samples/Distributed
// Each process trains on its part of every epoch (DistributedSampler), DDP averages the gradients over the
// processes, so all of them hold the same weights; rank 0 prints and saves the checkpoint.
using Flint;
using Flint.Data;
using static Flint.torch;

distributed.init_process_group(backend: "mpi");           // rank and world size from the launcher
int rank = distributed.get_rank(), world = distributed.get_world_size();

// a synthetic task: which of 4 directions a 20-dimensional point leans to most
var gen = new Generator().manual_seed(0);
var teacher = randn([20, 4], generator: gen);
var inputs = randn([4096, 20], generator: gen);
var training_data = new TensorDataset(inputs, matmul(inputs, teacher).argmax(1));

manual_seed(rank);                                          // different initial weights: DDP broadcasts rank 0's
var model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 4));
var ddp = new nn.parallel.DistributedDataParallel(model);
var sampler = new DistributedSampler(training_data, shuffle: true, seed: 0);
using var loader = new DataLoader(training_data, batch_size: 64, sampler: sampler);
var loss_fn = nn.CrossEntropyLoss();
var optimizer = optim.SGD(ddp.parameters(), lr: 0.1);

for (int epoch = 0; epoch < 5; epoch++)
{
    sampler.set_epoch(epoch);
    var totals = zeros(3, dtype: float64);                  // loss sum, correct, samples on this rank
    foreach (var (X, y) in loader)
    {
        var pred = ddp.call(X);
        var loss = loss_fn.call(pred, y);
        loss.backward();
        optimizer.step();
        optimizer.zero_grad();
        totals += tensor(new double[] { loss.item<float>() * X.size(0), pred.argmax(1).eq(y).sum().item<long>(), X.size(0) });
    }
    distributed.all_reduce(totals);                         // over every rank's share of the epoch
    var t = totals.ToArray<double>();
    if (rank == 0) Console.WriteLine($"epoch {epoch + 1}: loss {t[0] / t[2]:F4}, train accuracy {100 * t[1] / t[2]:F1}% ({t[2]} samples over {world} ranks)");
}

// the ranks hold the same weights: rank 0 saves them (keys without DDP's "module." prefix, as in PyTorch's examples)
if (rank == 0)
{
    torch.save(model.state_dict(), "distributed_model.pth");
    Console.WriteLine("Saved the model to distributed_model.pth");
}
distributed.barrier();
distributed.destroy_process_group();

// Flint's side of the distributed benchmark (bench/distributed/run starts it under mpirun -np 2), the same workloads
// as bench_pytorch.py: all_reduce (SUM) of 1, 16 and 64 MB of float32, and one training step of the Quickstart's
// 784-512-512-10 network (batch 64 per rank, SGD) with DistributedDataParallel, against the same step done serially
// (forward, backward, then all_reduce of every gradient, nothing overlapped). Rank 0 prints one line per workload:
// name<TAB>median seconds per iteration<TAB>figure.
//   mpirun -np 2 dotnet bin/Release/net10.0/Flint.Bench.Distributed.dll [THREADS]
using System.Diagnostics;
using System.Globalization;
using Flint;
using static Flint.torch;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args.Length > 0) set_num_threads(int.Parse(args[0], CultureInfo.InvariantCulture)); // kernel threads per rank
distributed.init_process_group("mpi");
int rank = distributed.get_rank(), world = distributed.get_world_size();

foreach (var mb in new[] { 1, 16, 64 })
{
    var t = ones(mb * 1024 * 1024 / 4);
    double s = Median(mb >= 64 ? 10 : mb >= 16 ? 20 : 50, () => distributed.all_reduce(t));
    Report($"allreduce_{mb}MB", s, $"{mb / 1024.0 / s:F2} GB/s");
}

manual_seed(0);
var model = Quickstart();
var x = randn([64, 1, 28, 28]);
var y = randint(0, 10, [64]);
var loss_fn = nn.CrossEntropyLoss();

var ddp = new nn.parallel.DistributedDataParallel(model);
var sgd = optim.SGD(ddp.parameters(), lr: 1e-3);
double step = Median(20, () =>
{
    loss_fn.call(ddp.call(x), y).backward();
    sgd.step();
    sgd.zero_grad();
});
Report("ddp_quickstart_step", step, $"{64 * world / step:F0} samples/s");

var plain = Quickstart();
var sgd2 = optim.SGD(plain.parameters(), lr: 1e-3);
double serial = Median(20, () =>
{
    loss_fn.call(plain.call(x), y).backward();
    foreach (var p in plain.parameters())
    {
        distributed.all_reduce(p.grad!);
        p.grad!.div_(world);
    }
    sgd2.step();
    sgd2.zero_grad();
});
Report("serial_quickstart_step", serial, $"{64 * world / serial:F0} samples/s (forward+backward, then all_reduce)");
distributed.destroy_process_group();

static nn.Module<Tensor, Tensor> Quickstart() => nn.Sequential(
    nn.Flatten(), nn.Linear(28 * 28, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10));

// median over the iterations after 3 warm-up ones; every rank runs them, in step (the collectives wait for each other)
static double Median(int iterations, Action body)
{
    for (int i = 0; i < 3; i++) body();
    distributed.barrier();
    var times = new double[iterations];
    for (int i = 0; i < iterations; i++)
    {
        long t0 = Stopwatch.GetTimestamp();
        body();
        times[i] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
    }
    Array.Sort(times);
    return times[iterations / 2];
}

void Report(string name, double seconds, string figure)
{
    if (rank == 0) Console.WriteLine($"{name}\t{seconds:E4}\t{figure}");
}

"""PyTorch's side of the distributed benchmark (bench/distributed/run): two processes over gloo on loopback
(torch.multiprocessing, file:// rendezvous), the same workloads as Program.cs: all_reduce (SUM) of 1, 16 and 64 MB of
float32, one DDP training step of the Quickstart's 784-512-512-10 network (batch 64 per rank, SGD) and the same step
done serially (forward, backward, then all_reduce of every gradient). Rank 0 prints name<TAB>median seconds<TAB>figure.
"""
import sys
import tempfile
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn


def median(iterations, body):
    for _ in range(3):
        body()
    dist.barrier()
    times = []
    for _ in range(iterations):
        t0 = time.perf_counter()
        body()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[iterations // 2]


def quickstart():
    return nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))


def main(rank, world, store, threads):
    torch.set_num_threads(threads)
    dist.init_process_group("gloo", init_method="file://" + store, world_size=world, rank=rank)

    def report(name, s, fig):
        if rank == 0:
            print(f"{name}\t{s:.4E}\t{fig}", flush=True)

    for mb in [1, 16, 64]:
        t = torch.ones(mb * 1024 * 1024 // 4)
        s = median(10 if mb >= 64 else 20 if mb >= 16 else 50, lambda: dist.all_reduce(t))
        report(f"allreduce_{mb}MB", s, f"{mb / 1024 / s:.2f} GB/s")

    torch.manual_seed(0)
    model = quickstart()
    x = torch.randn(64, 1, 28, 28)
    y = torch.randint(0, 10, (64,))
    loss_fn = nn.CrossEntropyLoss()
    ddp = nn.parallel.DistributedDataParallel(model)
    sgd = torch.optim.SGD(ddp.parameters(), lr=1e-3)

    def ddp_step():
        loss_fn(ddp(x), y).backward()
        sgd.step()
        sgd.zero_grad()

    s = median(20, ddp_step)
    report("ddp_quickstart_step", s, f"{64 * world / s:.0f} samples/s")

    plain = quickstart()
    sgd2 = torch.optim.SGD(plain.parameters(), lr=1e-3)

    def serial_step():
        loss_fn(plain(x), y).backward()
        for p in plain.parameters():
            dist.all_reduce(p.grad)
            p.grad.div_(world)
        sgd2.step()
        sgd2.zero_grad()

    s = median(20, serial_step)
    report("serial_quickstart_step", s, f"{64 * world / s:.0f} samples/s (forward+backward, then all_reduce)")
    dist.destroy_process_group()


if __name__ == "__main__":
    world = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    mp.spawn(main, args=(world, tempfile.mktemp(), threads), nprocs=world)

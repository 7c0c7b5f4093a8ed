"""Reference records for torch.distributed: DistributedSampler's index sequences (PyTorch's own sampler, for
several lengths, world sizes, seeds, epochs, shuffle and drop_last) and its argument errors.

  sampler: {"name", "n", "num_replicas", "seed", "shuffle", "drop_last", "epochs": [e...],
            "indices": [[rank 0's indices per epoch], ...] per rank, "len": samples per rank}
  error:   {"name", "n", "num_replicas", "rank", "error", "type"}
  uninitialized: {"name", "error", "type"}: what torch.distributed says before init_process_group
  ddp_error: {"name", "error", "type"}: DistributedDataParallel's errors, from two processes over gloo; "{rank}"
             stands for the rank in the message
"""
import tempfile

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn
from torch.utils.data.distributed import DistributedSampler

from common import outcome, write

cases = []


class Sized:
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n


def sampler(n, replicas, seed, shuffle, drop_last, epochs):
    per_rank = []
    length = None
    for rank in range(replicas):
        s = DistributedSampler(Sized(n), num_replicas=replicas, rank=rank, shuffle=shuffle, seed=seed, drop_last=drop_last)
        length = len(s)
        got = []
        for e in epochs:
            s.set_epoch(e)
            got.append(list(s))
        per_rank.append(got)
    cases.append({"kind": "sampler", "name": f"n{n}_w{replicas}_seed{seed}_shuffle{shuffle}_drop{drop_last}",
                  "n": n, "num_replicas": replicas, "seed": seed, "shuffle": shuffle, "drop_last": drop_last,
                  "epochs": epochs, "len": length, "indices": per_rank})


class WithUnused(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(4, 2)
        self.b = nn.Linear(4, 2)

    def forward(self, x):
        return self.a(x)


def ddp_errors(rank, store, queue):
    dist.init_process_group("gloo", init_method="file://" + store, world_size=2, rank=rank)
    m = nn.Linear(3, 2) if rank == 0 else nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 2))
    queue.put((f"ddp_shape_rank{rank}", outcome(lambda: nn.parallel.DistributedDataParallel(m))))
    d = nn.parallel.DistributedDataParallel(WithUnused())
    d(torch.ones(2, 4)).sum().backward()
    if rank == 0:
        r = full_error(lambda: d(torch.ones(2, 4)))
        r["error"] = r["error"].replace("for rank 0:", "for rank {rank}:")
        queue.put(("ddp_unused", r))
    dist.destroy_process_group()


def full_error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the whole message, every line
        return {"error": str(e), "type": type(e).__name__}
    return {"error": None}


if __name__ == "__main__":
    for n in [10, 11, 16, 3]:
        for replicas in [1, 2, 3, 4]:
            for seed in [0, 42]:
                for shuffle in [True, False]:
                    for drop in [False, True]:
                        if not shuffle and seed != 0:
                            continue
                        sampler(n, replicas, seed, shuffle, drop, [0, 1, 5])
    sampler(2, 5, 7, True, False, [0, 3])  # padding repeats the list more than once
    for n, replicas, rank in [(10, 2, 2), (10, 2, -1), (10, 3, 5)]:
        cases.append({"kind": "error", "name": f"rank{rank}_of{replicas}", "n": n, "num_replicas": replicas, "rank": rank,
                      **outcome(lambda: DistributedSampler(Sized(n), num_replicas=replicas, rank=rank))})
    cases.append({"kind": "uninitialized", "name": "get_rank", **outcome(lambda: dist.get_rank())})
    cases.append({"kind": "uninitialized", "name": "sampler_default_replicas", **outcome(lambda: DistributedSampler(Sized(4)))})
    ctx = mp.get_context("spawn")
    queue = ctx.SimpleQueue()
    mp.spawn(ddp_errors, args=(tempfile.mktemp(), queue), nprocs=2)
    got = {}
    while not queue.empty():
        name, r = queue.get()
        got[name] = r
    for name in sorted(got):
        cases.append({"kind": "ddp_error", "name": name, **got[name]})
    write("distributed", cases)

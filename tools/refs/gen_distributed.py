"""Reference records for torch.distributed: DistributedSampler's index sequences (PyTorch's own sampler, for
several lengths, world sizes, seeds, epochs, shuffle and drop_last) and its argument errors.

  sampler: {"name", "n", "num_replicas", "seed", "shuffle", "drop_last", "epochs": [e...],
            "indices": [[rank 0's indices per epoch], ...] per rank, "len": samples per rank}
  error:   {"name", "n", "num_replicas", "rank", "error", "type"}
  uninitialized: {"name", "error", "type"}: what torch.distributed says before init_process_group
  ddp_error: {"name", "error", "type"}: DistributedDataParallel's errors, from two processes over gloo; "{rank}"
             stands for the rank in the message
  collective_error: {"name", "rank", "error", "type"}: the collectives' argument errors that distributed_c10d.py
             raises whatever the backend (from rank "rank" of two processes over gloo); the backends' own checks
             differ (ProcessGroupGloo's texts are not ProcessGroupMPI's) and are not recorded
  mpich_handle: {"name", "value"}: the values of MPICH's handles in its mpi.h (when MPICH's headers are installed;
             otherwise the records of the last run are kept), for the binding's MPICH ABI table
"""
import glob
import json
import os
import re
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


def collective_errors(rank, queue):
    t = torch.zeros(4)
    other = 1 - rank

    def put(name, fn):
        queue.put((f"{name}_rank{rank}", {"rank": rank, **full_error(fn)}))

    put("all_gather_dtypes", lambda: dist.all_gather([torch.zeros(4, dtype=torch.float64)] * 2, t))
    put("all_to_all_dtypes", lambda: dist.all_to_all([torch.zeros(4)] * 2, [torch.zeros(4, dtype=torch.int64)] * 2))
    # (sending to oneself crashes 1.13's gloo process group, so it is not recorded)
    put("init_twice", lambda: dist.init_process_group("gloo"))
    if rank == 0:
        put("scatter_list_missing", lambda: dist.scatter(t, None, src=0))
        put("gather_list_missing", lambda: dist.gather(t, None, dst=0))
    else:
        put("scatter_list_on_non_source", lambda: dist.scatter(t, [t, t], src=other))
        put("gather_list_on_non_destination", lambda: dist.gather(t, [t, t], dst=other))


def ddp_errors(rank, store, queue):
    dist.init_process_group("gloo", init_method="file://" + store, world_size=2, rank=rank)
    collective_errors(rank, queue)
    m = nn.Linear(3, 2) if rank == 0 else nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 2))
    queue.put((f"ddp_shape_rank{rank}", outcome(lambda: nn.parallel.DistributedDataParallel(m))))
    d = nn.parallel.DistributedDataParallel(WithUnused())
    d(torch.ones(2, 4)).sum().backward()
    if rank == 0:
        r = full_error(lambda: d(torch.ones(2, 4)))
        r["error"] = r["error"].replace("for rank 0:", "for rank {rank}:")
        queue.put(("ddp_unused", r))
    dist.destroy_process_group()


MPICH_HANDLES = ["MPI_COMM_WORLD", "MPI_COMM_NULL", "MPI_ERRORS_RETURN", "MPI_REQUEST_NULL", "MPI_UINT8_T", "MPI_INT8_T",
                 "MPI_INT16_T", "MPI_INT32_T", "MPI_INT64_T", "MPI_FLOAT", "MPI_DOUBLE", "MPI_MAX", "MPI_MIN", "MPI_SUM",
                 "MPI_PROD", "MPI_LAND", "MPI_BAND", "MPI_LOR", "MPI_BOR", "MPI_LXOR", "MPI_BXOR"]


def mpich_handles():
    """MPICH's handle values, read from its mpi.h; without MPICH's headers, the records already in the file."""
    headers = sorted(glob.glob("/usr/include/*/mpich/mpi.h") + glob.glob("/usr/include/mpich/mpi.h"))
    if not headers:
        path = os.path.join(os.path.dirname(__file__), "../../tests/Flint.Tests/References/distributed.json")
        with open(path) as f:
            return [c for c in json.load(f)["cases"] if c["kind"] == "mpich_handle"]
    with open(headers[0]) as f:
        text = f.read()
    out = []
    for name in MPICH_HANDLES:
        m = re.search(r"#define\s+" + name + r"\s+\(?\(MPI_\w+\)\s*\(?(0x[0-9a-fA-F]+)\)?", text)
        out.append({"kind": "mpich_handle", "name": name, "value": int(m.group(1), 16)})
    return out


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
        kind = "collective_error" if "rank" in got[name] else "ddp_error"
        cases.append({"kind": kind, "name": name, **got[name]})
    cases.extend(mpich_handles())
    write("distributed", cases)

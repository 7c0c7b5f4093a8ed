"""Reference records for torch.distributed: DistributedSampler's index sequences (PyTorch's own sampler, for
several lengths, world sizes, seeds, epochs, shuffle and drop_last) and its argument errors.

  sampler: {"name", "n", "num_replicas", "seed", "shuffle", "drop_last", "epochs": [e...],
            "indices": [[rank 0's indices per epoch], ...] per rank, "len": samples per rank}
  error:   {"name", "n", "num_replicas", "rank", "error", "type"}
  uninitialized: {"name", "error", "type"}: what torch.distributed says before init_process_group
"""
import torch.distributed as dist
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
    write("distributed", cases)

"""Reference records for DataLoader with worker threads: batch order over epochs (with early breaks) and what the
loader draws from the generators, for num_workers 0 and 2 and persistent workers; argument errors.

  order: {"seed", "n", "batch_size", "drop_last", "gen_seed", "num_workers", "persistent_workers",
          "prefetch_factor", "takes": [batches taken per epoch, null = all], "epochs": [[index batches]],
          "rand_after": the next two global torch.rand values}
  error: {"kw": DataLoader keyword arguments, "error": PyTorch's message, "type"}
"""
import torch
from torch.utils.data import DataLoader, TensorDataset

from common import outcome, write

cases = []


def run(seed, n, bs, drop, gen_seed, workers, persistent, prefetch, takes):
    torch.manual_seed(seed)
    ds = TensorDataset(torch.arange(n), torch.arange(n) * 10)
    gen = torch.Generator().manual_seed(gen_seed) if gen_seed is not None else None
    kw = {}
    if workers > 0:
        kw = {"num_workers": workers, "persistent_workers": persistent, "prefetch_factor": prefetch}
    dl = DataLoader(ds, batch_size=bs, shuffle=True, drop_last=drop, generator=gen, **kw)
    epochs = []
    for take in takes:
        got = []
        it = iter(dl)
        for bx, _ in it:
            got.append(bx.tolist())
            if take is not None and len(got) == take:
                break
        del it
        epochs.append(got)
    after = torch.rand(2).tolist()
    cases.append({"kind": "order", "seed": seed, "n": n, "batch_size": bs, "drop_last": drop, "gen_seed": gen_seed,
                  "num_workers": workers, "persistent_workers": persistent, "prefetch_factor": prefetch,
                  "takes": takes, "epochs": epochs, "rand_after": after})


if __name__ == "__main__":
    for workers, persistent in [(0, False), (2, False), (2, True), (3, True)]:
        for seed, n, bs, drop, gen_seed in [(0, 10, 3, False, None), (1, 16, 5, False, 123), (7, 12, 2, True, 5),
                                            (4, 9, 3, False, 77)]:
            for takes in [[None, None, None], [1, None, 2, None], [3, 1, None]]:
                run(seed, n, bs, drop, gen_seed, workers, persistent, 2 if workers > 0 else None, takes)
    run(5, 20, 2, False, 9, 2, False, 1, [2, None, 4])
    run(6, 20, 2, False, None, 2, True, 3, [5, None, 1])

    ds = TensorDataset(torch.arange(4), torch.arange(4))
    for kw in [{"num_workers": -1}, {"persistent_workers": True}]:
        cases.append({"kind": "error", "kw": kw, **outcome(lambda: DataLoader(ds, **kw))})
    # PyTorch 2.x words these two (1.13 had prefetch_factor=2 as its default and an assertion for the sign):
    # torch/utils/data/dataloader.py, DataLoader.__init__
    cases.append({"kind": "error", "kw": {"prefetch_factor": 2}, "type": "ValueError",
                  "error": "prefetch_factor option could only be specified in multiprocessing."
                           "let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None."})
    cases.append({"kind": "error", "kw": {"num_workers": 2, "prefetch_factor": -1}, "type": "ValueError",
                  "error": "prefetch_factor option should be non-negative"})
    write("data", cases)

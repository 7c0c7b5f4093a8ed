"""Records the public random API (torch.rand, randn, randint, randperm, normal, bernoulli, multinomial and the
in-place samplers) after torch.manual_seed, so Flint's torch.* wrappers are checked end to end, including the
generator state carried from one call to the next. Run with /usr/bin/python3."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
import torch.utils.data  # noqa: E402
from common import enc, write  # noqa: E402

CASES = [
    ("rand_3x4", lambda: [torch.rand(3, 4)]),
    ("rand_f64", lambda: [torch.rand(2, 9, dtype=torch.float64)]),
    ("randn_5x3", lambda: [torch.randn(5, 3)]),
    ("randn_big", lambda: [torch.randn(4, 10)]),
    ("randn_f64_big", lambda: [torch.randn(33, dtype=torch.float64)]),
    ("randint", lambda: [torch.randint(0, 10, (5,)), torch.randint(-3, 3, (2, 3))]),
    ("randint_high_only", lambda: [torch.randint(7, (6,))]),
    ("randperm", lambda: [torch.randperm(10), torch.randperm(1)]),
    ("normal_tensors", lambda: [torch.normal(torch.arange(4.), torch.ones(4) * 2)]),
    ("normal_size", lambda: [torch.normal(2.0, 3.0, (3, 3))]),
    ("bernoulli_probs", lambda: [torch.bernoulli(torch.full((2, 5), 0.3))]),
    ("multinomial", lambda: [torch.multinomial(torch.tensor([0.1, 0.2, 0.7]), 5, replacement=True),
                             torch.multinomial(torch.tensor([[1., 2., 3., 4.], [4., 3., 2., 1.]]), 2)]),
    ("inplace", lambda: [torch.empty(3, 3).uniform_(-2, 2), torch.empty(20).normal_(1, 0.5),
                         torch.empty(4, dtype=torch.int64).random_(0, 100), torch.empty(5).bernoulli_(0.5),
                         torch.empty(6).exponential_(2.0)]),
    ("sequence", lambda: [torch.rand(3), torch.randn(20), torch.randint(0, 5, (4,)), torch.rand(2)]),
    ("random_split", lambda: [torch.tensor(s.indices) for s in torch.utils.data.random_split(
        torch.utils.data.TensorDataset(torch.arange(10)), [0.3, 0.7])] + [torch.tensor(s.indices) for s in
        torch.utils.data.random_split(torch.utils.data.TensorDataset(torch.arange(7)), [2, 5])]),
    ("like", lambda: [torch.rand_like(torch.zeros(2, 2)), torch.randn_like(torch.zeros(3, dtype=torch.float64))]),
]


def main():
    cases = []
    for seed in (0, 42):
        for name, fn in CASES:
            torch.manual_seed(seed)
            outs = fn()
            cases.append({"name": name, "seed": seed, "out": [enc(o) for o in outs]})
    write("random_api", cases)


if __name__ == "__main__":
    main()

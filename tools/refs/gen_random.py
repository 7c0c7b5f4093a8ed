#!/usr/bin/env python3
"""Record PyTorch CPU random streams as exact references for Flint's RNG tests.

Run with a Python that has torch (reference build: PyTorch 1.13, AVX2 CPU capability):

    /usr/bin/python3 tools/refs/gen_random.py

Writes tests/Flint.Tests/References/random.json. Every case is a sequence of steps applied to
one generator created with torch.Generator().manual_seed(seed). Floating-point values are stored
as their IEEE bit patterns (float32 -> int32 bits, float64 -> int64 bits) so comparisons are exact.
After each sequence the SHA-256 of the generator's full state (torch get_state() bytes) is stored
too, which checks how far every call advanced the engine and the cached Box-Muller sample; the
"set_state" steps carry the full state (base64) for loading into Flint's generator.
"""

import base64
import hashlib
import os
import struct
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

SEEDS = [0, 1, 42, 12345, 2**40 + 7]
SIZES = [1, 3, 15, 16, 17, 100, 1000]
SMALL_SIZES = [1, 17, 100]
LARGE_PERM_SEEDS = {0, 12345}  # randperm(30000) is large; record it for two seeds only

DTYPES = {
    "float32": torch.float32,
    "float64": torch.float64,
    "int64": torch.int64,
    "int32": torch.int32,
    "int16": torch.int16,
    "int8": torch.int8,
    "uint8": torch.uint8,
}


def bits(t):
    """Encode a tensor's values exactly: float bit patterns, or plain integers."""
    flat = t.reshape(-1).contiguous()
    if flat.dtype == torch.float32:
        return [struct.unpack("<i", struct.pack("<f", v))[0] for v in flat.tolist()]
    if flat.dtype == torch.float64:
        return [struct.unpack("<q", struct.pack("<d", v))[0] for v in flat.tolist()]
    return [int(v) for v in flat.tolist()]


def state_b64(g):
    return base64.b64encode(bytes(g.get_state().tolist())).decode("ascii")


def state_sha256(g):
    return hashlib.sha256(bytes(g.get_state().tolist())).hexdigest()


def prob_tensor(seed, shape, dtype, zero_every=0, nonzero_every=0):
    """Deterministic probability inputs drawn from a separate generator.

    zero_every=m zeroes every m-th entry; nonzero_every=m keeps only every m-th entry (the rest
    are zero), which makes top-k see many tied keys when sampling without replacement.
    """
    aux = torch.Generator().manual_seed(1000003 + seed)
    p = torch.rand(shape, generator=aux, dtype=torch.float64)
    flat = p.view(-1)
    if zero_every:
        flat[::zero_every] = 0.0
    if nonzero_every:
        keep = torch.zeros_like(flat, dtype=torch.bool)
        keep[::nonzero_every] = True
        flat[~keep] = 0.0
    return p.to(dtype)


def run_step(g, step):
    """Execute one step on generator g, returning the step record with its result."""
    op = step["op"]
    out = dict(step)
    if op == "manual_seed":
        g.manual_seed(step["seed"])
        return out
    if op == "check_state":
        out["state_sha256"] = state_sha256(g)
        return out
    if op == "set_state":
        # The state to load is the one torch produced at this point of a replay.
        out["state"] = state_b64(g)
        g.set_state(g.get_state())
        return out

    dtype = DTYPES.get(step.get("dtype", "float32"))
    n = step.get("n", 0)
    if op == "rand":
        t = torch.rand(n, generator=g, dtype=dtype)
    elif op == "randn":
        t = torch.randn(n, generator=g, dtype=dtype)
    elif op == "uniform":
        t = torch.empty(n, dtype=dtype).uniform_(step["low"], step["high"], generator=g)
    elif op == "normal":
        t = torch.empty(n, dtype=dtype).normal_(step["mean"], step["std"], generator=g)
    elif op == "randint":
        t = torch.randint(step["low"], step["high"], (n,), generator=g, dtype=dtype)
    elif op == "randperm":
        t = torch.randperm(n, generator=g)
    elif op == "bernoulli_scalar":
        t = torch.empty(n, dtype=dtype).bernoulli_(step["p"], generator=g)
    elif op == "bernoulli_tensor":
        probs = prob_tensor(step["prob_seed"], (n,), dtype)
        out["probs"] = bits(probs)
        t = torch.bernoulli(probs, generator=g)
    elif op == "multinomial":
        rows, cats = step["rows"], step["cats"]
        probs = prob_tensor(step["prob_seed"], (rows, cats), dtype, step.get("zero_every", 0),
                            step.get("nonzero_every", 0))
        out["probs"] = bits(probs)
        t = torch.multinomial(probs, step["num_samples"], step["replacement"], generator=g)
    elif op == "exponential":
        t = torch.empty(n, dtype=dtype).exponential_(step["lambd"], generator=g)
    elif op == "geometric":
        t = torch.empty(n, dtype=dtype).geometric_(step["p"], generator=g)
    elif op == "log_normal":
        t = torch.empty(n, dtype=dtype).log_normal_(step["mean"], step["std"], generator=g)
    elif op == "cauchy":
        t = torch.empty(n, dtype=dtype).cauchy_(step["median"], step["sigma"], generator=g)
    else:
        raise ValueError(op)
    out["values"] = bits(t)
    return out


def record(name, seed, steps):
    g = torch.Generator().manual_seed(seed)
    recorded = [run_step(g, s) for s in steps]
    return {
        "name": name,
        "seed": seed,
        "initial_seed": g.initial_seed(),
        "steps": recorded,
        "final_state_sha256": state_sha256(g),
    }


def single(op, **kw):
    return dict(op=op, **kw)


def build_cases():
    cases = []
    randint_ranges = [
        ("int64", 0, 10),
        ("int64", -5, 5),
        ("int64", -1000, 123456789),
        ("int64", 0, 2**32),
        ("int64", -(2**40), 2**40 + 3),
        ("int64", -(2**63), 2**63 - 1),
        ("int32", -(2**31), 2**31 - 1),
        ("int16", -300, 300),
        ("int8", -128, 128),
        ("uint8", 0, 256),
        ("float32", 0, 1000),
        ("float32", 2**25 + 1, 2**25 + 100),
        ("float64", -(2**40), 2**40),
    ]
    for seed in SEEDS:
        for n in SIZES:
            for dt in ("float32", "float64"):
                cases.append(record(f"rand/{dt}/seed={seed}/n={n}", seed, [single("rand", dtype=dt, n=n)]))
                cases.append(record(f"randn/{dt}/seed={seed}/n={n}", seed, [single("randn", dtype=dt, n=n)]))
                cases.append(record(f"uniform/{dt}/seed={seed}/n={n}", seed,
                                    [single("uniform", dtype=dt, n=n, low=-3.7, high=11.3)]))
                cases.append(record(f"normal/{dt}/seed={seed}/n={n}", seed,
                                    [single("normal", dtype=dt, n=n, mean=1.5, std=0.37)]))
                cases.append(record(f"bernoulli_scalar/{dt}/seed={seed}/n={n}", seed,
                                    [single("bernoulli_scalar", dtype=dt, n=n, p=0.3)]))
                cases.append(record(f"bernoulli_tensor/{dt}/seed={seed}/n={n}", seed,
                                    [single("bernoulli_tensor", dtype=dt, n=n, prob_seed=seed % 997)]))
            for dt, lo, hi in randint_ranges:
                cases.append(record(f"randint/{dt}/[{lo},{hi})/seed={seed}/n={n}", seed,
                                    [single("randint", dtype=dt, n=n, low=lo, high=hi)]))
        for n in (1, 5, 100, 30000):
            if n == 30000 and seed not in LARGE_PERM_SEEDS:
                continue
            cases.append(record(f"randperm/seed={seed}/n={n}", seed, [single("randperm", n=n)]))
        for dt in ("float32", "float64"):
            for n in SMALL_SIZES:
                cases.append(record(f"exponential/{dt}/seed={seed}/n={n}", seed,
                                    [single("exponential", dtype=dt, n=n, lambd=1.5)]))
                cases.append(record(f"geometric/{dt}/seed={seed}/n={n}", seed,
                                    [single("geometric", dtype=dt, n=n, p=0.3)]))
                cases.append(record(f"log_normal/{dt}/seed={seed}/n={n}", seed,
                                    [single("log_normal", dtype=dt, n=n, mean=0.5, std=0.75)]))
                cases.append(record(f"cauchy/{dt}/seed={seed}/n={n}", seed,
                                    [single("cauchy", dtype=dt, n=n, median=1.0, sigma=2.0)]))
            mcases = [
                # rows, cats, num_samples, replacement, zero_every
                # (a negative zero_every -m means nonzero_every=m: mostly-zero rows, so top-k sees ties)
                (1, 8, 8, False, 2),
                (2, 50, 40, False, -3),
                (1, 300, 200, False, -2),
                (2, 2000, 30, False, -100),
                (1, 640, 10, False, -128),
                (1, 5, 1, False, 0),
                (1, 5, 3, False, 0),
                (1, 5, 5, False, 0),
                (3, 7, 4, False, 0),
                (2, 100, 10, False, 0),
                (2, 1000, 30, False, 0),
                (4, 20, 5, False, 3),
                (1, 5, 1, True, 0),
                (1, 5, 20, True, 0),
                (3, 7, 50, True, 0),
                (2, 100, 64, True, 4),
                (4, 20, 1, True, 3),
            ]
            for rows, cats, k, repl, zero_every in mcases:
                cases.append(record(
                    f"multinomial/{dt}/seed={seed}/{rows}x{cats}/k={k}/replacement={repl}/zeros={zero_every}",
                    seed,
                    [single("multinomial", dtype=dt, rows=rows, cats=cats, num_samples=k,
                            replacement=repl, zero_every=max(zero_every, 0), nonzero_every=max(-zero_every, 0),
                            prob_seed=seed % 997 + rows + cats)]))

        # Sequences: the generator must advance exactly like PyTorch's between calls,
        # including the cached second Box-Muller sample of the small-size normal path.
        cases.append(record(f"sequence/rand-randn/seed={seed}", seed, [
            single("rand", dtype="float32", n=3),
            single("randn", dtype="float32", n=20),
            single("check_state"),
            single("randn", dtype="float32", n=3),
            single("check_state"),
            single("randn", dtype="float64", n=5),
            single("randn", dtype="float32", n=1),
            single("check_state"),
            single("rand", dtype="float64", n=17),
            single("randn", dtype="float64", n=33),
            single("randn", dtype="float32", n=2),
        ]))
        cases.append(record(f"sequence/mixed/seed={seed}", seed, [
            single("randn", dtype="float64", n=1),
            single("randint", dtype="int64", n=7, low=-3, high=2**33),
            single("randn", dtype="float64", n=1),
            single("bernoulli_scalar", dtype="float32", n=9, p=0.5),
            single("randperm", n=12),
            single("log_normal", dtype="float64", n=3, mean=0.0, std=1.0),
            single("normal", dtype="float32", n=15, mean=-1.0, std=2.0),
            single("check_state"),
            single("multinomial", dtype="float32", rows=2, cats=6, num_samples=3, replacement=False,
                   zero_every=0, prob_seed=5),
            single("multinomial", dtype="float64", rows=2, cats=6, num_samples=8, replacement=True,
                   zero_every=0, prob_seed=6),
            single("exponential", dtype="float32", n=4, lambd=1.0),
            single("uniform", dtype="float64", n=6, low=-1.0, high=1.0),
            single("check_state"),
        ]))
        cases.append(record(f"sequence/reseed-and-state/seed={seed}", seed, [
            single("randn", dtype="float32", n=1),
            single("check_state"),
            single("manual_seed", seed=seed + 1),
            single("randn", dtype="float32", n=1),
            single("rand", dtype="float32", n=700),
            single("set_state"),
            single("randn", dtype="float32", n=3),
            single("randint", dtype="int64", n=5, low=0, high=100),
        ]))
    return cases


def cpu_capability():
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage:" in line:
            return line.split(":", 1)[1].strip()
    return "unknown"


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out_path = os.path.join(root, "tests", "Flint.Tests", "References", "random.json")
    doc = {
        "generator": "tools/refs/gen_random.py",
        "torch_version": torch.__version__,
        "cpu_capability": cpu_capability(),
        "default_seed": torch.Generator().initial_seed(),
        "state_size": int(torch.Generator().get_state().numel()),
        "cases": build_cases(),
    }
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with open(out_path, "w") as f:
        common.dump(doc, f)
    print(f"wrote {len(doc['cases'])} cases to {out_path} ({os.path.getsize(out_path)} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()

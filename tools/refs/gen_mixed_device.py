"""Records how PyTorch mixes meta and CPU operands in an elementwise op (the TensorIterator device rule).

Run: /usr/bin/python3 tools/refs/gen_mixed_device.py  ->  tests/Flint.Tests/References/mixed_device.json
Each case: "op" (add, sub, mul, div, eq, lt, atan2, maximum, bitwise_and), its operands "args" and an optional
"out" by token, "inplace" (the first operand's in-place method), then the outcome: the result's "device",
"shape" and "dtype", or PyTorch's "error" and "type".
Tokens: "m" a meta float32 (2, 3), "c" a CPU float32 (2, 3), "ms" a meta 0-dim float32, "s" a CPU 0-dim
float32, "mi"/"si" the int64 forms of "m"/"s", "2" the Python number 2.
The rule is PyTorch 2.x's TensorIteratorBase::compute_types (aten/src/ATen/TensorIterator.cpp): the first
operand not on the CPU (outputs first) is the common device; every operand must be on it, except one CPU
0-dim input on a non-CPU device ("Trying to pass too many CPU scalars to non-CPU kernel!" past one). PyTorch
1.13, the recording version, applies the same rule to these ops, so every case is recorded, none overridden.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import torch  # noqa: E402
import common  # noqa: E402


def make(tok):
    return {
        "m": lambda: torch.empty(2, 3, device="meta"),
        "c": lambda: torch.ones(2, 3),
        "ms": lambda: torch.empty((), device="meta"),
        "s": lambda: torch.tensor(2.0),
        "mi": lambda: torch.empty(2, 3, dtype=torch.int64, device="meta"),
        "si": lambda: torch.tensor(3),
        "2": lambda: 2,
    }[tok]()


CASES = [
    ("add", ["m", "c"], None, False), ("add", ["c", "m"], None, False),
    ("add", ["m", "s"], None, False), ("add", ["s", "m"], None, False),
    ("add", ["ms", "s"], None, False), ("add", ["s", "ms"], None, False),
    ("add", ["c", "ms"], None, False), ("add", ["ms", "c"], None, False),
    ("add", ["m", "2"], None, False), ("add", ["s", "s"], None, False),
    ("sub", ["m", "s"], None, False), ("mul", ["s", "m"], None, False), ("div", ["m", "s"], None, False),
    ("eq", ["m", "s"], None, False), ("eq", ["m", "c"], None, False), ("lt", ["s", "m"], None, False),
    ("atan2", ["m", "s"], None, False), ("atan2", ["c", "m"], None, False),
    ("maximum", ["s", "m"], None, False), ("maximum", ["m", "c"], None, False),
    ("bitwise_and", ["mi", "si"], None, False), ("bitwise_and", ["si", "mi"], None, False),
    # out=: the output is an operand too, looked at first
    ("add", ["m", "m"], "c", False), ("add", ["s", "m"], "c", False), ("add", ["s", "m"], "m", False),
    ("add", ["s", "s"], "m", False), ("add", ["s", "2"], "ms", False), ("add", ["m", "2"], "m", False),
    ("mul", ["c", "c"], "m", False), ("eq", ["s", "s"], "m", False), ("atan2", ["s", "s"], "m", False),
    # in-place: self is the output
    ("add", ["m", "s"], None, True), ("add", ["m", "c"], None, True), ("add", ["c", "ms"], None, True),
    ("add", ["s", "ms"], None, True), ("add", ["ms", "s"], None, True), ("mul", ["c", "m"], None, True),
    ("atan2", ["m", "s"], None, True), ("atan2", ["s", "ms"], None, True), ("eq", ["c", "ms"], None, True),
]


def run(op, args, out, inplace):
    xs = [make(a) for a in args]
    if inplace:
        return getattr(xs[0], op + "_")(*xs[1:])
    if out is not None:
        return getattr(torch, op)(*xs, out=make(out))
    return getattr(torch, op)(*xs)


def main():
    cases = []
    for op, args, out, inplace in CASES:
        name = op + ("_" if inplace else "") + "/" + "+".join(args) + ("/out=" + out if out else "")
        rec = {"name": name, "op": op, "args": args, "out": out, "inplace": inplace}
        try:
            r = run(op, args, out, inplace)
            rec.update(device=str(r.device), shape=list(r.shape), dtype=str(r.dtype).replace("torch.", ""))
        except Exception as e:  # noqa: BLE001 - PyTorch's error is the record
            common.record_error(rec, e)
        cases.append(rec)
    common.write("mixed_device", cases)


if __name__ == "__main__":
    main()

"""Shared helpers for the reference generators: encode tensors and outcomes as JSON.

Run each generator with /usr/bin/python3 (Debian's python3-torch). Outputs go to
tests/Flint.Tests/References/<name>.json and are committed; CI never needs PyTorch.

Tensor encoding: {"dtype": "float32", "shape": [2, 3], "data": [...flat row-major...]}
  - floats are JSON numbers (the exact double value of the element), or the strings
    "nan", "inf", "-inf"; float16/bfloat16 values are exact in double too.
  - integers are JSON integers, bools are true/false.
  - optional "transpose": [d0, d1]: the data is stored for t.transpose(d0, d1); the reader
    loads it and applies transpose(d0, d1) again, giving a NON-contiguous tensor equal to t.
  - optional "step": k: data holds a tensor with k times the last dimension; the reader applies
    [..., ::k] (a strided, non-contiguous view).
Outcome encoding: {"out": <tensor or list of tensors or scalar>} or
  {"error": "<PyTorch's message, first line>", "type": "RuntimeError"|"IndexError"|...}.
"""
import json
import math
import os
import torch

REF_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "Flint.Tests", "References")

DTYPE_NAMES = {
    torch.float32: "float32", torch.float64: "float64", torch.float16: "float16",
    torch.bfloat16: "bfloat16", torch.int64: "int64", torch.int32: "int32",
    torch.int16: "int16", torch.int8: "int8", torch.uint8: "uint8", torch.bool: "bool",
}


def _num(v, is_float):
    if is_float:
        v = float(v)
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return v
    if isinstance(v, bool):
        return v
    return int(v)


def enc(t, transpose=None, step=None):
    """Encode a tensor; transpose/step make the C# side rebuild it as a non-contiguous view."""
    if not isinstance(t, torch.Tensor):
        return enc_scalar(t)
    t = t.detach()
    stored = t
    if transpose is not None:
        stored = t.transpose(*transpose).contiguous()
    if step is not None:
        shape = list(t.shape)
        shape[-1] *= step
        big = torch.zeros(shape, dtype=t.dtype)
        big[..., ::step] = t
        stored = big
    is_float = t.dtype.is_floating_point
    flat = stored.contiguous().reshape(-1)
    if t.dtype in (torch.float16, torch.bfloat16):
        flat = flat.to(torch.float64)
    data = [_num(v, is_float) for v in flat.tolist()]
    d = {"dtype": DTYPE_NAMES[t.dtype], "shape": list(stored.shape), "data": data}
    if transpose is not None:
        d["transpose"] = list(transpose)
    if step is not None:
        d["step"] = step
    return d


def enc_scalar(v):
    if isinstance(v, bool):
        return {"scalar": v}
    if isinstance(v, int):
        return {"scalar": v}
    return {"scalar": _num(v, True)}


def outcome(fn):
    """Run fn and encode its result (tensor, tuple of tensors, python scalar) or its error."""
    try:
        r = fn()
    except Exception as e:  # noqa: BLE001 - we record PyTorch's error text
        return {"error": str(e).split("\n")[0], "type": type(e).__name__}
    if isinstance(r, (tuple, list)):
        return {"out": [enc(x) for x in r]}
    return {"out": enc(r)}


def dump(doc, f):
    """Write a reference document with one case per line, so a regenerated file diffs case by case.

    doc is a dict whose "cases" (if present) is a list; every other key is written compactly on the
    first line, each case on a line of its own."""
    compact = dict(separators=(",", ":"))
    cases = doc.get("cases")
    head = {k: v for k, v in doc.items() if k != "cases"}
    text = json.dumps(head, **compact)
    if cases is None:
        f.write(text + "\n")
        return
    f.write(text[:-1] + ("," if head else "") + '"cases":[\n')
    f.write(",\n".join(json.dumps(c, **compact) for c in cases))
    f.write("\n]}\n")


def record_error(rec, e):
    """Put PyTorch's error (first line of the message, exception type name) into a record."""
    rec["error"] = str(e).split("\n")[0]
    rec["type"] = type(e).__name__


def error_scenario(cases, name, run):
    """Append {"kind": "error", "name": name} with the error run() raises (error None when it raises nothing)."""
    rec = {"kind": "error", "name": name}
    try:
        run()
        rec["error"] = None
    except Exception as e:  # noqa: BLE001 - PyTorch's error is the record
        record_error(rec, e)
    cases.append(rec)


def write(name, cases):
    os.makedirs(REF_DIR, exist_ok=True)
    path = os.path.join(REF_DIR, name + ".json")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        dump({"torch": torch.__version__, "cases": cases}, f)
    os.replace(tmp, path)
    print(f"wrote {len(cases)} cases to {os.path.relpath(path)}")

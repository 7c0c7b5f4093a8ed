"""Checkpoints whose tensors claim layouts their storage cannot hold, written by PyTorch itself, and PyTorch's
error for each (tests/Flint.Tests/IO/HostileCheckpointTests.cs loads them in Flint).

Each file is a real torch.save archive whose pickle rebuilds one tensor with _rebuild_tensor_v2 over a 10-element
float storage, with the sizes, strides and offset named in the case.
"""
import collections
import io
import json
import os

import torch
from common import REF_DIR


class Rebuild:
    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, size, stride)

    def __reduce__(self):
        storage, offset, size, stride = self.args
        return (torch._utils._rebuild_tensor_v2, (storage, offset, size, stride, False, collections.OrderedDict()))


CASES = {
    "sticky_zero": ((1 << 62, 4, 0), (1, 1, 1), 0),
    "numel_overflow": ((1 << 32, 1 << 32), (1 << 32, 1), 0),
    "stride0_numel_overflow": ((1 << 62, 4), (0, 0), 0),
    "past_the_storage": ((3, 4), (4, 1), 0),
    "offset_past_the_storage": ((2,), (1,), 9),
    "byte_count_wraps": ((2, 3), (4, 1), 1 << 62),
    "fits": ((2, 3), (4, 1), 2),
}

out_dir = os.path.join(REF_DIR, "pt", "hostile")
os.makedirs(out_dir, exist_ok=True)
records = []
for name, (size, stride, offset) in CASES.items():
    buf = io.BytesIO()
    torch.save(Rebuild(torch.arange(10.0).storage(), offset, size, stride), buf)
    with open(os.path.join(out_dir, name + ".pt"), "wb") as f:
        f.write(buf.getvalue())
    try:
        t = torch.load(io.BytesIO(buf.getvalue()))
        rec = {"name": name, "shape": list(t.shape), "data": t.reshape(-1).tolist()}
    except Exception as e:  # noqa: BLE001 - PyTorch's error text is the record
        rec = {"name": name, "error": str(e).split("\n")[0], "type": type(e).__name__}
    records.append(rec)
with open(os.path.join(out_dir, "cases.json"), "w") as f:
    json.dump({"torch": torch.__version__, "cases": records}, f, indent=0)
for r in records:
    print(r)

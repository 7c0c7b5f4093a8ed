"""Records torch.device parsing, printing and equality, and its error texts, from PyTorch 1.13.

Run with /usr/bin/python3. Writes tests/Flint.Tests/References/device.json. PyTorch lists 19 device types in
"Expected one of ..."; Flint knows only cpu and cuda, so the test swaps that list for Flint's shorter one.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import common  # noqa: E402
import torch  # noqa: E402

SPECS = ["cpu", "cuda", "cuda:0", "cuda:1", "cuda:12", "cpu:0", "gpu", "CUDA", "Cuda:0", "", "cuda:", "cuda:-1",
         "cuda:01", "cuda:x", "cuda:0:1", " cuda", "cuda ", "cuda1", "cuda:1a", ":0", "mps", "tpu:0", "cuda:+1"]


def main():
    cases = []
    for s in SPECS:
        c = {"name": "parse " + repr(s), "spec": s}
        try:
            d = torch.device(s)
            c["str"] = str(d)
            c["type"] = d.type
            c["index"] = -1 if d.index is None else d.index
        except Exception as e:  # noqa: BLE001
            c["error"] = str(e).split("\n")[0]
            c["etype"] = type(e).__name__
        cases.append(c)
    for t, i in [("cuda", 1), ("cpu", 0), ("cuda", -1)]:
        c = {"name": f"type+index {t} {i}", "type_arg": t, "index_arg": i}
        try:
            d = torch.device(t, i)
            c["str"] = str(d)
        except Exception as e:  # noqa: BLE001
            c["error"] = str(e).split("\n")[0]
            c["etype"] = type(e).__name__
        cases.append(c)
    for a, b in [("cuda", "cuda:0"), ("cuda:0", "cuda:0"), ("cpu", "cpu"), ("cpu", "cuda"), ("cuda:0", "cuda:1")]:
        cases.append({"name": f"equal {a} {b}", "a": a, "b": b, "equal": torch.device(a) == torch.device(b)})
    common.write("device", cases)



if __name__ == "__main__":
    main()

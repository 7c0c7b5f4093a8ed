"""Writes sample safetensors files into tests/Flint.Tests/References/safetensors/, with expected values in
expected.json. The safetensors package is not packaged for Debian and PyPI is unreachable here, so this script
writes and reads the format itself, following its published layout: an 8-byte little-endian header length, a
JSON header ({"__metadata__": {...}, name: {"dtype", "shape", "data_offsets"}}) padded with spaces to a
multiple of 8 bytes, then the raw little-endian data. Where the package is installed, the files are also
checked with it. With --verify FILE it reads a Flint-written file and prints each tensor."""
import json
import os
import sys

import struct

import torch

CODES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16",
         torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8",
         torch.bool: "BOOL"}
DTYPES = {v: k for k, v in CODES.items()}


def save_file(tensors, path, metadata=None):
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    # the reference writer orders data by dtype alignment (largest first), then name
    for name in sorted(tensors, key=lambda k: (-tensors[k].element_size(), k)):
        t = tensors[name].contiguous()
        raw = t.view(torch.uint8).numpy().tobytes() if t.dim() > 0 else t.reshape(1).view(torch.uint8).numpy().tobytes()
        raw = raw[: t.numel() * t.element_size()]
        header[name] = {"dtype": CODES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    js = json.dumps(header, separators=(",", ":")).encode()
    js += b" " * ((8 - len(js) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(js)))
        f.write(js)
        for b in blobs:
            f.write(b)


def load_file(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        dt = DTYPES[info["dtype"]]
        flat = torch.frombuffer(bytearray(body[b:e]), dtype=torch.uint8) if e > b else torch.zeros(0, dtype=torch.uint8)
        out[name] = flat.view(dt).reshape(info["shape"])
    return out

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import REF_DIR, enc  # noqa: E402

OUT = os.path.join(REF_DIR, "safetensors")


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--verify":
        for k, v in load_file(sys.argv[2]).items():
            print(k, v.dtype, tuple(v.shape), v.flatten()[:4].tolist())
        return
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    tensors = {
        "weight": torch.randn(3, 4),
        "bias": torch.randn(3, dtype=torch.float64),
        "half": torch.randn(5).half(),
        "bf16": torch.randn(5).bfloat16(),
        "long": torch.arange(-3, 3),
        "int": torch.arange(6, dtype=torch.int32).reshape(2, 3),
        "short": torch.tensor([-7, 7], dtype=torch.int16),
        "char": torch.tensor([-128, 127], dtype=torch.int8),
        "byte": torch.tensor([0, 255], dtype=torch.uint8),
        "mask": torch.tensor([True, False, True]),
        "scalar": torch.tensor(2.5),
        "empty": torch.zeros(0, 3),
    }
    save_file(tensors, os.path.join(OUT, "all_dtypes.safetensors"), metadata={"format": "pt"})
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({k: enc(v) for k, v in tensors.items()}, f)
    print("wrote", OUT)


if __name__ == "__main__":
    main()

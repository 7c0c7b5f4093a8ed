"""Writes sample PyTorch checkpoints (.pt) and a manifest of what each holds; checks files Flint wrote.

Run with /usr/bin/python3 (PyTorch 1.13). Outputs go to tests/Flint.Tests/References/pt/ and are committed:
  - read_*.pt: files torch.save wrote (zip format; legacy_*.pt with _use_new_zipfile_serialization=False) that
    Flint must load to the described objects;
  - bytes_*.pt: files whose exact bytes Flint's torch.save must reproduce from the same objects;
  - bad_*.pt: malformed or unsafe files that Flint must refuse with a typed error.
manifest.json describes each file's object tree (see describe()).

  gen_checkpoints.py                 regenerate the files
  gen_checkpoints.py --verify FILE   torch.load a file (e.g. one Flint wrote) with weights_only=True and print its
                                     description; if FILE is named flint_<case>.pt and <case>.pt is in the manifest,
                                     compare against it and exit non-zero on a difference.
"""
import collections
import io
import json
import os
import sys
import zipfile

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "Flint.Tests", "References", "pt")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import DTYPE_NAMES, _num as num  # noqa: E402


def describe(obj, storages):
    """A JSON tree of a loaded object. Tensors record dtype, shape, stride, offset, values (row-major) and
    which storage they view (numbered in order of first appearance), so sharing can be checked."""
    if isinstance(obj, torch.Tensor):
        st = obj.storage()
        key = st.data_ptr() if st.size() > 0 else ("empty", id(obj))
        if key not in storages:
            storages[key] = len(storages)
        is_float = obj.dtype.is_floating_point
        flat = obj.detach().reshape(-1)
        if obj.dtype in (torch.float16, torch.bfloat16):
            flat = flat.double()
        return {"tensor": {
            "dtype": DTYPE_NAMES[obj.dtype], "shape": list(obj.shape), "stride": list(obj.stride()),
            "offset": obj.storage_offset(), "storage": storages[key], "storage_numel": st.size(),
            "requires_grad": obj.requires_grad, "parameter": isinstance(obj, torch.nn.Parameter),
            "data": [num(v, is_float) for v in flat.tolist()],
        }}
    if isinstance(obj, torch.Size):
        return {"size": list(obj)}
    if isinstance(obj, dict):
        return {"dict": [[describe(k, storages), describe(v, storages)] for k, v in obj.items()]}
    if isinstance(obj, list):
        return {"list": [describe(v, storages) for v in obj]}
    if isinstance(obj, tuple):
        return {"tuple": [describe(v, storages) for v in obj]}
    if obj is None:
        return None
    if isinstance(obj, bool):
        return {"bool": obj}
    if isinstance(obj, int):
        return {"int": obj}
    if isinstance(obj, float):
        return {"float": num(obj, True)}
    if isinstance(obj, str):
        return {"str": obj}
    raise TypeError(type(obj))


class Small(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(2, 3, 3)
        self.bn = torch.nn.BatchNorm2d(3)
        self.fc = torch.nn.Linear(4, 2)


def samples():
    torch.manual_seed(0)
    read = collections.OrderedDict()
    m = Small()
    m.bn.running_mean += 0.5
    read["state_dict"] = m.state_dict()

    vals = [0.0, -0.0, 1.5, -2.25, 65504.0, 1e-3, float("nan"), float("inf"), float("-inf")]
    dt = {}
    for d in DTYPE_NAMES:
        if d.is_floating_point:
            dt[DTYPE_NAMES[d]] = torch.tensor(vals, dtype=d)
        elif d == torch.bool:
            dt["bool"] = torch.tensor([True, False, False, True])
        else:
            info = torch.iinfo(d)
            dt[DTYPE_NAMES[d]] = torch.tensor([info.min, -1 if info.min < 0 else 0, 0, 1, 7, info.max], dtype=d)
    read["dtypes"] = dt

    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    read["views"] = {
        "base": base, "row": base[2], "col": base[:, 3], "t": base.t(), "step": base[1:, ::2],
        "narrow": base.narrow(1, 2, 3), "expand": torch.arange(3.).expand(2, 3),
        "other": torch.arange(5, dtype=torch.int64)[1:4],
    }
    read["scalars"] = [torch.tensor(3.5), torch.tensor(7, dtype=torch.int64), torch.tensor(True),
                       torch.zeros(0), torch.zeros(2, 0, 3, dtype=torch.int32), torch.zeros(0, dtype=torch.float16)]
    read["nested"] = {
        "ints": [0, 1, 255, 256, 65535, 65536, -1, -2**31, 2**31 - 1, 2**31, -2**31 - 1, 2**62, -2**63, 2**63 - 1],
        "floats": (0.0, -0.0, 1.5, 1e300, -1e-300, float("nan"), float("inf")),
        "strings": ["", "ascii", "ünïcödé ✓", "x" * 300],
        "none": None, "bools": (True, False), "empty": ([], (), {}),
        "deep": [[[1, [2, (3, {"k": [4]})]]]], "size": torch.Size([2, 3]),
        "tensor_in_list": [torch.ones(2), 5],
    }
    p = torch.nn.Parameter(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
    q = torch.nn.Parameter(torch.tensor([5.0, 6.0]), requires_grad=False)
    read["param"] = {"p": p, "q": q, "g": torch.tensor([1.0, -1.0]).requires_grad_()}
    read["top_tensor"] = torch.arange(6, dtype=torch.float64).reshape(2, 3).t()
    read["many_keys"] = collections.OrderedDict((f"k{i}", torch.tensor([float(i)])) for i in range(1001))
    return read


def bytes_samples():
    """Objects Flint can rebuild exactly; the test rebuilds them from the manifest and compares file bytes."""
    sd = collections.OrderedDict()
    sd["weight"] = torch.arange(6, dtype=torch.float32).reshape(2, 3) / 4
    sd["bias"] = torch.tensor([0.5, -1.0])
    sd["steps"] = torch.tensor(3, dtype=torch.int64)
    sd["mask"] = torch.tensor([True, False, True])
    sd["half"] = torch.tensor([1.0, 2.5], dtype=torch.float16)
    sd["bf"] = torch.tensor([1.0, -3.0], dtype=torch.bfloat16)
    sd["i8"] = torch.tensor([-1, 2], dtype=torch.int8)
    sd["u8"] = torch.tensor([250, 2], dtype=torch.uint8)
    sd["i16"] = torch.tensor([-300, 2], dtype=torch.int16)
    sd["i32"] = torch.tensor([-70000, 2], dtype=torch.int32)
    sd["f64"] = torch.tensor([1e-300], dtype=torch.float64)
    sd["empty"] = torch.zeros(0, 4)
    sd["big"] = torch.arange(1000, dtype=torch.float32).reshape(10, 10, 10)
    return {"bytes_state_dict": sd}


def write_bad(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def zip_with(records):
    """A PyTorch-layout zip whose records are given (name -> bytes), written by torch's own writer."""
    buf = io.BytesIO()
    w = torch._C.PyTorchFileWriter(buf)
    for name, data in records.items():
        w.write_record(name, data, len(data))
    w.write_end_of_file()
    return buf.getvalue()


def generate():
    os.makedirs(OUT, exist_ok=True)
    cases = []
    for name, obj in samples().items():
        fname = f"read_{name}.pt"
        torch.save(obj, os.path.join(OUT, fname))
        loaded = torch.load(os.path.join(OUT, fname))
        cases.append({"file": fname, "kind": "read", "object": describe(loaded, {})})
    for name in ["views", "nested", "param", "dtypes"]:
        fname = f"legacy_{name}.pt"
        torch.save(samples()[name], os.path.join(OUT, fname), _use_new_zipfile_serialization=False)
        loaded = torch.load(os.path.join(OUT, fname))
        cases.append({"file": fname, "kind": "read", "object": describe(loaded, {})})
    for name, obj in bytes_samples().items():
        fname = f"{name}.pt"
        torch.save(obj, os.path.join(OUT, fname))
        cases.append({"file": fname, "kind": "bytes", "object": describe(obj, {})})

    good = open(os.path.join(OUT, "read_views.pt"), "rb").read()
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        pkl = z.read("read_views/data.pkl")
        storage0 = z.read("read_views/data/0")
        storages = {n[len("read_views/"):]: z.read(n) for n in z.namelist() if "/data/" in n}
    write_bad("bad_truncated.pt", good[: len(good) // 2])
    write_bad("bad_empty.pt", b"")
    write_bad("bad_garbage.pt", b"\x00\x01 this is not a checkpoint")
    write_bad("bad_global.pt", zip_with({"data.pkl": b"\x80\x02cposix\nsystem\nX\x04\x00\x00\x00echo\x85R.", "version": b"3\n"}))
    write_bad("bad_opcode.pt", zip_with({"data.pkl": b"\x80\x02}q\x00\xff.", "version": b"3\n"}))
    write_bad("bad_pickle_truncated.pt", zip_with({"data.pkl": pkl[: len(pkl) // 2], **storages, "version": b"3\n"}))
    write_bad("bad_missing_storage.pt", zip_with({"data.pkl": pkl, "version": b"3\n"}))
    write_bad("bad_short_storage.pt", zip_with({"data.pkl": pkl, "data/0": storage0[:8], "data/1": storage0[:8], "version": b"3\n"}))
    oob = (b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000"
           b"X\x03\x00\x00\x00cpuK\x02tQK\x00K\x05\x85K\x01\x85\x89ccollections\nOrderedDict\n)RtR.")
    write_bad("bad_out_of_bounds.pt", zip_with({"data.pkl": oob, "data/0": b"\x00" * 8, "version": b"3\n"}))
    write_bad("bad_no_data_pkl.pt", zip_with({"version": b"3\n"}))
    write_bad("bad_legacy_magic.pt", b"\x80\x02K\x05.")
    bad = {
        "bad_truncated.pt": "InvalidDataException", "bad_empty.pt": "InvalidDataException",
        "bad_garbage.pt": "UnpicklingError", "bad_global.pt": "UnpicklingError", "bad_opcode.pt": "UnpicklingError",
        "bad_pickle_truncated.pt": "UnpicklingError", "bad_missing_storage.pt": "InvalidDataException",
        "bad_short_storage.pt": "InvalidDataException", "bad_out_of_bounds.pt": "UnpicklingError",
        "bad_no_data_pkl.pt": "InvalidDataException", "bad_legacy_magic.pt": "InvalidDataException",
    }
    for f, err in bad.items():
        try:
            torch.load(os.path.join(OUT, f), weights_only=True)
            pt = "loaded"
        except Exception as e:  # what PyTorch says, for the record
            pt = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:300]
        cases.append({"file": f, "kind": "error", "error": err, "pytorch": pt})

    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, indent=0)
    print(f"wrote {len(cases)} cases to {OUT}")


def same(a, b, path="$"):
    """Compares two descriptions; storages are compared as a partition (same sharing), not by number."""
    diffs = []
    mapping = {}

    def walk(x, y, p):
        if isinstance(x, dict) and isinstance(y, dict):
            if "tensor" in x and "tensor" in y:
                tx, ty = x["tensor"], y["tensor"]
                for k in tx:
                    if k == "storage":
                        if mapping.setdefault(tx[k], ty[k]) != ty[k]:
                            diffs.append(f"{p}: storage sharing differs")
                    elif tx[k] != ty.get(k):
                        diffs.append(f"{p}.{k}: {str(ty.get(k))[:80]} != expected {str(tx[k])[:80]}")
                return
            if x.keys() != y.keys():
                diffs.append(f"{p}: {list(y.keys())} != expected {list(x.keys())}")
                return
            for k in x:
                walk(x[k], y[k], f"{p}.{k}")
        elif isinstance(x, list) and isinstance(y, list):
            if len(x) != len(y):
                diffs.append(f"{p}: length {len(y)} != expected {len(x)}")
                return
            for i, (u, v) in enumerate(zip(x, y)):
                walk(u, v, f"{p}[{i}]")
        elif x != y:
            diffs.append(f"{p}: {str(y)[:80]} != expected {str(x)[:80]}")

    walk(a, b, path)
    return diffs


def verify(path):
    try:
        obj = torch.load(path, weights_only=True)
    except Exception as e:  # 1.13's weights-only reader lacks some opcodes (BINFLOAT): fall back to the full reader
        print(f"{os.path.basename(path)}: weights_only load failed ({str(e)[-60:]}); loading with the full unpickler")
        obj = torch.load(path)
    desc = describe(obj, {})
    name = os.path.basename(path)
    if name.startswith("flint_"):
        with open(os.path.join(OUT, "manifest.json")) as f:
            manifest = json.load(f)
        case = next((c for c in manifest["cases"] if c["file"] == name[len("flint_"):]), None)
        if case is not None:
            diffs = same(case["object"], desc)
            for d in diffs[:50]:
                print("DIFF", d)
            print(f"{name}: {'OK' if not diffs else f'{len(diffs)} differences'} (torch {torch.__version__})")
            return 1 if diffs else 0
    print(json.dumps(desc)[:4000])
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--verify":
        rc = 0
        for p in sys.argv[2:]:
            rc |= verify(p)
        sys.exit(rc)
    generate()

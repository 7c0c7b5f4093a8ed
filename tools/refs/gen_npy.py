"""Writes sample .npy/.npz files with NumPy, plus a manifest of what each holds.

Run with /usr/bin/python3 (it has numpy). Outputs go to tests/Flint.Tests/References/npy/ and are committed:
  - read_*.npy / read_*.npz: files NumPy wrote (all dtypes, Fortran order, big-endian, header v2.0/v3.0,
    0-dim, zero-size, compressed archives) that Flint must read to the recorded values;
  - bytes_*.npy: the exact bytes np.save writes for an array; Flint's writer must produce identical bytes;
  - bad_*.npy: malformed or unsupported files that Flint must refuse with a typed error.
manifest.json lists every file with its expected content (values flattened in C order) or the error.
"""
import io
import json
import math
import os
import struct
import zipfile

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "Flint.Tests", "References", "npy")

FLINT_NAME = {
    "f4": "float32", "f8": "float64", "f2": "float16", "i8": "int64", "i4": "int32",
    "i2": "int16", "i1": "int8", "u1": "uint8", "b1": "bool",
}

cases = []


def num(v):
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (np.floating, float)):
        v = float(v)
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return v
    return int(v)


def content(a):
    return {
        "dtype": FLINT_NAME[a.dtype.str[1:]],
        "shape": list(a.shape),
        "data": [num(v) for v in np.ascontiguousarray(a).reshape(-1)],
    }


def path(name):
    return os.path.join(OUT, name)


def sample(code, shape=(2, 3)):
    n = int(np.prod(shape))
    kind = code[-2]
    if kind == "f":
        base = [1.5, -2.25, 0.0, -0.0, float("nan"), float("inf"), float("-inf"), 3.0e3, 1e-3, 7.0, -1.0, 0.5]
        vals = [base[i % len(base)] for i in range(n)]
    elif kind == "b":
        vals = [(i * 7) % 3 == 0 for i in range(n)]
    elif kind == "u":
        vals = [(i * 37 + 200) % 256 for i in range(n)]
    else:
        size = int(code[-1])
        lo, hi = -(2 ** (8 * size - 1)), 2 ** (8 * size - 1) - 1
        base = [lo, hi, 0, -1, 1, 123, -77]
        vals = [base[i % len(base)] for i in range(n)]
    return np.array(vals, dtype=np.dtype(code)).reshape(shape)


def add_read(name, a, writer=None, **extra):
    with open(path(name), "wb") as f:
        if writer is None:
            np.save(f, a)
        else:
            writer(f, a)
    cases.append({"file": name, "kind": "read", **content(a), **extra})


def main():
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        os.remove(path(old))

    codes = ["<f4", "<f8", "<f2", "<i8", "<i4", "<i2", "|i1", "|u1", "|b1"]
    # every dtype, little-endian (native), C order
    for c in codes:
        add_read(f"read_{c[1:]}.npy", sample(c))
    # big-endian input
    for c in [">f4", ">f8", ">f2", ">i8", ">i4", ">i2"]:
        add_read(f"read_be_{c[1:]}.npy", sample(c))
    # Fortran order (np.save writes a Fortran-contiguous array in Fortran order)
    add_read("read_fortran_f8.npy", np.asfortranarray(sample("<f8", (3, 4))), fortran=True)
    add_read("read_fortran_i4_3d.npy", np.asfortranarray(sample("<i4", (2, 3, 4))), fortran=True)
    add_read("read_fortran_be_f4.npy", np.asfortranarray(sample(">f4", (2, 5))), fortran=True)
    # 0-dim, zero-size, 1-D, 4-D
    add_read("read_0dim_f8.npy", np.array(3.25))
    add_read("read_0dim_b1.npy", np.array(True))
    add_read("read_empty_f4.npy", np.zeros((0, 3), dtype="<f4"))
    add_read("read_empty_i8_1d.npy", np.zeros((0,), dtype="<i8"))
    add_read("read_1d_i2.npy", sample("<i2", (7,)))
    add_read("read_4d_u1.npy", sample("|u1", (2, 1, 3, 2)))
    # header versions 2.0 and 3.0
    add_read("read_v2_f4.npy", sample("<f4", (3, 2)),
             writer=lambda f, a: np.lib.format.write_array(f, a, version=(2, 0)))
    add_read("read_v3_i8.npy", sample("<i8", (4,)),
             writer=lambda f, a: np.lib.format.write_array(f, a, version=(3, 0)))
    # a bool file whose bytes are not 0/1 (NumPy reads any non-zero byte as True)
    with open(path("read_b1_nonzero.npy"), "wb") as f:
        np.save(f, np.array([True, False, True]))
    raw = open(path("read_b1_nonzero.npy"), "rb").read()
    raw = raw[:-3] + bytes([2, 0, 255])
    open(path("read_b1_nonzero.npy"), "wb").write(raw)
    cases.append({"file": "read_b1_nonzero.npy", "kind": "read", "dtype": "bool", "shape": [3], "data": [True, False, True]})

    # archives
    arrays = {"x": sample("<f4", (2, 2)), "idx": sample("<i8", (3,)), "mask": sample("|b1", (2, 3)),
              "scalar": np.array(2.5), "fort": np.asfortranarray(sample("<f8", (2, 3)))}
    for name, fn in [("read_plain.npz", np.savez), ("read_compressed.npz", np.savez_compressed)]:
        fn(path(name), **arrays)
        cases.append({"file": name, "kind": "npz", "arrays": {k: content(v) for k, v in arrays.items()}})
    np.savez(path("read_positional.npz"), sample("<i4", (2,)), sample("<f2", (3,)))
    cases.append({"file": "read_positional.npz", "kind": "npz",
                  "arrays": {"arr_0": content(sample("<i4", (2,))), "arr_1": content(sample("<f2", (3,)))}})

    # exact bytes np.save writes; "transpose" asks Flint to write a transposed (non-contiguous) view
    for c in codes:
        add_read(f"bytes_{c[1:]}.npy", sample(c), kind="bytes")
    for name, a in [("bytes_0dim_f8.npy", np.array(-1.5)), ("bytes_empty_f4.npy", np.zeros((0, 3), "<f4")),
                    ("bytes_1d_i8.npy", np.arange(5, dtype="<i8")),
                    ("bytes_3d_i2.npy", sample("<i2", (2, 3, 4))),
                    ("bytes_long_shape.npy", np.zeros((1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2), "<f4"))]:
        add_read(name, a, kind="bytes")
    base = sample("<f4", (3, 4))
    add_read("bytes_transposed_f4.npy", np.ascontiguousarray(base.T), kind="bytes",
             source={"dtype": "float32", "shape": [3, 4], "data": [num(v) for v in base.reshape(-1)]},
             transpose=[0, 1])

    # malformed and unsupported files
    good = open(path("read_f8.npy"), "rb").read()

    def bad(name, data, etype, message):
        with open(path(name), "wb") as f:
            f.write(data)
        cases.append({"file": name, "kind": "error", "type": etype, "message": message})

    bad("bad_magic.npy", b"\x93NUMPX" + good[6:], "InvalidDataException", "magic")
    bad("bad_empty.npy", b"", "InvalidDataException", "EOF")
    bad("bad_short_magic.npy", good[:4], "InvalidDataException", "EOF")
    bad("bad_version.npy", good[:6] + b"\x04\x00" + good[8:], "InvalidDataException", "version")
    bad("bad_truncated_header.npy", good[:40], "InvalidDataException", "EOF")
    bad("bad_truncated_data.npy", good[:-5], "InvalidDataException", "expected 48 bytes")
    bad("bad_no_data.npy", good[:128], "InvalidDataException", "expected 48 bytes")

    def with_header(h, version=(1, 0)):
        b = io.BytesIO()
        h = h.encode("latin1")
        hlen = len(h) + 1
        fmt = "<H" if version == (1, 0) else "<I"
        pad = 64 - ((6 + 2 + struct.calcsize(fmt) + hlen) % 64)
        b.write(b"\x93NUMPY" + bytes(version) + struct.pack(fmt, hlen + pad) + h + b" " * pad + b"\n")
        return b.getvalue()

    bad("bad_not_dict.npy", with_header("[1, 2, 3]"), "InvalidDataException", "dictionary")
    bad("bad_missing_key.npy", with_header("{'descr': '<f4', 'shape': (2,), }"), "InvalidDataException", "keys")
    bad("bad_extra_key.npy", with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1, }"),
        "InvalidDataException", "keys")
    bad("bad_shape.npy", with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }"),
        "InvalidDataException", "shape")
    bad("bad_shape_type.npy", with_header("{'descr': '<f4', 'fortran_order': False, 'shape': 'abc', }"),
        "InvalidDataException", "shape")
    bad("bad_fortran.npy", with_header("{'descr': '<f4', 'fortran_order': 1, 'shape': (2,), }"),
        "InvalidDataException", "fortran_order")
    bad("bad_syntax.npy", with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,"),
        "InvalidDataException", "header")
    bad("bad_huge_shape.npy", with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000, 100000), }"),
        "InvalidDataException", "expected")
    bad("bad_overflow_shape.npy", with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999, 3), }"),
        "InvalidDataException", "shape")
    bad("bad_header_len.npy", good[:8] + struct.pack("<H", 60000) + good[10:], "InvalidDataException", "EOF")
    # NumPy reads the whole header before it measures it: a 4 GB header cut short is an EOF error
    bad("bad_header_len_v2.npy", b"\x93NUMPY\x02\x00" + struct.pack("<I", 0xFFFFFFF0) + b"{}",
        "InvalidDataException", "EOF: reading array header")

    def unsupported(name, a, dtype_text):
        with open(path(name), "wb") as f:
            np.save(f, a, allow_pickle=True)
        cases.append({"file": name, "kind": "error", "type": "NotSupportedException", "message": dtype_text})

    unsupported("bad_complex.npy", np.array([1 + 2j], dtype="<c8"), "<c8")
    unsupported("bad_uint16.npy", np.array([1, 2], dtype="<u2"), "<u2")
    unsupported("bad_uint64.npy", np.array([1, 2], dtype="<u8"), "<u8")
    unsupported("bad_unicode.npy", np.array(["ab"]), "<U2")
    unsupported("bad_object.npy", np.array([{"a": 1}], dtype=object), "|O")
    unsupported("bad_structured.npy", np.zeros(2, dtype=[("a", "<f4"), ("b", "<i4")]), "structured")
    unsupported("bad_datetime.npy", np.array(["2020-01-01"], dtype="datetime64[D]"), "<M8[D]")

    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"numpy": np.__version__, "cases": cases}, f, indent=0)
    total = sum(os.path.getsize(path(p)) for p in os.listdir(OUT))
    print(f"wrote {len(cases)} cases, {total} bytes, to {OUT}")


if __name__ == "__main__":
    main()

"""Hostile sizes, strides and offsets: what PyTorch does with each (error text and type, or the result's shape).

Every case is one line of Python; tests/Flint.Tests/Core/HostileShapeTests.cs runs the same line in C# by case
name. Results are recorded as shapes only (the data of empty tensors is undefined).

Where PyTorch 1.13 wraps an overflowing product instead of refusing it (repeat and tile with a wrapped size, an
as_strided offset whose byte count wraps, set_ without the storage bounds check PyTorch 2 added), the case
records PyTorch 2's refusal instead, marked "override" with the reason.
"""
import torch
from common import write

BIG = 1 << 62
WRAP16 = (1 << 62) + 4  # times 4 wraps to 16


def storage(n):
    return torch.zeros(n).storage()


CASES = {
    "empty_2^62x4": lambda: torch.empty(BIG, 4),
    "empty_2^61x4": lambda: torch.empty(1 << 61, 4),
    "empty_wrap16": lambda: torch.empty(WRAP16, 4),
    "empty_uint8_2^62x4": lambda: torch.empty(BIG, 4, dtype=torch.uint8),
    "empty_sticky_zero": lambda: torch.empty(BIG, 4, 0),
    "empty_zero_dim_huge": lambda: torch.empty(1 << 31, 0, 1 << 33),
    "empty_negative": lambda: torch.empty(-1),
    "empty_float64_2^60": lambda: torch.empty(1 << 60, dtype=torch.float64),
    "zeros_2^32x2^32": lambda: torch.zeros(1 << 32, 1 << 32),
    "zeros_2^31x2^31": lambda: torch.zeros(1 << 31, 1 << 31),
    "ones_2^62x4": lambda: torch.ones(BIG, 4),
    "full_2^62x4": lambda: torch.full((BIG, 4), 1.0),
    "randn_2^62x4": lambda: torch.randn(BIG, 4),
    "rand_2^62x4": lambda: torch.rand(BIG, 4),
    "empty_like_expanded": lambda: torch.empty_like(torch.zeros(1).expand(BIG)),
    "zeros_like_expanded": lambda: torch.zeros_like(torch.zeros(1).expand(BIG)),
    "to_double_expanded_bool": lambda: torch.zeros(1, dtype=torch.bool).expand(BIG).double(),
    "contiguous_expanded": lambda: torch.zeros(1).expand(BIG).contiguous(),
    "linspace_2^62": lambda: torch.linspace(0, 1, BIG),
    "randperm_2^62": lambda: torch.randperm(BIG),
    "arange_2^62": lambda: torch.arange(0, BIG),
    "empty_strided_ok": lambda: torch.empty_strided((2, 3), (3, 1)),
    "empty_strided_overflow": lambda: torch.empty_strided([1 << 32, 1 << 32], [1 << 32, 1]),
    "empty_strided_negative_stride": lambda: torch.empty_strided([2, 3], [-1, 1]),
    "empty_strided_mismatch": lambda: torch.empty_strided([2, 3], [1]),
    "repeat_2^32x2^32": lambda: torch.ones(2).repeat(1 << 32, 1 << 32),
    "repeat_2^31x2^31": lambda: torch.zeros(2).repeat(1 << 31, 1 << 31),
    "repeat_wrap2": lambda: torch.zeros(1, 1).repeat(4294967297, 4294967297),
    "repeat_wrap16": lambda: torch.zeros(4).repeat(WRAP16),
    "tile_wrap16": lambda: torch.zeros(4).tile(WRAP16),
    "tile_2^32x2^32": lambda: torch.zeros(3).tile(1 << 32, 1 << 32),
    "expand_2^32x2^32": lambda: torch.zeros(1).expand(1 << 32, 1 << 32),
    "expand_2^62x3": lambda: torch.zeros(3).unsqueeze(0).expand(BIG, 3),
    "expand_wrap": lambda: torch.zeros(2).expand(WRAP16, 4, 2),
    "expand_sticky_zero": lambda: torch.zeros(0).expand(BIG, 4, 0),
    "expand_3x2^62": lambda: torch.zeros(3, 1).expand(3, BIG),
    "view_wrap16": lambda: torch.zeros(16).view(WRAP16, 4),
    "view_wrap16_inferred": lambda: torch.zeros(16).view(-1, WRAP16, 4),
    "view_wrap_zero": lambda: torch.zeros(0).view(1 << 32, 1 << 32, 0),
    "reshape_wrap16": lambda: torch.zeros(16).reshape(WRAP16, 4),
    "reshape_2^62x4": lambda: torch.zeros(3).reshape(BIG, 4),
    "narrow_huge_length": lambda: torch.zeros(2, 3).narrow(1, 1, BIG),
    "as_strided_ok": lambda: torch.zeros(10).as_strided([2, 3], [4, 1]),
    "as_strided_overflow": lambda: torch.zeros(10).as_strided([1 << 32, 1 << 32], [1 << 32, 1]),
    "as_strided_out_of_bounds": lambda: torch.zeros(10).as_strided([2, 3], [4, 1], 8),
    "as_strided_offset_wraps": lambda: torch.zeros(10).as_strided([2, 3], [4, 1], BIG),
    "as_strided_stride0_numel": lambda: torch.zeros(10).as_strided([BIG, 3], [0, 0]),
    "as_strided_numel_wrap": lambda: torch.zeros(4).as_strided((WRAP16, 4), (1, 0)),
    "as_strided_zero_size": lambda: torch.zeros(10).as_strided([BIG, 4, 0], [1, 1, 1]),
    "as_strided_negative_offset": lambda: torch.zeros(4).as_strided((2, 2), (1, 1), -1),
    "as_strided_mismatch": lambda: torch.zeros(4).as_strided((2,), (1, 1)),
    "as_strided_negative_size": lambda: torch.zeros(4).as_strided((-2, 2), (1, 1)),
    "as_strided_negative_stride": lambda: torch.zeros(4).as_strided((2, 2), (-1, 1)),
    "set_ok": lambda: torch.zeros(3).set_(storage(10), 0, (2, 5), (5, 1)),
    "set_contiguous_offset": lambda: torch.zeros(3).set_(storage(6), 1, (2, 2)),
    "set_out_of_bounds": lambda: torch.zeros(3).set_(storage(10), 8, (2, 3), (4, 1)),
    "set_whole_storage_too_big": lambda: torch.zeros(3).set_(storage(10), 0, (3, 4), (4, 1)),
    "set_overflow": lambda: torch.zeros(10).set_(storage(10), 0, [1 << 32, 1 << 32], [1 << 32, 1]),
    "set_overflow_contiguous": lambda: torch.zeros(3).set_(storage(10), 0, (BIG, 4)),
    "set_negative_offset": lambda: torch.zeros(10).set_(storage(10), -1, [2], [1]),
    "set_negative_stride": lambda: torch.zeros(10).set_(storage(10), 0, [2], [-1]),
    "set_storage_dtype": lambda: torch.zeros(3).set_(torch.zeros(3, dtype=torch.long).storage()),
    "set_tensor": lambda: torch.zeros(3).set_(torch.zeros(2, 5)),
    "set_empty": lambda: torch.zeros(3).set_(),
}

# PyTorch 1.13 wraps these products or skips the bounds check (see the module doc); PyTorch 2 refuses them.
OVERRIDES = {
    "repeat_wrap16": ("numel: integer multiplication overflow", "RuntimeError",
                      "1.13 multiplies 4 * (2^62 + 4) unchecked and returns a 16-element tensor"),
    "tile_wrap16": ("numel: integer multiplication overflow", "RuntimeError",
                    "1.13 multiplies 4 * (2^62 + 4) unchecked and returns a 16-element tensor"),
    "as_strided_offset_wraps": ("Storage size calculation overflowed with sizes=[2, 3] and strides=[4, 1]", "RuntimeError",
                                "1.13's byte count (2^62 + 7) * 4 wraps to 28 and passes the bounds check"),
    "set_out_of_bounds": ("setStorage: sizes [2, 3], strides [4, 1], storage offset 8, and itemsize 4 requiring a storage size of 60 are out of bounds for storage of size 40", "RuntimeError",
                          "1.13's set_ does not check the storage's bounds; 2.x does (its as_strided text)"),
    "set_whole_storage_too_big": ("setStorage: sizes [3, 4], strides [4, 1], storage offset 0, and itemsize 4 requiring a storage size of 48 are out of bounds for storage of size 40", "RuntimeError",
                                  "1.13's set_ does not check the storage's bounds; 2.x does (its as_strided text)"),
}


def record(name, fn):
    if name in OVERRIDES:
        err, typ, why = OVERRIDES[name]
        return {"name": name, "error": err, "type": typ, "override": why}
    try:
        r = fn()
    except Exception as e:  # noqa: BLE001 - PyTorch's error text is the record
        return {"name": name, "error": str(e).split("\n")[0], "type": type(e).__name__}
    return {"name": name, "shape": list(r.shape), "strides": list(r.stride()), "offset": r.storage_offset()}


write("hostile_shapes", [record(n, f) for n, f in CASES.items()])

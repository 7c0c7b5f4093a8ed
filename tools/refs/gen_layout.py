"""Reference data for memory formats and the layouts of results: contiguous/is_contiguous/clone/to/*_like with
memory_format, the strides TensorIterator gives elementwise results (unary, binary, comparisons, where,
masked_fill) over permuted, sliced, expanded and channels_last inputs, and the formats conv2d, batch_norm,
max_pool2d, adaptive_avg_pool2d and relu give channels_last inputs (with the gradients' layouts).
Replayed by tests/Flint.Tests/Core/LayoutReferenceTests.cs.

Inputs are described, not stored: {"base": shape, "ops": [...]} builds value(i) = ((37 i) mod 23 - 11) / 8
over a contiguous tensor of the base shape (exact in every float dtype), then applies the view ops in order:
["permute", dims], ["step", dim, k] (every k-th element along dim), ["expand", sizes], ["cl"], ["cl3d"]
(contiguous(memory_format=channels_last / channels_last_3d)), ["narrow", dim, start, length].
Outcomes: {"out": <tensor>, "stride": [...]} or {"py": value} or {"error", "type"}; gradient cases add
"grads": [{"t": <tensor>, "stride": [...]}] and "grad_fn".
Run: /usr/bin/python3 tools/refs/gen_layout.py
"""
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(__file__))
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from common import enc, write  # noqa: E402

warnings.filterwarnings("ignore")
DT = {"float32": torch.float32, "float64": torch.float64, "int64": torch.int64}


def make(spec):
    base = spec["base"]
    dt = DT[spec.get("dtype", "float32")]
    n = 1
    for d in base:
        n *= d
    i = torch.arange(n, dtype=torch.int64)
    v = (((i * 37) % 23) - 11).to(torch.float64) / 8
    if not dt.is_floating_point:
        v = ((i * 37) % 23) - 11
    x = v.to(dt).reshape(base)
    for op in spec.get("ops", []):
        k = op[0]
        if k == "permute":
            x = x.permute(*op[1])
        elif k == "step":
            idx = [slice(None)] * x.dim()
            idx[op[1]] = slice(None, None, op[2])
            x = x[tuple(idx)]
        elif k == "expand":
            x = x.expand(*op[1])
        elif k == "cl":
            x = x.contiguous(memory_format=torch.channels_last)
        elif k == "cl3d":
            x = x.contiguous(memory_format=torch.channels_last_3d)
        elif k == "narrow":
            x = x.narrow(op[1], op[2], op[3])
        else:
            raise ValueError(k)
    return x


CL, CF, CL3, PF = torch.channels_last, torch.contiguous_format, torch.channels_last_3d, torch.preserve_format
OPS = {
    "neg": lambda x: torch.neg(x),
    "exp": lambda x: torch.exp(x),
    "abs": lambda x: torch.abs(x),
    "sigmoid": lambda x: torch.sigmoid(x),
    "relu": lambda x: torch.relu(x),
    "add": lambda x, y: x + y,
    "mul": lambda x, y: x * y,
    "sub": lambda x, y: x - y,
    "add_number": lambda x: x + 1.5,
    "rsub_number": lambda x: 2 - x,
    "gt": lambda x, y: x > y,
    "eq_number": lambda x: x == 0.375,
    "where": lambda x, y: torch.where(x > 0, x, y),
    "masked_fill": lambda x, y: x.masked_fill(y > 0, 2.0),
    "clone": lambda x: x.clone(),
    "clone_cf": lambda x: x.clone(memory_format=CF),
    "clone_cl": lambda x: x.clone(memory_format=CL),
    "clone_cl3d": lambda x: x.clone(memory_format=CL3),
    "empty_like": lambda x: torch.empty_like(x),
    "empty_like_cl": lambda x: torch.empty_like(x, memory_format=CL),
    "zeros_like": lambda x: torch.zeros_like(x),
    "zeros_like_cf": lambda x: torch.zeros_like(x, memory_format=CF),
    "ones_like": lambda x: torch.ones_like(x),
    "ones_like_cl": lambda x: torch.ones_like(x, memory_format=CL),
    "ones_like_cl3d": lambda x: torch.ones_like(x, memory_format=CL3),
    "contiguous": lambda x: x.contiguous(),
    "contiguous_cl": lambda x: x.contiguous(memory_format=CL),
    "contiguous_cl3d": lambda x: x.contiguous(memory_format=CL3),
    "contiguous_preserve": lambda x: x.contiguous(memory_format=PF),
    "to_cl": lambda x: x.to(memory_format=CL),
    "to_cf": lambda x: x.to(memory_format=CF),
    "to_cl3d": lambda x: x.to(memory_format=CL3),
    "to_double": lambda x: x.to(torch.float64),
    "to_double_cl": lambda x: x.to(torch.float64, memory_format=CL),
    "is_contiguous": lambda x: x.is_contiguous(),
    "is_contiguous_cl": lambda x: x.is_contiguous(memory_format=CL),
    "is_contiguous_cl3d": lambda x: x.is_contiguous(memory_format=CL3),
    "is_contiguous_pf": lambda x: x.is_contiguous(memory_format=PF),
    "conv2d": lambda x, w: F.conv2d(x, w, padding=1),
    "conv2d_bias": lambda x, w, b: F.conv2d(x, w, b, stride=2),
    "batch_norm": lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
    "batch_norm_eval": lambda x, m, v: F.batch_norm(x, m, v.abs() + 1, None, None, training=False),
    "max_pool2d": lambda x: F.max_pool2d(x, 2, 2),
    "max_pool2d_pad": lambda x: F.max_pool2d(x, 3, 2, 1),
    "adaptive_avg_pool2d": lambda x: F.adaptive_avg_pool2d(x, (2, 3)),
    "adaptive_avg_pool2d_1": lambda x: F.adaptive_avg_pool2d(x, 1),
}
cases = []


def tensor_out(r):
    return {"out": enc(r), "stride": list(r.stride())}


def add(name, op, *inputs, grad=False):
    c = {"name": name, "op": op, "inputs": list(inputs), "grad": grad}
    try:
        xs = [make(s) for s in inputs]
        if grad:
            xs = [x.detach().requires_grad_(True) for x in xs]
        r = OPS[op](*xs)
    except Exception as e:  # noqa: BLE001 - PyTorch's error text is the reference
        c["error"] = str(e).split("\n")[0]
        c["type"] = type(e).__name__
        cases.append(c)
        return
    if isinstance(r, torch.Tensor):
        c.update(tensor_out(r))
        if grad:
            c["grad_fn"] = type(r.grad_fn).__name__
            (r * r).sum().backward()
            c["grads"] = [{"t": enc(x.grad), "stride": list(x.grad.stride())} for x in xs]
    else:
        c["py"] = r
    cases.append(c)


def S(base, *ops, dtype="float32"):
    d = {"base": list(base), "ops": [list(o) for o in ops]}
    if dtype != "float32":
        d["dtype"] = dtype
    return d


# inputs of every layout kind
LAYOUTS = {
    "contig": S([2, 3, 4, 5]),
    "cl": S([2, 3, 4, 5], ["cl"]),
    "cl_c1": S([2, 1, 4, 5], ["cl"]),
    "cl_hw1": S([2, 3, 1, 1], ["cl"]),
    "cl_n1": S([1, 3, 4, 1], ["cl"]),
    "cl_zero": S([2, 3, 0, 5], ["cl"]),
    "nhwc_permuted": S([2, 4, 5, 3], ["permute", [0, 3, 1, 2]]),
    "transposed": S([2, 3, 5, 4], ["permute", [0, 1, 3, 2]]),
    "cl_sliced": S([2, 3, 4, 10], ["cl"], ["step", 3, 2]),
    "cl_narrow_c": S([2, 6, 4, 5], ["cl"], ["narrow", 1, 1, 3]),
    "sliced": S([2, 3, 4, 10], ["step", 3, 2]),
    "expanded": S([1, 3, 1, 5], ["expand", [2, 3, 4, 5]]),
    "cl3d": S([2, 3, 2, 4, 5], ["cl3d"]),
    "contig5": S([2, 3, 2, 4, 5]),
    "rank3": S([3, 4, 5]),
    "rank3_t": S([3, 5, 4], ["permute", [0, 2, 1]]),
    "rank2_t": S([7, 9], ["permute", [1, 0]]),
    "rank1_step": S([17], ["step", 0, 3]),
    "rank0": S([]),
}

for lname, spec in LAYOUTS.items():
    for op in ["is_contiguous", "is_contiguous_cl", "is_contiguous_cl3d", "clone", "clone_cf", "clone_cl",
               "clone_cl3d", "empty_like", "empty_like_cl", "zeros_like", "zeros_like_cf", "ones_like",
               "ones_like_cl", "ones_like_cl3d", "contiguous", "contiguous_cl", "contiguous_cl3d",
               "to_cl", "to_cf", "to_cl3d", "to_double", "to_double_cl", "neg", "exp", "abs", "relu",
               "sigmoid", "add_number", "rsub_number", "eq_number"]:
        add(f"{op}/{lname}", op, spec)
    add(f"contiguous_preserve/{lname}", "contiguous_preserve", spec)
add("is_contiguous_pf/cl", "is_contiguous_pf", LAYOUTS["cl"])
add("neg_int/cl", "neg", S([2, 3, 4, 5], ["cl"], dtype="int64"))
add("to_double/cl_int", "to_double", S([2, 3, 4, 5], ["cl"], dtype="int64"))

# binary operands: same layout, mixed layouts, broadcasts
PAIRS = [
    ("contig", "contig"), ("cl", "cl"), ("cl", "contig"), ("contig", "cl"), ("transposed", "transposed"),
    ("transposed", "contig"), ("contig", "transposed"), ("nhwc_permuted", "nhwc_permuted"), ("cl", "transposed"),
    ("sliced", "sliced"), ("cl_sliced", "cl_sliced"), ("cl", "sliced"), ("expanded", "cl"), ("cl", "expanded"),
    ("expanded", "expanded"), ("cl_hw1", "cl_hw1"), ("cl_c1", "cl_c1"), ("rank2_t", "rank2_t"),
    ("cl3d", "cl3d"), ("cl3d", "contig5"),
]
BCAST = {
    "bias_c11": S([3, 1, 1]),
    "row_w": S([5]),
    "col_h1": S([4, 1]),
    "scalar_t": S([]),
    "chan_1c11": S([1, 3, 1, 1]),
}
for a, b in PAIRS:
    for op in ["add", "mul", "gt", "where", "masked_fill"]:
        add(f"{op}/{a}+{b}", op, LAYOUTS[a], LAYOUTS[b])
for a in ["cl", "transposed", "sliced", "contig", "nhwc_permuted"]:
    for b, bs in BCAST.items():
        for op in ["add", "sub", "gt", "where", "masked_fill"]:
            add(f"{op}/{a}+{b}", op, LAYOUTS[a], bs)
        add(f"sub/{b}+{a}", "sub", bs, LAYOUTS[a])
add("add/rank2_t+row", "add", LAYOUTS["rank2_t"], S([7]))
add("add/rank3_t+rank3", "add", LAYOUTS["rank3_t"], LAYOUTS["rank3"])

# layers on channels_last inputs: output layout, gradients and their layout
W = S([4, 3, 3, 3])
for lname in ["contig", "cl", "nhwc_permuted", "cl_hw1"]:
    x = LAYOUTS[lname]
    add(f"conv2d/{lname}", "conv2d", x, W, grad=True)
    add(f"conv2d/{lname}+w_cl", "conv2d", x, S([4, 3, 3, 3], ["cl"]), grad=True)
    add(f"conv2d_bias/{lname}", "conv2d_bias", x, S([4, 3, 1, 1]), S([4]), grad=True)
    add(f"batch_norm/{lname}", "batch_norm", x, S([3]), S([3]), grad=True)
    add(f"batch_norm_eval/{lname}", "batch_norm_eval", x, S([3]), S([3]))
    add(f"relu/{lname}", "relu", x, grad=True)
    add(f"max_pool2d_pad/{lname}", "max_pool2d_pad", x, grad=True)
    add(f"adaptive_avg_pool2d/{lname}", "adaptive_avg_pool2d", x, grad=True)
    add(f"adaptive_avg_pool2d_1/{lname}", "adaptive_avg_pool2d_1", x, grad=True)
for lname in ["contig", "cl", "nhwc_permuted"]:
    add(f"max_pool2d/{lname}", "max_pool2d", LAYOUTS[lname], grad=True)
add("conv2d/contig+w_cl", "conv2d", LAYOUTS["contig"], S([4, 3, 3, 3], ["cl"]), grad=True)
add("add/grad_cl+contig", "add", LAYOUTS["cl"], LAYOUTS["contig"], grad=True)
add("mul/grad_cl+bias", "mul", LAYOUTS["cl"], BCAST["bias_c11"], grad=True)
add("neg/grad_cl", "neg", LAYOUTS["cl"], grad=True)
add("to_cl/grad_contig", "to_cl", LAYOUTS["contig"], grad=True)
add("contiguous_cl/grad_contig", "contiguous_cl", LAYOUTS["contig"], grad=True)
add("contiguous/grad_cl", "contiguous", LAYOUTS["cl"], grad=True)
add("clone/grad_transposed", "clone", LAYOUTS["transposed"], grad=True)

write("layout", cases)

"""Reference data for padding, interpolation, pixel shuffling, one_hot and unfold/fold: F.pad (constant, reflect,
replicate, circular), F.interpolate (nearest, nearest-exact, linear, bilinear, bicubic, trilinear, area),
F.pixel_shuffle/pixel_unshuffle, F.one_hot, F.unfold/F.fold; values, gradients, grad_fn names, error texts, and the
layers' repr and forward.

Case format (besides common.py's tensor/outcome encoding):
  {"kind": "op", "name", "op", "x": tensor, "kw": {...}} + outcome; floating cases that succeed also carry "gy" (the
  upstream gradient), "grad" (the gradient of sum(y * gy) with respect to x) and "grad_fn" (y's node name).
  {"kind": "layer", "name", "repr", "x", "out"}: str(module) and module(x) of a layer built by name on the C# side.
Where PyTorch 2.x differs from the 1.13 that records, the record holds 2.x's behaviour and an "override" reason.
Run with /usr/bin/python3 (PyTorch 1.13).
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from common import enc, write, outcome  # noqa: E402

torch.manual_seed(0)
cases = []

OPS = {
    "pad": lambda x, **k: F.pad(x, **k),
    "interpolate": lambda x, **k: F.interpolate(x, **k),
    "pixel_shuffle": lambda x, **k: F.pixel_shuffle(x, **k),
    "pixel_unshuffle": lambda x, **k: F.pixel_unshuffle(x, **k),
    "one_hot": lambda x, **k: F.one_hot(x, **k),
    "unfold": lambda x, **k: F.unfold(x, **k),
    "fold": lambda x, **k: F.fold(x, **k),
}

# PyTorch 2.x decomposes interpolate's .vec overloads into the base ops, whose nodes end in Backward0
VEC = re.compile(r"^(Upsample\w+)Backward1$")


def rnd(shape, dtype=torch.float32):
    if dtype in (torch.int64, torch.int32, torch.uint8, torch.int16, torch.int8):
        return torch.randint(0, 9, shape).to(dtype)
    if dtype == torch.bool:
        return torch.randint(0, 2, shape).bool()
    return torch.randn(shape, dtype=torch.float64).to(dtype)


def add(name, op, x, transpose=None, override=None, **kw):
    case = {"kind": "op", "name": name, "op": op, "x": enc(x, transpose=transpose)}
    if kw:
        case["kw"] = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()}
    case.update(outcome(lambda: OPS[op](x, **kw)))
    if "out" in case and x.dtype in (torch.float32, torch.float64):
        xr = x.detach().clone().requires_grad_(True)
        y = OPS[op](xr, **kw)
        gy = rnd(tuple(y.shape), y.dtype)
        (g,) = torch.autograd.grad((y * gy).sum(), [xr])
        case["gy"] = enc(gy)
        case["grad"] = enc(g)
        name_ = y.grad_fn.name()
        m = VEC.match(name_)
        if m:
            name_ = m.group(1) + "Backward0"
        case["grad_fn"] = name_
    if override:
        case.update(override)
    cases.append(case)


def err(name, op, x, text, kind, reason, **kw):
    """An error whose text or type 2.x changed: the record holds 2.x's."""
    case = {"kind": "op", "name": name, "op": op, "x": enc(x)}
    if kw:
        case["kw"] = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()}
    case.update({"error": text, "type": kind, "override": reason})
    cases.append(case)


# ---------------- F.pad ----------------
for dt in (torch.float32, torch.float64):
    s = "f32" if dt == torch.float32 else "f64"
    x3, x4, x5 = rnd((2, 3, 5), dt), rnd((1, 2, 4, 5), dt), rnd((1, 2, 3, 4, 3), dt)
    add(f"const_1d/{s}", "pad", x3, pad=(1, 2))
    add(f"const_2d_value/{s}", "pad", x4, pad=(2, 1, 0, 3), value=1.5)
    add(f"const_3d/{s}", "pad", x5, pad=(1, 1, 2, 0, 1, 2))
    add(f"const_crop/{s}", "pad", x4, pad=(-1, 2, 1, -2))
    add(f"const_batchdim/{s}", "pad", x3, pad=(0, 0, 0, 0, 1, 1), value=-2.0)
    for mode in ("reflect", "replicate", "circular"):
        add(f"{mode}_1d/{s}", "pad", x3, pad=(2, 3) if mode != "reflect" else (2, 4), mode=mode)
        add(f"{mode}_2d/{s}", "pad", x4, pad=(1, 3, 2, 1), mode=mode)
        add(f"{mode}_3d/{s}", "pad", x5, pad=(1, 2, 2, 1, 1, 0), mode=mode)
        add(f"{mode}_crop/{s}", "pad", x4, pad=(-1, 2, 1, -2), mode=mode)
    add(f"reflect_1d_unbatched/{s}", "pad", rnd((3, 6), dt), pad=(3, 1), mode="reflect")
    add(f"replicate_2d_unbatched/{s}", "pad", rnd((2, 3, 4), dt), pad=(4, 0, 1, 5), mode="replicate")
    add(f"reflect_3d_unbatched/{s}", "pad", rnd((2, 3, 4, 3), dt), pad=(1, 1, 2, 0, 0, 1), mode="reflect")
    add(f"reflect_2d_noncontig/{s}", "pad", rnd((1, 2, 5, 4), dt).transpose(2, 3), transpose=(2, 3), pad=(2, 1, 1, 2), mode="reflect")
    add(f"replicate_2d_noncontig/{s}", "pad", rnd((1, 2, 5, 4), dt).transpose(2, 3), transpose=(2, 3), pad=(2, 1, 1, 2), mode="replicate")
    add(f"reflect_zero_value/{s}", "pad", x4, pad=(1, 1, 1, 1), mode="reflect", value=0.0)
for dt in (torch.int64, torch.int32, torch.uint8, torch.bool, torch.float16, torch.bfloat16):
    add(f"const_2d/{str(dt)[6:]}", "pad", rnd((2, 3, 4), dt), pad=(1, 2, -1, 1), value=1)
    add(f"reflect/{str(dt)[6:]}", "pad", rnd((2, 3, 4), dt), pad=(1, 1), mode="reflect")
    add(f"replicate/{str(dt)[6:]}", "pad", rnd((2, 3, 4), dt), pad=(1, 1), mode="replicate")
add("circular_2d/int64", "pad", rnd((1, 2, 3, 4), torch.int64), pad=(1, 2, 2, 1), mode="circular")
x = rnd((1, 2, 3, 4))
add("err_odd", "pad", x, pad=(1, 2, 3))
err("err_too_long", "pad", x, "Padding length should be less than or equal to two times the input dimension but got padding length 10 and input of dimension 4",
    "RuntimeError", "PyTorch 2.x's _pad_enum names both lengths (1.13: 'Padding length too large')", pad=(1,) * 10)
add("err_mode", "pad", x, pad=(1, 1), mode="foo")
add("err_rank", "pad", x, pad=(1, 1), mode="reflect")
add("err_rank_5d", "pad", rnd((1, 1, 2, 2, 2)), pad=(1, 1, 1, 1), mode="replicate")
add("err_value", "pad", x, pad=(1, 1, 1, 1), mode="reflect", value=1.0)
SIZES = "PyTorch 2.x's reflection_pad2d prints the input's sizes (1.13: its dim count)"
err("err_reflect_w", "pad", x, "Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (4, 1) at dimension 3 of input [1, 2, 3, 4]",
    "RuntimeError", SIZES, pad=(4, 1, 1, 1), mode="reflect")
err("err_reflect_h", "pad", x, "Argument #6: Padding size should be less than the corresponding input dimension, but got: padding (3, 1) at dimension 2 of input [1, 2, 3, 4]",
    "RuntimeError", SIZES, pad=(1, 1, 3, 1), mode="reflect")
add("err_reflect_1d", "pad", rnd((2, 3)), pad=(3, 1), mode="reflect")
add("err_reflect_3d_d", "pad", rnd((1, 3, 3, 3)), pad=(0, 0, 0, 0, 3, 0), mode="reflect")
add("err_reflect_3d_w", "pad", rnd((1, 3, 3, 3)), pad=(3, 0, 0, 0, 0, 0), mode="reflect")
add("err_replicate_small_1d", "pad", rnd((2, 3)), pad=(-2, -2), mode="replicate")
add("err_replicate_small_2d", "pad", rnd((1, 3, 3)), pad=(-2, -2, 0, 0), mode="replicate")
add("err_replicate_empty", "pad", rnd((2, 0, 3)), pad=(1, 1, 1, 1), mode="replicate")
add("err_circular_wrap", "pad", x, pad=(5, 5, 1, 1), mode="circular")
add("err_circular_negative", "pad", x, pad=(-2, -3, 1, 1), mode="circular")
err("err_const_negative", "pad", x, "The input size 4, plus negative padding -2 and -3 resulted in a negative output size, which is invalid. Check dimension 3 of your input.",
    "RuntimeError", "PyTorch 2.x's constant_pad_nd checks the output size (1.13 fails later, in narrow)", pad=(-2, -3))
add("replicate_empty_batch", "pad", rnd((0, 2, 3, 3)), pad=(1, 1, 1, 1), mode="replicate")
add("reflect_zero_width_out", "pad", x, pad=(-2, -2, 1, 1), mode="reflect")

# ---------------- F.interpolate ----------------
for dt in (torch.float32, torch.float64):
    s = "f32" if dt == torch.float32 else "f64"
    x3, x4, x5 = rnd((2, 3, 5), dt), rnd((1, 2, 5, 4), dt), rnd((1, 2, 3, 4, 3), dt)
    xnc = rnd((1, 2, 4, 5), dt).transpose(2, 3)
    for mode in ("nearest", "nearest-exact"):
        m = mode.replace("-", "_")
        add(f"{m}_1d_up/{s}", "interpolate", x3, size=11, mode=mode)
        add(f"{m}_1d_scale/{s}", "interpolate", x3, scale_factor=1.7, mode=mode)
        add(f"{m}_2d_x2/{s}", "interpolate", x4, scale_factor=2, mode=mode)
        add(f"{m}_2d_size/{s}", "interpolate", x4, size=(7, 3), mode=mode)
        add(f"{m}_2d_down/{s}", "interpolate", x4, scale_factor=(0.6, 0.5), mode=mode)
        add(f"{m}_2d_noncontig/{s}", "interpolate", xnc, transpose=(2, 3), size=(9, 6), mode=mode)
        add(f"{m}_3d/{s}", "interpolate", x5, size=(4, 6, 2), mode=mode)
        add(f"{m}_3d_scale/{s}", "interpolate", x5, scale_factor=(1.5, 0.75, 2.0), mode=mode)
    for ac in (False, True):
        a = "ac" if ac else "noac"
        add(f"linear_up/{a}/{s}", "interpolate", x3, size=12, mode="linear", align_corners=ac)
        add(f"linear_down/{a}/{s}", "interpolate", x3, size=3, mode="linear", align_corners=ac)
        add(f"linear_scale/{a}/{s}", "interpolate", x3, scale_factor=0.7, mode="linear", align_corners=ac)
        add(f"linear_same/{a}/{s}", "interpolate", x3, size=5, mode="linear", align_corners=ac)
        add(f"linear_to1/{a}/{s}", "interpolate", x3, size=1, mode="linear", align_corners=ac)
        for mode in ("bilinear", "bicubic"):
            add(f"{mode}_up/{a}/{s}", "interpolate", x4, size=(9, 7), mode=mode, align_corners=ac)
            add(f"{mode}_x2/{a}/{s}", "interpolate", x4, scale_factor=2, mode=mode, align_corners=ac)
            add(f"{mode}_down/{a}/{s}", "interpolate", rnd((1, 2, 9, 8), dt), size=(4, 3), mode=mode, align_corners=ac)
            add(f"{mode}_scale/{a}/{s}", "interpolate", x4, scale_factor=(1.3, 2.6), mode=mode, align_corners=ac)
            add(f"{mode}_recompute/{a}/{s}", "interpolate", x4, scale_factor=(1.3, 2.6), mode=mode, align_corners=ac, recompute_scale_factor=True)
            add(f"{mode}_noncontig/{a}/{s}", "interpolate", xnc, transpose=(2, 3), size=(7, 6), mode=mode, align_corners=ac)
        add(f"trilinear_up/{a}/{s}", "interpolate", x5, size=(4, 6, 5), mode="trilinear", align_corners=ac)
        add(f"trilinear_scale/{a}/{s}", "interpolate", x5, scale_factor=(1.5, 0.75, 2.0), mode="trilinear", align_corners=ac)
    add(f"area_1d/{s}", "interpolate", rnd((2, 3, 7), dt), size=3, mode="area")
    add(f"area_2d/{s}", "interpolate", rnd((1, 2, 7, 6), dt), size=(3, 4), mode="area")
    add(f"area_2d_scale/{s}", "interpolate", x4, scale_factor=1.5, mode="area")
add("nearest_2d/uint8", "interpolate", rnd((1, 2, 3, 3), torch.uint8), scale_factor=2.5)
add("nearest_exact_2d/uint8", "interpolate", rnd((1, 2, 3, 3), torch.uint8), size=(5, 2), mode="nearest-exact")
add("nearest_1d/uint8", "interpolate", rnd((1, 2, 5), torch.uint8), size=3)
for dt in (torch.int64, torch.int32, torch.bool, torch.float16):
    for mode in ("nearest", "bilinear", "bicubic", "area"):
        add(f"{mode}/{str(dt)[6:]}", "interpolate", rnd((1, 2, 3, 3), dt), scale_factor=2, mode=mode)
    add(f"linear/{str(dt)[6:]}", "interpolate", rnd((1, 2, 3), dt), scale_factor=2, mode="linear")
# bfloat16: nearest and area only; 1.13's weighted modes round every product and sum to bfloat16, 2.x's weight in
# float (with bfloat16 weights) and round once, so 1.13's values are not 2.x's
for mode, shape, kw in (("nearest", (1, 2, 3, 3), {"scale_factor": 2.5}), ("area", (1, 2, 6, 6), {"size": (4, 3)})):
    add(f"{mode}/bfloat16", "interpolate", rnd(shape, torch.bfloat16), mode=mode, **kw)
x = rnd((1, 2, 3, 4))
add("err_mode", "interpolate", x, size=3, mode="foo")
add("err_align_nearest", "interpolate", x, size=3, mode="nearest", align_corners=True)
add("err_both", "interpolate", x, size=3, scale_factor=2.0)
add("err_none", "interpolate", x)
add("err_size_len", "interpolate", x, size=(3, 4, 5))
add("err_scale_len", "interpolate", x, scale_factor=(3.0, 4.0, 5.0))
add("err_recompute_size", "interpolate", x, size=3, recompute_scale_factor=True)
err("err_antialias_mode", "interpolate", x, "Anti-alias option is restricted to bilinear and bicubic modes and requires a 4-D tensor as input",
    "ValueError", "PyTorch 2.x names the rank too", size=3, antialias=True)
add("err_3d_bilinear", "interpolate", rnd((1, 2, 3)), size=3, mode="bilinear")
add("err_3d_trilinear", "interpolate", rnd((1, 2, 3)), size=3, mode="trilinear")
add("err_3d_bicubic", "interpolate", rnd((1, 2, 3)), size=3, mode="bicubic")
add("err_4d_linear", "interpolate", x, size=3, mode="linear")
add("err_4d_trilinear", "interpolate", x, size=3, mode="trilinear")
add("err_5d_linear", "interpolate", rnd((1, 1, 2, 2, 2)), size=3, mode="linear")
add("err_5d_bilinear", "interpolate", rnd((1, 1, 2, 2, 2)), size=3, mode="bilinear")
add("err_2d_input", "interpolate", rnd((2, 2)), size=3)
add("err_6d_input", "interpolate", rnd((1, 1, 1, 1, 1, 1)), size=3)
add("err_zero_size", "interpolate", x, size=(0, 3))
add("err_zero_size_1d", "interpolate", rnd((1, 2, 3)), size=0)
add("err_zero_size_3d", "interpolate", rnd((1, 1, 2, 2, 2)), size=(2, 0, 2), mode="trilinear")
add("err_small_scale", "interpolate", x, scale_factor=0.1, mode="bilinear")
add("err_empty_channels", "interpolate", rnd((1, 0, 3, 3)), size=(4, 3), mode="bilinear")
add("empty_batch", "interpolate", rnd((0, 2, 3, 3)), size=(4, 3))

# ---------------- pixel_shuffle / pixel_unshuffle ----------------
for dt in (torch.float32, torch.float64):
    s = "f32" if dt == torch.float32 else "f64"
    add(f"shuffle/{s}", "pixel_shuffle", rnd((2, 8, 3, 2), dt), upscale_factor=2)
    add(f"shuffle_r3_unbatched/{s}", "pixel_shuffle", rnd((9, 2, 3), dt), upscale_factor=3)
    add(f"shuffle_5d/{s}", "pixel_shuffle", rnd((2, 1, 4, 2, 2), dt), upscale_factor=2)
    add(f"unshuffle/{s}", "pixel_unshuffle", rnd((2, 2, 4, 6), dt), downscale_factor=2)
    add(f"unshuffle_r3/{s}", "pixel_unshuffle", rnd((1, 6, 3), dt), downscale_factor=3)
    add(f"shuffle_noncontig/{s}", "pixel_shuffle", rnd((1, 4, 3, 2), dt).transpose(2, 3), transpose=(2, 3), upscale_factor=2)
add("shuffle/int64", "pixel_shuffle", rnd((1, 4, 2, 3), torch.int64), upscale_factor=2)
add("unshuffle/bool", "pixel_unshuffle", rnd((1, 1, 4, 2), torch.bool), downscale_factor=2)
add("err_shuffle_rank", "pixel_shuffle", rnd((2, 2)), upscale_factor=2)
add("err_shuffle_factor", "pixel_shuffle", rnd((1, 4, 2, 2)), upscale_factor=0)
add("err_shuffle_channels", "pixel_shuffle", rnd((1, 3, 2, 2)), upscale_factor=2)
add("err_unshuffle_h", "pixel_unshuffle", rnd((1, 3, 3, 2)), downscale_factor=2)
add("err_unshuffle_w", "pixel_unshuffle", rnd((1, 3, 2, 3)), downscale_factor=2)
add("err_unshuffle_factor", "pixel_unshuffle", rnd((1, 3, 2, 3)), downscale_factor=0)
add("err_unshuffle_rank", "pixel_unshuffle", rnd((2, 3)), downscale_factor=1)

# ---------------- one_hot ----------------
add("one_hot/infer", "one_hot", torch.tensor([0, 3, 1, 1]))
add("one_hot/classes", "one_hot", torch.tensor([[0, 2], [1, 0]]), num_classes=5)
add("one_hot/scalar", "one_hot", torch.tensor(2), num_classes=4)
add("one_hot/empty", "one_hot", torch.tensor([], dtype=torch.long), num_classes=3)
add("err_one_hot_float", "one_hot", torch.tensor([1.0]))
add("err_one_hot_int32", "one_hot", torch.tensor([1], dtype=torch.int32))
add("err_one_hot_negative", "one_hot", torch.tensor([-1, 0]))
add("err_one_hot_big", "one_hot", torch.tensor([3]), num_classes=3)
add("err_one_hot_empty", "one_hot", torch.tensor([], dtype=torch.long))
add("err_one_hot_classes", "one_hot", torch.tensor([0]), num_classes=-2)

# ---------------- unfold / fold ----------------
for dt in (torch.float32, torch.float64):
    s = "f32" if dt == torch.float32 else "f64"
    add(f"unfold/{s}", "unfold", rnd((2, 3, 5, 4), dt), kernel_size=2)
    add(f"unfold_full/{s}", "unfold", rnd((2, 2, 7, 6), dt), kernel_size=(3, 2), dilation=(1, 2), padding=(1, 0), stride=(2, 1))
    add(f"unfold_unbatched/{s}", "unfold", rnd((3, 4, 4), dt), kernel_size=3, padding=1)
    add(f"unfold_noncontig/{s}", "unfold", rnd((1, 2, 5, 6), dt).transpose(2, 3), transpose=(2, 3), kernel_size=2, stride=2)
    add(f"fold/{s}", "fold", rnd((2, 12, 12), dt), output_size=(5, 4), kernel_size=2)
    add(f"fold_full/{s}", "fold", rnd((2, 12, 12), dt), output_size=(7, 6), kernel_size=(3, 2), dilation=(1, 2), padding=(1, 0), stride=(2, 1))
    add(f"fold_unbatched/{s}", "fold", rnd((8, 15), dt), output_size=(4, 4), kernel_size=2, padding=1, stride=(1, 2))
add("unfold/bfloat16", "unfold", rnd((1, 2, 3, 3), torch.bfloat16), kernel_size=2)
add("unfold/float16", "unfold", rnd((1, 2, 4, 3), torch.float16), kernel_size=2, padding=1)
add("fold/bfloat16", "fold", rnd((1, 8, 6), torch.bfloat16), output_size=(3, 4), kernel_size=2)
add("unfold_empty_batch", "unfold", rnd((0, 2, 3, 3)), kernel_size=2)
for dt in (torch.int64, torch.uint8):
    add(f"err_unfold/{str(dt)[6:]}", "unfold", rnd((1, 2, 3, 3), dt), kernel_size=2)
    add(f"err_fold/{str(dt)[6:]}", "fold", rnd((1, 4, 4), dt), output_size=(3, 3), kernel_size=2)
x = rnd((1, 2, 3, 4))
add("err_unfold_2d", "unfold", rnd((2, 3)), kernel_size=1)
add("err_unfold_5d", "unfold", rnd((1, 1, 2, 3, 3)), kernel_size=1)
add("err_unfold_kernel", "unfold", x, kernel_size=0)
add("err_unfold_stride", "unfold", x, kernel_size=1, stride=0)
add("err_unfold_dilation", "unfold", x, kernel_size=1, dilation=0)
add("err_unfold_padding", "unfold", x, kernel_size=1, padding=-1)
add("err_unfold_big", "unfold", x, kernel_size=4)
add("err_unfold_kernel_len", "unfold", x, kernel_size=(1, 2, 3))
add("err_unfold_empty", "unfold", rnd((1, 0, 3, 3)), kernel_size=2)
add("err_fold_1d", "fold", rnd((4,)), output_size=(3, 3), kernel_size=2)
add("err_fold_4d", "fold", rnd((1, 4, 4, 1)), output_size=(3, 3), kernel_size=2)
add("err_fold_channels", "fold", rnd((1, 5, 4)), output_size=(3, 3), kernel_size=2)
add("err_fold_length", "fold", rnd((1, 4, 5)), output_size=(3, 3), kernel_size=2)
add("err_fold_output_len", "fold", rnd((1, 4, 5)), output_size=(3, 3, 3), kernel_size=2)
add("err_fold_kernel", "fold", rnd((1, 4, 4)), output_size=(3, 3), kernel_size=0)
add("err_fold_empty", "fold", rnd((1, 0, 4)), output_size=(3, 3), kernel_size=2)

# ---------------- layers ----------------
LAYERS = {
    "ConstantPad1d": lambda: nn.ConstantPad1d(2, 3.5),
    "ConstantPad2d": lambda: nn.ConstantPad2d((1, 0, 2, 1), -1.0),
    "ConstantPad3d": lambda: nn.ConstantPad3d(1, 0.5),
    "ReflectionPad1d": lambda: nn.ReflectionPad1d((2, 1)),
    "ReflectionPad2d": lambda: nn.ReflectionPad2d(1),
    "ReflectionPad3d": lambda: nn.ReflectionPad3d((1, 0, 1, 1, 0, 1)),
    "ReplicationPad1d": lambda: nn.ReplicationPad1d(3),
    "ReplicationPad2d": lambda: nn.ReplicationPad2d((0, 2, 1, 3)),
    "ReplicationPad3d": lambda: nn.ReplicationPad3d(1),
    "Upsample_scale": lambda: nn.Upsample(scale_factor=2, mode="bilinear"),
    "Upsample_size": lambda: nn.Upsample(size=(5, 3), mode="nearest"),
    "Upsample_tuple": lambda: nn.Upsample(scale_factor=(1.5, 2), mode="bicubic", align_corners=True),
    "UpsamplingNearest2d": lambda: nn.UpsamplingNearest2d(scale_factor=3),
    "UpsamplingBilinear2d": lambda: nn.UpsamplingBilinear2d(size=(6, 7)),
    "PixelShuffle": lambda: nn.PixelShuffle(2),
    "PixelUnshuffle": lambda: nn.PixelUnshuffle(2),
    "Unfold": lambda: nn.Unfold(kernel_size=(2, 3), dilation=1, padding=1, stride=2),
    "Fold": lambda: nn.Fold(output_size=(4, 5), kernel_size=2),
}
INPUTS = {"1d": (2, 3, 5), "2d": (1, 2, 4, 4), "3d": (1, 2, 3, 3, 3)}
for name, build in LAYERS.items():
    m = build()
    shape = INPUTS["1d"] if name.endswith("1d") else INPUTS["3d"] if name.endswith("3d") else INPUTS["2d"]
    if name == "Fold":
        shape = (1, 8, 12)
    if name == "PixelShuffle":
        shape = (1, 8, 2, 3)
    x = rnd(shape)
    case = {"kind": "layer", "name": name, "repr": str(m), "x": enc(x), "out": enc(m(x))}
    if isinstance(m, nn.Upsample):
        # PyTorch 2.x prints the mode with repr (quoted)
        case["repr"] = re.sub(r"mode=(\w+)\)$", r"mode='\1')", case["repr"])
        case["override"] = "PyTorch 2.x's Upsample.extra_repr quotes the mode"
    cases.append(case)
# layers PyTorch 2.x has and 1.13 lacks (or prints otherwise): recorded through their functional equivalent
x2 = rnd(INPUTS["2d"])
for name, pad, shape in (("ZeroPad1d", (1, 2), INPUTS["1d"]), ("ZeroPad2d", (1, 1, 2, 0), INPUTS["2d"]), ("ZeroPad3d", (1,) * 6, INPUTS["3d"])):
    x = rnd(shape)
    cases.append({"kind": "layer", "name": name, "repr": f"{name}({pad})", "x": enc(x), "out": enc(F.pad(x, pad)),
                  "override": "PyTorch 2.x's ZeroPadNd prints only its padding"})
for name, pad, shape in (("CircularPad1d", (1, 2), INPUTS["1d"]), ("CircularPad2d", (1, 1, 2, 0), INPUTS["2d"]), ("CircularPad3d", (1,) * 6, INPUTS["3d"])):
    x = rnd(shape)
    cases.append({"kind": "layer", "name": name, "repr": f"{name}({pad})", "x": enc(x), "out": enc(F.pad(x, pad, mode="circular")),
                  "override": "CircularPadNd is new in PyTorch 2.1"})

write("spatial", cases)

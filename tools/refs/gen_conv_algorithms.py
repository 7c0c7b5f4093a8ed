"""Convolutions on the shapes that stress each CPU algorithm (blocked implicit GEMM, pointwise, depthwise):
column-block remainders, strides, dilation, groups, depthwise channel multipliers, padding larger than the kernel
reach, batch 1 and 0, 1-D and 3-D. F.conv1d/2d/3d on seeded float64 inputs (and a float32 case): the output and the
gradients of input, weight and bias for the upstream gradient gy. Writes References/conv_algorithms.json."""
import torch
import torch.nn.functional as F
from common import enc, write

torch.manual_seed(0)
cases = []
FN = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}


def add(name, x_shape, w_shape, stride=1, padding=0, dilation=1, groups=1, bias=True, dtype=torch.float64):
    dims = len(x_shape) - 2
    x = torch.randn(*x_shape, dtype=dtype, requires_grad=True)
    w = torch.randn(*w_shape, dtype=dtype, requires_grad=True)
    b = torch.randn(w_shape[0], dtype=dtype, requires_grad=True) if bias else None
    y = FN[dims](x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
    gy = torch.randn(*y.shape, dtype=dtype)
    inputs = [x, w] + ([b] if bias else [])
    grads = torch.autograd.grad(y, inputs, gy, allow_unused=True)
    cases.append({
        "name": name, "dims": dims, "x": enc(x), "w": enc(w), "b": enc(b) if bias else None,
        "stride": stride, "padding": padding, "dilation": dilation, "groups": groups,
        "y": enc(y), "gy": enc(gy), "grad_fn": type(y.grad_fn).__name__,
        "gx": enc(grads[0]) if x.numel() else enc(torch.zeros_like(x)), "gw": enc(grads[1]),
        "gb": enc(grads[2]) if bias else None,
    })


# blocked implicit GEMM: many rows per column, odd planes, strides, dilation, groups
add("conv2d_3x3_p1", (2, 12, 9, 11), (10, 12, 3, 3), padding=1)
add("conv2d_3x3_s2", (3, 5, 13, 10), (7, 5, 3, 3), stride=2, padding=1, bias=False)
add("conv2d_7x7_s2_p3", (2, 3, 17, 15), (6, 3, 7, 7), stride=2, padding=3)
add("conv2d_dilated", (1, 4, 12, 12), (5, 4, 3, 2), stride=(1, 2), padding=(2, 3), dilation=(2, 3))
add("conv2d_groups", (2, 8, 7, 9), (12, 2, 3, 3), padding=1, groups=4)
add("conv2d_pad_past_kernel", (1, 2, 4, 3), (3, 2, 2, 2), padding=3)
add("conv2d_batch1_f32", (1, 16, 10, 10), (24, 16, 3, 3), padding=1, dtype=torch.float32)
add("conv2d_batch0", (0, 3, 5, 5), (4, 3, 3, 3), padding=1)
add("conv1d_k5", (3, 6, 31), (4, 6, 5), stride=2, padding=2)
add("conv3d_k3", (2, 3, 5, 6, 4), (4, 3, 3, 3, 2), stride=(1, 2, 1), padding=1)
# pointwise, and 1x1 with a stride (the blocked route)
add("conv2d_1x1", (2, 9, 6, 7), (5, 9, 1, 1))
add("conv2d_1x1_s2", (2, 9, 7, 7), (5, 9, 1, 1), stride=2, bias=False)
# depthwise: multiplier 1 and 2, strides, dilation, padding, 1-D and 3-D
add("depthwise_3x3", (2, 6, 9, 10), (6, 1, 3, 3), padding=1, groups=6)
add("depthwise_mult2_s2", (2, 3, 11, 9), (6, 1, 3, 3), stride=2, padding=1, groups=3)
add("depthwise_dilated", (1, 4, 10, 13), (4, 1, 3, 5), padding=(2, 4), dilation=2, groups=4, bias=False)
add("depthwise_5x5_f32", (3, 8, 12, 12), (8, 1, 5, 5), padding=2, groups=8, dtype=torch.float32)
add("depthwise_1d", (2, 5, 20), (10, 1, 4), stride=3, padding=1, groups=5)
add("depthwise_3d", (1, 3, 4, 5, 6), (3, 1, 2, 3, 3), padding=(1, 1, 0), groups=3)
add("depthwise_batch0", (0, 4, 5, 5), (4, 1, 3, 3), padding=1, groups=4)
# Winograd F(2x2, 3x3) (3x3, stride 1): odd output sizes (partial tiles), padding 0, 2 and 3 (the input gradient's
# padding 2 - p turns negative: it falls back to the blocked route), groups, non-square planes, a float32 case with
# 64 channels (the tolerance note in Conv/Winograd.cs), batch 0
add("winograd_p0_odd", (2, 17, 10, 13), (19, 17, 3, 3))
add("winograd_p2", (2, 5, 7, 6), (6, 5, 3, 3), padding=2, bias=False)
add("winograd_p3", (1, 4, 5, 6), (3, 4, 3, 3), padding=3)
add("winograd_mixed_pad", (3, 6, 9, 4), (4, 6, 3, 3), padding=(0, 2))
add("winograd_groups", (2, 32, 7, 7), (48, 16, 3, 3), padding=1, groups=2)
add("winograd_64ch_f32", (2, 64, 14, 14), (64, 64, 3, 3), padding=1, bias=False, dtype=torch.float32)
add("winograd_batch0", (0, 16, 6, 6), (16, 16, 3, 3), padding=1)
write("conv_algorithms", cases)

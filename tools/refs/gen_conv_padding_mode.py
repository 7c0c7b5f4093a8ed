"""Conv layers with padding_mode reflect / replicate / circular (the input padded by F.pad, then a convolution
without padding): outputs and gradients of input, weight and bias, from seeded layers. Writes References/conv_padding_mode.json."""
import torch
import torch.nn as nn
from common import enc, write

torch.manual_seed(0)
cases = []


def add(name, make, shape):
    layer = make()
    x = torch.randn(*shape, dtype=torch.float64, requires_grad=True)
    layer = layer.double()
    y = layer(x)
    y.pow(2).sum().backward()
    cases.append({
        "name": name,
        "weight": enc(layer.weight), "bias": enc(layer.bias) if layer.bias is not None else None,
        "input": enc(x), "output": enc(y), "grad_fn": type(y.grad_fn).__name__,
        "grad_input": enc(x.grad), "grad_weight": enc(layer.weight.grad),
        "grad_bias": enc(layer.bias.grad) if layer.bias is not None else None,
        "repr": repr(layer),
    })


for mode in ["reflect", "replicate", "circular"]:
    add(f"conv1d/{mode}", lambda: nn.Conv1d(3, 4, 3, stride=1, padding=2, padding_mode=mode), (2, 3, 7))
    add(f"conv2d/{mode}", lambda: nn.Conv2d(2, 3, 3, stride=2, padding=(1, 2), padding_mode=mode), (2, 2, 6, 7))
    add(f"conv2d_same/{mode}", lambda: nn.Conv2d(2, 2, 4, padding="same", dilation=2, padding_mode=mode), (1, 2, 9, 8))
    add(f"conv3d/{mode}", lambda: nn.Conv3d(2, 2, 3, padding=1, padding_mode=mode), (1, 2, 4, 5, 4))
add("conv2d_unbatched/reflect", lambda: nn.Conv2d(2, 3, 3, padding=1, padding_mode="reflect"), (2, 5, 6))

# (an unknown mode's ValueError lists a Python set, whose order changes from run to run: not recorded)
write("conv_padding_mode", cases)

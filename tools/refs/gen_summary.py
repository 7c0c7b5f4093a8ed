"""Records the figures of a model summary (torchinfo's columns and totals) from PyTorch's own modules and shapes.

Run: /usr/bin/python3 tools/refs/gen_summary.py  ->  tests/Flint.Tests/References/summary.json

torchinfo is not installed here (and pip cannot reach an index), so this script computes what torchinfo reports
from PyTorch 1.13 itself: a forward with pre- and post-hooks on every module gives the rows in call order (class
name, depth, name in the parent), the input and output shapes and the output bytes; named_parameters gives the
parameter counts and bytes; the mult-adds follow torchinfo's documented rule (a weight or bias counts once per
element of the output's batch and spatial dimensions for a convolution, once per sample of the first output
dimension for other layers). The totals are torchinfo's: parameters of the leaf layers (plus the parameters a
container holds itself), mult-adds of the leaf layers, twice the output bytes of the leaf layers that have
parameters, the input and parameter bytes. The C# test compares Flint's summary with these figures; the table's
layout is checked there against torchinfo's format.
Case: {"name", "input_size", "rows": [{"class", "var", "depth", "input", "output", "params", "trainable",
"param_bytes", "output_bytes", "macs"}], "total_params", "trainable_params", "total_mult_adds", "input_bytes",
"output_bytes", "param_bytes"}.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import common  # noqa: E402


class NeuralNetwork(nn.Module):
    """The Quickstart MLP (samples/Quickstart/Program.cs)."""

    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))

    def forward(self, x):
        return self.linear_relu_stack(self.flatten(x))


def conv_net():
    """The Quickstart CNN (samples/Quickstart/Models.Cnn.cs)."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))


class Nested(nn.Module):
    """Sequentials inside a Sequential, and a frozen head (non-trainable parameters)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Sequential(nn.Linear(8, 16), nn.ReLU()),
            nn.Sequential(nn.Linear(16, 16), nn.Tanh()))
        self.head = nn.Linear(16, 4)
        self.head.requires_grad_(False)

    def forward(self, x):
        return self.head(self.features(x))


def prod(xs):
    r = 1
    for x in xs:
        r *= x
    return r


def rows_of(model, x):
    rows, infos, handles = [], {}, []

    def visit(name, module, depth):
        def pre(m, inputs):
            params = list(m.named_parameters())
            info = {"class": type(m).__name__, "var": name, "depth": depth,
                    "leaf": not any(True for _ in m.children()),
                    "params": sum(p.numel() for _, p in params),
                    "trainable": sum(p.numel() for _, p in params if p.requires_grad),
                    "param_bytes": sum(p.numel() * p.element_size() for _, p in params), "macs": 0}
            rows.append(info)
            infos[id(m)] = info

        def post(m, inputs, output):
            info = infos[id(m)]
            info["input"] = list(inputs[0].shape)
            info["output"] = list(output.shape)
            info["output_bytes"] = output.numel() * output.element_size()
            out = info["output"]
            for pname, p in m.named_parameters():
                if pname in ("weight", "bias"):
                    info["macs"] += p.numel() * (prod(out[:1] + out[2:]) if "Conv" in info["class"] else out[0])
                elif "weight" in pname or "bias" in pname:
                    info["macs"] += prod(out[:2]) * p.numel()

        handles.append(module.register_forward_pre_hook(pre))
        handles.append(module.register_forward_hook(post))
        for child_name, child in module.named_children():
            visit(child_name, child, depth + 1)

    visit(type(model).__name__, model, 0)
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return rows


def case(name, model, input_size):
    x = torch.rand(*input_size)
    rows = rows_of(model, x)
    leaves = [r for r in rows if r["leaf"]]
    # the models here hold no parameters outside their leaf layers
    assert sum(r["params"] for r in leaves) == sum(p.numel() for p in model.parameters())
    return {"name": name, "input_size": input_size,
            "rows": [{k: v for k, v in r.items() if k != "leaf"} for r in rows],
            "total_params": sum(r["params"] for r in leaves),
            "trainable_params": sum(r["trainable"] for r in leaves),
            "total_mult_adds": sum(r["macs"] for r in leaves),
            "input_bytes": x.numel() * x.element_size(),
            "output_bytes": sum(2 * r["output_bytes"] for r in leaves if r["params"] > 0),
            "param_bytes": sum(r["param_bytes"] for r in leaves)}


def main():
    torch.manual_seed(0)
    cases = [
        case("mlp", NeuralNetwork(), [1, 28, 28]),
        case("mlp_batch64", NeuralNetwork(), [64, 1, 28, 28]),
        case("cnn", conv_net(), [1, 1, 28, 28]),
        case("nested", Nested(), [2, 8]),
    ]
    common.write("summary", cases)


if __name__ == "__main__":
    main()

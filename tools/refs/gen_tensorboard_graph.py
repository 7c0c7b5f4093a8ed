"""Records the GraphDef PyTorch's SummaryWriter.add_graph writes (torch/utils/tensorboard/_pytorch_graph.py).

Run: /usr/bin/python3 tools/refs/gen_tensorboard_graph.py  ->  tests/Flint.Tests/References/tensorboard_graph.json

The tensorboard package is not installed here, so SummaryWriter itself cannot run; _pytorch_graph.graph can, with
stand-ins for the *_pb2 message classes (as in gen_tensorboard.py): PyTorch traces the model with torch.jit and
builds the NodeDefs, and this script records each node's name, op, inputs, "_output_shapes" and "attr", the
VersionDef producer and the step stats' device. Flint has no JIT, so the C# test compares the structure: the
input and output nodes, the module scopes of the op and parameter nodes, and the edges between scopes.
Case: {"name", "input_shape", "nodes": [{"name", "op", "input", "shapes", "attr"}], "producer", "device"}.
"""
import importlib
import os
import sys
import types

sys.path.insert(0, os.path.dirname(__file__))
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import common  # noqa: E402
from gen_tensorboard import Msg, stub  # noqa: E402


def install_stubs():
    for pkg in ["google", "tensorboard", "tensorboard.compat", "tensorboard.compat.proto"]:
        stub(pkg)
    stub("tensorboard.compat.proto.node_def_pb2", NodeDef=Msg)
    stub("tensorboard.compat.proto.attr_value_pb2", AttrValue=type("AttrValue", (Msg,), {"ListValue": Msg}))
    stub("tensorboard.compat.proto.tensor_shape_pb2", TensorShapeProto=type("TensorShapeProto", (Msg,), {"Dim": Msg}))
    stub("tensorboard.compat.proto.config_pb2", RunMetadata=Msg)
    stub("tensorboard.compat.proto.graph_pb2", GraphDef=Msg)
    stub("tensorboard.compat.proto.versions_pb2", VersionDef=Msg)
    stub("tensorboard.compat.proto.step_stats_pb2", StepStats=Msg, DeviceStepStats=Msg)
    pkg = types.ModuleType("tbref")
    pkg.__path__ = [os.path.dirname(torch.__file__) + "/utils/tensorboard"]
    sys.modules["tbref"] = pkg
    return importlib.import_module("tbref._pytorch_graph")


class NeuralNetwork(nn.Module):
    """The Quickstart MLP's shape, small."""

    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))

    def forward(self, x):
        return self.linear_relu_stack(self.flatten(x))


def conv_net():
    """The Quickstart CNN's shape, small."""
    return nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(2 * 2 * 2, 3))


def case(graph, name, model, shape):
    gd, stats = graph.graph(model, (torch.rand(*shape),))
    nodes = []
    for n in gd.node:
        attr = n.attr
        shapes = [[d.size for d in s.dim] for s in attr["_output_shapes"].list.shape] if "_output_shapes" in attr else None
        nodes.append({"name": n.name.decode(), "op": n.op, "input": list(n.input), "shapes": shapes,
                      "attr": attr["attr"].s.decode() if "attr" in attr else None})
    return {"name": name, "input_shape": shape, "nodes": nodes, "producer": gd.versions.producer,
            "device": stats.step_stats.dev_stats[0].device}


def main():
    graph = install_stubs()
    torch.manual_seed(0)
    common.write("tensorboard_graph", [
        case(graph, "mlp", NeuralNetwork(), [1, 2, 2]),
        case(graph, "cnn", conv_net(), [1, 1, 4, 4]),
    ])


if __name__ == "__main__":
    main()

"""Records what PyTorch's torch/utils/tensorboard/summary.py puts into TensorBoard summaries.

The Python tensorboard package (and protobuf) is not installed here, so summary.py is loaded from torch's own
directory with light stand-ins for the generated *_pb2 message classes: each stand-in only keeps the keyword
arguments it is built with. PyTorch's own code then computes everything that matters (histogram buckets,
image conversion and PNG via PIL, the hparams experiment / session protos, the text tensor) and this script
records those fields as JSON in tests/Flint.Tests/References/tensorboard.json. The wire format itself (field
numbers, TFRecord framing) is checked by the C# tests against the public .proto definitions.
"""
import collections
import importlib
import io
import os
import sys
import types

import numpy as np
import torch
from PIL import Image

from common import _num, enc, write


class Msg:
    """A stand-in protobuf message: keeps its fields; SerializeToString returns itself for inspection."""

    def __init__(self, **kw):
        self.__dict__.update(kw)

    def SerializeToString(self):
        return self


class SessionStartInfo(Msg):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.hparams = collections.defaultdict(Msg)


class Enum:
    @staticmethod
    def Value(name):
        return name


def stub(name, **attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    sys.modules[name] = m
    return m


def install_stubs():
    for pkg in ["google", "tensorboard", "tensorboard.compat", "tensorboard.compat.proto", "tensorboard.plugins",
                "tensorboard.plugins.custom_scalar", "tensorboard.plugins.pr_curve", "tensorboard.plugins.text",
                "tensorboard.plugins.hparams"]:
        stub(pkg)
    stub("google.protobuf")
    sys.modules["google.protobuf"].struct_pb2 = stub("google.protobuf.struct_pb2", ListValue=Msg, Value=Msg)
    summary_msg = type("Summary", (Msg,), {"Value": Msg, "Image": Msg})
    metadata_msg = type("SummaryMetadata", (Msg,), {"PluginData": Msg})
    stub("tensorboard.compat.proto.summary_pb2", HistogramProto=Msg, Summary=summary_msg, SummaryMetadata=metadata_msg)
    stub("tensorboard.compat.proto.tensor_pb2", TensorProto=Msg)
    stub("tensorboard.compat.proto.tensor_shape_pb2", TensorShapeProto=type("TensorShapeProto", (Msg,), {"Dim": Msg}))
    stub("tensorboard.plugins.custom_scalar.layout_pb2")
    stub("tensorboard.plugins.pr_curve.plugin_data_pb2", PrCurvePluginData=Msg)
    stub("tensorboard.plugins.text.plugin_data_pb2", TextPluginData=Msg)
    stub("tensorboard.plugins.hparams.api_pb2", Experiment=Msg, HParamInfo=Msg, MetricInfo=Msg, MetricName=Msg,
         Status=Enum, DataType=Enum)
    # the constants of tensorboard/plugins/hparams/metadata.py
    stub("tensorboard.plugins.hparams.metadata", PLUGIN_NAME="hparams", PLUGIN_DATA_VERSION=0,
         EXPERIMENT_TAG="_hparams_/experiment", SESSION_START_INFO_TAG="_hparams_/session_start_info",
         SESSION_END_INFO_TAG="_hparams_/session_end_info")
    stub("tensorboard.plugins.hparams.plugin_data_pb2", HParamsPluginData=Msg, SessionEndInfo=Msg,
         SessionStartInfo=SessionStartInfo)
    # summary.py's relative imports (._convert_np, ._utils) resolve in torch's directory without running
    # the package's __init__ (which needs tensorboard itself)
    pkg = types.ModuleType("tbref")
    pkg.__path__ = [os.path.dirname(torch.__file__) + "/utils/tensorboard"]
    sys.modules["tbref"] = pkg
    module = importlib.import_module("tbref.summary")
    # make_histogram in PyTorch 1.13 calls np.greater(counts, 0, dtype=np.int32), which NumPy 1.24 refuses;
    # PyTorch 2.x calls np.greater(counts, 0): the same 0/1 flags, so the proxy drops the dtype
    proxy = types.ModuleType("numpy_proxy")
    proxy.__dict__.update(np.__dict__)
    proxy.greater = lambda a, b, dtype=None: np.greater(a, b)
    module.np = proxy
    return module


def default_bins():
    # SummaryWriter.__init__'s default_bins (writer.py), which add_histogram uses for bins="tensorflow"
    v = 1e-12
    buckets, neg_buckets = [], []
    while v < 1e20:
        buckets.append(v)
        neg_buckets.append(-v)
        v *= 1.1
    return neg_buckets[::-1] + [0] + buckets


def num(v):
    return _num(v, True)


def main():
    summary = install_stubs()
    torch.manual_seed(0)
    bins = default_bins()
    cases = [{"kind": "tensorflow_bins", "edges": bins}]

    def hist_case(name, values, case_bins=None, max_bins=None):
        s = summary.histogram(name, values, bins if case_bins is None else np.array(case_bins), max_bins=max_bins)
        h = s.value[0].histo
        cases.append({"kind": "histogram", "tag": s.value[0].tag, "values": enc(values),
                      "bins": case_bins, "max_bins": max_bins,
                      "min": num(h.min), "max": num(h.max), "num": int(h.num), "sum": num(h.sum),
                      "sum_squares": num(h.sum_squares), "bucket_limit": [num(x) for x in h.bucket_limit],
                      "bucket": [int(x) for x in h.bucket]})

    hist_case("tiny", torch.tensor([0.0, 1.0, 1.0, 2.0, -0.5]))
    hist_case("normal", torch.randn(1000))
    hist_case("wide", torch.cat([torch.randn(50) * 1e6, torch.zeros(5), torch.tensor([1e-13, -1e-13, 3e19])]))
    hist_case("ints", torch.arange(-20, 40, dtype=torch.int64))
    hist_case("double", torch.rand(7, 3, dtype=torch.float64))
    hist_case("nonfinite", torch.tensor([1.0, float("nan"), 2.0, float("inf"), -float("inf"), 0.0]))
    hist_case("max_bins", torch.randn(500), max_bins=50)
    hist_case("edges", torch.tensor([0.5, 1.5, 1.5, 2.0, 3.0, 9.0]), case_bins=[0.0, 1.0, 2.0, 3.0])
    hist_case("edges_left", torch.tensor([0.0, 0.2, 2.5]), case_bins=[0.0, 1.0, 2.0, 3.0])

    def image_case(name, img, fmt):
        s = summary.image(name, img, dataformats=fmt)
        im = s.value[0].image
        png = Image.open(io.BytesIO(im.encoded_image_string))
        cases.append({"kind": "image", "tag": s.value[0].tag, "image": enc(img), "dataformats": fmt,
                      "height": im.height, "width": im.width, "colorspace": im.colorspace, "mode": png.mode,
                      "pixels": list(png.tobytes())})

    image_case("chw", torch.rand(3, 4, 5), "CHW")
    image_case("gray", torch.rand(1, 3, 2), "CHW")
    image_case("hwc_uint8", torch.randint(0, 256, (2, 3, 3), dtype=torch.uint8), "HWC")
    image_case("rgba", torch.rand(4, 2, 3), "CHW")
    image_case("hw", torch.rand(3, 4, dtype=torch.float64), "HW")
    image_case("wh", torch.rand(4, 3), "WH")
    image_case("batch", torch.rand(3, 1, 2, 3), "NCHW")
    image_case("batch_nhwc", torch.rand(10, 2, 2, 3), "NHWC")

    def outcome(fn):
        try:
            fn()
        except (AssertionError, TypeError, ValueError) as e:
            return str(e)
        return None

    cases.append({"kind": "image_error", "image": enc(torch.rand(3, 4)), "dataformats": "CHW",
                  "error": outcome(lambda: summary.image("x", torch.rand(3, 4), dataformats="CHW"))})
    cases.append({"kind": "image_error", "image": enc(torch.rand(3, 4, 4)), "dataformats": "CCH",
                  "error": outcome(lambda: summary.image("x", torch.rand(3, 4, 4), dataformats="CCH"))})

    s = summary.text("notes", "héllo *world*")
    v = s.value[0]
    cases.append({"kind": "text", "tag": v.tag, "text": "héllo *world*", "plugin_name": v.metadata.plugin_data.plugin_name,
                  "plugin_version": v.metadata.plugin_data.content.version, "dtype": v.tensor.dtype,
                  "shape": [d.size for d in v.tensor.tensor_shape.dim],
                  "string_val": [list(b) for b in v.tensor.string_val]})

    for value in [0.25, 3.0, -1e-3]:
        s = summary.scalar("loss", value)
        cases.append({"kind": "scalar", "value": value, "tag": s.value[0].tag, "simple_value": s.value[0].simple_value})

    def hparams_case(hp, metrics, domain=None):
        exp, ssi, sei = summary.hparams(hp, metrics, domain)

        def content(s):
            v = s.value[0]
            return v.tag, v.metadata.plugin_data.plugin_name, v.metadata.plugin_data.content

        def value(m):
            for key in ["number_value", "string_value", "bool_value"]:
                if key in m.__dict__:
                    return {key: m.__dict__[key]}
            raise ValueError(m.__dict__)

        tag_e, plugin_e, ce = content(exp)
        tag_s, plugin_s, cs = content(ssi)
        tag_x, plugin_x, cx = content(sei)
        infos = []
        for info in ce.experiment.hparam_infos:
            d = info.domain_discrete
            infos.append({"name": info.name, "type": info.type,
                          "domain": None if d is None else [value(x) for x in d.values]})
        cases.append({
            "kind": "hparams", "hparams": [[k, v] for k, v in hp.items()], "metrics": [[k, v] for k, v in metrics.items()],
            "domain": None if domain is None else [[k, v] for k, v in domain.items()],
            "plugin": [plugin_e, plugin_s, plugin_x], "tags": [tag_e, tag_s, tag_x], "version": ce.version,
            "hparam_infos": infos, "metric_tags": [m.name.tag for m in ce.experiment.metric_infos],
            "session_hparams": [[k, value(m)] for k, m in cs.session_start_info.hparams.items()],
            "status": cx.session_end_info.status})

    hparams_case({"lr": 0.1, "bsize": 16, "optimizer": "adam", "nesterov": True, "skip": None},
                 {"hparam/accuracy": 0.9, "hparam/loss": 0.25})
    hparams_case({"lr": 0.01, "optimizer": "sgd"}, {"acc": 0.5},
                 {"lr": [0.1, 0.01], "optimizer": ["sgd", "adam"]})
    write("tensorboard", cases)


if __name__ == "__main__":
    main()

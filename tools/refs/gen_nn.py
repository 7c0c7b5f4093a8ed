"""Reference records for nn (functional forms, layers, losses, init), optim, lr_scheduler and DataLoader order.

Run: /usr/bin/python3 tools/refs/gen_nn.py  ->  tests/Flint.Tests/References/nn.json

Record kinds:
  fn:     {"name", "inputs": [tensor], "grad": [bool], "kw", "out" | "error", "gout", "grads": [tensor|null]}
          the C# side maps name to the same computation; grads are d(sum(out * gout))/d(input).
  init:   {"name", "seed", "shape", "kw", "out"} an nn.init function applied to torch.empty(shape) after manual_seed.
  model:  {"name", "seed", "keys", "state": [tensor]} state_dict of a freshly built model after manual_seed.
  gain:   {"nonlinearity", "param", "out"}
  repr:   {"name", "text"}
  optim:  {"name", "kw", "steps": [[w, b] after each step]} on the fixed least-squares problem below.
  sched:  {"name", "kw", "lrs": [...], "momenta": [...]} lr of group 0 after construction and after each step.
  loader: {"name", "seed", "n", "batch_size", "epochs": [[index batches]]}
  bn:     BatchNorm module runs (running stats, outputs).
  state_error: load_state_dict messages.
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

from common import enc, write

cases = []
G = torch.Generator().manual_seed(1234)


def rnd(*shape, dtype=torch.float32, lo=-2.0, hi=2.0):
    return (torch.rand(tuple(shape), generator=G, dtype=torch.float64) * (hi - lo) + lo).to(dtype)


def fn(name, inputs, fun, grad=None, **kw):
    grad = grad if grad is not None else [t.dtype.is_floating_point for t in inputs]
    ins = [t.detach().clone().requires_grad_(g) for t, g in zip(inputs, grad)]
    rec = {"kind": "fn", "name": name, "inputs": [enc(t) for t in inputs], "grad": grad, "kw": kw}
    try:
        out = fun(*ins)
    except Exception as e:  # noqa: BLE001
        rec["error"] = str(e).split("\n")[0]
        rec["type"] = type(e).__name__
        cases.append(rec)
        return
    rec["out"] = enc(out)
    if any(grad) and out.requires_grad:
        gout = rnd(*out.shape, dtype=out.dtype)
        gs = torch.autograd.grad(out, [t for t, g in zip(ins, grad) if g], gout, allow_unused=True)
        it = iter(gs)
        rec["gout"] = enc(gout)
        rec["grads"] = [(lambda v: enc(v) if v is not None else None)(next(it)) if g else None for g in grad]
    cases.append(rec)


# ---------------------------------------------------------------- layers (functional forms)
x = rnd(4, 5)
w = rnd(3, 5)
b = rnd(3)
fn("linear", [x, w, b], F.linear)
fn("linear_nobias", [x, w], F.linear)
fn("linear", [rnd(2, 4, 5), w, b], F.linear)
fn("linear", [rnd(5), w, b], F.linear)
fn("linear", [x, rnd(3, 4), b], F.linear)
fn("bilinear", [rnd(4, 3), rnd(4, 2), rnd(5, 3, 2), rnd(5)], F.bilinear)
fn("bilinear", [rnd(2, 4, 3), rnd(2, 4, 2), rnd(5, 3, 2), rnd(5)], F.bilinear)
fn("bilinear_nobias", [rnd(4, 3), rnd(4, 2), rnd(5, 3, 2)], F.bilinear)
emb_w = rnd(6, 3)
idx = torch.tensor([[1, 2, 0], [5, 1, 1]])
fn("embedding", [idx, emb_w], lambda i, w_: F.embedding(i, w_), grad=[False, True])
fn("embedding_pad1", [idx, emb_w], lambda i, w_: F.embedding(i, w_, padding_idx=1), grad=[False, True])
fn("embedding", [torch.tensor([6]), emb_w], lambda i, w_: F.embedding(i, w_), grad=[False, True])
for shape, ns in [((4, 6), [6]), ((2, 3, 4), [3, 4]), ((2, 3, 4), [4])]:
    xx = rnd(*shape)
    fn("layer_norm", [xx, rnd(*ns), rnd(*ns)], lambda a, w_, b_: F.layer_norm(a, w_.shape, w_, b_))
    fn("layer_norm_noaffine", [xx], lambda a, n=ns: F.layer_norm(a, n), ns=ns)
fn("layer_norm_eps", [rnd(3, 4) * 1e-3], lambda a: F.layer_norm(a, [4], eps=1e-3))
fn("group_norm", [rnd(2, 6, 3), rnd(6), rnd(6)], lambda a, w_, b_: F.group_norm(a, 3, w_, b_))
fn("group_norm", [rnd(2, 4, 2, 3), rnd(4), rnd(4)], lambda a, w_, b_: F.group_norm(a, 2, w_, b_))
fn("group_norm_noaffine", [rnd(3, 4, 5)], lambda a: F.group_norm(a, 4), g=4)
fn("group_norm_noaffine", [rnd(3, 4, 5)], lambda a: F.group_norm(a, 3), g=3)
for shape in [(5, 3), (4, 3, 2), (2, 3, 2, 2)]:
    fn("batch_norm_train", [rnd(*shape), rnd(3), rnd(3)],
       lambda a, w_, b_: F.batch_norm(a, None, None, w_, b_, training=True))
    fn("batch_norm_eval", [rnd(*shape), rnd(3), rnd(3), rnd(3), rnd(3, lo=0.5, hi=2)],
       lambda a, w_, b_, m, v: F.batch_norm(a, m, v, w_, b_, training=False), grad=[True, True, True, False, False])

acts = {
    "relu": F.relu, "leaky_relu": F.leaky_relu, "leaky_relu_0.2": lambda a: F.leaky_relu(a, 0.2),
    "elu": F.elu, "elu_0.5": lambda a: F.elu(a, 0.5), "gelu": F.gelu, "gelu_tanh": lambda a: F.gelu(a, approximate="tanh"),
    "silu": F.silu, "mish": F.mish, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
    "softplus": F.softplus, "softplus_2_1": lambda a: F.softplus(a, beta=2, threshold=1),
    "softmax0": lambda a: F.softmax(a, 0), "softmax1": lambda a: F.softmax(a, 1),
    "log_softmax0": lambda a: F.log_softmax(a, 0), "log_softmax1": lambda a: F.log_softmax(a, 1),
}
xa = rnd(3, 5, lo=-4, hi=4)
for n, f in acts.items():
    fn(n, [xa], f)
    fn(n, [xa.double()], f)
fn("dropout_eval", [xa], lambda a: F.dropout(a, 0.5, training=False))
fn("dropout_p0", [xa], lambda a: F.dropout(a, 0.0))

# dropout draws: with manual_seed
for seed, p, dt in [(0, 0.5, torch.float32), (7, 0.2, torch.float32), (3, 0.3, torch.float64)]:
    torch.manual_seed(seed)
    xd = torch.ones(4, 6, dtype=dt)
    cases.append({"kind": "dropout", "seed": seed, "p": p, "x": enc(xd), "out": enc(F.dropout(xd, p))})
torch.manual_seed(5)
d = nn.Dropout(0.4)
cases.append({"kind": "dropout", "seed": 5, "p": 0.4, "x": enc(torch.ones(3, 3)), "out": enc(d(torch.ones(3, 3)))})

# ---------------------------------------------------------------- losses
logits = rnd(4, 5)
tgt = torch.tensor([1, 0, 4, 2])
tgt_ign = torch.tensor([1, -100, 4, 1])
cw = rnd(5, lo=0.2, hi=2)
probs_t = torch.softmax(rnd(4, 5), 1)
logits4 = rnd(2, 3, 2, 2)
tgt4 = torch.tensor([[[0, 2], [1, 1]], [[2, 0], [0, 1]]])
for red in ["none", "mean", "sum"]:
    fn("cross_entropy", [logits, tgt], lambda a, t, r=red: F.cross_entropy(a, t, reduction=r), reduction=red)
    fn("cross_entropy_w", [logits, tgt, cw], lambda a, t, w_, r=red: F.cross_entropy(a, t, weight=w_, reduction=r),
       grad=[True, False, False], reduction=red)
    fn("cross_entropy_ignore", [logits, tgt_ign], lambda a, t, r=red: F.cross_entropy(a, t, reduction=r), reduction=red)
    fn("cross_entropy_ignore1", [logits, tgt_ign], lambda a, t, r=red: F.cross_entropy(a, t, ignore_index=1, reduction=r), reduction=red)
    fn("cross_entropy_ls", [logits, tgt], lambda a, t, r=red: F.cross_entropy(a, t, label_smoothing=0.1, reduction=r), reduction=red)
    fn("cross_entropy_ls_w_ign", [logits, tgt_ign, cw],
       lambda a, t, w_, r=red: F.cross_entropy(a, t, weight=w_, label_smoothing=0.2, reduction=r), grad=[True, False, False], reduction=red)
    fn("cross_entropy", [logits, probs_t], lambda a, t, r=red: F.cross_entropy(a, t, reduction=r), reduction=red)
    fn("cross_entropy_ls", [logits, probs_t], lambda a, t, r=red: F.cross_entropy(a, t, label_smoothing=0.1, reduction=r), reduction=red)
    fn("cross_entropy_w", [logits, probs_t, cw], lambda a, t, w_, r=red: F.cross_entropy(a, t, weight=w_, reduction=r),
       grad=[True, True, False], reduction=red)
    fn("cross_entropy", [logits4, tgt4], lambda a, t, r=red: F.cross_entropy(a, t, reduction=r), reduction=red)
    fn("cross_entropy_w", [logits4, tgt4, cw[:3]], lambda a, t, w_, r=red: F.cross_entropy(a, t, weight=w_, reduction=r),
       grad=[True, False, False], reduction=red)
    fn("cross_entropy", [rnd(5), torch.tensor(3)], lambda a, t, r=red: F.cross_entropy(a, t, reduction=r), reduction=red)
    lp = torch.log_softmax(logits, 1)
    fn("nll_loss", [lp, tgt], lambda a, t, r=red: F.nll_loss(a, t, reduction=r), reduction=red)
    fn("nll_loss_w", [lp, tgt_ign, cw], lambda a, t, w_, r=red: F.nll_loss(a, t, weight=w_, reduction=r),
       grad=[True, False, False], reduction=red)
    fn("nll_loss", [torch.log_softmax(logits4, 1), tgt4], lambda a, t, r=red: F.nll_loss(a, t, reduction=r), reduction=red)
    xi, yi = rnd(3, 4), rnd(3, 4)
    fn("mse_loss", [xi, yi], lambda a, t, r=red: F.mse_loss(a, t, reduction=r), reduction=red)
    fn("l1_loss", [xi, yi], lambda a, t, r=red: F.l1_loss(a, t, reduction=r), reduction=red)
    for beta in [1.0, 0.5, 0.0]:
        fn("smooth_l1_loss", [xi, yi], lambda a, t, r=red, be=beta: F.smooth_l1_loss(a, t, reduction=r, beta=be), reduction=red, beta=beta)
    for delta in [1.0, 0.3]:
        fn("huber_loss", [xi, yi], lambda a, t, r=red, de=delta: F.huber_loss(a, t, reduction=r, delta=de), reduction=red, delta=delta)
    pi, ti = rnd(3, 4, lo=0.01, hi=0.99), rnd(3, 4, lo=0, hi=1)
    fn("binary_cross_entropy", [pi, ti], lambda a, t, r=red: F.binary_cross_entropy(a, t, reduction=r), reduction=red)
    fn("binary_cross_entropy_w", [pi, ti, rnd(4, lo=0, hi=2)],
       lambda a, t, w_, r=red: F.binary_cross_entropy(a, t, weight=w_, reduction=r), grad=[True, False, False], reduction=red)
    fn("binary_cross_entropy", [torch.tensor([0.0, 1.0, 0.5]), torch.tensor([1.0, 0.0, 1.0])],
       lambda a, t, r=red: F.binary_cross_entropy(a, t, reduction=r), grad=[False, False], reduction=red)
    zi = rnd(3, 4, lo=-30, hi=30)
    fn("bce_with_logits", [zi, ti], lambda a, t, r=red: F.binary_cross_entropy_with_logits(a, t, reduction=r), reduction=red)
    fn("bce_with_logits_pw", [zi, ti, rnd(4, lo=0.5, hi=3)],
       lambda a, t, p, r=red: F.binary_cross_entropy_with_logits(a, t, reduction=r, pos_weight=p), grad=[True, True, False], reduction=red)
    fn("bce_with_logits_w_pw", [zi, ti, rnd(3, 1, lo=0, hi=2), rnd(4, lo=0.5, hi=3)],
       lambda a, t, w_, p, r=red: F.binary_cross_entropy_with_logits(a, t, weight=w_, reduction=r, pos_weight=p),
       grad=[True, False, False, False], reduction=red)
    lq = torch.log_softmax(rnd(3, 4), 1)
    tq = torch.softmax(rnd(3, 4), 1)
    tq0 = tq.clone()
    tq0[0, 1] = 0
    fn("kl_div", [lq, tq0], lambda a, t, r=red: F.kl_div(a, t, reduction=r), reduction=red)
    fn("kl_div_log", [lq, tq.log()], lambda a, t, r=red: F.kl_div(a, t, reduction=r, log_target=True), reduction=red)
fn("kl_div", [lq, tq0], lambda a, t: F.kl_div(a, t, reduction="batchmean"), reduction="batchmean")
fn("kl_div_log", [lq, tq.log()], lambda a, t: F.kl_div(a, t, reduction="batchmean", log_target=True), reduction="batchmean")
# double precision
fn("cross_entropy", [logits.double(), tgt], lambda a, t: F.cross_entropy(a, t), reduction="mean")
fn("mse_loss", [xi.double(), yi.double()], lambda a, t: F.mse_loss(a, t), reduction="mean")
# errors
fn("cross_entropy", [logits, torch.tensor([1, 0, 5, 2])], lambda a, t: F.cross_entropy(a, t), reduction="mean")
fn("cross_entropy", [logits, torch.tensor([1, 0, 2])], lambda a, t: F.cross_entropy(a, t), reduction="mean")
fn("cross_entropy", [logits, tgt], lambda a, t: F.cross_entropy(a, t, reduction="avg"), reduction="avg")
fn("cross_entropy_ls", [logits, tgt], lambda a, t: F.cross_entropy(a, t, label_smoothing=1.5), reduction="mean", ls=1.5)
fn("nll_loss", [lp, tgt.float()], lambda a, t: F.nll_loss(a, t), grad=[True, False], reduction="mean")
fn("mse_loss", [rnd(3, 4), rnd(3, 2)], lambda a, t: F.mse_loss(a, t), reduction="mean")
fn("binary_cross_entropy", [rnd(3), rnd(3, 1, lo=0, hi=1)], lambda a, t: F.binary_cross_entropy(a, t), grad=[False, False], reduction="mean")
fn("binary_cross_entropy", [torch.tensor([0.5, 1.5]), torch.tensor([1.0, 0.0])], lambda a, t: F.binary_cross_entropy(a, t), grad=[False, False], reduction="mean")
fn("bce_with_logits", [rnd(3), rnd(3, 1)], lambda a, t: F.binary_cross_entropy_with_logits(a, t), reduction="mean")

# ---------------------------------------------------------------- init
for seed, name, shape, kw in [
    (0, "uniform_", [3, 4], {}), (1, "uniform_", [5], {"a": -2.0, "b": 3.0}),
    (2, "normal_", [3, 4], {}), (3, "normal_", [2, 5], {"mean": 1.0, "std": 0.5}),
    (4, "constant_", [2, 3], {"val": 0.3}),
    (5, "xavier_uniform_", [4, 6], {}), (6, "xavier_uniform_", [4, 3, 2, 2], {"gain": 2.0}),
    (7, "xavier_normal_", [4, 6], {}), (8, "xavier_normal_", [3, 2, 5], {"gain": 0.5}),
    (9, "kaiming_uniform_", [4, 6], {}), (10, "kaiming_uniform_", [4, 6], {"a": 2.236, "mode": "fan_out"}),
    (11, "kaiming_uniform_", [4, 3, 3, 3], {"nonlinearity": "relu"}),
    (12, "kaiming_normal_", [4, 6], {}), (13, "kaiming_normal_", [6, 4], {"mode": "fan_out", "nonlinearity": "relu"}),
    (14, "kaiming_normal_", [5, 2, 3], {"a": 0.2, "nonlinearity": "leaky_relu"}),
    (15, "trunc_normal_", [40], {}), (16, "trunc_normal_", [6, 7], {"mean": 1.0, "std": 2.0, "a": -1.0, "b": 3.0}),
    (17, "trunc_normal_", [5, 5], {"std": 0.02}),
    (18, "eye_", [3, 5], {}), (19, "zeros_", [2, 2], {}), (20, "ones_", [2, 2], {}),
    (21, "xavier_uniform_", [4], {}), (22, "kaiming_uniform_", [4, 4], {"mode": "fan_avg"}),
]:
    torch.manual_seed(seed)
    t = torch.empty(shape)
    rec = {"kind": "init", "name": name, "seed": seed, "shape": shape, "kw": kw}
    try:
        getattr(nn.init, name)(t, **kw)
        rec["out"] = enc(t)
    except Exception as e:  # noqa: BLE001
        rec["error"] = str(e).split("\n")[0]
    cases.append(rec)
for nl, param in [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
                  ("leaky_relu", None), ("leaky_relu", 0.2), ("selu", None), ("conv_transpose2d", None)]:
    cases.append({"kind": "gain", "nonlinearity": nl, "param": param, "out": nn.init.calculate_gain(nl, param)})


# ---------------------------------------------------------------- models: default initialization and state_dict keys
class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(12, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 3))

    def forward(self, x):
        return self.linear_relu_stack(self.flatten(x))


models = {
    "linear": lambda: nn.Linear(5, 3),
    "linear_nobias": lambda: nn.Linear(4, 2, bias=False),
    "embedding": lambda: nn.Embedding(6, 3),
    "embedding_pad": lambda: nn.Embedding(6, 3, padding_idx=2),
    "layernorm": lambda: nn.LayerNorm(4),
    "bilinear": lambda: nn.Bilinear(3, 2, 4),
    "batchnorm1d": lambda: nn.BatchNorm1d(3),
    "sequential": lambda: nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 2), nn.LayerNorm(2)),
    "quickstart": NeuralNetwork,
}
for seed, (name, mk) in enumerate(models.items()):
    torch.manual_seed(seed + 100)
    m = mk()
    sd = m.state_dict()
    cases.append({"kind": "model", "name": name, "seed": seed + 100, "keys": list(sd.keys()),
                  "state": [enc(v) for v in sd.values()],
                  "params": [n for n, _ in m.named_parameters()], "buffers": [n for n, _ in m.named_buffers()],
                  "modules": [n for n, _ in m.named_modules()], "repr": str(m)})
# quickstart forward
torch.manual_seed(100 + list(models).index("quickstart"))
qs = NeuralNetwork()
qx = rnd(2, 3, 4)
cases.append({"kind": "quickstart_forward", "seed": 100 + list(models).index("quickstart"), "x": enc(qx), "out": enc(qs(qx))})

# load_state_dict error texts
sd = qs.state_dict()
bad = dict(sd)
del bad["linear_relu_stack.4.bias"]
bad["extra.weight"] = torch.zeros(1)
bad["linear_relu_stack.0.weight"] = torch.zeros(8, 13)
for name, d_ in [("missing_unexpected_size", bad),
                 ("missing", {k: v for k, v in sd.items() if k != "linear_relu_stack.2.weight"}),
                 ("unexpected", dict(sd, foo=torch.zeros(2)))]:
    for strict in [True, False]:
        try:
            r = NeuralNetwork().load_state_dict(d_, strict=strict)
            cases.append({"kind": "state_error", "name": name, "strict": strict,
                          "missing": r.missing_keys, "unexpected": r.unexpected_keys})
        except RuntimeError as e:
            cases.append({"kind": "state_error", "name": name, "strict": strict, "error": str(e)})

# ---------------------------------------------------------------- reprs
reprs = {
    "Linear": nn.Linear(784, 512), "Linear_nobias": nn.Linear(3, 2, bias=False), "Bilinear": nn.Bilinear(3, 2, 4),
    "Identity": nn.Identity(), "Dropout": nn.Dropout(), "Dropout_02": nn.Dropout(0.2, inplace=True),
    "Embedding": nn.Embedding(10, 3), "Embedding_pad": nn.Embedding(10, 3, padding_idx=0),
    "LayerNorm": nn.LayerNorm(4), "LayerNorm2": nn.LayerNorm([3, 4], eps=1e-6, elementwise_affine=False),
    "GroupNorm": nn.GroupNorm(2, 4), "BatchNorm1d": nn.BatchNorm1d(3), "BatchNorm2d": nn.BatchNorm2d(5, momentum=None, affine=False),
    "BatchNorm2d_nostats": nn.BatchNorm2d(5, track_running_stats=False),
    "Flatten": nn.Flatten(), "Flatten02": nn.Flatten(0, 2), "Unflatten": nn.Unflatten(1, (2, 3)), "Unflatten1": nn.Unflatten(0, (4,)),
    "ReLU": nn.ReLU(), "ReLU_inplace": nn.ReLU(inplace=True), "LeakyReLU": nn.LeakyReLU(), "LeakyReLU2": nn.LeakyReLU(0.2, True),
    "ELU": nn.ELU(), "ELU2": nn.ELU(0.5), "GELU": nn.GELU(), "GELU_tanh": nn.GELU("tanh"), "SiLU": nn.SiLU(), "Mish": nn.Mish(),
    "Tanh": nn.Tanh(), "Sigmoid": nn.Sigmoid(), "Softmax": nn.Softmax(dim=1), "LogSoftmax": nn.LogSoftmax(dim=-1),
    "Softplus": nn.Softplus(), "Softplus2": nn.Softplus(beta=2, threshold=10),
    "CrossEntropyLoss": nn.CrossEntropyLoss(), "NLLLoss": nn.NLLLoss(), "MSELoss": nn.MSELoss(), "L1Loss": nn.L1Loss(),
    "SmoothL1Loss": nn.SmoothL1Loss(), "HuberLoss": nn.HuberLoss(), "BCELoss": nn.BCELoss(),
    "BCEWithLogitsLoss": nn.BCEWithLogitsLoss(), "KLDivLoss": nn.KLDivLoss(),
    "Sequential": nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Dropout(0.1)), nn.Linear(3, 1)),
    "ModuleList": nn.ModuleList([nn.Linear(1, 2), nn.ReLU()]),
    "ModuleDict": nn.ModuleDict({"act": nn.ReLU(), "fc": nn.Linear(2, 2)}),
    "Quickstart": NeuralNetwork(), "SequentialEmpty": nn.Sequential(), "ModuleListEmpty": nn.ModuleList(),
}
for n, m in reprs.items():
    cases.append({"kind": "repr", "name": n, "text": str(m)})

# ---------------------------------------------------------------- BatchNorm module
for name, mk, shape in [("bn1d", lambda: nn.BatchNorm1d(3), (6, 3)), ("bn1d_3d", lambda: nn.BatchNorm1d(3, momentum=0.3), (4, 3, 2)),
                        ("bn2d", lambda: nn.BatchNorm2d(3), (2, 3, 2, 2)), ("bn2d_cma", lambda: nn.BatchNorm2d(3, momentum=None), (2, 3, 2, 2)),
                        ("bn1d_nostats", lambda: nn.BatchNorm1d(3, track_running_stats=False), (5, 3))]:
    m = mk()
    with torch.no_grad():
        if m.weight is not None:
            m.weight.copy_(rnd(3))
            m.bias.copy_(rnd(3))
    xs = [rnd(*shape) for _ in range(3)]
    outs = [m(xx) for xx in xs[:2]]
    m.eval()
    outs.append(m(xs[2]))
    cases.append({"kind": "bn", "name": name, "weight": enc(m.weight), "bias": enc(m.bias), "xs": [enc(v) for v in xs],
                  "outs": [enc(v) for v in outs], "buffers": [enc(v) for v in m.buffers()]})

# ---------------------------------------------------------------- optimizers
X = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7], [-0.2, 0.8, 1.1], [1.0, 1.0, -1.0]])
Y = torch.tensor([[1.0, -1.0], [0.5, 2.0], [-1.5, 0.3], [0.2, 0.1]])
W0 = torch.tensor([[0.1, -0.2], [0.3, 0.05], [-0.4, 0.2]])
B0 = torch.tensor([0.01, -0.02])


def problem():
    w_ = W0.clone().requires_grad_()
    b_ = B0.clone().requires_grad_()
    return w_, b_


def loss_of(w_, b_):
    return ((X @ w_ + b_ - Y) ** 2).mean()


opt_cases = [
    ("SGD", {"lr": 0.1}), ("SGD", {"lr": 0.1, "momentum": 0.9}), ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.5}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True}), ("SGD", {"lr": 0.1, "weight_decay": 0.1, "momentum": 0.5}),
    ("SGD", {"lr": 0.1, "maximize": True}),
    ("Adam", {"lr": 0.1}), ("Adam", {"lr": 0.05, "betas": [0.8, 0.9], "weight_decay": 0.1}), ("Adam", {"lr": 0.1, "amsgrad": True}),
    ("Adam", {"lr": 0.1, "maximize": True}),
    ("AdamW", {"lr": 0.1}), ("AdamW", {"lr": 0.1, "weight_decay": 0.5, "amsgrad": True}),
    ("RMSprop", {"lr": 0.01}), ("RMSprop", {"lr": 0.01, "centered": True}), ("RMSprop", {"lr": 0.01, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True, "weight_decay": 0.1, "alpha": 0.9}),
    ("Adagrad", {"lr": 0.1}), ("Adagrad", {"lr": 0.1, "lr_decay": 0.1, "weight_decay": 0.05, "initial_accumulator_value": 0.1}),
]
for name, kw in opt_cases:
    w_, b_ = problem()
    kw2 = dict(kw)
    if "betas" in kw2:
        kw2["betas"] = tuple(kw2["betas"])
    opt = getattr(torch.optim, name)([w_, b_], **kw2)
    steps = []
    for _ in range(6):
        opt.zero_grad()
        loss_of(w_, b_).backward()
        opt.step()
        steps.append([enc(w_), enc(b_)])
    cases.append({"kind": "optim", "name": name, "kw": kw, "steps": steps,
                  "state_keys": sorted(opt.state_dict()["state"][0].keys()),
                  "group_keys": sorted(k for k in opt.state_dict()["param_groups"][0].keys())})
# parameter groups with different lr
w_, b_ = problem()
opt = torch.optim.SGD([{"params": [w_]}, {"params": [b_], "lr": 0.5}], lr=0.1, momentum=0.9)
steps = []
for _ in range(4):
    opt.zero_grad()
    loss_of(w_, b_).backward()
    opt.step()
    steps.append([enc(w_), enc(b_)])
cases.append({"kind": "optim_groups", "name": "SGD", "steps": steps})
w_, b_ = problem()
opt = torch.optim.Adam([{"params": [w_], "lr": 0.01}, {"params": [b_]}], lr=0.2)
steps = []
for _ in range(4):
    opt.zero_grad()
    loss_of(w_, b_).backward()
    opt.step()
    steps.append([enc(w_), enc(b_)])
cases.append({"kind": "optim_groups", "name": "Adam", "steps": steps})

# clip_grad
for kind_, kw in [("norm", {"max_norm": 0.5}), ("norm", {"max_norm": 0.5, "norm_type": 1.0}), ("norm", {"max_norm": 0.1, "norm_type": "inf"}),
                  ("norm", {"max_norm": 100.0}), ("value", {"clip_value": 0.3})]:
    w_, b_ = problem()
    loss_of(w_, b_).backward()
    kw2 = dict(kw)
    if kw2.get("norm_type") == "inf":
        kw2["norm_type"] = float("inf")
    r = nn.utils.clip_grad_norm_([w_, b_], **kw2) if kind_ == "norm" else nn.utils.clip_grad_value_([w_, b_], **kw2)
    cases.append({"kind": "clip", "name": kind_, "kw": kw, "total": None if r is None else float(r),
                  "grads": [enc(w_.grad), enc(b_.grad)]})

# ---------------------------------------------------------------- schedulers
sched_cases = [
    ("StepLR", {"step_size": 3, "gamma": 0.5}), ("MultiStepLR", {"milestones": [2, 5, 5, 9], "gamma": 0.3}),
    ("ExponentialLR", {"gamma": 0.9}), ("CosineAnnealingLR", {"T_max": 5}), ("CosineAnnealingLR", {"T_max": 4, "eta_min": 0.01}),
    ("LambdaLR", {"lambda": "0.95**e"}), ("OneCycleLR", {"max_lr": 1.0, "total_steps": 12}),
    ("OneCycleLR", {"max_lr": 0.5, "epochs": 3, "steps_per_epoch": 4, "pct_start": 0.25, "anneal_strategy": "linear"}),
    ("OneCycleLR", {"max_lr": 0.5, "total_steps": 12, "div_factor": 10, "final_div_factor": 100, "three_phase": True}),
]
for name, kw in sched_cases:
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    kw2 = dict(kw)
    if name == "LambdaLR":
        kw2 = {"lr_lambda": lambda e: 0.95 ** e}
    s = getattr(torch.optim.lr_scheduler, name)(opt, **kw2)
    lrs = [opt.param_groups[0]["lr"]]
    moms = [opt.param_groups[0]["momentum"]]
    n = 12 if name != "OneCycleLR" else 11
    for _ in range(n):
        opt.step()
        s.step()
        lrs.append(opt.param_groups[0]["lr"])
        moms.append(opt.param_groups[0]["momentum"])
    cases.append({"kind": "sched", "name": name, "kw": kw, "lrs": lrs, "momenta": moms, "last_lr": s.get_last_lr()})
# OneCycleLR with Adam cycles beta1
p = torch.zeros(1, requires_grad=True)
opt = torch.optim.Adam([p], lr=0.1)
s = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.3, total_steps=6)
betas = [opt.param_groups[0]["betas"][0]]
lrs = [opt.param_groups[0]["lr"]]
for _ in range(5):
    opt.step()
    s.step()
    betas.append(opt.param_groups[0]["betas"][0])
    lrs.append(opt.param_groups[0]["lr"])
cases.append({"kind": "sched", "name": "OneCycleLR_Adam", "kw": {"max_lr": 0.3, "total_steps": 6}, "lrs": lrs, "momenta": betas})
try:
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1)
    s = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=2)
    for _ in range(3):
        opt.step()
        s.step()
except ValueError as e:
    cases.append({"kind": "sched_error", "name": "OneCycleLR_overstep", "error": str(e)})
for kw in [{}, {"mode": "max", "factor": 0.5, "patience": 1}, {"patience": 2, "cooldown": 1, "threshold": 0.1, "threshold_mode": "abs", "min_lr": 0.02}]:
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1)
    s = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **kw)
    metrics = [1.0, 0.9, 0.95, 0.91, 0.92, 0.93, 0.5, 0.6, 0.6, 0.6, 0.6, 0.7, 0.7, 0.8, 0.49, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    lrs = []
    for mv in metrics:
        s.step(mv)
        lrs.append(opt.param_groups[0]["lr"])
    cases.append({"kind": "plateau", "kw": kw, "metrics": metrics, "lrs": lrs})

# ---------------------------------------------------------------- DataLoader order
for seed, n, bs, drop, gen_seed in [(0, 10, 3, False, None), (42, 7, 2, True, None), (1, 16, 5, False, 123), (3, 5, 8, False, None)]:
    torch.manual_seed(seed)
    ds = TensorDataset(torch.arange(n), torch.arange(n) * 10)
    gen = torch.Generator().manual_seed(gen_seed) if gen_seed is not None else None
    dl = DataLoader(ds, batch_size=bs, shuffle=True, drop_last=drop, generator=gen)
    epochs = [[bx.tolist() for bx, _ in dl] for _ in range(2)]
    after = torch.rand(2).tolist()
    cases.append({"kind": "loader", "seed": seed, "n": n, "batch_size": bs, "drop_last": drop, "gen_seed": gen_seed,
                  "len": len(dl), "epochs": epochs, "rand_after": after})

write("nn", cases)

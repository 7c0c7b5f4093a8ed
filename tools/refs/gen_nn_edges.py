"""Reference records for nn edge cases: losses at infinite, overflowing and NaN differences, dtypes the losses refuse,
zero-element inputs to softmax, the losses and the norms, empty convolution kernels, and the texts of masked_fill_,
embedding padding_idx and tensor-hook errors.

Run: /usr/bin/python3 tools/refs/gen_nn_edges.py  ->  tests/Flint.Tests/References/nn_edges.json

Record kinds:
  fn:     {"name", "inputs": [tensor], "grad": [bool], "kw", "out" | "error" + "type", "requires_grad", "grad_fn",
           "check_grad_fn", "gout", "grads": [tensor|null]}
          the C# side maps name to the same computation; grads are d(sum(out * gout))/d(input). check_grad_fn is
          false where Flint composes the op from primitives (its node has another name; only its presence counts).
  module: {"name", "x", "out" | "error" + "type", "grad_fn", "check_grad_fn", "grads": {param: tensor},
           "buffers": [tensor], "eval_out", "repr"} a module built as the C# side builds it for that name, run on x
          in training mode (then in eval mode when eval_out is given); grads are of out.sum().
  build:  {"name", "repr" | "error" + "type"} constructing a module.
  error:  {"name", "error", "type"} a scenario the C# side replays by name (masked_fill_, hooks).

PyTorch 1.13 is what runs here. An empty input to batch_norm is returned as input.clone() * weight[0] + bias[0]
(running statistics untouched) by 1.13 and 2.x alike; convolutions with an empty kernel are built and refused when
they run ("kernel size should be greater than zero ..."). Where 2.x differs it is noted at the case: smooth_l1_loss with beta=0 is routed to
l1_loss by 2.x (1.13's own kernel gives -1 at a zero difference and NaN at a NaN one), so that case has neither.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from common import enc, error_scenario, record_error, write

cases = []
G = torch.Generator().manual_seed(4321)
inf, nan = float("inf"), float("nan")


def rnd(*shape, dtype=torch.float32, lo=-2.0, hi=2.0):
    return (torch.rand(tuple(shape), generator=G, dtype=torch.float64) * (hi - lo) + lo).to(dtype)


def fn(name, inputs, fun, grad=None, check_grad_fn=True, **kw):
    grad = grad if grad is not None else [t.dtype.is_floating_point for t in inputs]
    ins = [t.detach().clone().requires_grad_(g) for t, g in zip(inputs, grad)]
    rec = {"kind": "fn", "name": name, "inputs": [enc(t) for t in inputs], "grad": grad, "kw": kw}
    try:
        out = fun(*ins)
    except Exception as e:  # noqa: BLE001 - PyTorch's error is the record
        record_error(rec, e)
        cases.append(rec)
        return
    rec["out"] = enc(out)
    rec["requires_grad"] = out.requires_grad
    rec["grad_fn"] = type(out.grad_fn).__name__ if out.grad_fn is not None else None
    rec["check_grad_fn"] = check_grad_fn
    if any(grad) and out.requires_grad:
        gout = rnd(*out.shape, dtype=out.dtype)
        gs = torch.autograd.grad(out, [t for t, g in zip(ins, grad) if g], gout, allow_unused=True)
        it = iter(gs)
        rec["gout"] = enc(gout)
        rec["grads"] = [(lambda v: enc(v) if v is not None else None)(next(it)) if g else None for g in grad]
    cases.append(rec)


# ---------------------------------------------------------------- losses where the difference is infinite or overflows
# x - y: inf, -inf, overflow to +inf, overflow to -inf, -inf (finite - inf), nan, inf - inf = nan, 0, inside, outside
xs = torch.tensor([inf, -inf, 3e38, -3e38, 1.0, nan, inf, 0.5, 0.3, -4.0])
ys = torch.tensor([0.0, 0.0, -3e38, 3e38, inf, 0.0, inf, 0.5, 0.1, 1.0])
# beta = 0 without the zero and NaN differences: 2.x's l1_loss gives 0 there, 1.13's smooth_l1 kernel -1 and NaN
xs_nz, ys_nz = xs[[0, 1, 2, 3, 4, 8, 9]], ys[[0, 1, 2, 3, 4, 8, 9]]
for red in ["none", "mean", "sum"]:
    for dt in [torch.float32, torch.float64]:
        a, b = xs.to(dt), ys.to(dt)
        for beta in [1.0, 0.5]:
            fn("smooth_l1_loss", [a, b], lambda p, q, r=red, be=beta: F.smooth_l1_loss(p, q, reduction=r, beta=be), reduction=red, beta=beta)
        for delta in [1.0, 0.3]:
            fn("huber_loss", [a, b], lambda p, q, r=red, de=delta: F.huber_loss(p, q, reduction=r, delta=de), reduction=red, delta=delta)
        fn("l1_loss", [a, b], lambda p, q, r=red: F.l1_loss(p, q, reduction=r), reduction=red)
        fn("mse_loss", [a, b], lambda p, q, r=red: F.mse_loss(p, q, reduction=r), reduction=red)
    fn("smooth_l1_loss", [xs_nz, ys_nz], lambda p, q, r=red: F.smooth_l1_loss(p, q, reduction=r, beta=0.0), reduction=red, beta=0.0,
       check_grad_fn=False)
# broadcast target (PyTorch warns and expands): each input's gradient is summed back to its shape
fn("smooth_l1_loss", [xs[:4].reshape(2, 2), torch.tensor([0.0, inf])], lambda p, q: F.smooth_l1_loss(p, q, reduction="sum"), reduction="sum")
fn("huber_loss", [xs[:4].reshape(2, 2), torch.tensor([0.0, inf])], lambda p, q: F.huber_loss(p, q, reduction="mean", delta=2.0), reduction="mean", delta=2.0)
# the other losses at infinite logits and log-probabilities
zl = torch.tensor([inf, -inf, 1e30, -1e30, inf, -inf, 0.0, 3.0])
tl = torch.tensor([1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.5, 0.5])
fn("bce_with_logits", [zl, tl], lambda p, q: F.binary_cross_entropy_with_logits(p, q, reduction="none"), reduction="none")
fn("bce_with_logits_pw", [zl, tl, torch.tensor(2.0)],
   lambda p, q, w: F.binary_cross_entropy_with_logits(p, q, reduction="none", pos_weight=w), grad=[True, True, False],
   reduction="none")
lk, tk = torch.tensor([-inf, -inf, 0.0, -1.0]), torch.tensor([0.0, 0.5, 0.0, 0.5])
fn("kl_div", [lk, tk], lambda p, q: F.kl_div(p, q, reduction="none"), reduction="none")
fn("kl_div_log", [lk, tk.log()], lambda p, q: F.kl_div(p, q, reduction="none", log_target=True), reduction="none")
# parameters and reductions the losses refuse
for delta in [0.0, -1.0]:
    fn("huber_loss", [xs[7:], ys[7:]], lambda p, q, de=delta: F.huber_loss(p, q, delta=de), reduction="mean", delta=delta)
fn("smooth_l1_loss", [xs[7:], ys[7:]], lambda p, q: F.smooth_l1_loss(p, q, beta=-1.0), reduction="mean", beta=-1.0)
for name_, f_ in [("smooth_l1_loss", F.smooth_l1_loss), ("huber_loss", F.huber_loss), ("mse_loss", F.mse_loss), ("l1_loss", F.l1_loss)]:
    fn(name_, [xs[7:], ys[7:]], lambda p, q, f=f_: f(p, q, reduction="avg"), reduction="avg")
fn("binary_cross_entropy", [torch.tensor([0.5, 0.2]), torch.tensor([1.0, 0.0])], lambda p, q: F.binary_cross_entropy(p, q, reduction="avg"),
   reduction="avg")
# ordinary values, to hold the one-node forms to the old results
for red in ["none", "mean", "sum"]:
    a, b = rnd(3, 4, lo=-3, hi=3), rnd(3, 4, lo=-3, hi=3)
    fn("smooth_l1_loss", [a, b], lambda p, q, r=red: F.smooth_l1_loss(p, q, reduction=r, beta=0.7), reduction=red, beta=0.7)
    fn("huber_loss", [a, b], lambda p, q, r=red: F.huber_loss(p, q, reduction=r, delta=1.3), reduction=red, delta=1.3)

# ---------------------------------------------------------------- binary_cross_entropy: NaN input, dtypes
for red in ["mean", "none"]:
    fn("binary_cross_entropy", [torch.tensor([0.5, nan]), torch.tensor([1.0, 0.0])],
       lambda p, q, r=red: F.binary_cross_entropy(p, q, reduction=r), reduction=red)
fn("binary_cross_entropy", [torch.tensor(nan), torch.tensor(1.0)], lambda p, q: F.binary_cross_entropy(p, q), reduction="mean")
fn("binary_cross_entropy", [torch.tensor([nan], dtype=torch.float64), torch.tensor([1.0], dtype=torch.float64)],
   lambda p, q: F.binary_cross_entropy(p, q), reduction="mean")
fn("binary_cross_entropy", [torch.tensor([-inf, 0.5]), torch.tensor([1.0, 1.0])], lambda p, q: F.binary_cross_entropy(p, q), reduction="mean")
for tdt in [torch.int64, torch.float64, torch.bool]:
    fn("binary_cross_entropy", [torch.tensor([0.5, 0.2]), torch.tensor([1, 0]).to(tdt)],
       lambda p, q: F.binary_cross_entropy(p, q), reduction="mean")
fn("binary_cross_entropy", [torch.tensor([nan]), torch.tensor([0])], lambda p, q: F.binary_cross_entropy(p, q), reduction="mean")
fn("binary_cross_entropy", [torch.tensor([1, 0]), torch.tensor([1.0, 0.0])], lambda p, q: F.binary_cross_entropy(p, q), reduction="mean")
fn("binary_cross_entropy", [torch.tensor([1, 0]), torch.tensor([1, 0])], lambda p, q: F.binary_cross_entropy(p, q), reduction="mean")
fn("binary_cross_entropy_w", [torch.tensor([0.5, 0.2]), torch.tensor([1.0, 0.0]), torch.tensor([1, 2])],
   lambda p, q, w: F.binary_cross_entropy(p, q, weight=w), reduction="mean")
# class weights are not differentiated: one that requires grad is refused (while grad mode is on)
fn("binary_cross_entropy_w", [torch.tensor([0.5, 0.2]), torch.tensor([1.0, 0.0]), torch.tensor([1.0, 2.0])],
   lambda p, q, w: F.binary_cross_entropy(p, q, weight=w), grad=[True, False, True], reduction="mean")
# a NaN target is not checked (the loss is NaN)
fn("binary_cross_entropy", [torch.tensor([0.5, 0.5]), torch.tensor([1.0, nan])], lambda p, q: F.binary_cross_entropy(p, q), reduction="mean")

# ---------------------------------------------------------------- nll_loss / cross_entropy: integer inputs
lp = torch.log_softmax(rnd(4, 5), 1)
tg = torch.tensor([1, -100, 4, 1])
cw = rnd(5, lo=0.2, hi=2)
li = torch.tensor([[1, 2], [3, 4]])
lt = torch.tensor([0, 1])
for red in ["mean", "sum", "none"]:
    fn("nll_loss", [li, lt], lambda p, q, r=red: F.nll_loss(p, q, reduction=r), reduction=red)
fn("nll_loss", [li.to(torch.int32), lt], lambda p, q: F.nll_loss(p, q), reduction="mean")
fn("nll_loss", [torch.zeros(2, 2, dtype=torch.bool), lt], lambda p, q: F.nll_loss(p, q), reduction="mean")
fn("nll_loss", [torch.tensor([1, 2]), torch.tensor(0)], lambda p, q: F.nll_loss(p, q), reduction="mean")
fn("nll_loss", [torch.zeros(1, 2, 1, 1, dtype=torch.long), torch.zeros(1, 1, 1, dtype=torch.long)], lambda p, q: F.nll_loss(p, q), reduction="mean")
fn("nll_loss", [torch.zeros(1, 2, 3, dtype=torch.long), torch.zeros(1, 3, dtype=torch.long)], lambda p, q: F.nll_loss(p, q), reduction="mean")
fn("nll_loss", [li, torch.tensor([0, 1], dtype=torch.int32)], lambda p, q: F.nll_loss(p, q), reduction="mean")
fn("nll_loss", [li, torch.tensor([0, 1, 1])], lambda p, q: F.nll_loss(p, q), reduction="mean")
fn("nll_loss", [torch.tensor(1.0), torch.tensor(0)], lambda p, q: F.nll_loss(p, q), reduction="mean")
fn("nll_loss", [torch.zeros(0, 2, dtype=torch.long), torch.zeros(0, dtype=torch.long)], lambda p, q: F.nll_loss(p, q), reduction="mean")
fn("cross_entropy", [li, lt], lambda p, q: F.cross_entropy(p, q), reduction="mean")
fn("cross_entropy", [torch.zeros(0, 2, dtype=torch.long), torch.zeros(0, dtype=torch.long)], lambda p, q: F.cross_entropy(p, q), reduction="mean")
fn("nll_loss_w", [lp, tg, cw], lambda p, q, w: F.nll_loss(p, q, weight=w), grad=[True, False, True], reduction="mean")
fn("cross_entropy_w", [lp, tg, cw], lambda p, q, w: F.cross_entropy(p, q, weight=w), grad=[True, False, True], reduction="mean")
# the one-node nll_loss on ordinary inputs (weights, ignored rows, spatial, unbatched), every reduction
lp4 = torch.log_softmax(rnd(2, 3, 2, 2), 1)
tg4 = torch.tensor([[[0, 2], [1, -100]], [[2, 0], [0, 1]]])
for red in ["mean", "sum", "none"]:
    fn("nll_loss_w", [lp, tg, cw], lambda p, q, w, r=red: F.nll_loss(p, q, weight=w, reduction=r), grad=[True, False, False], reduction=red)
    fn("nll_loss", [lp, tg], lambda p, q, r=red: F.nll_loss(p, q, reduction=r), reduction=red)
    fn("nll_loss_w", [lp4, tg4, cw[:3]], lambda p, q, w, r=red: F.nll_loss(p, q, weight=w, reduction=r), grad=[True, False, False], reduction=red)
    fn("nll_loss", [lp[0], torch.tensor(3)], lambda p, q, r=red: F.nll_loss(p, q, reduction=r), reduction=red)
    fn("nll_loss", [lp.double()[1:], tg[1:]], lambda p, q, r=red: F.nll_loss(p, q, reduction=r), reduction=red)

# ---------------------------------------------------------------- zero-element inputs
for shape in [(0, 3), (3, 0), (0,)]:
    for dim in ([0, 1] if len(shape) == 2 else [0, -1]):
        x0 = torch.zeros(shape)
        fn("softmax", [x0], lambda p, d=dim: F.softmax(p, d), dim=dim)
        fn("log_softmax", [x0], lambda p, d=dim: F.log_softmax(p, d), dim=dim)
fn("log_softmax_f64", [torch.zeros(0, 3)], lambda p: F.log_softmax(p, 1, dtype=torch.float64), dim=1)
fn("softmax", [torch.zeros(0, 3, dtype=torch.long)], lambda p: F.softmax(p, 1), dim=1)
x0 = torch.zeros(0, 3)
t0 = torch.zeros(0, dtype=torch.long)
for red in ["mean", "sum", "none"]:
    fn("cross_entropy", [x0, t0], lambda p, q, r=red: F.cross_entropy(p, q, reduction=r), reduction=red)
    fn("cross_entropy", [x0, torch.zeros(0, 3)], lambda p, q, r=red: F.cross_entropy(p, q, reduction=r), reduction=red)
    fn("cross_entropy_ls", [x0, t0], lambda p, q, r=red: F.cross_entropy(p, q, reduction=r, label_smoothing=0.1), reduction=red)
    fn("cross_entropy_w", [x0, t0, torch.ones(3)], lambda p, q, w, r=red: F.cross_entropy(p, q, weight=w, reduction=r),
       grad=[True, False, False], reduction=red)
    fn("nll_loss", [x0, t0], lambda p, q, r=red: F.nll_loss(p, q, reduction=r), reduction=red)
    fn("cross_entropy", [torch.zeros(0, 3, 2), torch.zeros(0, 2, dtype=torch.long)], lambda p, q, r=red: F.cross_entropy(p, q, reduction=r), reduction=red)
fn("batch_norm_train", [torch.zeros(0, 3)], lambda p: F.batch_norm(p, None, None, training=True))
fn("batch_norm_train", [torch.zeros(0, 3, 4)], lambda p: F.batch_norm(p, None, None, training=True))
fn("batch_norm_train_affine", [torch.zeros(0, 3), rnd(3), rnd(3)], lambda p, w, b: F.batch_norm(p, None, None, w, b, training=True))
fn("batch_norm_train_affine", [torch.zeros(2, 3, 0), rnd(3), rnd(3)], lambda p, w, b: F.batch_norm(p, None, None, w, b, training=True))
fn("batch_norm_train_stats", [torch.zeros(0, 3, 2, 2), torch.zeros(3), torch.ones(3)],
   lambda p, m, v: F.batch_norm(p, m, v, training=True), grad=[True, False, False])
fn("batch_norm_eval", [torch.zeros(0, 3), torch.zeros(3), torch.ones(3)], lambda p, m, v: F.batch_norm(p, m, v, training=False),
   grad=[True, False, False])
fn("batch_norm_eval_nomean", [rnd(2, 3), torch.zeros(3), torch.ones(3)], lambda p, m, v: F.batch_norm(p, None, v, training=False),
   grad=[True, False, False])
fn("batch_norm_eval_novar", [rnd(2, 3), torch.zeros(3), torch.ones(3)], lambda p, m, v: F.batch_norm(p, m, None, training=False),
   grad=[True, False, False])
fn("batch_norm_train", [torch.zeros(1, 3)], lambda p: F.batch_norm(p, None, None, training=True))
fn("batch_norm_train", [torch.zeros(1, 3, 1)], lambda p: F.batch_norm(p, None, None, training=True))
fn("group_norm", [torch.zeros(0, 4, 3), rnd(4), rnd(4)], lambda p, w, b: F.group_norm(p, 2, w, b), g=2)
fn("group_norm", [torch.zeros(0, 4), rnd(4), rnd(4)], lambda p, w, b: F.group_norm(p, 4, w, b), g=4)
# (not recorded: empty groups in a non-empty batch, (2, 4, 0), where 1.13's kernel gives NaN weight gradients
# from the NaN statistics of empty groups although nothing depends on the weight)
fn("group_norm_noaffine", [torch.zeros(0, 6, 2, 2)], lambda p: F.group_norm(p, 3), g=3)
fn("group_norm_noaffine", [torch.zeros(1, 2)], lambda p: F.group_norm(p, 2), g=2)
fn("group_norm_noaffine", [torch.zeros(1, 3)], lambda p: F.group_norm(p, 2), g=2)
fn("layer_norm", [torch.zeros(0, 4), rnd(4), rnd(4)], lambda p, w, b: F.layer_norm(p, [4], w, b))


# ---------------------------------------------------------------- modules
def module_case(name, mk, x, eval_too=True):
    torch.manual_seed(0)
    m = mk()
    rec = {"kind": "module", "name": name, "x": enc(x)}
    xi = x.clone().requires_grad_(x.dtype.is_floating_point)
    try:
        out = m(xi)
    except Exception as e:  # noqa: BLE001
        record_error(rec, e)
        cases.append(rec)
        return
    rec["out"] = enc(out)
    rec["grad_fn"] = type(out.grad_fn).__name__ if out.grad_fn is not None else None
    rec["check_grad_fn"] = True
    params = dict(m.named_parameters())
    names = list(params)
    gs = torch.autograd.grad(out.sum(), [xi] + [params[n] for n in names], allow_unused=True)
    rec["grads"] = {n: enc(g) for n, g in zip(["input"] + names, gs) if g is not None}
    rec["buffers"] = [enc(b) for b in m.buffers()]
    if eval_too:
        m.eval()
        rec["eval_out"] = enc(m(x))
    rec["repr"] = str(m)
    cases.append(rec)


module_case("BatchNorm1d", lambda: nn.BatchNorm1d(3), torch.zeros(0, 3))
module_case("BatchNorm1d", lambda: nn.BatchNorm1d(3), torch.zeros(0, 3, 4))
module_case("BatchNorm1d", lambda: nn.BatchNorm1d(3), torch.zeros(2, 3, 0))
module_case("BatchNorm1d_cma", lambda: nn.BatchNorm1d(3, momentum=None), torch.zeros(0, 3))
module_case("BatchNorm1d_nostats", lambda: nn.BatchNorm1d(3, track_running_stats=False), torch.zeros(0, 3))
module_case("BatchNorm2d", lambda: nn.BatchNorm2d(3), torch.zeros(0, 3, 2, 2))
module_case("BatchNorm2d_noaffine", lambda: nn.BatchNorm2d(3, affine=False), torch.zeros(0, 3, 2, 2))
module_case("BatchNorm1d", lambda: nn.BatchNorm1d(3), torch.zeros(1, 3))
module_case("GroupNorm", lambda: nn.GroupNorm(2, 4), torch.zeros(0, 4, 3), eval_too=False)
module_case("Conv2d_k0", lambda: nn.Conv2d(3, 4, 0), torch.zeros(1, 3, 5, 5))
module_case("Conv2d_k01", lambda: nn.Conv2d(3, 4, (0, 1)), torch.zeros(1, 3, 5, 5))
module_case("Conv2d_k10", lambda: nn.Conv2d(3, 4, (1, 0)), torch.zeros(3, 5, 5))
module_case("Conv1d_k0", lambda: nn.Conv1d(3, 4, 0), torch.zeros(1, 3, 5))
module_case("ConvTranspose2d_k0", lambda: nn.ConvTranspose2d(3, 4, 0), torch.zeros(1, 3, 5, 5))
module_case("Conv2d_k0_channels", lambda: nn.Conv2d(3, 4, 0), torch.zeros(1, 2, 5, 5))


def build(name, mk):
    rec = {"kind": "build", "name": name}
    try:
        rec["repr"] = str(mk())
    except Exception as e:  # noqa: BLE001
        record_error(rec, e)
    cases.append(rec)


build("Conv2d_k0", lambda: nn.Conv2d(3, 4, 0))
build("Conv2d_k01", lambda: nn.Conv2d(3, 4, (0, 1)))
build("Conv1d_k0", lambda: nn.Conv1d(3, 4, 0))
build("ConvTranspose2d_k0", lambda: nn.ConvTranspose2d(3, 4, 0))
build("Conv2d_k-1", lambda: nn.Conv2d(3, 4, -1))
build("Conv1d_k-2", lambda: nn.Conv1d(3, 4, -2))
build("Embedding_pad6", lambda: nn.Embedding(6, 3, padding_idx=6))
build("Embedding_pad-7", lambda: nn.Embedding(6, 3, padding_idx=-7))
build("Embedding_pad-6", lambda: nn.Embedding(6, 3, padding_idx=-6))
build("Embedding_pad-1", lambda: nn.Embedding(6, 3, padding_idx=-1))
build("Embedding_pad5", lambda: nn.Embedding(6, 3, padding_idx=5))
emb_w = rnd(6, 3)
for pi in [6, -7, -6, 5]:
    fn("embedding_pad", [torch.tensor([[0, 5], [1, 0]]), emb_w], lambda i, w, p=pi: F.embedding(i, w, padding_idx=p), grad=[False, True],
       padding_idx=pi)
fn("conv2d", [rnd(1, 3, 5, 5), rnd(4, 3, 0, 3)], lambda p, w: F.conv2d(p, w))


# ---------------------------------------------------------------- scenarios replayed by name
def scenario(name, run):
    error_scenario(cases, name, run)


def mf_inplace():
    torch.zeros(3).masked_fill_(torch.tensor([True, False]), 1.0)


def mf_inplace_grad():
    (torch.zeros(3, requires_grad=True) * 1).masked_fill_(torch.tensor([True, False]), 1.0)


def mf_inplace_tensor():
    torch.zeros(3).masked_fill_(torch.tensor([True, False]), torch.tensor(1.0))


def mf_inplace_leaf():
    torch.zeros(3, requires_grad=True).masked_fill_(torch.tensor([True, False]), 1.0)


def mf_outofplace():
    torch.zeros(3).masked_fill(torch.tensor([True, False]), 1.0)


def mf_inplace_bcast():
    torch.zeros(3).masked_fill_(torch.tensor([[True, False, True], [True, True, True]]), 1.0)


def ms_inplace():
    torch.zeros(3).masked_scatter_(torch.tensor([True, False]), torch.ones(3))


def ms_inplace_grad():
    (torch.zeros(3, requires_grad=True) * 1).masked_scatter_(torch.tensor([True, False]), torch.ones(3))


def ms_outofplace():
    torch.zeros(3).masked_scatter(torch.tensor([True, False]), torch.ones(3))


def ms_inplace_broadcast():
    t = torch.zeros(2, 3)
    t.masked_scatter_(torch.tensor([[True], [False]]), torch.arange(6.0))
    assert t.tolist() == [[0.0, 1.0, 2.0], [0.0, 0.0, 0.0]]


scenario("masked_scatter_size", ms_inplace)
scenario("masked_scatter_size_grad", ms_inplace_grad)
scenario("masked_scatter_outofplace_size", ms_outofplace)
scenario("masked_scatter_broadcast", ms_inplace_broadcast)
scenario("masked_fill_size", mf_inplace)
scenario("masked_fill_size_grad", mf_inplace_grad)
scenario("masked_fill_size_tensor", mf_inplace_tensor)
scenario("masked_fill_size_leaf", mf_inplace_leaf)
scenario("masked_fill_outofplace_size", mf_outofplace)
scenario("masked_fill_broadcast", mf_inplace_bcast)


def hook_nonleaf_size():
    x = torch.ones(3, requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: torch.ones(4))
    y.sum().backward()


def hook_leaf_size():
    x = torch.ones(3, requires_grad=True)
    x.register_hook(lambda g: torch.ones(4))
    (x * 2).sum().backward()


def hook_broadcastable_size():
    x = torch.ones(2, 3, requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: torch.ones(3))
    y.sum().backward()


def hook_dtype():
    x = torch.ones(3, requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: g.double())
    y.sum().backward()


def hook_named():
    def scale_hook(g):
        return torch.ones(2)
    x = torch.ones(3, requires_grad=True)
    y = x * 2
    y.register_hook(scale_hook)
    y.sum().backward()


def hook_grad_api():
    x = torch.ones(3, requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: torch.ones(1))
    torch.autograd.grad(y.sum(), [x])


def hook_same_size():
    x = torch.ones(3, requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: g * 3)
    y.sum().backward()
    assert x.grad.tolist() == [6.0, 6.0, 6.0]


scenario("hook_nonleaf_size", hook_nonleaf_size)
scenario("hook_leaf_size", hook_leaf_size)
scenario("hook_broadcastable_size", hook_broadcastable_size)
scenario("hook_dtype", hook_dtype)
scenario("hook_named", hook_named)
scenario("hook_grad_api", hook_grad_api)
scenario("hook_same_size", hook_same_size)

write("nn_edges", cases)

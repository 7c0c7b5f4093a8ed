"""Reference records for the fused nn ops (one node, one kernel) and the wrong results they fixed: cumprod's gradient
at zeros, signed zeros of losses, PyTorch's node names for the losses, norms and embedding, gradients of gradients,
and the error texts of index_select, cross_entropy, batch_norm, layer_norm, group_norm and embedding.

Run: /usr/bin/python3 tools/refs/gen_fused.py  ->  tests/Flint.Tests/References/fused.json

Record kinds (every name is unique, so one case runs with --filter):
  fn:    {"name", "op", "inputs": [tensor], "grad": [bool], "kw", "out" | "error" + "type", "grad_fn", "gout",
          "grads": [tensor|null], "vs", "ggrads": [tensor|null], "after": [tensor]}
         the C# side maps op and kw to the same call; grads are d(sum(out * gout))/d(input). Where "vs" is given,
         ggrads are the gradients of sum_k sum(grads_k * vs_k) (grads taken with create_graph) with respect to the
         inputs: the double backward. "after" holds inputs the op updates in place (batch_norm's running statistics).
  error: {"name", "error", "type"} a scenario the C# side replays by name.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from common import enc, error_scenario, record_error, write

cases = []
G = torch.Generator().manual_seed(2027)


def rnd(*shape, dtype=torch.float32, lo=-2.0, hi=2.0):
    return (torch.rand(tuple(shape), generator=G, dtype=torch.float64) * (hi - lo) + lo).to(dtype)


def encg(v):
    return enc(v) if v is not None else None


def fn(name, op, inputs, fun, grad=None, gradgrad=False, after=None, **kw):
    grad = grad if grad is not None else [t.dtype.is_floating_point for t in inputs]
    ins = [t.detach().clone().requires_grad_(g) for t, g in zip(inputs, grad)]
    rec = {"kind": "fn", "name": name, "op": op, "inputs": [enc(t) for t in inputs], "grad": grad, "kw": kw}
    try:
        out = fun(*ins)
    except Exception as e:  # noqa: BLE001 - PyTorch's error is the record
        record_error(rec, e)
        cases.append(rec)
        return
    rec["out"] = enc(out)
    rec["grad_fn"] = type(out.grad_fn).__name__ if out.grad_fn is not None else None
    if after is not None:
        rec["after"] = [enc(ins[k]) for k in after]
    wanted = [t for t, g in zip(ins, grad) if g]
    if wanted and out.requires_grad:
        gout = rnd(*out.shape, dtype=out.dtype)
        gs = torch.autograd.grad(out, wanted, gout, allow_unused=True, create_graph=gradgrad)
        it = iter(gs)
        rec["gout"] = enc(gout)
        rec["grads"] = [encg(next(it)) if g else None for g in grad]
        if gradgrad and any(g is not None and g.requires_grad for g in gs):
            pairs = [(g, rnd(*g.shape, dtype=g.dtype)) for g in gs if g is not None and g.requires_grad]
            s = sum((g * v).sum() for g, v in pairs)
            ggs = torch.autograd.grad(s, wanted, allow_unused=True)
            vit = iter(pairs)
            rec["vs"] = [enc(next(vit)[1]) if (g is not None and g.requires_grad) else None for g in gs]
            it = iter(ggs)
            rec["ggrads"] = [encg(next(it)) if g else None for g in grad]
    cases.append(rec)


# ---------------------------------------------------------------- cumprod's gradient at zeros
for dt, tag in [(torch.float32, "f32"), (torch.float64, "f64")]:
    fn(f"cumprod_one_zero_{tag}", "cumprod", [torch.tensor([2.0, 0.0, 3.0, 4.0], dtype=dt)], lambda x: torch.cumprod(x, 0), dim=0)
    fn(f"cumprod_zero_first_{tag}", "cumprod", [torch.tensor([0.0, 2.0, -1.5, 4.0], dtype=dt)], lambda x: torch.cumprod(x, 0), dim=0)
    fn(f"cumprod_zero_last_{tag}", "cumprod", [torch.tensor([1.5, 2.0, 0.0], dtype=dt)], lambda x: torch.cumprod(x, 0), dim=0)
    several = torch.tensor([[2.0, 0.0, 3.0, 0.0, 5.0], [1.0, 2.0, 3.0, 4.0, 0.5], [0.0, 0.0, 1.0, 2.0, 3.0], [-1.0, 2.0, 0.0, 0.0, 0.0]], dtype=dt)
    fn(f"cumprod_several_zeros_dim1_{tag}", "cumprod", [several], lambda x: torch.cumprod(x, 1), dim=1)
    fn(f"cumprod_several_zeros_dim0_{tag}", "cumprod", [several.t().contiguous()], lambda x: torch.cumprod(x, 0), dim=0)
    fn(f"cumprod_zeros_3d_{tag}", "cumprod", [torch.tensor([[[1.0, 0.0], [2.0, 3.0]], [[0.0, 4.0], [5.0, 0.0]]], dtype=dt)],
       lambda x: torch.cumprod(x, 1), dim=1)
    fn(f"cumprod_no_zero_{tag}", "cumprod", [rnd(3, 4, dtype=dt, lo=0.5, hi=2.0)], lambda x: torch.cumprod(x, 1), dim=1)
# gradients of the gradient, zeros included (PyTorch's explicit formula)
fn("cumprod_gradgrad_zeros_f64", "cumprod", [torch.tensor([[2.0, 0.0, 3.0, 1.5], [0.5, 2.0, 0.0, 0.0]], dtype=torch.float64)],
   lambda x: torch.cumprod(x, 1), gradgrad=True, dim=1)
fn("cumprod_gradgrad_nonzero_f64", "cumprod", [rnd(2, 3, dtype=torch.float64, lo=0.5, hi=2.0)], lambda x: torch.cumprod(x, 1), gradgrad=True, dim=1)

# ---------------------------------------------------------------- signed zeros of the losses
logits = rnd(3, 4)
ignored = torch.tensor([-100, -100, -100])
for dt, tag in [(torch.float32, "f32"), (torch.float64, "f64")]:
    fn(f"cross_entropy_sum_all_ignored_{tag}", "cross_entropy", [logits.to(dt), ignored], lambda x, t: F.cross_entropy(x, t, reduction="sum"), reduction="sum")
fn("cross_entropy_none_some_ignored", "cross_entropy", [logits, torch.tensor([1, -100, 3])], lambda x, t: F.cross_entropy(x, t, reduction="none"), reduction="none")
fn("cross_entropy_mean_all_ignored", "cross_entropy", [logits, ignored], lambda x, t: F.cross_entropy(x, t), reduction="mean")
fn("cross_entropy_sum_all_ignored_spatial", "cross_entropy", [rnd(2, 3, 2, 2), torch.full((2, 2, 2), -100)],
   lambda x, t: F.cross_entropy(x, t, reduction="sum"), reduction="sum")
fn("cross_entropy_sum_all_ignored_ls", "cross_entropy_ls", [logits, ignored], lambda x, t: F.cross_entropy(x, t, reduction="sum", label_smoothing=0.2),
   reduction="sum", label_smoothing=0.2)
fn("cross_entropy_sum_all_ignored_w", "cross_entropy_w", [logits, ignored, rnd(4, lo=0.5, hi=2)],
   lambda x, t, w: F.cross_entropy(x, t, weight=w, reduction="sum"), grad=[True, False, False], reduction="sum")
fn("nll_loss_sum_all_ignored", "nll_loss", [torch.log_softmax(logits, 1), ignored], lambda x, t: F.nll_loss(x, t, reduction="sum"), reduction="sum")
# log-probabilities of exactly 0 at ignored rows
fn("nll_loss_none_ignored_zero_logp", "nll_loss", [torch.tensor([[0.0, -1.0], [0.0, 0.0]]), torch.tensor([-100, 1])],
   lambda x, t: F.nll_loss(x, t, reduction="none"), reduction="none")
pz = torch.tensor([0.0, 1.0, 0.5, 0.0, 1.0, 0.25])
yz = torch.tensor([0.0, 1.0, 0.5, 1.0, 0.0, 0.0])
for dt, tag in [(torch.float32, "f32"), (torch.float64, "f64")]:
    fn(f"binary_cross_entropy_none_zeros_{tag}", "binary_cross_entropy", [pz.to(dt), yz.to(dt)],
       lambda p, y: F.binary_cross_entropy(p, y, reduction="none"), reduction="none")
fn("binary_cross_entropy_none_zeros_w", "binary_cross_entropy_w", [pz, yz, torch.tensor([1.0, 2.0, 0.0, 1.0, 1.0, 0.5])],
   lambda p, y, w: F.binary_cross_entropy(p, y, weight=w, reduction="none"), grad=[True, True, False], reduction="none")
xl = torch.tensor([-200.0, 200.0, 0.0, 50.0, -50.0, 0.0])
tl = torch.tensor([0.0, 1.0, 0.5, 1.0, 0.0, 0.0])
fn("bce_with_logits_none_zeros", "bce_with_logits", [xl, tl], lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction="none"), reduction="none")
fn("bce_with_logits_none_zeros_pw", "bce_with_logits_pw", [xl, tl, torch.tensor(3.0)],
   lambda x, t, pw: F.binary_cross_entropy_with_logits(x, t, pos_weight=pw, reduction="none"), grad=[True, True, False], reduction="none")
xz = torch.tensor([0.0, -0.0, 1.0, -2.0])
yzz = torch.tensor([0.0, 0.0, 1.0, -2.0])
for op, f_ in [("mse_loss", F.mse_loss), ("l1_loss", F.l1_loss), ("smooth_l1_loss", F.smooth_l1_loss), ("huber_loss", F.huber_loss)]:
    fn(f"{op}_none_zeros", op, [xz, yzz], lambda x, y, f=f_: f(x, y, reduction="none"), reduction="none")
fn("kl_div_none_zeros", "kl_div", [torch.tensor([0.0, -1.0, 0.0, -0.5]), torch.tensor([0.0, 0.0, 0.0, 0.5])],
   lambda x, t: F.kl_div(x, t, reduction="none"), reduction="none")

# ---------------------------------------------------------------- fused losses: node names, values, gradients, double backward
for dt, tag in [(torch.float32, "f32"), (torch.float64, "f64")]:
    a, b = rnd(3, 5, dtype=dt, lo=-3, hi=3), rnd(3, 5, dtype=dt, lo=-3, hi=3)
    for red in ["mean", "sum", "none"]:
        fn(f"mse_loss_{red}_{tag}", "mse_loss", [a, b], lambda x, y, r=red: F.mse_loss(x, y, reduction=r), gradgrad=True, reduction=red)
        fn(f"smooth_l1_loss_{red}_{tag}", "smooth_l1_loss", [a, b], lambda x, y, r=red: F.smooth_l1_loss(x, y, reduction=r, beta=0.6),
           gradgrad=True, reduction=red, beta=0.6)
        fn(f"huber_loss_{red}_{tag}", "huber_loss", [a, b], lambda x, y, r=red: F.huber_loss(x, y, reduction=r, delta=1.4),
           gradgrad=True, reduction=red, delta=1.4)
        fn(f"l1_loss_{red}_{tag}", "l1_loss", [a, b], lambda x, y, r=red: F.l1_loss(x, y, reduction=r), reduction=red)
        p, y = rnd(3, 5, dtype=dt, lo=0.02, hi=0.98), rnd(3, 5, dtype=dt, lo=0, hi=1)
        fn(f"binary_cross_entropy_{red}_{tag}", "binary_cross_entropy", [p, y], lambda q, t, r=red: F.binary_cross_entropy(q, t, reduction=r),
           gradgrad=True, reduction=red)
        fn(f"bce_with_logits_{red}_{tag}", "bce_with_logits", [a, y], lambda x, t, r=red: F.binary_cross_entropy_with_logits(x, t, reduction=r),
           gradgrad=True, reduction=red)
    w5 = rnd(5, dtype=dt, lo=0.2, hi=2)
    fn(f"binary_cross_entropy_w_{tag}", "binary_cross_entropy_w", [p, y, w5.expand(3, 5).contiguous()],
       lambda q, t, w: F.binary_cross_entropy(q, t, weight=w), grad=[True, True, False], reduction="mean")
    fn(f"bce_with_logits_w_{tag}", "bce_with_logits_w", [a, y, w5], lambda x, t, w: F.binary_cross_entropy_with_logits(x, t, weight=w),
       grad=[True, True, False], reduction="mean")
    fn(f"bce_with_logits_pw_{tag}", "bce_with_logits_pw", [a, y, w5], lambda x, t, pw: F.binary_cross_entropy_with_logits(x, t, pos_weight=pw),
       grad=[True, True, False], gradgrad=True, reduction="mean")
    fn(f"bce_with_logits_pw_sum_{tag}", "bce_with_logits_pw", [a, y, w5], lambda x, t, pw: F.binary_cross_entropy_with_logits(x, t, pos_weight=pw, reduction="sum"),
       grad=[True, True, False], reduction="sum")
# a broadcast target (PyTorch warns, then expands)
fn("mse_loss_broadcast", "mse_loss", [rnd(2, 3), rnd(3)], lambda x, y: F.mse_loss(x, y), reduction="mean")
fn("huber_loss_broadcast", "huber_loss", [rnd(2, 1), rnd(3)], lambda x, y: F.huber_loss(x, y, reduction="sum"), reduction="sum", delta=1.0)
# a non-contiguous input
fn("mse_loss_noncontiguous", "mse_loss", [rnd(4, 3).t(), rnd(3, 4)], lambda x, y: F.mse_loss(x, y, reduction="none"), reduction="none")
fn("cross_entropy_mean", "cross_entropy", [rnd(4, 5), torch.tensor([0, 4, 2, 2])], lambda x, t: F.cross_entropy(x, t), gradgrad=True, reduction="mean")
fn("cross_entropy_sum_f64", "cross_entropy", [rnd(4, 5, dtype=torch.float64), torch.tensor([0, -100, 2, 2])],
   lambda x, t: F.cross_entropy(x, t, reduction="sum"), reduction="sum")

# ---------------------------------------------------------------- norms and embedding
for dt, tag in [(torch.float32, "f32"), (torch.float64, "f64")]:
    for shape in [(4, 3), (3, 3, 4), (2, 3, 2, 2)]:
        st = "x".join(map(str, shape))
        x = rnd(*shape, dtype=dt)
        w3, b3 = rnd(3, dtype=dt, lo=0.5, hi=1.5), rnd(3, dtype=dt)
        fn(f"batch_norm_train_{st}_{tag}", "batch_norm_train_affine", [x, w3, b3],
           lambda p, w, b: F.batch_norm(p, None, None, w, b, training=True), gradgrad=True)
        fn(f"batch_norm_train_stats_{st}_{tag}", "batch_norm_train_stats", [x, rnd(3, dtype=dt), rnd(3, dtype=dt, lo=0.5, hi=2)],
           lambda p, m, v: F.batch_norm(p, m, v, training=True, momentum=0.3), grad=[True, False, False], after=[1, 2], momentum=0.3)
        fn(f"batch_norm_eval_{st}_{tag}", "batch_norm_eval_affine", [x, rnd(3, dtype=dt), rnd(3, dtype=dt, lo=0.5, hi=2), w3, b3],
           lambda p, m, v, w, b: F.batch_norm(p, m, v, w, b, training=False), grad=[True, False, False, True, True], gradgrad=True)
        fn(f"batch_norm_train_noaffine_{st}_{tag}", "batch_norm_train", [x], lambda p: F.batch_norm(p, None, None, training=True))
    x = rnd(2, 3, 4, dtype=dt)
    fn(f"layer_norm_last_{tag}", "layer_norm", [x, rnd(4, dtype=dt, lo=0.5, hi=1.5), rnd(4, dtype=dt)],
       lambda p, w, b: F.layer_norm(p, [4], w, b), gradgrad=True)
    fn(f"layer_norm_two_dims_{tag}", "layer_norm", [x, rnd(3, 4, dtype=dt, lo=0.5, hi=1.5), rnd(3, 4, dtype=dt)],
       lambda p, w, b: F.layer_norm(p, [3, 4], w, b), gradgrad=True)
    fn(f"layer_norm_noaffine_{tag}", "layer_norm_noaffine", [x], lambda p: F.layer_norm(p, [4]), shape=[4])
    fn(f"layer_norm_whole_{tag}", "layer_norm", [rnd(5, dtype=dt), rnd(5, dtype=dt), rnd(5, dtype=dt)], lambda p, w, b: F.layer_norm(p, [5], w, b))
    x = rnd(2, 6, 3, dtype=dt)
    fn(f"group_norm_3d_{tag}", "group_norm", [x, rnd(6, dtype=dt, lo=0.5, hi=1.5), rnd(6, dtype=dt)], lambda p, w, b: F.group_norm(p, 3, w, b),
       gradgrad=True, g=3)
    fn(f"group_norm_4d_{tag}", "group_norm", [rnd(2, 4, 2, 3, dtype=dt), rnd(4, dtype=dt), rnd(4, dtype=dt)], lambda p, w, b: F.group_norm(p, 2, w, b),
       gradgrad=True, g=2)
    fn(f"group_norm_2d_{tag}", "group_norm", [rnd(3, 4, dtype=dt), rnd(4, dtype=dt), rnd(4, dtype=dt)], lambda p, w, b: F.group_norm(p, 2, w, b), g=2)
    fn(f"group_norm_noaffine_{tag}", "group_norm_noaffine", [x], lambda p: F.group_norm(p, 2), g=2)
    table = rnd(6, 3, dtype=dt)
    fn(f"embedding_{tag}", "embedding", [torch.tensor([[0, 5, 2], [2, 2, 1]]), table], lambda i, w: F.embedding(i, w), gradgrad=True)
    fn(f"embedding_pad_{tag}", "embedding_pad", [torch.tensor([[0, 5, 2], [2, 2, 1]]), table], lambda i, w: F.embedding(i, w, padding_idx=2),
       gradgrad=True, padding_idx=2)
fn("embedding_int32", "embedding", [torch.tensor([3, 0, 3], dtype=torch.int32), rnd(4, 2)], lambda i, w: F.embedding(i, w))
fn("embedding_scalar_index", "embedding", [torch.tensor(1), rnd(4, 2)], lambda i, w: F.embedding(i, w))
fn("embedding_empty_index", "embedding", [torch.zeros(0, dtype=torch.long), rnd(4, 2)], lambda i, w: F.embedding(i, w))
fn("batch_norm_train_noncontiguous", "batch_norm_train_affine", [rnd(3, 4).t(), rnd(3), rnd(3)],
   lambda p, w, b: F.batch_norm(p, None, None, w, b, training=True))
fn("layer_norm_noncontiguous", "layer_norm", [rnd(4, 3).t(), rnd(4), rnd(4)], lambda p, w, b: F.layer_norm(p, [4], w, b))

# the losses PyTorch composes: their last node is a primitive's (class probabilities, label smoothing, kl_div)
probs = torch.softmax(rnd(4, 5), 1)
for red in ["mean", "sum", "none"]:
    fn(f"cross_entropy_probabilities_{red}", "cross_entropy", [rnd(4, 5), probs], lambda x, t, r=red: F.cross_entropy(x, t, reduction=r), reduction=red)
    fn(f"cross_entropy_ls_{red}", "cross_entropy_ls", [rnd(4, 5), torch.tensor([0, 4, -100, 2])],
       lambda x, t, r=red: F.cross_entropy(x, t, reduction=r, label_smoothing=0.1), reduction=red, label_smoothing=0.1)
    fn(f"kl_div_{red}", "kl_div", [torch.log_softmax(rnd(4, 5), 1), probs], lambda x, t, r=red: F.kl_div(x, t, reduction=r), reduction=red)
fn("kl_div_batchmean", "kl_div", [torch.log_softmax(rnd(4, 5), 1), probs], lambda x, t: F.kl_div(x, t, reduction="batchmean"), reduction="batchmean")
fn("kl_div_log_target", "kl_div_log", [torch.log_softmax(rnd(4, 5), 1), probs.log()], lambda x, t: F.kl_div(x, t, reduction="sum", log_target=True),
   reduction="sum")

# bfloat16 (computed in float32, rounded once), where 1.13's CPU kernels take it. (Not recorded: the bfloat16 norms and
# bce_with_logits, whose 1.13 kernels round intermediates to bfloat16, so their results are further from the float32 values.)
bf = torch.bfloat16
fn("huber_loss_mean_bf16", "huber_loss", [rnd(3, 4, dtype=bf), rnd(3, 4, dtype=bf)], lambda x, y: F.huber_loss(x, y), reduction="mean", delta=1.0)
fn("embedding_bf16", "embedding", [torch.tensor([2, 0, 2]), rnd(3, 2, dtype=bf)], lambda i, w: F.embedding(i, w))


# ---------------------------------------------------------------- error texts
def scenario(name, run):
    error_scenario(cases, name, run)


scenario("index_select_out_of_range", lambda: torch.arange(3.0).index_select(0, torch.tensor([3])))
scenario("index_select_negative", lambda: torch.arange(3.0).index_select(0, torch.tensor([-1])))
scenario("index_select_out_of_range_dim0", lambda: torch.ones(3, 2).index_select(0, torch.tensor([0, 5])))
scenario("index_select_out_of_range_dim2", lambda: torch.ones(3, 2, 2).index_select(2, torch.tensor([2])))
scenario("index_select_out_of_range_int32", lambda: torch.arange(3.0).index_select(0, torch.tensor([3], dtype=torch.int32)))
scenario("index_select_out_of_range_dim1", lambda: torch.ones(3, 2).index_select(1, torch.tensor([2])))
scenario("cross_entropy_float_target", lambda: F.cross_entropy(torch.randn(2, 3), torch.tensor([0.0, 1.0])))
scenario("cross_entropy_long_probabilities", lambda: F.cross_entropy(torch.randn(2, 3), torch.zeros(2, 3, dtype=torch.long)))
scenario("cross_entropy_multi_target", lambda: F.cross_entropy(torch.randn(2, 3), torch.zeros(2, 4)))
scenario("nll_loss_float_target", lambda: F.nll_loss(torch.randn(2, 3), torch.tensor([0.0, 1.0])))
scenario("batchnorm1d_num_features", lambda: nn.BatchNorm1d(3)(torch.randn(2, 4)))
scenario("batchnorm1d_num_features_eval", lambda: nn.BatchNorm1d(3).eval()(torch.randn(2, 4)))
scenario("batchnorm2d_num_features", lambda: nn.BatchNorm2d(3)(torch.randn(2, 4, 2, 2)))
scenario("batch_norm_weight_size", lambda: F.batch_norm(torch.randn(2, 4), torch.zeros(4), torch.ones(4), torch.ones(3), training=True))
scenario("batch_norm_bias_size", lambda: F.batch_norm(torch.randn(2, 4), None, None, torch.ones(4), torch.ones(3), training=True))
scenario("batch_norm_running_var_size", lambda: F.batch_norm(torch.randn(2, 4), torch.zeros(4), torch.ones(3), training=True))
scenario("layer_norm_input_shape", lambda: F.layer_norm(torch.randn(2, 3), [4]))
scenario("layer_norm_weight_shape", lambda: F.layer_norm(torch.randn(2, 4), [4], torch.ones(3)))
scenario("layer_norm_bias_shape", lambda: F.layer_norm(torch.randn(2, 4), [4], torch.ones(4), torch.ones(3)))
scenario("group_norm_weight_shape", lambda: F.group_norm(torch.randn(2, 4, 3), 2, torch.ones(3)))
scenario("embedding_out_of_range", lambda: F.embedding(torch.tensor([1, 7]), torch.randn(3, 2)))
scenario("embedding_negative", lambda: F.embedding(torch.tensor([-1]), torch.randn(3, 2)))
scenario("embedding_module_out_of_range", lambda: nn.Embedding(3, 2)(torch.tensor([[0, 3]])))
scenario("bce_with_logits_weight_requires_grad",
         lambda: F.binary_cross_entropy_with_logits(torch.randn(3, requires_grad=True), torch.rand(3), weight=torch.rand(3, requires_grad=True)))
scenario("bce_with_logits_pos_weight_requires_grad",
         lambda: F.binary_cross_entropy_with_logits(torch.randn(3, requires_grad=True), torch.rand(3), pos_weight=torch.rand(3, requires_grad=True)))
scenario("binary_cross_entropy_out_of_range", lambda: F.binary_cross_entropy(torch.tensor([0.5, 1.5]), torch.tensor([1.0, 0.0])))
scenario("mse_loss_integer", lambda: F.mse_loss(torch.tensor([1, 2]), torch.tensor([1, 3])))

write("fused", cases)

"""Reference records for sparse COO gradients and torch.optim.SparseAdam: written to References/sparse_adam.json.

  repr:    {"name", "indices", "values", "size", "coalesce": bool, "repr"}: repr of torch.sparse_coo_tensor(...)
           (coalesced first when "coalesce"), with is_coalesced, nnz, sparse_dim, dense_dim and to_dense.
  grad:    {"name", "module": "Embedding"|"EmbeddingBag", "kw", "weight", "inputs": [[input, offsets or null, gout]],
           "grads": [{"indices", "values", "coalesced_indices", "coalesced_values", "dense"} after each backward
           (accumulated, not zeroed)], "grad_fn"}.
  adam:    {"name", "kw", "weight", "padding_idx", "inputs": [input per step], "target", "steps": [weight after each
           step], "state": {"step", "exp_avg", "exp_avg_sq"} at the end, "group_keys"}; loss ((emb(x) - target)^2).sum().
  error:   {"name", "error", "type"}: what the named scenario raises.
"""
import torch
from common import enc, record_error, write

cases = []


def parts(s):
    c = s.coalesce()
    return {"indices": enc(s._indices()), "values": enc(s._values()), "coalesced_indices": enc(c._indices()),
            "coalesced_values": enc(c._values()), "dense": enc(s.to_dense()), "is_coalesced": s.is_coalesced()}


# ---------------------------------------------------------------- construction and printing
for name, i, v, size, co in [
    ("2d scalar values", [[0, 1, 1, 3], [2, 0, 2, 1]], [3., 4., 5., -1.5], [4, 3], False),
    ("2d scalar values coalesced", [[3, 1, 1, 0], [1, 2, 0, 2]], [3., 4., 5., -1.5], [4, 3], True),
    ("rows with duplicates", [[0, 2, 0]], [[1., 2.], [3., 4.], [5., 6.]], [3, 2], False),
    ("rows with duplicates coalesced", [[0, 2, 0]], [[1., 2.], [3., 4.], [5., 6.]], [3, 2], True),
    ("empty", [[]], [[], []], [3, 2], False),
    ("float64", [[1, 0]], [0.25, 7.0], [2], False),
]:
    it = torch.tensor(i, dtype=torch.long).reshape(len(i), -1)
    vt = torch.tensor(v, dtype=torch.float64 if name == "float64" else torch.float32)
    if name == "empty":
        vt = torch.zeros(0, 2)
    s = torch.sparse_coo_tensor(it, vt, size)
    if co:
        s = s.coalesce()
    rec = {"kind": "repr", "name": name, "indices": enc(it), "values": enc(vt), "size": size, "coalesce": co, "repr": repr(s),
           "nnz": s._nnz(), "sparse_dim": s.sparse_dim(), "dense_dim": s.dense_dim(), "layout": str(s.layout)}
    rec.update(parts(s))
    cases.append(rec)

# ---------------------------------------------------------------- sparse gradients
W = torch.tensor([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6], [-0.7, 0.8, 0.9], [1.0, -1.1, 1.2], [0.05, 0.15, -0.25], [2.0, 0.0, -2.0]])
GOUT = torch.linspace(-1.0, 1.3, 24)
grad_cases = [
    ("Embedding", {}, [([[0, 1, 4], [4, 2, 1]], None), ([3, 0], None)]),
    ("Embedding", {"padding_idx": 1}, [([[0, 1, 4], [4, 2, 1]], None), ([1, 1], None), ([5, 0, 1], None)]),
    ("Embedding", {"padding_idx": -2}, [([4, 4, 3, 4], None)]),
    ("EmbeddingBag", {"mode": "sum"}, [([1, 0, 2, 1, 4, 0], [0, 3, 3]), ([[5, 5], [0, 2]], None)]),
    ("EmbeddingBag", {"mode": "mean"}, [([1, 0, 2, 1, 4, 0], [0, 3, 3]), ([[5, 5], [0, 2]], None)]),
    ("EmbeddingBag", {"mode": "mean", "padding_idx": 0}, [([1, 0, 2, 1, 4, 0], [0, 3, 3])]),
    ("EmbeddingBag", {"mode": "sum", "padding_idx": 2, "include_last_offset": True}, [([1, 2, 2, 3, 4], [0, 2, 5])]),
    ("EmbeddingBag", {"mode": "sum", "per_sample_weights": True}, [([1, 0, 2, 1, 4, 0], [0, 3, 3])]),
]
for k, (module, kw, inputs) in enumerate(grad_cases):
    kw2 = {x: y for x, y in kw.items() if x != "per_sample_weights"}
    m = getattr(torch.nn, module)(6, 3, sparse=True, **kw2)
    with torch.no_grad():
        m.weight.copy_(W)
    grads, recs, fn = [], [], None
    for x, off in inputs:
        xt = torch.tensor(x)
        if module == "Embedding":
            out = m(xt)
        else:
            psw = torch.linspace(0.5, 2.0, xt.numel()) if kw.get("per_sample_weights") else None
            out = m(xt, None if off is None else torch.tensor(off), per_sample_weights=psw)
        fn = type(out.grad_fn).__name__
        gout = GOUT[:out.numel()].reshape(out.shape)
        (out * gout).sum().backward()
        g = dict(parts(m.weight.grad))
        recs.append([x, off])
        grads.append(g)
    cases.append({"kind": "grad", "name": f"{module} {kw} #{k}", "module": module, "kw": kw, "weight": enc(W), "inputs": recs,
                  "grads": grads, "grad_fn": fn, "repr": repr(m)})

# a dense gradient meeting a sparse one: sparse .grad plus a dense backward is dense
m = torch.nn.Embedding(6, 3, sparse=True)
with torch.no_grad():
    m.weight.copy_(W)
m(torch.tensor([2, 2, 5])).sum().backward()
(m.weight * GOUT[:18].reshape(6, 3)).sum().backward()
cases.append({"kind": "mixed", "name": "sparse then dense", "grad": enc(m.weight.grad), "is_sparse": m.weight.grad.is_sparse})

# ---------------------------------------------------------------- SparseAdam trajectories
XS = [[0, 2, 2, 5], [1, 3], [4, 0, 0], [5, 5, 5, 2], [3], [0, 1, 2, 3, 4, 5], [2, 4], [1, 1, 0], [5, 3, 1], [0]]
TARGET = torch.tensor([0.3, -0.4, 0.5])
for name, kw, pad in [("defaults", {}, None), ("lr betas eps", {"lr": 0.05, "betas": (0.8, 0.95), "eps": 1e-6}, None),
                      ("maximize", {"lr": 0.01, "maximize": True}, None), ("padding_idx", {"lr": 0.02}, 2)]:
    for dtype in (torch.float32, torch.float64):
        m = torch.nn.Embedding(6, 3, sparse=True, padding_idx=pad, dtype=dtype)
        with torch.no_grad():
            m.weight.copy_(W)
        opt = torch.optim.SparseAdam(m.parameters(), **kw)
        steps = []
        for x in XS:
            opt.zero_grad()
            ((m(torch.tensor(x)) - TARGET.to(dtype)) ** 2).sum().backward()
            opt.step()
            steps.append(enc(m.weight))
        sd = opt.state_dict()
        st = sd["state"][0]
        cases.append({"kind": "adam", "name": f"{name} {str(dtype)[6:]}", "kw": {k: list(v) if isinstance(v, tuple) else v for k, v in kw.items()},
                      "dtype": str(dtype)[6:], "weight": enc(W), "padding_idx": pad, "inputs": XS, "target": enc(TARGET), "steps": steps,
                      "state": {"step": st["step"], "exp_avg": enc(st["exp_avg"]), "exp_avg_sq": enc(st["exp_avg_sq"])},
                      "group_keys": sorted(k for k in sd["param_groups"][0] if k != "params")})


# ---------------------------------------------------------------- errors
def emb_grad(sparse=True):
    p = torch.nn.Parameter(W.clone())
    torch.nn.functional.embedding(torch.tensor([1, 3]), p, sparse=sparse).sum().backward()
    return p


def scenario(name, run):
    rec = {"kind": "error", "name": name}
    try:
        run()
        rec["error"] = None
    except Exception as e:  # noqa: BLE001 - PyTorch's error is the record
        record_error(rec, e)
    cases.append(rec)


S = torch.sparse_coo_tensor(torch.tensor([[0, 1, 1]]), torch.tensor([1., 2., 3.]), (3,))
scenario("indices of uncoalesced", lambda: S.indices())
scenario("values of uncoalesced", lambda: S.values())
scenario("add sparse dense", lambda: S + torch.ones(3))
scenario("add sizes differ", lambda: S + torch.sparse_coo_tensor(torch.tensor([[0]]), torch.tensor([1.]), (4,)))
scenario("add dense sparse sizes differ", lambda: torch.ones(4) + S)
for kw in [{"lr": 0.0}, {"lr": -0.5}, {"eps": 0.0}, {"betas": (1.0, 0.9)}, {"betas": (0.9, -0.1)}]:
    scenario(f"SparseAdam {kw}", lambda kw=kw: torch.optim.SparseAdam([torch.nn.Parameter(W.clone())], **kw))
scenario("SparseAdam sparse params", lambda: torch.optim.SparseAdam([torch.nn.Parameter(W.clone()), S, torch.nn.Parameter(W.clone()), S]))
scenario("SparseAdam sparse params in groups", lambda: torch.optim.SparseAdam([{"params": [torch.nn.Parameter(W.clone())]},
                                                                            {"params": [torch.nn.Parameter(W.clone()), S]}]))
scenario("SparseAdam dense grad", lambda: torch.optim.SparseAdam([emb_grad(False)]).step())
for opt in ["Adam", "AdamW", "Adamax", "NAdam", "RAdam", "Adadelta", "ASGD", "Rprop", "RMSprop"]:
    scenario(f"{opt} sparse grad", lambda opt=opt: getattr(torch.optim, opt)([emb_grad()]).step())
scenario("EmbeddingBag max sparse", lambda: torch.nn.EmbeddingBag(6, 3, mode="max", sparse=True)(torch.tensor([1, 2]), torch.tensor([0])))
scenario("EmbeddingBag scale_grad_by_freq sparse", lambda: torch.nn.EmbeddingBag(6, 3, mode="sum", sparse=True, scale_grad_by_freq=True)(
    torch.tensor([1, 2, 1]), torch.tensor([0])).sum().backward())

# SGD and clip_grad_norm_ take sparse gradients. 1.13's clip_grad_norm_ scales p.grad.detach(), which for a sparse
# grad is a copy (the grad keeps its values); 2.x scales the grads themselves (_foreach_mul_), as Flint: the test
# checks the norm and that the values are scaled by min(1, max_norm / (norm + 1e-6)).
def two_grads():
    p = emb_grad()
    p.grad = p.grad + torch.sparse_coo_tensor(torch.tensor([[3, 0]]), torch.full((2, 3), 2.0), (6, 3))
    return p


p = two_grads()
g = parts(p.grad)
norm = torch.nn.utils.clip_grad_norm_([p], 1.5)
q = two_grads()
torch.optim.SGD([q], lr=0.1).step()
cases.append({"kind": "clip_sgd", "name": "clip_grad_norm_ then SGD", "norm": norm.item(), "max_norm": 1.5, "grad": g, "weight": enc(q)})

write("sparse_adam", cases)

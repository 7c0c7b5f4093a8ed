"""Reference records for the optimizers and lr schedulers beyond gen_nn.py's: written to References/optim.json.

  sched:        {"name", "kw", "opt": "SGD"|"Adam", "epochs": [null or a float epoch per step], "lrs", "momenta",
                 "last_lr", "state": the scheduler's state_dict (JSON values only)} with lr 0.1 (and momentum 0.9).
  sched_error:  {"name", "kw", "error", "type"}: constructing the scheduler fails.
  optim:        {"name", "kw", "dtype", "steps": [[w, b] after each step], "state_keys", "group_keys"} on gen_nn.py's
                least-squares problem.
  optim_error:  {"name", "kw", "error", "type"}: constructing the optimizer fails.
"""
import math
import torch
from common import enc, record_error, write

cases = []
S = torch.optim.lr_scheduler


def jsonable(v):
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        return v if math.isfinite(v) else str(v)
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items() if not callable(x)}
    return None


def build(opt, name, kw):
    if name == "SequentialLR":
        subs = [build(opt, n, k) for n, k in kw["schedulers"]]
        return S.SequentialLR(opt, subs, milestones=kw["milestones"])
    if name == "ChainedScheduler":
        return S.ChainedScheduler([build(opt, n, k) for n, k in kw["schedulers"]])
    return getattr(S, name)(opt, **kw)


sched_cases = [
    ("ConstantLR", {}, None), ("ConstantLR", {"factor": 0.5, "total_iters": 3}, None),
    ("LinearLR", {}, None), ("LinearLR", {"start_factor": 0.25, "end_factor": 0.75, "total_iters": 4}, None),
    ("LinearLR", {"start_factor": 1.0, "end_factor": 0.0, "total_iters": 6}, None),
    ("PolynomialLR", {}, None), ("PolynomialLR", {"total_iters": 4, "power": 2.0}, None),
    ("CosineAnnealingWarmRestarts", {"T_0": 3}, None), ("CosineAnnealingWarmRestarts", {"T_0": 2, "T_mult": 2, "eta_min": 0.01}, None),
    ("CosineAnnealingWarmRestarts", {"T_0": 2, "T_mult": 2}, [0.5, 1.0, 1.5, 2.25, 3.0, 5.5, 6.0, 7.75, 13.5, 0.25, 4.0, None, None]),
    ("CosineAnnealingWarmRestarts", {"T_0": 3}, [0.4, 3.3, 7.1, None, None, 2.0]),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 3}, None),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 2, "step_size_down": 4, "mode": "triangular2"}, None),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 2, "mode": "exp_range", "gamma": 0.9}, None),
    ("CyclicLR", {"base_lr": 0.02, "max_lr": 0.2, "step_size_up": 3, "cycle_momentum": False}, None),
    ("SequentialLR", {"schedulers": [["ConstantLR", {"factor": 0.1, "total_iters": 2}], ["ExponentialLR", {"gamma": 0.9}]],
                      "milestones": [2]}, None),
    ("SequentialLR", {"schedulers": [["LinearLR", {"start_factor": 0.5, "total_iters": 3}], ["CosineAnnealingLR", {"T_max": 4}],
                                     ["StepLR", {"step_size": 2, "gamma": 0.5}]], "milestones": [3, 7]}, None),
    ("ChainedScheduler", {"schedulers": [["ConstantLR", {"factor": 0.1, "total_iters": 2}], ["ExponentialLR", {"gamma": 0.9}]]}, None),
    ("ChainedScheduler", {"schedulers": [["LinearLR", {"start_factor": 0.5, "total_iters": 4}], ["StepLR", {"step_size": 3, "gamma": 0.5}]]}, None),
]
for name, kw, epochs in sched_cases:
    for opt_name in ["SGD"]:  # 1.13's CyclicLR cycles SGD's momentum only (2.x also Adam's beta1)
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([p], lr=0.1, momentum=0.9) if opt_name == "SGD" else torch.optim.Adam([p], lr=0.1)

        def mom():
            g = opt.param_groups[0]
            return g["momentum"] if opt_name == "SGD" else g["betas"][0]
        s = build(opt, name, kw)
        lrs, moms = [opt.param_groups[0]["lr"]], [mom()]
        steps = epochs if epochs is not None else [None] * 12
        for e in steps:
            opt.step()
            if e is None:
                s.step()
            else:
                s.step(e)
            lrs.append(opt.param_groups[0]["lr"])
            moms.append(mom())
        cases.append({"kind": "sched", "name": name, "kw": kw, "opt": opt_name, "epochs": epochs, "lrs": lrs, "momenta": moms,
                      "last_lr": s.get_last_lr(), "state": jsonable(s.state_dict())})

for name, kw in [("ConstantLR", {"factor": 1.5}), ("LinearLR", {"end_factor": -0.1}),
                 ("CosineAnnealingWarmRestarts", {"T_0": 0}), ("CosineAnnealingWarmRestarts", {"T_0": 2, "T_mult": 0}),
                 ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "mode": "square"}),
                 ("SequentialLR", {"schedulers": [["ConstantLR", {}], ["ConstantLR", {}]], "milestones": [1, 2]})]:
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    rec = {"kind": "sched_error", "name": name + " " + str(kw), "sched": name, "kw": kw}
    try:
        build(opt, name, kw)
        rec["error"] = None
    except Exception as e:  # noqa: BLE001 - PyTorch's error is the record
        record_error(rec, e)
    cases.append(rec)
p = torch.zeros(1, requires_grad=True)
opt = torch.optim.SGD([p], lr=0.1)
rec = {"kind": "sched_error", "name": "CosineAnnealingWarmRestarts negative epoch", "sched": "CosineAnnealingWarmRestarts", "kw": {"T_0": 2}}
try:
    S.CosineAnnealingWarmRestarts(opt, T_0=2).step(-1.0)
except ValueError as e:
    record_error(rec, e)
cases.append(rec)

write("optim", cases)

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
from common import DTYPE_NAMES, enc, record_error, write

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


# ---------------------------------------------------------------- optimizers
X = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7], [-0.2, 0.8, 1.1], [1.0, 1.0, -1.0]])
Y = torch.tensor([[1.0, -1.0], [0.5, 2.0], [-1.5, 0.3], [0.2, 0.1]])
W0 = torch.tensor([[0.1, -0.2], [0.3, 0.05], [-0.4, 0.2]])
B0 = torch.tensor([0.01, -0.02])


class NAdam2(torch.optim.Optimizer):
    """PyTorch 2.x's NAdam single-tensor step (maximize, decoupled_weight_decay, mu_product_next = mu_product * mu_next),
    transcribed for the 2.x-only behaviour; with bug_1_13 it is 1.13's step (that mu_product_next, mul/add for the first
    moment), which validates the transcription."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, maximize=False, bug_1_13=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay,
                                      decoupled_weight_decay=decoupled_weight_decay, maximize=maximize))
        self.bug = bug_1_13

    @torch.no_grad()
    def step(self):
        for g in self.param_groups:
            lr, (beta1, beta2), eps, wd, md = g["lr"], g["betas"], g["eps"], g["weight_decay"], g["momentum_decay"]
            for p in g["params"]:
                grad = -p.grad if g["maximize"] else p.grad
                st = self.state[p]
                if not st:
                    st["step"] = torch.tensor(0.0)
                    st["mu_product"] = torch.tensor(1.0)
                    st["exp_avg"] = torch.zeros_like(p)
                    st["exp_avg_sq"] = torch.zeros_like(p)
                st["step"] += 1
                step = st["step"].item()
                bias_correction2 = 1 - beta2 ** step
                if wd != 0:
                    if g["decoupled_weight_decay"]:
                        p.mul_(1 - lr * wd)
                    else:
                        grad = grad.add(p, alpha=wd)
                mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * md)))
                mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * md)))
                st["mu_product"] *= mu
                mu_product = st["mu_product"].item()
                mu_product_next = (st["mu_product"] * mu * mu_next).item() if self.bug else mu_product * mu_next
                if self.bug:
                    st["exp_avg"].mul_(beta1).add_(grad, alpha=1 - beta1)
                else:
                    st["exp_avg"].lerp_(grad, 1 - beta1)
                st["exp_avg_sq"].mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                denom = st["exp_avg_sq"].div(bias_correction2).sqrt().add_(eps)
                p.addcdiv_(grad, denom, value=(-lr * (1.0 - mu) / (1.0 - mu_product)))
                p.addcdiv_(st["exp_avg"], denom, value=(-lr * mu_next) / (1.0 - mu_product_next))


class RAdam2(torch.optim.Optimizer):
    """PyTorch 2.x's RAdam single-tensor step (maximize, decoupled_weight_decay), transcribed for the 2.x-only flags;
    with legacy_1_13 the first moment is updated as 1.13 does (mul/add, not lerp), which validates the transcription."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False, maximize=False,
                 legacy_1_13=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      decoupled_weight_decay=decoupled_weight_decay, maximize=maximize))
        self.legacy = legacy_1_13

    @torch.no_grad()
    def step(self):
        for g in self.param_groups:
            lr, (beta1, beta2), eps, wd = g["lr"], g["betas"], g["eps"], g["weight_decay"]
            for p in g["params"]:
                grad = -p.grad if g["maximize"] else p.grad
                st = self.state[p]
                if not st:
                    st["step"] = torch.tensor(0.0)
                    st["exp_avg"] = torch.zeros_like(p)
                    st["exp_avg_sq"] = torch.zeros_like(p)
                st["step"] += 1
                step = st["step"].item()
                if wd != 0:
                    if g["decoupled_weight_decay"]:
                        p.mul_(1 - lr * wd)
                    else:
                        grad = grad.add(p, alpha=wd)
                bias_correction1 = 1 - beta1 ** step
                bias_correction2 = 1 - beta2 ** step
                if self.legacy:
                    st["exp_avg"].mul_(beta1).add_(grad, alpha=1 - beta1)
                else:
                    st["exp_avg"].lerp_(grad, 1 - beta1)
                st["exp_avg_sq"].mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                bias_corrected_exp_avg = st["exp_avg"] / bias_correction1
                rho_inf = 2 / (1 - beta2) - 1
                rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
                if rho_t > 5.0:
                    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                    adaptive_lr = (bias_correction2 ** 0.5) / st["exp_avg_sq"].sqrt().add(eps)
                    p.add_(bias_corrected_exp_avg * lr * adaptive_lr * rect, alpha=-1.0)
                else:
                    p.add_(bias_corrected_exp_avg * lr, alpha=-1.0)


def trajectory(make, dtype, n=8):
    w_ = W0.to(dtype).clone().requires_grad_()
    b_ = B0.to(dtype).clone().requires_grad_()
    opt = make([w_, b_])
    steps = []
    for _ in range(n):
        opt.zero_grad()
        ((X.to(dtype) @ w_ + b_ - Y.to(dtype)) ** 2).mean().backward()
        opt.step()
        steps.append([enc(w_), enc(b_)])
    return opt, steps


def tuples(kw):
    return {k: tuple(v) if isinstance(v, list) else v for k, v in kw.items()}


# the 2.x transcriptions reproduce 1.13 where 1.13 has the behaviour (NAdam with 1.13's mu_product_next, RAdam)
for kw in [{"lr": 0.1}, {"lr": 0.05, "weight_decay": 0.1, "betas": (0.8, 0.9)}]:
    for dtype in (torch.float32, torch.float64):
        _, a = trajectory(lambda ps: torch.optim.NAdam(ps, **kw), dtype)
        _, b = trajectory(lambda ps: NAdam2(ps, bug_1_13=True, **kw), dtype)
        assert a == b, "NAdam transcription"
        _, a = trajectory(lambda ps: torch.optim.RAdam(ps, **kw), dtype)
        _, b = trajectory(lambda ps: RAdam2(ps, legacy_1_13=True, **kw), dtype)
        assert a == b, "RAdam transcription"

# (name, kw, source): "1.13" runs torch.optim's class; "2.x" the transcription above
opt_cases = [
    ("NAdam", {"lr": 0.1}, "2.x"), ("NAdam", {"lr": 0.05, "betas": [0.8, 0.9], "weight_decay": 0.1, "momentum_decay": 0.01}, "2.x"),
    ("NAdam", {"lr": 0.05, "weight_decay": 0.2, "decoupled_weight_decay": True}, "2.x"), ("NAdam", {"lr": 0.1, "maximize": True}, "2.x"),
    ("RAdam", {"lr": 0.1}, "1.13"), ("RAdam", {"lr": 0.05, "betas": [0.5, 0.6], "weight_decay": 0.1}, "1.13"),
    ("RAdam", {"lr": 0.05, "betas": [0.5, 0.6], "weight_decay": 0.2, "decoupled_weight_decay": True}, "2.x"),
    ("RAdam", {"lr": 0.1, "betas": [0.5, 0.6], "maximize": True}, "2.x"),
    ("Adamax", {"lr": 0.1}, "1.13"), ("Adamax", {"lr": 0.05, "betas": [0.8, 0.9], "weight_decay": 0.1, "eps": 1e-3}, "1.13"),
    ("Adamax", {"lr": 0.1, "maximize": True}, "1.13"),
    ("Adadelta", {}, "1.13"), ("Adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-4, "weight_decay": 0.1}, "1.13"),
    ("Adadelta", {"lr": 0.5, "maximize": True}, "1.13"),
    ("ASGD", {"lr": 0.1}, "1.13"), ("ASGD", {"lr": 0.1, "lambd": 0.1, "alpha": 0.5, "t0": 3, "weight_decay": 0.1}, "1.13"),
    ("ASGD", {"lr": 0.05, "t0": 0, "maximize": True}, "1.13"),
    ("Rprop", {}, "1.13"), ("Rprop", {"lr": 0.05, "etas": [0.3, 1.5], "step_sizes": [0.01, 0.08]}, "1.13"),
    ("Rprop", {"lr": 0.05, "maximize": True}, "1.13"),
]
for name, kw, source in opt_cases:
    for dtype in (torch.float32, torch.float64):
        cls = getattr(torch.optim, name) if source == "1.13" else {"NAdam": NAdam2, "RAdam": RAdam2}[name]
        opt, steps = trajectory(lambda ps: cls(ps, **tuples(kw)), dtype)
        sd = opt.state_dict()
        cases.append({"kind": "optim", "name": f"{name} {kw} {DTYPE_NAMES[dtype]}", "optimizer": name, "kw": kw, "source": source,
                      "dtype": DTYPE_NAMES[dtype], "steps": steps, "state_keys": sorted(sd["state"][0].keys()),
                      "group_keys": sorted(sd["param_groups"][0].keys())})

p = torch.zeros(2, requires_grad=True)
for name, kw in [("NAdam", {"lr": -1.0}), ("NAdam", {"momentum_decay": -0.5}), ("NAdam", {"betas": (1.0, 0.9)}), ("RAdam", {"eps": -1e-3}),
                 ("RAdam", {"betas": (0.9, 1.5)}), ("Adamax", {"weight_decay": -0.1}), ("Adamax", {"lr": -0.5}),
                 ("Adadelta", {"rho": 1.5}), ("Adadelta", {"lr": -1.0}), ("Adadelta", {"eps": -1.0}), ("ASGD", {"lr": -0.1}),
                 ("ASGD", {"weight_decay": -1.0}), ("Rprop", {"etas": (1.5, 2.0)}), ("Rprop", {"lr": -2.0})]:
    rec = {"kind": "optim_error", "name": f"{name} {kw}", "optimizer": name, "kw": {k: list(v) if isinstance(v, tuple) else v for k, v in kw.items()}}
    try:
        getattr(torch.optim, name)([p], **kw)
        rec["error"] = None
    except Exception as e:  # noqa: BLE001 - PyTorch's error is the record
        record_error(rec, e)
    cases.append(rec)

# LBFGS: steps of step(closure) on the Rosenbrock function and on the least-squares problem
def rosenbrock(xy):
    return (1 - xy[0]) ** 2 + 100 * (xy[1] - xy[0] ** 2) ** 2


lbfgs_cases = [
    ("rosenbrock", {"line_search_fn": "strong_wolfe"}),
    ("rosenbrock", {"lr": 0.5, "max_iter": 5, "history_size": 3, "line_search_fn": "strong_wolfe"}),
    ("rosenbrock", {"lr": 0.01, "max_iter": 4}),
    ("regression", {}), ("regression", {"line_search_fn": "strong_wolfe", "max_iter": 6, "history_size": 2}),
    ("regression", {"lr": 0.1, "max_eval": 7, "tolerance_change": 1e-4}),
]
for problem, kw in lbfgs_cases:
    for dtype in (torch.float32, torch.float64):
        if problem == "rosenbrock":
            params = [torch.tensor([-1.5, 2.0], dtype=dtype, requires_grad=True)]

            def f():
                return rosenbrock(params[0])
        else:
            params = [W0.to(dtype).clone().requires_grad_(), B0.to(dtype).clone().requires_grad_()]

            def f():
                return ((X.to(dtype) @ params[0] + params[1] - Y.to(dtype)) ** 2).mean()
        opt = torch.optim.LBFGS(params, **kw)

        def closure():
            opt.zero_grad()
            loss = f()
            loss.backward()
            return loss
        steps, losses = [], []
        for _ in range(4):
            losses.append(float(opt.step(closure)))
            steps.append([enc(p) for p in params])
        st = opt.state[params[0]]
        cases.append({"kind": "lbfgs", "name": f"LBFGS {problem} {kw} {DTYPE_NAMES[dtype]}", "problem": problem, "kw": kw,
                      "dtype": DTYPE_NAMES[dtype], "steps": steps, "losses": losses, "func_evals": st["func_evals"], "n_iter": st["n_iter"],
                      "state_keys": sorted(st.keys()), "group_keys": sorted(opt.state_dict()["param_groups"][0].keys())})

write("optim", cases)

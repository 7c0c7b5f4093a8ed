"""Records resumed training: PyTorch checkpoints taken mid-run and the steps that follow them.

Run with /usr/bin/python3 (PyTorch 1.13). Outputs go to tests/Flint.Tests/References/pt/ and are committed:
  - resume_<case>.pt: torch.save({"model", "optimizer", "scheduler", "epoch"}) after SAVE_AT steps of a small
    seeded model trained with that case's optimizer and lr scheduler;
  - resume_schedulers.pt: each lr scheduler's state dict (with its optimizer's) after a few epochs;
  - resume.json: per case the data, the initial parameters and every step of the uninterrupted run
    (loss before the step, lr after the scheduler's step, parameters after the step), plus PyTorch's texts
    for load_state_dict errors; per scheduler the lr and momentum after each epoch that follows its saved state.

  gen_resume.py                 regenerate the files
  gen_resume.py --verify FILE   load a checkpoint Flint wrote (named resume_<case>...pt) into a fresh PyTorch model,
                                optimizer and scheduler, continue training and compare with the recorded run; exits
                                non-zero on a difference.
"""
import json
import math
import os
import sys

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "Flint.Tests", "References", "pt")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from common import enc  # noqa: E402

SAVE_AT = 3
TOTAL = 8


def model():
    return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))


def make(case, m):
    """The optimizer and scheduler of a case; Flint's test builds the same ones."""
    if case == "sgd":
        opt = torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-3, nesterov=True)
        return opt, torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    if case == "adam":
        opt = torch.optim.Adam([{"params": m[0].parameters(), "lr": 0.02}, {"params": m[2].parameters()}],
                               lr=0.01, betas=(0.8, 0.99), weight_decay=0.01, amsgrad=True)
        return opt, torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.3)
    if case == "rmsprop":
        opt = torch.optim.RMSprop(m.parameters(), lr=0.01, alpha=0.9, momentum=0.5, centered=True)
        return opt, torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=5, eta_min=0.001)
    if case == "adamw":
        opt = torch.optim.AdamW(m.parameters(), lr=0.01, weight_decay=0.1)
        return opt, torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
    if case == "multistep":
        opt = torch.optim.SGD(m.parameters(), lr=0.05, momentum=0.8, dampening=0.1)
        return opt, torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[2, 5, 5], gamma=0.5)
    raise ValueError(case)


CASES = ["sgd", "adam", "rmsprop", "adamw", "multistep"]


def data():
    g = torch.Generator().manual_seed(7)
    return torch.randn(6, 4, generator=g), torch.randn(6, 3, generator=g)


def train_step(m, opt, sched, x, y):
    opt.zero_grad()
    loss = torch.nn.functional.mse_loss(m(x), y)
    loss.backward()
    opt.step()
    sched.step()
    return loss.item()


def record(m, opt, loss):
    return {"loss": loss, "lr": [g["lr"] for g in opt.param_groups],
            "params": {k: enc(v) for k, v in m.state_dict().items()}}


def run(case):
    torch.manual_seed(0)
    m = model()
    initial = {k: enc(v) for k, v in m.state_dict().items()}
    opt, sched = make(case, m)
    x, y = data()
    steps = []
    for epoch in range(TOTAL):
        loss = train_step(m, opt, sched, x, y)
        steps.append(record(m, opt, loss))
        if epoch + 1 == SAVE_AT:
            torch.save({"model": m.state_dict(), "optimizer": opt.state_dict(), "scheduler": sched.state_dict(),
                        "epoch": SAVE_AT}, os.path.join(OUT, f"resume_{case}.pt"))
    return {"name": case, "save_at": SAVE_AT, "x": enc(x), "y": enc(y), "initial": initial, "steps": steps}


METRICS = [1.0, 0.5, 0.4, 0.3, 0.8, 0.2, 0.1, 0.0, 0.05, 0.01]
SCHED_SAVE_AT = 4


def schedulers():
    """Each lr scheduler on SGD with momentum: its state after SCHED_SAVE_AT epochs (saved with the optimizer's in
    resume_schedulers.pt), then the lr and momentum after each later epoch."""
    S = torch.optim.lr_scheduler
    makers = {
        "StepLR": lambda o: S.StepLR(o, step_size=3, gamma=0.5),
        "MultiStepLR": lambda o: S.MultiStepLR(o, milestones=[2, 5, 5, 7], gamma=0.5),
        "ExponentialLR": lambda o: S.ExponentialLR(o, gamma=0.8),
        "CosineAnnealingLR": lambda o: S.CosineAnnealingLR(o, T_max=3, eta_min=0.01),
        "LambdaLR": lambda o: S.LambdaLR(o, lambda e: 1.0 / (1 + e)),
        "OneCycleLR": lambda o: S.OneCycleLR(o, max_lr=0.5, total_steps=12, three_phase=True, anneal_strategy="linear"),
        "ReduceLROnPlateau": lambda o: S.ReduceLROnPlateau(o, mode="max", factor=0.5, patience=3, cooldown=1),
    }
    saved, cases = {}, []
    for name, make in makers.items():
        opt = torch.optim.SGD([torch.nn.Parameter(torch.ones(2))], lr=0.1, momentum=0.9)
        sched = make(opt)
        after = []
        for epoch in range(len(METRICS)):
            if epoch == SCHED_SAVE_AT:
                sd = sched.state_dict()
                if "anneal_func" in sd:  # 1.13 keeps a bound method here; PyTorch 2 saves the strategy's name
                    sd["_anneal_func_type"] = "linear" if sd.pop("anneal_func").__name__.endswith("linear") else "cos"
                saved[name] = {"optimizer": opt.state_dict(), "scheduler": sd}
            if isinstance(sched, S.ReduceLROnPlateau):
                sched.step(METRICS[epoch])
            else:
                sched.step()
            if epoch >= SCHED_SAVE_AT:
                after.append([opt.param_groups[0]["lr"], opt.param_groups[0]["momentum"]])
        cases.append({"name": name, "after": after})
    torch.save(saved, os.path.join(OUT, "resume_schedulers.pt"))
    return {"save_at": SCHED_SAVE_AT, "metrics": METRICS, "cases": cases}


def error_texts():
    """PyTorch's messages for state dicts that do not fit."""
    def err(fn):
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - we record PyTorch's text
            return {"type": type(e).__name__, "error": str(e)}
        raise AssertionError("no error")

    m = model()
    opt = torch.optim.SGD(m.parameters(), lr=0.1)
    two = torch.optim.SGD([{"params": m[0].parameters()}, {"params": m[2].parameters()}], lr=0.1)
    one_param = torch.optim.SGD([m[0].weight], lr=0.1)
    other = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3), torch.nn.Linear(3, 3))
    def edited(**changes):
        sd = m.state_dict()
        for k, v in changes.items():
            k = k.replace("_", ".")
            if v is None:
                del sd[k]
            else:
                sd[k] = v
        return sd

    return {
        "groups": err(lambda: two.load_state_dict(opt.state_dict())),
        "group_size": err(lambda: one_param.load_state_dict(opt.state_dict())),
        "module_missing": err(lambda: other.load_state_dict(m.state_dict())),
        "module_unexpected": err(lambda: m[:1].load_state_dict(m.state_dict())),
        "module_not_tensor": err(lambda: m.load_state_dict(edited(**{"0_bias": None, "2_weight": "x", "2_bias": 3}))),
        "module_not_tensor_lenient": err(lambda: m.load_state_dict(edited(**{"0_bias": None, "2_weight": [1.5]}), strict=False)),
        "module_size": err(lambda: m.load_state_dict(edited(**{"0_weight": torch.zeros(8, 5), "9_extra": "y"}))),
    }


def verify(path):
    case = os.path.basename(path)[len("resume_"):].split(".")[0].split("_")[0]
    with open(os.path.join(OUT, "resume.json")) as f:
        rec = next(c for c in json.load(f)["cases"] if c["name"] == case)
    # not weights_only: 1.13's restricted unpickler lacks BINFLOAT, so it refuses PyTorch's own checkpoints too
    ck = torch.load(path)
    torch.manual_seed(123)
    m = model()
    opt, sched = make(case, m)
    m.load_state_dict(ck["model"])
    opt.load_state_dict(ck["optimizer"])
    sched.load_state_dict(ck["scheduler"])
    x, y = data()
    bad = 0
    for i in range(ck["epoch"], TOTAL):
        loss = train_step(m, opt, sched, x, y)
        want = rec["steps"][i]
        if not math.isclose(loss, want["loss"], rel_tol=1e-5, abs_tol=1e-6):
            print(f"step {i}: loss {loss}, recorded {want['loss']}"); bad += 1
        if any(not math.isclose(a, b, rel_tol=1e-9) for a, b in zip([g["lr"] for g in opt.param_groups], want["lr"])):
            print(f"step {i}: lr {[g['lr'] for g in opt.param_groups]}, recorded {want['lr']}"); bad += 1
        for k, v in m.state_dict().items():
            exp = torch.tensor(want["params"][k]["data"], dtype=torch.float32).reshape(want["params"][k]["shape"])
            if not torch.allclose(v, exp, rtol=1e-5, atol=1e-6):
                print(f"step {i}: {k} differs by {(v - exp).abs().max().item()}"); bad += 1
    print(f"{path}: PyTorch resumed epochs {ck['epoch']}..{TOTAL - 1}: {'OK' if bad == 0 else f'{bad} differences'}")
    return bad == 0


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--verify":
        sys.exit(0 if all([verify(p) for p in sys.argv[2:]]) else 1)
    os.makedirs(OUT, exist_ok=True)
    doc = {"torch": torch.__version__, "total": TOTAL, "cases": [run(c) for c in CASES], "errors": error_texts(),
           "schedulers": schedulers()}
    with open(os.path.join(OUT, "resume.json"), "w") as f:
        common.dump(doc, f)
    print(f"wrote {len(CASES)} checkpoints and resume.json to {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()

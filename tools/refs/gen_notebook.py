"""Records what the notebook sample's cells show (samples/Notebooks/Flint.ipynb): each tensor's repr and, for tensors
of at most two dimensions, the cells of the HTML table, read off PyTorch's own repr (one cell per printed element, None
where the repr prints "..."). Run with /usr/bin/python3; writes tests/Flint.Tests/References/notebook.json."""
import re

import torch

from common import write


def grid(t):
    """The printed elements of a 1-D or 2-D tensor's repr, row by row."""
    body = repr(t)[len("tensor("):]
    # the values end at the bracket that closes the outermost list
    depth, end = 0, 0
    for i, ch in enumerate(body):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                end = i + 1
                break
    values = body[:end]
    if t.dim() == 1:
        rows = [values]
    else:
        rows = re.findall(r"\[([^\[\]]*)\]|(\.\.\.)", values[1:-1])
        rows = ["[" + r[0] + "]" if r[0] or not r[1] else None for r in rows]
    out = []
    for r in rows:
        if r is None:
            out.append(None)
            continue
        cells = [c.strip() for c in r.strip()[1:-1].replace("\n", " ").split(",")]
        out.append([None if c == "..." else c for c in cells if c != ""])
    return out


cases = []


def add(name, t):
    rec = {"name": name, "repr": repr(t), "shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", "")}
    if t.dim() <= 2:
        rec["grid"] = grid(t) if t.dim() > 0 else [[re.split(r"[,)]", repr(t)[len("tensor("):])[0]]]
    cases.append(rec)


add("arange", torch.arange(12.0).reshape(3, 4))
torch.manual_seed(0)
add("randn_100x100", torch.randn(100, 100))
add("zeros_3d", torch.zeros(2, 3, 4, dtype=torch.int64))
w = torch.ones(3, requires_grad=True)
add("grad_fn", (w * 2).sum())
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
cases.append({"name": "model", "repr": repr(model), "parameters": sum(p.numel() for p in model.parameters())})

write("notebook", cases)

"""The grad_fn names of reductions called with and without a dim argument: PyTorch names the node of the call
without dims apart (SumBackward0, MeanBackward0, ProdBackward0) from the dim overload's (SumBackward1, ...), even
when the dims given name every dim or the input is 1-D or 0-dim.

Run: /usr/bin/python3 tools/refs/gen_reduction_nodes.py  ->  tests/Flint.Tests/References/reduction_nodes.json

Record: {"name", "expr", "grad_fn"} expr is evaluated with x a [3, 4], v a [3] and s a 0-dim float64 tensor
requiring grad.
"""
import torch

from common import write

x = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
v = torch.randn(3, dtype=torch.float64, requires_grad=True)
s = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
EXPRS = [
    "x.sum()", "x.sum([0, 1])", "x.sum(1)", "x.sum([0, 1], keepdim=True)", "v.sum(0)", "s.sum(0)", "v.sum()",
    "x.mean()", "x.mean([0, 1])", "v.mean(0)", "x.mean(0)", "v.mean()",
    "v.prod()", "v.prod(0)", "x.prod(1)",
    "v.nansum(0)", "v.nansum()", "x.norm()", "v.std(0)", "v.std()", "x.logsumexp([0, 1])",
]
cases = [{"kind": "node", "name": e, "expr": e, "grad_fn": type(eval(e).grad_fn).__name__} for e in EXPRS]
write("reduction_nodes", cases)

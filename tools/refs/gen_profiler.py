"""Reference tables of torch.profiler (PyTorch 1.13's key_averages().table()) for fixed small programs.

The times differ from run to run and from Flint's: the tests compare the table's structure (headers, column order,
separators, widths rules, footer) and, per row, the op name, the call count, the input shapes and the memory.
Run with /usr/bin/python3; writes tests/Flint.Tests/References/profiler.json.
"""
import torch
from torch.profiler import profile, record_function, ProfilerActivity
from torch.autograd import DeviceType
from common import write


def rows(averages):
    return [{"name": e.key, "count": e.count,
             "shapes": e.input_shapes if e.input_shapes is not None else None,
             "cpu_mem": e.cpu_memory_usage, "self_cpu_mem": e.self_cpu_memory_usage}
            for e in averages]


def table_case(name, prof, group_by_input_shape=False, **kw):
    avg = prof.key_averages(group_by_input_shape=group_by_input_shape)
    text = avg.table(**kw)
    return {"name": name, "group_by_input_shape": group_by_input_shape, "table": kw, "text": text.split("\n"),
            "rows": rows(avg)}


cases = []
torch.manual_seed(0)
a = torch.randn(5, 3)
b = torch.randn(5, 3)
w = torch.randn(3, 4)

# forward: a labelled block of ops, with shapes and memory
with profile(activities=[ProfilerActivity.CPU], record_shapes=True, profile_memory=True) as prof:
    with record_function("block"):
        for _ in range(3):
            c = a + b
        d = torch.mm(c, w)
        e = torch.relu(d)
        s = e.sum()
cases.append(table_case("forward", prof, sort_by="self_cpu_time_total", row_limit=10))
cases.append(table_case("forward_shapes", prof, group_by_input_shape=True, sort_by="self_cpu_time_total", row_limit=10))
cases.append(table_case("forward_limit", prof, sort_by="cpu_time_total", row_limit=3))

# no shapes, no memory: the narrow table
with profile(activities=[ProfilerActivity.CPU]) as prof:
    x = a + b
cases.append(table_case("plain", prof, sort_by="self_cpu_time_total"))

# backward: the engine's nodes
x = torch.randn(4, 3, requires_grad=True)
with profile(activities=[ProfilerActivity.CPU]) as prof:
    y = (x * x).sum()
    y.backward()
cases.append(table_case("backward", prof, sort_by="self_cpu_time_total"))

# nesting of record_function ranges: parent and children names
with profile(activities=[ProfilerActivity.CPU]) as prof:
    with record_function("outer"):
        with record_function("inner"):
            z = a * b
        z = a - b
nest = []
for ev in prof.events():
    if ev.name in ("outer", "inner", "aten::mul", "aten::sub"):
        nest.append({"name": ev.name, "parent": ev.cpu_parent.name if ev.cpu_parent is not None else None})
cases.append({"name": "nesting", "events": nest})

# a sort key that is no attribute
try:
    prof.key_averages().table(sort_by="bogus")
    cases.append({"name": "bad_sort", "error": None})
except AttributeError as ex:
    cases.append({"name": "bad_sort", "error": str(ex), "type": type(ex).__name__})

write("profiler", cases)

"""Reference data for autograd behaviour (leaves, grad accumulation, graph structure, modes, hooks, custom
Functions, higher-order gradients and the error texts): run with /usr/bin/python3 (PyTorch 1.13).

Each case is {"name": ..., "out": ...} or {"name": ..., "error": full message, "type": ...}. "out" is a tensor,
a list (tensors, null for None, {"text": ...} for strings, {"scalar": ...} for numbers and bools), or {"text": ...}.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import torch  # noqa: E402
from common import enc, write  # noqa: E402

cases = []


def val(r):
    if r is None:
        return None
    if isinstance(r, str):
        return {"text": r}
    if isinstance(r, (tuple, list)):
        return [val(v) for v in r]
    return enc(r)


def case(fn):
    try:
        r = fn()
    except Exception as e:  # noqa: BLE001 - we record PyTorch's error text
        cases.append({"name": fn.__name__, "error": str(e), "type": type(e).__name__})
        return
    cases.append({"name": fn.__name__, "out": val(r)})
    return fn


def graph(fn):
    """A grad_fn and everything below it as text: Name(child, child, ...), None for missing edges."""
    if fn is None:
        return "None"
    kids = [graph(n) for n, _ in fn.next_functions]
    return fn.name() + ("(" + ", ".join(kids) + ")" if kids else "")


def seed():
    x = torch.ones(2, 2, requires_grad=True)
    y = x + 2
    z = y * y * 3
    out = z.mean()
    return x, y, z, out


@case
def seed_graph():
    _, y, z, out = seed()
    return [graph(out.grad_fn), y.grad_fn.name(), z.grad_fn.name(), out.grad_fn.name()]


@case
def seed_grad():
    x, _, _, out = seed()
    out.backward()
    return x.grad


@case
def seed_backward_twice():
    _, _, _, out = seed()
    out.backward()
    out.backward()


@case
def seed_retain_graph_twice():
    x, _, _, out = seed()
    out.backward(retain_graph=True)
    out.backward()
    return x.grad


@case
def grad_accumulates_across_graphs():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()
    (x * 3).sum().backward()
    return x.grad


@case
def leaves_and_requires_grad():
    x = torch.ones(2, requires_grad=True)
    c = torch.ones(2)
    y = x * 2
    d = y.detach()
    with torch.no_grad():
        n = x * 2
    return [torch.tensor([x.is_leaf, c.is_leaf, y.is_leaf, d.is_leaf, n.is_leaf, (c * 2).is_leaf]),
            torch.tensor([x.requires_grad, c.requires_grad, y.requires_grad, d.requires_grad, n.requires_grad,
                          (c * 2).requires_grad])]


@case
def requires_grad_inplace_then_backward():
    x = torch.tensor([1.0, 2.0]).requires_grad_()
    (x ** 2).sum().backward()
    return [x.grad, torch.tensor([x.requires_grad, x.is_leaf])]


@case
def nonleaf_grad_is_none_without_retain():
    x = torch.ones(2, requires_grad=True)
    y = x * 2
    y.sum().backward()
    return [y.grad, torch.tensor([y.retains_grad])]


@case
def retain_grad_values():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.retain_grad()
    z = y * y
    z.retain_grad()
    z.sum().backward()
    return [y.grad, z.grad, x.grad, torch.tensor([y.retains_grad, x.retains_grad])]


@case
def retain_grad_with_hook():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.retain_grad()
    y.register_hook(lambda g: g * 10)
    y.sum().backward()
    return [y.grad, x.grad]


@case
def detach_shares_storage():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    d = y.detach()
    d.add_(1)
    return [y, torch.tensor([d.requires_grad, d.is_leaf]), torch.tensor([y._version, d._version])]


@case
def detach_shares_version_counter():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    y.detach().add_(1)
    y.sum().backward()


@case
def detach_inplace():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.detach_()
    return [torch.tensor([y.requires_grad, y.is_leaf, y.grad_fn is None]), y]


@case
def backward_with_gradient():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    y.backward(torch.tensor([1.0, 0.1, 0.01]))
    return x.grad


@case
def backward_nonscalar_without_gradient():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * 2).backward()


@case
def backward_gradient_shape_mismatch():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * 2).sum().backward(torch.ones(3))


@case
def backward_no_grad_fn():
    torch.ones(2).sum().backward()


@case
def backward_create_graph():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x ** 3).sum().backward(create_graph=True)
    g = x.grad
    has = g.grad_fn is not None
    g2 = torch.autograd.grad(g.sum(), x)[0]
    return [g, torch.tensor([has, g.requires_grad]), g2]


@case
def backward_inputs():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0, 4.0], requires_grad=True)
    (a * b).sum().backward(inputs=[a])
    return [a.grad, b.grad]


@case
def backward_inputs_nonleaf():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    h = a * 2
    (h * h).sum().backward(inputs=[h])
    return [h.grad, a.grad]


@case
def grad_basic():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0, 4.0], requires_grad=True)
    ga, gb = torch.autograd.grad((a * b).sum(), [a, b])
    return [ga, gb, a.grad, torch.tensor([ga.requires_grad])]


@case
def grad_grad_outputs():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    return list(torch.autograd.grad(a * a, a, grad_outputs=torch.tensor([1.0, 10.0])))


@case
def grad_unused():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0, 4.0], requires_grad=True)
    torch.autograd.grad((a * 2).sum(), [a, b])


@case
def grad_allow_unused():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0, 4.0], requires_grad=True)
    return list(torch.autograd.grad((a * 2).sum(), [a, b], allow_unused=True))


@case
def grad_input_not_requiring():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    torch.autograd.grad((a * 2).sum(), [torch.ones(2)])


@case
def grad_twice_without_retain():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (a * a).sum()
    torch.autograd.grad(y, a)
    torch.autograd.grad(y, a)


@case
def grad_retain_graph():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (a * a).sum()
    g1 = torch.autograd.grad(y, a, retain_graph=True)[0]
    g2 = torch.autograd.grad(y, a)[0]
    return [g1, g2]


@case
def grad_higher_order_cube():
    x = torch.tensor([1.0, 2.0, -3.0], requires_grad=True)
    y = (x ** 3).sum()
    g1 = torch.autograd.grad(y, x, create_graph=True)[0]
    g2 = torch.autograd.grad(g1.sum(), x, create_graph=True)[0]
    g3 = torch.autograd.grad(g2.sum(), x)[0]
    return [g1, g2, g3, torch.tensor([g1.requires_grad, g3.requires_grad])]


@case
def grad_higher_order_mixed():
    x = torch.tensor([0.5, 1.5], requires_grad=True)
    w = torch.tensor([2.0, -1.0], requires_grad=True)
    y = (torch.sin(x * w) * x).sum()
    gx, gw = torch.autograd.grad(y, [x, w], create_graph=True)
    hxw = torch.autograd.grad(gx.sum(), w)[0]
    return [gx, gw, hxw]


@case
def modes_nested():
    x = torch.ones(2, requires_grad=True)
    r = []
    with torch.no_grad():
        r.append((x * 2).requires_grad)
        r.append(torch.is_grad_enabled())
        with torch.enable_grad():
            r.append((x * 2).requires_grad)
            with torch.set_grad_enabled(False):
                r.append((x * 2).requires_grad)
            r.append(torch.is_grad_enabled())
        r.append((x * 2).requires_grad)
    r.append((x * 2).requires_grad)
    with torch.inference_mode():
        r.append((x * 2).requires_grad)
        r.append(torch.is_inference_mode_enabled())
        with torch.inference_mode(False):
            r.append(torch.is_inference_mode_enabled())
    r.append(torch.is_inference_mode_enabled())
    r.append(torch.is_grad_enabled())
    return torch.tensor(r)


@case
def no_grad_inplace_on_leaf_allowed():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with torch.no_grad():
        x.mul_(2)
    (x * x).sum().backward()
    return [x, x.grad]


@case
def inplace_nonleaf_rebases_history():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.add_(1)
    g = graph(y.grad_fn)
    y.sum().backward()
    return [x.grad, g, y]


@case
def inplace_nonleaf_mul():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    y.mul_(y)
    g = graph(y.grad_fn)
    y.sum().backward()
    return [x.grad, g]


@case
def inplace_saved_output_modified():
    x = torch.ones(2, 2, requires_grad=True)
    y = x.exp()
    y.add_(1)
    y.sum().backward()


@case
def inplace_saved_input_modified():
    x = torch.ones(2, 2, requires_grad=True)
    a = x * 1
    b = a * a
    a.add_(1)
    b.sum().backward()


@case
def inplace_unsaved_ok():
    x = torch.tensor([0.5, 1.0], requires_grad=True)
    y = x.sin()
    y.add_(1)
    y.sum().backward()
    return x.grad


@case
def inplace_view_of_nonleaf():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    v = y[0]
    v.mul_(3)
    g = [graph(y.grad_fn), v.grad_fn.name()]
    y.sum().backward()
    return [x.grad, y, g]


@case
def inplace_view_setitem_tensor():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = torch.tensor([4.0], requires_grad=True)
    y = x * 2
    y[0:1] = b * 5
    g = graph(y.grad_fn)
    (y * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    return [x.grad, b.grad, y, g]


@case
def inplace_view_setitem_number():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y[1] = 7
    y.sum().backward()
    return [x.grad, y, y.grad_fn.name()]


@case
def inplace_view_copy_into_plain_tensor():
    a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x = torch.zeros(5)
    x[1:4] = a * 3
    (x * torch.arange(5.0)).sum().backward()
    return [a.grad, x, x.grad_fn.name(), str(x.requires_grad), str(x.is_leaf)]


@case
def inplace_view_other_view_sees_it():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    v1 = y[0]
    v2 = y[0]
    v2.mul_(5)
    (v1 * 1).backward()
    return [x.grad, v1, v1.grad_fn.name()]


@case
def inplace_view_2d_column():
    x = torch.arange(6.0).reshape(2, 3).requires_grad_()
    w = torch.tensor([2.0, 3.0], requires_grad=True)
    y = x * 1
    y[:, 1].mul_(w)
    (y * y).sum().backward()
    return [x.grad, w.grad, y]


@case
def inplace_view_op_names():
    x = torch.arange(6.0).reshape(2, 1, 3).requires_grad_()
    names = []
    for f in [lambda y: y.squeeze(1).t_(), lambda y: y.transpose_(0, 2), lambda y: y.squeeze_(),
              lambda y: y.squeeze_(1), lambda y: y.unsqueeze_(0), lambda y: y.as_strided_((3, 2), (1, 3))]:
        names.append(f(x * 1).grad_fn.name())
    return names


@case
def inplace_view_op_on_a_view():
    x = torch.arange(6.0).reshape(2, 3).requires_grad_()
    y = x * 1
    v = y[0:2]
    v.t_()
    r = [v.grad_fn.name(), str(list(v.shape)), str(y._version)]
    (v * torch.arange(6.0).reshape(3, 2)).sum().backward()
    return [x.grad, r]


@case
def inplace_view_of_leaf():
    x = torch.ones(3, requires_grad=True)
    x[0].mul_(2)


@case
def inference_tensors():
    with torch.inference_mode():
        x = torch.ones(3)
        y = x * 2
    n = torch.ones(2)
    with torch.inference_mode():
        v = n.view(2)
        m = n * 1
    return [str(x.is_inference()), str(y.is_inference()), str(n.is_inference()), str(v.is_inference()),
            str(m.is_inference()), str((x * 2).is_inference()), x * 2]


@case
def inference_tensor_saved_for_backward():
    with torch.inference_mode():
        x = torch.ones(3)
    w = torch.ones(3, requires_grad=True)
    (x * w).sum().backward()


@case
def inference_tensor_not_saved_is_fine():
    with torch.inference_mode():
        x = torch.ones(3)
    w = torch.ones(3, requires_grad=True)
    (x + w).sum().backward()
    return w.grad


@case
def inference_tensor_inplace_outside():
    with torch.inference_mode():
        x = torch.ones(3)
    x.add_(1)


@case
def inference_tensor_inplace_inside():
    with torch.inference_mode():
        x = torch.ones(3)
    with torch.inference_mode():
        x.add_(1)
    return x


@case
def inference_tensor_requires_grad_outside():
    with torch.inference_mode():
        x = torch.ones(3)
    x.requires_grad_()


@case
def inplace_leaf():
    x = torch.ones(2, requires_grad=True)
    x.add_(1)


@case
def requires_grad_int_factory():
    torch.ones(2, dtype=torch.int64, requires_grad=True)


@case
def requires_grad_int_method():
    torch.ones(2, dtype=torch.int64).requires_grad_()


@case
def requires_grad_int_property():
    t = torch.ones(2, dtype=torch.int64)
    t.requires_grad = True


@case
def requires_grad_nonleaf_false():
    x = torch.ones(2, requires_grad=True)
    (x * 2).requires_grad_(False)


@case
def out_with_grad_binary():
    x = torch.ones(2, requires_grad=True)
    torch.add(x, x, out=torch.empty(2))


@case
def out_with_grad_unary():
    x = torch.ones(2, requires_grad=True)
    torch.exp(x, out=torch.empty(2))


@case
def out_with_grad_no_grad_ok():
    x = torch.ones(2, requires_grad=True)
    o = torch.empty(2)
    with torch.no_grad():
        torch.add(x, x, out=o)
    return [o, torch.tensor([o.requires_grad])]


@case
def hook_on_nonrequiring():
    torch.ones(2).register_hook(lambda g: g)


@case
def retain_grad_on_nonrequiring():
    torch.ones(2).retain_grad()


@case
def hooks_leaf_and_nonleaf():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    hx = x.register_hook(lambda g: g * 2)
    y = x * x
    hy = y.register_hook(lambda g: seen.append(g.clone()) or g + 1)
    y.sum().backward()
    first = x.grad.clone()
    hx.remove()
    hy.remove()
    x.grad = None
    (x * x).sum().backward()
    return [first, seen[0], x.grad, torch.tensor([len(seen)])]


@case
def hook_returning_none_keeps_grad():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: None)
    (x * 3).sum().backward()
    return x.grad


class MyExp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        r = x.exp()
        ctx.save_for_backward(r)
        return r

    @staticmethod
    def backward(ctx, g):
        r, = ctx.saved_tensors
        return g * r


class MulAdd(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b + a

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ga = g * (b + 1) if ctx.needs_input_grad[0] else None
        gb = g * a if ctx.needs_input_grad[1] else None
        return ga, gb


class SumAndProduct(torch.autograd.Function):
    """Two outputs: a + b and a * b."""
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a + b, a * b

    @staticmethod
    def backward(ctx, gs, gp):
        a, b = ctx.saved_tensors
        return gs + gp * b, gs + gp * a


@case
def custom_two_outputs():
    a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = torch.tensor([4.0, 5.0, 6.0], requires_grad=True)
    s, p = SumAndProduct.apply(a, b)
    (s * 2 + p * 3).sum().backward()
    return [s, p, a.grad, b.grad, s.grad_fn.name(), str(s.grad_fn is p.grad_fn)]


@case
def custom_two_outputs_one_used():
    a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = torch.tensor([4.0, 5.0, 6.0], requires_grad=True)
    s, p = SumAndProduct.apply(a, b)
    p.sum().backward()
    return [a.grad, b.grad]


class WrongSquare(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * x  # should be 2 * g * x


@case
def custom_function_exp():
    x = torch.tensor([0.0, 1.0, -1.0], requires_grad=True)
    y = MyExp.apply(x)
    name = y.grad_fn.name()
    (y * 2).sum().backward()
    return [y, x.grad, name]


@case
def custom_function_needs_input_grad():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0, 4.0])
    y = MulAdd.apply(a, b)
    y.sum().backward()
    return [y, a.grad, b.grad]


@case
def custom_function_saved_modified():
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    y = MyExp.apply(x)
    y.add_(1)
    y.sum().backward()


@case
def gradcheck_wrong_function():
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    torch.autograd.gradcheck(WrongSquare.apply, (x,))


@case
def gradcheck_right_function():
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    return "True" if torch.autograd.gradcheck(MyExp.apply, (x,)) else "False"


@case
def anomaly_sqrt_nan():
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    with torch.autograd.set_detect_anomaly(True):
        y = x.sqrt() * 0
        y.sum().backward()


@case
def nan_without_anomaly():
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    y = x.sqrt() * 0
    y.sum().backward()
    return x.grad


INF = float("inf")
LA = [0.0, 1.0, -INF, INF, -INF, 1000.0, -1000.0, 3.0, INF, float("nan"), 88.0, -0.5]
LB = [0.0, 2.0, -INF, INF, 5.0, 1000.0, -1000.0, -2.0, -INF, 1.0, 89.5, 30.0]


def logaddexp_case(fn, dtype):
    a = torch.tensor(LA, dtype=dtype, requires_grad=True)
    b = torch.tensor(LB, dtype=dtype, requires_grad=True)
    r = fn(a, b)
    name = r.grad_fn.name()
    r.sum().backward()
    return [r, a.grad, b.grad, name]


@case
def logaddexp_float32():
    return logaddexp_case(torch.logaddexp, torch.float32)


@case
def logaddexp_float64():
    return logaddexp_case(torch.logaddexp, torch.float64)


@case
def logaddexp_bfloat16():
    return logaddexp_case(torch.logaddexp, torch.bfloat16)


@case
def logaddexp2_float32():
    return logaddexp_case(torch.logaddexp2, torch.float32)


@case
def logaddexp_broadcast_mixed_dtypes():
    a = torch.tensor([[0.5], [-1.0], [2.0]], requires_grad=True)
    b = torch.tensor([0.0, 1.0, -3.0, 4.0], dtype=torch.float64, requires_grad=True)
    r = torch.logaddexp(a, b)
    r.backward(torch.arange(12, dtype=torch.float64).reshape(3, 4) / 10)
    return [r, a.grad, b.grad]


@case
def logaddexp_second_derivative():
    a = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([0.0, 1.0, 2.0], dtype=torch.float64, requires_grad=True)
    ga, gb = torch.autograd.grad(torch.logaddexp(a, b).sum(), [a, b], create_graph=True)
    haa, hab = torch.autograd.grad(ga.sum(), [a, b])
    return [ga, gb, haa, hab]


@case
def logaddexp_long():
    torch.logaddexp(torch.tensor([1]), torch.tensor([2]))


@case
def logaddexp_half():
    torch.logaddexp(torch.ones(2, dtype=torch.float16), torch.ones(2, dtype=torch.float16))


@case
def logaddexp_int_and_float():
    return torch.logaddexp(torch.tensor([1, 2]), torch.tensor([0.5, -0.5]))


@case
def logaddexp_out_with_grad():
    torch.logaddexp(torch.ones(2, requires_grad=True), torch.ones(2), out=torch.empty(2))


@case
def logaddexp_out():
    o = torch.empty(0, dtype=torch.float64)
    r = torch.logaddexp(torch.tensor([1.0, 2.0]), torch.tensor([3.0, -1.0]), out=o)
    return [o, "same" if r is o else "different"]


@case
def logaddexp_out_bad_cast():
    torch.logaddexp(torch.tensor([1.0, 2.0]), torch.tensor([3.0, -1.0]), out=torch.empty(2, dtype=torch.long))


@case
def logaddexp_shape_mismatch():
    torch.logaddexp(torch.ones(2), torch.ones(3))


class WrongDoubleBackward(torch.autograd.Function):
    """x * x with a right first derivative written with detached x, so its own derivative is wrong."""
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return 2 * g * x.detach()


@case
def gradcheck_right_first_order_of_wrong_double():
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    return "True" if torch.autograd.gradcheck(WrongDoubleBackward.apply, (x,)) else "False"


@case
def gradgradcheck_wrong_double_backward():
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    torch.autograd.gradgradcheck(WrongDoubleBackward.apply, (x,))


import warnings  # noqa: E402
warnings.simplefilter("ignore")
write("autograd_behaviour", cases)

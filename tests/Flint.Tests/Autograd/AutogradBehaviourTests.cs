using System.Text;
using System.Text.Json;
using Flint;
using Flint.Autograd;
using Flint.Tests.Support;
using Xunit;

namespace Flint.Tests.Autograd;

/// <summary>
/// Replays tools/refs/gen_autograd_behaviour.py: each named scenario runs here as it ran in PyTorch 1.13 and must
/// give the same values, graph structure and error texts.
/// </summary>
public class AutogradBehaviourTests
{
    private static Tensor T(params double[] v) => torch.tensor(v, dtype: torch.float32);
    private static Tensor B(params bool[] v) => torch.tensor(v);
    private static Tensor L(params long[] v) => torch.tensor(v);

    /// <summary>A grad_fn and everything below it as text, as the generator writes it.</summary>
    internal static string Graph(Node? fn)
    {
        if (fn is null) return "None";
        var kids = fn.next_functions.Select(e => Graph(e.node)).ToArray();
        return fn.name() + (kids.Length > 0 ? "(" + string.Join(", ", kids) + ")" : "");
    }

    private static (Tensor x, Tensor y, Tensor z, Tensor @out) Seed()
    {
        var x = torch.ones(2, 2, requires_grad: true);
        var y = x + 2;
        var z = y * y * 3;
        return (x, y, z, z.mean());
    }

    private sealed class MyExp : torch.autograd.Function<MyExp>
    {
        public override Tensor forward(torch.autograd.FunctionCtx ctx, params Tensor[] inputs)
        {
            var r = inputs[0].exp();
            ctx.save_for_backward(r);
            return r;
        }
        public override Tensor?[] backward(torch.autograd.FunctionCtx ctx, Tensor g) => [g * ctx.saved_tensors[0]];
    }

    private sealed class MulAdd : torch.autograd.Function<MulAdd>
    {
        public override Tensor forward(torch.autograd.FunctionCtx ctx, params Tensor[] inputs)
        {
            ctx.save_for_backward(inputs[0], inputs[1]);
            return inputs[0] * inputs[1] + inputs[0];
        }
        public override Tensor?[] backward(torch.autograd.FunctionCtx ctx, Tensor g)
        {
            var (a, b) = (ctx.saved_tensors[0], ctx.saved_tensors[1]);
            return [ctx.needs_input_grad[0] ? g * (b + 1) : null, ctx.needs_input_grad[1] ? g * a : null];
        }
    }

    private sealed class SumAndProduct : torch.autograd.MultiTensorFunction<SumAndProduct>
    {
        public override Tensor[] forward(torch.autograd.FunctionCtx ctx, params Tensor[] inputs)
        {
            ctx.save_for_backward(inputs[0], inputs[1]);
            return [inputs[0] + inputs[1], inputs[0] * inputs[1]];
        }
        public override Tensor?[] backward(torch.autograd.FunctionCtx ctx, Tensor[] g)
        {
            var (a, b) = (ctx.saved_tensors[0], ctx.saved_tensors[1]);
            return [g[0] + g[1] * b, g[0] + g[1] * a];
        }
    }

    internal sealed class WrongSquare : torch.autograd.Function<WrongSquare>
    {
        public override Tensor forward(torch.autograd.FunctionCtx ctx, params Tensor[] inputs)
        {
            ctx.save_for_backward(inputs[0]);
            return inputs[0] * inputs[0];
        }
        public override Tensor?[] backward(torch.autograd.FunctionCtx ctx, Tensor g) => [g * ctx.saved_tensors[0]]; // should be 2 * g * x
    }

    /// <summary>x * x whose backward is right but uses a detached x, so its own derivative (the second) is wrong.</summary>
    internal sealed class WrongDoubleBackward : torch.autograd.Function<WrongDoubleBackward>
    {
        public override Tensor forward(torch.autograd.FunctionCtx ctx, params Tensor[] inputs)
        {
            ctx.save_for_backward(inputs[0]);
            return inputs[0] * inputs[0];
        }
        public override Tensor?[] backward(torch.autograd.FunctionCtx ctx, Tensor g) => [2 * g * ctx.saved_tensors[0].detach()];
    }

    private static readonly double[] LA = [0, 1, double.NegativeInfinity, double.PositiveInfinity, double.NegativeInfinity, 1000, -1000, 3, double.PositiveInfinity, double.NaN, 88, -0.5];
    private static readonly double[] LB = [0, 2, double.NegativeInfinity, double.PositiveInfinity, 5, 1000, -1000, -2, double.NegativeInfinity, 1, 89.5, 30];

    private static object?[] LogAddExpCase(Func<Tensor, Tensor, Tensor?, Tensor> fn, DType dtype)
    {
        var a = torch.tensor(LA, dtype: dtype, requires_grad: true);
        var b = torch.tensor(LB, dtype: dtype, requires_grad: true);
        var r = fn(a, b, null);
        var name = r.grad_fn!.name();
        r.sum().backward();
        return [r.detach(), a.grad, b.grad, name];
    }

    /// <summary>Cases whose message holds random numbers: only the text around them is compared.</summary>
    private static readonly Dictionary<string, (string prefix, string suffix)> PartialMessages = new()
    {
        ["gradgradcheck_wrong_double_backward"] = ("Jacobian mismatch for output 0 with respect to input 0,\nnumerical:tensor([[",
            "analytical:tensor([[0., 0.],\n        [0., 0.]], dtype=torch.float64)\n"),
    };

    private static readonly Dictionary<string, Func<object?>> Scenarios = new()
    {
        ["seed_graph"] = () =>
        {
            var (_, y, z, o) = Seed();
            return new object?[] { Graph(o.grad_fn), y.grad_fn!.name(), z.grad_fn!.name(), o.grad_fn!.name() };
        },
        ["seed_grad"] = () => { var (x, _, _, o) = Seed(); o.backward(); return x.grad; },
        ["seed_backward_twice"] = () => { var (_, _, _, o) = Seed(); o.backward(); o.backward(); return null; },
        ["seed_retain_graph_twice"] = () => { var (x, _, _, o) = Seed(); o.backward(retain_graph: true); o.backward(); return x.grad; },
        ["grad_accumulates_across_graphs"] = () =>
        {
            var x = T(1, 2, 3).requires_grad_();
            (x * x).sum().backward();
            (x * 3).sum().backward();
            return x.grad;
        },
        ["leaves_and_requires_grad"] = () =>
        {
            var x = torch.ones(2, requires_grad: true);
            var c = torch.ones(2);
            var y = x * 2;
            var d = y.detach();
            Tensor n;
            using (torch.no_grad()) n = x * 2;
            return new object?[] { B(x.is_leaf, c.is_leaf, y.is_leaf, d.is_leaf, n.is_leaf, (c * 2).is_leaf),
                B(x.requires_grad, c.requires_grad, y.requires_grad, d.requires_grad, n.requires_grad, (c * 2).requires_grad) };
        },
        ["requires_grad_inplace_then_backward"] = () =>
        {
            var x = T(1, 2).requires_grad_();
            x.pow(2).sum().backward();
            return new object?[] { x.grad, B(x.requires_grad, x.is_leaf) };
        },
        ["nonleaf_grad_is_none_without_retain"] = () =>
        {
            var x = torch.ones(2, requires_grad: true);
            var y = x * 2;
            y.sum().backward();
            return new object?[] { y.grad, B(y.retains_grad) };
        },
        ["retain_grad_values"] = () =>
        {
            var x = T(1, 2).requires_grad_();
            var y = x * 3; y.retain_grad();
            var z = y * y; z.retain_grad();
            z.sum().backward();
            return new object?[] { y.grad, z.grad, x.grad, B(y.retains_grad, x.retains_grad) };
        },
        ["retain_grad_with_hook"] = () =>
        {
            var x = T(1, 2).requires_grad_();
            var y = x * 3; y.retain_grad();
            y.register_hook(g => g * 10);
            y.sum().backward();
            return new object?[] { y.grad, x.grad };
        },
        ["detach_shares_storage"] = () =>
        {
            var x = T(1, 2).requires_grad_();
            var y = x * 2;
            var d = y.detach();
            d.add_(1);
            return new object?[] { y.detach(), B(d.requires_grad, d.is_leaf), L(y._version_count, d._version_count) };
        },
        ["detach_shares_version_counter"] = () =>
        {
            var x = T(1, 2).requires_grad_();
            var y = x.exp();
            y.detach().add_(1);
            y.sum().backward();
            return null;
        },
        ["detach_inplace"] = () =>
        {
            var x = T(1, 2).requires_grad_();
            var y = x * 2;
            y.detach_();
            return new object?[] { B(y.requires_grad, y.is_leaf, y.grad_fn is null), y };
        },
        ["backward_with_gradient"] = () =>
        {
            var x = T(1, 2, 3).requires_grad_();
            (x * x).backward(T(1, 0.1, 0.01));
            return x.grad;
        },
        ["backward_nonscalar_without_gradient"] = () => { (T(1, 2, 3).requires_grad_() * 2).backward(); return null; },
        ["backward_gradient_shape_mismatch"] = () => { (T(1, 2, 3).requires_grad_() * 2).sum().backward(torch.ones(3)); return null; },
        ["backward_no_grad_fn"] = () => { torch.ones(2).sum().backward(); return null; },
        ["backward_create_graph"] = () =>
        {
            var x = T(1, 2).requires_grad_();
            x.pow(3).sum().backward(create_graph: true);
            var g = x.grad!;
            bool has = g.grad_fn is not null;
            var g2 = torch.autograd.grad(g.sum(), [x])[0];
            return new object?[] { g.detach(), B(has, g.requires_grad), g2 };
        },
        ["backward_inputs"] = () =>
        {
            var a = T(1, 2).requires_grad_(); var b = T(3, 4).requires_grad_();
            (a * b).sum().backward(inputs: [a]);
            return new object?[] { a.grad, b.grad };
        },
        ["backward_inputs_nonleaf"] = () =>
        {
            var a = T(1, 2).requires_grad_();
            var h = a * 2;
            (h * h).sum().backward(inputs: [h]);
            return new object?[] { h.grad, a.grad };
        },
        ["grad_basic"] = () =>
        {
            var a = T(1, 2).requires_grad_(); var b = T(3, 4).requires_grad_();
            var g = torch.autograd.grad((a * b).sum(), [a, b]);
            return new object?[] { g[0], g[1], a.grad, B(g[0]!.requires_grad) };
        },
        ["grad_grad_outputs"] = () =>
        {
            var a = T(1, 2).requires_grad_();
            return torch.autograd.grad(a * a, [a], grad_output: T(1, 10)).Cast<object?>().ToArray();
        },
        ["grad_unused"] = () =>
        {
            var a = T(1, 2).requires_grad_(); var b = T(3, 4).requires_grad_();
            torch.autograd.grad((a * 2).sum(), [a, b]);
            return null;
        },
        ["grad_allow_unused"] = () =>
        {
            var a = T(1, 2).requires_grad_(); var b = T(3, 4).requires_grad_();
            return torch.autograd.grad((a * 2).sum(), [a, b], allow_unused: true).Cast<object?>().ToArray();
        },
        ["grad_input_not_requiring"] = () => { torch.autograd.grad((T(1, 2).requires_grad_() * 2).sum(), [torch.ones(2)]); return null; },
        ["grad_twice_without_retain"] = () =>
        {
            var a = T(1, 2).requires_grad_();
            var y = (a * a).sum();
            torch.autograd.grad(y, [a]);
            torch.autograd.grad(y, [a]);
            return null;
        },
        ["grad_retain_graph"] = () =>
        {
            var a = T(1, 2).requires_grad_();
            var y = (a * a).sum();
            var g1 = torch.autograd.grad(y, [a], retain_graph: true)[0];
            var g2 = torch.autograd.grad(y, [a])[0];
            return new object?[] { g1, g2 };
        },
        ["grad_higher_order_cube"] = () =>
        {
            var x = T(1, 2, -3).requires_grad_();
            var y = x.pow(3).sum();
            var g1 = torch.autograd.grad(y, [x], create_graph: true)[0]!;
            var g2 = torch.autograd.grad(g1.sum(), [x], create_graph: true)[0]!;
            var g3 = torch.autograd.grad(g2.sum(), [x])[0]!;
            return new object?[] { g1.detach(), g2.detach(), g3, B(g1.requires_grad, g3.requires_grad) };
        },
        ["grad_higher_order_mixed"] = () =>
        {
            var x = T(0.5, 1.5).requires_grad_(); var w = T(2, -1).requires_grad_();
            var y = (torch.sin(x * w) * x).sum();
            var g = torch.autograd.grad(y, [x, w], create_graph: true);
            var hxw = torch.autograd.grad(g[0]!.sum(), [w])[0];
            return new object?[] { g[0]!.detach(), g[1]!.detach(), hxw };
        },
        ["modes_nested"] = () =>
        {
            var x = torch.ones(2, requires_grad: true);
            var r = new List<bool>();
            using (torch.no_grad())
            {
                r.Add((x * 2).requires_grad);
                r.Add(torch.is_grad_enabled());
                using (torch.enable_grad())
                {
                    r.Add((x * 2).requires_grad);
                    using (torch.set_grad_enabled(false)) r.Add((x * 2).requires_grad);
                    r.Add(torch.is_grad_enabled());
                }
                r.Add((x * 2).requires_grad);
            }
            r.Add((x * 2).requires_grad);
            using (torch.inference_mode())
            {
                r.Add((x * 2).requires_grad);
                r.Add(torch.is_inference_mode_enabled());
                using (torch.inference_mode(false)) r.Add(torch.is_inference_mode_enabled());
            }
            r.Add(torch.is_inference_mode_enabled());
            r.Add(torch.is_grad_enabled());
            return B(r.ToArray());
        },
        ["no_grad_inplace_on_leaf_allowed"] = () =>
        {
            var x = T(1, 2).requires_grad_();
            using (torch.no_grad()) x.mul_(2);
            (x * x).sum().backward();
            return new object?[] { x.detach(), x.grad };
        },
        ["inplace_nonleaf_rebases_history"] = () =>
        {
            var x = T(1, 2).requires_grad_();
            var y = x * 2;
            y.add_(1);
            var g = Graph(y.grad_fn);
            y.sum().backward();
            return new object?[] { x.grad, g, y.detach() };
        },
        ["inplace_nonleaf_mul"] = () =>
        {
            var x = T(1, 2).requires_grad_();
            var y = x * 1;
            y.mul_(y);
            y.sum().backward();
            return null;
        },
        ["inplace_saved_output_modified"] = () =>
        {
            var x = torch.ones(2, 2, requires_grad: true);
            var y = x.exp();
            y.add_(1);
            y.sum().backward();
            return null;
        },
        ["inplace_saved_input_modified"] = () =>
        {
            var x = torch.ones(2, 2, requires_grad: true);
            var a = x * 1;
            var b = a * a;
            a.add_(1);
            b.sum().backward();
            return null;
        },
        ["inplace_unsaved_ok"] = () =>
        {
            var x = T(0.5, 1).requires_grad_();
            var y = x.sin();
            y.add_(1);
            y.sum().backward();
            return x.grad;
        },
        ["inplace_view_of_nonleaf"] = () =>
        {
            var x = T(1, 2, 3).requires_grad_();
            var y = x * 2;
            var v = y[0];
            v.mul_(3);
            var g = new object?[] { Graph(y.grad_fn), v.grad_fn!.name() };
            y.sum().backward();
            return new object?[] { x.grad, y.detach(), g };
        },
        ["inplace_view_setitem_tensor"] = () =>
        {
            var x = T(1, 2, 3).requires_grad_();
            var b = T(4).requires_grad_();
            var y = x * 2;
            y[TensorIndex.Slice(0, 1)] = b * 5;
            var g = Graph(y.grad_fn);
            (y * T(1, 2, 3)).sum().backward();
            return new object?[] { x.grad, b.grad, y.detach(), g };
        },
        ["inplace_view_setitem_number"] = () =>
        {
            var x = T(1, 2, 3).requires_grad_();
            var y = x * 2;
            y[1] = torch.tensor(7.0f);
            y.sum().backward();
            return new object?[] { x.grad, y.detach(), y.grad_fn!.name() };
        },
        ["inplace_view_copy_into_plain_tensor"] = () =>
        {
            var a = T(1, 2, 3).requires_grad_();
            var x = torch.zeros(5);
            x[TensorIndex.Slice(1, 4)] = a * 3;
            (x * torch.arange(5.0f)).sum().backward();
            return new object?[] { a.grad, x.detach(), x.grad_fn!.name(), x.requires_grad ? "True" : "False", x.is_leaf ? "True" : "False" };
        },
        ["inplace_view_other_view_sees_it"] = () =>
        {
            var x = T(1, 2, 3).requires_grad_();
            var y = x * 2;
            var v1 = y[0];
            var v2 = y[0];
            v2.mul_(5);
            (v1 * 1).backward();
            return new object?[] { x.grad, v1.detach(), v1.grad_fn!.name() };
        },
        ["inplace_view_2d_column"] = () =>
        {
            var x = torch.arange(6.0f).reshape(2, 3).requires_grad_();
            var w = T(2, 3).requires_grad_();
            var y = x * 1;
            y[TensorIndex.Colon, 1].mul_(w);
            (y * y).sum().backward();
            return new object?[] { x.grad, w.grad, y.detach() };
        },
        ["inplace_view_op_names"] = () =>
        {
            var x = torch.arange(6.0f).reshape(2, 1, 3).requires_grad_();
            var ops = new Func<Tensor, Tensor>[] { y => y.squeeze(1).t_(), y => y.transpose_(0, 2), y => y.squeeze_(),
                y => y.squeeze_(1), y => y.unsqueeze_(0), y => y.as_strided_([3, 2], [1, 3]) };
            return ops.Select(f => (object?)f(x * 1).grad_fn!.name()).ToArray();
        },
        ["inplace_view_op_on_a_view"] = () =>
        {
            var x = torch.arange(6.0f).reshape(2, 3).requires_grad_();
            var y = x * 1;
            var v = y[TensorIndex.Slice(0, 2)];
            v.t_();
            var r = new object?[] { v.grad_fn!.name(), $"[{string.Join(", ", v.shape.ToArray())}]", y._version_count.ToString() };
            (v * torch.arange(6.0f).reshape(3, 2)).sum().backward();
            return new object?[] { x.grad, r };
        },
        ["inplace_view_of_leaf"] = () => { torch.ones(3, requires_grad: true)[0].mul_(2); return null; },
        ["custom_two_outputs"] = () =>
        {
            var a = T(1, 2, 3).requires_grad_();
            var b = T(4, 5, 6).requires_grad_();
            var r = SumAndProduct.apply(a, b);
            (r[0] * 2 + r[1] * 3).sum().backward();
            return new object?[] { r[0].detach(), r[1].detach(), a.grad, b.grad, r[0].grad_fn!.name(), ReferenceEquals(r[0].grad_fn, r[1].grad_fn) ? "True" : "False" };
        },
        ["custom_two_outputs_one_used"] = () =>
        {
            var a = T(1, 2, 3).requires_grad_();
            var b = T(4, 5, 6).requires_grad_();
            var r = SumAndProduct.apply(a, b);
            r[1].sum().backward();
            return new object?[] { a.grad, b.grad };
        },
        ["inference_tensors"] = () =>
        {
            Tensor x, y, v, m;
            using (torch.inference_mode()) { x = torch.ones(3); y = x * 2; }
            var n = torch.ones(2);
            using (torch.inference_mode()) { v = n.view(2); m = n * 1; }
            static string B(bool b) => b ? "True" : "False";
            return new object?[] { B(x.is_inference()), B(y.is_inference()), B(n.is_inference()), B(v.is_inference()),
                B(m.is_inference()), B((x * 2).is_inference()), x * 2 };
        },
        ["inference_tensor_saved_for_backward"] = () =>
        {
            Tensor x;
            using (torch.inference_mode()) x = torch.ones(3);
            var w = torch.ones(3, requires_grad: true);
            (x * w).sum().backward();
            return null;
        },
        ["inference_tensor_not_saved_is_fine"] = () =>
        {
            Tensor x;
            using (torch.inference_mode()) x = torch.ones(3);
            var w = torch.ones(3, requires_grad: true);
            (x + w).sum().backward();
            return w.grad;
        },
        ["inference_tensor_inplace_outside"] = () =>
        {
            Tensor x;
            using (torch.inference_mode()) x = torch.ones(3);
            x.add_(1);
            return null;
        },
        ["inference_tensor_inplace_inside"] = () =>
        {
            Tensor x;
            using (torch.inference_mode()) x = torch.ones(3);
            using (torch.inference_mode()) x.add_(1);
            return x;
        },
        ["inference_tensor_requires_grad_outside"] = () =>
        {
            Tensor x;
            using (torch.inference_mode()) x = torch.ones(3);
            x.requires_grad_();
            return null;
        },
        ["inplace_leaf"] = () => { torch.ones(2, requires_grad: true).add_(1); return null; },
        ["requires_grad_int_factory"] = () => torch.ones(2, dtype: torch.int64, requires_grad: true),
        ["requires_grad_int_method"] = () => torch.ones(2, dtype: torch.int64).requires_grad_(),
        ["requires_grad_int_property"] = () => { var t = torch.ones(2, dtype: torch.int64); t.requires_grad = true; return t; },
        ["requires_grad_nonleaf_false"] = () => (torch.ones(2, requires_grad: true) * 2).requires_grad_(false),
        ["out_with_grad_binary"] = () => { var x = torch.ones(2, requires_grad: true); return torch.add(x, x, @out: torch.empty(2)); },
        ["out_with_grad_unary"] = () => torch.exp(torch.ones(2, requires_grad: true), @out: torch.empty(2)),
        ["out_with_grad_no_grad_ok"] = () =>
        {
            var x = torch.ones(2, requires_grad: true);
            var o = torch.empty(2);
            using (torch.no_grad()) torch.add(x, x, @out: o);
            return new object?[] { o, B(o.requires_grad) };
        },
        ["hook_on_nonrequiring"] = () => torch.ones(2).register_hook(g => g),
        ["retain_grad_on_nonrequiring"] = () => { torch.ones(2).retain_grad(); return null; },
        ["hooks_leaf_and_nonleaf"] = () =>
        {
            var x = T(1, 2).requires_grad_();
            var seen = new List<Tensor>();
            var hx = x.register_hook(g => g * 2);
            var y = x * x;
            var hy = y.register_hook(g => { seen.Add(g.clone()); return g + 1; });
            y.sum().backward();
            var first = x.grad!.clone();
            hx.remove(); hy.remove();
            x.grad = null;
            (x * x).sum().backward();
            return new object?[] { first, seen[0], x.grad, L(seen.Count) };
        },
        ["hook_returning_none_keeps_grad"] = () =>
        {
            var x = T(1, 2).requires_grad_();
            x.register_hook(g => (Tensor?)null);
            (x * 3).sum().backward();
            return x.grad;
        },
        ["custom_function_exp"] = () =>
        {
            var x = T(0, 1, -1).requires_grad_();
            var y = MyExp.apply(x);
            var name = y.grad_fn!.name();
            (y * 2).sum().backward();
            return new object?[] { y.detach(), x.grad, name };
        },
        ["custom_function_needs_input_grad"] = () =>
        {
            var a = T(1, 2).requires_grad_(); var b = T(3, 4);
            var y = MulAdd.apply(a, b);
            y.sum().backward();
            return new object?[] { y.detach(), a.grad, b.grad };
        },
        ["custom_function_saved_modified"] = () =>
        {
            var x = T(0, 1).requires_grad_();
            var y = MyExp.apply(x);
            y.add_(1);
            y.sum().backward();
            return null;
        },
        ["gradcheck_wrong_function"] = () =>
        {
            var x = torch.tensor(new double[] { 1, 2 }, dtype: torch.float64, requires_grad: true);
            return torch.autograd.gradcheck(xs => WrongSquare.apply(xs), [x]);
        },
        ["gradcheck_right_function"] = () =>
        {
            var x = torch.tensor(new double[] { 1, 2 }, dtype: torch.float64, requires_grad: true);
            return torch.autograd.gradcheck(xs => MyExp.apply(xs), [x]) ? "True" : "False";
        },
        ["anomaly_sqrt_nan"] = () =>
        {
            var x = T(0, 1).requires_grad_();
            torch.autograd.set_detect_anomaly(true);
            try
            {
                var y = x.sqrt() * 0;
                y.sum().backward();
            }
            finally { torch.autograd.set_detect_anomaly(false); }
            return null;
        },
        ["logaddexp_float32"] = () => LogAddExpCase(torch.logaddexp, torch.float32),
        ["logaddexp_float64"] = () => LogAddExpCase(torch.logaddexp, torch.float64),
        ["logaddexp_bfloat16"] = () => LogAddExpCase(torch.logaddexp, torch.bfloat16),
        ["logaddexp2_float32"] = () => LogAddExpCase(torch.logaddexp2, torch.float32),
        ["logaddexp_broadcast_mixed_dtypes"] = () =>
        {
            var a = torch.tensor(new double[,] { { 0.5 }, { -1.0 }, { 2.0 } }, dtype: torch.float32, requires_grad: true);
            var b = torch.tensor(new double[] { 0, 1, -3, 4 }, dtype: torch.float64, requires_grad: true);
            var r = torch.logaddexp(a, b);
            r.backward(torch.arange(12, dtype: torch.float64).reshape(3, 4) / 10);
            return new object?[] { r.detach(), a.grad, b.grad };
        },
        ["logaddexp_second_derivative"] = () =>
        {
            var a = torch.tensor(new double[] { 0.5, -1, 2 }, requires_grad: true);
            var b = torch.tensor(new double[] { 0, 1, 2 }, requires_grad: true);
            var g = torch.autograd.grad(torch.logaddexp(a, b).sum(), [a, b], create_graph: true);
            var h = torch.autograd.grad(g[0]!.sum(), [a, b]);
            return new object?[] { g[0]!.detach(), g[1]!.detach(), h[0], h[1] };
        },
        ["logaddexp_long"] = () => torch.logaddexp(L(1), L(2)),
        ["logaddexp_half"] = () => torch.logaddexp(torch.ones(2, dtype: torch.float16), torch.ones(2, dtype: torch.float16)),
        ["logaddexp_int_and_float"] = () => torch.logaddexp(L(1, 2), T(0.5, -0.5)),
        ["logaddexp_out_with_grad"] = () => torch.logaddexp(torch.ones(2, requires_grad: true), torch.ones(2), @out: torch.empty(2)),
        ["logaddexp_out"] = () =>
        {
            var o = torch.empty(0, dtype: torch.float64);
            var r = torch.logaddexp(T(1, 2), T(3, -1), @out: o);
            return new object?[] { o, ReferenceEquals(r, o) ? "same" : "different" };
        },
        ["logaddexp_out_bad_cast"] = () => torch.logaddexp(T(1, 2), T(3, -1), @out: torch.empty(2, dtype: torch.int64)),
        ["logaddexp_shape_mismatch"] = () => torch.logaddexp(torch.ones(2), torch.ones(3)),
        ["gradcheck_right_first_order_of_wrong_double"] = () =>
            torch.autograd.gradcheck(xs => WrongDoubleBackward.apply(xs), [torch.tensor(new double[] { 1, 2 }, requires_grad: true)]) ? "True" : "False",
        ["gradgradcheck_wrong_double_backward"] = () =>
            torch.autograd.gradgradcheck(xs => WrongDoubleBackward.apply(xs), [torch.tensor(new double[] { 1, 2 }, requires_grad: true)]),
        ["nan_without_anomaly"] = () =>
        {
            var x = T(0, 1).requires_grad_();
            (x.sqrt() * 0).sum().backward();
            return x.grad;
        },
    };

    private static string? Compare(JsonElement expected, object? actual, string path)
    {
        if (expected.ValueKind == JsonValueKind.Null)
            return actual is null ? null : $"{path}: expected None, got {actual}";
        if (expected.ValueKind == JsonValueKind.Array)
        {
            if (actual is not object?[] arr) return $"{path}: expected a list, got {actual}";
            var es = expected.EnumerateArray().ToArray();
            if (es.Length != arr.Length) return $"{path}: expected {es.Length} items, got {arr.Length}";
            for (int i = 0; i < es.Length; i++)
                if (Compare(es[i], arr[i], $"{path}[{i}]") is { } f) return f;
            return null;
        }
        if (expected.TryGetProperty("text", out var text))
            return Equals(text.GetString(), actual) ? null : $"{path}: expected \"{text.GetString()}\", got \"{actual}\"";
        if (actual is not Tensor t) return $"{path}: expected a tensor, got {actual ?? "None"}";
        try { Reference.AssertClose(Reference.Tensor(expected), t, path); return null; }
        catch (Exception e) { return e.Message; }
    }

    public static TheoryData<string> CaseNames() => Reference.CaseNames("autograd_behaviour");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ScenarioMatchesPyTorch(string name)
    {
        var c = Reference.Case("autograd_behaviour", name);
        Assert.True(Scenarios.TryGetValue(name, out var run), $"{name}: no C# scenario");
        object? result; Exception? error = null;
        try { result = run!(); }
        catch (Exception e) { result = null; error = e; }
        if (c.TryGetProperty("error", out var err))
        {
            if (!PartialMessages.TryGetValue(name, out var part)) { Reference.AssertError(c, error, name); return; }
            string pyType = c.GetProperty("type").GetString()!;
            Assert.True(error is not null, $"{name}: expected {pyType} \"{err.GetString()}\", got no error");
            Assert.True(error.Message.StartsWith(part.prefix, StringComparison.Ordinal) && error.Message.EndsWith(part.suffix, StringComparison.Ordinal),
                $"{name}: message\n  got:  {error.Message}\n  want: {err.GetString()}");
            Assert.Contains(error.GetType(), Reference.ExceptionTypesFor(pyType, err.GetString()!));
            return;
        }
        if (error is not null) throw new Xunit.Sdk.XunitException($"{name}: threw {error.GetType().Name}: {error.Message}");
        if (Compare(c.GetProperty("out"), result, name) is { } f) throw new Xunit.Sdk.XunitException(f);
    }

    [Fact]
    public void EveryScenarioIsRecorded()
    {
        var recorded = Reference.CasesByName("autograd_behaviour");
        var missing = Scenarios.Keys.Where(n => !recorded.ContainsKey(n)).ToArray();
        Assert.True(missing.Length == 0, "not in the reference file: " + string.Join(", ", missing));
    }
}

using Flint.Autograd;
using Flint.Backends;
using Flint.Ops.Kernels;
using static Flint.torch;

namespace Flint.Ops.Attention
{
    /// <summary>
    /// The fused route of scaled_dot_product_attention: one backend kernel each way (IBackend.Attention.cs), one node
    /// (PyTorch's CPU flash node), the weights recomputed per tile in the backward from the saved logsumexp. Inputs
    /// of any rank are seen as (B, H, L, E) with B the product of the leading dims; half types compute in float32.
    /// </summary>
    internal static class FlashAttention
    {
        internal sealed record Saved(Tensor Query, Tensor Key, Tensor Value, Tensor Output, Tensor Q, Tensor K, Tensor V, Tensor? Mask,
            Tensor Out, Tensor Lse, AttentionOptions Options);

        internal static readonly NodeDerivative<Saved> Derivative =
            NodeDerivative<Saved>.Joint("ScaledDotProductFlashAttentionForCpuBackward0", static (g, s) => Backward(g, s), static s => [s.Query, s.Key, s.Value, s.Output]);

        /// <summary>
        /// Whether the fused kernel computes this call: floating inputs of one rank whose leading dims agree, equal key
        /// and value lengths and heads, query heads equal to the key heads (or a multiple of them under enable_gqa, or
        /// one key head broadcast), a head size that matches, and a mask that broadcasts to the weights and needs no
        /// gradient. Everything else (broadcast batches, a mask in the graph, shapes PyTorch refuses) takes the composite.
        /// </summary>
        internal static bool Applies(Tensor query, Tensor key, Tensor value, Tensor? attnMask, bool enableGqa)
        {
            if (!query.dtype.is_floating_point) return false;
            int rank = query.dim();
            if (key.dim() != rank || value.dim() != rank) return false;
            long e = query.size(-1), ev = value.size(-1);
            if (e == 0 || ev == 0 || key.size(-1) != e || key.size(-2) != value.size(-2)) return false;
            for (int d = 0; d < rank - 3; d++)
                if (key.size(d) != query.size(d) || value.size(d) != query.size(d)) return false;
            if (rank < 3 && enableGqa) return false;   // the composite raises PyTorch's error for a missing head dim
            if (rank >= 3)
            {
                long hq = query.size(-3), hk = key.size(-3);
                if (value.size(-3) != hk || hk == 0) return false;
                if (hq != hk && hk != 1 && !(enableGqa && hq % hk == 0)) return false;
            }
            if (attnMask is null) return true;
            if (attnMask.requires_grad && GradMode.IsEnabled) return false;
            long[] attn = AttnShape(query, key);
            if (attnMask.dim() > attn.Length) return false;
            for (int d = 1; d <= attnMask.dim(); d++)
            {
                long m = attnMask.size(-d);
                if (m != 1 && m != attn[^d]) return false;
            }
            return true;
        }

        /// <summary>The weights' shape: (leading dims..., Hq, L, S).</summary>
        private static long[] AttnShape(Tensor query, Tensor key)
        {
            long[] s = query.shape.ToArray();
            s[^1] = key.size(-2);
            return s;
        }

        internal static Tensor Run(Tensor query, Tensor key, Tensor value, Tensor? attnMask, double dropoutP, bool isCausal, double? scale)
        {
            var dt = Fused.ComputeType(query.dtype);
            var q = Four(query, dt);
            var k = Four(key, dt);
            var v = Four(value, dt);
            Tensor? mask = null;
            if (attnMask is not null)
                using (no_grad()) mask = Four(Attention.Additive(attnMask.detach(), dt).to(dt).expand(AttnShape(query, key)), dt, unitLast: false);
            ulong seed = 0;
            if (dropoutP > 0)
            {
                var gen = Generator.Default;
                lock (gen.SyncRoot) seed = gen.NextUInt64();
            }
            var options = new AttentionOptions(Attention.Scale(query, scale), isCausal, dropoutP > 0 ? dropoutP : 0, seed);
            long[] oshape = query.shape.ToArray();
            oshape[^1] = value.size(-1);
            var output = Fused.Out(oshape, dt, query);
            var lse = Fused.Out([q.size(0), q.size(1), q.size(2)], dt, query);
            Tensor out4;
            using (no_grad()) out4 = output.view(q.size(0), q.size(1), q.size(2), value.size(-1));
            output.Backend.ScaledDotProductAttention(q, k, v, mask, options, out4, lse);
            var r = Fused.As(output, query.dtype);
            return Derivative.Record(r, [query, key, value], new Saved(query, key, value, r, q, k, v, mask, out4, lse, options));
        }

        /// <summary>t in dtype dt seen as (B, H, rows, cols) with B the product of the leading dims, its last dim of unit stride (unless not asked).</summary>
        private static Tensor Four(Tensor t, DType dt, bool unitLast = true)
        {
            using (no_grad())
            {
                var d = t.detach().to(dt);
                if (unitLast && d.size(-1) > 1 && d.stride(-1) != 1) d = d.contiguous();
                return d.dim() switch
                {
                    2 => d.unsqueeze(0).unsqueeze(0),
                    3 => d.unsqueeze(0),
                    4 => d,
                    _ => d.reshape(-1, d.size(-3), d.size(-2), d.size(-1)),
                };
            }
        }

        private static Tensor?[] Backward(Tensor grad, Saved s)
        {
            if (Fused.Differentiable) return Formula(grad, s);
            var g = Four(grad, s.Q.dtype, unitLast: false);
            var dq = Fused.Out(s.Q.shape.ToArray(), s.Q.dtype, s.Query);
            var dk = Fused.Out(s.K.shape.ToArray(), s.K.dtype, s.Query);
            var dv = Fused.Out(s.V.shape.ToArray(), s.V.dtype, s.Query);
            dq.Backend.ScaledDotProductAttentionBackward(g, s.Q, s.K, s.V, s.Mask, s.Out, s.Lse, s.Options, dq, dk, dv);
            using (no_grad())
                return [Back(dq, s.Query), Back(dk, s.Key), Back(dv, s.Value)];
        }

        private static Tensor Back(Tensor g4, Tensor input) => Fused.As(g4.reshape(input.shape.ToArray()), input.dtype);

        /// <summary>
        /// The gradients as differentiable ops of the saved inputs (while a backward is itself differentiated):
        /// P = softmax of the logits (zeros on fully masked rows), A = P∘Z, dV = Aᵀ g, dS = P ∘ (g Vᵀ∘Z - rowsum(g Vᵀ∘Z∘P)),
        /// dQ = scale · dS K, dK = scale · dSᵀ Q, with the grouped heads' gradients summed onto their key/value head.
        /// </summary>
        private static Tensor?[] Formula(Tensor grad, Saved s)
        {
            var dt = s.Q.dtype;
            long b = s.Q.size(0), hq = s.Q.size(1), l = s.Q.size(2), e = s.Q.size(3);
            long hk = s.K.size(1), sz = s.K.size(2), ev = s.V.size(3), r = hq / hk;
            var q = s.Query.to(dt).reshape(b, hq, l, e);
            var k = s.Key.to(dt).reshape(b, hk, 1, sz, e).expand(b, hk, r, sz, e).reshape(b, hq, sz, e);
            var v = s.Value.to(dt).reshape(b, hk, 1, sz, ev).expand(b, hk, r, sz, ev).reshape(b, hq, sz, ev);
            var g = grad.to(dt).reshape(b, hq, l, ev);
            double scale = s.Options.Scale;
            var logits = matmul(q, k.transpose(-2, -1)) * scale;
            if (s.Mask is not null) logits = logits + s.Mask;
            if (s.Options.IsCausal) logits = logits + Attention.Additive(ones([l, sz], dtype: @bool).tril(), dt);
            var p = Attention.SafeSoftmax(logits);
            Tensor? z = null;
            if (s.Options.DropoutP > 0)
            {
                z = Fused.Out([b, hq, l, sz], dt, s.Query);
                z.Backend.AttentionDropoutMask(s.Options, z);
            }
            var a = z is null ? p : p * z;
            var dv = matmul(a.transpose(-2, -1), g);
            var dp = matmul(g, v.transpose(-2, -1));
            if (z is not null) dp = dp * z;
            var ds = p * (dp - (dp * p).sum(-1, keepdim: true));
            var dq = matmul(ds, k) * scale;
            var dk = matmul(ds.transpose(-2, -1), q) * scale;
            dk = dk.reshape(b, hk, r, sz, e).sum(2);
            dv = dv.reshape(b, hk, r, sz, ev).sum(2);
            return [dq.reshape(s.Query.shape.ToArray()).to(s.Query.dtype), dk.reshape(s.Key.shape.ToArray()).to(s.Key.dtype), dv.reshape(s.Value.shape.ToArray()).to(s.Value.dtype)];
        }
    }
}

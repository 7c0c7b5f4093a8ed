using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Modules;

/// <summary>
/// The activation of a Transformer layer's feed-forward block: "relu" or "gelu" (PyTorch's F.relu and F.gelu), any
/// function of a tensor, or a module (which then becomes the layer's <c>activation</c> submodule, as in PyTorch).
/// </summary>
public readonly struct TransformerActivation
{
    internal readonly object Fn;

    private TransformerActivation(object fn) { Fn = fn; }

    public static implicit operator TransformerActivation(string name) => new(name switch
    {
        "relu" => (Func<Tensor, Tensor>)(x => F.relu(x)),
        "gelu" => (Func<Tensor, Tensor>)(x => F.gelu(x)),
        _ => throw new ArgumentException($"activation should be relu/gelu, not {name}"),
    });

    public static implicit operator TransformerActivation(Func<Tensor, Tensor> fn) => new(fn);
    public static implicit operator TransformerActivation(nn.Module<Tensor, Tensor> module) => new(module);

    internal static Tensor Apply(object fn, Tensor x) => fn is Func<Tensor, Tensor> f ? f(x) : ((nn.Module<Tensor, Tensor>)fn).call(x);
}

/// <summary>
/// One encoder layer (PyTorch's <c>nn.TransformerEncoderLayer</c>): self-attention and a feed-forward block, each
/// with dropout, a residual connection and a LayerNorm (after the block, or before it when norm_first).
/// </summary>
public sealed class TransformerEncoderLayer : nn.Module
{
    public MultiheadAttention self_attn;
    public Linear linear1;
    public Dropout dropout;
    public Linear linear2;
    public LayerNorm norm1;
    public LayerNorm norm2;
    public Dropout dropout1;
    public Dropout dropout2;
    // a function, or a module (then a child named "activation", as PyTorch registers it)
    private readonly object activation;
    public bool norm_first { get; }

    public TransformerEncoderLayer(long d_model, long nhead, long dim_feedforward = 2048, double dropout = 0.1, TransformerActivation? activation = null,
        double layer_norm_eps = 1e-5, bool batch_first = false, bool norm_first = false, bool bias = true, Device? device = null, DType? dtype = null)
    {
        self_attn = new MultiheadAttention(d_model, nhead, dropout, bias, batch_first: batch_first, device: device, dtype: dtype);
        linear1 = new Linear(d_model, dim_feedforward, bias, device, dtype);
        this.dropout = new Dropout(dropout);
        linear2 = new Linear(dim_feedforward, d_model, bias, device, dtype);
        this.norm_first = norm_first;
        norm1 = new LayerNorm(d_model, layer_norm_eps, bias: bias, device: device, dtype: dtype);
        norm2 = new LayerNorm(d_model, layer_norm_eps, bias: bias, device: device, dtype: dtype);
        dropout1 = new Dropout(dropout);
        dropout2 = new Dropout(dropout);
        this.activation = (activation ?? "relu").Fn;
    }

    public Tensor forward(Tensor src, Tensor? src_mask = null, Tensor? src_key_padding_mask = null, bool is_causal = false)
    {
        src_key_padding_mask = MultiheadAttentionParts.CanonicalMask(src_key_padding_mask, "src_key_padding_mask", src.dtype);
        src_mask = MultiheadAttentionParts.CanonicalMask(src_mask, "src_mask", src.dtype);
        var x = src;
        if (norm_first)
        {
            x = x + SelfAttention(norm1.call(x), src_mask, src_key_padding_mask, is_causal);
            x = x + FeedForward(norm2.call(x));
        }
        else
        {
            x = norm1.call(x + SelfAttention(x, src_mask, src_key_padding_mask, is_causal));
            x = norm2.call(x + FeedForward(x));
        }
        return x;
    }

    public Tensor call(Tensor src, Tensor? src_mask = null, Tensor? src_key_padding_mask = null, bool is_causal = false)
    {
        var args = RunPreHooks([src, src_mask, src_key_padding_mask, is_causal]);
        var r = forward((Tensor)args[0]!, (Tensor?)args[1], (Tensor?)args[2], (bool)args[3]!);
        RunHooks(args, r);
        return r;
    }

    private Tensor SelfAttention(Tensor x, Tensor? mask, Tensor? keyPaddingMask, bool isCausal) =>
        dropout1.call(self_attn.call(x, x, x, attn_mask: mask, key_padding_mask: keyPaddingMask, need_weights: false, is_causal: isCausal).output);

    private Tensor FeedForward(Tensor x) => dropout2.call(linear2.call(dropout.call(TransformerActivation.Apply(activation, linear1.call(x)))));
}

/// <summary>
/// One decoder layer (PyTorch's <c>nn.TransformerDecoderLayer</c>): self-attention, attention over the encoder's
/// memory and a feed-forward block, each with dropout, a residual connection and a LayerNorm.
/// </summary>
public sealed class TransformerDecoderLayer : nn.Module
{
    public MultiheadAttention self_attn;
    public MultiheadAttention multihead_attn;
    public Linear linear1;
    public Dropout dropout;
    public Linear linear2;
    public LayerNorm norm1;
    public LayerNorm norm2;
    public LayerNorm norm3;
    public Dropout dropout1;
    public Dropout dropout2;
    public Dropout dropout3;
    private readonly object activation;
    public bool norm_first { get; }

    public TransformerDecoderLayer(long d_model, long nhead, long dim_feedforward = 2048, double dropout = 0.1, TransformerActivation? activation = null,
        double layer_norm_eps = 1e-5, bool batch_first = false, bool norm_first = false, bool bias = true, Device? device = null, DType? dtype = null)
    {
        self_attn = new MultiheadAttention(d_model, nhead, dropout, bias, batch_first: batch_first, device: device, dtype: dtype);
        multihead_attn = new MultiheadAttention(d_model, nhead, dropout, bias, batch_first: batch_first, device: device, dtype: dtype);
        linear1 = new Linear(d_model, dim_feedforward, bias, device, dtype);
        this.dropout = new Dropout(dropout);
        linear2 = new Linear(dim_feedforward, d_model, bias, device, dtype);
        this.norm_first = norm_first;
        norm1 = new LayerNorm(d_model, layer_norm_eps, bias: bias, device: device, dtype: dtype);
        norm2 = new LayerNorm(d_model, layer_norm_eps, bias: bias, device: device, dtype: dtype);
        norm3 = new LayerNorm(d_model, layer_norm_eps, bias: bias, device: device, dtype: dtype);
        dropout1 = new Dropout(dropout);
        dropout2 = new Dropout(dropout);
        dropout3 = new Dropout(dropout);
        this.activation = (activation ?? "relu").Fn;
    }

    public Tensor forward(Tensor tgt, Tensor memory, Tensor? tgt_mask = null, Tensor? memory_mask = null, Tensor? tgt_key_padding_mask = null,
        Tensor? memory_key_padding_mask = null, bool tgt_is_causal = false, bool memory_is_causal = false)
    {
        var x = tgt;
        if (norm_first)
        {
            x = x + SelfAttention(norm1.call(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal);
            x = x + MemoryAttention(norm2.call(x), memory, memory_mask, memory_key_padding_mask, memory_is_causal);
            x = x + FeedForward(norm3.call(x));
        }
        else
        {
            x = norm1.call(x + SelfAttention(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal));
            x = norm2.call(x + MemoryAttention(x, memory, memory_mask, memory_key_padding_mask, memory_is_causal));
            x = norm3.call(x + FeedForward(x));
        }
        return x;
    }

    public Tensor call(Tensor tgt, Tensor memory, Tensor? tgt_mask = null, Tensor? memory_mask = null, Tensor? tgt_key_padding_mask = null,
        Tensor? memory_key_padding_mask = null, bool tgt_is_causal = false, bool memory_is_causal = false)
    {
        var args = RunPreHooks([tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask, tgt_is_causal, memory_is_causal]);
        var r = forward((Tensor)args[0]!, (Tensor)args[1]!, (Tensor?)args[2], (Tensor?)args[3], (Tensor?)args[4], (Tensor?)args[5], (bool)args[6]!, (bool)args[7]!);
        RunHooks(args, r);
        return r;
    }

    private Tensor SelfAttention(Tensor x, Tensor? mask, Tensor? keyPaddingMask, bool isCausal) =>
        dropout1.call(self_attn.call(x, x, x, attn_mask: mask, key_padding_mask: keyPaddingMask, need_weights: false, is_causal: isCausal).output);

    private Tensor MemoryAttention(Tensor x, Tensor mem, Tensor? mask, Tensor? keyPaddingMask, bool isCausal) =>
        dropout2.call(multihead_attn.call(x, mem, mem, attn_mask: mask, key_padding_mask: keyPaddingMask, need_weights: false, is_causal: isCausal).output);

    private Tensor FeedForward(Tensor x) => dropout3.call(linear2.call(dropout.call(TransformerActivation.Apply(activation, linear1.call(x)))));
}

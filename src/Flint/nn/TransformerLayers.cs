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

    /// <summary>An activation by name: <c>"relu"</c> or <c>"gelu"</c>.</summary>
    public static implicit operator TransformerActivation(string name) => new(name switch
    {
        "relu" => (Func<Tensor, Tensor>)(x => F.relu(x)),
        "gelu" => (Func<Tensor, Tensor>)(x => F.gelu(x)),
        _ => throw new ArgumentException($"activation should be relu/gelu, not {name}"),
    });

    /// <summary>An activation given as a function.</summary>
    public static implicit operator TransformerActivation(Func<Tensor, Tensor> fn) => new(fn);
    /// <summary>An activation given as a module.</summary>
    public static implicit operator TransformerActivation(nn.Module<Tensor, Tensor> module) => new(module);

    internal static Tensor Apply(object fn, Tensor x) => fn is Func<Tensor, Tensor> f ? f(x) : ((nn.Module<Tensor, Tensor>)fn).call(x);
}

/// <summary>The sublayers both Transformer layers build, from the layer's settings (PyTorch's construction of each).</summary>
internal readonly record struct TransformerLayerParts(long DModel, long NHead, long DimFeedforward, double P, double Eps, bool BatchFirst, bool Bias,
    Device? Device, DType? DType)
{
    internal MultiheadAttention Attention() => new(DModel, NHead, P, Bias, batch_first: BatchFirst, device: Device, dtype: DType);

    /// <summary>linear1, the inner dropout and linear2 of the feed-forward block.</summary>
    internal (Linear, Dropout, Linear) FeedForward() =>
        (new Linear(DModel, DimFeedforward, Bias, Device, DType), new Dropout(P), new Linear(DimFeedforward, DModel, Bias, Device, DType));

    internal LayerNorm Norm() => new(DModel, Eps, bias: Bias, device: Device, dtype: DType);
    internal Dropout Dropout() => new(P);

    /// <summary>The feed-forward block before its last dropout: linear2(dropout(activation(linear1(x)))).</summary>
    internal static Tensor FeedForward(Linear linear1, Dropout dropout, Linear linear2, object activation, Tensor x) =>
        linear2.call(dropout.call(TransformerActivation.Apply(activation, linear1.call(x))));
}

/// <summary>
/// One encoder layer (PyTorch's <c>nn.TransformerEncoderLayer</c>): self-attention and a feed-forward block, each
/// with dropout, a residual connection and a LayerNorm (after the block, or before it when norm_first).
/// </summary>
public sealed class TransformerEncoderLayer : nn.Module
{
    /// <summary>The self-attention block.</summary>
    public MultiheadAttention self_attn;
    /// <summary>The first feed-forward projection, d_model to dim_feedforward.</summary>
    public Linear linear1;
    /// <summary>The dropout inside the feed-forward block.</summary>
    public Dropout dropout;
    /// <summary>The second feed-forward projection, dim_feedforward to d_model.</summary>
    public Linear linear2;
    /// <summary>The layer norms of the attention and feed-forward blocks.</summary>
    public LayerNorm norm1, norm2;
    /// <summary>The dropouts after the attention and feed-forward blocks.</summary>
    public Dropout dropout1, dropout2;
    // a function, or a module (then a child named "activation", as PyTorch registers it)
    private readonly object activation;
    /// <summary>Whether the layer norms come before each block (pre-norm) rather than after.</summary>
    public bool norm_first { get; }

    /// <summary>One transformer encoder layer (self-attention and a feed-forward block), as <c>torch.nn.TransformerEncoderLayer</c>.</summary>
    public TransformerEncoderLayer(long d_model, long nhead, long dim_feedforward = 2048, double dropout = 0.1, TransformerActivation? activation = null,
        double layer_norm_eps = 1e-5, bool batch_first = false, bool norm_first = false, bool bias = true, Device? device = null, DType? dtype = null)
    {
        var parts = new TransformerLayerParts(d_model, nhead, dim_feedforward, dropout, layer_norm_eps, batch_first, bias, device, dtype);
        self_attn = parts.Attention();
        (linear1, this.dropout, linear2) = parts.FeedForward();
        (norm1, norm2, dropout1, dropout2) = (parts.Norm(), parts.Norm(), parts.Dropout(), parts.Dropout());
        this.norm_first = norm_first;
        this.activation = (activation ?? "relu").Fn;
    }

    /// <summary>Runs the layer on <paramref name="src"/> with an optional attention mask and key padding mask.</summary>
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

    /// <summary>Runs the layer with the module's hooks; the arguments are <c>forward</c>'s.</summary>
    public Tensor call(Tensor src, Tensor? src_mask = null, Tensor? src_key_padding_mask = null, bool is_causal = false)
    {
        var args = RunPreHooks([src, src_mask, src_key_padding_mask, is_causal]);
        var r = forward((Tensor)args[0]!, (Tensor?)args[1], (Tensor?)args[2], (bool)args[3]!);
        RunHooks(args, r);
        return r;
    }

    private Tensor SelfAttention(Tensor x, Tensor? mask, Tensor? keyPaddingMask, bool isCausal) =>
        dropout1.call(self_attn.call(x, x, x, attn_mask: mask, key_padding_mask: keyPaddingMask, need_weights: false, is_causal: isCausal).output);

    private Tensor FeedForward(Tensor x) => dropout2.call(TransformerLayerParts.FeedForward(linear1, dropout, linear2, activation, x));
}

/// <summary>
/// One decoder layer (PyTorch's <c>nn.TransformerDecoderLayer</c>): self-attention, attention over the encoder's
/// memory and a feed-forward block, each with dropout, a residual connection and a LayerNorm.
/// </summary>
public sealed class TransformerDecoderLayer : nn.Module
{
    /// <summary>The self-attention block.</summary>
    public MultiheadAttention self_attn;
    /// <summary>The attention over the encoder output.</summary>
    public MultiheadAttention multihead_attn;
    /// <summary>The first feed-forward projection, d_model to dim_feedforward.</summary>
    public Linear linear1;
    /// <summary>The dropout inside the feed-forward block.</summary>
    public Dropout dropout;
    /// <summary>The second feed-forward projection, dim_feedforward to d_model.</summary>
    public Linear linear2;
    /// <summary>The layer norms of the three blocks.</summary>
    public LayerNorm norm1, norm2, norm3;
    /// <summary>The dropouts after the three blocks.</summary>
    public Dropout dropout1, dropout2, dropout3;
    private readonly object activation;
    /// <summary>Whether the layer norms come before each block (pre-norm) rather than after.</summary>
    public bool norm_first { get; }

    /// <summary>One transformer decoder layer (self-attention, attention over the encoder output and a feed-forward block), as <c>torch.nn.TransformerDecoderLayer</c>.</summary>
    public TransformerDecoderLayer(long d_model, long nhead, long dim_feedforward = 2048, double dropout = 0.1, TransformerActivation? activation = null,
        double layer_norm_eps = 1e-5, bool batch_first = false, bool norm_first = false, bool bias = true, Device? device = null, DType? dtype = null)
    {
        var parts = new TransformerLayerParts(d_model, nhead, dim_feedforward, dropout, layer_norm_eps, batch_first, bias, device, dtype);
        (self_attn, multihead_attn) = (parts.Attention(), parts.Attention());
        (linear1, this.dropout, linear2) = parts.FeedForward();
        (norm1, norm2, norm3) = (parts.Norm(), parts.Norm(), parts.Norm());
        (dropout1, dropout2, dropout3) = (parts.Dropout(), parts.Dropout(), parts.Dropout());
        this.norm_first = norm_first;
        this.activation = (activation ?? "relu").Fn;
    }

    /// <summary>Runs the layer on <paramref name="tgt"/> attending to <paramref name="memory"/>, with optional masks.</summary>
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

    /// <summary>Runs the layer with the module's hooks; the arguments are <c>forward</c>'s.</summary>
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

    private Tensor FeedForward(Tensor x) => dropout3.call(TransformerLayerParts.FeedForward(linear1, dropout, linear2, activation, x));
}

using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Modules;

/// <summary>The out-projection of <see cref="MultiheadAttention"/>: a Linear under the class name PyTorch gives it.</summary>
public sealed class NonDynamicallyQuantizableLinear(long in_features, long out_features, bool hasBias = true, Device? device = null, DType? dtype = null)
    : Linear(in_features, out_features, hasBias, device, dtype);

/// <summary>
/// Multi-head attention (PyTorch's <c>nn.MultiheadAttention</c>): query, key and value projected into num_heads heads,
/// scaled dot-product attention per head, the heads concatenated and projected out. One packed (3E, E)
/// <c>in_proj_weight</c> when key and value have embed_dim features, separate <c>q_proj_weight</c>,
/// <c>k_proj_weight</c>, <c>v_proj_weight</c> otherwise; xavier-uniform weights and zero biases, as PyTorch.
/// </summary>
public sealed class MultiheadAttention : nn.Module
{
    /// <summary>The packed query, key and value projections, (3 * embed_dim, embed_dim), when kdim and vdim equal embed_dim; else null.</summary>
    public Parameter? in_proj_weight;
    /// <summary>The query projection when kdim or vdim differ from embed_dim; else null.</summary>
    public Parameter? q_proj_weight;
    /// <summary>The key projection, (embed_dim, kdim), when kdim or vdim differ; else null.</summary>
    public Parameter? k_proj_weight;
    /// <summary>The value projection, (embed_dim, vdim), when kdim or vdim differ; else null.</summary>
    public Parameter? v_proj_weight;
    /// <summary>The packed bias of the input projections, or null without bias.</summary>
    public Parameter? in_proj_bias;
    /// <summary>The learned bias appended to the keys (add_bias_kv), or null.</summary>
    public Parameter? bias_k;
    /// <summary>The learned bias appended to the values (add_bias_kv), or null.</summary>
    public Parameter? bias_v;
    /// <summary>The output projection.</summary>
    public NonDynamicallyQuantizableLinear out_proj;

    /// <summary>The model's size: the size of queries and outputs.</summary>
    public long embed_dim { get; }
    /// <summary>The size of the keys.</summary>
    public long kdim { get; }
    /// <summary>The size of the values.</summary>
    public long vdim { get; }
    /// <summary>The number of heads.</summary>
    public long num_heads { get; }
    /// <summary>The size of each head, embed_dim / num_heads.</summary>
    public long head_dim { get; }
    /// <summary>The dropout probability on the attention weights.</summary>
    public double dropout { get; }
    /// <summary>Whether inputs and outputs are (batch, seq, feature) rather than (seq, batch, feature).</summary>
    public bool batch_first { get; }
    /// <summary>Whether a zero key and value are appended to the sequences.</summary>
    public bool add_zero_attn { get; }
    /// <summary>True when key and value have embed_dim features (one packed in-projection).</summary>
    public bool _qkv_same_embed_dim { get; }

    /// <summary>Multi-head attention, as <c>torch.nn.MultiheadAttention</c>, with PyTorch's parameters, initialisation and fast paths.</summary>
    public MultiheadAttention(long embed_dim, long num_heads, double dropout = 0.0, bool bias = true, bool add_bias_kv = false,
        bool add_zero_attn = false, long? kdim = null, long? vdim = null, bool batch_first = false, Device? device = null, DType? dtype = null)
    {
        if (embed_dim <= 0 || num_heads <= 0)
            throw new ArgumentException($"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} and num_heads={num_heads} instead");
        this.embed_dim = embed_dim; this.num_heads = num_heads; this.dropout = dropout;
        this.kdim = kdim ?? embed_dim; this.vdim = vdim ?? embed_dim;
        this.batch_first = batch_first; this.add_zero_attn = add_zero_attn;
        _qkv_same_embed_dim = this.kdim == embed_dim && this.vdim == embed_dim;
        head_dim = embed_dim / num_heads;
        if (head_dim * num_heads != embed_dim) throw new ArgumentException("embed_dim must be divisible by num_heads");
        if (_qkv_same_embed_dim) in_proj_weight = new Parameter(empty([3 * embed_dim, embed_dim], dtype, device));
        else
        {
            q_proj_weight = new Parameter(empty([embed_dim, embed_dim], dtype, device));
            k_proj_weight = new Parameter(empty([embed_dim, this.kdim], dtype, device));
            v_proj_weight = new Parameter(empty([embed_dim, this.vdim], dtype, device));
        }
        if (bias) in_proj_bias = new Parameter(empty([3 * embed_dim], dtype, device));
        out_proj = new NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias, device, dtype);
        if (add_bias_kv)
        {
            bias_k = new Parameter(empty([1, 1, embed_dim], dtype, device));
            bias_v = new Parameter(empty([1, 1, embed_dim], dtype, device));
        }
        _reset_parameters();
    }

    /// <summary>PyTorch's initialization: xavier-uniform projections, zero biases, xavier-normal bias_k/bias_v.</summary>
    public void _reset_parameters()
    {
        if (_qkv_same_embed_dim) nn.init.xavier_uniform_(in_proj_weight!);
        else
        {
            nn.init.xavier_uniform_(q_proj_weight!);
            nn.init.xavier_uniform_(k_proj_weight!);
            nn.init.xavier_uniform_(v_proj_weight!);
        }
        if (in_proj_bias is not null)
        {
            nn.init.constant_(in_proj_bias, 0.0);
            nn.init.constant_(out_proj.bias!, 0.0);
        }
        if (bias_k is not null) nn.init.xavier_normal_(bias_k);
        if (bias_v is not null) nn.init.xavier_normal_(bias_v);
    }

    /// <summary>
    /// Attention of query (L, N, E) over key (S, N, kdim) and value (S, N, vdim), or (N, L, E) ... when batch_first, or
    /// unbatched (L, E). Returns the output and, when need_weights, the attention weights (N, L, S), or (N, H, L, S)
    /// when average_attn_weights is false.
    /// </summary>
    public (Tensor output, Tensor? weights) forward(Tensor query, Tensor key, Tensor value, Tensor? key_padding_mask = null, bool need_weights = true,
        Tensor? attn_mask = null, bool average_attn_weights = true, bool is_causal = false)
    {
        bool batched = query.dim() == 3;
        key_padding_mask = MultiheadAttentionParts.CanonicalMask(key_padding_mask, "key_padding_mask", query.dtype);
        attn_mask = MultiheadAttentionParts.CanonicalMask(attn_mask, "attn_mask", query.dtype);
        if (batch_first && batched)
        {
            // transposed together, so that q is k is v still tells self-attention
            bool qk = ReferenceEquals(query, key), kv = ReferenceEquals(key, value);
            query = query.transpose(1, 0);
            key = qk ? query : key.transpose(1, 0);
            value = kv ? key : value.transpose(1, 0);
        }
        var (output, weights) = F.multi_head_attention_forward(query, key, value, embed_dim, num_heads, in_proj_weight, in_proj_bias,
            bias_k, bias_v, add_zero_attn, dropout, out_proj.weight, out_proj.bias, training, key_padding_mask, need_weights, attn_mask,
            use_separate_proj_weight: !_qkv_same_embed_dim, q_proj_weight, k_proj_weight, v_proj_weight,
            average_attn_weights: average_attn_weights, is_causal: is_causal);
        return (batch_first && batched ? output.transpose(1, 0) : output, weights);
    }

    /// <summary>Runs forward with the module's hooks (PyTorch's <c>module(query, key, value, ...)</c>).</summary>
    public (Tensor output, Tensor? weights) call(Tensor query, Tensor key, Tensor value, Tensor? key_padding_mask = null, bool need_weights = true,
        Tensor? attn_mask = null, bool average_attn_weights = true, bool is_causal = false)
    {
        var args = RunPreHooks([query, key, value, key_padding_mask, need_weights, attn_mask, average_attn_weights, is_causal]);
        var r = forward((Tensor)args[0]!, (Tensor)args[1]!, (Tensor)args[2]!, (Tensor?)args[3], (bool)args[4]!, (Tensor?)args[5], (bool)args[6]!, (bool)args[7]!);
        RunHooks(args, r);
        return r;
    }
}

using Flint;
using Flint.Modules;
using Flint.Optimizers;
using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Gpt;

/// <summary>The model's sizes, as nanoGPT's GPTConfig names them.</summary>
public sealed record GPTConfig
{
    public long block_size { get; init; } = 64;
    public long vocab_size { get; init; } = 65;
    public int n_layer { get; init; } = 4;
    public long n_head { get; init; } = 4;
    public long n_embd { get; init; } = 128;
    public double dropout { get; init; }
    /// <summary>The output head shares the token embedding's weight (nanoGPT's weight tying).</summary>
    public bool tie_weights { get; init; } = true;
}

/// <summary>
/// Multi-head causal self-attention: one Linear makes queries, keys and values for all heads, attention runs per
/// head with each position seeing itself and the positions before it, a second Linear mixes the heads' outputs.
/// </summary>
public sealed class CausalSelfAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear c_attn, c_proj;
    private readonly Dropout attn_dropout, resid_dropout;
    private readonly long n_head, n_embd;
    private readonly double dropout;

    public CausalSelfAttention(GPTConfig config)
    {
        if (config.n_embd % config.n_head != 0)
            throw new ArgumentException($"n_embd ({config.n_embd}) must be divisible by n_head ({config.n_head})");
        c_attn = nn.Linear(config.n_embd, 3 * config.n_embd);
        c_proj = nn.Linear(config.n_embd, config.n_embd);
        attn_dropout = nn.Dropout(config.dropout);   // nanoGPT's module; the attention weights' dropout is sdpa's dropout_p
        resid_dropout = nn.Dropout(config.dropout);
        n_head = config.n_head; n_embd = config.n_embd; dropout = config.dropout;
    }

    public override Tensor forward(Tensor x)
    {
        long B = x.size(0), T = x.size(1), C = x.size(2);
        var qkv = c_attn.call(x).split(n_embd, dim: 2);                       // [B, T, C] each
        Tensor Heads(Tensor z) => z.view(B, T, n_head, C / n_head).transpose(1, 2);   // [B, nh, T, hs]
        // each position attends to itself and those before it: softmax(q kᵀ / sqrt(hs) + causal mask) v
        var y = F.scaled_dot_product_attention(Heads(qkv[0]), Heads(qkv[1]), Heads(qkv[2]), dropout_p: training ? dropout : 0, is_causal: true);
        y = y.transpose(1, 2).contiguous().view(B, T, C);                    // the heads side by side again
        return resid_dropout.call(c_proj.call(y));
    }
}

/// <summary>The block's feed-forward part: widen 4x, GELU, project back.</summary>
public sealed class MLP : nn.Module<Tensor, Tensor>
{
    private readonly Linear c_fc;
    private readonly GELU gelu;
    private readonly Linear c_proj;
    private readonly Dropout dropout;

    public MLP(GPTConfig config)
    {
        c_fc = nn.Linear(config.n_embd, 4 * config.n_embd);
        gelu = nn.GELU();
        c_proj = nn.Linear(4 * config.n_embd, config.n_embd);
        dropout = nn.Dropout(config.dropout);
    }

    public override Tensor forward(Tensor x) => dropout.call(c_proj.call(gelu.call(c_fc.call(x))));
}

/// <summary>A pre-norm transformer block: x + attn(ln_1(x)), then x + mlp(ln_2(x)).</summary>
public sealed class Block : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm ln_1;
    private readonly CausalSelfAttention attn;
    private readonly LayerNorm ln_2;
    private readonly MLP mlp;

    public Block(GPTConfig config)
    {
        ln_1 = nn.LayerNorm(config.n_embd);
        attn = new CausalSelfAttention(config);
        ln_2 = nn.LayerNorm(config.n_embd);
        mlp = new MLP(config);
    }

    public override Tensor forward(Tensor x)
    {
        x = x + attn.call(ln_1.call(x));
        return x + mlp.call(ln_2.call(x));
    }
}

/// <summary>
/// A GPT in nanoGPT's shape: token and position embeddings, <c>n_layer</c> blocks, a final LayerNorm and a linear
/// head giving the next token's logits at every position. The parameter names are nanoGPT's
/// (<c>transformer.wte.weight</c>, <c>transformer.h.0.attn.c_attn.weight</c>, ..., <c>lm_head.weight</c>), so its
/// state_dict loads in PyTorch's twin (tools/gpt/gpt.py) and the other way round.
/// </summary>
public sealed class GPT : nn.Module<Tensor, Tensor>
{
    private readonly ModuleDict transformer;
    private readonly Linear lm_head;

    public GPTConfig config { get; }

    public GPT(GPTConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.vocab_size < 1 || config.block_size < 1 || config.n_layer < 1 || config.n_head < 1 || config.n_embd < 1)
            throw new ArgumentException($"every size of the model must be positive: {config}");
        this.config = config;
        transformer = nn.ModuleDict(
            ("wte", nn.Embedding(config.vocab_size, config.n_embd)),
            ("wpe", nn.Embedding(config.block_size, config.n_embd)),
            ("drop", nn.Dropout(config.dropout)),
            ("h", nn.ModuleList(Enumerable.Range(0, config.n_layer).Select(_ => (nn.Module)new Block(config)).ToArray())),
            ("ln_f", nn.LayerNorm(config.n_embd)));
        lm_head = nn.Linear(config.n_embd, config.vocab_size, bias: false);
        if (config.tie_weights) wte.weight = lm_head.weight;

        // nanoGPT's initialization: N(0, 0.02) weights, zero biases, and the residual projections scaled down by
        // sqrt(2 * n_layer) (GPT-2's paper), drawn from the global generator in PyTorch's order
        apply(InitWeights);
        foreach (var (name, p) in named_parameters())
            if (name.EndsWith("c_proj.weight", StringComparison.Ordinal)) nn.init.normal_(p, 0, 0.02 / Math.Sqrt(2 * config.n_layer));
    }

    private Embedding wte => (Embedding)transformer["wte"];
    private Embedding wpe => (Embedding)transformer["wpe"];
    private Dropout drop => (Dropout)transformer["drop"];
    private ModuleList h => (ModuleList)transformer["h"];
    private LayerNorm ln_f => (LayerNorm)transformer["ln_f"];

    private static void InitWeights(nn.Module module)
    {
        if (module is Linear linear)
        {
            nn.init.normal_(linear.weight, 0, 0.02);
            if (linear.bias is not null) nn.init.zeros_(linear.bias);
        }
        else if (module is Embedding embedding) nn.init.normal_(embedding.weight, 0, 0.02);
    }

    /// <summary>The number of parameters; without the position embeddings by default, as nanoGPT counts.</summary>
    public long get_num_params(bool non_embedding = true) =>
        parameters().Sum(p => p.numel()) - (non_embedding ? wpe.weight.numel() : 0);

    /// <summary>Logits [B, T, vocab_size] of the token that follows each position of <paramref name="idx"/> [B, T].</summary>
    public override Tensor forward(Tensor idx)
    {
        long t = idx.size(1);
        if (t > config.block_size) throw new ArgumentException($"Cannot forward sequence of length {t}, block size is only {config.block_size}");
        var pos = arange(0, t, dtype: int64, device: idx.device);
        var x = drop.call(wte.call(idx) + wpe.call(pos));
        foreach (var block in h) x = ((Block)block).call(x);
        return lm_head.call(ln_f.call(x));
    }

    /// <summary>The mean cross-entropy of <paramref name="logits"/> [B, T, V] against the next tokens <paramref name="targets"/> [B, T].</summary>
    public static Tensor loss(Tensor logits, Tensor targets) =>
        F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1));

    /// <summary>
    /// AdamW with weight decay on the 2-D parameters only (the matmul weights and embeddings), none on biases and
    /// LayerNorm parameters, as nanoGPT's configure_optimizers.
    /// </summary>
    public AdamW configure_optimizers(double weight_decay, double learning_rate, (double, double) betas, TextWriter? output = null)
    {
        var all = named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.parameter).ToList();
        var decay = all.Where(p => p.dim() >= 2).ToList();
        var nodecay = all.Where(p => p.dim() < 2).ToList();
        output?.WriteLine($"num decayed parameter tensors: {decay.Count}, with {decay.Sum(p => p.numel()):N0} parameters");
        output?.WriteLine($"num non-decayed parameter tensors: {nodecay.Count}, with {nodecay.Sum(p => p.numel()):N0} parameters");
        return optim.AdamW(
            [new ParamGroup(decay, new() { ["weight_decay"] = weight_decay }), new ParamGroup(nodecay, new() { ["weight_decay"] = 0.0 })],
            lr: learning_rate, betas: betas);
    }

    /// <summary>
    /// Continues each row of <paramref name="idx"/> [B, T] by <paramref name="max_new_tokens"/> tokens: the logits of the
    /// last position divided by <paramref name="temperature"/>, cut to the <paramref name="top_k"/> most likely, softmax,
    /// one draw with torch.multinomial; the context is cropped to the last block_size tokens.
    /// </summary>
    public Tensor generate(Tensor idx, long max_new_tokens, double temperature = 1.0, long? top_k = null, Generator? generator = null)
    {
        if (!(temperature > 0)) throw new ArgumentException($"temperature must be positive, got {temperature}");
        if (top_k is < 1) throw new ArgumentException($"top_k must be at least 1, got {top_k}");
        using var _ = no_grad();
        for (long i = 0; i < max_new_tokens; i++)
        {
            long t = idx.size(1);
            var idx_cond = t <= config.block_size ? idx : idx.narrow(1, t - config.block_size, config.block_size);
            var logits = call(idx_cond).select(1, -1) / temperature;                       // [B, V]
            if (top_k is long k)
            {
                var v = topk(logits, Math.Min(k, logits.size(-1))).values;                    // [B, k], descending
                logits = logits.masked_fill(logits < v.narrow(1, v.size(1) - 1, 1), double.NegativeInfinity);
            }
            var probs = F.softmax(logits, dim: -1);
            var idx_next = multinomial(probs, num_samples: 1, generator: generator);         // [B, 1]
            idx = cat([idx, idx_next], dim: 1);
        }
        return idx;
    }
}

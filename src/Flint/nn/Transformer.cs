using static Flint.torch;

namespace Flint.Modules;

/// <summary>A stack of encoder layers, deep copies of one (PyTorch's <c>nn.TransformerEncoder</c>), with an optional final norm.</summary>
public sealed class TransformerEncoder : nn.Module
{
    /// <summary>The stacked encoder layers (deep copies of the given one).</summary>
    public ModuleList layers;
    /// <summary>The normalization applied to the output, or null.</summary>
    public nn.Module<Tensor, Tensor>? norm;
    /// <summary>The number of layers.</summary>
    public long num_layers { get; }
    /// <summary>
    /// PyTorch's flag for its nested-tensor fast path (eval mode without gradients, batch_first, a left-aligned
    /// src_key_padding_mask and no mask). Flint has no nested tensors and always runs the padded computation, so the
    /// flag is kept (state, repr and constructor match PyTorch's) but changes nothing: the outputs at unpadded positions
    /// are the fast path's; where PyTorch's fast path returns zeros at padded positions (and trims the sequence to the
    /// longest unpadded one), Flint returns the padded computation's values there.
    /// </summary>
    public bool enable_nested_tensor { get; }
    /// <summary>Whether the mask is checked for the fast path (PyTorch's flag).</summary>
    public bool mask_check { get; }

    /// <summary>A stack of <paramref name="num_layers"/> copies of <paramref name="encoder_layer"/>, as <c>torch.nn.TransformerEncoder</c>.</summary>
    public TransformerEncoder(TransformerEncoderLayer encoder_layer, long num_layers, nn.Module<Tensor, Tensor>? norm = null,
        bool enable_nested_tensor = true, bool mask_check = true)
    {
        layers = TransformerStacks.Clones(encoder_layer, num_layers);
        this.num_layers = num_layers; this.norm = norm;
        this.enable_nested_tensor = enable_nested_tensor; this.mask_check = mask_check;
    }

    /// <summary>
    /// Runs src through the layers. is_causal null: true when mask is exactly the causal mask of the sequence
    /// length (PyTorch's _detect_is_causal_mask).
    /// </summary>
    public Tensor forward(Tensor src, Tensor? mask = null, Tensor? src_key_padding_mask = null, bool? is_causal = null)
    {
        src_key_padding_mask = MultiheadAttentionParts.CanonicalMask(src_key_padding_mask, "src_key_padding_mask", src.dtype);
        mask = MultiheadAttentionParts.CanonicalMask(mask, "mask", src.dtype);
        bool batchFirst = layers.Count > 0 && ((TransformerEncoderLayer)layers[0]).self_attn.batch_first;
        bool causal = TransformerStacks.DetectCausal(mask, is_causal, TransformerStacks.SeqLen(src, batchFirst));
        var output = src;
        foreach (var m in layers) output = ((TransformerEncoderLayer)m).call(output, mask, src_key_padding_mask, causal);
        return norm is null ? output : norm.call(output);
    }

    /// <summary>Runs the encoder on <paramref name="src"/> with an optional attention <paramref name="mask"/> and key padding mask; <paramref name="is_causal"/> hints that the mask is causal.</summary>
    public Tensor call(Tensor src, Tensor? mask = null, Tensor? src_key_padding_mask = null, bool? is_causal = null)
    {
        var args = RunPreHooks([src, mask, src_key_padding_mask, is_causal]);
        var r = forward((Tensor)args[0]!, (Tensor?)args[1], (Tensor?)args[2], (bool?)args[3]);
        RunHooks(args, r);
        return r;
    }
}

/// <summary>A stack of decoder layers, deep copies of one (PyTorch's <c>nn.TransformerDecoder</c>), with an optional final norm.</summary>
public sealed class TransformerDecoder : nn.Module
{
    /// <summary>The stacked decoder layers (deep copies of the given one).</summary>
    public ModuleList layers;
    /// <summary>The normalization applied to the output, or null.</summary>
    public nn.Module<Tensor, Tensor>? norm;
    /// <summary>The number of layers.</summary>
    public long num_layers { get; }

    /// <summary>A stack of <paramref name="num_layers"/> copies of <paramref name="decoder_layer"/>, as <c>torch.nn.TransformerDecoder</c>.</summary>
    public TransformerDecoder(TransformerDecoderLayer decoder_layer, long num_layers, nn.Module<Tensor, Tensor>? norm = null)
    {
        layers = TransformerStacks.Clones(decoder_layer, num_layers);
        this.num_layers = num_layers; this.norm = norm;
    }

    /// <summary>Runs the decoder on <paramref name="tgt"/> attending to the encoder output <paramref name="memory"/>, with optional attention and key padding masks.</summary>
    public Tensor forward(Tensor tgt, Tensor memory, Tensor? tgt_mask = null, Tensor? memory_mask = null, Tensor? tgt_key_padding_mask = null,
        Tensor? memory_key_padding_mask = null, bool? tgt_is_causal = null, bool memory_is_causal = false)
    {
        bool batchFirst = layers.Count > 0 && ((TransformerDecoderLayer)layers[0]).self_attn.batch_first;
        bool causal = TransformerStacks.DetectCausal(tgt_mask, tgt_is_causal, TransformerStacks.SeqLen(tgt, batchFirst));
        var output = tgt;
        foreach (var m in layers)
            output = ((TransformerDecoderLayer)m).call(output, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask, causal, memory_is_causal);
        return norm is null ? output : norm.call(output);
    }

    /// <summary>Runs the decoder with the module's hooks; the arguments are <c>forward</c>'s.</summary>
    public Tensor call(Tensor tgt, Tensor memory, Tensor? tgt_mask = null, Tensor? memory_mask = null, Tensor? tgt_key_padding_mask = null,
        Tensor? memory_key_padding_mask = null, bool? tgt_is_causal = null, bool memory_is_causal = false)
    {
        var args = RunPreHooks([tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask, tgt_is_causal, memory_is_causal]);
        var r = forward((Tensor)args[0]!, (Tensor)args[1]!, (Tensor?)args[2], (Tensor?)args[3], (Tensor?)args[4], (Tensor?)args[5], (bool?)args[6], (bool)args[7]!);
        RunHooks(args, r);
        return r;
    }
}

/// <summary>
/// The encoder-decoder model of "Attention Is All You Need" (PyTorch's <c>nn.Transformer</c>): an encoder stack and
/// a decoder stack with final LayerNorms, every parameter of two or more dimensions re-initialized xavier-uniform.
/// </summary>
public sealed class Transformer : nn.Module
{
    /// <summary>The encoder stack.</summary>
    public nn.Module encoder;
    /// <summary>The decoder stack.</summary>
    public nn.Module decoder;
    /// <summary>The model's size: the number of expected features in the inputs.</summary>
    public long d_model { get; }
    /// <summary>The number of attention heads.</summary>
    public long nhead { get; }
    /// <summary>Whether inputs and outputs are (batch, seq, feature).</summary>
    public bool batch_first { get; }

    /// <summary>The encoder-decoder transformer of "Attention Is All You Need", as <c>torch.nn.Transformer</c>, with PyTorch's parameter names and initialisation.</summary>
    public Transformer(long d_model = 512, long nhead = 8, long num_encoder_layers = 6, long num_decoder_layers = 6, long dim_feedforward = 2048,
        double dropout = 0.1, TransformerActivation? activation = null, TransformerEncoder? custom_encoder = null, TransformerDecoder? custom_decoder = null,
        double layer_norm_eps = 1e-5, bool batch_first = false, bool norm_first = false, bool bias = true, Device? device = null, DType? dtype = null)
    {
        encoder = custom_encoder ?? new TransformerEncoder(
            new TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first, bias, device, dtype),
            num_encoder_layers, new LayerNorm(d_model, layer_norm_eps, bias: bias, device: device, dtype: dtype));
        decoder = custom_decoder ?? new TransformerDecoder(
            new TransformerDecoderLayer(d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first, bias, device, dtype),
            num_decoder_layers, new LayerNorm(d_model, layer_norm_eps, bias: bias, device: device, dtype: dtype));
        foreach (var p in parameters())
            if (p.dim() > 1) nn.init.xavier_uniform_(p);
        this.d_model = d_model; this.nhead = nhead; this.batch_first = batch_first;
    }

    /// <summary>Runs the encoder on <paramref name="src"/> and the decoder on <paramref name="tgt"/>, with optional masks.</summary>
    public Tensor forward(Tensor src, Tensor tgt, Tensor? src_mask = null, Tensor? tgt_mask = null, Tensor? memory_mask = null,
        Tensor? src_key_padding_mask = null, Tensor? tgt_key_padding_mask = null, Tensor? memory_key_padding_mask = null,
        bool? src_is_causal = null, bool? tgt_is_causal = null, bool memory_is_causal = false)
    {
        bool batched = src.dim() == 3;
        if (batched && src.size(batch_first ? 0 : 1) != tgt.size(batch_first ? 0 : 1))
            throw new ArgumentException("the batch number of src and tgt must be equal");
        if (src.size(-1) != d_model || tgt.size(-1) != d_model)
            throw new ArgumentException("the feature number of src and tgt must be equal to d_model");
        var memory = ((TransformerEncoder)encoder).call(src, src_mask, src_key_padding_mask, src_is_causal);
        return ((TransformerDecoder)decoder).call(tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask, tgt_is_causal, memory_is_causal);
    }

    /// <summary>Runs the transformer with the module's hooks; the arguments are <c>forward</c>'s.</summary>
    public Tensor call(Tensor src, Tensor tgt, Tensor? src_mask = null, Tensor? tgt_mask = null, Tensor? memory_mask = null,
        Tensor? src_key_padding_mask = null, Tensor? tgt_key_padding_mask = null, Tensor? memory_key_padding_mask = null,
        bool? src_is_causal = null, bool? tgt_is_causal = null, bool memory_is_causal = false)
    {
        var args = RunPreHooks([src, tgt, src_mask, tgt_mask, memory_mask, src_key_padding_mask, tgt_key_padding_mask, memory_key_padding_mask,
            src_is_causal, tgt_is_causal, memory_is_causal]);
        var r = forward((Tensor)args[0]!, (Tensor)args[1]!, (Tensor?)args[2], (Tensor?)args[3], (Tensor?)args[4], (Tensor?)args[5], (Tensor?)args[6],
            (Tensor?)args[7], (bool?)args[8], (bool?)args[9], (bool)args[10]!);
        RunHooks(args, r);
        return r;
    }

    /// <summary>A float mask for a sequence of length sz: -inf above the diagonal (a position sees only itself and earlier ones), 0 elsewhere.</summary>
    public static Tensor generate_square_subsequent_mask(long sz, Device? device = null, DType? dtype = null) =>
        triu(full([sz, sz], double.NegativeInfinity, dtype, device), 1);
}

/// <summary>What the encoder and decoder stacks share: the layer clones, the sequence length and the causal-mask detection.</summary>
internal static class TransformerStacks
{
    /// <summary>n deep copies of <paramref name="layer"/> (PyTorch's _get_clones).</summary>
    internal static ModuleList Clones(nn.Module layer, long n)
    {
        var list = new ModuleList();
        for (long i = 0; i < n; i++) list.Add(layer.deepcopy());
        return list;
    }

    /// <summary>The sequence length of a (L, E), (L, N, E) or (N, L, E) input.</summary>
    internal static long SeqLen(Tensor src, bool batchFirst) => src.dim() == 2 ? src.size(0) : src.size(batchFirst ? 1 : 0);

    /// <summary>
    /// is_causal as given, or where it is null, whether <paramref name="mask"/> equals the causal mask of
    /// <paramref name="size"/> (PyTorch's _detect_is_causal_mask).
    /// </summary>
    internal static bool DetectCausal(Tensor? mask, bool? isCausal, long size)
    {
        if (isCausal is { } c) return c;
        if (mask is null) return false;
        var causal = Transformer.generate_square_subsequent_mask(size, mask.device, mask.dtype);
        return mask.shape == causal.shape && mask.eq(causal).all().item<bool>();
    }
}

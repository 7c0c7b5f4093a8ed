using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Modules;

/// <summary>Sums, means or maxima of bags of embeddings (weight from N(0, 1), the padding row zero), without building the rows.</summary>
public sealed class EmbeddingBag : nn.Module<Tensor, Tensor>
{
    /// <summary>The embedding table, (num_embeddings, embedding_dim), initialised from N(0, 1).</summary>
    public Parameter weight;
    /// <summary>The number of rows of the table.</summary>
    public long num_embeddings { get; }
    /// <summary>The size of each embedding.</summary>
    public long embedding_dim { get; }
    /// <summary>The norm each looked-up row is renormalized to when larger, or null.</summary>
    public double? max_norm { get; }
    /// <summary>The p of the norm for <c>max_norm</c>.</summary>
    public double norm_type { get; }
    /// <summary>Whether gradients are scaled by the inverse frequency of the words in the batch.</summary>
    public bool scale_grad_by_freq { get; }
    /// <summary>How each bag is reduced: <c>"sum"</c>, <c>"mean"</c> or <c>"max"</c>.</summary>
    public string mode { get; }
    /// <summary>Whether the weight's gradient is a sparse COO tensor (sum and mean modes), as PyTorch's flag.</summary>
    public bool sparse { get; }
    /// <summary>Whether <c>offsets</c> has one more entry, the end of the last bag.</summary>
    public bool include_last_offset { get; }
    /// <summary>The index whose embedding is excluded from the bags, or null.</summary>
    public long? padding_idx { get; }

    /// <summary>Sums, averages or takes the max of bags of embeddings without forming the embeddings, as <c>torch.nn.EmbeddingBag</c>.</summary>
    public EmbeddingBag(long num_embeddings, long embedding_dim, double? max_norm = null, double norm_type = 2, bool scale_grad_by_freq = false,
        string mode = "mean", bool sparse = false, Tensor? _weight = null, bool include_last_offset = false, long? padding_idx = null,
        Device? device = null, DType? dtype = null)
    {
        this.num_embeddings = num_embeddings; this.embedding_dim = embedding_dim; this.max_norm = max_norm; this.norm_type = norm_type;
        this.scale_grad_by_freq = scale_grad_by_freq; this.mode = mode; this.sparse = sparse; this.include_last_offset = include_last_offset;
        if (padding_idx is { } pi)
        {
            if (pi >= num_embeddings || pi < -num_embeddings) throw new ArgumentException("padding_idx must be within num_embeddings");
            if (pi < 0) padding_idx = pi + num_embeddings;
        }
        this.padding_idx = padding_idx;
        if (_weight is null)
        {
            weight = new Parameter(empty([num_embeddings, embedding_dim], dtype, device));
            reset_parameters();
        }
        else
        {
            if (_weight.dim() != 2 || _weight.size(0) != num_embeddings || _weight.size(1) != embedding_dim)
                throw new ArgumentException("Shape of weight does not match num_embeddings and embedding_dim");
            weight = new Parameter(_weight);
        }
    }

    /// <summary>Re-initialises the table from N(0, 1) (the <c>padding_idx</c> row zeroed).</summary>
    public void reset_parameters()
    {
        nn.init.normal_(weight);
        if (padding_idx is { } p) using (no_grad()) weight.select(0, p).fill_(0);
    }

    /// <summary>An EmbeddingBag whose weight is <paramref name="embeddings"/> (frozen unless <paramref name="freeze"/> is false).</summary>
    public static EmbeddingBag from_pretrained(Tensor embeddings, bool freeze = true, double? max_norm = null, double norm_type = 2,
        bool scale_grad_by_freq = false, string mode = "mean", bool sparse = false, bool include_last_offset = false, long? padding_idx = null)
    {
        if (embeddings.dim() != 2) throw new ArgumentException("Embeddings parameter is expected to be 2-dimensional");
        var bag = new EmbeddingBag(embeddings.size(0), embeddings.size(1), max_norm, norm_type, scale_grad_by_freq, mode, sparse, embeddings,
            include_last_offset, padding_idx);
        bag.weight.requires_grad_(!freeze);
        return bag;
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => forward(input, null, null);

    /// <summary>The reduced bags: <paramref name="input"/> holds the indices, 2-dim (one bag per row) or 1-dim split at <paramref name="offsets"/>; <paramref name="per_sample_weights"/> weighs each index (with <c>"sum"</c>).</summary>
    public Tensor forward(Tensor input, Tensor? offsets, Tensor? per_sample_weights = null) =>
        F.embedding_bag(input, weight, offsets, max_norm, norm_type, scale_grad_by_freq, mode, sparse, per_sample_weights, include_last_offset, padding_idx);

    /// <inheritdoc/>
    public override string extra_repr()
    {
        var s = $"{num_embeddings}, {embedding_dim}";
        if (max_norm is { } mn) s += $", max_norm={Printing.PyFormat.Repr(mn)}";
        if (norm_type != 2) s += $", norm_type={Printing.PyFormat.Repr(norm_type)}";
        if (scale_grad_by_freq) s += ", scale_grad_by_freq=True";
        s += $", mode={mode}";
        if (padding_idx is { } p) s += $", padding_idx={p}";
        return s;
    }
}

namespace Flint.Backends.Meta;

// The fused attention kernels on meta: the op layer has made every output (and logsumexp) with its shape and dtype.
internal sealed partial class MetaBackend
{
    public void ScaledDotProductAttention(TensorLayout query, TensorLayout key, TensorLayout value, TensorLayout? mask, AttentionOptions options, TensorLayout output, TensorLayout logsumexp) { }
    public void ScaledDotProductAttentionBackward(TensorLayout grad, TensorLayout query, TensorLayout key, TensorLayout value, TensorLayout? mask, TensorLayout output, TensorLayout logsumexp, AttentionOptions options, TensorLayout gradQuery, TensorLayout gradKey, TensorLayout gradValue) { }
    public void AttentionDropoutMask(AttentionOptions options, TensorLayout result) { }
}

using Flint.Modules;

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>Multi-head attention, as <c>torch.nn.MultiheadAttention</c>.</summary>
        public static MultiheadAttention MultiheadAttention(long embed_dim, long num_heads, double dropout = 0.0, bool bias = true, bool add_bias_kv = false,
            bool add_zero_attn = false, long? kdim = null, long? vdim = null, bool batch_first = false, Device? device = null, DType? dtype = null)
            => new(embed_dim, num_heads, dropout, bias, add_bias_kv, add_zero_attn, kdim, vdim, batch_first, device, dtype);

        /// <summary>A transformer encoder layer, as <c>torch.nn.TransformerEncoderLayer</c>.</summary>
        public static TransformerEncoderLayer TransformerEncoderLayer(long d_model, long nhead, long dim_feedforward = 2048, double dropout = 0.1,
            TransformerActivation? activation = null, double layer_norm_eps = 1e-5, bool batch_first = false, bool norm_first = false, bool bias = true,
            Device? device = null, DType? dtype = null)
            => new(d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first, bias, device, dtype);

        /// <summary>A transformer decoder layer, as <c>torch.nn.TransformerDecoderLayer</c>.</summary>
        public static TransformerDecoderLayer TransformerDecoderLayer(long d_model, long nhead, long dim_feedforward = 2048, double dropout = 0.1,
            TransformerActivation? activation = null, double layer_norm_eps = 1e-5, bool batch_first = false, bool norm_first = false, bool bias = true,
            Device? device = null, DType? dtype = null)
            => new(d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first, bias, device, dtype);

        /// <summary>A stack of encoder layers, as <c>torch.nn.TransformerEncoder</c>.</summary>
        public static TransformerEncoder TransformerEncoder(TransformerEncoderLayer encoder_layer, long num_layers, Module<Tensor, Tensor>? norm = null,
            bool enable_nested_tensor = true, bool mask_check = true)
            => new(encoder_layer, num_layers, norm, enable_nested_tensor, mask_check);

        /// <summary>A stack of decoder layers, as <c>torch.nn.TransformerDecoder</c>.</summary>
        public static TransformerDecoder TransformerDecoder(TransformerDecoderLayer decoder_layer, long num_layers, Module<Tensor, Tensor>? norm = null)
            => new(decoder_layer, num_layers, norm);

        /// <summary>The encoder-decoder transformer, as <c>torch.nn.Transformer</c>.</summary>
        public static Transformer Transformer(long d_model = 512, long nhead = 8, long num_encoder_layers = 6, long num_decoder_layers = 6,
            long dim_feedforward = 2048, double dropout = 0.1, TransformerActivation? activation = null, TransformerEncoder? custom_encoder = null,
            TransformerDecoder? custom_decoder = null, double layer_norm_eps = 1e-5, bool batch_first = false, bool norm_first = false, bool bias = true,
            Device? device = null, DType? dtype = null)
            => new(d_model, nhead, num_encoder_layers, num_decoder_layers, dim_feedforward, dropout, activation, custom_encoder, custom_decoder,
                layer_norm_eps, batch_first, norm_first, bias, device, dtype);

        /// <summary>Root-mean-square normalization over the last dim, as <c>torch.nn.RMSNorm</c>.</summary>
        public static RMSNorm RMSNorm(long normalized_shape, double? eps = null, bool elementwise_affine = true, Device? device = null, DType? dtype = null)
            => new(normalized_shape, eps, elementwise_affine, device, dtype);

        /// <summary>Root-mean-square normalization over the trailing dims, as <c>torch.nn.RMSNorm</c>.</summary>
        public static RMSNorm RMSNorm(long[] normalized_shape, double? eps = null, bool elementwise_affine = true, Device? device = null, DType? dtype = null)
            => new(normalized_shape, eps, elementwise_affine, device, dtype);
    }
}

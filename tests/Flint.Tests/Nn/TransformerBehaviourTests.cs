using Flint.Modules;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Nn;

/// <summary>
/// Gradchecks of attention, the Transformer layers and rms_norm in float64, Module.deepcopy, the causal-mask
/// detection of the stacks, the sdpa route of need_weights=false, hooks, meta-device builds and RMSNorm's repr.
/// </summary>
public class TransformerBehaviourTests
{
    private static Tensor R(params long[] shape) => rand(shape, dtype: float64) - 0.5;

    [Theory]
    [InlineData(true, false, false)]
    [InlineData(true, true, true)]
    [InlineData(false, false, false)]
    [InlineData(false, true, false)]
    public void MultiHeadAttentionPassesGradcheck(bool needWeights, bool biasKv, bool zeroAttn)
    {
        manual_seed(3);
        long e = 4, h = 2;
        Tensor[] inputs = [R(3, 2, e), R(2, 2, e), R(2, 2, e), R(3 * e, e), R(3 * e), R(e, e), R(e), R(1, 1, e), R(1, 1, e)];
        var kpm = tensor(new[,] { { false, true }, { false, false } });
        var mask = R(3, 2);
        foreach (var t in inputs) t.requires_grad_();
        Assert.True(autograd.gradcheck(a =>
        {
            var (o, w) = F.multi_head_attention_forward(a[0], a[1], a[2], e, h, a[3], a[4], biasKv ? a[7] : null, biasKv ? a[8] : null, zeroAttn, 0.0,
                a[5], a[6], training: false, key_padding_mask: kpm, need_weights: needWeights, attn_mask: mask);
            return w is null ? [o] : [o, w];
        }, inputs));
    }

    [Fact]
    public void SeparateProjectionsPassGradcheck()
    {
        manual_seed(4);
        Tensor[] inputs = [R(3, 4), R(2, 3), R(2, 5), R(4, 4), R(4, 3), R(4, 5), R(12), R(4, 4)];
        foreach (var t in inputs) t.requires_grad_();
        Assert.True(autograd.gradcheck(a => F.multi_head_attention_forward(a[0], a[1], a[2], 4, 2, null, a[6], null, null, false, 0.0, a[7], null,
            training: false, use_separate_proj_weight: true, q_proj_weight: a[3], k_proj_weight: a[4], v_proj_weight: a[5]).output, inputs));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TransformerLayersPassGradcheck(bool normFirst)
    {
        manual_seed(5);
        var enc = nn.TransformerEncoderLayer(4, 2, 6, 0.0, "gelu", norm_first: normFirst, dtype: float64);
        var dec = nn.TransformerDecoderLayer(4, 2, 6, 0.0, norm_first: normFirst, dtype: float64);
        Tensor src = R(3, 2, 4).requires_grad_(), mem = R(2, 2, 4).requires_grad_();
        var causal = Transformer.generate_square_subsequent_mask(3, dtype: float64);
        Assert.True(autograd.gradcheck(a => enc.call(a[0], causal), [src]));
        Assert.True(autograd.gradcheck(a => dec.call(a[0], a[1], causal), [src, mem]));
    }

    [Fact]
    public void RmsNormPassesGradcheck()
    {
        manual_seed(6);
        Tensor x = R(3, 2, 4).requires_grad_(), w = R(2, 4).requires_grad_();
        Assert.True(autograd.gradcheck(a => F.rms_norm(a[0], [2, 4], a[1]), [x, w]));
        Assert.True(autograd.gradcheck(a => F.rms_norm(a[0], [4], eps: 1e-3), [x]));
    }

    [Fact]
    public void RmsNormDefaultsToTheMachineEpsilon()
    {
        // an all-zero row: x / sqrt(0 + eps) stays 0, and a tiny row shows eps (float32: 2^-23)
        var x = tensor(new float[] { 1e-4f, -1e-4f });
        var expected = x / MathF.Sqrt(1e-8f + MathF.Pow(2, -23));
        Reference.AssertClose(expected, F.rms_norm(x, [2]), "float32 eps", rtol: 1e-6, atol: 0);
        var xd = x.to(float64);
        Reference.AssertClose(xd / Math.Sqrt(1e-8 + Math.Pow(2, -52)), F.rms_norm(xd, [2]), "float64 eps", rtol: 1e-6, atol: 0);
    }

    [Fact]
    public void RmsNormModuleHasPyTorchsNamesAndRepr()
    {
        // PyTorch 2.4's RMSNorm.extra_repr: "{normalized_shape}, eps={eps}, elementwise_affine={elementwise_affine}"
        var m = nn.RMSNorm(4);
        Assert.Equal("RMSNorm((4,), eps=None, elementwise_affine=True)", m.ToString());
        Assert.Equal(["weight"], m.state_dict().Keys.ToArray());
        Assert.True(equal(ones(4), m.weight!));
        var m2 = nn.RMSNorm([3, 4], eps: 1e-6, elementwise_affine: false);
        Assert.Equal("RMSNorm((3, 4), eps=1e-06, elementwise_affine=False)", m2.ToString());
        Assert.Empty(m2.state_dict());
    }

    [Fact]
    public void DeepcopyCopiesDataAndKeepsTiesRequiresGradAndGradients()
    {
        manual_seed(7);
        var lin = nn.Linear(3, 2);
        var seq = nn.Sequential(lin, nn.ReLU(), lin, nn.BatchNorm1d(2));
        lin.weight.grad = ones(2, 3);
        lin.bias!.requires_grad = false;
        var copy = (Sequential)seq.deepcopy();
        var a = (Linear)copy[0];
        Assert.NotSame(lin, a);
        Assert.Same(a, copy[2]);                                  // a module reachable twice stays one module
        Assert.NotSame(lin.weight, a.weight);
        Assert.True(equal(lin.weight, a.weight));
        Assert.True(a.weight.requires_grad);
        Assert.False(a.bias!.requires_grad);
        Assert.True(equal(ones(2, 3), a.weight.grad!));
        Assert.NotSame(lin.weight.grad, a.weight.grad);
        using (no_grad()) a.weight.fill_(5);
        Assert.False(equal(lin.weight, a.weight));               // no shared data
        Assert.Equal(seq.state_dict().Keys, copy.state_dict().Keys);
        var bn = (BatchNorm1d)copy[3];
        Assert.NotSame(((BatchNorm1d)seq[3]).buffers().First(), bn.buffers().First());
        copy.append(nn.Tanh());
        Assert.Equal(4, seq.Count);                               // the container's list is the copy's own
        copy.eval();
        Assert.True(seq.training);
    }

    [Fact]
    public void DeepcopyOfListsAndDictsCopiesTheirModules()
    {
        var list = nn.ModuleList(nn.Linear(2, 2));
        var dict = nn.ModuleDict(("fc", nn.Linear(2, 2)));
        var lc = (ModuleList)list.deepcopy();
        var dc = (ModuleDict)dict.deepcopy();
        Assert.NotSame(list[0], lc[0]);
        Assert.NotSame(dict["fc"], dc["fc"]);
        lc.Add(nn.ReLU());
        Assert.Single(list);
    }

    [Fact]
    public void EncoderLayersAreIndependentCopies()
    {
        var layer = nn.TransformerEncoderLayer(8, 2, 16);
        var enc = nn.TransformerEncoder(layer, 2);
        var l0 = (TransformerEncoderLayer)enc.layers[0];
        var l1 = (TransformerEncoderLayer)enc.layers[1];
        Assert.NotSame(layer, l0);
        Assert.NotSame(l0.self_attn.in_proj_weight, l1.self_attn.in_proj_weight);
        Assert.True(equal(l0.self_attn.in_proj_weight!, l1.self_attn.in_proj_weight!));   // copies of one layer
        Assert.Equal(2 * layer.parameters().Count(), enc.parameters().Count());
    }

    [Theory]
    [InlineData(true, null, true)]
    [InlineData(false, null, false)]
    [InlineData(true, false, false)]
    [InlineData(false, true, true)]
    public void StacksDetectTheCausalMask(bool causalMask, bool? isCausal, bool expected)
    {
        var enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 1);
        var dec = nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16), 1);
        var seen = new List<bool>();
        enc.layers[0].register_forward_pre_hook((_, args) => { seen.Add((bool)args[3]!); return null; });
        dec.layers[0].register_forward_pre_hook((_, args) => { seen.Add((bool)args[6]!); return null; });
        var mask = causalMask ? Transformer.generate_square_subsequent_mask(4) : zeros(4, 4);
        enc.eval(); dec.eval();
        var x = rand(4, 2, 8);
        enc.call(x, mask, is_causal: isCausal);
        dec.call(x, x, mask, tgt_is_causal: isCausal);
        Assert.Equal([expected, expected], seen);
    }

    [Fact]
    public void WithoutWeightsAFullyMaskedRowGoesThroughScaledDotProductAttention()
    {
        // need_weights=false runs F.scaled_dot_product_attention, whose fully masked rows give zeros (PyTorch 2), so
        // the output is the out-projection's bias; the explicit softmax of need_weights=true gives NaN there
        manual_seed(8);
        var m = nn.MultiheadAttention(4, 2);
        using (no_grad()) m.out_proj.bias!.copy_(tensor(new float[] { 1, 2, 3, 4 }));
        var x = rand(3, 1, 4);
        var kpm = ones([1, 3], @bool);
        var (o, _) = m.call(x, x, x, key_padding_mask: kpm, need_weights: false);
        Assert.True(equal(tensor(new float[] { 1, 2, 3, 4 }).expand(3, 1, 4), o));
        var (ow, _) = m.call(x, x, x, key_padding_mask: kpm);
        Assert.True(ow.isnan().all().item<bool>());
    }

    [Fact]
    public void MultiheadAttentionRunsItsHooksAndAcceptsAFunctionActivation()
    {
        var m = nn.MultiheadAttention(4, 2);
        object? seen = null;
        m.register_forward_hook((_, _, output) => seen = output);
        var x = rand(3, 2, 4);
        var r = m.call(x, x, x);
        Assert.Equal(r, ((Tensor, Tensor?))seen!);
        int calls = 0;
        var layer = nn.TransformerEncoderLayer(4, 2, 6, activation: (Func<Tensor, Tensor>)(t => { calls++; return t.tanh(); }));
        layer.eval();
        layer.call(x);
        Assert.Equal(1, calls);
        Assert.DoesNotContain(layer.named_children(), c => c.name == "activation");
    }

    [Fact]
    public void TransformerBuildsAndRunsOnTheMetaDevice()
    {
        var meta = new Device("meta");
        var t = nn.Transformer(16, 4, 2, 2, 32, device: meta);
        Assert.All(t.parameters(), p => Assert.Equal(meta, p.device));
        t.to_empty(Device.CPU);
        Assert.Equal(new Size(4, 2, 16), t.call(rand(5, 2, 16), rand(4, 2, 16)).shape);
        var (o, w) = nn.MultiheadAttention(16, 4, device: meta).call(empty([5, 2, 16], device: meta), empty([3, 2, 16], device: meta), empty([3, 2, 16], device: meta));
        Assert.Equal(new Size(5, 2, 16), o.shape);
        Assert.Equal(new Size(2, 5, 3), w!.shape);
        // the layers' forward on meta too: the composite attention's masks and safe softmax make their constants there
        var onMeta = nn.Transformer(16, 4, 2, 2, 32, device: meta);
        var mask = Transformer.generate_square_subsequent_mask(4, device: meta);
        var y = onMeta.call(empty([5, 2, 16], device: meta), empty([4, 2, 16], device: meta), tgt_mask: mask, tgt_is_causal: true);
        Assert.Equal(meta, y.device);
        Assert.Equal(new Size(4, 2, 16), y.shape);
        var bools = empty([2, 4, 5, 8], device: meta);
        Assert.Equal(new Size(2, 4, 5, 8), nn.functional.scaled_dot_product_attention(bools, bools, bools,
            attn_mask: ones([5, 5], dtype: @bool, device: meta)).shape);
    }

    [Fact]
    public void SquareSubsequentMaskTakesDtypeAndDevice()
    {
        var m = Transformer.generate_square_subsequent_mask(3, dtype: float64);
        Assert.Equal(float64, m.dtype);
        Assert.Equal(double.NegativeInfinity, m[0, 2].item<double>());
        Assert.Equal(0.0, m[2, 0].item<double>());
    }
}

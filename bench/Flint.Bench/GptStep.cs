// gpt_step: a small GPT (nanoGPT's shape) training step, as the peer benchmark defines it: token + position
// embeddings, 4 pre-norm blocks of causal self-attention (scaled_dot_product_attention, fused qkv Linear) and a GELU
// MLP, final LayerNorm, a bias-free head; vocab 65, block 64, n_embd 128, 4 heads, batch 16, default init,
// AdamW lr 3e-4, cross_entropy on view(-1, 65).
using Flint;
using Flint.Modules;
using F = Flint.torch.nn.functional;

namespace Flint.Bench;

public static partial class Workloads
{
    static void GptStep(Func<Action, int, int, double> time, Action<string, double, string> report)
    {
        torch.manual_seed(0);
        var model = new GptModel(65, 64, 128, 4, 4);
        var opt = torch.optim.AdamW(model.parameters(), 3e-4);
        var X = torch.randint(0, 65, [16, 64]); var Y = torch.randint(0, 65, [16, 64]);
        void Step()
        {
            var logits = model.forward(X);
            var loss = F.cross_entropy(logits.view(-1, 65), Y.view(-1));
            opt.zero_grad(); loss.backward(); opt.step();
        }
        var s = time(Step, 10, 7);
        report("gpt_step", s, $"{16 * 64 / s:F0} tokens/s");
        MemoryReport("gpt_step", Step, 10);
    }

    private sealed class GptBlock : torch.nn.Module<Tensor, Tensor>
    {
        private readonly LayerNorm ln1, ln2;
        private readonly Linear qkv, proj, fc, fcProj;
        private readonly long nHead;

        public GptBlock(long nEmbd, long nHead)
        {
            this.nHead = nHead;
            ln1 = torch.nn.LayerNorm(nEmbd); ln2 = torch.nn.LayerNorm(nEmbd);
            qkv = torch.nn.Linear(nEmbd, 3 * nEmbd); proj = torch.nn.Linear(nEmbd, nEmbd);
            fc = torch.nn.Linear(nEmbd, 4 * nEmbd); fcProj = torch.nn.Linear(4 * nEmbd, nEmbd);
        }

        public override Tensor forward(Tensor x)
        {
            long b = x.shape[0], t = x.shape[1], c = x.shape[2];
            var parts = qkv.forward(ln1.forward(x)).split(c, 2);
            Tensor Heads(Tensor z) => z.view(b, t, nHead, c / nHead).transpose(1, 2);
            var y = F.scaled_dot_product_attention(Heads(parts[0]), Heads(parts[1]), Heads(parts[2]), is_causal: true);
            x = x + proj.forward(y.transpose(1, 2).contiguous().view(b, t, c));
            return x + fcProj.forward(F.gelu(fc.forward(ln2.forward(x))));
        }
    }

    private sealed class GptModel : torch.nn.Module<Tensor, Tensor>
    {
        private readonly Embedding wte, wpe;
        private readonly Sequential blocks;
        private readonly LayerNorm lnF;
        private readonly Linear head;

        public GptModel(long vocab, long block, long nEmbd, long nHead, int nLayer)
        {
            wte = torch.nn.Embedding(vocab, nEmbd); wpe = torch.nn.Embedding(block, nEmbd);
            blocks = torch.nn.Sequential(Enumerable.Range(0, nLayer).Select(_ => (torch.nn.Module<Tensor, Tensor>)new GptBlock(nEmbd, nHead)).ToArray());
            lnF = torch.nn.LayerNorm(nEmbd); head = torch.nn.Linear(nEmbd, vocab, bias: false);
        }

        public override Tensor forward(Tensor idx)
        {
            var pos = torch.arange(idx.shape[1]);
            return head.forward(lnF.forward(blocks.forward(wte.forward(idx) + wpe.forward(pos))));
        }
    }
}

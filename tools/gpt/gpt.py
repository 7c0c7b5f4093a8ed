"""samples/Gpt in PyTorch 1.13: the same character-level GPT (nanoGPT's model, parameter names and init), the same
data split, batches, optimizer, schedule and clipping, so that with the same seed both train the same way.

Attention is the explicit formula with a causal mask (1.13 has no F.scaled_dot_product_attention). Run with
/usr/bin/python3:

  python3 tools/gpt/gpt.py [--steps N] [--n-layer N] ...    train as the sample does and print the same lines
  python3 tools/gpt/gpt.py --load gpt.pth                   sample from a state_dict the sample (or this) saved

tools/refs/gen_gpt.py imports this file to record the references of tests/Flint.Tests/Samples/GptTests.cs.
"""
import argparse
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "samples", "Gpt", "data", "kjv-new-testament.txt")


class Config:
    def __init__(self, block_size=64, vocab_size=65, n_layer=4, n_head=4, n_embd=128, dropout=0.0, tie_weights=True):
        self.block_size, self.vocab_size, self.n_layer, self.n_head, self.n_embd = block_size, vocab_size, n_layer, n_head, n_embd
        self.dropout, self.tie_weights = dropout, tie_weights


def causal_attention(q, k, v, dropout_p):
    t = q.size(-2)
    att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
    att = att.masked_fill(torch.ones(t, t, dtype=torch.bool).triu(1), float("-inf"))
    att = F.dropout(F.softmax(att, dim=-1), dropout_p, training=dropout_p > 0)
    return att @ v


class CausalSelfAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        assert config.n_embd % config.n_head == 0
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd)
        self.c_proj = nn.Linear(config.n_embd, config.n_embd)
        self.attn_dropout = nn.Dropout(config.dropout)
        self.resid_dropout = nn.Dropout(config.dropout)
        self.n_head, self.n_embd, self.dropout = config.n_head, config.n_embd, config.dropout

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = (z.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for z in self.c_attn(x).split(self.n_embd, dim=2))
        y = causal_attention(q, k, v, self.dropout if self.training else 0.0)
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.resid_dropout(self.c_proj(y))


class MLP(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd)
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x):
        return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))


class Block(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd)
        self.mlp = MLP(config)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(config.vocab_size, config.n_embd),
            wpe=nn.Embedding(config.block_size, config.n_embd),
            drop=nn.Dropout(config.dropout),
            h=nn.ModuleList([Block(config) for _ in range(config.n_layer)]),
            ln_f=nn.LayerNorm(config.n_embd),
        ))
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        if config.tie_weights:
            self.transformer.wte.weight = self.lm_head.weight
        self.apply(self._init_weights)
        for pn, p in self.named_parameters():
            if pn.endswith("c_proj.weight"):
                torch.nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * config.n_layer))

    @staticmethod
    def _init_weights(module):
        if isinstance(module, nn.Linear):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                torch.nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def get_num_params(self, non_embedding=True):
        n = sum(p.numel() for p in self.parameters())
        return n - self.transformer.wpe.weight.numel() if non_embedding else n

    def forward(self, idx):
        t = idx.size(1)
        assert t <= self.config.block_size, f"Cannot forward sequence of length {t}, block size is only {self.config.block_size}"
        pos = torch.arange(0, t, dtype=torch.long)
        x = self.transformer.drop(self.transformer.wte(idx) + self.transformer.wpe(pos))
        for block in self.transformer.h:
            x = block(x)
        return self.lm_head(self.transformer.ln_f(x))

    def configure_optimizers(self, weight_decay, learning_rate, betas):
        params = [p for _, p in self.named_parameters() if p.requires_grad]
        groups = [{"params": [p for p in params if p.dim() >= 2], "weight_decay": weight_decay},
                  {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}]
        return torch.optim.AdamW(groups, lr=learning_rate, betas=betas)

    @torch.no_grad()
    def generate(self, idx, max_new_tokens, temperature=1.0, top_k=None, generator=None):
        for _ in range(max_new_tokens):
            idx_cond = idx if idx.size(1) <= self.config.block_size else idx[:, -self.config.block_size:]
            logits = self(idx_cond)[:, -1, :] / temperature
            if top_k is not None:
                v, _ = torch.topk(logits, min(top_k, logits.size(-1)))
                logits = logits.masked_fill(logits < v[:, [-1]], float("-inf"))
            probs = F.softmax(logits, dim=-1)
            idx = torch.cat((idx, torch.multinomial(probs, num_samples=1, generator=generator)), dim=1)
        return idx


def loss_of(logits, targets):
    return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


class Corpus:
    def __init__(self, text):
        self.text = text
        self.chars = sorted(set(text))
        self.stoi = {c: i for i, c in enumerate(self.chars)}
        data = torch.tensor(self.encode(text), dtype=torch.long)
        n = int(len(data) * 0.9)
        self.train_data, self.val_data = data[:n], data[n:]

    def encode(self, s):
        return [self.stoi[c] for c in s]

    def decode(self, tokens):
        return "".join(self.chars[i] for i in tokens)


def bundled():
    with open(DATA, encoding="utf-8") as f:
        return Corpus(f.read())


def get_batch(data, batch_size, block_size, generator):
    ix = torch.randint(len(data) - block_size, (batch_size,), generator=generator)
    offsets = ix.unsqueeze(1) + torch.arange(block_size)
    return data[offsets], data[offsets + 1]


def schedule(optimizer, warmup_iters, max_iters, min_lr):
    cosine = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=max_iters - warmup_iters, eta_min=min_lr)
    if warmup_iters == 0:
        return cosine
    warmup = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=1.0 / (warmup_iters + 1), end_factor=1.0, total_iters=warmup_iters)
    return torch.optim.lr_scheduler.SequentialLR(optimizer, [warmup, cosine], milestones=[warmup_iters])


@torch.no_grad()
def estimate_loss(model, data, batch_size, eval_iters, generator):
    was = model.training
    model.eval()
    total = 0.0
    for _ in range(eval_iters):
        x, y = get_batch(data, batch_size, model.config.block_size, generator)
        total += loss_of(model(x), y).item()
    model.train(was)
    return total / eval_iters


def train(model, corpus, max_iters, batch_size=16, learning_rate=1e-3, min_lr=1e-4, warmup_iters=100, weight_decay=0.1,
          betas=(0.9, 0.99), grad_clip=1.0, eval_interval=250, eval_iters=20, seed=1337, on_step=None, log=print):
    """The sample's loop (samples/Gpt/Training.cs); returns (per-step losses, per-step lrs, evaluations)."""
    optimizer = model.configure_optimizers(weight_decay, learning_rate, betas)
    scheduler = schedule(optimizer, warmup_iters, max_iters, min_lr)
    batches = torch.Generator().manual_seed(seed)
    losses, lrs, evals = [], [], []
    model.train()
    for it in range(max_iters + 1):
        if eval_iters > 0 and (it % max(eval_interval, 1) == 0 or it == max_iters):
            tr = estimate_loss(model, corpus.train_data, batch_size, eval_iters, torch.Generator().manual_seed(seed + 1))
            va = estimate_loss(model, corpus.val_data, batch_size, eval_iters, torch.Generator().manual_seed(seed + 1))
            evals.append((it, tr, va))
            log(f"step {it}: train loss {tr:.4f}, val loss {va:.4f}")
        if it == max_iters:
            break
        lrs.append(optimizer.param_groups[0]["lr"])
        x, y = get_batch(corpus.train_data, batch_size, model.config.block_size, batches)
        loss = loss_of(model(x), y)
        loss.backward()
        if grad_clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        scheduler.step()
        losses.append(loss.item())
        if on_step is not None:
            on_step(it, model)
    return losses, lrs, evals


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n-layer", type=int, default=4)
    p.add_argument("--n-head", type=int, default=4)
    p.add_argument("--n-embd", type=int, default=128)
    p.add_argument("--block-size", type=int, default=64)
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--untied", action="store_true")
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--min-lr", type=float, default=1e-4)
    p.add_argument("--warmup", type=int, default=None)
    p.add_argument("--weight-decay", type=float, default=0.1)
    p.add_argument("--grad-clip", type=float, default=1.0)
    p.add_argument("--eval-interval", type=int, default=250)
    p.add_argument("--eval-iters", type=int, default=20)
    p.add_argument("--seed", type=int, default=1337)
    p.add_argument("--checkpoint", default="gpt_pytorch.pth")
    p.add_argument("--load", default=None)
    p.add_argument("--sample", type=int, default=600)
    p.add_argument("--temperature", type=float, default=0.8)
    p.add_argument("--top-k", type=int, default=20)
    p.add_argument("--prompt", default="\n")
    a = p.parse_args()
    warmup = a.warmup if a.warmup is not None else (100 if a.steps > 100 else a.steps // 10)

    corpus = bundled()
    print(f"The King James Version's New Testament (bundled): {len(corpus.text):,} characters, vocabulary of {len(corpus.chars)}; "
          f"{len(corpus.train_data):,} to train on, {len(corpus.val_data):,} to validate")
    torch.manual_seed(a.seed)
    config = Config(a.block_size, len(corpus.chars), a.n_layer, a.n_head, a.n_embd, a.dropout, not a.untied)
    model = GPT(config)
    print(f"number of parameters: {model.get_num_params() / 1e6:.2f}M ({torch.get_num_threads()} threads)")
    if a.load:
        model.load_state_dict(torch.load(a.load))
        print(f"Loaded the state_dict from {a.load}")
    else:
        started = time.time()
        train(model, corpus, a.steps, a.batch_size, a.lr, a.min_lr, warmup, a.weight_decay, (0.9, 0.99), a.grad_clip,
              a.eval_interval, a.eval_iters, a.seed)
        print(f"Done! {a.steps} steps in {time.time() - started:.1f} s")
        torch.save(model.state_dict(), a.checkpoint)
        print(f"Saved the state_dict to {a.checkpoint}")
    if a.sample > 0:
        model.eval()
        g = torch.Generator().manual_seed(a.seed)
        out = model.generate(torch.tensor([corpus.encode(a.prompt)]), a.sample, a.temperature, a.top_k or None, g)
        print(f"---------------- {a.sample} characters sampled (temperature {a.temperature}, top-k {a.top_k or 'all'})")
        print(corpus.decode(out[0].tolist()))
        print("----------------")


if __name__ == "__main__":
    sys.exit(main())

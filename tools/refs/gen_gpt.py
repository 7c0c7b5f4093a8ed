"""Records samples/Gpt's references from its PyTorch twin (tools/gpt/gpt.py) on small models of the sample's shape.

Run with /usr/bin/python3 (PyTorch 1.13). Outputs (committed):
  - tests/Flint.Tests/References/gpt.json, one case per line:
      "init/<tie>": the parameters' names, shapes, sums and first values right after torch.manual_seed + GPT(config);
      "train/<tie>": per step the training loss and the lr, and the evaluations, of the sample's loop from that init
                     on the bundled text (its batches from a seeded torch.Generator);
      "logits/<tie>": after training, the logits of a fixed validation batch, and characters sampled with
                      temperature and top-k from a seeded generator;
  - tests/Flint.Tests/References/pt/gpt_<tie>.pt: torch.save(model.state_dict()) after training (nanoGPT's names);
  - tests/Flint.Tests/References/pt/gpt_<tie>_bytes.pt: the same tensors as a plain OrderedDict (no _metadata), the
    exact bytes Flint's torch.save must write for the state_dict it loaded from gpt_<tie>.pt.

  gen_gpt.py                 regenerate the files
  gen_gpt.py --verify FILE   load a state_dict Flint saved (named gpt_<tie>...pt, written by GptTests with FLINT_GPT_OUT=dir)
                             into the twin and compare its logits of the fixed batch with those Flint recorded beside it
                             (FILE.logits.json); exits non-zero on a difference.
"""
import collections
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "gpt"))
import common  # noqa: E402
from common import enc  # noqa: E402
import gpt  # noqa: E402

PT = os.path.join(common.REF_DIR, "pt")

# the tests' model and run: the sample's shape, small enough for a test of seconds
MODEL = dict(block_size=16, n_layer=2, n_head=2, n_embd=32, dropout=0.0)
RUN = dict(max_iters=50, batch_size=4, learning_rate=3e-3, min_lr=3e-4, warmup_iters=10, weight_decay=0.1,
           betas=(0.9, 0.99), grad_clip=1.0, eval_interval=25, eval_iters=2, seed=1337)
FIRST = 8            # first values recorded per parameter
SAMPLE = dict(prompt="\n", max_new_tokens=40, temperature=0.8, top_k=10, seed=7)
FIXED_BATCH_SEED = 11  # the generator of the fixed validation batch whose logits are compared


def config(corpus, tie):
    return gpt.Config(vocab_size=len(corpus.chars), tie_weights=tie, **MODEL)


def model(corpus, tie):
    torch.manual_seed(RUN["seed"])
    return gpt.GPT(config(corpus, tie))


def fixed_batch(corpus):
    return gpt.get_batch(corpus.val_data, 2, MODEL["block_size"], torch.Generator().manual_seed(FIXED_BATCH_SEED))[0]


def init_case(corpus, tie):
    m = model(corpus, tie)
    params = []
    for name, t in m.state_dict().items():
        flat = t.reshape(-1)
        params.append({"name": name, "shape": list(t.shape), "sum": float(t.double().sum()),
                       "first": enc(flat[:FIRST])})
    return {"name": f"init/{tie_name(tie)}", "params": params,
            "num_params": m.get_num_params(), "named_parameters": [n for n, _ in m.named_parameters()]}


def tie_name(tie):
    return "tied" if tie else "untied"


def record(corpus, tie):
    m = model(corpus, tie)
    losses, lrs, evals = gpt.train(m, corpus, RUN["max_iters"], RUN["batch_size"], RUN["learning_rate"], RUN["min_lr"],
                                   RUN["warmup_iters"], RUN["weight_decay"], RUN["betas"], RUN["grad_clip"],
                                   RUN["eval_interval"], RUN["eval_iters"], RUN["seed"], log=lambda s: None)
    train = {"name": f"train/{tie_name(tie)}", "losses": losses, "lrs": lrs,
             "evals": [{"step": s, "train": a, "val": b} for s, a, b in evals]}
    name = f"gpt_{tie_name(tie)}"
    sd = m.state_dict()
    torch.save(sd, os.path.join(PT, name + ".pt"))
    torch.save(collections.OrderedDict((k, v) for k, v in sd.items()), os.path.join(PT, name + "_bytes.pt"))
    m.eval()
    x = fixed_batch(corpus)
    with torch.no_grad():
        logits = m(x)
    g = torch.Generator().manual_seed(SAMPLE["seed"])
    out = m.generate(torch.tensor([corpus.encode(SAMPLE["prompt"])]), SAMPLE["max_new_tokens"], SAMPLE["temperature"],
                     SAMPLE["top_k"], g)
    logits_case = {"name": f"logits/{tie_name(tie)}", "file": name + ".pt", "bytes_file": name + "_bytes.pt",
                   "x": enc(x), "logits": enc(logits), "sample": corpus.decode(out[0].tolist()),
                   "keys": list(sd.keys())}
    return train, logits_case


def generate():
    corpus = gpt.bundled()
    os.makedirs(PT, exist_ok=True)
    cases = [{"name": "setup", "model": MODEL, "run": {**RUN, "betas": list(RUN["betas"])}, "sample": SAMPLE,
              "fixed_batch_seed": FIXED_BATCH_SEED, "vocab": "".join(corpus.chars),
              "train_tokens": len(corpus.train_data), "val_tokens": len(corpus.val_data)}]
    for tie in (True, False):
        cases.append(init_case(corpus, tie))
        cases.extend(record(corpus, tie))
    common.write("gpt", cases)


def verify(path):
    corpus = gpt.bundled()
    name = os.path.basename(path)
    tie = "untied" not in name
    m = gpt.GPT(config(corpus, tie))
    m.load_state_dict(torch.load(path))
    m.eval()
    with open(path + ".logits.json") as f:
        flint = torch.tensor(json.load(f)["logits"])
    with torch.no_grad():
        logits = m(fixed_batch(corpus))
    diff = (logits - flint.view_as(logits)).abs().max().item()
    ok = diff < 1e-5
    print(f"{name}: PyTorch's logits of Flint's checkpoint differ from Flint's by at most {diff:.3g}: {'OK' if ok else 'DIFFERENT'}")
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--verify":
        rc = 0
        for p in sys.argv[2:]:
            rc |= verify(p)
        sys.exit(rc)
    generate()
